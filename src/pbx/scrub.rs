//! Scrubbing what the PBX says before it reaches a report or the terminal.
//!
//! A PBX may echo the request it refused (its `errno`, a SOAP faultstring, a `Location`), and
//! the request carried the row's passwords, the API password (or its hash) and the token.
//! Every text that came from the PBX passes through [`Secrets::scrub`], which hides a secret
//! where it stands as a whole value, and cuts the text to [`MAX_ECHO`] characters, so one odd
//! answer can neither leak a secret nor put a megabyte into a report cell:
//!
//! - in the fields that carried one (`"vmsecret":"4821"`, `<password>…</password>`,
//!   `token=…`), whatever it is: the request's own secret fields, whatever their length;
//! - as a whole token in free text, in every form it takes on a wire (as it is, XML- and
//!   JSON-escaped, URL-encoded, and its MD5), but only a secret of [`MIN_FREE_TEXT`]
//!   characters or more (its MD5 whatever its length).
//!
//! Control characters are escaped, so an ESC sequence from the PBX never reaches a terminal
//! (or a report a terminal shows) as a command.
//!
//! Never inside a word, and never a short secret in free text: a vmsecret `1001` turned the
//! errno `10017` into `***7`, and a password `or` turned "username or password" into
//! "username *** passw***d"; both garbled the PBX's words and told a reader the secret. An
//! error code that looks like one is passed as it is, unless it is a secret whole.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::domain::values::{md5_hex, shorten};

/// Longest PBX text kept (characters); the rest is cut and marked.
pub(crate) const MAX_ECHO: usize = 300;

/// Shortest secret hidden in free text; shorter ones only where they stand as a field's value.
pub(crate) const MIN_FREE_TEXT: usize = 6;

/// Longest error code kept: the API's codes are short (`10017`, `ERROR_ILLEGAL_ARGUMENT`).
const MAX_CODE: usize = 40;

/// What to hide in one request's echo.
#[derive(Debug, Default)]
pub(crate) struct Secrets {
    /// Names of the fields that carry a secret (`password`, `token`, `vmsecret`, …).
    fields: Vec<String>,
    /// The secrets as they are.
    values: Vec<String>,
    /// Every form to hide in free text, longest first.
    forms: Vec<String>,
}

impl Secrets {
    /// The secrets `values` a request sent, in the fields named `fields`.
    pub(crate) fn new<'a>(
        fields: impl IntoIterator<Item = &'a str>,
        values: impl IntoIterator<Item = &'a str>,
    ) -> Secrets {
        let values: Vec<String> = values
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect();
        let mut forms: Vec<String> = values.iter().flat_map(|v| forms_of(v)).collect();
        // Longest first, so a form that contains another is replaced whole.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        Secrets {
            fields: fields.into_iter().map(str::to_ascii_lowercase).collect(),
            values,
            forms,
        }
    }

    /// `text` with every secret hidden where it stands whole and control characters escaped,
    /// cut to [`MAX_ECHO`] characters.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for field in &self.fields {
            out = hide_field(&out, field);
        }
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = hide_token(&out, form);
            }
        }
        shorten(&escape_controls(&out), MAX_ECHO)
    }

    /// An error code the PBX gave: as it is when it looks like a code (unless it is a secret
    /// whole), otherwise scrubbed like any echo and cut to [`MAX_CODE`] characters.
    pub(crate) fn scrub_code(&self, code: &str) -> String {
        let code_like = code.len() <= MAX_CODE
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c));
        match code_like {
            true if self.values.iter().any(|v| v == code) => "***".into(),
            true => code.to_string(),
            false => shorten(&self.scrub(code), MAX_CODE),
        }
    }
}

/// `text` with its control characters (an ESC that would drive the terminal, a CR that would
/// overwrite the line) written as `\x1B`, `\u{9B}`.
fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            c if !c.is_control() => c.to_string(),
            c if u32::from(c) < 0x80 => format!("\\x{:02X}", u32::from(c)),
            c => format!("\\u{{{:X}}}", u32::from(c)),
        })
        .collect()
}

