//! 3CX V20 user import (Admin Console > Users > Import / Export): the 54 columns of 3CX's
//! "Importing Extensions in Bulk - CSV File Structure", in their fixed order (3CX reads each
//! by its position).

use super::Layout;
use crate::domain::Term;

pub(super) static V20: Layout = Layout {
    name: "3cx",
    about: "3CX V20 user import/export CSV",
    header: &[
        "Number", "FirstName", "LastName", "EmailAddress", "MobileNumber", "OutboundCallerID",
        "DID", "Role", "Department", "ClickToCallAuth", "WMApprove", "WebMeetingFriendlyName",
        "MAC", "Template", "Model", "Router", "Language", "Ringtone", "QRingtone", "VMEnable",
        "VMLanguage", "VMPlayMsgDateTime", "VMPIN", "VMEmailOptions", "VMNoPin", "VMPlayCallerID",
        "RecordCalls", "RecordExternal", "RecordCanSee", "RecordCanDelete", "RecordStartStop",
        "RecordNotify", "Disabled", "HideFWrules", "DisableExternalCalls", "HideInPhonebook",
        "CallScreening", "PinProtected", "PinTimeout", "Transcription", "AllowLanOnly", "SIPID",
        "DeliverAudio", "HotDesk", "SRTPMode", "EmailMissedCalls", "MS365SignInDisabled",
        "MS365CalendarDisabled", "MS365ContactsDisabled", "MS365TeamsDisabled",
        "GoogleSignInDisabled", "GoogleContactsDisabled", "GoogleCalendarDisabled", "BLF",
    ],
    terms: &[
        (Term::Number, "Number"),
        (Term::FirstName, "FirstName"),
        (Term::LastName, "LastName"),
        (Term::Email, "EmailAddress"),
        (Term::Mobile, "MobileNumber"),
        (Term::CallerId, "OutboundCallerID"),
        (Term::VoicemailPin, "VMPIN"),
    ],
    defaults: &[],
    accepts: &[],
    marks: &[],
    own_columns: false,
};
