//! `data fetch` against a tiny HTTP server on 127.0.0.1 (no test reaches the internet): a good
//! archive, a body cut short, a corrupt archive, a wrong row count, a 404.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the server answers for one path.
#[derive(Default)]
struct Route {
    path: &'static str,
    status: u16,
    body: Vec<u8>,
    /// Bytes of the body actually sent (the Content-Length header says the full length).
    send: usize,
    /// Send no Content-Length header: the end of the body is the closed connection.
    no_length: bool,
    /// Hold the connection open this long after sending (a stalled download).
    stall: Duration,
}

/// Serves `routes` for at most `max_requests` connections or 30 seconds, whichever comes first;
/// returns the base URL and the thread (which gives the number of requests served).
fn serve(routes: Vec<Route>, max_requests: usize) -> (String, JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut served = 0;
        while served < max_requests && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    let _ = answer(stream, &routes);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        served
    });
    (base, handle)
}

fn answer(mut stream: TcpStream, routes: &[Route]) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("");
    let not_found = Route {
        status: 404,
        body: b"not here".to_vec(),
        send: 8,
        ..Route::default()
    };
    let route = routes.iter().find(|r| r.path == path).unwrap_or(&not_found);
    let (status, body, send) = (route.status, route.body.as_slice(), route.send);
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let length = if route.no_length {
        String::new()
    } else {
        format!("Content-Length: {}\r\n", body.len())
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\n{length}Content-Type: application/zip\r\nConnection: close\r\n\r\n",
    )?;
    stream.write_all(&body[..send])?;
    stream.flush()?;
    std::thread::sleep(route.stall);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

/// A zip archive holding `rows` rows of UCI text.
fn archive(rows: usize) -> Vec<u8> {
    let mut text = String::new();
    for i in 0..rows {
        text.push_str(&(1990 + i % 20).to_string());
        for j in 1..91 {
            text.push_str(&format!(",{}.{:05}", (i * j) % 97, (i * 31 + j) % 100_000));
        }
        text.push('\n');
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("YearPredictionMSD.txt", options).unwrap();
    zip.write_all(text.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn fetch(base: &str, name: &str, dest: &Path, rows: usize) -> std::process::Output {
    common::cli()
        .args([
            "data",
            "fetch",
            "--url",
            &format!("{base}/{name}"),
            "--dest",
        ])
        .arg(dest)
        .args(["--expect-rows", &rows.to_string(), "--sha256", "any"])
        .output()
        .expect("run")
}

/// The names in `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|it| {
            it.map(|e| e.unwrap().file_name().to_string_lossy().into())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn failed(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "accepted: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_good_archive_is_downloaded_once() {
    let body = archive(30);
    let (base, server) = serve(
        vec![Route {
            path: "/d/good.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
            ..Route::default()
        }],
        1,
    );
    let dir = common::temp_dir();
    let dest = dir.path().join("data");
    let out = fetch(&base, "d/good.zip", &dest, 30);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let final_path = dest.join("good.zip");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        final_path.display().to_string()
    );
    assert_eq!(std::fs::read(&final_path).unwrap(), body);
    assert_eq!(listing(&dest), vec!["good.zip"]);
    assert_eq!(server.join().unwrap(), 1);

    // The server is gone: a second run must not need it.
    let again = fetch(&base, "d/good.zip", &dest, 30);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(stderr.contains("already present and valid"), "{stderr}");

    // The downloaded archive loads like any data file.
    let inspect = common::cli()
        .args(["data", "inspect", "--no-cache", "--json", "--data"])
        .arg(&final_path)
        .output()
        .unwrap();
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
}

#[test]
fn bad_downloads_leave_nothing_behind() {
    let body = archive(30);
    let mut corrupt = body.clone();
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 16] {
        *b ^= 0xa5;
    }
    let routes = vec![
        Route {
            path: "/short.zip",
            status: 200,
            send: body.len() / 2,
            body: body.clone(),
            ..Route::default()
        },
        Route {
            path: "/corrupt.zip",
            status: 200,
            send: corrupt.len(),
            body: corrupt,
            ..Route::default()
        },
        Route {
            path: "/rows.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
            ..Route::default()
        },
    ];
    let (base, server) = serve(routes, 4);
    let dir = common::temp_dir();
    let cases = [
        ("short.zip", 30, "cut short"),
        ("corrupt.zip", 30, "not the data file"),
        ("rows.zip", 31, "30 rows, expected 31"),
        ("missing.zip", 30, "HTTP 404"),
    ];
    for (name, rows, message) in cases {
        let out = fetch(&base, name, dir.path(), rows);
        let stderr = failed(&out);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{base}/{name}")),
            "{name}: URL not named: {stderr}"
        );
        assert!(
            listing(dir.path()).is_empty(),
            "{name}: left {:?}",
            listing(dir.path())
        );
    }
    assert_eq!(server.join().unwrap(), 4);
}

