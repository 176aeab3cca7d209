//! `data fetch` against a tiny HTTP server on 127.0.0.1 (no test reaches the internet): a good
//! archive, a body cut short, a corrupt archive, a wrong row count, a 404.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the server answers for one path.
struct Route {
    path: &'static str,
    status: u16,
    body: Vec<u8>,
    /// Bytes of the body actually sent (the Content-Length header always says the full length).
    send: usize,
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
    let (status, body, send) = match routes.iter().find(|r| r.path == path) {
        Some(r) => (r.status, r.body.as_slice(), r.send),
        None => (404, &b"not here"[..], 8),
    };
    let reason = if status == 200 { "OK" } else { "Not Found" };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body[..send])?;
    stream.flush()?;
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
        .args(["--expect-rows", &rows.to_string()])
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
        },
        Route {
            path: "/corrupt.zip",
            status: 200,
            send: corrupt.len(),
            body: corrupt,
        },
        Route {
            path: "/rows.zip",
            status: 200,
            send: body.len(),
            body: body.clone(),
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
