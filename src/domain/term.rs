//! The vocabulary every API's fields map to: what a field means, whatever an API calls it.
//!
//! Moving a directory from one API to another, or reading another PBX's spreadsheet layout,
//! goes through these terms: each API says which of its fields holds which term, so a new API
//! adds its own mapping here once instead of one correspondence per pair of APIs.

use std::fmt;

/// One meaning a field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Term {
    /// The extension number (the key of every phone directory).
    Number,
    /// The name shown to callers, in one field (`username`).
    DisplayName,
    /// Given names, where an API keeps the name in two fields.
    FirstName,
    /// The family name, where an API keeps the name in two fields.
    LastName,
    Email,
    Mobile,
    /// The caller-ID number sent on outbound calls.
    CallerId,
    /// The SIP registration (authentication) name.
    SipUser,
    /// The SIP registration password.
    SipSecret,
    /// The user's own password (web portal, apps).
    LoginSecret,
    VoicemailPin,
    /// How many devices may register at once.
    MaxRegistrations,
    /// The tenant an extension belongs to.
    Tenant,
}

impl Term {
    /// The term in words, for messages.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Term::Number => "extension number",
            Term::DisplayName => "display name",
            Term::FirstName => "first name",
            Term::LastName => "last name",
            Term::Email => "e-mail address",
            Term::Mobile => "mobile number",
            Term::CallerId => "caller ID",
            Term::SipUser => "SIP user name",
            Term::SipSecret => "SIP password",
            Term::LoginSecret => "user password",
            Term::VoicemailPin => "voicemail PIN",
            Term::MaxRegistrations => "concurrent registrations",
            Term::Tenant => "tenant",
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}
