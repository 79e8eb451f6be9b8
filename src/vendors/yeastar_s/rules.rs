//! Yeastar S-Series field rules: API v1.x (docs/vendor/yeastar-v1-extension-update.md and its
//! Chinese original) and v2.0.0 (docs/vendor/yeastar-api.md §5).
//!
//! Each field is written once as a constant and listed in the tables that carry it, so v1 and
//! v2 share every rule they have in common and differ only where the documents do.

use super::{API_V1, API_V2};
use crate::domain::Term;
use crate::rules::{Chars, Cross, Field, Kind, Need, Origin, PasswordRule, Table, TableCache, digits, field, on_add, one_of, phone, secret, text};

pub(super) const DESTINATIONS: &[&str] = &["Voicemail", "Extension", "Mobile Number", "Custom Number"];
pub(super) const MAX_DURATIONS: &[&str] = &["Follow System", "Unlimited", "60", "300", "600", "900", "1800", "3600", "6000"];
/// Seeds 002/003 spell it `Disabled`; the v1 query answer's table writes `Disable`
/// (docs/vendor/yeastar-api.md §5.1).
const MONITOR_MODES: Kind = Kind::OneOf { values: &["Disabled", "Extensive", "Listen", "Whisper", "Barge-in"], aliases: &[("Disable", "Disabled")] };
/// docs/vendor/openvox-extension-update.txt, yeastar-v1-extension-update.md: `; & " ' \ < > ` |`
/// and space are not allowed in v1 passwords.
pub(super) const V1_PASSWORD_CHARS: Chars = Chars::Without(";&\"'\\<>`| ");
/// docs/vendor/yeastar-api.md §5.1: v2 passwords take only letters, digits and `~ ^ * - _ ?`.
pub(super) const V2_PASSWORD_CHARS: Chars = Chars::AlnumPlus("~^*-_?");

