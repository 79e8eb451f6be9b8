//! `--match FIELD` and `--assign-numbers FROM-TO`: rows keyed by people rather than by
//! number, checked against the API's table (import and validate share them).

use anyhow::bail;

use super::options::{Options, get};
use crate::domain::Mode;
use crate::vendors::Vendor;

/// How rows without a number find one.
#[derive(Debug, Default)]
pub(crate) struct Keyed {
    /// The table's column a row is matched by (a field the API reads back).
    pub(crate) match_field: Option<usize>,
    /// Ranges a row that matches nothing takes its number from.
    pub(crate) assign: Vec<(u64, u64)>,
}

impl Keyed {
    /// The flags as given, offline (validate keys rows as an import would on an empty PBX).
    pub(crate) fn given(o: &Options, api: &Vendor) -> anyhow::Result<Keyed> {
        Ok(Keyed {
            match_field: match_field(get(&o.match_field).map(String::as_str), api)?,
            assign: get(&o.assign_numbers).cloned().unwrap_or_default(),
        })
    }

    /// The flags of an import, which match rows to the PBX's extensions and hand out numbers
    /// there: only where the mode reads the PBX (and, for numbers, can add).
    pub(crate) fn of_import(o: &Options, api: &Vendor, mode: Mode) -> anyhow::Result<Keyed> {
        let keyed = Keyed::given(o, api)?;
        if keyed.match_field.is_some() && !mode.reads_the_pbx() {
            bail!(
                "--match goes with --mode upsert or sync: rows are matched to the PBX's extensions"
            );
        }
        if !keyed.assign.is_empty() && (!mode.reads_the_pbx() || !api.api.caps.add) {
            bail!(
                "--assign-numbers goes with --mode upsert or sync, on an API that can add extensions"
            );
        }
        Ok(keyed)
    }

    /// Whether a row may leave its number to the PBX (no key column needed).
    pub(crate) fn keyed(&self) -> bool {
        self.match_field.is_some() || !self.assign.is_empty()
    }
}

/// `--match FIELD`: a field the API reads back (no secret, not the number).
fn match_field(field: Option<&str>, api: &Vendor) -> anyhow::Result<Option<usize>> {
    let Some(field) = field else {
        return Ok(None);
    };
    let table = api.table;
    let index =
        (table.column_for(field)).filter(|&i| !table.fields[i].secret && i != table.key_index());
    let Some(index) = index else {
        bail!(
            "--match {field}: not a field {} reads back (e.g. email)",
            api.name()
        );
    };
    Ok(Some(index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Given, Origin};

    fn flags(field: Option<&str>, ranges: Vec<(u64, u64)>) -> Options {
        Options {
            match_field: field.map(|f| Given::new(f.to_string(), Origin::Flag)),
            assign_numbers: Some(Given::new(ranges, Origin::Flag)),
            ..Options::default()
        }
    }

    fn refusal(o: &Options, mode: Mode) -> String {
        let api = crate::vendors::by_name("yeastar-v2").unwrap();
        Keyed::of_import(o, api, mode).unwrap_err().to_string()
    }

    #[test]
    fn a_match_field_is_one_the_api_reads_back_in_any_case() {
        let api = crate::vendors::by_name("yeastar-v2").unwrap();
        let keyed = Keyed::of_import(&flags(Some("EMAIL"), vec![]), api, Mode::Sync).unwrap();
        assert_eq!(keyed.match_field, api.table.column_for("email"));
        assert!(keyed.keyed());
        for field in ["number", "registerpassword", "nosuchfield"] {
            let e = refusal(&flags(Some(field), vec![]), Mode::Sync);
            assert!(
                e.contains("not a field yeastar-v2 reads back"),
                "{field}: {e}"
            );
        }
    }

    #[test]
    fn keys_need_a_mode_that_reads_the_pbx() {
        let e = refusal(&flags(Some("email"), vec![]), Mode::Add);
        assert!(e.contains("--match goes with --mode upsert or sync"), "{e}");
        let e = refusal(&flags(None, vec![(3000, 3999)]), Mode::Update);
        assert!(e.contains("--assign-numbers goes with"), "{e}");
        // Offline (validate), the same flags key the rows as on an empty PBX.
        let api = crate::vendors::by_name("yeastar-v2").unwrap();
        let keyed = Keyed::given(&flags(None, vec![(3000, 3999)]), api).unwrap();
        assert_eq!(
            (keyed.match_field, keyed.assign),
            (None, vec![(3000, 3999)])
        );
    }
}
