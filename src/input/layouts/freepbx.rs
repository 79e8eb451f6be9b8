//! FreePBX Bulk Handler, type `extensions` (FreePBX 13–17): the headers its `core`,
//! `voicemail` and `findmefollow` modules declare, in that order (`Core.class.php`
//! `bulkhandlerGetHeaders`, `Voicemail.class.php`, `Vmx.class.php`, `Findmefollow.class.php`).
//! Its own exports add any device or user setting as a column (85 to 153 of them); those are
//! read as not carried.

use super::Layout;
use crate::domain::Term;

pub(super) static BULK_HANDLER: Layout = Layout {
    name: "freepbx",
    about: "FreePBX Bulk Handler extensions CSV (FreePBX 13-17)",
    header: &[
        "extension", "name", "description", "tech", "secret", "voicemail_enable", "voicemail",
        "voicemail_vmpwd", "voicemail_email", "voicemail_options", "voicemail_same_exten",
        "disable_star_voicemail", "vmx_unavail_enabled", "vmx_busy_enabled", "vmx_temp_enabled",
        "vmx_play_instructions", "vmx_option_0_number", "vmx_option_1_number",
        "vmx_option_2_number", "findmefollow_enabled", "findmefollow_grplist",
        "findmefollow_postdest",
    ],
    terms: &[
        (Term::Number, "extension"),
        (Term::DisplayName, "name"),
        (Term::SipSecret, "secret"),
        (Term::VoicemailPin, "voicemail_vmpwd"),
        (Term::Email, "voicemail_email"),
    ],
    // An empty tech is the SIP driver FreePBX runs; `name` and `extension` are required.
    defaults: &[],
    accepts: &[],
    marks: &[],
    own_columns: false,
};
