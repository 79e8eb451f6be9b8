//! OpenVox UC-Series IPPBX API v0.0.1 field rules (seeds 000 and 001).
//!
//! A Yeastar-derived API: where the seeds give no rule, the Yeastar v1 rule of the same field
//! applies (shared constants, not copies). Its own: `nat`, `monitormode`'s `Disable` spelling
//! (the seed's add example), and names that may hold any printable text.

use super::yeastar::*;
use super::{Chars, Field, Kind, Need, Table};
use crate::domain::ApiKind;

const NUMBER: Field = Field { need: Need::Always, ..field("number", digits(7), "extension number (the key; extid on update)") };
const USERNAME: Field = field("username", text(31, Chars::Any), "the user's name (seeds give no character rule)");
const MONITORMODE: Field = field("monitormode", Kind::OneOf(&["Disable", "Disabled", "Extensive", "Listen", "Whisper", "Barge-in"]), "how this extension monitors others");
const NTRANSFERPREFIX_7: Field = field("ntransferprefix", digits(7), "no-answer dial prefix");
const NAT: Field = field("nat", Kind::OneOf(&["yes", "no"]), "NAT");

pub(crate) static OPENVOX: Table = Table {
    api: ApiKind::Openvox,
    key: "number",
    rename: Some("extnumber"),
    fields: &[
        NUMBER, EXTNUMBER, USERNAME, CALLERID, REGISTERPASSWORD_V1, MAXREGISTRATIONS, LOGINPASSWORD_V1,
        EMAIL, MOBILE, HASVOICEMAIL, VMSECRET, ENABLEVMTOEMAIL,
        NOANSWERFORWARD, NTRANSFERTO, NTRANSFEREXT, NTRANSFERPREFIX_7, NTRANSFERNUM,
        BUSYFORWARD, BTRANSFERTO, BTRANSFEREXT, BTRANSFERPREFIX, BTRANSFERNUM,
        ENABLEMOBILE, RINGSIMULTANEOUS, MOBILEPREFIX, ALLOWBEINGMONITORED, MONITORMODE,
        RINGTIMEOUT, MAXDURATION, DND, NAT,
    ],
    cross: &[
        FORWARD_RULES[3], FORWARD_RULES[4], FORWARD_RULES[5], FORWARD_RULES[6], FORWARD_RULES[7],
        FORWARD_RULES[8], FORWARD_RULES[9],
    ],
    links: &[LINKS[1], LINKS[2]],
    hashed_on_read: &[],
    aliases: &[("extid", "number"), ("extension", "number"), ALIASES[0], ALIASES[1], ALIASES[2]],
    example: &[
        ("number", "2002"), ("username", "Zhang Wei & Co"), ("registerpassword", "12345133333323123qW@"),
        ("maxregistrations", "3"), ("loginpassword", "12345678qW@"), ("email", "zhang.wei@example.com"),
        ("mobile", "18088861612"), ("hasvoicemail", "on"), ("vmsecret", "888888"), ("enablevmtoemail", "on"),
        ("noanswerforward", "off"), ("busyforward", "off"), ("enablemobile", "off"), ("ringsimultaneous", "off"),
        ("allowbeingmonitored", "off"), ("monitormode", "Disable"), ("ringtimeout", "15"),
        ("maxduration", "Follow System"), ("dnd", "off"), ("nat", "no"),
    ],
    // Source: OpenVox UC-Series API v0.0.1, extension/add (seed 001) and extension/update
    // (seed 000); add sends number, update sends extid (the same column). Where the seeds are
    // silent, Yeastar v1's rule for the field applies (a Yeastar-derived API).
    notes: &[
        "number names the extension; extnumber renames an existing one.",
        "With --body xml, requests and answers are XML instead of JSON.",
    ],
};
