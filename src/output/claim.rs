//! Which files a run may write, decided before anything is read or sent: never its input,
//! never one of its outputs twice (by path after resolving links, and by file identity, so a
//! hard link is caught too), and never through a symbolic link. A run passes every file it
//! may write, its report's neighbours included (`paths::beside_report`), so that the README's
//! "fix and re-import" step (`import r.rejects.xlsx --report r.csv`) cannot delete its input.

use std::path::{Path, PathBuf};

use super::files::refuse_link;

/// Refuses a run whose outputs would overwrite its input or each other, or are symbolic
/// links. `input` is `None` for standard input.
pub(crate) fn check_distinct(
    input: Option<&Path>,
    outputs: &[(&str, &Path)],
) -> Result<(), String> {
    let mut seen: Vec<(&str, PathBuf, Option<FileId>)> = Vec::new();
    if let Some(input) = input {
        seen.push(("the input", resolved(input), identity(input)));
    }
    for (what, path) in outputs {
        refuse_link(path).map_err(|e| format!("{what}: {e}; nothing was done"))?;
        let (here, id) = (resolved(path), identity(path));
        if let Some((other, ..)) = seen
            .iter()
            .find(|(_, p, i)| *p == here || (id.is_some() && *i == id))
        {
            return Err(format!(
                "{what} {} would be the same file as {other}; nothing was done. Give another \
                 path (--report names the files beside it too)",
                path.display()
            ));
        }
        seen.push((what, here, id));
    }
    Ok(())
}

/// Whether `path` may be written: no link, and none of `others` (for a file written when the
/// run was refused, whose other outputs were never checked).
pub(crate) fn may_write(path: &Path, others: &[&Path]) -> bool {
    others
        .iter()
        .all(|other| check_distinct(Some(other), &[("", path)]).is_ok())
        && refuse_link(path).is_ok()
}

/// [`check_distinct`] for owned paths, as `paths::beside_report` gives them.
pub(crate) fn check_outputs(
    input: Option<&Path>,
    outputs: &[(&str, PathBuf)],
) -> Result<(), String> {
    let outputs: Vec<(&str, &Path)> = outputs.iter().map(|(w, p)| (*w, p.as_path())).collect();
    check_distinct(input, &outputs)
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
        #[cfg(unix)]
        {
            let link = dir.path().join("summary.json");
            std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
            let e = check_distinct(None, &[("--summary-json", &link)]).unwrap_err();
            assert!(e.contains("symbolic link"), "{e}");
        }
    }
}
