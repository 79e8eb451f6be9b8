//! The simulated Verba service's tenants (environments) and users, which extensions belong to
//! and point at: a record is keyed by its tenant and its extension string, so two tenants may
//! hold the same extension (docs/vendor/verba-api.md §4.1: an extension is named by eid or
//! environmentShortName plus the extension string).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;

use crate::sim::{SimSettings, Store};

/// The tenant of every documented example (docs/vendor/verba-api.md §4.3: `0000`, `Ref.`).
pub(crate) const DEFAULT_TENANT: (&str, &str) = ("0000", "Ref.");

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) login: String,
    pub(crate) eid: String,
}

#[derive(Debug, Default)]
pub(crate) struct Tenants {
    /// (eid, short name), in the order they became known.
    tenants: Vec<(String, String)>,
    users: Vec<User>,
    /// The tenant each token was requested for.
    token_eids: HashMap<String, String>,
}

/// The simulator's tenants and users, which this API's `Wire` keeps in the store.
pub(crate) fn tenants(store: &Store) -> &Tenants {
    store
        .own
        .downcast_ref()
        .expect("the Verba simulator keeps its tenants in the store")
}

pub(crate) fn tenants_mut(store: &mut Store) -> &mut Tenants {
    store
        .own
        .downcast_mut()
        .expect("the Verba simulator keeps its tenants in the store")
}

/// The tenants and users a simulator starts with: `0000`, `--tenant`s, `--users`.
pub(crate) fn prepare(settings: &SimSettings) -> anyhow::Result<Tenants> {
    let mut known = Tenants::default();
    let (eid, name) = DEFAULT_TENANT;
    known.add_tenant(eid, name);
    // The user of the documented updateExtension example, so the documents' own request is
    // answered as documented (docs/vendor/verba-update-extension-v2.txt: `<user><id>25`).
    known.add_user(DOCUMENTED_USER, "", eid);
    for (eid, name) in &settings.tenants {
        known.add_tenant(eid, name);
    }
    if let Some(users) = &settings.knobs.users {
        known.load_users(users)?;
    }
    Ok(known)
}

/// The user id the documents' example names.
pub(crate) const DOCUMENTED_USER: &str = "25";

/// How to declare users, for the banner and a refusal.
pub(crate) const HOW_TO_DECLARE: &str =
    "declare users with --users FILE (columns id,loginname,eid) or with a --seed's userid cells";

/// Where a store key puts the tenant and the extension.
pub(crate) fn key(eid: &str, extension: &str) -> String {
    format!("{eid}/{extension}")
}

impl Tenants {
    pub(crate) fn add_tenant(&mut self, eid: &str, short_name: &str) {
        if self.eid_of(eid, "").is_none() {
            self.tenants.push((eid.to_string(), short_name.to_string()));
        }
    }

    /// The eid named by `eid`, or else by the short name `short`; `None` for no tenant.
    pub(crate) fn eid_of(&self, eid: &str, short: &str) -> Option<&str> {
        self.tenants
            .iter()
            .find(|(e, s)| if eid.is_empty() { s == short } else { e == eid })
            .map(|(e, _)| e.as_str())
    }

    pub(crate) fn short_name(&self, eid: &str) -> &str {
        self.tenants
            .iter()
            .find(|(e, _)| e == eid)
            .map_or("", |(_, s)| s.as_str())
    }

    pub(crate) fn all(&self) -> &[(String, String)] {
        &self.tenants
    }

    /// The ids of the users known, for messages.
    pub(crate) fn user_ids(&self) -> String {
        let ids: Vec<&str> = self.users.iter().map(|u| u.id.as_str()).collect();
        ids.join(", ")
    }

    pub(crate) fn add_user(&mut self, id: &str, login: &str, eid: &str) {
        if self.user(id).is_none() {
            let login = if login.is_empty() {
                format!("user{id}")
            } else {
                login.to_string()
            };
            self.users.push(User {
                id: id.to_string(),
                login,
                eid: eid.to_string(),
            });
        }
    }

    pub(crate) fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub(crate) fn users(&self) -> &[User] {
        &self.users
    }

    /// Reads `id,loginname,eid` rows (`--users`).
    pub(crate) fn load_users(&mut self, path: &Path) -> anyhow::Result<()> {
        let mut reader = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for row in reader.records() {
            let row = row.with_context(|| format!("cannot read {}", path.display()))?;
            let cell = |i: usize| row.get(i).unwrap_or("").trim();
            let eid = if cell(2).is_empty() {
                DEFAULT_TENANT.0
            } else {
                cell(2)
            };
            self.add_tenant(eid, eid);
            self.add_user(cell(0), cell(1), eid);
        }
        Ok(())
    }

    pub(crate) fn token_issued(&mut self, token: &str, eid: &str) {
        self.token_eids.insert(token.to_string(), eid.to_string());
    }

    /// Whether a token may see `eid`: the provider tenant's tokens see every tenant, another
    /// tenant's only its own (inferred, `--inferred verba-provider-eid`).
    pub(crate) fn sees(&self, token: &str, eid: &str, provider: &str) -> bool {
        self.token_eids
            .get(token)
            .is_some_and(|own| own == provider || own == eid)
    }
}
