//! How the rows a run decides now differ from the planned ones, said as the refusal says it:
//! the first difference, by the row a person finds in the file.

use std::collections::HashSet;

use crate::output::plan_file::{PlanRow, PlanStatus};

/// The first way the rows decided now differ from the planned ones, if any. The file's rows
/// are matched by their place in the run; a prune's rows (which a resumed run works out
/// again, fewer) by what they are.
pub(super) fn difference(
    planned: &[PlanRow],
    now: &[PlanRow],
    started: &HashSet<u64>,
) -> Option<String> {
    let of_file = |r: &&PlanRow| r.row.is_some() && !started.contains(&r.seq);
    let mut planned_rows = planned.iter().filter(of_file).peekable();
    let mut now_rows = now.iter().filter(of_file).peekable();
    loop {
        let (p, n) = (planned_rows.peek(), now_rows.peek());
        match (p, n) {
            (None, None) => return prune_difference(planned, now, started),
            (Some(p), Some(n)) if p == n => {
                planned_rows.next();
                now_rows.next();
            }
            (Some(p), Some(n)) if p.seq == n.seq => return Some(otherwise(p, n)),
            (Some(p), _) if n.is_none_or(|n| p.seq < n.seq) => {
                return Some(unplanned_gone(p));
            }
            (_, Some(n)) => return Some(unplanned(n)),
            (Some(p), None) => return Some(unplanned_gone(p)),
        }
    }
}

/// The same for the rows a prune adds after the file's, matched by what they are.
fn prune_difference(
    planned: &[PlanRow],
    now: &[PlanRow],
    started: &HashSet<u64>,
) -> Option<String> {
    let without_seq = |r: &PlanRow| PlanRow {
        seq: 0,
        ..r.clone()
    };
    let rest = |rows: &[PlanRow]| -> Vec<PlanRow> {
        rows.iter()
            .filter(|r| r.row.is_none())
            .map(without_seq)
            .collect()
    };
    let (planned_rest, now_rest) = (rest(planned), rest(now));
    if let Some(n) = now_rest.iter().find(|n| !planned_rest.contains(n)) {
        return Some(unplanned(n));
    }
    let unstarted = planned
        .iter()
        .filter(|r| r.row.is_none() && !started.contains(&r.seq));
    unstarted
        .map(without_seq)
        .find(|p| !now_rest.contains(p))
        .map(|p| unplanned_gone(&p))
}

/// A row decided now otherwise than planned: how.
fn otherwise(planned: &PlanRow, now: &PlanRow) -> String {
    if what(planned) != what(now) {
        let (row, planned, now) = (name(planned), what(planned), what(now));
        return format!("{row} is planned to {planned}, but would now {now}");
    }
    let mut fields: Vec<&str> = (planned.changes.iter())
        .chain(&now.changes)
        .filter(|c| !planned.changes.contains(c) || !now.changes.contains(c))
        .map(|c| c.field.as_str())
        .collect();
    fields.sort_unstable();
    fields.dedup();
    match fields.is_empty() {
        true => format!(
            "{} would now be decided otherwise than planned",
            name(planned)
        ),
        false => format!(
            "{} would now {} otherwise than planned ({})",
            name(planned),
            what(planned),
            fields.join(", ")
        ),
    }
}

/// A row the plan does not have.
fn unplanned(row: &PlanRow) -> String {
    format!(
        "{} would now {}, which the plan does not have",
        name(row),
        what(row)
    )
}

/// A planned row the run would not come to now.
fn unplanned_gone(row: &PlanRow) -> String {
    format!(
        "{} is planned to {}, but would now be left as it is",
        name(row),
        what(row)
    )
}

/// What a row comes to, as a verb: `update`, `be refused as invalid`.
fn what(row: &PlanRow) -> String {
    match row.status {
        PlanStatus::Write => row.action.to_string(),
        PlanStatus::Invalid => "be refused as invalid".to_string(),
        PlanStatus::Skipped => "be skipped".to_string(),
    }
}

/// A plan row as a message names it: `row 5 (1005)`, or `extension 1099` for a prune's.
fn name(row: &PlanRow) -> String {
    match row.row {
        Some(n) => format!("row {n} ({})", row.number),
        None => format!("extension {}", row.number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Action;
    use crate::output::plan_file::Change;

    fn row(seq: u64, row: Option<u64>, action: Action, email: &str) -> PlanRow {
        PlanRow {
            seq,
            row,
            number: format!("{}", 1000 + seq),
            action,
            status: PlanStatus::Write,
            pbx: Some("absent".into()),
            changes: vec![Change {
                field: "email".into(),
                old: None,
                new: Some(email.into()),
                secret: None,
            }],
            message: String::new(),
        }
    }

    #[test]
    fn the_first_difference_is_named_by_its_row() {
        let none = HashSet::new();
        let planned = [row(1, Some(3), Action::Update, "a@x.org")];
        assert_eq!(difference(&planned, &planned, &none), None);
        assert_eq!(
            difference(&planned, &[], &none).unwrap(),
            "row 3 (1001) is planned to update, but would now be left as it is"
        );
        let extra = [planned[0].clone(), row(4, Some(6), Action::Add, "b@x.org")];
        assert_eq!(
            difference(&planned, &extra, &none).unwrap(),
            "row 6 (1004) would now add, which the plan does not have"
        );
        let other = [row(1, Some(3), Action::Update, "c@x.org")];
        assert_eq!(
            difference(&planned, &other, &none).unwrap(),
            "row 3 (1001) would now update otherwise than planned (email)"
        );
        let mut invalid = planned[0].clone();
        invalid.status = PlanStatus::Invalid;
        assert_eq!(
            difference(&planned, &[invalid], &none).unwrap(),
            "row 3 (1001) is planned to update, but would now be refused as invalid"
        );
        // A row the interrupted run started is not decided again.
        assert_eq!(difference(&planned, &[], &HashSet::from([1])), None);
    }

    #[test]
    fn a_prunes_rows_are_matched_by_what_they_are_not_their_place() {
        let none = HashSet::new();
        let planned = [
            row(5, None, Action::Delete, ""),
            row(6, None, Action::Delete, ""),
        ];
        // A resumed run numbers its remaining deletes otherwise.
        let mut now = planned[1].clone();
        now.seq = 0;
        assert_eq!(
            difference(&planned, &[now.clone()], &HashSet::from([5])),
            None
        );
        assert_eq!(
            difference(&planned, &[now], &none).unwrap(),
            "extension 1005 is planned to delete, but would now be left as it is"
        );
        let unplanned = row(7, None, Action::Delete, "");
        assert_eq!(
            difference(&planned, &[unplanned], &none).unwrap(),
            "extension 1007 would now delete, which the plan does not have"
        );
    }
}
