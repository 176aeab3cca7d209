//! Download of the UCI archive.
//!
//! Each address is tried in turn until one gives the right file. `DEST/<name>.part` is written
//! as the bytes arrive, hashed (SHA-256) on the way, checked against `Content-Length` and the
//! pinned hash, then parsed in full (91 fields a line, the expected row count); only then is it
//! renamed to `DEST/<name>`. So the final name only ever holds a complete, valid file, and a
//! failed download leaves nothing behind. When every address fails, the error lists why for
//! each and says where to put the file by hand.
//!
//! A proxy is a setting the caller passes ([`Proxies`]): the library reads no environment.

use super::table::FULL_ROWS;
use super::uci;
use crate::error::{Error, Result};
use crate::observer::{Event, Note, Observer, Task};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The archive named in the classic assignment.
pub const DEFAULT_URL: &str =
    "https://archive.ics.uci.edu/ml/machine-learning-databases/00203/YearPredictionMSD.txt.zip";
/// The same file at UCI's current address, tried when the first fails.
pub const SECOND_URL: &str = "https://archive.ics.uci.edu/static/public/203/yearpredictionmsd.zip";
/// The addresses tried by default, in order.
pub const DEFAULT_URLS: [&str; 2] = [DEFAULT_URL, SECOND_URL];
/// SHA-256 of the UCI archive (both addresses serve the same bytes).
pub const ARCHIVE_SHA256: &str = "06f801af323bb7798e800583acce4ea1ed2697ac12c23f4424aea0a7a3d09e11";

/// Proxies for the download, as the caller found them (e.g. in `HTTPS_PROXY`, `HTTP_PROXY` and
/// `NO_PROXY`). The default is a direct connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    /// Proxy for `http://` addresses (`http://host:port`, with `user:password@` if needed).
    pub http: Option<String>,
    /// Proxy for `https://` addresses (reached with `CONNECT`).
    pub https: Option<String>,
    /// Hosts reached directly: a name matches itself and its subdomains (`example.org`,
    /// `.example.org`); `*` matches every host.
    pub no_proxy: Vec<String>,
}

impl Proxies {
    /// The proxy for `url`, if any.
    pub fn for_url(&self, url: &str) -> Option<&str> {
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next()?;
        let host_port = authority.rsplit('@').next()?;
        let host = if let Some(v6) = host_port.strip_prefix('[') {
            v6.split(']').next()?
        } else {
            host_port.split(':').next()?
        }
        .to_ascii_lowercase();
        let bypass = self.no_proxy.iter().any(|entry| {
            let entry = entry.trim().trim_start_matches('.').to_ascii_lowercase();
            entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
        });
        if bypass {
            return None;
        }
        match scheme.to_ascii_lowercase().as_str() {
            "http" => self.http.as_deref(),
            "https" => self.https.as_deref(),
            _ => None,
        }
    }
}

/// What to download, from where, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Addresses tried in order; the file is saved under the first one's file name.
    pub urls: Vec<String>,
    pub dest_dir: PathBuf,
    /// SHA-256 the file must have (hex); `None` checks the rows only.
    pub sha256: Option<String>,
    /// Rows the file must hold.
    pub expected_rows: usize,
    pub proxies: Proxies,
}

impl FetchOptions {
    /// The UCI archive from its two addresses, pinned by its hash, into `dest_dir`.
    pub fn uci(dest_dir: &Path) -> FetchOptions {
        FetchOptions {
            urls: DEFAULT_URLS.iter().map(|u| u.to_string()).collect(),
            dest_dir: dest_dir.to_path_buf(),
            sha256: Some(ARCHIVE_SHA256.into()),
            expected_rows: FULL_ROWS,
            proxies: Proxies::default(),
        }
    }
}

/// Downloads the UCI archive from `url` into `dest_dir`, checks its hash and rows, and returns
/// the final path; notes and the bytes downloaded and read go to `observer`.
pub fn fetch(url: &str, dest_dir: &Path, observer: &dyn Observer) -> Result<PathBuf> {
    fetch_with(
        &FetchOptions {
            urls: vec![url.to_string()],
            ..FetchOptions::uci(dest_dir)
        },
        observer,
    )
}

/// Downloads as `options` say; see the module doc. Stops with [`Error::Interrupted`] (and no
/// file) when `observer` asks.
pub fn fetch_with(options: &FetchOptions, observer: &dyn Observer) -> Result<PathBuf> {
    let first = options.urls.first().ok_or_else(|| Error::Fetch {
        url: String::new(),
        message: "no address to download from".into(),
    })?;
    let name = file_name(first).ok_or_else(|| Error::Fetch {
        url: first.clone(),
        message: "the URL does not end in a file name".into(),
    })?;
    crate::atomic::create_dir_all(&options.dest_dir)?;
    let final_path = options.dest_dir.join(name);
    if final_path.is_file() {
        match check(&final_path, options, observer) {
            Ok(()) => {
                observer.event(Event::Note(Note::AlreadyFetched {
                    path: final_path.clone(),
                }));
                return Ok(final_path);
            }
            Err(reason) => observer.event(Event::Note(Note::RefetchingInvalid {
                path: final_path.clone(),
                reason,
            })),
        }
    }
    let mut part = final_path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    let mut attempts = Vec::new();
    for url in &options.urls {
        let outcome = download(url, &part, options, observer).and_then(|()| {
            validate(&part, options.expected_rows, observer)
                .map_err(|why| format!("the download is not the data file: {why}"))
        });
        match outcome {
            Ok(()) => {
                std::fs::rename(&part, &final_path).map_err(|e| Error::io(&final_path, e))?;
                return Ok(final_path);
            }
            Err(why) => {
                let _ = std::fs::remove_file(&part);
                if observer.cancelled() {
                    return Err(Error::Interrupted);
                }
                attempts.push((url.clone(), why));
            }
        }
    }
    Err(Error::FetchFailed {
        attempts,
        dest: final_path,
    })
}

