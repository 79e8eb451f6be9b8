//! Grandstream UCM SIP extensions (`export_sip_extensions.csv`, UCM6510 1.0.2.5 and UCM61xx
//! 1.0.9.25): the 60 columns of a real export's header row, in its order, and the values that
//! export writes by default where pbxbulk has none.

use super::Layout;
use crate::domain::Term;

pub(super) static UCM: Layout = Layout {
    name: "grandstream",
    about: "Grandstream UCM SIP extensions export/import CSV",
    header: &[
        "Extension", "Technology", "Enable Voicemail", "CallerID Number", "SIP/IAX Password",
        "Voicemail Password", "Skip Voicemail Password Verification", "Ring Timeout",
        "Auto Record", "SRTP", "Fax Mode", "Strategy", "Local Subnet 1", "Local Subnet 2",
        "Local Subnet 3", "Local Subnet 4", "Local Subnet 5", "Local Subnet 6", "Local Subnet 7",
        "Local Subnet 8", "Local Subnet 9", "Local Subnet 10", "Specific IP Address",
        "Skip Trunk Auth", "Codec Preference", "Permission", "NAT", "Can Reinvite", "DTMF Mode",
        "Insecure", "Enable Keep-alive", "Keep-alive Frequency", "AuthID", "TEL URI",
        "Call Forward Busy", "Call Forward No Answer", "Call Forward Unconditional",
        "Support Hot-Desking Mode", "Dial Trunk Password", "Disable This Extension",
        "CFU Time Condition", "CFN Time Condition", "CFB Time Condition", "Music On Hold",
        "CC Agent Policy", "CC Monitor Policy", "CCBS Available Timer", "CCNR Available Timer",
        "CC Offer Timer", "CC Max Agents", "CC Max Monitors", "Ring simultaneously",
        "External Number", "Time Condition for Ring Simultaneously", "Enable LDAP",
        "User Password", "First Name", "Last Name", "Email Address", "Language",
    ],
    terms: &[
        (Term::Number, "Extension"),
        (Term::CallerId, "CallerID Number"),
        (Term::SipSecret, "SIP/IAX Password"),
        (Term::VoicemailPin, "Voicemail Password"),
        (Term::SipUser, "AuthID"),
        (Term::LoginSecret, "User Password"),
        (Term::FirstName, "First Name"),
        (Term::LastName, "Last Name"),
        (Term::Email, "Email Address"),
    ],
    defaults: &[
        ("Technology", "SIP"),
        ("Strategy", "Allow All"),
        ("Permission", "Internal"),
        ("Insecure", "Port"),
        ("TEL URI", "Disabled"),
        ("Language", "Default"),
    ],
    accepts: &[],
    marks: &[],
    own_columns: false,
};
