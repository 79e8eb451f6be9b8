//! `pbxbulk export`: which PBX, where to write its directory and as what, from the combined
//! options (a profile gives export what it gives import).

use std::path::Path;

use anyhow::bail;

use super::connect;
use super::import::summary_json;
use super::options::{Options, get, set};
use crate::output::workbook::ReportFormat;
use crate::pbx::RetryPolicy;
use crate::run::ExportSettings;

pub(crate) fn export(cli: Options) -> anyhow::Result<ExportSettings> {
    let o = super::layered(cli)?;
    let api = connect::api(&o, &connect::ONE)?;
    let Some(output) = get(&o.output).cloned() else {
        bail!("-o FILE is required: where to write the extensions (- for standard output)");
    };
    let format = get(&o.report_format).copied();
    let format = format.unwrap_or(ReportFormat::of(&output));
    let stdout = output == Path::new("-");
    if stdout && format == ReportFormat::Xlsx {
        bail!("a workbook cannot go to standard output: give -o FILE.xlsx, or --report-format csv");
    }
    if stdout && get(&o.summary_json).is_some_and(|s| s == Path::new("-")) {
        bail!("-o - and --summary-json - would both write to standard output: give one a file");
    }
    let encoding = get(&o.encoding).copied();
    if encoding.is_some() && format == ReportFormat::Xlsx {
        bail!("--encoding is for a CSV export; a workbook holds any text as it is");
    }
    Ok(ExportSettings {
        api,
        wire: connect::wire(api, &o, &connect::ONE)?,
        retry: RetryPolicy::new(*set(&o.retries)),
        connection: connect::connection(&o, &connect::ONE)?,
        concurrency: *set(&o.concurrency),
        summary_json: summary_json(&o, &output)?,
        progress_every: *set(&o.progress_every),
        format,
        encoding,
        output,
    })
}
