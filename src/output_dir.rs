//! An output directory written as a unit: one writer at a time, and a reader (or a crash) finds
//! the previous complete set of files or the new complete set, never a mix.
//!
//! ```text
//! DIR/.msd-lock      held (flock) by the writer; holds its pid and command, for the message
//!                    a second writer gets
//! DIR/.msd-staging/  the new set is written here first, file by file (each atomically)
//! DIR/.msd-commit    the commit mark: the entries to put in place and those to remove
//! DIR/.msd-trash/    the replaced entries, until the commit is done
//! ```
//! Committing writes the mark, then renames each staged entry over its final name (a replaced
//! directory goes to the trash first: a directory cannot be renamed over a full one), removes
//! the entries of the set that the new one lacks, and removes the mark. A writer killed before
//! the mark leaves the previous set (its staging directory is removed by the next writer); one
//! killed after it leaves a mark that the next writer (or [`OutputDir::lock`] alone) completes
//! before doing anything else. Files of DIR outside the set (a user's notes) are never touched.

use crate::atomic::{create_dir_all, write_bytes_atomic};
use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const LOCK: &str = ".msd-lock";
const STAGING: &str = ".msd-staging";
const MARK: &str = ".msd-commit";
const TRASH: &str = ".msd-trash";

/// The commit mark's contents.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Mark {
    put: Vec<String>,
    remove: Vec<String>,
}

/// A locked output directory with a fresh staging directory for the new set. Dropped without
/// [`OutputDir::commit`], it removes what was staged and leaves the directory as it was.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    staging: PathBuf,
    /// Holds the lock for as long as this value lives.
    lock: Option<File>,
    committed: bool,
    /// The directory did not exist: an abandoned set removes it again (when empty).
    created: bool,
}

