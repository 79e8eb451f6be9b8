//! Unit tests of `pbx/verba.rs` (kept beside it, in their own file, so the code reads in one screen).
use super::*;
use crate::domain::Secret;
use crate::domain::record_of;
use crate::pbx::xml::parse;

/// The documented updateExtension transaction (docs/vendor/verba-update-extension-v2.txt), as written.
const SEED_004: &str = include_str!("../../../../docs/vendor/verba-update-extension-v2.txt");
const SEED_TOKEN: &str = "FipASZ3Y336Kvmv7W1BV7aXY7hDFeMxq";

fn seed_part(start: &str, end: &str) -> &'static str {
    let from = SEED_004.find(start).unwrap();
    let to = SEED_004[from..].find(end).unwrap() + from + end.len();
    &SEED_004[from..to]
}

fn verba() -> Verba {
    Verba {
        eid: "0000".into(),
        users: Default::default(),
    }
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
        SessionToken::plain(SEED_TOKEN.into())
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
    let (code, meaning, class) = refused(verba().decode(&Op::Add(&row), 200, exists.as_bytes()));
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
    let Reply::Records(records) = verba().decode(&query, 200, answer.as_bytes()).unwrap() else {
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
    let Reply::Records(records) = verba().decode(&Op::List, 200, answer.as_bytes()).unwrap() else {
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
