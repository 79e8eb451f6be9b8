//! How `config show` prints each kind of value: as a flag would take it, a secret only as
//! where it is read.

use std::path::PathBuf;
use std::time::Duration;

use super::PasswordFrom;
use crate::domain::Word;
use crate::output::summary_json::without_credentials;
use crate::output::workbook::ReportFormat;
use crate::run::throttle::Rate;
use crate::settings::values::{Body, Encoding};
use crate::vendors::Vendor;

/// A value as `config show` prints it.
pub(super) trait Shown {
    fn shown(&self) -> String;
}

impl Shown for &'static Vendor {
    fn shown(&self) -> String {
        self.name().to_string()
    }
}

impl Shown for String {
    /// A URL's `USER:PASSWORD@` never shows (such a URL is refused when used).
    fn shown(&self) -> String {
        without_credentials(self)
    }
}

impl Shown for PathBuf {
    fn shown(&self) -> String {
        self.display().to_string()
    }
}

impl Shown for bool {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for usize {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for u32 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for Duration {
    fn shown(&self) -> String {
        self.as_secs_f64().to_string()
    }
}

impl Shown for Body {
    fn shown(&self) -> String {
        self.word().to_string()
    }
}

impl Shown for ReportFormat {
    fn shown(&self) -> String {
        self.word().to_string()
    }
}

impl Shown for Encoding {
    fn shown(&self) -> String {
        self.name().to_string()
    }
}

impl Shown for Rate {
    fn shown(&self) -> String {
        match self {
            Rate::Unlimited => "0".to_string(),
            Rate::PerSec(r) => r.to_string(),
            Rate::Auto => "auto".to_string(),
        }
    }
}

impl Shown for Option<f64> {
    fn shown(&self) -> String {
        self.map_or_else(|| "0".to_string(), |r| r.to_string())
    }
}

impl Shown for PasswordFrom {
    fn shown(&self) -> String {
        match self {
            PasswordFrom::File(path) => format!("read from {}", path.display()),
            PasswordFrom::Env(name) => format!("from ${name} (hidden)"),
            PasswordFrom::Config(_) => "in the config file (hidden)".to_string(),
        }
    }
}