#[test]
fn an_invalid_file_already_there_is_replaced() {
    let body = archive(12);
    let (base, server) = serve(
        vec![Route {
            path: "/x.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
            ..Route::default()
        }],
        1,
    );
    let dir = common::temp_dir();
    common::write_file(dir.path(), "x.zip", b"PK\x03\x04 half an archive");
    let out = fetch(&base, "x.zip", dir.path(), 12);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("not valid"), "{stderr}");
    assert_eq!(std::fs::read(dir.path().join("x.zip")).unwrap(), body);
    assert_eq!(server.join().unwrap(), 1);
}

/// A gzip file; the UCI text of `rows` rows inside.
fn gz_archive(rows: usize) -> Vec<u8> {
    let zip = archive(rows);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut text).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&text).unwrap();
    enc.finish().unwrap()
}

#[test]
fn downloads_cut_short_without_a_length_are_caught_by_validation() {
    let zip = archive(30);
    let gz = gz_archive(30);
    let routes = vec![
        Route {
            path: "/nolen.zip",
            status: 200,
            send: zip.len() * 2 / 3,
            body: zip.clone(),
            no_length: true,
            ..Route::default()
        },
        Route {
            path: "/nolen.gz",
            status: 200,
            send: gz.len() - 10,
            body: gz.clone(),
            no_length: true,
            ..Route::default()
        },
        Route {
            path: "/whole.gz",
            status: 200,
            send: gz.len(),
            body: gz.clone(),
            no_length: true,
            ..Route::default()
        },
    ];
    let (base, server) = serve(routes, 3);
    let dir = common::temp_dir();
    for name in ["nolen.zip", "nolen.gz"] {
        let out = fetch(&base, name, dir.path(), 30);
        let stderr = failed(&out);
        assert!(stderr.contains("not the data file"), "{name}: {stderr}");
        assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
    }
    // The same without damage and without a length: accepted, as the bytes validate.
    let out = fetch(&base, "whole.gz", dir.path(), 30);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.path().join("whole.gz")).unwrap(), gz);
    assert_eq!(server.join().unwrap(), 3);
}

