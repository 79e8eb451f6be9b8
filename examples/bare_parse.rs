//! The parse limit: how fast the `csv` crate alone reads a file, for `bench/run.sh`.
//!
//! Reads FILE with `csv::ReaderBuilder` into one reused `ByteRecord` and counts the records (the
//! header included in none: it is read as the header). No validation, no allocation per row.
//!
//!     cargo run --release --example bare_parse -- FILE.csv

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: bare_parse FILE.csv");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(&path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("bare_parse: {e}");
            return ExitCode::from(2);
        }
    };
    let mut record = csv::ByteRecord::new();
    let mut records: u64 = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => records += 1,
            Ok(false) => break,
            Err(e) => {
                eprintln!("bare_parse: {e}");
                return ExitCode::from(2);
            }
        }
    }
    println!("{records} records");
    ExitCode::SUCCESS
}
