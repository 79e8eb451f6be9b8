//! OpenVox UC-Series IPPBX API v0.0.1 field rules (docs/vendor/openvox-extension-add.txt,
//! openvox-extension-update.txt, openvox-extension-query.md).
//!
//! A Yeastar-derived API: where its documents give no rule, the Yeastar v1 rule of the same
//! field applies (shared constants, not copies). Its own: `nat`, `monitormode`'s `Disable`
//! spelling (the add example), `10800` for `maxduration` (the query example), and names that
//! may hold any printable text. The always-forward fields are in its query answer; v1's
//! `registername`, `callrestriction` and `agentid` are in no OpenVox document (inferred).

use super::API_OPENVOX;
use super::rules::*;
use crate::rules::{Chars, Field, Kind, Need, Origin, Table, TableCache, digits, field, on_add, one_of, phone, text};

const NUMBER: Field = Field { need: Need::Always, ..field("number", digits(7), "extension number (the key; extid on update)") };
const USERNAME: Field = field("username", text(31, Chars::Any), "the user's name (its documents give no character rule)");
/// The add example sends `Disable`, the query example answers `disable`, v1 writes `Disabled`.
const MONITORMODE: Field = field("monitormode", Kind::OneOf { values: &["Disable", "Extensive", "Listen", "Whisper", "Barge-in"], aliases: &[("disable", "Disable"), ("Disabled", "Disable")] }, "how this extension monitors others");
/// v1's choices and the query example's `10800`.
const MAXDURATION: Field = field("maxduration", one_of(&["Follow System", "Unlimited", "60", "300", "600", "900", "1800", "3600", "6000", "10800"]), "maximum call duration, seconds");
/// "Cannot be blank" (openvox-extension-add.txt, openvox-extension-update.txt): needed to add.
const REGISTERPASSWORD: Field = on_add(REGISTERPASSWORD_V1);
const NTRANSFERPREFIX_7: Field = field("ntransferprefix", phone(7), "no-answer dial prefix");
const NAT: Field = field("nat", Kind::OneOf { values: &["yes", "no"], aliases: &[("on", "yes"), ("true", "yes"), ("1", "yes"), ("off", "no"), ("false", "no"), ("0", "no")] }, "NAT");
const V1_FIELD: Origin = Origin::Inferred("Yeastar v1's field (docs/vendor/yeastar-api.md §4.3: update takes v1's fields); in no OpenVox document");
const QUERY_ANSWER: Origin = Origin::Documented("docs/vendor/openvox-extension-query.md (query answer)");

pub(crate) static OPENVOX: Table = Table {
    api: &API_OPENVOX,
    key: "number",
    rename: Some("extnumber"),
    unique: &[],
    fields: &[
        NUMBER, EXTNUMBER, USERNAME, CALLERID, REGISTERNAME, REGISTERPASSWORD, MAXREGISTRATIONS, LOGINPASSWORD_V1,
        EMAIL, MOBILE, HASVOICEMAIL, VMSECRET, ENABLEVMTOEMAIL,
        ALWAYSFORWARD, ATRANSFERTO, ATRANSFEREXT, ATRANSFERPREFIX, ATRANSFERNUM,
        NOANSWERFORWARD, NTRANSFERTO, NTRANSFEREXT, NTRANSFERPREFIX_7, NTRANSFERNUM,
        BUSYFORWARD, BTRANSFERTO, BTRANSFEREXT, BTRANSFERPREFIX, BTRANSFERNUM,
        ENABLEMOBILE, RINGSIMULTANEOUS, MOBILEPREFIX, ALLOWBEINGMONITORED, MONITORMODE,
        RINGTIMEOUT, MAXDURATION, DND, CALLRESTRICTION, AGENTID, NAT,
    ],
    cross: &[
        FORWARD_RULES[0], FORWARD_RULES[1], FORWARD_RULES[2], FORWARD_RULES[3], FORWARD_RULES[4], FORWARD_RULES[5], FORWARD_RULES[6], FORWARD_RULES[7],
        FORWARD_RULES[8], FORWARD_RULES[9],
    ],
    links: &LINKS,
    hashed_on_read: &["loginpassword"],
    aliases: &[("extid", "number"), ("extension", "number"), ALIASES[0], ALIASES[1], ALIASES[2]],
    example: &[
        ("number", "2002"), ("username", "Zhang Wei & Co"), ("registerpassword", "12345133333323123qW@"),
        ("maxregistrations", "3"), ("loginpassword", "12345678qW@"), ("email", "zhang.wei@example.com"),
        ("mobile", "18088861612"), ("hasvoicemail", "on"), ("vmsecret", "888888"), ("enablevmtoemail", "on"),
        ("noanswerforward", "off"), ("busyforward", "off"), ("enablemobile", "off"), ("ringsimultaneous", "off"),
        ("allowbeingmonitored", "off"), ("monitormode", "Disable"), ("ringtimeout", "15"),
        ("maxduration", "Follow System"), ("dnd", "off"), ("nat", "no"),
    ],
    // Add sends number, update sends extid (the same column). Where its documents are silent,
    // Yeastar v1's rule for the field applies (a Yeastar-derived API). The query answer spells
    // the login password userpassword and the mobile moblie; both are read back and compared.
    notes: &[
        "number names the extension; extnumber renames an existing one.",
        "With --body xml, requests and answers are XML instead of JSON.",
    ],
    documented_in: "docs/vendor/openvox-extension-add.txt, openvox-extension-update.txt",
    origins: &[
        ("registername", V1_FIELD), ("callrestriction", V1_FIELD), ("agentid", V1_FIELD),
        ("alwaysforward", QUERY_ANSWER), ("atransferto", QUERY_ANSWER), ("atransferext", QUERY_ANSWER),
        ("atransferprefix", QUERY_ANSWER), ("atransfernum", QUERY_ANSWER),
        ("nat", Origin::Documented("docs/vendor/yeastar-api.md §4.3 (OpenVox add: nat yes/no)")),
    ],
    // Its documents show no registration name (its registername is v1's, inferred), so a
    // directory moved from it does not carry one.
    terms: &[TERMS[0], TERMS[1], TERMS[2], TERMS[3], TERMS[4], TERMS[6], TERMS[7], TERMS[8], TERMS[9]],
    cache: TableCache::new(),
};
