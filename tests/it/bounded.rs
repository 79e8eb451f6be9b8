//! Whatever a file holds, what pbxbulk says about it stays short and its memory bounded
//! (issue 27.4, 27.11): huge cells, a huge mapping constant, a header line without end,
//! thousands of invalid rows, workbooks that unpack to gigabytes. Each test is one way it
//! broke before, shown from the outside.

use crate::support::*;

/// At most this much on stderr, whatever the input (issue 27.11's bound).
const STDERR_MAX: usize = 64 * 1024;

#[test]
fn a_10_mb_cell_is_quoted_cut_on_the_terminal_and_in_the_report() {
    let huge = "X".repeat(10 << 20);
    let file = format!("number,username,callerid\n1001,Ana,{huge}-\n");
    let ran = Run::validate(Api::YeastarV2).file(&file).rows_failed();
    assert!(
        ran.stderr.len() < 2_000,
        "{} bytes of stderr",
        ran.stderr.len()
    );
    assert!(ran.stderr.contains("more characters"), "{}", ran.stderr);
    let ran = Run::validate(Api::YeastarV2)
        .file(&file)
        .with_report()
        .rows_failed();
    let message = &ran.rows[0]["message"];
    assert!(message.len() < 1_000, "a {} byte message", message.len());
}

#[test]
fn two_thousand_invalid_rows_of_long_bad_cells_print_at_most_64_kb() {
    // Printed whole, the problems of these rows would be 30 MB. (Twenty thousand rows of
    // 5,000-character cells made the same point in 82 s of a debug build, the longest test.)
    let bad = "y".repeat(2_500);
    let mut file = String::from("number,username,callerid,email,mobile,ringtimeout,vmsecret\n");
    for n in 0..2_000 {
        file.push_str(&format!(
            "{},{bad}!,{bad}-,{bad},{bad},{bad},{bad}\n",
            10_000 + n
        ));
    }
    let ran = Run::validate(Api::YeastarV2).file(&file).rows_failed();
    assert!(
        ran.stderr.len() <= STDERR_MAX,
        "{} bytes of stderr",
        ran.stderr.len()
    );
    assert!(
        ran.stderr.contains("and 1950 rows more invalid"),
        "{}",
        ran.stderr.chars().rev().take(300).collect::<String>()
    );
}

#[test]
fn a_long_mapping_constant_is_cut_where_it_is_echoed() {
    let dir = tempfile::tempdir().unwrap();
    // 1 MB on each of 60 rows: 60 MB of stderr before.
    let constant = "Z".repeat(1 << 20);
    let map = write(
        dir.path(),
        "hr.toml",
        format!("[columns]\n\"Desk\" = \"number\"\n\n[constants]\ncallerid = \"{constant}-\"\n"),
    );
    let mut file = String::from("Desk\n");
    for n in 0..60 {
        file.push_str(&format!("{}\n", 2000 + n));
    }
    let ran = Run::validate(Api::YeastarV2)
        .file(&file)
        .args(&["--map", map.to_str().unwrap()])
        .rows_failed();
    assert!(
        ran.stderr.len() <= STDERR_MAX,
        "{} bytes of stderr",
        ran.stderr.len()
    );
}

#[test]
fn a_header_line_without_end_is_refused_naming_the_limit() {
    let file = "number,".repeat(3 << 20);
    let ran = Run::validate(Api::YeastarV2)
        .file(&file)
        .incomplete("bad_input");
    assert!(ran.stderr.contains("runs past 256 kB"), "{}", ran.stderr);
    assert!(
        ran.stderr.len() < 1_000,
        "{} bytes of stderr",
        ran.stderr.len()
    );
}
