//! The vendors' own spreadsheet layouts (`--layout`): files written by the tests from the
//! columns the vendors document (`../shared/reference/layouts.md`), into any API and back out
//! in the vendor's own columns.

use crate::support::*;

/// FreePBX Bulk Handler's declared headers, as its own test file writes them (upper case) and
/// as its exports write them (lower case), with the trailing empty header cells spreadsheet
/// programs add.
const FREEPBX_HEADER: &str = "EXTENSION,NAME,description,tech,SECRET,voicemail_enable,voicemail,\
voicemail_vmpwd,Voicemail_Email,voicemail_options,voicemail_same_exten,disable_star_voicemail,\
vmx_unavail_enabled,vmx_busy_enabled,vmx_temp_enabled,vmx_play_instructions,vmx_option_0_number,\
vmx_option_1_number,vmx_option_2_number,findmefollow_enabled,findmefollow_grplist,\
findmefollow_postdest,,";

/// A FreePBX row: extension, name, secret and voicemail e-mail; the rest as FreePBX fills it.
fn freepbx_row(extension: &str, name: &str, email: &str) -> String {
    format!(
        "{extension},{name},,pjsip,{STRONG},yes,default,4821,{email},attach=no|delete=no,,,,,,,,,,,,,,"
    )
}

#[test]
fn a_freepbx_file_goes_into_yeastar_v2_and_comes_back_out_in_freepbx_columns() {
    let sim = Sim::start(Api::YeastarV2);
    let file = [
        FREEPBX_HEADER.to_string(),
        freepbx_row("2001", "Ann Lee", "ann@example.com"),
        freepbx_row("", "No Extension", "none@example.com"),
        freepbx_row("2002", "Bob Ray", "bob@example.com"),
        // One field short: FreePBX refuses such a row, and so does pbxbulk.
        "2003,Cy Ng,,pjsip".to_string(),
    ]
    .join("\n");
    let ran = Run::import(&sim)
        .file_named("freepbx.csv", file + "\n")
        .args(&[
            "--layout",
            "freepbx",
            "--mode",
            "add",
            "--generate-passwords",
            "--rate",
            "0",
        ])
        .rows_failed();
    assert_eq!(
        ran.row_number_status(),
        ["2 2001 ok", "3  invalid", "4 2002 ok", "5  invalid"]
    );
    assert_eq!(ran.row("row", "3")["error_code"], "MISSING_FIELD");
    assert_eq!(ran.row("row", "5")["error_code"], "FIELD_COUNT");
    // The columns with no field are named once, not as an error.
    let not_carried = ran.stderr.matches("not carried").count();
    assert_eq!(not_carried, 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("voicemail_options"), "{}", ran.stderr);
    assert_eq!(sim.field("username")["2001"], "Ann Lee");
    assert_eq!(sim.field("email")["2002"], "bob@example.com");

    let header = FREEPBX_HEADER.trim_end_matches(',').to_lowercase();
    let exported = export_in(&sim, "freepbx", &header);
    let rows = &exported.rows;
    assert_eq!(rows.len(), 2);
    let ann = rows.iter().find(|r| r["extension"] == "2001").unwrap();
    assert_eq!(
        (
            ann["name"].as_str(),
            ann["secret"].as_str(),
            ann["voicemail_email"].as_str()
        ),
        ("Ann Lee", STRONG, "ann@example.com")
    );
    assert_eq!(ann["voicemail_vmpwd"], "4821");

    goes_back_in(&exported, "freepbx", &sim, &["username", "email"]);
}

/// Exports `sim`'s directory in `layout`, whose first line must be `header` (after any BOM).
fn export_in(sim: &Sim, layout: &str, header: &str) -> Ran {
    let exported = Run::export(sim).args(&["--layout", layout]).ok();
    let text = std::fs::read_to_string(&exported.report).unwrap();
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(first, header);
    exported
}

/// The export goes back in as it is: another PBX of the same API ends up with the same
/// `fields`.
fn goes_back_in(exported: &Ran, layout: &str, sim: &Sim, fields: &[&str]) {
    let again = Sim::start(sim.api);
    Run::import(&again)
        .input(&exported.report)
        .args(&["--layout", layout, "--mode", "add", "--generate-passwords"])
        .args(&["--rate", "0"])
        .ok();
    for field in fields {
        assert_eq!(again.field(field), sim.field(field), "{field}");
    }
}

/// 3CX V20's 54 columns, in their fixed order.
const THREECX_HEADER: &str = "Number,FirstName,LastName,EmailAddress,MobileNumber,OutboundCallerID,DID,\
Role,Department,ClickToCallAuth,WMApprove,WebMeetingFriendlyName,MAC,Template,Model,Router,Language,\
Ringtone,QRingtone,VMEnable,VMLanguage,VMPlayMsgDateTime,VMPIN,VMEmailOptions,VMNoPin,VMPlayCallerID,\
RecordCalls,RecordExternal,RecordCanSee,RecordCanDelete,RecordStartStop,RecordNotify,Disabled,\
HideFWrules,DisableExternalCalls,HideInPhonebook,CallScreening,PinProtected,PinTimeout,Transcription,\
AllowLanOnly,SIPID,DeliverAudio,HotDesk,SRTPMode,EmailMissedCalls,MS365SignInDisabled,\
MS365CalendarDisabled,MS365ContactsDisabled,MS365TeamsDisabled,GoogleSignInDisabled,\
GoogleContactsDisabled,GoogleCalendarDisabled,BLF";

