//! The one place every file the tool writes is created: readable by its owner only from the
//! first byte, never written through a symbolic link (it could point at any file, the input
//! included), and, where the file is whole, never half-written over the last good one.
//!
//! - [`PrivateFile`]: a temporary file (mode 0600) beside the target, renamed over it in one
//!   step. Exports rename when complete, so a failed export leaves the last good one; the
//!   report and rejects rename as soon as their header is written, so a killed run still
//!   leaves this run's report of the rows finished so far, never an old one.
//! - [`write_whole`]: a small file written whole the same way (the JSON summary).
//! - [`private_append`]: the credentials file, appended to, since an earlier run's secrets
//!   may exist nowhere else; opened without following a link, and made private.
//!
//! Which files a run may write at all (never its input, never one of its outputs twice) is
//! decided before anything is read or sent (`claim`); where they sit beside the report is
//! `paths`.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Why a file was not written: the path is a symbolic link.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is a symbolic link; pbxbulk never writes through one (it could point at any file): \
     give the file's own path",
    .0.display()
)]
pub(crate) struct LinkRefused(pub(crate) PathBuf);

/// An error unless `path` is no symbolic link (or nothing at all).
pub(crate) fn refuse_link(path: &Path) -> Result<(), LinkRefused> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(LinkRefused(path.to_owned())),
        _ => Ok(()),
    }
}

fn no_link(path: &Path) -> io::Result<()> {
    refuse_link(path).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

/// Options that create a file private (0600) and never open one through a link.
pub(super) fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

impl PrivateFile {
    pub(crate) fn create(path: &Path) -> io::Result<PrivateFile> {
        no_link(path)?;
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        let pending = if special {
            Pending::Direct(private_options().write(true).open(path)?)
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

    /// Puts the file in place of `path` (one rename, which replaces whatever is there and
    /// follows no link) and returns it, still open for writing.
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

/// A new private file at `path`, in place at once, starting with `bom` (for CSV in UTF-8 the
/// BOM that makes Excel read it as UTF-8; the rejects file holds passwords).
pub(crate) fn private_file(path: &Path, bom: &[u8]) -> io::Result<File> {
    let mut file = PrivateFile::create(path)?;
    file.file().write_all(bom)?;
    file.commit()
}

/// Writes `bytes` as the whole of the private file `path`, in place in one step.
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = PrivateFile::create(path)?;
    file.file().write_all(bytes)?;
    file.commit().map(drop)
}

/// A CSV file only its owner may read, opened to append to; created (BOM, then `header`)
/// if it is not there. A file that was there is made private too; a link is refused.
pub(crate) fn private_append(path: &Path, header: &str) -> io::Result<File> {
    no_link(path)?;
    let mut file = private_options().append(true).create(true).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is no regular file", path.display()),
        ));
    }
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    if file.metadata()?.len() == 0 {
        file.write_all(b"\xEF\xBB\xBF")?;
        file.write_all(header.as_bytes())?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_through_a_link_whole_or_appended() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, "keep me\n").unwrap();
        let link = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let refused = |e: io::Error| e.to_string().contains("symbolic link");
        assert!(PrivateFile::create(&link).is_err_and(refused));
        assert!(write_whole(&link, b"{}").is_err_and(refused));
        assert!(private_append(&link, "number,field,secret\n").is_err_and(refused));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
        // A link to nowhere would have been created by a plain open.
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(private_append(&dangling, "h\n").is_err_and(refused));
        assert!(!dir.path().join("nowhere").exists());
    }
}
