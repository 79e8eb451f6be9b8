//! The P-Series web UI's extension import/export CSV ("Import and Export Parameters -
//! Extension"), as far as Yeastar's table is known (its first fifteen parameters, in their
//! order). Its exports are UTF-8 with a byte-order mark, as its import templates require.

use crate::domain::Term;
use crate::input::layouts::Layout;

pub(super) static WEB: Layout = Layout {
    name: "yeastar-p-web",
    about: "the Yeastar P-Series web UI's extension import/export CSV",
    header: &[
        "First Name", "Last name", "Email Address", "Mobile Number", "User Password", "Organization",
        "User Role", "Extension Number", "Caller ID", "Registration Name", "Registration Password",
        "IP Phone Concurrent Registrations", "Emergency Outbound Caller ID", "Enable Voicemail",
        "Voicemail PIN Authentication",
    ],
    terms: &[
        (Term::FirstName, "First Name"),
        (Term::LastName, "Last name"),
        (Term::Email, "Email Address"),
        (Term::Mobile, "Mobile Number"),
        (Term::LoginSecret, "User Password"),
        (Term::Number, "Extension Number"),
        (Term::CallerId, "Caller ID"),
        (Term::SipUser, "Registration Name"),
        (Term::SipSecret, "Registration Password"),
        (Term::MaxRegistrations, "IP Phone Concurrent Registrations"),
    ],
    // The documented defaults of the required columns pbxbulk has no value for.
    defaults: &[("User Role", "0"), ("IP Phone Concurrent Registrations", "1"), ("Enable Voicemail", "1")],
    accepts: &[],
    marks: &["Extension Number"],
    own_columns: false,
};
