//! One run per report at a time: an exclusive OS lock on `REPORT.lock` for the whole run. The
//! OS drops it when the process ends, however it ends, so a killed run never blocks
//! `--resume`.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use super::files::{private_options, refuse_link};
use super::paths::lock_path;

/// Held for the whole of a run that writes a report; released by the OS when the process ends.
#[derive(Debug)]
pub(crate) struct ReportLock {
    path: PathBuf,
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum LockError {
    #[error(
        "another pbxbulk run is using the report {report} (it holds {lock}); nothing was done. \
         Wait for it to finish, or give another --report"
    )]
    Busy { report: PathBuf, lock: PathBuf },
    #[error("cannot lock {lock}: {source}")]
    Io { lock: PathBuf, source: io::Error },
}

impl ReportLock {
    /// Locks `report` for this process, or says which run holds it.
    pub(crate) fn acquire(report: &Path) -> Result<ReportLock, LockError> {
        let lock = lock_path(report);
        let io = |source| LockError::Io {
            lock: lock.clone(),
            source,
        };
        // The lock file is removed when a run ends, so one may be opened just as its holder
        // removes it: locking a file that is no longer at the path would lock nothing.
        loop {
            refuse_link(&lock).map_err(|e| io(io::Error::new(io::ErrorKind::InvalidInput, e)))?;
            let mut options = private_options();
            options.write(true).create(true).truncate(false);
            let file = options.open(&lock).map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(LockError::Busy {
                        report: report.to_owned(),
                        lock,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if same_file(&file, &lock) {
                return Ok(ReportLock {
                    path: lock,
                    _file: file,
                });
            }
        }
    }
}

impl Drop for ReportLock {
    fn drop(&mut self) {
        // Removed while still held, so no other run can have locked this same file.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lock_per_report_until_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r.csv");
        let held = ReportLock::acquire(&report).unwrap();
        assert!(matches!(
            ReportLock::acquire(&report),
            Err(LockError::Busy { .. })
        ));
        drop(held);
        assert!(!lock_path(&report).exists());
        ReportLock::acquire(&report).unwrap();
    }
}