/// A 3CX row: the documented first columns, a quoted role, the rest blank.
fn threecx_row(number: &str, first: &str, last: &str, email: &str, mobile: &str) -> String {
    let rest = vec![""; 54 - 8].join(",");
    format!(
        "{number},{first},{last},{email},{mobile},{number},,\"<role name=\"\"users\"\" />\",{rest}"
    )
}

#[test]
fn a_3cx_file_goes_into_yeastar_v2_and_comes_back_out_in_3cx_columns() {
    let sim = Sim::start(Api::YeastarV2);
    let file = [
        THREECX_HEADER.to_string(),
        threecx_row("3001", "Ann", "Lee", "ann@example.com", "+1 (555) 010-0001"),
        threecx_row("", "No", "Number", "none@example.com", ""),
        threecx_row("3002", "Mary Ann", "Smith", "mary@example.com", ""),
    ]
    .join("\r\n");
    let ran = Run::import(&sim)
        .file_named("3cx.csv", file + "\r\n")
        .args(&["--layout", "3cx", "--mode", "add", "--generate-passwords"])
        .args(&["--plus-prefix", "00", "--rate", "0"])
        .rows_failed();
    assert_eq!(
        ran.row_number_status(),
        ["2 3001 ok", "3  invalid", "4 3002 ok"]
    );
    assert_eq!(sim.field("username")["3002"], "Mary Ann Smith");
    assert_eq!(sim.field("mobile")["3001"], "0015550100001");

    let exported = export_in(&sim, "3cx", THREECX_HEADER);
    let mary = exported
        .rows
        .iter()
        .find(|r| r["Number"] == "3002")
        .unwrap();
    assert_eq!(
        (mary["FirstName"].as_str(), mary["LastName"].as_str()),
        ("Mary Ann", "Smith")
    );
    assert_eq!(mary["EmailAddress"], "mary@example.com");
    goes_back_in(&exported, "3cx", &sim, &["username", "mobile"]);
}

#[test]
fn template_prints_a_layouts_header_and_an_unknown_layout_is_named() {
    let ran = Run::new(Command::Template).args(&["--layout", "3cx"]).ok();
    assert_eq!(ran.stdout.trim(), THREECX_HEADER);
    let ran = Run::new(Command::Template)
        .args(&["--layout", "GRANDSTREAM"])
        .ok();
    assert!(
        ran.stdout
            .starts_with("Extension,Technology,Enable Voicemail,")
    );
    let ran = Run::validate(Api::YeastarV2)
        .file("number\n1001\n")
        .args(&["--layout", "avaya"])
        .incomplete("bad_input");
    assert!(
        ran.stderr
            .contains("the layouts are: yeastar-s-web, yeastar-p-web, freepbx, 3cx, grandstream"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_yeastar_p_web_file_goes_into_yeastar_v2_and_a_grandstream_file_into_yeastar_p() {
    let sim = Sim::start(Api::YeastarV2);
    let p_web = format!(
        "\u{feff}First Name,Last name,Email Address,Mobile Number,User Password,Organization,User Role,\
         Extension Number,Caller ID,Registration Name,Registration Password,\
         IP Phone Concurrent Registrations,Emergency Outbound Caller ID,Enable Voicemail,\
         Voicemail PIN Authentication\n\
         Ann,Lee,ann@example.com,,,,0,4001,4001,reg4001,{STRONG},1,,1,1\n"
    );
    let ran = Run::validate(Api::YeastarV2)
        .file_named("p.csv", &p_web)
        .args(&["--layout", "yeastar-p-web", "--mode", "add"])
        .with_report()
        .ok();
    assert_eq!(ran.row_number_status(), ["2 4001 ok"]);
    Run::import(&sim)
        .file_named("p.csv", &p_web)
        .args(&["--layout", "yeastar-p-web", "--mode", "add", "--rate", "0"])
        .ok();
    assert_eq!(sim.field("username")["4001"], "Ann Lee");
    assert_eq!(sim.field("registername")["4001"], "reg4001");

    let ucm = Sim::start(Api::YeastarP);
    let mut header: Vec<&str> = vec![
        "Extension",
        "Technology",
        "CallerID Number",
        "SIP/IAX Password",
    ];
    header.extend(["AuthID", "First Name", "Last Name", "Email Address"]);
    let row = format!("5001,SIP,5001,{STRONG},5001,Bo,Ray,bo@example.com");
    Run::import(&ucm)
        .file_named("ucm.csv", format!("{}\n{row}\n", header.join(",")))
        .args(&[
            "--layout",
            "grandstream",
            "--mode",
            "add",
            "--generate-passwords",
            "--rate",
            "0",
        ])
        .ok();
    let exported = Run::export(&ucm).args(&["--layout", "grandstream"]).ok();
    let bo = &exported.rows[0];
    assert_eq!(
        (bo["Extension"].as_str(), bo["First Name"].as_str()),
        ("5001", "Bo")
    );
    assert_eq!(bo["Email Address"], "bo@example.com");
    assert_eq!(bo["Technology"], "SIP", "the UCM's own default");
}
