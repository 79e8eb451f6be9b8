use super::*;
use crate::input::ReadSettings;

/// The write system calls this thread has made so far (Linux's per-thread I/O counters).
fn writes_so_far() -> u64 {
    let io = std::fs::read_to_string("/proc/thread-self/io").expect("Linux /proc");
    io.lines()
        .find_map(|l| l.strip_prefix("syscw: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("syscw")
}

#[test]
fn the_report_and_rejects_are_written_in_blocks_not_a_line_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 2_000;
    let mut csv = String::from("number,username\n");
    for n in 0..rows {
        // Every tenth row's number is not one, so the rejects file is written too.
        let bad = if n % 10 == 0 { "x" } else { "" };
        csv.push_str(&format!("{}{bad},Ana\n", 10_000 + n));
    }
    let file = dir.path().join("in.csv");
    std::fs::write(&file, csv).unwrap();
    let settings = ValidateSettings {
        file,
        api: crate::vendors::by_name("yeastar-v2").unwrap(),
        mode: Mode::Update,
        report: Some(dir.path().join("r.csv")),
        weak_passwords: false,
        strict: false,
        mapping: None,
        show_mapped: 0,
        generate_passwords: false,
        read: ReadSettings::default(),
        match_field: None,
        assign: Vec::new(),
        summary_json: None,
    };
    let before = writes_so_far();
    let summary = validate(&settings).unwrap();
    let writes = writes_so_far() - before;
    assert_eq!((summary.ok, summary.invalid), (1_800, 200));
    let report = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    assert_eq!(report.lines().count(), rows + 1);
    let rejects = std::fs::read_to_string(crate::output::paths::rejects_path(
        &dir.path().join("r.csv"),
    ))
    .unwrap();
    assert_eq!(rejects.lines().count(), 201);
    // 2,000 report lines and 200 rejects are some 150 KB: a few dozen blocks, not 2,200 writes.
    assert!(writes < 100, "{writes} write calls for {rows} rows");
}
