//! What a run leaves for the user: the per-row report and its rejects file, the page people
//! read (`--report-html`), the progress bar, and files only their owner may read.

pub(crate) mod files;
pub(crate) mod html;
pub(crate) mod plan_file;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod sheet_writer;
pub(crate) mod summary_json;
pub(crate) mod workbook;

pub(crate) use files::{
    PrivateFile, ReportLock, check_distinct, credentials_path, lock_path, rejects_path,
    rejects_written, source_path,
};
pub(crate) use progress::Progress;
pub(crate) use report::Report;
pub(crate) use sheet_writer::{SheetWriter, is_stdout};
