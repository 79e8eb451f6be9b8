//! XML bodies as OpenVox writes them (`<xml><extid>101</extid>…</xml>`), read and written with
//! quick-xml so that `&`, `<`, quotes and non-ASCII text are escaped and unescaped by the
//! library, never by string formatting.
//!
//! The bridge is JSON-shaped data: an element holding text is a string, one holding elements
//! an object, and one holding `<item id="…">` elements an array. That lets the JSON and XML
//! flavours of an API share every other line of code.

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
pub(crate) fn from_xml(bytes: &[u8]) -> Result<Value, String> {
    parse(bytes).map(|root| root.to_value())
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
                let resolved = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
                        .map(String::from)
                };
                let resolved = resolved
                    .ok_or_else(|| format!("unknown entity &{};", reference.xml10_content()))?;
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
