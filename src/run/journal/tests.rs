use super::*;
use crate::domain::Status;
use crate::input::Input;

struct Setup {
    _dir: tempfile::TempDir,
    input: PathBuf,
    report: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "number,username\n1001,Ana\n1002,Bo\n1003,Cy\n").unwrap();
    let report = dir.path().join("r.csv");
    Setup {
        _dir: dir,
        input,
        report,
    }
}

impl Setup {
    fn print(&self) -> Fingerprint {
        Input::open(&self.input)
            .unwrap()
            .fingerprint()
            .unwrap()
            .clone()
    }

    fn text(&self) -> String {
        std::fs::read_to_string(journal_path(&self.report)).unwrap()
    }

    fn cut_last_line(&self, keep: usize) {
        let path = journal_path(&self.report);
        let text = self.text();
        let last = text.trim_end_matches('\n').rfind('\n').unwrap() + 1;
        std::fs::write(&path, &text[..last + keep]).unwrap();
    }
}

fn pins() -> Pins {
    vec![
        ("--api".into(), "yeastar-v2".into()),
        ("--url".into(), "http://192.0.2.10:8088".into()),
    ]
}

/// Row `seq` (number 1001 + seq, on row seq + 2) goes out as an add.
fn start(journal: &Journal, seq: u64) -> Result<(), JournalError> {
    journal.started(seq, Some(seq + 2), &(1001 + seq).to_string(), Action::Add)
}

fn in_flight(replay: &Replay) -> Vec<u64> {
    let mut seqs: Vec<u64> = replay.in_flight.keys().copied().collect();
    seqs.sort_unstable();
    seqs
}

fn ok(number: &str) -> RowResult {
    RowResult::new(Some(2), number, Action::Add, Status::Ok)
}

#[test]
fn a_started_row_without_its_outcome_is_in_flight_and_a_finished_one_is_done() {
    let s = setup();
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    start(&journal, 0).unwrap();
    start(&journal, 1).unwrap();
    journal.finished(0, &ok("1001")).unwrap();
    start(&journal, 2).unwrap();
    journal
        .finished(2, &ok("1003").with_error("10017", "refused"))
        .unwrap();
    // A row finished without being sent (invalid) has no start line.
    let invalid = RowResult::new(Some(5), "x", Action::Add, Status::Invalid);
    journal.finished(3, &invalid).unwrap();
    drop(journal);
    assert_eq!(journal_path(&s.report), s.report.with_extension("journal"));

    let (_, replay) = Journal::resume(&s.report, &s.print(), &pins()).unwrap();
    assert_eq!(in_flight(&replay), [1]);
    let mut done: Vec<_> = replay.done.keys().copied().collect();
    done.sort_unstable();
    assert_eq!(done, [0, 2, 3]);
    assert_eq!(replay.done[&2].error_code, "10017");
    assert_eq!(replay.done[&3].status, Status::Invalid);
}

#[test]
fn a_line_cut_short_by_a_kill_is_skipped_and_what_follows_it_still_counts() {
    let s = setup();
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    start(&journal, 0).unwrap();
    journal.finished(0, &ok("1001")).unwrap();
    start(&journal, 1).unwrap();
    journal.finished(1, &ok("1002")).unwrap();
    drop(journal);
    // The kill came in the middle of row 1's outcome.
    s.cut_last_line(20);
    let (journal, replay) = Journal::resume(&s.report, &s.print(), &pins()).unwrap();
    assert_eq!(replay.done.keys().collect::<Vec<_>>(), [&0]);
    assert_eq!(in_flight(&replay), [1]);

    // The resumed run finishes row 1 and is killed again: a second resume must see that.
    journal.finished(1, &ok("1002")).unwrap();
    start(&journal, 2).unwrap();
    drop(journal);
    let (_, replay) = Journal::resume(&s.report, &s.print(), &pins()).unwrap();
    let mut done: Vec<_> = replay.done.keys().copied().collect();
    done.sort_unstable();
    assert_eq!(done, [0, 1], "{}", s.text());
    assert_eq!(in_flight(&replay), [2]);
}

#[test]
fn resuming_compacts_instead_of_growing() {
    let s = setup();
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    for seq in 0..10 {
        start(&journal, seq).unwrap();
        journal.finished(seq, &ok("1001")).unwrap();
    }
    drop(journal);
    for _ in 0..3 {
        let (journal, replay) = Journal::resume(&s.report, &s.print(), &pins()).unwrap();
        assert_eq!(replay.done.len(), 10);
        journal.finished(3, &ok("1001")).unwrap();
    }
    assert_eq!(s.text().lines().count(), 1 + 10 + 1);
}

