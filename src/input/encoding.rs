//! Which character encoding a text spreadsheet is in, decided once for the whole file.
//!
//! A byte-order mark decides; otherwise UTF-16 without a mark is recognised by its zero bytes,
//! a file that is valid UTF-8 throughout is UTF-8, and anything else goes to chardetng, which
//! weighs the whole file (GBK, Big5, Shift_JIS, EUC-KR, windows-1252, …). The chosen encoding
//! is then checked over the whole file before a single row is used, so a file that cannot be
//! decoded is one error, never a partial import. Deciding per cell is what garbled names
//! before: a GBK name that happens to be valid UTF-8 is still GBK. A guess the file does not
//! bear out (`guess`: a row or two of names) is refused unless the locale settles it.
//!
//! `scan` reads the bytes through (UTF-8 or not, decodable or not, the line of a bad byte);
//! `utf8_reader` decodes as the rows are read, and encodes a row written back.

mod guess;
mod scan;
mod utf8_reader;

use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

pub(crate) use guess::{LocaleHint, locale_hint};
use scan::{check, line_at, scan_utf8};
pub(crate) use utf8_reader::{Utf8Reader, bom, encode};

/// How the encoding was chosen, for the line that tells the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// The file starts with a byte-order mark.
    Bom,
    /// Recognised from the bytes.
    Detected,
    /// The bytes left it open; the locale of this territory (`CN`) settled it.
    Locale([u8; 2]),
    /// `--encoding NAME`.
    Forced,
    /// The profile's `encoding`.
    Profile,
}

/// What the settings say about a text file's encoding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Told {
    /// The encoding named (`--encoding`, or a profile's `encoding`), instead of detecting it.
    pub(crate) named: Option<&'static Encoding>,
    /// The name came from the profile.
    pub(crate) by_profile: bool,
    /// The locale, for a guess the file alone cannot settle.
    pub(crate) locale: Option<LocaleHint>,
}

/// The encoding of a file and how many bytes of byte-order mark it starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) encoding: &'static Encoding,
    pub(crate) how: How,
    /// Bytes of byte-order mark to skip.
    pub(crate) bom: usize,
    /// Length of the whole text in UTF-8, for progress.
    pub(crate) text_len: u64,
}

impl Decision {
    pub(crate) fn is_utf8(&self) -> bool {
        self.encoding == UTF_8
    }

    /// `GBK (detected)`, for the terminal and the report.
    pub(crate) fn describe(&self) -> String {
        let how = match self.how {
            How::Bom => "byte-order mark".to_string(),
            How::Detected => "detected".to_string(),
            How::Locale(territory) => format!(
                "the rows alone were too few to tell; the locale's territory {} settled it: \
                 --encoding names another",
                String::from_utf8_lossy(&territory)
            ),
            How::Forced => "--encoding".to_string(),
            How::Profile => "the profile's encoding".to_string(),
        };
        format!("{} ({how})", self.encoding.name())
    }
}

/// Why a file cannot be read as text.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EncodingError {
    #[error(
        "unknown encoding {0:?}; try utf-8, utf-16le, utf-16be, gbk, gb18030, big5, shift_jis or windows-1252"
    )]
    Unknown(String),
    #[error("is not valid {encoding} text at line {line} (byte {byte}){hint}")]
    Undecodable {
        encoding: &'static str,
        line: u64,
        byte: u64,
        hint: &'static str,
    },
    #[error(
        "is not UTF-8, and {why}: it reads as {readings}. Name the encoding that reads right \
         with --encoding ({names}), or as the profile's encoding"
    )]
    Unsure {
        why: String,
        readings: String,
        names: String,
    },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The encoding a `--encoding` name means (WHATWG labels: `gbk`, `cp1252`, `sjis`, `utf-16le`, …).
/// Windows' own code page names are accepted too (`cp936`), as Windows tools show them.
pub(crate) fn by_name(name: &str) -> Result<&'static Encoding, EncodingError> {
    let label = name.trim().to_ascii_lowercase();
    let label = match label.as_str() {
        "cp936" | "936" => "gbk",
        "cp950" | "950" => "big5",
        "cp932" | "932" => "shift_jis",
        "cp949" | "949" => "euc-kr",
        "cp65001" | "65001" => "utf-8",
        other => other,
    };
    Encoding::for_label_no_replacement(label.as_bytes())
        .ok_or_else(|| EncodingError::Unknown(name.to_string()))
}

