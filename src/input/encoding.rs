//! Which character encoding a text spreadsheet is in, decided once for the whole file.
//!
//! A byte-order mark decides; otherwise UTF-16 without a mark is recognised by its zero bytes,
//! a file that is valid UTF-8 throughout is UTF-8, and anything else goes to chardetng, which
//! weighs the whole file (GBK, Big5, Shift_JIS, EUC-KR, windows-1252, …). The chosen encoding
//! is then checked over the whole file before a single row is used, so a file that cannot be
//! decoded is one error, never a partial import. Deciding per cell is what garbled names
//! before: a GBK name that happens to be valid UTF-8 is still GBK.

use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How the encoding was chosen, for the line that tells the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// The file starts with a byte-order mark.
    Bom,
    /// Recognised from the bytes.
    Detected,
    /// `--encoding NAME`.
    Forced,
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
            How::Bom => "byte-order mark",
            How::Detected => "detected",
            How::Forced => "--encoding",
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
    forced: Option<&'static Encoding>,
) -> Result<Decision, EncodingError> {
    let mut head = Vec::with_capacity(4096);
    reopen()?.take(4096).read_to_end(&mut head)?;
    let from_bom = Encoding::for_bom(&head);
    let decision = match (forced, from_bom) {
        (Some(encoding), Some((bom_of, bom))) if bom_of == encoding => Decision {
            encoding,
            how: How::Forced,
            bom,
            text_len: 0,
        },
        (Some(encoding), _) => Decision {
            encoding,
            how: How::Forced,
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
            None => return detect(&mut reopen),
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

/// UTF-8 if the whole file is; otherwise what chardetng makes of the whole file.
fn detect<R: Read>(reopen: &mut impl FnMut() -> io::Result<R>) -> Result<Decision, EncodingError> {
    let scan = scan_utf8(reopen()?)?;
    let detected = |encoding| Decision {
        encoding,
        how: How::Detected,
        bom: 0,
        text_len: scan.len,
    };
    let Some(first_bad) = scan.first_bad else {
        return Ok(detected(UTF_8));
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
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut input = reopen()?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = read_full(&mut input, &mut buf)?;
        detector.feed(&buf[..n], n == 0);
        if n == 0 {
            break;
        }
    }
    let decision = detected(detector.guess(None, chardetng::Utf8Detection::Deny));
    let text_len = check(reopen, decision)?;
    Ok(Decision {
        text_len,
        ..decision
    })
}

struct Utf8Scan {
    /// Byte offset of the first invalid sequence.
    first_bad: Option<u64>,
    invalid: u64,
    valid_multibyte: u64,
    len: u64,
}

fn scan_utf8(mut input: impl Read) -> io::Result<Utf8Scan> {
    let mut scan = Utf8Scan {
        first_bad: None,
        invalid: 0,
        valid_multibyte: 0,
        len: 0,
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0usize;
    let mut offset = 0u64;
    loop {
        let n = read_full(&mut input, &mut buf[carry..])?;
        let end = carry + n;
        let last = n == 0;
        let mut at = 0;
        while at < end {
            // Most files are ASCII throughout: then there is nothing to count. (Nor lines:
            // the line of a bad byte is counted once there is one, see `line_at`.)
            if buf[at..end].is_ascii() {
                at = end;
                break;
            }
            let (good, bad) = match std::str::from_utf8(&buf[at..end]) {
                Ok(text) => (text, None),
                Err(e) => (
                    std::str::from_utf8(&buf[at..at + e.valid_up_to()]).unwrap_or_default(),
                    Some(e),
                ),
            };
            scan.valid_multibyte += good.bytes().filter(|&b| b >= 0xC0).count() as u64;
            at += good.len();
            let Some(e) = bad else { break };
            match e.error_len() {
                // Cut at the buffer's end: finish it with the next read.
                None if !last => break,
                len => {
                    scan.invalid += 1;
                    scan.first_bad.get_or_insert(offset + at as u64);
                    at += len.unwrap_or(end - at);
                }
            }
        }
        buf.copy_within(at..end, 0);
        carry = end - at;
        offset += at as u64;
        if last {
            scan.len = offset + carry as u64;
            return Ok(scan);
        }
    }
}

/// Decodes the whole file once, without replacement, so an undecodable byte is found before
/// any row is used; returns the length of the text in UTF-8.
fn check<R: Read>(
    reopen: &mut impl FnMut() -> io::Result<R>,
    decision: Decision,
) -> Result<u64, EncodingError> {
    let hint = match decision.how {
        How::Forced => "; check --encoding",
        _ => "; name the file's encoding with --encoding",
    };
    let mut input = reopen()?;
    // UTF-8 (a "CSV UTF-8" file from Excel has a mark) is validated without decoding a copy.
    if decision.encoding == UTF_8 {
        io::copy(&mut (&mut input).take(decision.bom as u64), &mut io::sink())?;
        let scan = scan_utf8(input)?;
        return match scan.first_bad {
            None => Ok(scan.len),
            Some(bad) => {
                let byte = bad + decision.bom as u64;
                Err(EncodingError::Undecodable {
                    encoding: UTF_8.name(),
                    line: line_at(reopen()?, byte)?,
                    byte,
                    hint,
                })
            }
        };
    }
    let mut decoder = decision.encoding.new_decoder_without_bom_handling();
    let mut skip = decision.bom;
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = String::with_capacity(3 * 64 * 1024 + 16);
    let (mut line, mut byte, mut text_len) = (1u64, 0u64, 0u64);
    loop {
        let n = read_full(&mut input, &mut buf)?;
        let last = n == 0;
        let mut chunk = &buf[..n];
        let cut = skip.min(chunk.len());
        chunk = &chunk[cut..];
        skip -= cut;
        byte += cut as u64;
        loop {
            out.clear();
            let (result, read) =
                decoder.decode_to_string_without_replacement(chunk, &mut out, last);
            line += out.bytes().filter(|&b| b == b'\n').count() as u64;
            text_len += out.len() as u64;
            byte += read as u64;
            chunk = &chunk[read..];
            match result {
                encoding_rs::DecoderResult::InputEmpty => break,
                encoding_rs::DecoderResult::OutputFull => continue,
                encoding_rs::DecoderResult::Malformed(bad, _) => {
                    return Err(EncodingError::Undecodable {
                        encoding: decision.encoding.name(),
                        line,
                        byte: byte - u64::from(bad),
                        hint,
                    });
                }
            }
        }
        if last {
            return Ok(text_len);
        }
    }
}

/// The line of the byte at `offset`: one more than the line ends before it.
fn line_at(mut input: impl Read, offset: u64) -> io::Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut line, mut at) = (1u64, 0u64);
    while at < offset {
        let n = read_full(&mut input, &mut buf)?;
        if n == 0 {
            break;
        }
        let upto = (n as u64).min(offset - at) as usize;
        line += memchr::memchr_iter(b'\n', &buf[..upto]).count() as u64;
        at += n as u64;
    }
    Ok(line)
}

/// Reads until `buf` is full or the input ends; 0 only at the end.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A reader giving the file as UTF-8, whatever its encoding (after [`decide`] checked it all).
pub(crate) struct Utf8Reader<R> {
    input: R,
    decoder: encoding_rs::Decoder,
    skip: usize,
    raw: Vec<u8>,
    raw_at: usize,
    raw_end: usize,
    out: Vec<u8>,
    out_at: usize,
    done: bool,
}

impl<R: Read> Utf8Reader<R> {
    pub(crate) fn new(input: R, decision: Decision) -> Self {
        Utf8Reader {
            input,
            decoder: decision.encoding.new_decoder_without_bom_handling(),
            skip: decision.bom,
            raw: vec![0; 64 * 1024],
            raw_at: 0,
            raw_end: 0,
            out: Vec::new(),
            out_at: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_at == self.out.len() && !self.done {
            if self.raw_at == self.raw_end {
                self.raw_end = read_full(&mut self.input, &mut self.raw)?;
                self.raw_at = 0;
                let cut = self.skip.min(self.raw_end);
                self.raw_at = cut;
                self.skip -= cut;
            }
            let last = self.raw_end == 0;
            let input = &self.raw[self.raw_at..self.raw_end];
            let room = self
                .decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3 + 16);
            self.out.clear();
            self.out.resize(room, 0);
            self.out_at = 0;
            let (_, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.out, last);
            self.out.truncate(written);
            self.raw_at += read;
            self.done = last;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

/// `text` in the file's encoding, for writing rows back as they came (the rejects file).
pub(crate) fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    if encoding == UTF_16LE {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    } else if encoding == UTF_16BE {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    } else {
        // encoding_rs writes UTF-16 as UTF-8 (WHATWG), handled above; every other encoding
        // maps back what it decoded.
        encoding.encode(text).0.into_owned()
    }
}

/// The byte-order mark a file in `encoding` starts with, when the input had one.
pub(crate) fn bom(encoding: &'static Encoding) -> &'static [u8] {
    if encoding == UTF_16LE {
        b"\xFF\xFE"
    } else if encoding == UTF_16BE {
        b"\xFE\xFF"
    } else if encoding == UTF_8 {
        b"\xEF\xBB\xBF"
    } else {
        b""
    }
}

#[cfg(test)]
mod tests;
