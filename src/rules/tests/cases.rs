//! The case lists: per field, a value that passes and values that fail.

/// (field, a value that passes, values that fail)
pub(super) type Case = (&'static str, &'static str, &'static [&'static str]);

pub(super) const COMMON: &[Case] = &[
    (
        "callerid",
        "1001",
        &["10-01", "12345678901234567890123456789012"],
    ),
    ("registername", "u1001", &["u 1001", "a.b"]),
    ("maxregistrations", "5", &["0", "6", "two"]),
    (
        "email",
        "ana.lima@example.com",
        &["ana@example", "ana lima@example.com", "@example.com"],
    ),
    ("mobile", "15550100001", &["+15550100001", "1555-0100"]),
    ("hasvoicemail", "On", &["y", "o n"]),
    ("enablevmtoemail", "OFF", &["2"]),
    ("vmsecret", "4821", &["48a1"]),
    ("alwaysforward", "TRUE", &["truthy"]),
    ("atransferto", "custom number", &["Custom-Number", "Phone"]),
    ("atransferext", "1002", &["ext1002", "12345678"]),
    ("atransferprefix", "9", &["12345678", "9#"]),
    ("atransfernum", "004420", &["1234567890123456"]),
    ("noanswerforward", "no", &["nope"]),
    ("ntransferto", "Voicemail", &["VM"]),
    ("ntransferext", "1003", &["x"]),
    ("ntransferprefix", "123456789012345", &["1234567890123456"]),
    ("ntransfernum", "0015550100", &["0015-550"]),
    ("busyforward", "enabled", &["active"]),
    ("btransferto", "extension", &["ext"]),
    ("btransferext", "1004", &["1004a"]),
    ("btransferprefix", "0", &["00000000"]),
    ("btransfernum", "911", &["9 11"]),
    ("enablemobile", "0", &["00"]),
    ("ringsimultaneous", "on", &["Y"]),
    ("mobileprefix", "1234567", &["12345678"]),
    ("allowbeingmonitored", "false", &["f"]),
    ("monitormode", "barge-in", &["Barge in", "Off"]),
    ("ringtimeout", "120", &["45", "0"]),
    ("maxduration", "follow system", &["7200", "10800"]),
    ("dnd", "1", &["11"]),
    ("callrestriction", "off", &["x"]),
    ("agentid", "6932", &["69-32"]),
];

pub(super) const V2_ONLY: &[Case] = &[
    ("number", "1001", &["10a1", "12345678", "-100"]),
    (
        "username",
        "José García",
        &[
            "Bob.Smith",
            "a@b",
            "O'Brien",
            "N$",
            "123456789012345678901234567890123",
        ],
    ),
    // Strong policy: 16-31, upper, lower, digits, no 4 sequential/identical digits.
    (
        "registerpassword",
        "Kx7mQ2vRt9LpW4zA",
        &[
            "Kx7mQ2vRt9Lp",
            "kx7mq2vrt9lpw4za",
            "Kx1234mQvRtLpW4zA",
            "Kx7mQ2vRt9LpW4z!",
            "Kx7777mQvRtLpWzAb",
        ],
    ),
    (
        "loginpassword",
        "Bq8nT5wYe3",
        &["Bq8nT5wY", "BQ8NT5WYE3", "Bq8nT5 wYe3"],
    ),
];

pub(super) const V1_ONLY: &[Case] = &[
    ("extid", "1001", &["10a1", "12345678"]),
    ("extnumber", "1000", &["1o00"]),
    ("username", "Tony Stark", &["Tony!", "Tony.Stark"]),
    (
        "registerpassword",
        "s3cr3t~X",
        &[
            "sec ret",
            "semi;colon",
            "pipe|",
            "12345678901234567890123456789012",
        ],
    ),
    ("loginpassword", "abc123", &["abc12", "quote\"d"]),
];

pub(super) const OPENVOX_ONLY: &[Case] = &[
    ("number", "2002", &["20o2"]),
    ("extnumber", "2003", &["x"]),
    (
        "username",
        "Zhang \"Wei\" & <Co> 张伟",
        &["12345678901234567890123456789012"],
    ),
    (
        "registerpassword",
        "12345133333323123qW@",
        &["has space", "amp&"],
    ),
    ("loginpassword", "12345678qW@", &["12345"]),
    ("monitormode", "disable", &["Off", "Disabling"]),
    ("maxduration", "10800", &["7200"]),
    ("nat", "Yes", &["maybe", "y"]),
    ("ntransferprefix", "1234567", &["12345678"]),
];

pub(super) const VERBA_ONLY: &[Case] = &[
    ("extension", "verbatestuser2@verbalabs.com", &["two words"]),
    ("eid", "0000", &["000", "00000", "00-0"]),
    (
        "environment",
        "Ref.",
        &["12345678901234567890123456789012345678901234567890123456789012345"],
    ),
    (
        "recordingmode",
        "on-demand",
        &["RECORD_ALL", "fully", "Controlled, Auto-start"],
    ),
    ("im", "true", &["2", "maybe"]),
    ("voice", "1", &["on"]),
    ("video", "No", &["n"]),
    ("screencapture", "YES", &["y"]),
    ("userid", "25", &["user25", "12345678901"]),
    ("userloginname", "alice@example.com", &["alice smith"]),
];

/// The P-Series's fields (docs/vendor/yeastar-p-api.md, create fields), under the Cloud
/// Edition's rules (the default).
pub(super) const YEASTAR_P: &[Case] = &[
    ("number", "1001", &["10a1", "12345678"]),
    ("type", "sip", &["IAX"]),
    (
        "first_name",
        "Zoë",
        &["1234567890123456789012345678901234567890123456789012345678901234"],
    ),
    ("last_name", "O'Brien", &["\u{7}"]),
    (
        "email_addr",
        "ana.lima@example.com",
        &["ana@example", "@example.com"],
    ),
    ("mobile_number", "+1(555)0100*9#", &["555 0100", "555/0100"]),
    ("caller_id", "1001", &["10 01"]),
    (
        "user_password",
        "Bq8nTw5Ye3xK",
        &["bq8ntw5ye3xk", "Short1", "Abcd1234xyzQ", "Ab 1cdefghij"],
    ),
    ("reg_name", "sip1001", &["sip 1001"]),
    ("reg_password", "Kx7mQ2vR", &["Kx7mQ2v", "Kx7 mQ2vR"]),
    ("concurrent_registrations", "3", &["4", "0", "one"]),
    ("presence_status", "do_not_disturb", &["busy"]),
    ("role_id", "0", &["-1", "admin"]),
    ("organization_list", "3,7", &["3, 7", "Sales Team"]),
    ("title", "Engineer", &["\u{7}"]),
    ("email_language", "zh-cn", &["cn"]),
    ("user_lang", "follow_system", &["\u{7}"]),
    ("vm_lang", "German", &["\u{7}"]),
    ("enb_vm", "1", &["2"]),
    ("enb_vm_pin", "no", &["maybe"]),
    ("vm_pin", "4821", &["48a1"]),
    ("agent_id", "6932", &["12345678901234567890123456789012"]),
];
