//! Which PBX API a value belongs to, and what that API can do: the part of a vendor's registry
//! entry (`vendors/`) that every layer may read.
//!
//! Each API's [`Api`] is a static in its vendor's folder; its rule table and its registry entry
//! point at it. Code below the registry is handed the `&'static Api` it works for and never
//! asks which API it is: it reads the capabilities.

use std::fmt;

/// One PBX API: its `--api` name and its capabilities.
#[derive(Debug)]
pub(crate) struct Api {
    /// The name `--api` takes, as the report and the JSON summary print it.
    pub(crate) name: &'static str,
    pub(crate) caps: Capabilities,
}

impl PartialEq for Api {
    fn eq(&self, other: &Api) -> bool {
        self.name == other.name
    }
}

impl Eq for Api {}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// What one PBX's API can do. A missing ability is `false` (or `None`), read by settings
/// (refusing `--prune` where there is no delete), the planner (refusing adds), the run (one
/// apply at the end), the codecs and the simulator (which endpoints exist, the lockout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Capabilities {
    /// It can create extensions (Yeastar v1 has no `extension/add`).
    pub(crate) add: bool,
    /// It can delete extensions.
    pub(crate) delete: bool,
    /// It can renumber an extension in an update (`extnumber`).
    pub(crate) rename: bool,
    /// Bodies may be XML instead of JSON (OpenVox `--body xml`).
    pub(crate) xml: bool,
    /// Written changes go live only after one apply at the end of a run.
    pub(crate) apply_at_end: bool,
    /// Failed logins lock the client's address: after how many, and for how long.
    pub(crate) lockout: Option<Lockout>,
    /// It has tenants, and a run works in one of them (`--eid`).
    pub(crate) tenants: bool,
    /// It can send a new extension's user a welcome e-mail (`--welcome-email`).
    pub(crate) welcome: bool,
}

/// The lockout after failed logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lockout {
    /// Failed logins in a row that lock the address.
    pub(crate) after: u32,
    /// How long it stays locked; `None`: until an administrator lifts it.
    pub(crate) secs: Option<u64>,
}

impl Capabilities {
    /// Nothing but reading and updating; an API entry spells out what it adds to this.
    pub(crate) const BASE: Capabilities = Capabilities {
        add: false,
        delete: false,
        rename: false,
        xml: false,
        apply_at_end: false,
        lockout: None,
        tenants: false,
        welcome: false,
    };
}
