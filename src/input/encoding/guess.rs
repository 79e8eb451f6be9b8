//! Guessing a legacy encoding, and knowing when the guess is only a guess.
//!
//! chardetng weighs the whole file, but a few names are too little to go on: one row of GBK
//! reads as EUC-KR, windows-1251 or ISO-8859-5 as readily as GBK. So the lines that hold
//! non-ASCII text are also dealt, in turn, into [`PARTS`] groups, each weighed alone. The
//! guess stands when every group comes to the same encoding as the whole file: the other rows
//! confirm it. Otherwise a locale whose own legacy encoding is a reading the detector allows
//! settles it, and failing that the file is refused, its readings side by side, before
//! anything is sent. (The measurements behind the four groups are in docs/SPREADSHEETS.md.)

use std::io::{self, Read};

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

use super::scan::read_full;

/// Groups of non-ASCII lines that must each lead to the whole file's encoding.
const PARTS: usize = 4;
/// Readings named when the guess is refused, at most.
const READINGS: usize = 6;
/// The regions whose priors name the plausible readings of a file (chardetng's TLD hint):
/// none, Simplified and Traditional Chinese, Japanese, Korean, Cyrillic, Central European,
/// Greek, Turkish.
const PRIORS: [Option<&[u8]>; 9] = [
    None,
    Some(b"cn"),
    Some(b"tw"),
    Some(b"jp"),
    Some(b"kr"),
    Some(b"ru"),
    Some(b"pl"),
    Some(b"gr"),
    Some(b"tr"),
];

/// What the locale says: the encodings Windows of that region writes text in (Excel's
/// "CSV"), by the locale's territory, and the territory as chardetng's regional hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocaleHint {
    /// `CN` of `zh_CN.UTF-8`.
    pub(crate) territory: [u8; 2],
    /// Their names, as encoding_rs spells them.
    encodings: &'static [&'static str],
}

/// The hint of a locale name (`zh_CN.UTF-8`, `ja_JP`, `ru_RU.KOI8-R@x`); `None` for a locale
/// without a territory, or one whose legacy encoding is windows-1252, the detector's own
/// assumption already (`C`, `en_US`, `de_DE`).
pub(crate) fn locale_hint(locale: &str) -> Option<LocaleHint> {
    let name = locale.split(['.', '@']).next()?;
    let (_, territory) = name.split_once('_')?;
    let territory: [u8; 2] = territory.to_ascii_uppercase().as_bytes().try_into().ok()?;
    // By name: encoding_rs's encodings are statics, which a constant slice cannot hold.
    let encodings: &'static [&'static str] = match &territory {
        b"CN" | b"SG" => &["GBK", "gb18030"],
        b"TW" | b"HK" | b"MO" => &["Big5"],
        b"JP" => &["Shift_JIS", "EUC-JP"],
        b"KR" => &["EUC-KR"],
        b"RU" | b"UA" | b"BY" | b"BG" | b"KZ" | b"RS" | b"MK" | b"KG" => &["windows-1251"],
        b"PL" | b"CZ" | b"SK" | b"HU" | b"HR" | b"SI" | b"RO" => &["windows-1250"],
        b"GR" | b"CY" => &["windows-1253"],
        b"TR" => &["windows-1254"],
        b"IL" => &["windows-1255"],
        b"SA" | b"AE" | b"EG" | b"JO" | b"KW" | b"QA" => &["windows-1256"],
        b"LT" | b"LV" | b"EE" => &["windows-1257"],
        b"VN" => &["windows-1258"],
        b"TH" => &["windows-874"],
        _ => return None,
    };
    Some(LocaleHint {
        territory,
        encodings,
    })
}

