//! How a plan is laid out for a person: the file's parts one field a line, and each row on a
//! line of its own (`{"seq": 0, "row": 2, "number": "1001", …}`), so a reviewer reads, greps
//! and diffs a plan row by row, and a plan of 20,000 adds is not 20,000 screens of braces.
//! A `serde_json` formatter: what is written is plain JSON, read back by any JSON reader.

use std::io::{self, Write};

use serde_json::ser::Formatter;

/// Containers nested deeper than this (a row, its changes) are written on one line.
const ONE_LINE_BELOW: usize = 3;

#[derive(Default)]
pub(super) struct ReviewLayout {
    /// The nesting of the container being written (1 for the file's object).
    depth: usize,
    has_value: bool,
}

impl ReviewLayout {
    fn one_line(&self) -> bool {
        self.depth > ONE_LINE_BELOW
    }

    fn begin<W: ?Sized + Write>(&mut self, writer: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        let was_one_line = self.one_line();
        self.depth -= 1;
        if self.has_value && !was_one_line {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(close)
    }

    fn next<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        match (self.one_line(), first) {
            (true, true) => Ok(()),
            (true, false) => writer.write_all(b", "),
            (false, first) => {
                writer.write_all(if first { b"\n" } else { b",\n" })?;
                indent(writer, self.depth)
            }
        }
    }
}

fn indent<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    (0..depth).try_for_each(|_| writer.write_all(b"  "))
}

impl Formatter for ReviewLayout {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
