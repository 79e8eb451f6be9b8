use super::*;

fn records(list: Vec<Kept>) -> Vec<Map<String, Value>> {
    list.into_iter()
        .map(|k| match k {
            Kept::Record(r) => r,
            Kept::Number(n) => panic!("a number {n}"),
        })
        .collect()
}

fn asked(numbers: &[&str]) -> Vec<String> {
    numbers.iter().map(ToString::to_string).collect()
}

#[test]
fn json_and_xml_say_the_same() {
    let asked = asked(&["1001", "1002"]);
    let want = Want::Records {
        key: "number",
        asked: &asked,
    };
    let json = br#"{"status":"Success","extinfos":[{"number":"1001","username":"A & B"},{"number":"9999"},{"x":"no number"},{"number":"1002","nested":{"a":1}}]}"#;
    let xml = br#"<?xml version="1.0"?><xml><status>Success</status><extinfos><item id="0"><number>1001</number><username>A &amp; B</username></item><item id="1"><number>9999</number></item><item><x>no number</x></item><item><number>1002</number></item></extinfos></xml>"#;
    for answer in [from_json(json, want).unwrap(), from_xml(xml, want).unwrap()] {
        assert_eq!(answer.status, "Success");
        let list = records(answer.list.unwrap());
        let numbers: Vec<&str> = list.iter().map(|i| i["number"].as_str().unwrap()).collect();
        assert_eq!(
            numbers,
            ["1001", "9999", "1002"],
            "a few unasked kept to be named"
        );
        assert_eq!(answer.unasked, 1);
        assert_eq!(list[0]["username"], "A & B");
        assert!(list[2].get("nested").is_none());
    }
}

#[test]
fn only_the_first_few_records_nobody_asked_for_are_kept() {
    let asked = asked(&["1001"]);
    let want = Want::Records {
        key: "number",
        asked: &asked,
    };
    let items: Vec<String> = (0..1000)
        .map(|n| format!(r#"{{"number":"{n}"}}"#))
        .collect();
    let json = format!(r#"{{"status":"Success","extinfos":[{}]}}"#, items.join(","));
    let answer = from_json(json.as_bytes(), want).unwrap();
    assert_eq!(answer.unasked, 1000);
    assert_eq!(answer.list.unwrap().len(), UNASKED_KEPT);
}

#[test]
fn listings_keep_only_the_number_and_an_empty_list_is_a_list() {
    let want = Want::Numbers {
        keys: ["extnumber", "number"],
    };
    let xml = br#"<xml><status>Success</status><extlist><item><extnumber>1001</extnumber><name>x</name></item><item/></extlist></xml>"#;
    let answer = from_xml(xml, want).unwrap();
    let list = answer.list.unwrap();
    assert_eq!(list.len(), 1, "an item without a number is no number");
    assert!(matches!(&list[0], Kept::Number(n) if n == "1001"));
    let empty = from_xml(b"<xml><status>Success</status><extlist/></xml>", want).unwrap();
    assert_eq!(empty.list.unwrap().len(), 0);
    let json = from_json(br#"{"status":"Success","extlist":""}"#, want).unwrap();
    assert_eq!(json.list.unwrap().len(), 0);
    let none = from_json(br#"{"status":"Success"}"#, want).unwrap();
    assert!(none.list.is_none());
}

#[test]
fn errors_and_tokens_are_read_and_broken_documents_refused() {
    let failed = from_json(br#"{"status":"Failed","errno":10017}"#, Want::Nothing).unwrap();
    assert_eq!(
        (failed.status.as_str(), failed.errno.as_str()),
        ("Failed", "10017")
    );
    let login = from_xml(
        b"<xml><status>Success</status><token>t&lt;1</token></xml>",
        Want::Nothing,
    );
    assert_eq!(login.unwrap().token.as_deref(), Some("t<1"));
    assert!(from_xml(b"<xml><status>Success</status>", Want::Nothing).is_err());
    assert!(from_json(b"{\"status\":", Want::Nothing).is_err());
    let deep = format!("<xml>{}{}</xml>", "<a>".repeat(100), "</a>".repeat(100));
    let e = from_xml(deep.as_bytes(), Want::Nothing).unwrap_err();
    assert!(e.contains("nested deeper"), "{e}");
}
