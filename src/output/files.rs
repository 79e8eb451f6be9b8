//! Files that hold passwords or personal data (the rejects file, exports): created readable by
//! their owner only.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::input::Layout;

/// A new file only its owner may read (the rejects file and exports hold passwords),
/// starting with `bom` (for a CSV file in UTF-8, the BOM that makes Excel read it as UTF-8).
pub(crate) fn private_file(path: &Path, bom: &[u8]) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bom)?;
    Ok(file)
}

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

/// `dir/report.csv` → `dir/report.rejects.csv` (`.xlsx` when the input was a workbook): the
/// failed and invalid rows, re-importable.
pub(crate) fn rejects_path(report: &Path, layout: Layout) -> PathBuf {
    let stem = report.file_stem().unwrap_or_default().to_string_lossy();
    let ext = if layout.workbook { "xlsx" } else { "csv" };
    report.with_file_name(format!("{stem}.rejects.{ext}"))
}

/// The rejects file a run wrote beside `report` (a workbook's, or the CSV one).
pub(crate) fn rejects_written(report: &Path) -> PathBuf {
    let book = Layout {
        workbook: true,
        ..Layout::default()
    };
    let book = rejects_path(report, book);
    if book.exists() {
        return book;
    }
    rejects_path(report, Layout::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_sit_beside_the_report() {
        let mut layout = Layout {
            workbook: false,
            encoding: encoding_rs::UTF_8,
            bom: true,
            delimiter: b',',
        };
        assert_eq!(
            rejects_path(Path::new("/tmp/x/staff.report.csv"), layout),
            Path::new("/tmp/x/staff.report.rejects.csv")
        );
        layout.workbook = true;
        assert_eq!(
            rejects_path(Path::new("/tmp/x/staff.report.csv"), layout),
            Path::new("/tmp/x/staff.report.rejects.xlsx")
        );
    }
}
