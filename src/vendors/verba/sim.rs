//! The simulated Verba provisioning API v2: SOAP 1.1 at `/provisioning`, its WSDL at
//! `/provisioning?wsdl`.
//!
//! Documented behaviour (docs/vendor/verba-update-extension-v2.txt, docs/vendor/verba-api.md):
//! the operation element in the v2 namespace with unqualified children (qualified ones are
//! treated as missing, as JAXB does), status codes inside HTTP 200, `requestToken`'s three
//! mandatory children (no `eid`: `ERROR_ILLEGAL_ARGUMENT`), a bad password answered
//! `ERROR_GENERAL` with `UserNotFoundException`, an expired token `ERROR_UNAUTHORIZED`, a
//! duplicate create `ERROR_ALREADY_EXISTS`, `updateExtension` replacing the whole record (no
//! `<user>` deletes the user link), records per tenant, ListUsers by login name with
//! `ERROR_NOT_FOUND` when none matches, ListEnvironments.
//!
//! Inferred, each switchable with `--inferred` (see `sim_choices.rs`): booleans left out become
//! false; getExtension of a missing extension answers OK with no `<extension>` (no not-found
//! code is documented for it); an unknown user id or tenant is `ERROR_ILLEGAL_ARGUMENT`; an
//! update of a missing extension `ERROR_GENERAL`; tokens of tenant `0000` see every tenant, others
//! their own; an unknown operation or malformed XML is an `S:Client` fault with HTTP 500.

use std::any::Any;
use std::net::IpAddr;

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::codec::NS;
use super::sim_answer::{Answer, arg, ok_data, op_name, sub, text};
use super::sim_choices::PROVIDER_EID;
use super::sim_reads as reads;
use super::sim_records as records;
use super::soap;
use super::tenants::{self, tenants, tenants_mut};
use crate::domain::Record;
use crate::pbx::xml::Element;
use crate::rules::Table;
use crate::sim::{Request, Sim, SimSettings, Store, Wire};

const UNAUTHORIZED: &str = "This token is expired or never got authenticated.";

/// The simulated service.
pub(super) struct Service;

impl Wire for Service {
    fn handle(&self, sim: &Sim, r: &Request<'_>) -> Response {
        handle(sim, r.peer, r.method, r.uri, r.body)
    }

    fn prepare(&self, settings: &SimSettings) -> anyhow::Result<Box<dyn Any + Send>> {
        Ok(Box::new(tenants::prepare(settings)?))
    }

    fn banner(&self, sim: &Sim) -> Vec<String> {
        let ids = sim.with_state(|s| tenants(s).user_ids());
        vec![
            format!(
                "Verba provisioning service at http://{}/provisioning",
                sim.addr
            ),
            format!("users known: {ids}; {}", tenants::HOW_TO_DECLARE),
        ]
    }

    fn seed(&self, store: &mut Store, table: &Table, mut record: Record) -> Result<(), String> {
        let Some(number) = record.get(table.key).cloned() else {
            return Ok(());
        };
        let key = records::seed(store, &mut record, &number)?;
        store.extensions.insert(key, record);
        Ok(())
    }
}

fn handle(sim: &Sim, ip: IpAddr, method: &Method, uri: &Uri, body: &[u8]) -> Response {
    if uri.path() != "/provisioning" {
        return (
            StatusCode::NOT_FOUND,
            "no service here; the endpoint is /provisioning",
        )
            .into_response();
    }
    if method == Method::GET && uri.query() == Some("wsdl") {
        let address = format!("http://{}/provisioning", sim.addr);
        let wsdl =
            include_str!("verba.wsdl").replace("ADDRESS", &quick_xml::escape::escape(&address));
        return ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], wsdl).into_response();
    }
    if method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "POST a SOAP envelope").into_response();
    }
    let (op, answer) = match soap::body(body) {
        Err(e) => (
            String::new(),
            Answer::Fault(StatusCode::INTERNAL_SERVER_ERROR, "Client", e),
        ),
        Ok(element) if element.ns.as_deref() != Some(NS) => (
            String::new(),
            Answer::Fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Client",
                format!(
                    "Cannot find dispatch method for {{{}}}{}",
                    element.ns.unwrap_or_default(),
                    element.name
                ),
            ),
        ),
        Ok(element) => (element.name.clone(), call(sim, ip, &element)),
    };
    let (status, bytes) = match answer {
        Answer::Status(code, message) => (
            StatusCode::OK,
            soap::response(NS, &op, &[("return", status_of(&code, &message))]),
        ),
        Answer::Data(code, message, mut data) => {
            data.insert("status".into(), status_of(&code, &message));
            (
                StatusCode::OK,
                soap::response(NS, &op, &[("return", Value::Object(data))]),
            )
        }
        Answer::Fault(status, code, message) => (status, soap::fault(code, &message)),
    };
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        bytes,
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