/// The last segment of the URL's path, when it is a plain file name.
pub fn file_name(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let plain = !name.is_empty() && name != "." && name != ".." && !name.contains('\\');
    plain.then_some(name)
}

/// Streams the body of `url` into `part`, checking its length and hash; a message on any failure.
fn download(
    url: &str,
    part: &Path,
    options: &FetchOptions,
    observer: &dyn Observer,
) -> std::result::Result<(), String> {
    let mut agent = ureq::AgentBuilder::new()
        .try_proxy_from_env(false)
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(60));
    if let Some(proxy) = options.proxies.for_url(url) {
        let proxy = ureq::Proxy::new(proxy).map_err(|e| format!("proxy {proxy}: {e}"))?;
        agent = agent.proxy(proxy);
    }
    let response = match agent.build().get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(code, r)) => {
            return Err(format!("HTTP {code} {}", r.status_text()))
        }
        Err(e) => return Err(e.to_string()),
    };
    let length = response
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut reader = response.into_reader();
    let file = File::create(part).map_err(|e| format!("{}: {e}", part.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut got: u64 = 0;
    loop {
        if observer.cancelled() {
            return Err("interrupted".into());
        }
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cut short after {got} bytes: {e}")),
        };
        out.write_all(&buf[..n])
            .map_err(|e| format!("{}: {e}", part.display()))?;
        hasher.update(&buf[..n]);
        got += n as u64;
        observer.event(Event::Progress {
            task: Task::Download,
            done: got,
            total: length,
        });
    }
    let file = out
        .into_inner()
        .map_err(|e| format!("{}: {}", part.display(), e.error()))?;
    file.sync_all()
        .map_err(|e| format!("{}: {e}", part.display()))?;
    if let Some(expected) = length.filter(|&l| l != got) {
        return Err(format!(
            "cut short: got {got} of {expected} bytes (Content-Length)"
        ));
    }
    match &options.sha256 {
        Some(expected) => same_hash(&hex(&hasher.finalize()), expected),
        None => Ok(()),
    }
}

/// Whether a file already in place is the right one: its hash, then its rows.
fn check(
    path: &Path,
    options: &FetchOptions,
    observer: &dyn Observer,
) -> std::result::Result<(), String> {
    if let Some(expected) = &options.sha256 {
        same_hash(&sha256_file(path).map_err(|e| e.to_string())?, expected)?;
    }
    validate(path, options.expected_rows, observer)
}

fn same_hash(actual: &str, expected: &str) -> std::result::Result<(), String> {
    if actual.eq_ignore_ascii_case(expected.trim()) {
        Ok(())
    } else {
        Err(format!(
            "SHA-256 {actual}, expected {expected}: not the UCI archive"
        ))
    }
}

/// SHA-256 of the file at `path`, in hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses `path` in full; the reason when it is not a valid data file of `expected_rows` rows.
fn validate(
    path: &Path,
    expected_rows: usize,
    observer: &dyn Observer,
) -> std::result::Result<(), String> {
    let values = uci::parse_file(path, observer).map_err(|e| e.to_string())?;
    if values.rows() != expected_rows {
        return Err(format!("{} rows, expected {expected_rows}", values.rows()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_url_path() {
        assert_eq!(file_name(DEFAULT_URL), Some("YearPredictionMSD.txt.zip"));
        assert_eq!(file_name("http://h/a/b.zip?x=1#y"), Some("b.zip"));
        assert_eq!(file_name("http://h/a/"), None);
        assert_eq!(file_name("http://h/.."), None);
    }

    #[test]
    fn proxies_by_scheme_and_no_proxy() {
        let p = Proxies {
            http: Some("http://p:1".into()),
            https: Some("http://s:2".into()),
            no_proxy: vec!["example.org".into(), ".local".into()],
        };
        assert_eq!(p.for_url("http://a.b/x"), Some("http://p:1"));
        assert_eq!(p.for_url("https://a.b/x"), Some("http://s:2"));
        assert_eq!(p.for_url("https://example.org/x"), None);
        assert_eq!(p.for_url("https://www.example.org:443/x"), None);
        assert_eq!(p.for_url("http://host.local/x"), None);
        assert_eq!(p.for_url("http://notexample.org/x"), Some("http://p:1"));
        let all = Proxies {
            no_proxy: vec!["*".into()],
            ..p
        };
        assert_eq!(all.for_url("http://a.b/x"), None);
    }
}