/// What weighing the file came to.
pub(super) enum Guess {
    /// The whole file and every group agree.
    Sure(&'static Encoding),
    /// Not sure, but the locale's own encoding is a reading the detector allows.
    ByLocale(&'static Encoding),
    /// Not sure: the readings, each with what the first non-ASCII cell reads as.
    Unsure {
        /// Lines holding non-ASCII text.
        lines: u64,
        readings: Vec<(&'static Encoding, String)>,
    },
}

/// The file, weighed whole and in groups of its non-ASCII lines.
struct Weighed {
    whole: EncodingDetector,
    parts: [EncodingDetector; PARTS],
    lines: u64,
    /// The first line with non-ASCII text (its first 4 kB), to show its readings.
    first: Vec<u8>,
}

/// Weighs everything `input` yields (after any byte-order mark) and decides.
pub(super) fn guess(input: impl Read, locale: Option<LocaleHint>) -> io::Result<Guess> {
    let weighed = weigh(input)?;
    let whole = weighed.whole.guess(None, Utf8Detection::Deny);
    let parts_agree = (weighed.parts.iter()).all(|p| p.guess(None, Utf8Detection::Deny) == whole);
    if weighed.lines >= PARTS as u64 && parts_agree {
        return Ok(Guess::Sure(whole));
    }
    if let Some(hint) = locale {
        let tld = hint.territory.to_ascii_lowercase();
        let regional = weighed.whole.guess(Some(&tld), Utf8Detection::Deny);
        if hint.encodings.contains(&regional.name()) && reads(regional, &weighed.first).is_some() {
            return Ok(Guess::ByLocale(regional));
        }
    }
    Ok(Guess::Unsure {
        lines: weighed.lines,
        readings: readings(&weighed, whole),
    })
}

fn detector() -> EncodingDetector {
    EncodingDetector::new(Iso2022JpDetection::Deny)
}

/// Feeds every line to the whole file's detector, and each non-ASCII line to its group's.
fn weigh(mut input: impl Read) -> io::Result<Weighed> {
    let mut weighed = Weighed {
        whole: detector(),
        parts: std::array::from_fn(|_| detector()),
        lines: 0,
        first: Vec::new(),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut line: Vec<u8> = Vec::new();
    loop {
        let n = read_full(&mut input, &mut buf)?;
        let mut rest = &buf[..n];
        while let Some(end) = memchr::memchr(b'\n', rest) {
            line.extend_from_slice(&rest[..=end]);
            weighed.line(&line);
            line.clear();
            rest = &rest[end + 1..];
        }
        line.extend_from_slice(rest);
        if n == 0 {
            weighed.line(&line);
            weighed.whole.feed(&[], true);
            for part in &mut weighed.parts {
                part.feed(&[], true);
            }
            return Ok(weighed);
        }
    }
}

impl Weighed {
    fn line(&mut self, line: &[u8]) {
        self.whole.feed(line, false);
        if line.is_ascii() {
            return;
        }
        if self.lines == 0 {
            self.first = line[..line.len().min(4096)].to_vec();
        }
        let part = (self.lines % PARTS as u64) as usize;
        self.parts[part].feed(line, false);
        self.lines += 1;
    }
}

/// The encodings the file plausibly is in, the whole file's guess first, each with what its
/// first non-ASCII cell reads as; only encodings that decode that line.
fn readings(weighed: &Weighed, whole: &'static Encoding) -> Vec<(&'static Encoding, String)> {
    let parts = weighed
        .parts
        .iter()
        .map(|p| p.guess(None, Utf8Detection::Deny));
    let priors = PRIORS
        .iter()
        .map(|tld| weighed.whole.guess(*tld, Utf8Detection::Deny));
    let mut found: Vec<(&'static Encoding, String)> = Vec::new();
    for encoding in std::iter::once(whole).chain(parts).chain(priors) {
        if found.len() == READINGS || found.iter().any(|(e, _)| *e == encoding) {
            continue;
        }
        if let Some(cell) = reads(encoding, &weighed.first) {
            found.push((encoding, cell));
        }
    }
    found
}

/// The first cell with non-ASCII text of `line` as `encoding` reads it (at most 24
/// characters), or `None` when `encoding` cannot decode the line.
fn reads(encoding: &'static Encoding, line: &[u8]) -> Option<String> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(line)?;
    let cell = text
        .split([',', ';', '\t', '|'])
        .map(str::trim)
        .find(|cell| !cell.is_ascii())
        .unwrap_or_default();
    Some(cell.chars().filter(|c| !c.is_control()).take(24).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GBK;

    fn guessed(text: &str, encoding: &'static Encoding, locale: Option<&str>) -> Guess {
        let bytes = encoding.encode(text).0.into_owned();
        guess(&bytes[..], locale.and_then(locale_hint)).unwrap()
    }

    #[test]
    fn one_row_of_gbk_is_not_enough_and_its_readings_are_shown() {
        // The names a new hire's one-row files were misread in (issue 28): each alone.
        for name in ["黄敏", "王芳", "李娜", "刘洋", "陈静"] {
            let text = format!("number,username\n1001,{name}\n");
            let Guess::Unsure { lines, readings } = guessed(&text, GBK, None) else {
                panic!("{name}: one row was taken as sure");
            };
            assert_eq!(lines, 1);
            assert!(
                readings.contains(&(GBK, name.to_string())),
                "{name}: {readings:?}"
            );
            assert!(readings.len() > 1, "{name}: {readings:?}");
        }
    }

    #[test]
    fn many_rows_that_agree_are_sure() {
        let (family, given) = (
            ["黄", "王", "李", "刘", "陈", "张", "杨"],
            ["敏", "芳", "娜", "洋", "静", "伟", "强", "磊", "军"],
        );
        let mut text = "number,username\n".to_string();
        for i in 0..40 {
            let name = format!("{}{}", family[i % 7], given[(i * 5) % 9]);
            text.push_str(&format!("{},{name}\n", 1000 + i));
        }
        assert!(matches!(guessed(&text, GBK, None), Guess::Sure(e) if e == GBK));
    }

    #[test]
    fn the_locale_settles_a_guess_only_with_its_own_encoding() {
        let text = "number,username\n1001,黄敏\n";
        let by_locale = guessed(text, GBK, Some("zh_CN.UTF-8"));
        assert!(matches!(by_locale, Guess::ByLocale(e) if e == GBK));
        // A Western locale says nothing the detector does not assume already.
        for locale in ["en_US.UTF-8", "C", "POSIX", "de_DE"] {
            assert!(locale_hint(locale).is_none(), "{locale}");
        }
        assert!(matches!(
            guessed(text, GBK, Some("en_US.UTF-8")),
            Guess::Unsure { .. }
        ));
    }

    #[test]
    fn locales_are_read_by_territory() {
        let hint = locale_hint("ja_JP.eucJP@x").unwrap();
        assert_eq!(&hint.territory, b"JP");
        assert!(hint.encodings.contains(&"EUC-JP"));
        assert!(locale_hint("zh_TW").unwrap().encodings.contains(&"Big5"));
        assert_eq!(locale_hint("zh"), None);
    }
}
