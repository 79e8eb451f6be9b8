//! ODS files saved by Gnumeric (`ssconvert`) indent their `content.xml`: a table row holds
//! line breaks and spaces between its cells. calamine's ODS reader wants nothing but cells
//! there and stops with "Expecting 'table-cell', found 'Text(...)'". ODF collapses such
//! white space anyway (a paragraph's own spaces are `<text:s/>`, its line breaks
//! `<text:line-break/>`), so a text node of nothing but white space with a line break in it
//! is layout, never a cell's value: this drops those nodes and hands calamine the archive
//! again, the other parts as they were. Only tried when calamine refused the file as it is,
//! and the parts were already held to the limits (`limits.rs`) before.

use std::io::{Cursor, Read, Seek, Write};

use quick_xml::events::Event;
use quick_xml::{Reader, Writer};
use zip::ZipArchive;
use zip::write::{SimpleFileOptions, ZipWriter};

/// The archive with `content.xml`'s indentation dropped; `None` if it cannot be rebuilt
/// (the caller then reports calamine's own error).
pub(super) fn without_indentation<R: Read + Seek>(reader: R) -> Option<Cursor<Vec<u8>>> {
    let mut archive = ZipArchive::new(reader).ok()?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).ok()?;
        let name = part.name().ok()?.into_owned();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).ok()?;
        if name == "content.xml" {
            bytes = tidy_xml(&bytes)?;
        }
        out.start_file(name, stored).ok()?;
        out.write_all(&bytes).ok()?;
    }
    let mut cursor = out.finish().ok()?;
    cursor.set_position(0);
    Some(cursor)
}

/// The document without its indentation (white-space text holding a line break).
fn tidy_xml(xml: &[u8]) -> Option<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len()));
    loop {
        match reader.read_event().ok()? {
            Event::Eof => break,
            Event::Text(text) if is_indentation(&text) => {}
            event => writer.write_event(event).ok()?,
        }
    }
    Some(writer.into_inner())
}

fn is_indentation(text: &str) -> bool {
    text.contains('\n') && text.bytes().all(|b| b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_goes_and_a_cells_own_spaces_stay() {
        let xml = b"<r>\n  <c><p>a b</p></c>\n  <c><p> </p></c>\n</r>";
        let tidy = tidy_xml(xml).unwrap();
        assert_eq!(
            String::from_utf8(tidy).unwrap(),
            "<r><c><p>a b</p></c><c><p> </p></c></r>"
        );
    }
}
