//! The input file pinned for a run: opened once, fingerprinted by the SHA-256 of its bytes
//! when a run needs it (a journal does; `validate` and a dry run do not), and watched for
//! changes while it is read.
//!
//! Standard input is first copied to an unnamed private temporary file, so it has a
//! fingerprint too (a `--resume` from standard input must supply the same bytes) and can be
//! read more than once. Every read goes through the one open file at its own position, so a
//! file replaced by another under the same name changes nothing; a file rewritten in place
//! changes its size or modification time, which [`Input::changed`] notices.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// What identifies an input's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// Lower-case hex SHA-256 of every byte.
    pub(crate) sha256: String,
    pub(crate) size: u64,
}

/// Size and modification time, as they were when the input was fingerprinted.
type Stamp = (u64, Option<SystemTime>);

pub(crate) struct Input {
    path: PathBuf,
    file: Arc<File>,
    /// Worked out on first use (standard input's while it is copied).
    fingerprint: OnceLock<Fingerprint>,
    /// `None` for standard input's private copy, which nothing else can change.
    stamp: Option<Stamp>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum InputError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} changed while it was being read; run again once it is complete")]
    Changed { path: PathBuf },
}

impl Input {
    /// Opens `path` (`-` for standard input, copied and fingerprinted at once).
    pub(crate) fn open(path: &Path) -> Result<Input, InputError> {
        let io = |source| InputError::Io {
            path: path.to_owned(),
            source,
        };
        if path == Path::new("-") {
            let mut copy = tempfile::tempfile().map_err(io)?;
            let fingerprint = hash(Tee {
                from: io::stdin().lock(),
                to: &mut copy,
            })
            .map_err(io)?;
            return Ok(Input {
                path: path.to_owned(),
                file: Arc::new(copy),
                fingerprint: OnceLock::from(fingerprint),
                stamp: None,
            });
        }
        let file = Arc::new(File::open(path).map_err(io)?);
        let before = stamp(&file).map_err(io)?;
        Ok(Input {
            path: path.to_owned(),
            file,
            fingerprint: OnceLock::new(),
            stamp: Some(before),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The SHA-256 of the bytes as they were opened: a file that changed since (or while it
    /// is hashed) is refused rather than fingerprinted.
    pub(crate) fn fingerprint(&self) -> Result<&Fingerprint, InputError> {
        if let Some(fingerprint) = self.fingerprint.get() {
            return Ok(fingerprint);
        }
        // Through the watched reader: a change before or while it is hashed is an error.
        let fingerprint =
            hash(self.reader()).map_err(|source| match ChangedWhileRead::is(&source) {
                true => InputError::Changed {
                    path: self.path.clone(),
                },
                false => InputError::Io {
                    path: self.path.clone(),
                    source,
                },
            })?;
        Ok(self.fingerprint.get_or_init(|| fingerprint))
    }

    /// The bytes from the start, independent of every other reader. A read after the file
    /// changed fails with [`ChangedWhileRead`], so no byte of another content is ever used.
    pub(crate) fn reader(&self) -> impl Read + Send + 'static {
        self.at()
    }

    fn at(&self) -> At {
        At {
            file: self.file.clone(),
            pos: 0,
            then: self.stamp,
        }
    }

    /// The bytes from the start, as a reader that can also seek (what a workbook's archive
    /// needs), buffered; independent of every other reader, and checked like them.
    pub(crate) fn seeker(&self) -> io::BufReader<impl Read + Seek + Send + 'static> {
        io::BufReader::with_capacity(64 * 1024, self.at())
    }

    /// Whether the file is no longer what was fingerprinted (its size or time changed).
    pub(crate) fn watch(&self) -> impl Fn() -> bool + Send + 'static {
        let (file, then) = (self.file.clone(), self.stamp);
        move || then.is_some_and(|then| stamp(&file).ok() != Some(then))
    }
}

fn stamp(file: &File) -> io::Result<Stamp> {
    let meta = file.metadata()?;
    Ok((meta.len(), meta.modified().ok()))
}

fn hash(mut input: impl Read) -> io::Result<Fingerprint> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(Fingerprint {
        sha256: hex::encode(hasher.finalize()),
        size,
    })
}

/// Copies what it reads from `from` into `to`.
struct Tee<'a, R> {
    from: R,
    to: &'a mut File,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.from.read(buf)?;
        io::Write::write_all(self.to, &buf[..n])?;
        Ok(n)
    }
}

/// The error inside the `io::Error` of a read from a file that changed since it was opened.
#[derive(Debug, thiserror::Error)]
#[error("it changed while it was being read")]
pub(crate) struct ChangedWhileRead;

impl ChangedWhileRead {
    /// Whether `error` is this one.
    pub(crate) fn is(error: &io::Error) -> bool {
        error
            .get_ref()
            .is_some_and(<dyn std::error::Error + Send + Sync>::is::<ChangedWhileRead>)
    }
}

/// Reads a shared file at its own position, checking after each read that it is still the
/// file that was opened (`then`; `None` for the private copy of standard input).
struct At {
    file: Arc<File>,
    pos: u64,
    then: Option<Stamp>,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.pos)?;
        if let Some(then) = self.then
            && stamp(&self.file)? != then
        {
            return Err(io::Error::other(ChangedWhileRead));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for At {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let moved = |base: u64, by: i64| {
            base.checked_add_signed(by)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))
        };
        self.pos = match to {
            SeekFrom::Start(at) => at,
            SeekFrom::End(by) => moved(self.file.metadata()?.len(), by)?,
            SeekFrom::Current(by) => moved(self.pos, by)?,
        };
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` in a file of a temporary folder (kept while the test needs it), opened.
    fn opened(text: &str) -> (tempfile::TempDir, PathBuf, Input) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, text).unwrap();
        let input = Input::open(&path).unwrap();
        (dir, path, input)
    }

    #[test]
    fn a_same_size_reordering_has_another_fingerprint() {
        let a = hash(&b"number\n1001\n1002\n"[..]).unwrap();
        let b = hash(&b"number\n1002\n1001\n"[..]).unwrap();
        assert_eq!(a.size, b.size);
        assert_ne!(a, b);
    }

    #[test]
    fn readers_are_independent_and_a_rewrite_in_place_is_noticed() {
        let (_dir, path, input) = opened("number\n1001\n");
        let (mut a, mut b) = (String::new(), String::new());
        input.reader().read_to_string(&mut a).unwrap();
        input.reader().read_to_string(&mut b).unwrap();
        assert_eq!(
            (a.as_str(), b.as_str()),
            ("number\n1001\n", "number\n1001\n")
        );
        let changed = input.watch();
        assert!(!changed());
        let mut reader = input.reader();
        std::fs::write(&path, "number\n1001\n1002\n").unwrap();
        assert!(changed());
        // Nothing of the new content is read, nor fingerprinted as if it were the old.
        let error = reader.read(&mut [0; 64]).unwrap_err();
        assert!(ChangedWhileRead::is(&error), "{error}");
        assert!(matches!(
            input.fingerprint(),
            Err(InputError::Changed { .. })
        ));
    }

    #[test]
    fn the_fingerprint_is_of_the_file_as_opened() {
        let (_dir, _, input) = opened("number\n1001\n");
        let expected = hash(&b"number\n1001\n"[..]).unwrap();
        assert_eq!(input.fingerprint().unwrap(), &expected);
    }
}
