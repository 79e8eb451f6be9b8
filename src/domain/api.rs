//! The PBX APIs pbxbulk talks to, and what each can do.
//!
//! What a PBX can do is one [`Capabilities`] value per API, read by settings (refusing
//! `--prune` where there is no delete), the planner (refusing adds), the run (one apply at the
//! end, read-merge-write updates) and the simulator (which endpoints exist, the login lockout).
//! A fifth PBX adds one value here, its codec, its rule table and its simulator file.

/// The APIs pbxbulk talks to (`--api`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ApiKind {
    YeastarV2,
    YeastarV1,
    Openvox,
    Verba,
}

/// What one PBX's API can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // each is an independent fact about an API
pub(crate) struct Capabilities {
    /// It can create extensions (Yeastar v1 has no `extension/add`).
    pub add: bool,
    /// It can delete extensions (only Yeastar v2 has `extension/delete`; Verba v2 has none).
    pub delete: bool,
    /// It can renumber an extension in an update (`extnumber`).
    pub rename: bool,
    /// Bodies may be XML instead of JSON (OpenVox `--body xml`).
    pub xml: bool,
    /// Written changes go live only after one apply at the end of a run.
    pub apply_at_end: bool,
    /// An update replaces the whole record, so it is read, merged and written (Verba).
    pub merge_on_update: bool,
    /// Failed logins lock the client's address (5 failures, 10 minutes).
    pub lockout: bool,
}

static YEASTAR_V2: Capabilities = Capabilities {
    add: true,
    delete: true,
    rename: false,
    xml: false,
    apply_at_end: false,
    merge_on_update: false,
    lockout: true,
};

static YEASTAR_V1: Capabilities = Capabilities {
    add: false,
    delete: false,
    rename: true,
    xml: false,
    apply_at_end: true,
    merge_on_update: false,
    lockout: true,
};

static OPENVOX: Capabilities = Capabilities {
    add: true,
    delete: false,
    rename: true,
    xml: true,
    apply_at_end: false,
    merge_on_update: false,
    lockout: true,
};

static VERBA: Capabilities = Capabilities {
    add: true,
    delete: false,
    rename: false,
    xml: false,
    apply_at_end: true,
    merge_on_update: true,
    lockout: false,
};

impl ApiKind {
    pub(crate) const ALL: [ApiKind; 4] = [
        ApiKind::YeastarV2,
        ApiKind::YeastarV1,
        ApiKind::Openvox,
        ApiKind::Verba,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            ApiKind::YeastarV2 => "yeastar-v2",
            ApiKind::YeastarV1 => "yeastar-v1",
            ApiKind::Openvox => "openvox",
            ApiKind::Verba => "verba",
        }
    }

    pub(crate) fn capabilities(self) -> &'static Capabilities {
        match self {
            ApiKind::YeastarV2 => &YEASTAR_V2,
            ApiKind::YeastarV1 => &YEASTAR_V1,
            ApiKind::Openvox => &OPENVOX,
            ApiKind::Verba => &VERBA,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yeastar_v2_deletes_and_v1_cannot_add() {
        let deleting: Vec<_> = ApiKind::ALL
            .into_iter()
            .filter(|k| k.capabilities().delete)
            .collect();
        assert_eq!(deleting, [ApiKind::YeastarV2]);
        assert!(!ApiKind::YeastarV1.capabilities().add);
    }
}
