//! Yeastar P-Series OpenAPI v1.0 field rules (docs/vendor/yeastar-p-api.md, "Create fields"),
//! one table per edition where the documents differ: the Cloud Edition's passwords may not
//! hold four consecutive or identical digits nor the number or the names; the Software
//! Edition takes eight-digit numbers and `'` in e-mail addresses.
//!
//! Columns are the API's own field names. `type`, `concurrent_registrations` and
//! `presence_status` are required by `extension/create`; a row that leaves them blank gets the
//! documented defaults from the codec (SIP, 1, available), so they are optional here.

use super::API;
use crate::domain::Term;
use crate::rules::{Chars, Cross, Field, Kind, Need, Origin, PasswordRule, Table, TableCache, digits, field, on_add, one_of, secret, text};

const NUMBER_7: Field = Field { need: Need::Always, ..field("number", digits(7), "extension number (the key; it cannot be changed)") };
const NUMBER_8: Field = Field { need: Need::Always, ..field("number", digits(8), "extension number (the key; it cannot be changed)") };
const TYPE: Field = field("type", one_of(&["SIP"]), "extension type (SIP, the default)");
const FIRST_NAME: Field = field("first_name", text(63, Chars::Any), "first name");
const LAST_NAME: Field = field("last_name", text(63, Chars::Any), "last name");
const EMAIL: Field = field("email_addr", Kind::Email, "e-mail address (unique)");
const PHONE_CHARS: Chars = Chars::AlnumPlus("().-+*#");
const MOBILE: Field = field("mobile_number", text(31, PHONE_CHARS), "mobile number (no spaces)");
const CALLER_ID: Field = field("caller_id", text(31, PHONE_CHARS), "caller ID number (default: the extension number)");
/// "10–63, digits + upper + lower" (create-sw); the Cloud Edition adds the runs and the
/// cross rule below (create-cloud).
const USER_PASSWORD: Field = on_add(secret(field("user_password", Kind::Password(PasswordRule { chars: Chars::Without(" "), max: 63, strong_min: Some(10), runs: false, weak_min: 10 }), "user password (web portal, Linkus)")));
const USER_PASSWORD_CLOUD: Field = on_add(secret(field("user_password", Kind::Password(PasswordRule { chars: Chars::Without(" "), max: 63, strong_min: Some(10), runs: true, weak_min: 10 }), "user password (web portal, Linkus)")));
const REG_NAME: Field = on_add(field("reg_name", text(63, Chars::Without(" ")), "SIP registration name"));
const REG_PASSWORD: Field = on_add(secret(field("reg_password", Kind::Password(PasswordRule { chars: Chars::Without(" "), max: 63, strong_min: None, runs: false, weak_min: 8 }), "SIP registration password")));
const CONCURRENT: Field = field("concurrent_registrations", one_of(&["1", "2", "3"]), "IP phones registered at once (1, the default, 2 or 3)");
const PRESENCE: Field = field("presence_status", one_of(&["available", "away", "business_trip", "do_not_disturb", "lunch", "off_work"]), "presence (available by default)");
const ROLE_ID: Field = field("role_id", Kind::Range(0, 999_999), "user role id (0: none)");
const ORGANIZATIONS: Field = field("organization_list", text(255, Chars::AlnumPlus(",")), "organization ids, comma-separated");
const TITLE: Field = field("title", text(63, Chars::Any), "job title");
const EMAIL_LANGUAGE: Field = field("email_language", one_of(&["follow_system", "zh-cn", "en", "ru", "de", "fr", "bp", "it", "tr"]), "language of e-mails to the user");
const USER_LANG: Field = field("user_lang", text(63, Chars::Any), "system prompt language (follow_system or an installed prompt)");
const VM_LANG: Field = field("vm_lang", text(63, Chars::Any), "voicemail prompt language (follow_system or an installed prompt)");
const ENB_VM: Field = field("enb_vm", Kind::Bool, "voicemail on (1) or off (0)");
const ENB_VM_PIN: Field = field("enb_vm_pin", Kind::Bool, "voicemail PIN authentication on (1) or off (0)");
const VM_PIN: Field = secret(field("vm_pin", digits(16), "voicemail PIN"));
const AGENT_ID: Field = field("agent_id", text(31, Chars::Any), "agent ID");

