//! Verba Recording provisioning API v2: SOAP 1.1 at the service URL, token as the first child
//! of every operation, results as `<statusCode>` inside HTTP 200, faults as HTTP 500.
//!
//! `updateExtension` replaces the whole record (a missing `<user>` deletes the user link), so
//! the client reads, merges and writes (`Capabilities::merge_on_update`). v2 has no delete.

use serde_json::{Map, Value, json};

use super::soap::{self, as_fault};
use super::xml::Element;
use super::yeastar::unsupported;
use super::{ApiError, ErrorClass, HttpRequest, Op, Protocol, Reply};
use crate::domain::values::bool_canonical;
use crate::domain::{ApiKind, Code, Record};

/// The column that names an extension.
pub(crate) const KEY: &str = "extension";

pub(crate) const NS: &str = "http://v2.provisioning.ws.web.verba.com/";

/// Column name ↔ element name of the Extension type; `userid` is `<user><id>`.
pub(crate) const FIELDS: [(&str, &str); 8] = [
    ("extension", "extension"),
    ("eid", "eid"),
    ("environment", "environmentShortName"),
    ("recordingmode", "recordingMode"),
    ("im", "im"),
    ("voice", "voice"),
    ("video", "video"),
    ("screencapture", "screenCaptureEnabled"),
];
pub(crate) const BOOLEANS: [&str; 4] = ["im", "voice", "video", "screenCaptureEnabled"];

/// `--eid all`: every tenant the token may see (export only).
pub(crate) const ALL_TENANTS: &str = "all";
/// The tenant of every documented example; with `--eid all` the token is requested for it, as
/// the provider's own (inferred: docs/vendor/verba-api.md shows no other way to reach them all).
pub(crate) const PROVIDER_TENANT: &str = "0000";

pub(crate) struct Verba {
    /// The tenant the token is requested for, or `all`.
    pub(crate) eid: String,
}

impl Verba {
    fn operation(op: &Op<'_>) -> Option<&'static str> {
        Some(match op {
            Op::Login { .. } => "requestToken",
            Op::Logout => "releaseToken",
            // v2 has no heartbeat; a small read keeps the token in use.
            Op::Heartbeat => "listEnvironments",
            Op::List => "listExtensions",
            Op::Query(_) => "getExtension",
            Op::Add(_) => "createExtension",
            Op::Update(_) => "updateExtension",
            Op::Delete(_) => return None,
            Op::Apply => "applyExtensionConfiguration",
            Op::FindUser { .. } => "listUsers",
        })
    }

    fn all_tenants(&self) -> bool {
        self.eid == ALL_TENANTS
    }

    /// The tenant `eid`, or the session's; with `--eid all` and no `eid`, no filter: every
    /// tenant ("use eid or shortName, but not both; neither means list all",
    /// docs/vendor/verba-api.md §4.7).
    fn environment_filter(&self, eid: &str) -> Value {
        match (eid, self.all_tenants()) {
            ("", true) => json!({}),
            ("", false) => json!({ "eid": self.eid, "eidExact": "1" }),
            (eid, _) => json!({ "eid": eid, "eidExact": "1" }),
        }
    }
}

/// A record as the Extension element: unused optional tags left out, booleans as `1`/`0`.
pub(crate) fn to_wire(record: &Record) -> Map<String, Value> {
    let mut out = Map::new();
    for (column, element) in FIELDS {
        let Some(value) = record.get(column).filter(|v| !v.is_empty()) else {
            continue;
        };
        out.insert(
            element.to_string(),
            Value::String(canonical(element, value)),
        );
    }
    if let Some(id) = record.get("userid").filter(|v| !v.is_empty()) {
        out.insert("user".into(), json!({ "id": id }));
    }
    out
}

/// An Extension element as a record in column names, booleans as `1`/`0`.
pub(crate) fn from_wire(extension: &Element) -> Record {
    let mut record = Record::new();
    for child in &extension.children {
        if child.name == "user" {
            // Answers hold the whole User (docs/vendor/verba-api.md §4.3): its login name too.
            for (element, column) in [("id", "userid"), ("loginName", "userloginname")] {
                if let Some(value) = child.child(element).filter(|e| !e.text.is_empty()) {
                    record.insert(column.into(), value.text.clone());
                }
            }
            continue;
        }
        let Some((column, element)) = FIELDS.iter().find(|(_, e)| *e == child.name) else {
            continue;
        };
        record.insert(column.to_string(), canonical(element, &child.text));
    }
    record
}

/// A value in its one spelling: booleans as `1`/`0`, however the service or the row wrote them.
fn canonical(element: &str, value: &str) -> String {
    if BOOLEANS.contains(&element) {
        bool_canonical(value).to_string()
    } else {
        value.to_string()
    }
}

/// The `statusCode` and `message` of a `<return>`, which holds them directly (write calls) or
/// inside `<status>` (calls that also return data).
pub(crate) fn status(ret: &Element) -> (String, String) {
    let holder = ret.child("status").unwrap_or(ret);
    let text = |name| {
        holder
            .child(name)
            .map(|e| e.text.clone())
            .unwrap_or_default()
    };
    (text("statusCode"), text("message"))
}

impl Protocol for Verba {
    fn kind(&self) -> ApiKind {
        ApiKind::Verba
    }

