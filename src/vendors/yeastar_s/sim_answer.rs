//! What the simulated family's calls answer, and how they read a value: shared by the
//! simulator and its writes, which depend on this file and not on one another.

use serde_json::Value;

use crate::pbx::value_text;

/// A call's answer: its JSON, or the errno of a refusal.
pub(super) type Answer = Result<Value, &'static str>;

/// A body's value as text, `""` when it is absent.
pub(super) fn text(value: Option<&Value>) -> String {
    value.map(value_text).unwrap_or_default()
}