/// The Cloud Edition's password rule between fields (create-cloud).
const NOT_CONTAINING: Cross = Cross::NotContaining { field: "user_password", others: &["number", "first_name", "last_name"] };

const TERMS: [(Term, &str); 11] = [
    (Term::Number, "number"), (Term::FirstName, "first_name"), (Term::LastName, "last_name"),
    (Term::Email, "email_addr"), (Term::Mobile, "mobile_number"), (Term::CallerId, "caller_id"),
    (Term::SipUser, "reg_name"), (Term::SipSecret, "reg_password"), (Term::LoginSecret, "user_password"),
    (Term::VoicemailPin, "vm_pin"), (Term::MaxRegistrations, "concurrent_registrations"),
];

const INFERRED_VM: Origin = Origin::Inferred("docs/vendor/yeastar-p-api.md names enb_vm, enb_vm_pin and vm_pin (from research notes); their rules were not seen");
const ORIGINS: [(&str, Origin); 7] = [
    ("role_id", Origin::Inferred("docs/vendor/yeastar-p-api.md gives the type (Integer) only: 0 or more")),
    ("organization_list", Origin::Inferred("docs/vendor/yeastar-p-api.md gives Array<Organization_Info>; a cell lists the organizations' ids, sent as [{\"value\": id}]")),
    ("user_lang", Origin::Inferred("docs/vendor/yeastar-p-api.md: follow_system or an installed prompt; any name is accepted")),
    ("vm_lang", Origin::Inferred("docs/vendor/yeastar-p-api.md: follow_system or an installed prompt; any name is accepted")),
    ("enb_vm", INFERRED_VM), ("enb_vm_pin", INFERRED_VM), ("vm_pin", INFERRED_VM),
];
const ALIASES: &[(&str, &str)] = &[("extension", "number"), ("extension number", "number"), ("email", "email_addr"), ("mobile", "mobile_number")];
const EXAMPLE: &[(&str, &str)] = &[
    ("number", "1001"), ("first_name", "Alice"), ("last_name", "Martin"), ("email_addr", "alice.martin@example.com"),
    ("mobile_number", "15550100001"), ("caller_id", "1001"), ("user_password", "Bq8nTw5Ye3xK"),
    ("reg_name", "1001"), ("reg_password", "Kx7mQ2vRt9Lp"), ("concurrent_registrations", "2"), ("presence_status", "available"),
];
const NOTES: &[&str] = &[
    "Adding needs number, user_password, reg_name and reg_password; type, concurrent_registrations and presence_status default to SIP, 1 and available.",
    "A number cannot be changed. Passwords are never read back: for an extension that exists they are sent only with --update-secrets.",
    "A blank cell leaves the PBX's value as it is.",
];

macro_rules! edition_table {
    ($name:ident, $number:expr, $password:expr, $cross:expr, $documented:expr) => {
        pub(super) static $name: Table = Table {
            api: &API,
            key: "number",
            rename: None,
            unique: &["email_addr"],
            fields: &[
                $number, TYPE, FIRST_NAME, LAST_NAME, EMAIL, MOBILE, CALLER_ID, $password, REG_NAME, REG_PASSWORD,
                CONCURRENT, PRESENCE, ROLE_ID, ORGANIZATIONS, TITLE, EMAIL_LANGUAGE, USER_LANG, VM_LANG,
                ENB_VM, ENB_VM_PIN, VM_PIN, AGENT_ID,
            ],
            cross: $cross,
            links: &[],
            hashed_on_read: &[],
            aliases: ALIASES,
            example: EXAMPLE,
            notes: NOTES,
            documented_in: $documented,
            origins: &ORIGINS,
            terms: &TERMS,
            cache: TableCache::new(),
        };
    };
}

edition_table!(CLOUD, NUMBER_7, USER_PASSWORD_CLOUD, &[NOT_CONTAINING], "docs/vendor/yeastar-p-api.md (create-sw, create-cloud)");
edition_table!(APPLIANCE, NUMBER_7, USER_PASSWORD, &[], "docs/vendor/yeastar-p-api.md (create-sw)");
edition_table!(SOFTWARE, NUMBER_8, USER_PASSWORD, &[], "docs/vendor/yeastar-p-api.md (create-sw; csv: eight-digit numbers)");
