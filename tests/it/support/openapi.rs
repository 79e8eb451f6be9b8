//! The P-Series OpenAPI spoken by hand over plain HTTP (std only), with the User-Agent it
//! requires, so the tests check the simulator's wire, not our client.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use super::{PASSWORD, Sim, USER};

/// One HTTP/1.0 exchange; `agent: false` sends no User-Agent. Returns status and body.
pub(crate) fn raw(addr: &str, method: &str, path: &str, body: &str, agent: bool) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let ua = if agent {
        "User-Agent: pbxbulk-tests\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\n{ua}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// A JSON answer of the OpenAPI (HTTP 200 with an errcode).
pub(crate) fn call(addr: &str, method: &str, path: &str, body: &str) -> Value {
    let (status, text) = raw(addr, method, path, body, true);
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
}

/// A logged-in session of the tests' own.
pub(crate) struct OpenApi<'a> {
    sim: &'a Sim,
    pub(crate) token: String,
}

impl<'a> OpenApi<'a> {
    pub(crate) fn login(sim: &'a Sim) -> OpenApi<'a> {
        let body = json!({ "username": USER, "password": PASSWORD }).to_string();
        let answer = call(sim.addr(), "POST", "/openapi/v1.0/get_token", &body);
        let token = answer["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"));
        OpenApi {
            sim,
            token: token.to_string(),
        }
    }

    /// GET `endpoint?query&access_token=…`.
    pub(crate) fn get(&self, endpoint: &str, query: &str) -> Value {
        let sep = if query.is_empty() { "" } else { "&" };
        let path = format!(
            "/openapi/v1.0/{endpoint}?{query}{sep}access_token={}",
            self.token
        );
        call(self.sim.addr(), "GET", &path, "")
    }

    /// POST `endpoint?access_token=…` with a JSON body.
    pub(crate) fn post(&self, endpoint: &str, body: &Value) -> Value {
        let path = format!("/openapi/v1.0/{endpoint}?access_token={}", self.token);
        call(self.sim.addr(), "POST", &path, &body.to_string())
    }

    /// Every extension's full record (get/query), through the listing's ids.
    pub(crate) fn extensions(&self) -> Vec<Value> {
        let list = self.get("extension/list", "page=1&page_size=1000");
        assert_eq!(list["errcode"], 0, "{list}");
        let ids: Vec<String> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].to_string())
            .collect();
        if ids.is_empty() {
            return Vec::new();
        }
        let answer = self.get("extension/query", &format!("ids={}", ids.join(",")));
        answer["data"].as_array().unwrap().clone()
    }

    /// Number → id.
    pub(crate) fn ids(&self) -> BTreeMap<String, u64> {
        self.extensions()
            .iter()
            .map(|e| {
                (
                    e["number"].as_str().unwrap().to_string(),
                    e["id"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// A password as getpassword hands it out (decoded from Base64).
    pub(crate) fn password(&self, id: u64, kind: &str) -> String {
        use base64::Engine as _;
        let answer = self.get("extension/getpassword", &format!("id={id}&type={kind}"));
        let text = answer["password"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"));
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap(),
        )
        .unwrap()
    }
}
