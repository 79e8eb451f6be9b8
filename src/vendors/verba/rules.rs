//! Verba Recording provisioning API v2 field rules (docs/vendor/verba-update-extension-v2.txt,
//! docs/vendor/verba-api.md §5).
//!
//! The key is the `extension` string (a number or a SIP address) within the tenant named by
//! `eid` or `environment`. Only the recording modes seen in the documented examples are
//! accepted: the product has more ("Controlled, Auto-start", "Do not record"), but their API
//! spellings are not documented, and a guess would be refused by the server anyway.

use super::API;
use crate::domain::Term;
use crate::rules::{Chars, Cross, Field, Kind, Need, Origin, Table, TableCache, digits, field, text};

const EXTENSION: Field = Field { need: Need::Always, ..field("extension", text(255, Chars::Without(" ")), "line number or SIP address, as the PBX has it (the key)") };
const EID: Field = field("eid", Kind::Text { min: 4, max: 4, chars: Chars::Alnum }, "tenant (environment) ID, 4 characters");
const ENVIRONMENT: Field = field("environment", text(64, Chars::Any), "tenant short name, where eid is not given");
/// The API literals of the examples; the product's own names for them (docs/vendor/verba-api.md §5.2,
/// "Recording modes") are accepted as aliases.
const RECORDINGMODE: Field = field("recordingmode", Kind::OneOf { values: &["FULL", "ON_DEMAND", "CONTROLLED"], aliases: &[("Full", "FULL"), ("On-demand", "ON_DEMAND"), ("On demand", "ON_DEMAND"), ("Controlled", "CONTROLLED")] }, "recording mode (the documented API values)");
const IM: Field = field("im", Kind::Bool, "record instant messages");
const VOICE: Field = field("voice", Kind::Bool, "record voice");
const VIDEO: Field = field("video", Kind::Bool, "record video");
const SCREENCAPTURE: Field = field("screencapture", Kind::Bool, "record the screen");
const USERID: Field = field("userid", digits(10), "the Verba user the extension belongs to (user id)");
const USERLOGINNAME: Field = field("userloginname", text(64, Chars::Without(" ")), "the Verba user by login name, looked up once per run (ListUsers)");

pub(crate) static VERBA: Table = Table {
    api: &API,
    key: "extension",
    rename: None,
    unique: &[],
    fields: &[EXTENSION, EID, ENVIRONMENT, RECORDINGMODE, IM, VOICE, VIDEO, SCREENCAPTURE, USERID, USERLOGINNAME],
    cross: &[Cross::OneNeededToAdd { fields: &["eid", "environment"] }],
    links: &[],
    hashed_on_read: &[],
    aliases: &[("recordingmode", "recordingmode"), ("recording mode", "recordingmode"), ("screencaptureenabled", "screencapture"), ("environmentshortname", "environment"), ("user", "userid"), ("user id", "userid"), ("loginname", "userloginname"), ("login name", "userloginname"), ("login id", "userloginname")],
    example: &[
        ("extension", "verbatestuser2@verbalabs.com"), ("eid", "0000"), ("recordingmode", "CONTROLLED"),
        ("im", "1"), ("voice", "1"), ("video", "1"), ("screencapture", "1"), ("userid", "25"),
    ],
    // updateExtension replaces the whole record, so an update reads the extension
    // (getExtension), merges the row's non-blank cells and writes it all back. userloginname is
    // resolved through ListUsers, once per name per run.
    notes: &[
        "An update changes only the row's non-blank cells: a blank userid keeps the user link.",
        "An update of an extension Verba does not have fails; in upsert or sync it is created.",
        "userloginname names the user by login name instead of userid; given both, they must name the same user.",
        "Adding needs eid or environment. Verba cannot delete extensions, so --prune is refused.",
        "Booleans are accepted as 1/0, true/false or yes/no and sent as 1/0.",
        "Changes go live with one applyExtensionConfiguration at the end of a run that changed anything.",
    ],
    documented_in: "docs/vendor/verba-update-extension-v2.txt",
    origins: &[
        ("environment", Origin::Documented("docs/vendor/verba-update-extension-v2.txt (environmentShortName, commented out)")),
        ("userloginname", Origin::Documented("docs/vendor/verba-api.md §4.7 (ListUsers loginName; the user's loginName in getExtension answers)")),
    ],
    terms: &[(Term::Number, "extension"), (Term::Tenant, "eid")],
    cache: TableCache::new(),
};
