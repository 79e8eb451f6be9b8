//! Unit tests of `pbx/yeastar.rs` (kept beside it, in their own file, so the code reads in one screen).
use serde_json::json;

use super::*;
use crate::domain::Secret;
use crate::domain::record_of;
use crate::pbx::ErrorClass;

const TOKEN: &str = "813b621cfe8eecf445a2ce1f4a079ffe";

fn json_body(request: &HttpRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

const V2_JSON: Yeastar = Yeastar {
    dialect: &V2,
    xml: false,
};
const V1_JSON: Yeastar = Yeastar {
    dialect: &V1,
    xml: false,
};
const OPENVOX_JSON: Yeastar = Yeastar {
    dialect: &OPENVOX,
    xml: false,
};
const OPENVOX_XML: Yeastar = Yeastar {
    dialect: &OPENVOX,
    xml: true,
};

#[test]
fn the_documented_md5_test_vector() {
    // docs/vendor/yeastar-api.md §3.2: the example hash is MD5("123456"), lower-case hex.
    assert_eq!(md5_hex("123456"), "e10adc3949ba59abbe56e057f20f883e");
}

#[test]
fn a_login_sends_the_password_as_its_md5_and_v1_adds_the_event_port() {
    let password = Secret::new("123456");
    let login = Op::Login {
        user: "api",
        password: &password,
    };
    let v2 = V2_JSON.encode(&login, None).unwrap();
    assert_eq!(v2.path, "/api/v2.0.0/login");
    assert_eq!(
        json_body(&v2),
        json!({ "username": "api", "password": "e10adc3949ba59abbe56e057f20f883e" })
    );
    let v1 = V1_JSON.encode(&login, None).unwrap();
    assert_eq!(v1.path, "/api/v1.1.0/login");
    assert_eq!(json_body(&v1)["port"], "8260");
    assert!(!String::from_utf8_lossy(&v1.body).contains("123456\""));
    // v1's documented success answer.
    let answer = br#"{"status":"Success","token":"48a7d7481a5355aa4fb5dc285edeb40e"}"#;
    assert_eq!(
        V1_JSON.decode(&login, 200, answer).unwrap(),
        SessionToken::plain("48a7d7481a5355aa4fb5dc285edeb40e".into())
    );
    assert!(matches!(
        V2_JSON.decode(&login, 200, br#"{"status":"Success","token":""}"#),
        Err(ApiError::BadResponse(_))
    ));
}

#[test]
fn seed_000s_openvox_update_in_json_and_in_xml() {
    let update = record_of(&[("extid", "101"), ("username", "Tony")]);
    let json_request = OPENVOX_JSON
        .encode(&Op::Update(&update), Some(TOKEN))
        .unwrap();
    assert_eq!(
        json_request.path,
        format!("/api/v0.0.1/extension/update?token={TOKEN}&type=json")
    );
    assert_eq!(json_request.content_type, "application/json; charset=utf-8");
    assert_eq!(
        json_body(&json_request),
        json!({ "extid": "101", "username": "Tony" })
    );

    let update = record_of(&[("extid", "101"), ("username", "xiaoshao")]);
    let xml_request = OPENVOX_XML
        .encode(&Op::Update(&update), Some(TOKEN))
        .unwrap();
    assert_eq!(
        xml_request.path,
        format!("/api/v0.0.1/extension/update?token={TOKEN}&type=xml")
    );
    assert_eq!(
        String::from_utf8(xml_request.body).unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><extid>101</extid><username>xiaoshao</username></xml>"
    );
    // The seed's answers, both ways.
    let op = Op::Update(&update);
    assert_eq!(
        OPENVOX_JSON
            .decode(&op, 200, b"{\n\"status\": \"Success\"\n}")
            .unwrap(),
        Reply::Done
    );
    let xml_answer =
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<xml>\n<status>Success</status>\n</xml>";
    assert_eq!(
        OPENVOX_XML.decode(&op, 200, xml_answer).unwrap(),
        Reply::Done
    );
}

#[test]
fn seed_001s_openvox_add_keys_the_number_as_number() {
    let add = record_of(&[
        ("number", "2002"),
        ("username", "xiaoshao_api2"),
        ("maxregistrations", "3"),
    ]);
    let request = OPENVOX_JSON.encode(&Op::Add(&add), Some(TOKEN)).unwrap();
    assert_eq!(
        request.path,
        format!("/api/v0.0.1/extension/add?token={TOKEN}&type=json")
    );
    assert_eq!(
        json_body(&request),
        json!({ "number": "2002", "username": "xiaoshao_api2", "maxregistrations": "3" })
    );
    // Its update is keyed by extid.
    let request = OPENVOX_JSON.encode(&Op::Update(&add), Some(TOKEN)).unwrap();
    assert_eq!(json_body(&request)["extid"], "2002");
    assert!(json_body(&request).get("number").is_none());
}

#[test]
fn seed_002_and_003s_v1_update_keys_extid() {
    let update = record_of(&[("extid", "1002"), ("username", "Amy")]);
    let request = V1_JSON
        .encode(
            &Op::Update(&update),
            Some("7d20390952e15eb72b0a1df7172de65c"),
        )
        .unwrap();
    assert_eq!(
        request.path,
        "/api/v1.1.0/extension/update?token=7d20390952e15eb72b0a1df7172de65c"
    );
    assert_eq!(
        json_body(&request),
        json!({ "extid": "1002", "username": "Amy" })
    );
}

#[test]
fn v2_queries_and_deletes_name_numbers_never_all() {
    let numbers = ["1000".to_string(), "1001".to_string()];
    let query = V2_JSON.encode(&Op::Query(&numbers), Some(TOKEN)).unwrap();
    assert_eq!(
        query.path,
        format!("/api/v2.0.0/extension/query?token={TOKEN}")
    );
    assert_eq!(json_body(&query), json!({ "number": "1000,1001" }));
    let delete = V2_JSON.encode(&Op::Delete(&numbers), Some(TOKEN)).unwrap();
    assert_eq!(json_body(&delete), json!({ "number": "1000,1001" }));
    for op in [Op::List, Op::Logout, Op::Heartbeat] {
        assert!(
            V2_JSON.encode(&op, Some(TOKEN)).unwrap().body.is_empty(),
            "{op:?}: no body"
        );
    }
}

#[test]
fn a_delete_of_all_or_of_anything_but_numbers_is_never_encoded() {
    for bad in ["all", "", "1001,1002", "1001 "] {
        let numbers = ["1000".to_string(), bad.to_string()];
        match V2_JSON.encode(&Op::Delete(&numbers), Some(TOKEN)) {
            Err(ApiError::NotSupported(why)) => assert!(why.contains("refusing"), "{why}"),
            other => panic!("{bad:?}: {:?}", other.map(|r| r.body)),
        }
    }
}

#[test]
fn an_operation_the_api_lacks_is_an_error_not_a_request() {
    let row = record_of(&[("extid", "1001")]);
    assert!(matches!(
        V1_JSON.encode(&Op::Add(&row), Some(TOKEN)),
        Err(ApiError::NotSupported(_))
    ));
    let numbers = ["1001".to_string()];
    assert!(matches!(
        OPENVOX_JSON.encode(&Op::Delete(&numbers), Some(TOKEN)),
        Err(ApiError::NotSupported(_))
    ));
    assert_eq!(
        V1_JSON.encode(&Op::Apply, Some(TOKEN)).unwrap().path,
        format!("/api/v1.1.0/apply?token={TOKEN}")
    );
}

#[test]
fn openvox_query_answers_are_read_in_their_documented_spellings() {
    // docs/vendor/openvox-extension-query.md: the table says loginpassword, the example
    // userpassword; a filled spelling wins over a blank one, whichever comes first.
    let openvox = Yeastar::new(&OPENVOX, false);
    let numbers = ["1000".to_string()];
    for answer in [
        br#"{"status":"Success","extinfos":[{"extnumber":"1000","loginpassword":"","userpassword":"Login-1000x","moblie":"138"}]}"#.as_slice(),
        br#"{"status":"Success","extinfos":[{"extnumber":"1000","userpassword":"Login-1000x","loginpassword":"","moblie":"138"}]}"#.as_slice(),
    ] {
        let Ok(Reply::Records(records)) = openvox.decode(&Op::Query(&numbers), 200, answer)
        else {
            panic!("a query answer");
        };
        assert_eq!(
            records,
            [record_of(&[
                ("number", "1000"),
                ("loginpassword", "Login-1000x"),
                ("mobile", "138")
            ])]
        );
    }
}

#[test]
fn listings_and_queries_read_back_in_the_tools_column_names() {
    // docs/vendor/yeastar-api.md §4.1: v1 lists by extnumber, answers with moblie and a
    // hashed password.
    let list = br#"{"status":"Success","extlist":[{"extnumber":"1000","status":"Registered","type":"SIP","username":"Jayson","agentid":""},{"extnumber":"1001"}]}"#;
    assert_eq!(
        V1_JSON.decode(&Op::List, 200, list).unwrap(),
        Reply::Numbers(vec!["1000".into(), "1001".into()])
    );
    let numbers = ["1000".to_string()];
    let query = br#"{"status":"Success","extinfos":[{"extnumber":"1000","username":"Jayson","moblie":"15550001","maxregistrations":1,"inbound":{"inboundid":"1"}}]}"#;
    let Ok(Reply::Records(records)) = V1_JSON.decode(&Op::Query(&numbers), 200, query) else {
        panic!("a query answer");
    };
    assert_eq!(
        records,
        [record_of(&[
            ("extid", "1000"),
            ("username", "Jayson"),
            ("mobile", "15550001"),
            ("maxregistrations", "1")
        ])],
        "key renamed, moblie read as mobile, numbers as text, call objects left out"
    );
    let v2_list = br#"{"status":"Success","extlist":[{"number":"1022","status":"Idle"}]}"#;
    assert_eq!(
        V2_JSON.decode(&Op::List, 200, v2_list).unwrap(),
        Reply::Numbers(vec!["1022".into()])
    );
    // An XML answer writes an empty list as an empty element.
    let empty = b"<xml><status>Success</status><extinfos></extinfos></xml>";
    assert_eq!(
        OPENVOX_XML
            .decode(&Op::Query(&numbers), 200, empty)
            .unwrap(),
        Reply::Records(vec![])
    );
    assert!(matches!(
        V2_JSON.decode(&Op::Query(&numbers), 200, br#"{"status":"Success"}"#),
        Err(ApiError::BadResponse(m)) if m.contains("extinfos")
    ));
}

#[test]
fn refusals_carry_the_errno_its_meaning_and_what_to_do_about_it() {
    let refused = |body: &[u8]| match V2_JSON.decode(&Op::List, 200, body) {
        Err(ApiError::Refused {
            code,
            meaning,
            class,
        }) => (code, meaning, class),
        other => panic!("{other:?}"),
    };
    let (code, meaning, class) = refused(br#"{"status":"Failed","errno":"10006"}"#);
    assert_eq!((code.as_str(), class), ("10006", ErrorClass::Permanent));
    assert_eq!(meaning, "the extension does not exist");
    for (errno, expected) in [
        ("20004", ErrorClass::TokenExpired),
        ("20005", ErrorClass::TokenExpired),
        ("20006", ErrorClass::TokenExpired),
        ("20002", ErrorClass::LoginRefused),
        ("20003", ErrorClass::LoginRefused),
        ("10025", ErrorClass::SlowDown),
        ("20010", ErrorClass::Transient),
        ("30001", ErrorClass::Transient),
        ("30003", ErrorClass::Transient),
        ("10017", ErrorClass::Permanent),
        ("99999", ErrorClass::Permanent),
    ] {
        let body = format!(r#"{{"status":"Failed","errno":"{errno}"}}"#);
        assert_eq!(refused(body.as_bytes()).2, expected, "{errno}");
    }
    // An errno written as a number is the same code; a missing status is a failure.
    assert_eq!(refused(br#"{"status":"Failed","errno":10004}"#).0, "10004");
    assert_eq!(refused(br#"{"errno":"10004"}"#).0, "10004");
    assert!(matches!(
        V2_JSON.decode(&Op::List, 503, b""),
        Err(ApiError::Http { status: 503, .. })
    ));
    assert!(matches!(
        V2_JSON.decode(&Op::List, 200, b"<html>"),
        Err(ApiError::BadResponse(_))
    ));
}
