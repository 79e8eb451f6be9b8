//! The codec against the shapes docs/vendor/yeastar-p-api.md documents.

use super::*;
use crate::domain::{Secret, record_of};
use crate::pbx::{ErrorClass, Method};
use serde_json::{Value, json};

const TOKEN: &str = "n9lRd1ejSkrkc8AukPxYXTUt3wz5p7a2";

fn codec() -> YeastarP {
    YeastarP {
        welcome: false,
        ids: Ids::default(),
    }
}

fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[test]
fn get_token_sends_the_client_id_and_secret_plain_and_reads_both_tokens() {
    let secret = Secret::new("Client-Secret-1");
    let op = Op::Login {
        user: "client1",
        password: &secret,
    };
    let request = codec().encode(&op, None).unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.path, "/openapi/v1.0/get_token");
    assert_eq!(
        body(&request),
        json!({"username": "client1", "password": "Client-Secret-1"})
    );
    // The documented answer (get-token).
    let answer = br#"{"errcode":0,"errmsg":"SUCCESS","access_token_expire_time":1800,"access_token":"EXYuFpbhwrg4B3dWpVqKXr5Rs8mIUDYr","refresh_token_expire_time":86400,"refresh_token":"SCduGecwbH5jQjcZrUBTvHVj4gjeI8Iv"}"#;
    assert_eq!(
        codec().decode(&op, 200, answer).unwrap(),
        Reply::Session(SessionToken {
            token: "EXYuFpbhwrg4B3dWpVqKXr5Rs8mIUDYr".into(),
            refresh: Some("SCduGecwbH5jQjcZrUBTvHVj4gjeI8Iv".into()),
            lifetime: Some(std::time::Duration::from_secs(1800)),
        })
    );
}

#[test]
fn a_refused_login_is_final_and_names_the_field_and_a_blocked_address_says_where_to_lift_it() {
    let secret = Secret::new("x");
    let op = Op::Login {
        user: "c",
        password: &secret,
    };
    // The documented failure (resp).
    let refused = codec()
        .decode(
            &op,
            200,
            br#"{"errcode":-1,"errmsg":"FAILURE","invalid_param_list":[{"field":"username or password","value":"error"}]}"#,
        )
        .unwrap_err();
    assert_eq!(refused.class(), ErrorClass::LoginRefused);
    assert_eq!(refused.code(), "-1");
    assert!(
        refused
            .to_string()
            .contains("username or password is not accepted"),
        "{refused}"
    );
    let blocked = codec()
        .decode(
            &op,
            200,
            br#"{"errcode":70004,"errmsg":"ACCOUNT IP BLOCKED"}"#,
        )
        .unwrap_err();
    assert_eq!(blocked.class(), ErrorClass::LoginRefused);
    assert!(blocked.to_string().contains("Blocked IPs"), "{blocked}");
}

#[test]
fn the_token_goes_only_in_the_query_string_and_reads_are_gets() {
    let p = codec();
    let page = p
        .encode(&Op::ListPage { page: 2, size: 100 }, Some(TOKEN))
        .unwrap();
    assert_eq!(page.method, Method::Get);
    assert_eq!(
        page.path,
        format!(
            "/openapi/v1.0/extension/list?page=2&page_size=100&sort_by=number&order_by=asc&access_token={TOKEN}"
        )
    );
    assert!(page.body.is_empty() && page.headers.is_empty());
    let logout = p.encode(&Op::Logout, Some(TOKEN)).unwrap();
    assert_eq!(
        logout.path,
        format!("/openapi/v1.0/del_token?access_token={TOKEN}")
    );
    let refresh = p.encode(&Op::Refresh { token: "R1" }, None).unwrap();
    assert_eq!(refresh.path, "/openapi/v1.0/refresh_token");
    assert_eq!(body(&refresh), json!({"refresh_token": "R1"}));
}

/// The documented list answer's shape (list: Ext_Basicinfo).
const LIST: &[u8] = br#"{"errcode":0,"errmsg":"SUCCESS","total_number":2,"data":[{"id":24,"online_status":{"sip_phone":{"status":0,"ext_dev_type":""}},"presence_status":"available","number":"1009","caller_id_name":"Leo Ball","role_name":"","email_addr":"leo@example.com","mobile_number":""},{"id":25,"presence_status":"away","number":"1010","caller_id_name":"Ann","role_name":"","email_addr":"","mobile_number":""}]}"#;

#[test]
fn a_page_of_the_listing_gives_its_numbers_the_total_and_each_id() {
    let p = codec();
    let op = Op::ListPage { page: 1, size: 100 };
    assert_eq!(
        p.decode(&op, 200, LIST).unwrap(),
        Reply::Page {
            numbers: vec!["1009".into(), "1010".into()],
            total: 2
        }
    );
    let numbers = ["1010".to_string(), "1009".to_string(), "1011".to_string()];
    let query = p.encode(&Op::Query(&numbers), Some(TOKEN)).unwrap();
    assert!(
        query
            .path
            .starts_with("/openapi/v1.0/extension/query?ids=25,24&"),
        "{}",
        query.path
    );
}

