//! The files a run writes, made safe: readable by their owner only from the first byte, never
//! half-written over the last good one, one run per report at a time, and never the input.
//!
//! - [`PrivateFile`]: a temporary file (mode 0600) beside the target, renamed over it in one
//!   step. Exports rename when complete, so a failed export leaves the last good one; the
//!   report and rejects rename as soon as their header is written, so a killed run still
//!   leaves this run's report of the rows finished so far, never an old one.
//! - [`ReportLock`]: an exclusive OS lock on `REPORT.lock` for the whole run. The OS drops it
//!   when the process ends, however it ends, so a killed run never blocks `--resume`.
//! - [`check_distinct`]: the report, rejects, journal and lock may not be the input or each
//!   other (by path after resolving links, and by file identity).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A CSV file only its owner may read, opened to append to; created (BOM, then `header`)
/// if it is not there. A file that was there is made private too.
pub(crate) fn private_append(path: &Path, header: &str) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    if file.metadata()?.len() == 0 {
        file.write_all(b"\xEF\xBB\xBF")?;
        file.write_all(header.as_bytes())?;
    }
    Ok(file)
}

/// `dir/report.csv` → `dir/report.credentials.csv`: the secrets `--generate-passwords` made.
pub(crate) fn credentials_path(report: &Path) -> PathBuf {
    let stem = report.file_stem().unwrap_or_default().to_string_lossy();
    report.with_file_name(format!("{stem}.credentials.csv"))
}

/// `dir/report.csv` → `dir/report.source.csv`: what `migrate` read from the source PBX.
pub(crate) fn source_path(report: &Path) -> PathBuf {
    let stem = report.file_stem().unwrap_or_default().to_string_lossy();
    report.with_file_name(format!("{stem}.source.csv"))
}

/// `dir/report.csv` → `dir/report.rejects.csv`: the failed and invalid rows, re-importable.
pub(crate) fn rejects_path(report: &Path) -> PathBuf {
    let stem = report.file_stem().unwrap_or_default().to_string_lossy();
    report.with_file_name(format!("{stem}.rejects.csv"))
}

/// `dir/report.csv` → `dir/report.lock`.
pub(crate) fn lock_path(report: &Path) -> PathBuf {
    report.with_extension("lock")
}

/// A file being written that only its owner may read, in place of `path` once committed.
pub(crate) struct PrivateFile {
    path: PathBuf,
    pending: Pending,
}

enum Pending {
    Temporary(tempfile::NamedTempFile),
    /// `path` is no regular file (`/dev/null`, a pipe): written as it is, never replaced.
    Direct(File),
}

impl PrivateFile {
    pub(crate) fn create(path: &Path) -> io::Result<PrivateFile> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        let pending = if special {
            Pending::Direct(OpenOptions::new().write(true).open(path)?)
        } else {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            let mut builder = tempfile::Builder::new();
            builder.prefix(".pbxbulk-").suffix(".tmp");
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
            Pending::Temporary(builder.tempfile_in(dir)?)
        };
        Ok(PrivateFile {
            path: path.to_owned(),
            pending,
        })
    }

    pub(crate) fn file(&mut self) -> &mut File {
        match &mut self.pending {
            Pending::Temporary(tmp) => tmp.as_file_mut(),
            Pending::Direct(file) => file,
        }
    }

    /// Puts the file in place of `path` (one rename) and returns it, still open for writing.
    pub(crate) fn commit(self) -> io::Result<File> {
        match self.pending {
            Pending::Temporary(mut tmp) => {
                tmp.as_file_mut().flush()?;
                tmp.persist(&self.path).map_err(|e| e.error)
            }
            Pending::Direct(file) => Ok(file),
        }
    }
}

/// A new private CSV file at `path`, in place at once, starting with a BOM so Excel reads it
/// as UTF-8 (the rejects file holds passwords).
pub(crate) fn private_file(path: &Path) -> io::Result<File> {
    let mut file = PrivateFile::create(path)?;
    file.file().write_all(b"\xEF\xBB\xBF")?;
    file.commit()
}

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
            let mut options = OpenOptions::new();
            options.write(true).create(true).truncate(false);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
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

/// Refuses a run whose outputs would overwrite its input or each other. `input` is `None`
/// for standard input.
pub(crate) fn check_distinct(
    input: Option<&Path>,
    outputs: &[(&str, &Path)],
) -> Result<(), String> {
    let mut seen: Vec<(&str, PathBuf, Option<FileId>)> = Vec::new();
    if let Some(input) = input {
        seen.push(("the input", resolved(input), identity(input)));
    }
    for (what, path) in outputs {
        let (here, id) = (resolved(path), identity(path));
        if let Some((other, ..)) = seen
            .iter()
            .find(|(_, p, i)| *p == here || (id.is_some() && *i == id))
        {
            return Err(format!(
                "{what} {} would be the same file as {other}; nothing was done. Give another \
                 --report",
                path.display()
            ));
        }
        seen.push((what, here, id));
    }
    Ok(())
}

/// `path` with its directory's links resolved (the file itself may not exist yet).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(full) = std::fs::canonicalize(path) {
        return full;
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::canonicalize(dir)
            .unwrap_or_else(|_| dir.to_owned())
            .join(name),
        _ => std::env::current_dir().unwrap_or_default().join(name),
    }
}

/// Device and inode.
type FileId = (u64, u64);

/// Device and inode of an existing file: two names for one file (a hard link) match.
#[cfg(unix)]
fn identity(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<FileId> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_sit_beside_the_report() {
        assert_eq!(
            rejects_path(Path::new("/tmp/x/staff.report.csv")),
            Path::new("/tmp/x/staff.report.rejects.csv")
        );
    }

    #[test]
    fn a_private_file_replaces_the_old_one_only_when_committed_and_is_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "last good\n").unwrap();
        let mut file = PrivateFile::create(&path).unwrap();
        file.file().write_all(b"half").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "last good\n");
        drop(file);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "last good\n");
        let mut file = PrivateFile::create(&path).unwrap();
        file.file().write_all(b"new\n").unwrap();
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

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

    #[test]
    fn outputs_may_not_be_the_input_or_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "number\n").unwrap();
        let journal = dir.path().join("out.journal");
        assert!(check_distinct(Some(&input), &[("--report", &input)]).is_err());
        let linked = dir.path().join("link.csv");
        std::fs::hard_link(&input, &linked).unwrap();
        assert!(check_distinct(Some(&input), &[("--report", &linked)]).is_err());
        let outputs = [
            ("--report", journal.as_path()),
            ("the journal", journal.as_path()),
        ];
        assert!(check_distinct(Some(&input), &outputs).is_err());
        let report = dir.path().join("sub/../r.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let ok = [
            ("--report", report.as_path()),
            ("the journal", journal.as_path()),
        ];
        assert_eq!(check_distinct(Some(&input), &ok), Ok(()));
    }
}
