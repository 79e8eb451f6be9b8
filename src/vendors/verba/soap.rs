//! SOAP 1.1 envelopes as Verba's JAX-WS service writes and reads them (docs/vendor/verba-update-extension-v2.txt): the
//! operation element in the service's namespace, its children unqualified, faults as
//! `S:Fault` with `faultcode` and `faultstring`. Built and read with quick-xml.

use std::io::Cursor;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use serde_json::Value;

use crate::pbx::xml::{Element, parse, write_text};

pub(crate) const ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// A request: `soapenv:Envelope`, an empty header, and `v2:{op}` holding `children` in order.
pub(crate) fn request(ns: &str, op: &str, children: &[(&str, Value)]) -> Vec<u8> {
    envelope("soapenv", "v2", ns, op, children, true)
}

/// An answer the way the Metro stack writes it: `S:Envelope` and `ns2:{op}Response`.
pub(crate) fn response(ns: &str, op: &str, children: &[(&str, Value)]) -> Vec<u8> {
    envelope("S", "ns2", ns, &format!("{op}Response"), children, false)
}

/// A SOAP 1.1 fault (sent with HTTP 500).
pub(crate) fn fault(code: &str, message: &str) -> Vec<u8> {
    let children = [
        ("faultcode", Value::String(format!("S:{code}"))),
        ("faultstring", Value::String(message.to_string())),
    ];
    let mut writer = Writer::new(Cursor::new(Vec::new()));
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = writer.write_event(Event::Start(
        BytesStart::new("S:Envelope").with_attributes([("xmlns:S", ENVELOPE_NS)]),
    ));
    let _ = writer.write_event(Event::Start(BytesStart::new("S:Body")));
    let _ = writer.write_event(Event::Start(BytesStart::new("S:Fault")));
    for (name, value) in &children {
        write_value(&mut writer, name, value);
    }
    let _ = writer.write_event(Event::End(BytesEnd::new("S:Fault")));
    let _ = writer.write_event(Event::End(BytesEnd::new("S:Body")));
    let _ = writer.write_event(Event::End(BytesEnd::new("S:Envelope")));
    writer.into_inner().into_inner()
}

fn envelope(
    env: &str,
    prefix: &str,
    ns: &str,
    op: &str,
    children: &[(&str, Value)],
    header: bool,
) -> Vec<u8> {
    let mut writer = Writer::new(Cursor::new(Vec::new()));
    let root = format!("{env}:Envelope");
    let env_attr = format!("xmlns:{env}");
    let op_name = format!("{prefix}:{op}");
    let op_attr = format!("xmlns:{prefix}");
    // Writing to memory cannot fail.
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut start =
        BytesStart::new(root.as_str()).with_attributes([(env_attr.as_str(), ENVELOPE_NS)]);
    if header {
        start = start.with_attributes([(op_attr.as_str(), ns)]);
    }
    let _ = writer.write_event(Event::Start(start));
    if header {
        let _ = writer.write_event(Event::Empty(BytesStart::new(format!("{env}:Header"))));
    }
    let _ = writer.write_event(Event::Start(BytesStart::new(format!("{env}:Body"))));
    let mut op_start = BytesStart::new(op_name.as_str());
    if !header {
        op_start = op_start.with_attributes([(op_attr.as_str(), ns)]);
    }
    let _ = writer.write_event(Event::Start(op_start));
    for (name, value) in children {
        write_value(&mut writer, name, value);
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(op_name.as_str())));
    let _ = writer.write_event(Event::End(BytesEnd::new(format!("{env}:Body"))));
    let _ = writer.write_event(Event::End(BytesEnd::new(root.as_str())));
    writer.into_inner().into_inner()
}

/// Writes `value` as the element `name`: objects as children, arrays as the element repeated
/// (how JAXB writes a list), anything else as text.
fn write_value(writer: &mut Writer<Cursor<Vec<u8>>>, name: &str, value: &Value) {
    match value {
        Value::Array(items) => items
            .iter()
            .for_each(|item| write_value(writer, name, item)),
        Value::Object(map) => {
            let _ = writer.write_event(Event::Start(BytesStart::new(name)));
            for (child, value) in map {
                write_value(writer, child, value);
            }
            let _ = writer.write_event(Event::End(BytesEnd::new(name)));
        }
        other => write_text(writer, name, other),
    }
}