/// The forms `secret` may take in an echo of a request that carried it.
fn forms_of(secret: &str) -> Vec<String> {
    let md5 = md5_hex(secret);
    let mut forms = vec![md5.to_ascii_uppercase(), md5];
    if secret.chars().count() >= MIN_FREE_TEXT {
        let json = serde_json::to_string(secret).unwrap_or_default();
        forms.extend([
            secret.to_string(),
            quick_xml::escape::escape(secret).into_owned(),
            quick_xml::escape::partial_escape(secret).into_owned(),
            quick_xml::escape::minimal_escape(secret).into_owned(),
            json.get(1..json.len().saturating_sub(1))
                .unwrap_or_default()
                .to_string(),
            utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
            utf8_percent_encode(secret, NON_ALPHANUMERIC)
                .to_string()
                .replace("%20", "+"),
        ]);
    }
    forms
}

/// A letter, a digit or `_`: what a secret may not be glued to and still stand whole.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with each whole-token occurrence of `form` replaced by `***`.
fn hide_token(text: &str, form: &str) -> String {
    let first_word = form.chars().next().is_some_and(is_word);
    let last_word = form.chars().next_back().is_some_and(is_word);
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, _) in text.match_indices(form) {
        if at < from {
            continue;
        }
        let end = at + form.len();
        let glued_before = first_word && text[..at].chars().next_back().is_some_and(is_word);
        let glued_after = last_word && text[end..].chars().next().is_some_and(is_word);
        if glued_before || glued_after {
            continue;
        }
        out.push_str(&text[from..at]);
        out.push_str("***");
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// `text` with the value of every field called `name` replaced by `***`: in JSON
/// (`"name": "…"` or a bare value), XML (`<name>…</name>`, any prefix) and queries (`name=…`).
fn hide_field(text: &str, name: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains(name) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, _) in lower.match_indices(name) {
        if at < from || lower[..at].chars().next_back().is_some_and(is_word) {
            continue;
        }
        let after = at + name.len();
        if let Some(value) = field_value(&text[..at], &text[after..]) {
            out.push_str(&text[from..after + value.start]);
            out.push_str("***");
            from = after + value.end;
        }
    }
    out.push_str(&text[from..]);
    out
}

/// Where, in `rest` (the text after a field's name), that field's value is; `before` is the
/// text before the name, which says how the name is written.
fn field_value(before: &str, rest: &str) -> Option<std::ops::Range<usize>> {
    let value = if before.ends_with('"') && rest.starts_with('"') {
        // JSON: `"name" : "value"` (escapes inside) or `"name": 1234`.
        let colon = rest[1..].trim_start().strip_prefix(':')?;
        let start = rest.len() - colon.trim_start().len();
        let len = json_value(&rest[start..])?;
        match rest[start..].starts_with('"') {
            // Inside the quotes: `"vmsecret":"***"`.
            true => Some(start + 1..start + len - 1),
            false => Some(start..start + len),
        }
    } else if before.ends_with('<') || before.rsplit_once('<').is_some_and(|(_, p)| is_prefix(p)) {
        // XML: `<name>value</…>` or `<name type="…">value</…>`.
        let start = match rest.chars().next()? {
            '>' => 1,
            c if c.is_whitespace() => rest.find('>').filter(|&i| !rest[..i].ends_with('/'))? + 1,
            _ => return None,
        };
        let len = rest[start..].find('<')?;
        Some(start..start + len)
    } else if let Some(value) = rest.strip_prefix('=') {
        // A query or form: `name=value` up to the next separator.
        let len = value
            .find(|c: char| c == '&' || c == '"' || c == '\'' || c == '<' || c.is_whitespace())
            .unwrap_or(value.len());
        Some(1..1 + len)
    } else {
        None
    }?;
    (!value.is_empty()).then_some(value)
}

/// `ns:` in `<ns:name>`.
fn is_prefix(text: &str) -> bool {
    text.strip_suffix(':')
        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| is_word(c) || c == '-' || c == '.'))
}

/// The length of the JSON value at the start of `text`: a string with its quotes, or a bare
/// value up to `,`, `}` or `]`.
fn json_value(text: &str) -> Option<usize> {
    let Some(body) = text.strip_prefix('"') else {
        let len = text.find([',', '}', ']', '\n']).unwrap_or(text.len());
        return Some(text[..len].trim_end().len());
    };
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i + 2),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests;