#[test]
fn a_journal_of_another_input_or_none_at_all_is_refused() {
    let s = setup();
    assert!(matches!(
        Journal::resume(&s.report, &s.print(), &pins()),
        Err(JournalError::Missing(path)) if path == s.report.with_extension("journal")
    ));
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    start(&journal, 0).unwrap();
    drop(journal);
    // The same size, other bytes.
    std::fs::write(&s.input, "number,username\n1001,Ana\n1002,Bo\n1003,Cz\n").unwrap();
    assert!(matches!(
        Journal::resume(&s.report, &s.print(), &pins()),
        Err(JournalError::OtherInput { .. })
    ));
}

#[test]
fn a_finished_run_removes_its_journal() {
    let s = setup();
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    journal.finished(0, &ok("1001")).unwrap();
    journal.remove();
    assert!(!journal_path(&s.report).exists());
}

#[test]
fn a_resume_with_other_settings_is_refused_naming_each_difference() {
    let s = setup();
    drop(Journal::create(&s.report, &s.print(), &pins()).unwrap());
    let mut other = pins();
    other[1].1 = "http://192.0.2.99:8088".into();
    other.push(("--mode".into(), "sync".into()));
    let e = Journal::resume(&s.report, &s.print(), &other)
        .err()
        .unwrap();
    let said = e.to_string();
    assert!(matches!(e, JournalError::OtherSettings { .. }), "{said}");
    assert!(
        said.contains("--url http://192.0.2.99:8088 (the journal's: http://192.0.2.10:8088)"),
        "{said}"
    );
    assert!(
        said.contains("--mode sync (the journal's: (not set))"),
        "{said}"
    );
}

#[test]
fn an_edited_line_is_not_believed_and_its_row_is_asked_about_on_the_pbx() {
    let s = setup();
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    journal.started(0, Some(2), "1001", Action::Add).unwrap();
    journal
        .finished(0, &ok("1001").with_error("10017", "refused"))
        .unwrap();
    journal.finished(1, &ok("1002")).unwrap();
    drop(journal);
    // Row 0's failure edited into a success; a line for row 2 made up whole.
    let text = s.text().replace(
        "\"status\":\"ok\",\"error_code\":\"10017\"",
        "\"status\":\"ok\",\"error_code\":\"\"",
    );
    let row_1 = text.lines().find(|l| l.contains("\"seq\":1,")).unwrap();
    let forged = row_1
        .replace("\"seq\":1,", "\"seq\":2,")
        .replace("1002", "1003");
    std::fs::write(journal_path(&s.report), format!("{text}{forged}\n")).unwrap();
    assert_ne!(text, s.text(), "the edit took");
    let (_, replay) = Journal::resume(&s.report, &s.print(), &pins()).unwrap();
    assert_eq!(replay.done.keys().collect::<Vec<_>>(), [&1]);
    assert_eq!(in_flight(&replay), [0, 2]);
    assert_eq!(replay.distrusted, 2);
    assert_eq!(
        replay.sent_as(2),
        None,
        "what a forged line claims is not taken"
    );
}

#[test]
fn a_journal_whose_first_line_is_not_sealed_is_refused_whole() {
    let s = setup();
    drop(Journal::create(&s.report, &s.print(), &pins()).unwrap());
    let text = s.text().replace("192.0.2.10", "192.0.2.99");
    std::fs::write(journal_path(&s.report), text).unwrap();
    let e = Journal::resume(&s.report, &s.print(), &pins())
        .err()
        .unwrap();
    assert!(matches!(e, JournalError::Untrusted { .. }), "{e}");
}

#[test]
fn deletes_are_kept_by_number_across_resumes() {
    let s = setup();
    let journal = Journal::create(&s.report, &s.print(), &pins()).unwrap();
    journal.started(7, None, "2001", Action::Delete).unwrap();
    journal.started(8, None, "2002", Action::Delete).unwrap();
    let deleted = RowResult::new(None, "2002", Action::Delete, Status::Ok);
    journal.finished(8, &deleted).unwrap();
    drop(journal);
    for _ in 0..2 {
        let (_, replay) = Journal::resume(&s.report, &s.print(), &pins()).unwrap();
        assert_eq!(
            replay.deletes_in_flight.iter().collect::<Vec<_>>(),
            ["2001"]
        );
        assert_eq!(replay.deletes_done.keys().collect::<Vec<_>>(), ["2002"]);
        assert!(replay.in_flight.is_empty() && replay.done.is_empty());
    }
}