#[test]
fn a_download_killed_midway_leaves_no_file_under_the_final_name() {
    let body = archive(40);
    let (base, server) = serve(
        vec![Route {
            path: "/slow.zip",
            status: 200,
            send: body.len() / 2,
            body: body.clone(),
            stall: Duration::from_secs(3),
            ..Route::default()
        }],
        1,
    );
    let dir = common::temp_dir();
    let mut child = common::cli_process()
        .args([
            "data",
            "fetch",
            "--url",
            &format!("{base}/slow.zip"),
            "--dest",
        ])
        .arg(dir.path())
        .args(["--expect-rows", "40", "--sha256", "any"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the download has started (its `.part` file exists) and half the body has
    // been sent, then kill it while it waits for the rest.
    let part = dir.path().join("slow.zip.part");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !part.exists() {
        assert!(Instant::now() < deadline, "the download did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!dir.path().join("slow.zip").exists());
    server.join().unwrap();

    // The half file is never taken for the data: the next fetch downloads and validates anew.
    let (base, server) = serve(
        vec![Route {
            path: "/slow.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
            ..Route::default()
        }],
        1,
    );
    let out = fetch(&base, "slow.zip", dir.path(), 40);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.path().join("slow.zip")).unwrap(), body);
    assert_eq!(listing(dir.path()), vec!["slow.zip"]);
    assert_eq!(server.join().unwrap(), 1);
}

/// SHA-256 of `bytes`, in hex.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `data fetch` of `urls` (tried in order) with the hash `sha`, and extra environment.
fn fetch_urls(
    urls: &[String],
    dest: &Path,
    sha: &str,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = common::cli();
    cmd.args(["data", "fetch", "--dest"])
        .arg(dest)
        .args(["--expect-rows", "30", "--sha256", sha]);
    for url in urls {
        cmd.args(["--url", url]);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run")
}

#[test]
fn a_wrong_hash_is_refused_and_leaves_nothing() {
    let body = archive(30);
    let route = || Route {
        path: "/x.zip",
        status: 200,
        send: body.len(),
        body: body.clone(),
        ..Route::default()
    };
    let (base, server) = serve(vec![route()], 1);
    let dir = common::temp_dir();
    // The pinned hash of the UCI archive, which this small archive is not.
    let out = fetch_urls(
        &[format!("{base}/x.zip")],
        dir.path(),
        "06f801af323bb7798e800583acce4ea1ed2697ac12c23f4424aea0a7a3d09e11",
        &[],
    );
    let stderr = failed(&out);
    assert!(stderr.contains("expected 06f801af"), "{stderr}");
    assert!(stderr.contains("download it by hand"), "{stderr}");
    assert!(
        stderr.contains(&dir.path().join("x.zip").display().to_string()),
        "{stderr}"
    );
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
    server.join().unwrap();
    // The right hash: accepted.
    let (base, server) = serve(vec![route()], 1);
    let out = fetch_urls(&[format!("{base}/x.zip")], dir.path(), &sha256(&body), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(listing(dir.path()), vec!["x.zip"]);
    server.join().unwrap();
}

#[test]
fn a_first_address_that_fails_falls_back_to_the_second() {
    let body = archive(30);
    let (base, server) = serve(
        vec![Route {
            path: "/second/YearPredictionMSD.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
            ..Route::default()
        }],
        2,
    );
    let dir = common::temp_dir();
    let urls = [
        format!("{base}/first/YearPredictionMSD.txt.zip"),
        format!("{base}/second/YearPredictionMSD.zip"),
    ];
    let out = fetch_urls(&urls, dir.path(), &sha256(&body), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Saved under the first address's name, where the other commands look for it.
    assert_eq!(listing(dir.path()), vec!["YearPredictionMSD.txt.zip"]);
    assert_eq!(server.join().unwrap(), 2);
}

#[test]
fn the_proxy_of_the_environment_is_used_and_no_proxy_is_honoured() {
    let body = archive(30);
    // A loopback "proxy" that answers every request itself and records its request line.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let served = body.clone();
    let proxy_thread = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request = String::new();
        reader.read_line(&mut request).unwrap();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                break;
            }
        }
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            served.len()
        )
        .unwrap();
        stream.write_all(&served).unwrap();
        request
    });
    let dir = common::temp_dir();
    // A host that does not exist: only the proxy can answer.
    let url = "http://msd-century.invalid/data/x.zip".to_string();
    let out = fetch_urls(
        std::slice::from_ref(&url),
        dir.path(),
        &sha256(&body),
        &[("HTTP_PROXY", &proxy)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let request = proxy_thread.join().unwrap();
    assert_eq!(request.trim(), format!("GET {url} HTTP/1.1"));

    // NO_PROXY: the host is reached directly, the (dead) proxy never asked.
    let (base, server) = serve(
        vec![Route {
            path: "/y.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
            ..Route::default()
        }],
        1,
    );
    let env = [
        ("HTTP_PROXY", "http://127.0.0.1:9"),
        ("NO_PROXY", "localhost,127.0.0.1"),
    ];
    let out = fetch_urls(&[format!("{base}/y.zip")], dir.path(), &sha256(&body), &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.join().unwrap(), 1);
}
