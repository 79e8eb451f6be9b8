//! What one API's simulator supplies to the shared one: its answers, its own state, and the
//! choices it makes where its documents are silent. Each API's registry entry names one.

use std::any::Any;
use std::net::IpAddr;

use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::{Sim, SimSettings, Store};
use crate::domain::{Api, Record};
use crate::rules::Table;

/// One API as the simulator sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimApi {
    pub(crate) api: &'static Api,
    pub(crate) table: &'static Table,
    /// Makes the API's answers, once per simulator.
    pub(crate) wire: fn() -> Box<dyn Wire>,
}

/// One request to the simulated API.
pub(crate) struct Request<'a> {
    pub(crate) peer: IpAddr,
    pub(crate) method: &'a Method,
    pub(crate) uri: &'a Uri,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// One API's simulated wire format.
pub(crate) trait Wire: Send + Sync {
    /// Answers one request to the API (the `/_sim/` endpoints are the shared simulator's).
    fn handle(&self, sim: &Sim, request: &Request<'_>) -> Response;

    /// The API's own state in the store (tenants, users), before the seed is loaded.
    fn prepare(&self, _settings: &SimSettings) -> anyhow::Result<Box<dyn Any + Send>> {
        Ok(Box::new(()))
    }

    /// Files one extension of the seed; by default under its number.
    fn seed(&self, store: &mut Store, table: &Table, record: Record) -> Result<(), String> {
        if let Some(number) = record.get(table.key).cloned() {
            store.extensions.insert(number, record);
        }
        Ok(())
    }

    /// Whether a request logs in: a lost login answer would only cost a second login, so
    /// the fault knobs leave logins alone and go to the work.
    fn is_login(&self, uri: &Uri) -> bool {
        uri.path().ends_with("/login")
    }

    /// What the start-up banner says about reaching this API (its endpoint, its users).
    fn banner(&self, _sim: &Sim) -> Vec<String> {
        Vec::new()
    }
}