pub(super) const NUMBER: Field = Field { need: Need::Always, ..field("number", digits(7), "extension number (the key)") };
pub(super) const EXTID: Field = Field { need: Need::Always, ..field("extid", digits(7), "extension number to configure (the key)") };
pub(super) const EXTNUMBER: Field = field("extnumber", digits(7), "new extension number (renames extid)");
pub(super) const USERNAME_V1: Field = field("username", text(31, Chars::Name), "caller ID name (display name)");
pub(super) const USERNAME_V2: Field = on_add(field("username", text(31, Chars::Without("!%.@:;&\"'\\<>`$")), "caller ID name (display name)"));
pub(super) const CALLERID: Field = field("callerid", text(31, Chars::Alnum), "caller ID number");
pub(super) const REGISTERNAME: Field = field("registername", text(31, Chars::Alnum), "SIP registration name");
pub(super) const REGISTERPASSWORD_V1: Field = secret(field("registerpassword", Kind::Password(PasswordRule { chars: V1_PASSWORD_CHARS, max: 31, strong_min: None, runs: false, weak_min: 1 }), "SIP registration password"));
pub(super) const REGISTERPASSWORD_V2: Field = on_add(secret(field("registerpassword", Kind::Password(PasswordRule { chars: V2_PASSWORD_CHARS, max: 31, strong_min: Some(16), runs: true, weak_min: 8 }), "SIP registration password")));
pub(super) const MAXREGISTRATIONS: Field = field("maxregistrations", Kind::Range(1, 5), "concurrent registrations");
pub(super) const LOGINPASSWORD_V1: Field = secret(field("loginpassword", Kind::Password(PasswordRule { chars: V1_PASSWORD_CHARS, max: 63, strong_min: None, runs: false, weak_min: 6 }), "user (web, Linkus) password"));
pub(super) const LOGINPASSWORD_V2: Field = secret(field("loginpassword", Kind::Password(PasswordRule { chars: V2_PASSWORD_CHARS, max: 63, strong_min: Some(10), runs: true, weak_min: 8 }), "user (web, Linkus) password"));
pub(super) const EMAIL: Field = field("email", Kind::Email, "e-mail address");
pub(super) const MOBILE: Field = field("mobile", phone(31), "mobile number");
pub(super) const HASVOICEMAIL: Field = field("hasvoicemail", Kind::Switch, "voicemail");
pub(super) const ENABLEVMTOEMAIL: Field = field("enablevmtoemail", Kind::Switch, "send voicemail to e-mail");
pub(super) const VMSECRET: Field = secret(field("vmsecret", digits(63), "voicemail PIN"));
pub(super) const ALWAYSFORWARD: Field = field("alwaysforward", Kind::Switch, "always forward");
pub(super) const ATRANSFERTO: Field = field("atransferto", one_of(DESTINATIONS), "always-forward destination");
pub(super) const ATRANSFEREXT: Field = field("atransferext", digits(7), "always-forward extension (destination Extension)");
pub(super) const ATRANSFERPREFIX: Field = field("atransferprefix", phone(7), "always-forward dial prefix");
pub(super) const ATRANSFERNUM: Field = field("atransfernum", phone(15), "always-forward number (destination Custom Number)");
pub(super) const NOANSWERFORWARD: Field = field("noanswerforward", Kind::Switch, "forward when not answered");
pub(super) const NTRANSFERTO: Field = field("ntransferto", one_of(DESTINATIONS), "no-answer destination");
pub(super) const NTRANSFEREXT: Field = field("ntransferext", digits(7), "no-answer extension (destination Extension)");
pub(super) const NTRANSFERPREFIX: Field = field("ntransferprefix", phone(15), "no-answer dial prefix (the v1 update page says 15 here, 7 elsewhere)");
pub(super) const NTRANSFERNUM: Field = field("ntransfernum", phone(15), "no-answer number (destination Custom Number)");
pub(super) const BUSYFORWARD: Field = field("busyforward", Kind::Switch, "forward when busy");
pub(super) const BTRANSFERTO: Field = field("btransferto", one_of(DESTINATIONS), "when-busy destination");
pub(super) const BTRANSFEREXT: Field = field("btransferext", digits(7), "when-busy extension (destination Extension)");
pub(super) const BTRANSFERPREFIX: Field = field("btransferprefix", phone(7), "when-busy dial prefix");
pub(super) const BTRANSFERNUM: Field = field("btransfernum", phone(15), "when-busy number (destination Custom Number)");
pub(super) const ENABLEMOBILE: Field = field("enablemobile", Kind::Switch, "mobility extension");
pub(super) const RINGSIMULTANEOUS: Field = field("ringsimultaneous", Kind::Switch, "ring the mobile simultaneously");
pub(super) const MOBILEPREFIX: Field = field("mobileprefix", phone(7), "outbound prefix for the mobility extension");
pub(super) const ALLOWBEINGMONITORED: Field = field("allowbeingmonitored", Kind::Switch, "allow being monitored");
pub(super) const MONITORMODE: Field = field("monitormode", MONITOR_MODES, "how this extension monitors others");
pub(super) const RINGTIMEOUT: Field = field("ringtimeout", one_of(&["15", "30", "60", "120", "300"]), "ring timeout, seconds");
pub(super) const MAXDURATION: Field = field("maxduration", one_of(MAX_DURATIONS), "maximum call duration, seconds");
pub(super) const DND: Field = field("dnd", Kind::Switch, "do not disturb");
pub(super) const CALLRESTRICTION: Field = field("callrestriction", Kind::Switch, "outbound dialling restriction");
pub(super) const AGENTID: Field = field("agentid", text(31, Chars::Alnum), "agent ID announced to queue callers");

/// The forward and mobility dependencies, the same in every version
/// (docs/vendor/yeastar-v1-extension-update.md, the `mobile` and `*transfernum` rows).
pub(super) const FORWARD_RULES: [Cross; 10] = [
    Cross::NeededWhen { field: "atransferext", when: "atransferto", values: &["Extension"] },
    Cross::NeededWhen { field: "atransfernum", when: "atransferto", values: &["Custom Number"] },
    Cross::NeededWhen { field: "mobile", when: "atransferto", values: &["Mobile Number"] },
    Cross::NeededWhen { field: "ntransferext", when: "ntransferto", values: &["Extension"] },
    Cross::NeededWhen { field: "ntransfernum", when: "ntransferto", values: &["Custom Number"] },
    Cross::NeededWhen { field: "mobile", when: "ntransferto", values: &["Mobile Number"] },
    Cross::NeededWhen { field: "btransferext", when: "btransferto", values: &["Extension"] },
    Cross::NeededWhen { field: "btransfernum", when: "btransferto", values: &["Custom Number"] },
    Cross::NeededWhen { field: "mobile", when: "btransferto", values: &["Mobile Number"] },
    Cross::NeededWhen { field: "mobile", when: "enablemobile", values: &["on"] },
];