    fn record_key(&self) -> &'static str {
        KEY
    }

    fn tenant(&self) -> &str {
        &self.eid
    }

    fn snapshot_key(&self, record: &Record) -> Option<String> {
        let extension = record.get(KEY)?;
        Some(if self.all_tenants() {
            format!(
                "{}/{extension}",
                record.get("eid").map_or("", String::as_str)
            )
        } else {
            extension.clone()
        })
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        let Some(operation) = Self::operation(op) else {
            return Err(unsupported(ApiKind::Verba, op));
        };
        let token = || {
            (
                "token",
                Value::String(token.unwrap_or_default().to_string()),
            )
        };
        let children: Vec<(&str, Value)> = match op {
            Op::Login { user, password } => vec![
                (
                    "eid",
                    json!(if self.all_tenants() {
                        PROVIDER_TENANT
                    } else {
                        &self.eid
                    }),
                ),
                ("loginName", json!(user)),
                ("password", json!(password.expose())),
            ],
            Op::Logout => vec![token()],
            Op::Heartbeat => vec![token(), ("filter", self.environment_filter(""))],
            Op::List => vec![
                token(),
                (
                    "filter",
                    json!({ "environmentFilter": self.environment_filter("") }),
                ),
            ],
            // ListUsers (v2): UserFilter's loginName/loginNameExact (docs/vendor/verba-api.md
            // §4.7); GetUserByLoginNameAndEnvironment exists but its parameters are not known.
            Op::FindUser { login, eid } => vec![
                token(),
                (
                    "filter",
                    json!({
                        "environmentFilter": self.environment_filter(eid),
                        "loginName": login,
                        "loginNameExact": "1",
                        "skipExtensions": "1",
                        "skipGroups": "1",
                        "skipRoles": "1",
                    }),
                ),
            ],
            Op::Query(numbers) => vec![
                token(),
                ("environmentFilter", self.environment_filter("")),
                (
                    "extension",
                    json!(numbers.first().cloned().unwrap_or_default()),
                ),
            ],
            Op::Add(record) => {
                let mut extension = to_wire(record);
                // A new extension needs its tenant; a row that names none gets the session's.
                if !extension.contains_key("eid")
                    && !extension.contains_key("environmentShortName")
                    && !self.all_tenants()
                {
                    extension.insert("eid".into(), json!(self.eid));
                }
                vec![token(), ("extension", Value::Object(extension))]
            }
            Op::Update(record) => vec![token(), ("extension", Value::Object(to_wire(record)))],
            // Refused above: v2 has no deleteExtension.
            Op::Delete(_) => Vec::new(),
            Op::Apply => vec![
                token(),
                ("returnSuccessfulStatuses", json!("1")),
                ("forceEvenIfNotRegistered", json!("0")),
            ],
        };
        Ok(HttpRequest {
            path: String::new(),
            content_type: "text/xml; charset=utf-8",
            headers: &[("soapaction", "\"\"")],
            body: soap::request(NS, operation, &children),
        })
    }

