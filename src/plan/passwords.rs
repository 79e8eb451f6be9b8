//! `--generate-passwords`: credentials for the new extensions of a run that leaves them blank.
//!
//! A row that adds an extension gets a SIP user name (its number) and random secrets for the
//! API's credential fields it leaves blank (its SIP and user passwords, its voicemail PIN:
//! the fields its table maps to those terms). Each value is drawn from the operating system's
//! CSPRNG (`getrandom`), uniformly from the printable characters the rule table allows, long
//! enough for the strong policy, and then put through the table's own check: the policy is
//! the table's, never restated here.

use crate::domain::{Secret, Term};
use crate::rules::{Cells, CheckContext, Kind, Table, check_cells};

/// The credentials filled where the API has a field for them.
const SECRETS: [Term; 3] = [Term::SipSecret, Term::LoginSecret, Term::VoicemailPin];
/// Length of a generated password, unless the API asks for more (or allows less).
const PASSWORD_LEN: usize = 20;
/// Digits of a generated voicemail PIN (typed on a phone's keypad).
const PIN_LEN: usize = 8;
/// Draws before giving up on passing the check (a draw fails it with a chance of about 1 in
/// 20: all 20 characters without a digit, say); the check then reports the row as usual.
const TRIES: usize = 64;

/// What was made for one row: values by field position; the secrets among them.
#[derive(Debug, Default)]
pub(crate) struct Generated {
    pub(crate) values: Vec<(usize, String)>,
}

impl Generated {
    /// The row's cells with the generated values filled in.
    pub(crate) fn fill<'a>(&'a self, cells: &Cells<'a>) -> Cells<'a> {
        let mut filled = cells.clone();
        for (i, value) in &self.values {
            filled.values[*i] = value;
        }
        filled
    }

    /// The generated secrets, for the credentials file.
    pub(crate) fn secrets(&self, table: &Table) -> Vec<(&'static str, Secret)> {
        self.values
            .iter()
            .filter(|(i, _)| table.fields[*i].secret)
            .map(|(i, v)| (table.fields[*i].name, Secret::new(v.clone())))
            .collect()
    }
}

/// Values for the blank credential fields of a row that adds an extension.
pub(crate) fn generate(table: &'static Table, cells: &Cells<'_>, ctx: CheckContext) -> Generated {
    let blank = |term: Term| {
        let name = table.field_for(term)?;
        table.index(name).filter(|&i| cells.values[i].is_empty())
    };
    let name: Vec<(usize, String)> = blank(Term::SipUser)
        .map(|i| (i, cells.values[table.key_index()].to_string()))
        .into_iter()
        .collect();
    let secrets: Vec<usize> = SECRETS.iter().filter_map(|&term| blank(term)).collect();
    let mut generated = Generated::default();
    for _ in 0..TRIES {
        generated.values.clone_from(&name);
        for &i in &secrets {
            if let Some(value) = random_value(table.fields[i].kind) {
                generated.values.push((i, value));
            }
        }
        let problems = check_cells(table, &generated.fill(cells), None, ctx);
        let ours = |field: &str| secrets.iter().any(|&i| table.fields[i].name == field);
        if !problems.iter().any(|p| ours(p.field)) {
            break;
        }
    }
    generated
}

/// A random value that fits the field's kind, for the kinds secrets have.
fn random_value(kind: Kind) -> Option<String> {
    match kind {
        Kind::Password(rule) => {
            let alphabet: Vec<u8> = (b'!'..=b'~')
                .filter(|&b| rule.chars.allows(char::from(b)))
                .collect();
            let min = rule.strong_min.unwrap_or(rule.weak_min);
            Some(pick(&alphabet, PASSWORD_LEN.max(min).min(rule.max)))
        }
        Kind::Digits { max } => Some(pick(b"0123456789", PIN_LEN.min(max))),
        _ => None,
    }
}

/// `len` characters drawn uniformly from `alphabet`: bytes at or above the largest multiple
/// of its size are thrown away, so no character is favoured.
fn pick(alphabet: &[u8], len: usize) -> String {
    assert!(
        (1..=256).contains(&alphabet.len()),
        "an alphabet of 1 to 256 characters"
    );
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        // Failing to read the OS's generator is not something a run can go on without.
        getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
        for &b in buf.iter().filter(|&&b| usize::from(b) < limit) {
            if out.len() == len {
                break;
            }
            out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(table: &'static Table, pairs: &[(&str, &'static str)]) -> Cells<'static> {
        let mut cells = Cells::blank(table);
        for (name, value) in pairs {
            cells.values[table.index(name).unwrap()] = value;
        }
        cells
    }

    #[test]
    fn new_extensions_get_credentials_that_pass_the_tables_own_strong_check() {
        let ctx = CheckContext {
            adding: true,
            weak_passwords: false,
            exact_spelling: false,
        };
        for api in ["yeastar-v2", "yeastar-v1", "openvox"] {
            let table = crate::vendors::table(api);
            let cells = row(table, &[(table.key, "1001"), ("username", "Ann Lee")]);
            for _ in 0..50 {
                let generated = generate(table, &cells, ctx);
                let filled = generated.fill(&cells);
                let problems = check_cells(table, &filled, None, ctx);
                assert!(
                    problems
                        .iter()
                        .all(|p| !p.field.contains("password") && p.field != "vmsecret"),
                    "{problems:?}"
                );
                let names: Vec<_> = generated.secrets(table).iter().map(|(n, _)| *n).collect();
                assert_eq!(
                    names.len(),
                    SECRETS
                        .iter()
                        .filter(|s| table.field_for(**s).is_some())
                        .count(),
                    "{api}"
                );
            }
            // The SIP user name is the number, where the API has one (OpenVox documents none).
            if let Some(i) = table.field_for(Term::SipUser).and_then(|f| table.index(f)) {
                assert_eq!(generate(table, &cells, ctx).fill(&cells).values[i], "1001");
            }
        }
    }

    #[test]
    fn filled_cells_are_kept_and_every_draw_differs() {
        let table = crate::vendors::table("yeastar-v2");
        let ctx = CheckContext {
            adding: true,
            weak_passwords: false,
            exact_spelling: false,
        };
        let cells = row(
            table,
            &[
                ("number", "1001"),
                ("registername", "sip1001"),
                ("vmsecret", "4821"),
            ],
        );
        let a = generate(table, &cells, ctx);
        let names: Vec<_> = a
            .values
            .iter()
            .map(|(i, _)| table.fields[*i].name)
            .collect();
        assert_eq!(names, ["registerpassword", "loginpassword"]);
        let b = generate(table, &cells, ctx);
        assert_ne!(a.values, b.values);
    }

    #[test]
    fn draws_are_uniform_over_the_alphabet() {
        let mut seen = [0u32; 10];
        for b in pick(b"0123456789", 10_000).bytes() {
            seen[usize::from(b - b'0')] += 1;
        }
        // 1,000 expected each; 800 is more than six standard deviations away.
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
    }
}
