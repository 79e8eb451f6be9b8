//! Unit tests of `run/schedule.rs` (kept beside it, in their own file, so the code reads in one screen).
use super::*;
use crate::domain::Record;

fn order(adding: &[&str]) -> Order {
    order_for("yeastar-v2", adding)
}

fn order_for(api: &'static str, adding: &[&str]) -> Order {
    Order {
        table: crate::vendors::table(api),
        adding: adding.iter().map(ToString::to_string).collect(),
        added: HashMap::new(),
        held: HashMap::new(),
        held_numbers: HashSet::new(),
        arrived: 0,
    }
}

/// Row `seq` doing `action` on `number`, forwarding (no answer) to `target` if given.
fn row(seq: u64, number: &str, action: Action, target: Option<&str>) -> PipelineItem {
    let mut record = Record::from([("number".to_string(), number.to_string())]);
    if let Some(target) = target {
        record.insert("noanswerforward".into(), "on".into());
        record.insert("ntransferto".into(), "Extension".into());
        record.insert("ntransferext".into(), target.into());
    }
    PipelineItem {
        seq,
        offset: 0,
        raw: None,
        step: Step::Send(Queued::new(
            RowWrite {
                row: Some(seq + 2),
                number: number.into(),
                action,
                record,
                changed: String::new(),
                note: String::new(),
                secrets: Vec::new(),
            },
            false,
        )),
    }
}

fn write(work: &PipelineItem) -> &Queued {
    match &work.step {
        Step::Send(write) => write,
        Step::Decided(_) | Step::Replayed(_) => panic!("row {} is not sent", work.seq),
    }
}

fn seqs(works: &[PipelineItem]) -> Vec<u64> {
    works.iter().map(|w| w.seq).collect()
}

#[test]
fn a_row_forwarding_to_an_earlier_add_goes_at_once_but_waits_for_that_add() {
    let mut order = order(&["2000"]);
    let add = order.arrive(row(0, "2000", Action::Add, None));
    assert_eq!(seqs(&add), [0]);
    let done = write(&add[0])
        .done
        .as_ref()
        .expect("later rows may wait for this add");
    let forward = order.arrive(row(1, "2001", Action::Add, Some("2000")));
    assert_eq!(seqs(&forward), [1]);
    let after = &write(&forward[0]).after;
    assert_eq!(after.len(), 1);
    assert!(!*after[0].borrow());
    done.send(true).unwrap();
    assert!(*after[0].borrow(), "the wait ends when the add finishes");
}

#[test]
fn a_row_forwarding_to_a_later_add_is_held_back_until_that_add_goes_out() {
    let mut order = order(&["2000", "2001", "2002"]);
    assert!(
        order
            .arrive(row(0, "2001", Action::Add, Some("2000")))
            .is_empty()
    );
    assert!(
        order
            .arrive(row(1, "2002", Action::Update, Some("2000")))
            .is_empty()
    );
    // An unrelated row is not held up by them.
    assert_eq!(
        seqs(&order.arrive(row(2, "2003", Action::Update, None))),
        [2]
    );
    let released = order.arrive(row(3, "2000", Action::Add, None));
    assert_eq!(
        seqs(&released),
        [3, 0, 1],
        "the add first, then the rows held for it"
    );
    assert!(write(&released[0]).after.is_empty());
    for held in &released[1..] {
        assert_eq!(
            write(held).after.len(),
            1,
            "row {} waits for the add",
            held.seq
        );
    }
    assert!(order.rest().is_empty());
}

#[test]
fn a_chain_of_forwards_is_released_in_dependency_order() {
    // 3000 → 3001 → 3002, in a file that lists them in that order and adds all three.
    let mut order = order(&["3000", "3001", "3002"]);
    assert!(
        order
            .arrive(row(0, "3000", Action::Add, Some("3001")))
            .is_empty()
    );
    assert!(
        order
            .arrive(row(1, "3001", Action::Add, Some("3002")))
            .is_empty()
    );
    let released = order.arrive(row(2, "3002", Action::Add, None));
    assert_eq!(seqs(&released), [2, 1, 0]);
    assert_eq!(write(&released[1]).after.len(), 1);
    assert_eq!(write(&released[2]).after.len(), 1);
}

#[test]
fn two_new_extensions_forwarding_to_each_other_do_not_wait_forever() {
    let mut order = order(&["4001", "4002"]);
    assert!(
        order
            .arrive(row(0, "4001", Action::Add, Some("4002")))
            .is_empty()
    );
    // 4002's target is held back already: 4002 goes, then 4001 after it.
    let released = order.arrive(row(1, "4002", Action::Add, Some("4001")));
    assert_eq!(seqs(&released), [1, 0]);
    assert!(
        write(&released[0]).after.is_empty(),
        "the first of the two waits for nothing"
    );
    assert_eq!(write(&released[1]).after.len(), 1);
}

#[test]
fn rows_held_for_an_add_that_never_comes_go_at_the_end_in_file_order() {
    // 5000 was to be added, but its row turned out invalid and never arrives as a send.
    let mut order = order(&["5000", "5001", "5002"]);
    assert!(
        order
            .arrive(row(0, "5002", Action::Add, Some("5000")))
            .is_empty()
    );
    assert!(
        order
            .arrive(row(1, "5001", Action::Add, Some("5000")))
            .is_empty()
    );
    let rest = order.rest();
    assert_eq!(seqs(&rest), [0, 1]);
    assert!(rest.iter().all(|w| write(w).after.is_empty()));
    assert!(order.rest().is_empty());
}

#[test]
fn forwards_to_itself_or_to_an_existing_extension_are_not_held() {
    let mut order = order(&["6000"]);
    assert_eq!(
        seqs(&order.arrive(row(0, "6000", Action::Add, Some("6000")))),
        [0]
    );
    assert_eq!(
        seqs(&order.arrive(row(1, "6001", Action::Update, Some("1234")))),
        [1]
    );
    let done = PipelineItem {
        seq: 2,
        offset: 0,
        raw: None,
        step: Step::Decided(RowResult::new(Some(4), "x", Action::Add, Status::Invalid)),
    };
    assert_eq!(seqs(&order.arrive(done)), [2]);
}

#[test]
fn without_forward_fields_an_add_needs_no_one_to_wait_for_it() {
    let mut verba = order_for("verba", &["ana@example.com"]);
    let work = verba.arrive(row(0, "ana@example.com", Action::Add, None));
    assert!(write(&work[0]).done.is_none());
    // Only adds are waited for.
    let mut order = order(&[]);
    let work = order.arrive(row(0, "7000", Action::Update, None));
    assert!(write(&work[0]).done.is_none());
}
