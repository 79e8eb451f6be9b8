//! XML bodies as OpenVox writes them (`<xml><extid>101</extid>…</xml>`), read and written with
//! quick-xml so that `&`, `<`, quotes and non-ASCII text are escaped and unescaped by the
//! library, never by string formatting.
//!
//! The bridge is JSON-shaped data: an element holding text is a string, one holding elements
//! an object, and one holding `<item id="…">` elements an array. That lets the JSON and XML
//! flavours of an API share every other line of code.
//!
//! quick-xml sets no limit on nesting, and the tree built here is read and dropped by
//! recursion: a 35 kB answer of 5,000 nested elements overflowed the stack and killed the
//! process. Nesting is limited to [`MAX_DEPTH`], far beyond what any vendor's answer needs
//! (a SOAP envelope holds its record about eight levels down); deeper is an error.

use std::io::Cursor;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer};
use serde_json::{Map, Value};

/// `<?xml version="1.0" encoding="UTF-8"?>` and `<root>` holding `map`.
pub(crate) fn to_xml(root: &str, map: &Map<String, Value>) -> Vec<u8> {
    let mut writer = Writer::new(Cursor::new(Vec::new()));
    // Writing to memory cannot fail.
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = writer.write_event(Event::Text(BytesText::new("\n")));
    write_object(&mut writer, root, None, map);
    writer.into_inner().into_inner()
}

fn write_object(
    writer: &mut Writer<Cursor<Vec<u8>>>,
    name: &str,
    id: Option<usize>,
    map: &Map<String, Value>,
) {
    let id_text = id.map(|i| i.to_string());
    let mut start = BytesStart::new(name);
    if let Some(id) = &id_text {
        start = start.with_attributes([("id", id.as_str())]);
    }
    let _ = writer.write_event(Event::Start(start));
    for (key, value) in map {
        write_value(writer, key, value);
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(name)));
}

/// Writes `value` as the element `name` (objects as children, arrays as `<item id>` lists).
pub(crate) fn write_value(writer: &mut Writer<Cursor<Vec<u8>>>, name: &str, value: &Value) {
    match value {
        Value::Object(map) => write_object(writer, name, None, map),
        Value::Array(items) => {
            let _ = writer.write_event(Event::Start(BytesStart::new(name)));
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(map) => write_object(writer, "item", Some(i), map),
                    other => write_value(writer, "item", other),
                }
            }
            let _ = writer.write_event(Event::End(BytesEnd::new(name)));
        }
        other => write_text(writer, name, other),
    }
}

/// Writes a scalar as `<name>text</name>`, escaped by the library.
pub(crate) fn write_text(writer: &mut Writer<Cursor<Vec<u8>>>, name: &str, value: &Value) {
    let text = super::value_text(value);
    let _ = writer.write_event(Event::Start(BytesStart::new(name)));
    let _ = writer.write_event(Event::Text(BytesText::new(&text)));
    let _ = writer.write_event(Event::End(BytesEnd::new(name)));
}

/// One element of a parsed document, with its namespace resolved (SOAP needs to tell the
/// operation's namespace from unqualified children).
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub(crate) ns: Option<String>,
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
}

impl Element {
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The element as JSON-shaped data (see the module header); namespaces are dropped.
    pub(crate) fn to_value(&self) -> Value {
        if self.children.is_empty() {
            Value::String(self.text.clone())
        } else if self.children.iter().all(|c| c.name == "item") {
            Value::Array(self.children.iter().map(Element::to_value).collect())
        } else {
            Value::Object(
                self.children
                    .iter()
                    .map(|c| (c.name.clone(), c.to_value()))
                    .collect(),
            )
        }
    }
}

/// The document's root element as JSON-shaped data (see the module header).
#[cfg(test)]
pub(crate) fn from_xml(bytes: &[u8]) -> Result<Value, String> {
    parse(bytes).map(|root| root.to_value())
}

/// Deepest nesting read: the vendors' answers need about eight levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// `&amp;`, `&#233;`: the text an entity stands for.
pub(crate) fn entity(reference: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    let name = reference.xml10_content();
    let resolved = if reference.is_char_ref() {
        reference
            .resolve_char_ref()
            .ok()
            .flatten()
            .map(String::from)
    } else {
        quick_xml::escape::resolve_predefined_entity(&name).map(String::from)
    };
    resolved.ok_or_else(|| format!("unknown entity &{name};"))
}