pub(super) const LINKS: [(&str, &str); 3] = [("atransferext", "alwaysforward"), ("ntransferext", "noanswerforward"), ("btransferext", "busyforward")];

/// What the family's fields mean in the vocabulary every API shares (v1 names the extension
/// `extid`, the others `number`).
pub(super) const TERMS: [(Term, &str); 10] = [
    (Term::Number, "number"), (Term::DisplayName, "username"), (Term::Email, "email"), (Term::Mobile, "mobile"),
    (Term::CallerId, "callerid"), (Term::SipUser, "registername"), (Term::SipSecret, "registerpassword"),
    (Term::LoginSecret, "loginpassword"), (Term::VoicemailPin, "vmsecret"), (Term::MaxRegistrations, "maxregistrations"),
];
const V1_TERMS: [(Term, &str); 10] = [(Term::Number, "extid"), TERMS[1], TERMS[2], TERMS[3], TERMS[4], TERMS[5], TERMS[6], TERMS[7], TERMS[8], TERMS[9]];

pub(super) const ALIASES: &[(&str, &str)] = &[("fullname", "username"), ("name", "username"), ("moblie", "mobile")];

pub(crate) static V2: Table = Table {
    api: &API_V2,
    key: "number",
    rename: None,
    unique: &[],
    fields: &[
        NUMBER, USERNAME_V2, CALLERID, on_add(REGISTERNAME), REGISTERPASSWORD_V2, MAXREGISTRATIONS,
        LOGINPASSWORD_V2, EMAIL, MOBILE, HASVOICEMAIL, ENABLEVMTOEMAIL, VMSECRET,
        ALWAYSFORWARD, ATRANSFERTO, ATRANSFEREXT, ATRANSFERPREFIX, ATRANSFERNUM,
        NOANSWERFORWARD, NTRANSFERTO, NTRANSFEREXT, NTRANSFERPREFIX, NTRANSFERNUM,
        BUSYFORWARD, BTRANSFERTO, BTRANSFEREXT, BTRANSFERPREFIX, BTRANSFERNUM,
        ENABLEMOBILE, RINGSIMULTANEOUS, MOBILEPREFIX, ALLOWBEINGMONITORED, MONITORMODE,
        RINGTIMEOUT, MAXDURATION, DND, CALLRESTRICTION, AGENTID,
    ],
    cross: &[
        FORWARD_RULES[0], FORWARD_RULES[1], FORWARD_RULES[2], FORWARD_RULES[3], FORWARD_RULES[4],
        FORWARD_RULES[5], FORWARD_RULES[6], FORWARD_RULES[7], FORWARD_RULES[8], FORWARD_RULES[9],
        Cross::NotContaining { field: "registerpassword", others: &["number", "username"] },
        Cross::NotContaining { field: "loginpassword", others: &["number", "username"] },
    ],
    links: &LINKS,
    hashed_on_read: &[],
    aliases: &[("extension", "number"), ALIASES[0], ALIASES[1], ALIASES[2]],
    example: &[
        ("number", "1001"), ("username", "Alice Martin"), ("callerid", "1001"),
        ("registername", "1001"), ("registerpassword", "Kx7mQ2vRt9LpW4zA"),
        ("maxregistrations", "2"), ("loginpassword", "Bq8nT5wYe3"),
        ("email", "alice.martin@example.com"), ("mobile", "15550100001"),
        ("hasvoicemail", "on"), ("enablevmtoemail", "on"), ("vmsecret", "4821"),
        ("noanswerforward", "on"), ("ntransferto", "Mobile Number"),
        ("busyforward", "on"), ("btransferto", "Voicemail"),
        ("monitormode", "Disabled"), ("ringtimeout", "30"), ("maxduration", "Follow System"),
        ("dnd", "off"),
    ],
    // Notes are for users (`template --describe`); where each field comes from is
    // `documented_in` and `origins` below.
    notes: &[
        "Adding needs number, username, registername and registerpassword.",
        "A blank cell leaves the PBX's value as it is.",
    ],
    documented_in: "docs/vendor/yeastar-api.md §4.2, §5.1",
    origins: &V2_AFTER_EMAIL,
    terms: &TERMS,
    cache: TableCache::new(),
};

