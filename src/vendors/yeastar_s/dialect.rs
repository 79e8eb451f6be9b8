//! What differs between the members of the family (v2, v1, OpenVox), as data the codec and
//! the simulator both read: paths, keys, the answers' own spellings and quirks.

use super::{API_OPENVOX, API_V1, API_V2};
use crate::domain::Api;

/// What differs between the members of the Yeastar family, as data that the client and the
/// simulator both read.
#[derive(Debug)]
pub(crate) struct Dialect {
    pub(crate) api: &'static Api,
    /// The path below the base URL, e.g. `/api/v2.0.0/`.
    pub(crate) prefix: &'static str,
    /// The versions the simulator accepts in the path.
    pub(crate) versions: &'static [&'static str],
    /// The listing endpoint.
    pub(crate) list: &'static str,
    /// The key of this tool's records (the rule table's key column).
    pub(crate) table_key: &'static str,
    /// The key `extension/add` takes; `None` where the API cannot add.
    pub(crate) add_key: Option<&'static str>,
    /// The key of `extension/update` and `extension/query`.
    pub(crate) update_key: &'static str,
    /// The key in listing and query answers.
    pub(crate) answer_key: &'static str,
    /// The login needs the event-report `port`.
    pub(crate) login_port: bool,
    /// Query answers hand out `loginpassword` hashed (v1).
    pub(crate) hashed_login_password: bool,
    /// Keys the query answer spells otherwise than the update takes them, as (answer key,
    /// column): v1's and OpenVox's `moblie`, OpenVox's `userpassword`. The simulator answers
    /// with them; the client reads every spelling of the family.
    pub(crate) answer_names: &'static [(&'static str, &'static str)],
    /// The keys every query answer holds, set or not, in the documents' order (the simulator's
    /// shape); empty where no answer example or table was seen in full (v2).
    pub(crate) answer_keys: &'static [&'static str],
    /// The login answer also names the transport (v2's example: `"transport":"TCP"`).
    pub(crate) login_transport: bool,
    /// `extension/query` without its key is refused (v2); v1 answers every extension.
    pub(crate) query_needs_key: bool,
    /// Values the query answer spells otherwise than requests do, as (field, stored,
    /// answered): OpenVox's example answers `"monitormode":"disable"`.
    pub(crate) answer_values: &'static [(&'static str, &'static str, &'static str)],
    /// The simulator's choice (`--inferred KEY=md5`) that hands the login password out hashed,
    /// where the documents do not say whether it is.
    pub(crate) login_password_choice: Option<&'static str>,
    /// What to try when the login is answered 10003 (unsupported: another version).
    pub(crate) wrong_version_hint: &'static str,
}

/// docs/vendor/yeastar-api.md §4.1: the v1 query example's keys (the example omits the
/// bracketed, optional ones when they are unset: port, atransfer*, ntransferext/num, …).
const V1_ANSWER_KEYS: &[&str] = &[
    "extnumber",
    "username",
    "status",
    "type",
    "callerid",
    "registername",
    "registerpassword",
    "maxregistrations",
    "loginpassword",
    "email",
    "moblie",
    "language",
    "hasvoicemail",
    "enablevmtoemail",
    "vmsecret",
    "alwaysforward",
    "noanswerforward",
    "ntransferto",
    "ntransferprefix",
    "busyforward",
    "btransferto",
    "btransferprefix",
    "ringsimultaneous",
    "mobileprefix",
    "enablemobile",
    "allowbeingmonitored",
    "monitormode",
    "ringtimeout",
    "maxduration",
    "dnd",
    "callrestriction",
    "agentid",
];
/// docs/vendor/openvox-extension-query.md: its response table (`port` only for FXS), with the
/// example's `userpassword` for the table's `loginpassword`.
const OPENVOX_ANSWER_KEYS: &[&str] = &[
    "extnumber",
    "username",
    "status",
    "type",
    "callerid",
    "registerpassword",
    "maxregistrations",
    "userpassword",
    "email",
    "moblie",
    "language",
    "hasvoicemail",
    "vmsecret",
    "enablevmtoemail",
    "alwaysforward",
    "atransferto",
    "atransferext",
    "atransferprefix",
    "atransfernum",
    "noanswerforward",
    "ntransferto",
    "ntransferext",
    "ntransferprefix",
    "ntransfernum",
    "busyforward",
    "btransferto",
    "btransferext",
    "btransferprefix",
    "btransfernum",
    "enablemobile",
    "ringsimultaneous",
    "mobileprefix",
    "allowbeingmonitored",
    "monitormode",
    "ringtimeout",
    "maxduration",
    "dnd",
];

