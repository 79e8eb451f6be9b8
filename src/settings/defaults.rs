//! Every default pbxbulk applies, and every environment variable it reads, each named once.
//!
//! The clap definitions show a default in `--help` from here (`default_value =
//! defaults::RATE`), and the settings apply the same text through the same parser as a flag
//! ([`super::Options::built_in`]), so the help cannot say one thing while the code does another.
//! Defaults that depend on the run (the report beside the input, the `--max-delete` share of
//! the directory, the config file in the user's config directory) are worked out where they are
//! used and said in words in the help.

/// Seconds to wait for each answer.
pub(crate) const TIMEOUT: &str = "30";
/// Request and answer bodies.
pub(crate) const BODY: &str = "json";
/// The Verba tenant a token is requested for.
pub(crate) const EID: &str = "0000";
/// Writes per second at most.
pub(crate) const RATE: &str = "10";
/// Reads per second at most: no limit.
pub(crate) const READ_RATE: &str = "0";
/// Requests in flight at most.
pub(crate) const CONCURRENCY: &str = "4";
/// Retries of a request that failed for a passing reason.
pub(crate) const RETRIES: &str = "3";
/// What an import does with each row.
pub(crate) const MODE: &str = "upsert";
/// Seconds between progress lines when standard error is not a terminal.
pub(crate) const PROGRESS_EVERY: &str = "30";
/// Seconds without traffic before a heartbeat keeps the token alive.
pub(crate) const HEARTBEAT_SECS: &str = "300";
/// `validate --show-mapped`: rows shown.
pub(crate) const SHOW_MAPPED: &str = "0";
/// The report of a migration.
pub(crate) const MIGRATE_REPORT: &str = "pbxbulk-migrate.report.csv";
/// The report of an import from standard input (there is no file to put it beside).
pub(crate) const STDIN_REPORT: &str = "pbxbulk-report.csv";
/// The report of `pbxbulk demo`.
pub(crate) const DEMO_REPORT: &str = "pbxbulk-demo-report.csv";

/// `pbxbulk sim`: where it listens, the credentials it accepts, and its fault knobs.
pub(crate) mod sim {
    pub(crate) const LISTEN: &str = "127.0.0.1:0";
    pub(crate) const USER: &str = "api";
    /// The password it accepts unless told another (`$PBXBULK_PASSWORD`).
    pub(crate) const PASSWORD: &str = "Sim-Passw0rd";
    pub(crate) const LATENCY_MS: &str = "0";
    pub(crate) const FAIL_RATE: &str = "0.0";
    pub(crate) const DROP_RATE: &str = "0.0";
    pub(crate) const SLOW_RATE: &str = "0.0";
    pub(crate) const SLOW_MS: &str = "5000";
    /// The Yeastar PBX's own idle token expiry.
    pub(crate) const TOKEN_TTL_SECS: &str = "1800";
}

/// The environment variables, by what they hold.
pub(crate) mod env {
    pub(crate) const API: &str = "PBXBULK_API";
    pub(crate) const URL: &str = "PBXBULK_URL";
    pub(crate) const USER: &str = "PBXBULK_USER";
    pub(crate) const PASSWORD: &str = "PBXBULK_PASSWORD";
    pub(crate) const FROM_PASSWORD: &str = "PBXBULK_FROM_PASSWORD";
    pub(crate) const TO_PASSWORD: &str = "PBXBULK_TO_PASSWORD";
    pub(crate) const EID: &str = "PBXBULK_EID";
    pub(crate) const CONFIG: &str = "PBXBULK_CONFIG";
    pub(crate) const PROFILE: &str = "PBXBULK_PROFILE";
}