    fn decode(&self, op: &Op<'_>, status_code: u16, body: &[u8]) -> Result<Reply, ApiError> {
        let element = match soap::body(body) {
            Ok(element) => element,
            Err(_) if status_code != 200 => {
                return Err(ApiError::Http {
                    status: status_code,
                    retry_after: None,
                });
            }
            Err(e) => return Err(ApiError::BadResponse(format!("not a SOAP answer ({e})"))),
        };
        if let Some((code, message)) = as_fault(&element) {
            // A server-side fault may pass; a fault about the request itself will not.
            let class = if code.ends_with("Server") {
                ErrorClass::Transient
            } else {
                ErrorClass::Permanent
            };
            return Err(ApiError::Refused {
                code: Code::SoapFault.to_string(),
                meaning: format!("SOAP fault {code}: {message}"),
                class,
            });
        }
        let ret = element
            .child("return")
            .ok_or_else(|| ApiError::BadResponse("answer has no <return>".into()))?;
        let (code, message) = status(ret);
        if code.is_empty() {
            return Err(ApiError::BadResponse("the answer has no statusCode".into()));
        }
        if code != "OK" {
            let class = match (op, code.as_str()) {
                (Op::Login { .. }, _) => ErrorClass::LoginRefused,
                (_, "ERROR_UNAUTHORIZED") => ErrorClass::TokenExpired,
                _ => ErrorClass::Permanent,
            };
            let meaning = if message.is_empty() {
                "the service refused the request".to_string()
            } else {
                message
            };
            return Err(ApiError::Refused {
                code,
                meaning,
                class,
            });
        }
        match op {
            Op::Login { .. } => match ret.child("token").map(|t| t.text.clone()) {
                Some(token) if !token.is_empty() => Ok(Reply::Token(token)),
                _ => Err(ApiError::BadResponse(
                    "requestToken answer has no token".into(),
                )),
            },
            Op::List => Ok(Reply::Records(
                ret.children
                    .iter()
                    .filter(|c| c.name == "extensions")
                    .map(from_wire)
                    .collect(),
            )),
            // An OK answer without an <extension> is "no such extension": an empty list.
            Op::Query(_) => Ok(Reply::Records(
                ret.child("extension").map(from_wire).into_iter().collect(),
            )),
            Op::FindUser { .. } => Ok(Reply::Records(
                ret.children
                    .iter()
                    .filter(|c| c.name == "users")
                    .map(|user| {
                        let text =
                            |name| user.child(name).map(|e| e.text.clone()).unwrap_or_default();
                        Record::from([
                            ("userid".to_string(), text("id")),
                            ("userloginname".to_string(), text("loginName")),
                        ])
                    })
                    .collect(),
            )),
            _ => Ok(Reply::Done),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Secret;
    use crate::domain::record_of;
    use crate::pbx::xml::parse;

    /// The documented updateExtension transaction (docs/vendor/verba-update-extension-v2.txt), as written.
    const SEED_004: &str = include_str!("../../docs/vendor/verba-update-extension-v2.txt");
    const SEED_TOKEN: &str = "FipASZ3Y336Kvmv7W1BV7aXY7hDFeMxq";

    fn seed_part(start: &str, end: &str) -> &'static str {
        let from = SEED_004.find(start).unwrap();
        let to = SEED_004[from..].find(end).unwrap() + from + end.len();
        &SEED_004[from..to]
    }

    fn verba() -> Verba {
        Verba { eid: "0000".into() }
    }

    /// An element's children as `name=text` (`user.id=25` for nested ones), in order.
    fn leaves(e: &Element) -> Vec<String> {
        e.children
            .iter()
            .flat_map(|c| {
                if c.children.is_empty() {
                    vec![format!("{}={}", c.name, c.text.trim())]
                } else {
                    leaves(c)
                        .into_iter()
                        .map(|l| format!("{}.{l}", c.name))
                        .collect()
                }
            })
            .collect()
    }

    fn envelope(body: &str) -> String {
        format!(
            r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>{body}</S:Body></S:Envelope>"#
        )
    }

    fn refused(result: Result<Reply, ApiError>) -> (String, String, ErrorClass) {
        match result {
            Err(ApiError::Refused {
                code,
                meaning,
                class,
            }) => (code, meaning, class),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn seed_004s_update_is_the_request_the_seed_shows() {
        let row = record_of(&[
            ("extension", "verbatestuser2@verbalabs.com"),
            ("eid", "0000"),
            ("environment", ""),
            ("recordingmode", "CONTROLLED"),
            ("im", "1"),
            ("voice", "yes"),
            ("video", "TRUE"),
            ("screencapture", "1"),
            ("userid", "25"),
        ]);
        let request = verba().encode(&Op::Update(&row), Some(SEED_TOKEN)).unwrap();
        assert_eq!(request.path, "", "posted to the service URL itself");
        assert_eq!(request.content_type, "text/xml; charset=utf-8");
        assert_eq!(request.headers, [("soapaction", "\"\"")]);

        let ours = soap::body(&request.body).unwrap();
        let seed =
            soap::body(seed_part("<soapenv:Envelope", "</soapenv:Envelope>").as_bytes()).unwrap();
        assert_eq!(
            (ours.name.as_str(), ours.ns.as_deref()),
            ("updateExtension", Some(NS))
        );
        assert_eq!(
            (seed.name.as_str(), seed.ns.as_deref()),
            ("updateExtension", Some(NS))
        );
        // The token first, then the extension; within it the same elements and values (the
        // seed's comments and its blank environmentShortName left out).
        assert_eq!(ours.children[0].name, "token");
        let (mut ours, mut seed) = (leaves(&ours), leaves(&seed));
        assert_eq!(ours[0], seed[0]);
        ours.sort();
        seed.sort();
        assert_eq!(ours, seed);
    }

    #[test]
    fn seed_004s_answer_is_done() {
        let answer = seed_part("<S:Envelope", "</S:Envelope>");
        let row = record_of(&[("extension", "verbatestuser2@verbalabs.com")]);
        assert_eq!(
            verba()
                .decode(&Op::Update(&row), 200, answer.as_bytes())
                .unwrap(),
            Reply::Done
        );
    }

    #[test]
    fn request_token_sends_tenant_login_and_password_and_reads_the_nested_status() {
        let password = Secret::new("Pa55-word");
        let login = Op::Login {
            user: "api",
            password: &password,
        };
        let body = verba().encode(&login, None).unwrap().body;
        let op = soap::body(&body).unwrap();
        assert_eq!(op.name, "requestToken");
        assert_eq!(
            leaves(&op),
            ["eid=0000", "loginName=api", "password=Pa55-word"]
        );

        // docs/vendor/verba-api.md §2.1: the token next to a nested status.
        let ok = envelope(&format!(
            r#"<ns2:requestTokenResponse xmlns:ns2="{NS}"><return><status><statusCode>OK</statusCode></status><token>{SEED_TOKEN}</token></return></ns2:requestTokenResponse>"#
        ));
        assert_eq!(
            verba().decode(&login, 200, ok.as_bytes()).unwrap(),
            Reply::Token(SEED_TOKEN.into())
        );
        // A bad password is no fault: ERROR_GENERAL with the exception's name, and final.
        let bad = envelope(&format!(
            r#"<ns2:requestTokenResponse xmlns:ns2="{NS}"><return><status><message>com.verba.web.user.UserNotFoundException</message><statusCode>ERROR_GENERAL</statusCode></status></return></ns2:requestTokenResponse>"#
        ));
        assert_eq!(
            refused(verba().decode(&login, 200, bad.as_bytes())),
            (
                "ERROR_GENERAL".into(),
                "com.verba.web.user.UserNotFoundException".into(),
                ErrorClass::LoginRefused
            )
        );
    }

    #[test]
    fn an_expired_token_means_log_in_again() {
        // docs/vendor/verba-api.md §2.2: releaseToken's answer for an expired token.
        let expired = envelope(&format!(
            r#"<ns2:releaseTokenResponse xmlns:ns2="{NS}"><return><message>This token is expired or never got authenticated.</message><statusCode>ERROR_UNAUTHORIZED</statusCode></return></ns2:releaseTokenResponse>"#
        ));
        let (code, meaning, class) = refused(verba().decode(&Op::Logout, 200, expired.as_bytes()));
        assert_eq!(
            (code.as_str(), class),
            ("ERROR_UNAUTHORIZED", ErrorClass::TokenExpired)
        );
        assert_eq!(meaning, "This token is expired or never got authenticated.");
        let exists = envelope(&format!(
            r#"<ns2:createExtensionResponse xmlns:ns2="{NS}"><return><statusCode>ERROR_ALREADY_EXISTS</statusCode></return></ns2:createExtensionResponse>"#
        ));
        let row = record_of(&[("extension", "4001")]);
        let (code, meaning, class) =
            refused(verba().decode(&Op::Add(&row), 200, exists.as_bytes()));
        assert_eq!(
            (code.as_str(), class),
            ("ERROR_ALREADY_EXISTS", ErrorClass::Permanent)
        );
        assert_eq!(meaning, "the service refused the request");
    }

    #[test]
    fn get_extension_reads_the_documented_answer_into_columns() {
        // docs/vendor/verba-api.md §4.3: alphabetical elements, booleans as true/false, the internal id, and
        // the user as a whole User object.
        let answer = envelope(&format!(
            r#"<ns2:getExtensionResponse xmlns:ns2="{NS}"><return><extension><eid>0000</eid><environmentShortName>Ref.</environmentShortName><extension>verbatestuser2@verbalabs.com</extension><id>56</id><im>false</im><recordingMode>ON_DEMAND</recordingMode><screenCaptureEnabled>false</screenCaptureEnabled><user><agentId/><id>25</id><loginName>verbatestuser2</loginName></user><video>true</video><voice>true</voice></extension><status><statusCode>OK</statusCode></status></return></ns2:getExtensionResponse>"#
        ));
        let number = ["verbatestuser2@verbalabs.com".to_string()];
        let query = Op::Query(&number);
        let Reply::Records(records) = verba().decode(&query, 200, answer.as_bytes()).unwrap()
        else {
            panic!("records");
        };
        assert_eq!(
            records,
            [record_of(&[
                ("eid", "0000"),
                ("environment", "Ref."),
                ("extension", "verbatestuser2@verbalabs.com"),
                ("im", "0"),
                ("recordingmode", "ON_DEMAND"),
                ("screencapture", "0"),
                ("userid", "25"),
                // The answer's User carries the login name: a sheet may name the user by it.
                ("userloginname", "verbatestuser2"),
                ("video", "1"),
                ("voice", "1"),
            ])]
        );
        // An OK answer without an <extension> is no such extension, not an empty one.
        let empty = envelope(&format!(
            r#"<ns2:getExtensionResponse xmlns:ns2="{NS}"><return><status><statusCode>OK</statusCode></status></return></ns2:getExtensionResponse>"#
        ));
        assert_eq!(
            verba().decode(&query, 200, empty.as_bytes()).unwrap(),
            Reply::Records(Vec::new())
        );
        let request = soap::body(&verba().encode(&query, Some("T")).unwrap().body).unwrap();
        assert_eq!(
            leaves(&request),
            [
                "token=T",
                "environmentFilter.eid=0000",
                "environmentFilter.eidExact=1",
                "extension=verbatestuser2@verbalabs.com"
            ]
        );
    }

    #[test]
    fn a_listing_is_the_repeated_extensions_element() {
        let answer = envelope(&format!(
            r#"<ns2:listExtensionsResponse xmlns:ns2="{NS}"><return><extensions><extension>4001</extension><im>true</im></extensions><extensions><extension>4002</extension><user><id>7</id></user></extensions><status><statusCode>OK</statusCode></status></return></ns2:listExtensionsResponse>"#
        ));
        let Reply::Records(records) = verba().decode(&Op::List, 200, answer.as_bytes()).unwrap()
        else {
            panic!("records");
        };
        assert_eq!(
            records,
            [
                record_of(&[("extension", "4001"), ("im", "1")]),
                record_of(&[("extension", "4002"), ("userid", "7")])
            ]
        );
        let empty = envelope(&format!(
            r#"<ns2:listExtensionsResponse xmlns:ns2="{NS}"><return><status><statusCode>OK</statusCode></status></return></ns2:listExtensionsResponse>"#
        ));
        assert_eq!(
            verba().decode(&Op::List, 200, empty.as_bytes()).unwrap(),
            Reply::Records(vec![])
        );
    }

    #[test]
    fn faults_pass_when_the_server_failed_and_not_when_the_request_did() {
        let server = soap::fault("Server", "java.lang.NullPointerException");
        let (code, meaning, class) = refused(verba().decode(&Op::List, 500, &server));
        assert_eq!(
            (code.as_str(), class),
            ("SOAP_FAULT", ErrorClass::Transient)
        );
        assert!(
            meaning.contains("java.lang.NullPointerException"),
            "{meaning}"
        );
        let client = soap::fault("Client", "Unmarshalling Error");
        assert_eq!(
            refused(verba().decode(&Op::List, 500, &client)).2,
            ErrorClass::Permanent
        );
        // A proxy's error page is an HTTP error, not an unreadable answer.
        assert!(matches!(
            verba().decode(&Op::List, 502, b"<html>Bad Gateway</html>"),
            Err(ApiError::Http { status: 502, .. })
        ));
        assert!(matches!(
            verba().decode(&Op::List, 200, b"<html/>"),
            Err(ApiError::BadResponse(_))
        ));
    }

    #[test]
    fn records_go_out_with_unused_tags_left_out_and_booleans_as_1_or_0() {
        let wire = to_wire(&record_of(&[
            ("extension", "4001"),
            ("eid", ""),
            ("im", "No"),
            ("screencapture", "true"),
            ("userid", ""),
        ]));
        assert_eq!(
            Value::Object(wire),
            serde_json::json!({ "extension": "4001", "im": "0", "screenCaptureEnabled": "1" })
        );
        let back = from_wire(
            &parse(b"<e><extension>4001</extension><user><id></id></user><voice>FALSE</voice></e>")
                .unwrap(),
        );
        assert_eq!(back, record_of(&[("extension", "4001"), ("voice", "0")]));
    }
}
