//! A Yeastar-family answer read without building a tree of all of it: its status, errno and
//! token, and the one list the operation wants: the listing's numbers, or the query's
//! records of the numbers it asked for, each other record dropped as soon as it is read (but
//! for a few named ones, which the caller warns about). Through a whole tree, a 32 MiB XML
//! listing of empty items took 763 MB, a 29 MiB JSON listing 1 GB, and a 4 MiB query answer
//! of empty records 106 MB.

use std::fmt;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::pbx::value_text;
use crate::pbx::xml::{MAX_DEPTH, entity};

/// Which list of the answer to keep, and how much of each item.
#[derive(Clone, Copy)]
pub(super) enum Want<'a> {
    /// No list (a login, a write).
    Nothing,
    /// `extlist`: of each item only the fields named `keys` (the number).
    Numbers { keys: [&'a str; 2] },
    /// `extinfos`: the items whose field `key` is one of `asked` (sorted).
    Records { key: &'a str, asked: &'a [String] },
}

impl Want<'_> {
    fn list(self) -> &'static str {
        match self {
            Want::Nothing => "",
            Want::Numbers { .. } => "extlist",
            Want::Records { .. } => "extinfos",
        }
    }

    /// The item as far as it is wanted, or `None` when it is not: of a listing's item only
    /// its number (a map per item took a gigabyte for 1.3 million). Of the records nobody
    /// asked for, the first [`UNASKED_KEPT`] that name a number are kept (`unasked` counts
    /// them), so the caller can say which.
    fn keep(self, item: Map<String, Value>, unasked: &mut usize) -> Option<Kept> {
        match self {
            Want::Nothing => None,
            Want::Numbers { keys } => {
                let number = keys.iter().find_map(|k| item.get(*k)).map(value_text)?;
                (!number.is_empty()).then_some(Kept::Number(number))
            }
            Want::Records { key, asked } => {
                let number = item.get(key).map(value_text)?;
                if asked.binary_search(&number).is_ok() {
                    return Some(Kept::Record(item));
                }
                *unasked += 1;
                (*unasked <= UNASKED_KEPT).then_some(Kept::Record(item))
            }
        }
    }
}

/// Records nobody asked for that are kept to be named in a warning.
const UNASKED_KEPT: usize = 20;

/// An item of the wanted list, as far as it is kept.
#[derive(Debug)]
pub(super) enum Kept {
    /// A listing's number.
    Number(String),
    /// A query's record.
    Record(Map<String, Value>),
}

/// What an answer said, as far as the operation needs it.
#[derive(Debug, Default)]
pub(super) struct Answer {
    pub(super) status: String,
    pub(super) errno: String,
    pub(super) token: Option<String>,
    /// The wanted list's kept items; `None` when the answer has no such list.
    pub(super) list: Option<Vec<Kept>>,
    /// Records nobody asked for that named a number (the first few are in `list`).
    pub(super) unasked: usize,
}

/// Reads a JSON answer.
pub(super) fn from_json(body: &[u8], want: Want<'_>) -> Result<Answer, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let answer = AnswerSeed(want)
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(answer)
}

struct AnswerSeed<'a>(Want<'a>);

impl<'de> DeserializeSeed<'de> for AnswerSeed<'_> {
    type Value = Answer;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Answer, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for AnswerSeed<'_> {
    type Value = Answer;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
        let mut answer = Answer::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "status" => answer.status = value_text(&map.next_value::<Value>()?),
                "errno" => answer.errno = value_text(&map.next_value::<Value>()?),
                "token" => answer.token = Some(value_text(&map.next_value::<Value>()?)),
                list if !list.is_empty() && list == self.0.list() => {
                    let (kept, unasked) = map.next_value_seed(ListSeed(self.0))?;
                    answer.list = kept;
                    answer.unasked = unasked;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(answer)
    }
}

/// The wanted list: an array of items, or the blank string XML makes of an empty one.
struct ListSeed<'a>(Want<'a>);