fn status_of(code: &str, message: &str) -> Value {
    let mut status = Map::new();
    if !message.is_empty() {
        status.insert("message".into(), json!(message));
    }
    status.insert("statusCode".into(), json!(code));
    Value::Object(status)
}

fn call(sim: &Sim, ip: IpAddr, op: &Element) -> Answer {
    let data_call = matches!(
        op.name.as_str(),
        "getExtension"
            | "listExtensions"
            | "listEnvironments"
            | "listUsers"
            | "applyExtensionConfiguration"
            | "requestToken"
    );
    let refuse = |code: &str, message: &str| {
        if data_call {
            Answer::Data(code.into(), message.to_string(), Map::new())
        } else {
            Answer::Status(code.into(), message.to_string())
        }
    };
    if op.name == "requestToken" {
        return request_token(sim, ip, op);
    }
    let token = text(op, "token");
    if sim.check_token(Some(&token)).is_err() {
        return refuse("ERROR_UNAUTHORIZED", UNAUTHORIZED);
    }
    if sim.inject_fault() {
        sim.log(op_name(&op.name), "", "SOAP_FAULT");
        return Answer::Fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Server",
            "injected fault: the service failed".into(),
        );
    }
    let provider = sim.settings.inferred.get(PROVIDER_EID);
    let sees = |s: &Store, eid: &str| tenants(s).sees(&token, eid, provider);
    match op.name.as_str() {
        "releaseToken" => {
            sim.logout(&token);
            Answer::Status("OK".into(), String::new())
        }
        "listEnvironments" => reads::list_environments(sim, op, &sees),
        "listExtensions" => reads::list_extensions(sim, op, &sees, &refuse),
        "getExtension" => reads::get_extension(sim, op, &refuse),
        "listUsers" => list_users(sim, op, &token),
        "createExtension" | "updateExtension" => records::write(sim, op, &token),
        "applyExtensionConfiguration" => {
            sim.with_state(|s| s.stats.applies += 1);
            let statuses = json!({"location": "recorder-1", "statusCode": "OK"});
            ok_data("statuses", statuses)
        }
        other => Answer::Fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Client",
            format!("Cannot find dispatch method for {{{NS}}}{other}"),
        ),
    }
}

/// `eid`, `loginName` and `password` are all mandatory (docs/vendor/verba-api.md §2.1).
fn request_token(sim: &Sim, ip: IpAddr, op: &Element) -> Answer {
    let refuse =
        |message: String| Answer::Data("ERROR_ILLEGAL_ARGUMENT".into(), message, Map::new());
    let eid = text(op, "eid");
    for (name, value) in [("eid", &eid), ("loginName", &text(op, "loginName"))] {
        if value.is_empty() {
            return refuse(format!("{name} is mandatory"));
        }
    }
    if sim.with_state(|s| tenants(s).eid_of(&eid, "").is_none()) {
        return refuse(format!("no environment has the eid {eid}"));
    }
    // requestToken takes the password as it is (docs/vendor/verba-api.md §3).
    let password_ok = text(op, "password") == sim.settings.password.expose();
    match sim.login(ip, &text(op, "loginName"), password_ok) {
        Ok(token) => {
            sim.with_state(|s| tenants_mut(s).token_issued(&token, &eid));
            ok_data("token", json!(token))
        }
        Err(_) => Answer::Data(
            "ERROR_GENERAL".into(),
            "com.verba.web.user.UserNotFoundException".into(),
            Map::new(),
        ),
    }
}

/// ListUsers (v2) by `loginName` (exact with `loginNameExact`), within the filter's tenant.
fn list_users(sim: &Sim, op: &Element, token: &str) -> Answer {
    let filter = arg(op, "filter");
    let login = sub(filter, "loginName");
    let exact = matches!(sub(filter, "loginNameExact").as_str(), "1" | "true");
    let environment = filter.and_then(|f| arg(f, "environmentFilter"));
    let provider = sim.settings.inferred.get(PROVIDER_EID).to_string();
    sim.log("find user", &login, "");
    let users: Vec<Value> = sim.with_state(|s| {
        let own = tenants(s);
        let only = own
            .eid_of(&sub(environment, "eid"), &sub(environment, "shortName"))
            .map(str::to_string);
        own.users()
            .iter()
            .filter(|u| own.sees(token, &u.eid, &provider))
            .filter(|u| only.as_deref().is_none_or(|o| o == u.eid))
            .filter(|u| {
                login.is_empty()
                    || if exact {
                        u.login == login
                    } else {
                        u.login.contains(&login)
                    }
            })
            .map(|u| json!({"eid": u.eid, "id": u.id, "loginName": u.login}))
            .collect()
    });
    if users.is_empty() {
        return Answer::Data(
            "ERROR_NOT_FOUND".into(),
            format!("no user {login}"),
            Map::new(),
        );
    }
    ok_data("users", Value::Array(users))
}