pub(crate) static V1: Table = Table {
    api: &API_V1,
    key: "extid",
    rename: Some("extnumber"),
    unique: &[],
    fields: &[
        EXTID, EXTNUMBER, USERNAME_V1, CALLERID, REGISTERNAME, REGISTERPASSWORD_V1, MAXREGISTRATIONS,
        LOGINPASSWORD_V1, EMAIL, MOBILE, HASVOICEMAIL, ENABLEVMTOEMAIL, VMSECRET,
        ALWAYSFORWARD, ATRANSFERTO, ATRANSFEREXT, ATRANSFERPREFIX, ATRANSFERNUM,
        NOANSWERFORWARD, NTRANSFERTO, NTRANSFEREXT, NTRANSFERPREFIX, NTRANSFERNUM,
        BUSYFORWARD, BTRANSFERTO, BTRANSFEREXT, BTRANSFERPREFIX, BTRANSFERNUM,
        ENABLEMOBILE, RINGSIMULTANEOUS, MOBILEPREFIX, ALLOWBEINGMONITORED, MONITORMODE,
        RINGTIMEOUT, MAXDURATION, DND, CALLRESTRICTION, AGENTID,
    ],
    cross: &FORWARD_RULES,
    links: &LINKS,
    hashed_on_read: &["loginpassword"],
    aliases: &[("number", "extid"), ("extension", "extid"), ALIASES[0], ALIASES[1], ALIASES[2]],
    example: &[
        ("extid", "1001"), ("username", "Alice Martin"), ("callerid", "1001"),
        ("registername", "1001"), ("registerpassword", "Sip-Secret-1001"),
        ("maxregistrations", "2"), ("loginpassword", "Login-1001x"),
        ("email", "alice.martin@example.com"), ("mobile", "15550100001"),
        ("hasvoicemail", "on"), ("enablevmtoemail", "on"), ("vmsecret", "4821"),
        ("noanswerforward", "on"), ("ntransferto", "Mobile Number"),
        ("busyforward", "on"), ("btransferto", "Voicemail"),
        ("monitormode", "Disabled"), ("ringtimeout", "30"), ("maxduration", "Follow System"),
        ("dnd", "off"), ("callrestriction", "off"),
    ],
    // username allows spaces as well as the documented letters and digits (inferred: names
    // have them).
    notes: &[
        "v1 cannot add or delete extensions: every row must name an extension the PBX already has.",
        "extnumber renames the extension extid; it must not be a number another row uses.",
        "A blank cell leaves the PBX's value as it is.",
    ],
    documented_in: "docs/vendor/yeastar-v1-extension-update.md",
    origins: &[],
    terms: &V1_TERMS,
    cache: TableCache::new(),
};

const AFTER_EMAIL: Origin = Origin::Inferred("the v2 page was cut off after email; Yeastar v1's field (docs/vendor/yeastar-api.md §4.2)");
/// v2's fields after `email`: the copy of its add/update page seen was truncated there.
const V2_AFTER_EMAIL: [(&str, Origin); 29] = [
    ("mobile", AFTER_EMAIL),
    ("hasvoicemail", AFTER_EMAIL),
    ("enablevmtoemail", AFTER_EMAIL),
    ("vmsecret", AFTER_EMAIL),
    ("alwaysforward", AFTER_EMAIL),
    ("atransferto", AFTER_EMAIL),
    ("atransferext", AFTER_EMAIL),
    ("atransferprefix", AFTER_EMAIL),
    ("atransfernum", AFTER_EMAIL),
    ("noanswerforward", AFTER_EMAIL),
    ("ntransferto", AFTER_EMAIL),
    ("ntransferext", AFTER_EMAIL),
    ("ntransferprefix", AFTER_EMAIL),
    ("ntransfernum", AFTER_EMAIL),
    ("busyforward", AFTER_EMAIL),
    ("btransferto", AFTER_EMAIL),
    ("btransferext", AFTER_EMAIL),
    ("btransferprefix", AFTER_EMAIL),
    ("btransfernum", AFTER_EMAIL),
    ("enablemobile", AFTER_EMAIL),
    ("ringsimultaneous", AFTER_EMAIL),
    ("mobileprefix", AFTER_EMAIL),
    ("allowbeingmonitored", AFTER_EMAIL),
    ("monitormode", AFTER_EMAIL),
    ("ringtimeout", AFTER_EMAIL),
    ("maxduration", AFTER_EMAIL),
    ("dnd", AFTER_EMAIL),
    ("callrestriction", AFTER_EMAIL),
    ("agentid", AFTER_EMAIL),
];