type List = (Option<Vec<Kept>>, usize);

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = List;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<List, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = List;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
        let (mut kept, mut unasked) = (Vec::new(), 0);
        while let Some(item) = seq.next_element::<RawItem>()? {
            if let Some(item) = item.0.and_then(|item| self.0.keep(item, &mut unasked)) {
                kept.push(item);
            }
        }
        Ok((Some(kept), unasked))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<List, E> {
        Ok((text.trim().is_empty().then(Vec::new), 0))
    }

    fn visit_unit<E: de::Error>(self) -> Result<List, E> {
        Ok((None, 0))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((None, 0))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<List, E> {
        Ok((None, 0))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<List, E> {
        Ok((None, 0))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<List, E> {
        Ok((None, 0))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<List, E> {
        Ok((None, 0))
    }
}

/// One item of a list as it came: an object of scalars (nested values are dropped), or
/// nothing.
struct RawItem(Option<Map<String, Value>>);

impl<'de> Deserialize<'de> for RawItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawItem, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(mut map) => {
                map.retain(|_, v| !v.is_object() && !v.is_array());
                Ok(RawItem(Some(map)))
            }
            _ => Ok(RawItem(None)),
        }
    }
}

/// Reads an XML answer (`<xml><status>…</status><extinfos><item>…</item></extinfos></xml>`)
/// event by event.
pub(super) fn from_xml(body: &[u8], want: Want<'_>) -> Result<Answer, String> {
    let mut reader = Reader::from_reader(body);
    let mut answer = Answer::default();
    // The names of the open elements below the root, and the text of the innermost.
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut item: Option<Map<String, Value>> = None;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        match event {
            Event::Start(start) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
                }
                let name = start.local_name().as_ref().to_string();
                if depth > 1 {
                    path.push(name);
                }
                text.clear();
                opened(&path, want, &mut answer, &mut item);
            }
            Event::Empty(_) if depth == 0 => return Ok(answer),
            Event::Empty(start) => {
                let name = start.local_name().as_ref().to_string();
                {
                    path.push(name);
                    text.clear();
                    opened(&path, want, &mut answer, &mut item);
                    closed(&path, &text, want, &mut answer, &mut item);
                    path.pop();
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => text.push_str(&entity(&r)?),
            Event::End(_) => {
                if depth == 1 {
                    return Ok(answer);
                }
                closed(&path, &text, want, &mut answer, &mut item);
                path.pop();
                depth = depth.saturating_sub(1);
                text.clear();
            }
            Event::Eof => return Err("the document ends before its root element does".into()),
            _ => {}
        }
        buf.clear();
    }
}

/// An element opened at `path`: the wanted list, or an item of it.
fn opened(
    path: &[String],
    want: Want<'_>,
    answer: &mut Answer,
    item: &mut Option<Map<String, Value>>,
) {
    match path {
        [list] if *list == want.list() => answer.list = Some(Vec::new()),
        [list, _] if *list == want.list() => *item = Some(Map::new()),
        _ => {}
    }
}

/// An element closed at `path` with `text` inside: a field of the answer, of an item, or an
/// item whole.
fn closed(
    path: &[String],
    text: &str,
    want: Want<'_>,
    answer: &mut Answer,
    item: &mut Option<Map<String, Value>>,
) {
    match path {
        [field] if field == "status" => answer.status = text.to_string(),
        [field] if field == "errno" => answer.errno = text.to_string(),
        [field] if field == "token" => answer.token = Some(text.to_string()),
        [list, _] if *list == want.list() => {
            let list = answer.list.get_or_insert_with(Vec::new);
            if let Some(kept) = item.take().and_then(|i| want.keep(i, &mut answer.unasked)) {
                list.push(kept);
            }
        }
        [list, _, field] if *list == want.list() => {
            if let Some(item) = item {
                item.insert(field.clone(), Value::String(text.to_string()));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
