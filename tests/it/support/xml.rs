//! XML as the tests read it (quick-xml directly, so they do not lean on the tool's own XML
//! reader), and Verba's SOAP calls inside the documented envelope.

use std::collections::BTreeMap;

use super::{PASSWORD, Sim, USER, http};

/// One element of an XML document: local name, namespace, text and children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub ns: Option<String>,
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The root element of `bytes`, namespaces resolved.
pub(crate) fn parse_xml(bytes: &[u8]) -> Result<Element, String> {
    use quick_xml::events::Event;
    use quick_xml::name::ResolveResult;
    let mut reader = quick_xml::NsReader::from_reader(bytes);
    // The document itself is the bottom of the stack; its one child is the root.
    let mut open = vec![Element::default()];
    let mut buf = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let ns = match ns {
            ResolveResult::Bound(ns) => Some(ns.0.to_string()),
            _ => None,
        };
        let element = |name: &str| Element {
            ns: ns.clone(),
            name: name.to_string(),
            ..Element::default()
        };
        match event {
            Event::Start(e) => open.push(element(e.local_name().as_ref())),
            Event::Empty(e) => {
                let empty = element(e.local_name().as_ref());
                open.last_mut().unwrap().children.push(empty);
            }
            Event::Text(t) => open.last_mut().unwrap().text += &t.xml10_content(),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let text = quick_xml::escape::resolve_predefined_entity(&name)
                    .ok_or(format!("unknown entity {name}"))?;
                open.last_mut().unwrap().text += text;
            }
            Event::End(_) if open.len() > 1 => {
                let done = open.pop().unwrap();
                open.last_mut().unwrap().children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    open.pop()
        .and_then(|document| document.children.into_iter().next())
        .ok_or_else(|| "no root element".to_string())
}

/// One Verba SOAP call `op` with `children` inside the documented envelope; the answer's text.
pub(crate) fn soap_call(sim: &Sim, op: &str, children: &str) -> String {
    let body = format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v2="http://v2.provisioning.ws.web.verba.com/"><soapenv:Body><v2:{op}>{children}</v2:{op}></soapenv:Body></soapenv:Envelope>"#
    );
    http(sim.addr(), "POST", "/provisioning", &body).1
}

/// A Verba token for tenant `eid`, through requestToken itself.
pub(crate) fn verba_token(sim: &Sim, eid: &str) -> String {
    let answer = soap_call(
        sim,
        "requestToken",
        &format!("<eid>{eid}</eid><loginName>{USER}</loginName><password>{PASSWORD}</password>"),
    );
    let root = parse_xml(answer.as_bytes()).unwrap();
    let ret = &root.children[0].children[0].children[0];
    ret.child("token").expect("a token").text.clone()
}

/// Tenant 0000's `extension` as getExtension answers it, element name → text (the user as
/// `user.id`).
pub(crate) fn verba_get(sim: &Sim, extension: &str) -> BTreeMap<String, String> {
    verba_get_in(sim, "0000", extension)
}

/// [`verba_get`] in the tenant `eid`.
pub(crate) fn verba_get_in(sim: &Sim, eid: &str, extension: &str) -> BTreeMap<String, String> {
    let token = verba_token(sim, "0000");
    let answer = soap_call(
        sim,
        "getExtension",
        &format!(
            "<token>{token}</token><environmentFilter><eid>{eid}</eid></environmentFilter><extension>{extension}</extension>"
        ),
    );
    let root = parse_xml(answer.as_bytes()).unwrap();
    let ext = root.children[0].children[0].children[0]
        .child("extension")
        .expect("found")
        .clone();
    ext.children
        .iter()
        .map(|c| match c.name.as_str() {
            "user" => (
                "user.id".to_string(),
                c.child("id").map(|i| i.text.clone()).unwrap_or_default(),
            ),
            _ => (c.name.clone(), c.text.clone()),
        })
        .collect()
}
