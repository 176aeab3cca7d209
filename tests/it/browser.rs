//! The report in a real browser: Debian's chromium, headless (installed by
//! `scripts/setup-oracles`). The page must load with no console error, no CSP violation and no
//! failed resource, and every plot must have a non-zero rendered size.
//!
//! The report itself carries no script (its Content-Security-Policy forbids scripts and every
//! fetch). The test loads a probe copy, once: the same page whose policy admits only the probe's
//! own scripts (by a nonce, so that anything else the page tried to run, an inline event handler
//! or a `javascript:` URL, is still refused and reported as under `script-src 'none'`). The
//! probe records errors, CSP violations and the plots' rendered sizes into the DOM, read back
//! with `--dump-dom`; chromium's console log on stderr must show no error or CSP violation, and
//! a screenshot is taken for a human to look at. The numbers of the answers, as the browser
//! renders them, are the values of `results.json` that they name.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs headless chromium on `page` with `extra` flags and a fresh profile; returns stdout and
/// stderr.
fn browse(chromium: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = common::temp_dir();
    let out = Command::new("timeout")
        .arg("180")
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("start chromium");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "chromium failed: {}\n{stderr}",
        out.status
    );
    (stdout, stderr)
}

/// A copy of the report with a probe script that writes errors and plot sizes into the DOM.
fn probe_copy(report: &Path) -> PathBuf {
    let html = std::fs::read_to_string(report).expect("read report");
    assert!(
        html.contains("script-src 'none'"),
        "the report forbids scripts"
    );
    let head = "<script nonce=\"msd-probe\">window.__errors=[];window.addEventListener('error',function(e){\
        window.__errors.push(String(e.message||(e.target&&(e.target.src||e.target.href))||'error'));},true);\
        document.addEventListener('securitypolicyviolation',function(e){\
        window.__errors.push('CSP '+e.violatedDirective+': '+e.blockedURI);});\
        </script>";
    // Read at the load event, after every resource and handler of the page had its turn.
    let tail = "<script nonce=\"msd-probe\">window.addEventListener('load',function(){\
        var figs=[].map.call(document.querySelectorAll('figure.plot'),function(f){\
        var s=f.querySelector('svg');var r=s?s.getBoundingClientRect():{width:0,height:0};\
        return {id:f.id,width:r.width,height:r.height};});\
        var nums=[].map.call(document.querySelectorAll('p.answer span.num'),function(s){\
        return [s.getAttribute('data-json'),s.textContent];});\
        var answers=document.querySelectorAll('p.answer').length;\
        var p=document.createElement('pre');p.id='probe';\
        p.textContent=JSON.stringify({figures:figs,errors:window.__errors,title:document.title,\
        numbers:nums,answers:answers});\
        document.body.appendChild(p);});</script>";
    let probe = html
        .replace("script-src 'none'", "script-src 'nonce-msd-probe'")
        .replacen("<head>", &format!("<head>{head}"), 1)
        .replacen("</body>", &format!("{tail}</body>"), 1);
    let path = report.with_file_name("probe.html");
    std::fs::write(&path, probe).expect("write probe");
    path
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Console lines that report an error, a CSP violation or a failed load. (Chromium logs a CSP
/// violation at INFO level, as "... violates the following Content Security Policy directive";
/// older versions said "Refused to ...".)
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            (l.contains("CONSOLE") && !l.contains(":INFO:"))
                || l.contains("Refused to")
                || l.contains("Content Security Policy")
                || l.contains("ERR_")
                || (l.contains("CONSOLE") && l.to_lowercase().contains("error"))
        })
        .collect()
}

#[test]
fn report_loads_in_chromium_with_every_plot_drawn() {
    let Some(chromium) = common::oracle_chromium() else {
        return;
    };
    // A copy of the shared study's report (self-contained), so that the probe and the
    // screenshot do not land among its files.
    let study = crate::study::quick_study();
    let dir = common::temp_dir();
    let out = dir.path();
    let report = out.join("report.html");
    std::fs::copy(study.join("report.html"), &report).expect("copy report");

    // The probe copy, in one launch of the browser: the console log on stderr, the DOM with the
    // probe's findings on stdout, and a screenshot.
    let shot = out.join("screenshot.png");
    let probe = probe_copy(&report);
    let (dom, stderr) = browse(
        &chromium,
        &probe,
        &[
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,2400",
            &format!("--screenshot={}", shot.display()),
            "--dump-dom",
        ],
    );
    let errors = console_errors(&stderr);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.len() > 10_000 && &png[1..4] == b"PNG",
        "screenshot is a real image"
    );

    // The probe's findings: errors and rendered sizes, read back from the DOM.
    let start = dom
        .find("<pre id=\"probe\">")
        .expect("probe output in the DOM")
        + 16;
    let end = start + dom[start..].find("</pre>").expect("end of probe output");
    let probe: serde_json::Value =
        serde_json::from_str(&unescape(&dom[start..end])).expect("probe JSON");
    assert_eq!(probe["errors"].as_array().map(Vec::len), Some(0), "{probe}");
    let figures = probe["figures"].as_array().expect("figures");
    assert_eq!(figures.len(), 7, "{probe}");
    for f in figures {
        let (w, h) = (
            f["width"].as_f64().unwrap_or(0.0),
            f["height"].as_f64().unwrap_or(0.0),
        );
        assert!(
            w > 100.0 && h > 100.0,
            "plot {} rendered at {w} x {h}",
            f["id"]
        );
    }
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(study.join("results.json")).unwrap()).unwrap();
    let numbers = probe["numbers"].as_array().expect("numbers");
    assert!(
        probe["answers"].as_u64() > Some(10) && numbers.len() > 60,
        "{probe}"
    );
    for pair in numbers {
        let (path, text) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        common::assert_quoted(&results, path, text);
    }
    if let Some(keep) = std::env::var_os("MSD_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).expect("keep screenshot");
    }
}