/// docs/vendor/yeastar-api.md §4.1 (v1's query example) and openvox-extension-query.md.
const MOBLIE: (&str, &str) = ("moblie", "mobile");
const USERPASSWORD: (&str, &str) = ("userpassword", "loginpassword");
/// Every answer spelling of the family, read whichever dialect answers.
pub(super) const ANSWER_NAMES: [(&str, &str); 2] = [MOBLIE, USERPASSWORD];

pub(crate) static V2: Dialect = Dialect {
    api: &API_V2,
    prefix: "/api/v2.0.0/",
    versions: &["v2.0.0"],
    list: "extension/list",
    table_key: "number",
    add_key: Some("number"),
    update_key: "number",
    answer_key: "number",
    login_port: false,
    hashed_login_password: false,
    answer_names: &[],
    answer_keys: &[],
    login_transport: true,
    query_needs_key: true,
    answer_values: &[],
    login_password_choice: None,
    wrong_version_hint: "this PBX speaks yeastar-v1? (try --api yeastar-v1)",
};

pub(crate) static V1: Dialect = Dialect {
    api: &API_V1,
    prefix: "/api/v1.1.0/",
    // v1.10 is the typo on Yeastar's own login pages, which servers apparently accept.
    versions: &["v1.0.0", "v1.0.1", "v1.1.0", "v1.10"],
    list: "extensionlist/query",
    table_key: "extid",
    add_key: None,
    update_key: "extid",
    answer_key: "extnumber",
    login_port: true,
    hashed_login_password: true,
    answer_names: &[MOBLIE],
    answer_keys: V1_ANSWER_KEYS,
    login_transport: false,
    query_needs_key: false,
    answer_values: &[],
    login_password_choice: None,
    wrong_version_hint: "this PBX speaks yeastar-v2? (try --api yeastar-v2)",
};

/// OpenVox UC-Series v0.0.1 (docs/vendor/openvox-extension-*): Yeastar v1's shape plus add,
/// and XML bodies.
pub(crate) static OPENVOX: Dialect = Dialect {
    api: &API_OPENVOX,
    prefix: "/api/v0.0.1/",
    versions: &["v0.0.1"],
    list: "extensionlist/query",
    table_key: "number",
    add_key: Some("number"),
    update_key: "extid",
    answer_key: "extnumber",
    login_port: true,
    hashed_login_password: false,
    answer_names: &[MOBLIE, USERPASSWORD],
    answer_keys: OPENVOX_ANSWER_KEYS,
    login_transport: false,
    query_needs_key: false,
    answer_values: &[("monitormode", "Disable", "disable")],
    login_password_choice: Some(OPENVOX_USERPASSWORD),
    wrong_version_hint: "this PBX does not speak openvox: a Yeastar one? (try --api yeastar-v2 or yeastar-v1)",
};

/// docs/vendor/openvox-extension-query.md does not say whether `userpassword` is handed out
/// plain or as its MD5; the simulator answers plain unless `--inferred openvox-userpassword=md5`.
pub(crate) const OPENVOX_USERPASSWORD: &str = "openvox-userpassword";

impl Dialect {
    /// Requests carry `&type=json|xml` and may use XML bodies (OpenVox).
    pub(crate) fn typed(&self) -> bool {
        self.api.caps.xml
    }
}