/// Decides the encoding of everything `input` yields, and checks that all of it decodes.
/// `reopen` gives the file again from its start (deciding may need a second look).
pub(crate) fn decide<R: Read>(
    mut reopen: impl FnMut() -> io::Result<R>,
    told: Told,
) -> Result<Decision, EncodingError> {
    let forced = told.named;
    let named = match told.by_profile {
        true => How::Profile,
        false => How::Forced,
    };
    let mut head = Vec::with_capacity(4096);
    reopen()?.take(4096).read_to_end(&mut head)?;
    let from_bom = Encoding::for_bom(&head);
    let decision = match (forced, from_bom) {
        (Some(encoding), Some((bom_of, bom))) if bom_of == encoding => Decision {
            encoding,
            how: named,
            bom,
            text_len: 0,
        },
        (Some(encoding), _) => Decision {
            encoding,
            how: named,
            bom: 0,
            text_len: 0,
        },
        (None, Some((encoding, bom))) => Decision {
            encoding,
            how: How::Bom,
            bom,
            text_len: 0,
        },
        (None, None) => match utf16_without_bom(&head) {
            Some(encoding) => Decision {
                encoding,
                how: How::Detected,
                bom: 0,
                text_len: 0,
            },
            None => return detect(&mut reopen, told.locale),
        },
    };
    let text_len = check(&mut reopen, decision)?;
    Ok(Decision {
        text_len,
        ..decision
    })
}

/// UTF-16 without a mark: a header row of ASCII names has a zero in every other byte.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |odd: usize| {
        head.chunks_exact(2)
            .filter(|p| p[odd] == 0 && p[1 - odd] != 0)
            .count()
    };
    let (le, be) = (zeros_at(1), zeros_at(0));
    // Most of the head looks like one byte order; text in a legacy code page has no zeros.
    if le * 4 >= pairs * 3 {
        Some(UTF_16LE)
    } else if be * 4 >= pairs * 3 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// UTF-8 if the whole file is; otherwise what chardetng makes of the whole file, if the rows
/// bear it out (or the locale settles it).
fn detect<R: Read>(
    reopen: &mut impl FnMut() -> io::Result<R>,
    locale: Option<LocaleHint>,
) -> Result<Decision, EncodingError> {
    let scan = scan_utf8(reopen()?)?;
    let detected = |encoding, how| Decision {
        encoding,
        how,
        bom: 0,
        text_len: scan.len,
    };
    let Some(first_bad) = scan.first_bad else {
        return Ok(detected(UTF_8, How::Detected));
    };
    // Mostly UTF-8 with a few broken bytes is a damaged UTF-8 file: read as a code page,
    // every name in it would be garbled.
    if scan.invalid * 10 <= scan.valid_multibyte {
        return Err(EncodingError::Undecodable {
            encoding: UTF_8.name(),
            line: line_at(reopen()?, first_bad)?,
            byte: first_bad,
            hint: "; the rest of the file is UTF-8, so it looks damaged: fix that line, \
                   or name the encoding with --encoding",
        });
    }
    let decision = match guess::guess(reopen()?, locale)? {
        guess::Guess::Sure(encoding) => detected(encoding, How::Detected),
        guess::Guess::ByLocale(encoding) => {
            let territory = locale.map_or(*b"??", |l| l.territory);
            detected(encoding, How::Locale(territory))
        }
        guess::Guess::Unsure { lines, readings } => return Err(unsure(lines, &readings)),
    };
    let text_len = check(reopen, decision)?;
    Ok(Decision {
        text_len,
        ..decision
    })
}

/// The refusal of a guess the rows do not bear out, with the file's readings side by side.
fn unsure(lines: u64, readings: &[(&'static Encoding, String)]) -> EncodingError {
    let why = match lines {
        1 => "its one line of non-ASCII text is too little to tell its encoding".to_string(),
        n if n < 4 => format!("its {n} lines of non-ASCII text are too few to tell its encoding"),
        _ => "its lines of non-ASCII text do not agree on one encoding".to_string(),
    };
    let shown: Vec<String> = readings
        .iter()
        .map(|(encoding, cell)| format!("{} {cell:?}", encoding.name()))
        .collect();
    let names: Vec<String> = readings
        .iter()
        .map(|(encoding, _)| encoding.name().to_ascii_lowercase())
        .collect();
    EncodingError::Unsure {
        why,
        readings: shown.join(", "),
        names: names.join(", "),
    }
}

#[cfg(test)]
mod tests;
