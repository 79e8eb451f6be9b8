//! A rule no document of the API states (yeastar-v2's `ringtimeout` set, borrowed from v1)
//! warns and the row is sent, unless `--strict`; `template --describe` marks such rules.

use crate::support::*;

/// Two adds with the ring timeouts a public v2 bulk toolkit writes.
fn toolkit_rows() -> String {
    format!(
        "number,username,registername,registerpassword,ringtimeout\n\
         7001,Ana,r7001,{STRONG},10\n\
         7002,Bo,r7002,{STRONG},12\n"
    )
}

#[test]
fn an_inferred_rule_warns_and_refuses_only_with_strict() {
    let valid = Run::validate(Api::YeastarV2)
        .file(&toolkit_rows())
        .args(&["--mode", "add"])
        .with_report()
        .ok();
    assert_eq!(valid.column("status"), ["ok", "ok"], "{:?}", valid.rows);
    let message = &valid.rows[0]["message"];
    assert!(
        message.contains("ringtimeout \"10\"") && message.contains("--strict"),
        "{message}"
    );
    let strict = Run::validate(Api::YeastarV2)
        .file(&toolkit_rows())
        .args(&["--mode", "add", "--strict"])
        .with_report()
        .rows_failed();
    assert_eq!(strict.column("status"), ["invalid", "invalid"]);
    assert_eq!(strict.column("field"), ["ringtimeout", "ringtimeout"]);
}

#[test]
fn a_row_that_also_breaks_a_documented_rule_is_refused_with_every_problem() {
    // maxregistrations' 1 to 5 is on v2's own page; ringtimeout's set is borrowed from v1.
    let ran = Run::validate(Api::YeastarV2)
        .file(&format!(
            "number,username,registername,registerpassword,maxregistrations,ringtimeout\n\
             7003,Cy,r7003,{STRONG},9,10\n"
        ))
        .args(&["--mode", "add"])
        .with_report()
        .rows_failed();
    assert_eq!(ran.column("status"), ["invalid"]);
    assert_eq!(ran.column("field"), ["maxregistrations,ringtimeout"]);
}

#[test]
fn the_row_is_sent_and_the_pbx_decides() {
    // A PBX that holds such values takes them.
    let holds = Sim::with(Api::YeastarV2)
        .args(&["--inferred", "inferred-rules=accept"])
        .start();
    let ran = Run::import(&holds)
        .file(&toolkit_rows())
        .args(&["--mode", "add"])
        .ok();
    assert_eq!(ran.column("status"), ["ok", "ok"], "{:?}", ran.rows);
    assert_eq!(holds.field("ringtimeout")["7002"], "12");
    // The simulator's default keeps v1's set: its refusal is reported as any PBX refusal.
    let refuses = Sim::start(Api::YeastarV2);
    let ran = Run::import(&refuses)
        .file(&toolkit_rows())
        .args(&["--mode", "add"])
        .rows_failed();
    assert_eq!(ran.column("status"), ["failed", "failed"], "{:?}", ran.rows);
    assert_eq!(refuses.stat("write_requests"), 2);
    // --strict refuses them before anything is sent.
    Run::import(&refuses)
        .file(&toolkit_rows())
        .args(&["--mode", "add", "--strict"])
        .rows_failed();
    assert_eq!(refuses.stat("write_requests"), 2);
}

#[test]
fn describe_marks_each_inferred_rule() {
    let text = Run::template(Api::YeastarV2)
        .args(&["--describe"])
        .ok()
        .stdout;
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("ringtimeout").contains("[inferred]"), "{text}");
    assert!(!line("number").contains("[inferred]"), "{text}");
    assert!(text.contains("unless --strict"), "{text}");
}
