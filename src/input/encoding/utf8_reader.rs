//! The way back and forth between a file's encoding and the UTF-8 the rows are read in:
//! a reader that decodes as it goes, and the encoding of a row written back (the rejects).

use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::Decision;
use super::scan::read_full;

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
