//! What a run leaves for the user: the per-row report and its rejects file, the page people
//! read (`--report-html`), the progress bar, and files only their owner may read, written in
//! one place (`files`), claimed before the run starts (`claim`) and locked for its length
//! (`lock`).

pub(crate) mod claim;
pub(crate) mod files;
pub(crate) mod html;
pub(crate) mod lock;
pub(crate) mod paths;
pub(crate) mod plan_file;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod sheet_writer;
pub(crate) mod summary_json;
pub(crate) mod workbook;

pub(crate) use claim::{check_distinct, check_outputs, may_write};
pub(crate) use files::{PrivateFile, write_whole};
pub(crate) use lock::ReportLock;
pub(crate) use paths::{
    beside_report, credentials_path, journal_path, rejects_beside, rejects_written, source_path,
};
pub(crate) use progress::Progress;
pub(crate) use report::Report;
pub(crate) use sheet_writer::{SheetWriter, is_stdout};