/// The document's root element, namespaces resolved.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, String> {
    let mut reader = NsReader::from_reader(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut buf = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let ns = match ns {
            ResolveResult::Bound(ns) => Some(ns.0.to_string()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => return Err(format!("undeclared prefix {prefix}")),
        };
        match event {
            Event::Start(_) if stack.len() >= MAX_DEPTH => {
                return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
            }
            Event::Start(start) => stack.push(Element {
                ns,
                name: start.local_name().as_ref().to_string(),
                ..Element::default()
            }),
            Event::Empty(start) => {
                let element = Element {
                    ns,
                    name: start.local_name().as_ref().to_string(),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::Text(text) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = entity(&reference)?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("an end tag without a start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::Eof => return Err("the document ends before its root element does".into()),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn entities_and_character_references_are_unescaped() {
        let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
<xml><username>Tom &amp; Jerry &lt;3 &quot;x&quot; &apos;y&apos; &gt;</username><callerid>Jos&#233; &#x41;</callerid><note><![CDATA[<b>&amp;</b>]]></note></xml>"#;
        assert_eq!(
            from_xml(doc).unwrap(),
            json!({
                "username": "Tom & Jerry <3 \"x\" 'y' >",
                "callerid": "José A",
                "note": "<b>&amp;</b>",
            })
        );
        let e = from_xml(b"<xml><a>&nbsp;</a></xml>").unwrap_err();
        assert!(e.contains("nbsp"), "{e}");
    }

    #[test]
    fn what_is_written_reads_back_the_same_whatever_it_holds() {
        let tricky = "<script>alert('&amp;')</script> \"Zoë\" 李 & <";
        let map = json!({ "extid": "101", "username": tricky, "empty": "" });
        let bytes = to_xml("xml", map.as_object().unwrap());
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml>"),
            "{text}"
        );
        assert!(!text.contains("<script>"), "escaped by the library: {text}");
        assert_eq!(from_xml(&bytes).unwrap(), map);
    }

    #[test]
    fn lists_are_items_and_an_empty_list_is_an_empty_element() {
        let doc = br#"<xml><status>Success</status><extlist><item id="0"><extnumber>1001</extnumber></item><item id="1"><extnumber>1002</extnumber></item></extlist><extinfos/><other></other></xml>"#;
        let value = from_xml(doc).unwrap();
        assert_eq!(
            value["extlist"],
            json!([{ "extnumber": "1001" }, { "extnumber": "1002" }])
        );
        assert_eq!(value["extinfos"], json!(""));
        assert_eq!(value["other"], json!(""));
        let map = json!({ "extlist": [{ "extnumber": "1001" }] });
        let written = String::from_utf8(to_xml("xml", map.as_object().unwrap())).unwrap();
        assert!(
            written
                .contains(r#"<extlist><item id="0"><extnumber>1001</extnumber></item></extlist>"#),
            "{written}"
        );
    }

    #[test]
    fn namespaces_are_resolved_by_their_declaration_not_their_prefix() {
        let doc = br#"<a:Envelope xmlns:a="urn:one" xmlns:b="urn:two"><a:Body><b:op><child>1</child></b:op></a:Body></a:Envelope>"#;
        let root = parse(doc).unwrap();
        assert_eq!(
            (root.name.as_str(), root.ns.as_deref()),
            ("Envelope", Some("urn:one"))
        );
        let op = &root.child("Body").unwrap().children[0];
        assert_eq!(
            (op.name.as_str(), op.ns.as_deref()),
            ("op", Some("urn:two"))
        );
        let child = op.child("child").unwrap();
        assert_eq!((child.ns.as_deref(), child.text.as_str()), (None, "1"));
        // A default namespace applies to unprefixed elements.
        let root = parse(br#"<r xmlns="urn:d"><c/></r>"#).unwrap();
        assert_eq!(root.children[0].ns.as_deref(), Some("urn:d"));
        let e = parse(b"<x:r><c/></x:r>").unwrap_err();
        assert!(e.contains("undeclared prefix"), "{e}");
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
        let deep = |levels: usize| format!("{}{}", "<a>".repeat(levels), "</a>".repeat(levels));
        assert!(from_xml(deep(MAX_DEPTH).as_bytes()).is_ok());
        for levels in [MAX_DEPTH + 1, 5_000, 200_000] {
            let e = from_xml(deep(levels).as_bytes()).unwrap_err();
            assert!(e.contains("nested deeper than 64 levels"), "{e}");
        }
    }

    #[test]
    fn a_broken_document_is_an_error_not_a_partial_answer() {
        for doc in [
            &b""[..],
            b"<xml><status>Success</status>",
            b"<xml><a></b></xml>",
            b"not xml at all",
        ] {
            assert!(parse(doc).is_err(), "{}", String::from_utf8_lossy(doc));
        }
        // A root that is a lone empty element is a document.
        assert_eq!(parse(b"<xml/>").unwrap().name, "xml");
    }
}
