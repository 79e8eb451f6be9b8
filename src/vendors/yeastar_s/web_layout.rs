//! The S-Series web UI's extension import file ("Import Parameters - Extensions"): its
//! parameters are the API's own lower-case names, except that `username` is the extension
//! number and `fullname` the caller ID name, with a `type` column (SIP or IAX). A file with
//! `type` or `fullname` and no `number` column is read in this layout unasked.

use crate::domain::Term;
use crate::input::layouts::Layout;

pub(super) static WEB: Layout = Layout {
    name: "yeastar-s-web",
    about: "the Yeastar S-Series web UI's extension import file: username is the extension number, fullname the name",
    header: &["type", "username", "registerpassword", "fullname", "callerid", "registername", "maxregistrations", "loginpassword"],
    terms: &[
        (Term::Number, "username"),
        (Term::SipSecret, "registerpassword"),
        (Term::DisplayName, "fullname"),
        (Term::CallerId, "callerid"),
        (Term::SipUser, "registername"),
        (Term::MaxRegistrations, "maxregistrations"),
        (Term::LoginSecret, "loginpassword"),
    ],
    defaults: &[("type", "SIP")],
    accepts: &[("type", &["SIP"], "pbxbulk sets up SIP extensions only")],
    marks: &["type", "fullname"],
    own_columns: true,
};