/// The element inside `Envelope/Body`: the operation (or its response, or a `Fault`).
pub(crate) fn body(bytes: &[u8]) -> Result<Element, String> {
    let root = parse(bytes)?;
    let in_envelope = |e: &Element| e.ns.as_deref() == Some(ENVELOPE_NS);
    if root.name != "Envelope" || !in_envelope(&root) {
        return Err("not a SOAP 1.1 envelope".into());
    }
    let body = root
        .children
        .iter()
        .find(|c| c.name == "Body" && in_envelope(c))
        .ok_or("the envelope has no Body")?;
    body.children
        .first()
        .cloned()
        .ok_or_else(|| "the Body is empty".into())
}

/// `(faultcode, faultstring)` when the body element is a SOAP fault.
pub(crate) fn as_fault(element: &Element) -> Option<(String, String)> {
    if element.name != "Fault" || element.ns.as_deref() != Some(ENVELOPE_NS) {
        return None;
    }
    let text = |name| {
        element
            .child(name)
            .map(|e| e.text.clone())
            .unwrap_or_default()
    };
    Some((text("faultcode"), text("faultstring")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The documented updateExtension answer (docs/vendor/verba-update-extension-v2.txt), as written.
    fn seed_004_response() -> &'static str {
        let seed = include_str!("../../../docs/vendor/verba-update-extension-v2.txt");
        let start = seed.find("<S:Envelope").unwrap();
        let end = seed.find("</S:Envelope>").unwrap() + "</S:Envelope>".len();
        &seed[start..end]
    }

    const NS: &str = "http://v2.provisioning.ws.web.verba.com/";

    #[test]
    fn the_body_of_seed_004s_answer_is_the_response_element() {
        let element = body(seed_004_response().as_bytes()).unwrap();
        assert_eq!(element.name, "updateExtensionResponse");
        assert_eq!(element.ns.as_deref(), Some(NS));
        let ret = element.child("return").unwrap();
        assert_eq!(ret.child("statusCode").unwrap().text, "OK");
        assert_eq!(as_fault(&element), None);
    }

    #[test]
    fn a_request_is_the_operation_in_the_service_namespace_with_unqualified_children() {
        let bytes = request(
            NS,
            "getExtension",
            &[
                ("token", json!("T0k")),
                (
                    "environmentFilter",
                    json!({ "eid": "0000", "eidExact": "1" }),
                ),
            ],
        );
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("<soapenv:Header/>"), "{text}");
        let op = body(&bytes).unwrap();
        assert_eq!(
            (op.name.as_str(), op.ns.as_deref()),
            ("getExtension", Some(NS))
        );
        let names: Vec<_> = op
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.ns.clone()))
            .collect();
        assert_eq!(names, [("token", None), ("environmentFilter", None)]);
        assert_eq!(
            op.child("environmentFilter")
                .unwrap()
                .child("eidExact")
                .unwrap()
                .text,
            "1"
        );
        // A list is the element repeated, as JAXB writes it.
        let answer = response(
            NS,
            "listExtensions",
            &[(
                "return",
                json!({ "extensions": [{ "extension": "a" }, { "extension": "b" }] }),
            )],
        );
        let ret = body(&answer).unwrap();
        assert_eq!(ret.name, "listExtensionsResponse");
        let extensions: Vec<_> = ret
            .child("return")
            .unwrap()
            .children
            .iter()
            .map(|e| e.child("extension").unwrap().text.clone())
            .collect();
        assert_eq!(extensions, ["a", "b"]);
    }

    #[test]
    fn a_fault_gives_its_code_and_string() {
        let element = body(&fault("Server", "the database is <down> & out")).unwrap();
        assert_eq!(
            as_fault(&element),
            Some((
                "S:Server".to_string(),
                "the database is <down> & out".to_string()
            ))
        );
        // A Fault element outside the envelope's namespace is data, not a fault.
        let not = body(br#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><Fault><faultcode>x</faultcode></Fault></S:Body></S:Envelope>"#).unwrap();
        assert_eq!(as_fault(&not), None);
    }

    #[test]
    fn anything_but_a_soap_11_envelope_with_a_body_is_refused() {
        let soap12 = br#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><x/></env:Body></env:Envelope>"#;
        assert_eq!(body(soap12).unwrap_err(), "not a SOAP 1.1 envelope");
        let no_body = format!(r#"<S:Envelope xmlns:S="{ENVELOPE_NS}"><S:Header/></S:Envelope>"#);
        assert_eq!(
            body(no_body.as_bytes()).unwrap_err(),
            "the envelope has no Body"
        );
        let empty =
            format!(r#"<S:Envelope xmlns:S="{ENVELOPE_NS}"><S:Body>  </S:Body></S:Envelope>"#);
        assert_eq!(body(empty.as_bytes()).unwrap_err(), "the Body is empty");
        assert!(body(b"<html>502 Bad Gateway</html>").is_err());
    }
}
