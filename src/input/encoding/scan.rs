//! Reading a file's bytes through once: whether it is UTF-8 throughout, whether the chosen
//! encoding decodes all of it, and at which line a bad byte sits.

use std::io::{self, Read};

use encoding_rs::UTF_8;

use super::{Decision, EncodingError, How};

pub(super) struct Utf8Scan {
    /// Byte offset of the first invalid sequence.
    pub(super) first_bad: Option<u64>,
    pub(super) invalid: u64,
    pub(super) valid_multibyte: u64,
    pub(super) len: u64,
}

pub(super) fn scan_utf8(mut input: impl Read) -> io::Result<Utf8Scan> {
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
pub(super) fn check<R: Read>(
    reopen: &mut impl FnMut() -> io::Result<R>,
    decision: Decision,
) -> Result<u64, EncodingError> {
    let hint = match decision.how {
        How::Forced => "; check --encoding",
        How::Profile => "; check the profile's encoding",
        How::Bom | How::Detected | How::Locale(_) => "; name the file's encoding with --encoding",
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
pub(super) fn line_at(mut input: impl Read, offset: u64) -> io::Result<u64> {
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
pub(super) fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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
