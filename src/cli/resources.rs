//! What the machine has room for, asked before memory or disk is taken: the memory available
//! (`MemAvailable` of `/proc/meminfo`) and the free space of a file system. The library only
//! says what a size needs (`data::load_bytes`); the comparison is the command line's.

use std::path::Path;

/// Bytes of memory available to a new process, when the system says.
pub fn memory_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Bytes free for an unprivileged user on the file system of `path`, when the system says.
pub fn disk_available(path: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(path).ok()?;
    stat.f_bavail.checked_mul(stat.f_frsize)
}

/// `bytes` for a message: `36.1 GB`.
pub fn show(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}
