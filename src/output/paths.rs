//! Where the files a run writes sit: beside its report, named after it.

use std::path::{Path, PathBuf};

use super::workbook::partial_path;

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
    rejects_path_for(report, false)
}

/// The same, `.xlsx` when the input was a `workbook`.
pub(crate) fn rejects_path_for(report: &Path, workbook: bool) -> PathBuf {
    let stem = report.file_stem().unwrap_or_default().to_string_lossy();
    let ext = if workbook { "xlsx" } else { "csv" };
    report.with_file_name(format!("{stem}.rejects.{ext}"))
}

/// The rejects file a run wrote beside `report` (a workbook's, or the CSV one).
pub(crate) fn rejects_written(report: &Path) -> PathBuf {
    let book = rejects_path_for(report, true);
    if book.exists() {
        return book;
    }
    rejects_path(report)
}

/// `dir/report.csv` → `dir/report.lock`.
pub(crate) fn lock_path(report: &Path) -> PathBuf {
    report.with_extension("lock")
}

/// `dir/report.csv` → `dir/report.journal`: what makes `--resume` exact.
pub(crate) fn journal_path(report: &Path) -> PathBuf {
    report.with_extension("journal")
}

/// The rejects files a run with this report may write (CSV for text input, a workbook's for
/// a workbook): both are claimed, since the input's kind is known only once it is open.
pub(crate) fn rejects_beside(report: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("the rejects file", rejects_path(report)),
        ("the workbook rejects file", rejects_path_for(report, true)),
    ]
}

/// Every file a run with this report writes beside it, each named for messages.
pub(crate) fn beside_report(report: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut files = rejects_beside(report);
    files.extend([
        ("the journal", journal_path(report)),
        ("the lock file", lock_path(report)),
        ("the credentials file", credentials_path(report)),
        (
            "the report's lines until the workbook is written",
            partial_path(report),
        ),
    ]);
    files
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
        let beside: Vec<PathBuf> = beside_report(Path::new("/tmp/x/r.csv"))
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert!(
            beside.contains(&PathBuf::from("/tmp/x/r.rejects.xlsx")),
            "{beside:?}"
        );
        assert!(
            beside.contains(&PathBuf::from("/tmp/x/r.journal")),
            "{beside:?}"
        );
    }
}