#[test]
fn an_update_names_the_extension_by_its_id_and_never_sends_the_number() {
    let p = codec();
    p.decode(&Op::ListPage { page: 1, size: 100 }, 200, LIST)
        .unwrap();
    let record = record_of(&[
        ("number", "1009"),
        ("concurrent_registrations", "2"),
        ("first_name", "Leo"),
    ]);
    let request = p.encode(&Op::Update(&record), Some(TOKEN)).unwrap();
    assert_eq!(
        request.path,
        format!("/openapi/v1.0/extension/update?access_token={TOKEN}")
    );
    assert_eq!(
        body(&request),
        json!({"id": 24, "concurrent_registrations": 2, "first_name": "Leo"})
    );
    let delete = p
        .encode(&Op::Delete(&["1010".to_string()]), Some(TOKEN))
        .unwrap();
    assert_eq!(delete.method, Method::Get);
    assert_eq!(
        delete.path,
        format!("/openapi/v1.0/extension/delete?id=25&access_token={TOKEN}")
    );
    // A number no answer named has no id: the write hook searches first.
    let unknown = record_of(&[("number", "2000")]);
    assert_eq!(
        p.encode(&Op::Update(&unknown), Some(TOKEN))
            .err()
            .unwrap()
            .code(),
        "NOT_FOUND"
    );
}

#[test]
fn a_create_gets_the_documented_defaults_and_typed_values() {
    let record = record_of(&[
        ("number", "1020"),
        ("reg_name", "1020"),
        ("role_id", "0"),
        ("organization_list", "3,7"),
    ]);
    let request = codec().encode(&Op::Add(&record), Some(TOKEN)).unwrap();
    assert_eq!(
        body(&request),
        json!({
            "number": "1020", "reg_name": "1020", "role_id": 0,
            "organization_list": [{"value": "3"}, {"value": "7"}],
            "type": "SIP", "concurrent_registrations": 1, "presence_status": "available"
        })
    );
}

#[test]
fn refusals_name_each_field_and_the_duplicate_and_its_owner() {
    let p = codec();
    let record = record_of(&[("number", "1009")]);
    let op = Op::Add(&record);
    // The documented duplicate answer (resp).
    let duplicate = p
        .decode(
            &op,
            200,
            br#"{"errcode":40003,"errmsg":"DUPLICATE KEY VALUE","submsg":"Extension create fail for duplicate fields","duplicate_field_list":[{"field":"email_addr","value":"leo@example.com","external_source":"extension","external_source_name":"1009"}]}"#,
        )
        .unwrap_err();
    assert_eq!(duplicate.code(), "40003");
    assert_eq!(
        duplicate.to_string(),
        "a value that must be unique is already used: email_addr \"leo@example.com\" is already used by extension 1009 (40003)"
    );
    assert!(
        !p.may_already_exist(&duplicate),
        "an e-mail clash is not the number's"
    );
    let invalid = p
        .decode(
            &op,
            200,
            br#"{"errcode":40002,"errmsg":"PARAMETER ERROR","invalid_param_list":[{"field":"reg_password","validation_type":"required"},{"field":"mobile_number","value":"1 2"}]}"#,
        )
        .unwrap_err();
    assert_eq!(invalid.class(), ErrorClass::Permanent);
    assert!(
        invalid
            .to_string()
            .contains("reg_password is required; mobile_number \"1 2\" is not accepted"),
        "{invalid}"
    );
    let expired = p
        .decode(
            &Op::Query(&[]),
            200,
            br#"{"errcode":10004,"errmsg":"TOKEN EXPIRED"}"#,
        )
        .unwrap_err();
    assert_eq!(expired.class(), ErrorClass::TokenExpired);
    let missing = p
        .decode(
            &Op::Query(&[]),
            200,
            br#"{"errcode":60001,"errmsg":"DATA NOT FOUND"}"#,
        )
        .unwrap_err();
    assert_eq!(missing.to_string(), "no such extension (60001)");
}

#[test]
fn query_answers_become_records_with_their_ids_learnt() {
    let p = codec();
    let answer = br#"{"errcode":0,"errmsg":"SUCCESS","data":[{"id":31,"type":"SIP","number":"1031","first_name":"Zo\u00eb","last_name":"","email_addr":"z@example.com","concurrent_registrations":2,"organization_list":[{"value":"5"}]}]}"#;
    let Reply::Records(records) = p.decode(&Op::Query(&[]), 200, answer).unwrap() else {
        panic!("records")
    };
    assert_eq!(records[0]["concurrent_registrations"], "2");
    assert_eq!(records[0]["organization_list"], "5");
    assert_eq!(p.ids.get("1031"), Some(31));
}