impl OutputDir {
    /// Creates `dir` if needed and takes its lock, without waiting: a directory that another
    /// process writes is [`Error::Busy`], naming the holder. `holder` (the command line, say) is
    /// what a second writer is told. An unfinished commit of a killed writer is completed, and
    /// its staged files removed.
    pub fn lock(dir: &Path, holder: &str) -> Result<OutputDir> {
        let created = std::fs::symlink_metadata(dir).is_err();
        create_dir_all(dir)?;
        let lock_path = dir.join(LOCK);
        let mut lock = loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&lock_path)
                .map_err(|e| Error::io(&lock_path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    let holder = text.trim();
                    return Err(Error::Busy {
                        dir: dir.to_path_buf(),
                        holder: if holder.is_empty() {
                            "another process".into()
                        } else {
                            holder.to_string()
                        },
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
            }
            // The holder before removes the lock file when it is done: a lock taken on a file
            // already removed (or replaced) locks nothing, so try again on the one there now.
            if same_file(&file, &lock_path) {
                break file;
            }
        };
        let me = format!("pid {}: {}\n", std::process::id(), holder);
        lock.set_len(0)
            .and_then(|()| lock.seek(SeekFrom::Start(0)))
            .and_then(|_| lock.write_all(me.as_bytes()))
            .map_err(|e| Error::io(&lock_path, e))?;
        let out = OutputDir {
            dir: dir.to_path_buf(),
            staging: dir.join(STAGING),
            lock: Some(lock),
            committed: false,
            created,
        };
        out.recover()?;
        create_dir_all(&out.staging)?;
        Ok(out)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where the new set is written before [`OutputDir::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Puts the staged set in place. `owned` names the top-level entries that make up a set of
    /// this command (`model.json`, `plots`): those the staging directory lacks are removed, so
    /// no file of an older set stays beside the new one. Staged entries are put in place whether
    /// named or not.
    pub fn commit(mut self, owned: &[&str]) -> Result<()> {
        let staged = entries(&self.staging)?;
        let remove = owned
            .iter()
            .map(|s| s.to_string())
            .filter(|name| !staged.contains(name))
            .collect();
        let mark = Mark {
            put: staged,
            remove,
        };
        let mark_path = self.dir.join(MARK);
        let text =
            serde_json::to_vec(&mark).map_err(|e| Error::format(&mark_path, e.to_string()))?;
        // Written in the staging directory (where a killed write's temporary file goes away
        // with the rest), then renamed into place: the commit point.
        let staged_mark = self.staging.join(MARK);
        write_bytes_atomic(&staged_mark, &text)?;
        std::fs::rename(&staged_mark, &mark_path).map_err(|e| Error::io(&mark_path, e))?;
        self.committed = true;
        self.apply(&mark)
    }

    /// Completes a commit whose mark is there; removes what a killed writer left.
    fn recover(&self) -> Result<()> {
        let mark_path = self.dir.join(MARK);
        match std::fs::read(&mark_path) {
            Ok(text) => match serde_json::from_slice::<Mark>(&text) {
                Ok(mark) => return self.apply(&mark),
                // A mark is written atomically: an unreadable one was never a commit.
                Err(_) => remove(&mark_path)?,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&mark_path, e)),
        }
        remove(&self.dir.join(TRASH))?;
        remove(&self.staging)
    }

    /// Carries out `mark`; safe to repeat after a crash at any point of it.
    fn apply(&self, mark: &Mark) -> Result<()> {
        let trash = self.dir.join(TRASH);
        for name in &mark.put {
            let (from, to) = (self.staging.join(name), self.dir.join(name));
            let Ok(staged) = std::fs::symlink_metadata(&from) else {
                continue; // already in place
            };
            if let Ok(meta) = std::fs::symlink_metadata(&to) {
                // A file renames over a file; a directory (or a change of kind) goes first.
                if meta.is_dir() || staged.is_dir() {
                    create_dir_all(&trash)?;
                    let old = trash.join(name);
                    remove(&old)?;
                    std::fs::rename(&to, &old).map_err(|e| Error::io(&to, e))?;
                }
            }
            std::fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        for name in &mark.remove {
            remove(&self.dir.join(name))?;
        }
        sync_dir(&self.dir);
        remove(&self.dir.join(MARK))?;
        remove(&trash)?;
        remove(&self.staging)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove(&self.staging);
        }
        // Removed while still held (see `lock`), then released.
        let _ = std::fs::remove_file(self.dir.join(LOCK));
        drop(self.lock.take());
        if self.created && !self.committed {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Whether the open `file` is the one at `path` now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// The names in `dir`.
fn entries(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Removes a file or a directory tree; nothing there is fine.
fn remove(path: &Path) -> Result<()> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => return Ok(()),
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Flushes the directory's entries (the renames) to disk; best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_replaces_the_set_and_keeps_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let out = OutputDir::lock(&dir, "test").unwrap();
        std::fs::write(out.staging().join("a.txt"), "1").unwrap();
        std::fs::create_dir(out.staging().join("sub")).unwrap();
        std::fs::write(out.staging().join("sub/x"), "1").unwrap();
        out.commit(&["a.txt", "b.txt", "sub"]).unwrap();
        std::fs::write(dir.join("notes"), "mine").unwrap();
        std::fs::write(dir.join("b.txt"), "stale").unwrap();

        let second = OutputDir::lock(&dir, "test");
        let out = second.unwrap();
        assert!(matches!(
            OutputDir::lock(&dir, "other"),
            Err(Error::Busy { .. })
        ));
        std::fs::write(out.staging().join("a.txt"), "2").unwrap();
        std::fs::create_dir(out.staging().join("sub")).unwrap();
        std::fs::write(out.staging().join("sub/y"), "2").unwrap();
        out.commit(&["a.txt", "b.txt", "sub"]).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "2");
        assert!(!dir.join("b.txt").exists());
        assert!(!dir.join("sub/x").exists() && dir.join("sub/y").exists());
        assert_eq!(std::fs::read_to_string(dir.join("notes")).unwrap(), "mine");
        drop(out_guard_check(&dir));
        let mut left = entries(&dir).unwrap();
        left.retain(|n| n.starts_with(".msd"));
        assert!(left.is_empty(), "{left:?}");
    }

    fn out_guard_check(dir: &Path) -> Result<()> {
        // Nothing holds the directory once its writers are gone.
        OutputDir::lock(dir, "check").map(drop)
    }

    #[test]
    fn an_abandoned_set_of_a_new_directory_removes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("new");
        drop(OutputDir::lock(&dir, "test").unwrap());
        assert!(!dir.exists());
    }

    #[test]
    fn an_abandoned_set_leaves_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutputDir::lock(tmp.path(), "test").unwrap();
        std::fs::write(out.staging().join("a.txt"), "1").unwrap();
        out.commit(&["a.txt"]).unwrap();
        let out = OutputDir::lock(tmp.path(), "test").unwrap();
        std::fs::write(out.staging().join("a.txt"), "2").unwrap();
        drop(out);
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("a.txt")).unwrap(),
            "1"
        );
        assert!(!tmp.path().join(STAGING).exists());
    }

    #[test]
    fn a_mark_left_by_a_killed_writer_is_completed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.txt"), "old").unwrap();
        std::fs::write(dir.join("b.txt"), "old").unwrap();
        // Killed after putting a.txt in place, before b.txt.
        std::fs::create_dir(dir.join(STAGING)).unwrap();
        std::fs::write(dir.join(STAGING).join("b.txt"), "new").unwrap();
        std::fs::write(dir.join("a.txt"), "new").unwrap();
        let mark = r#"{"put":["a.txt","b.txt"],"remove":["c.txt"]}"#;
        std::fs::write(dir.join(MARK), mark).unwrap();
        drop(OutputDir::lock(dir, "test").unwrap());
        for name in ["a.txt", "b.txt"] {
            assert_eq!(std::fs::read_to_string(dir.join(name)).unwrap(), "new");
        }
        assert!(!dir.join(MARK).exists());
    }
}
