//! Our own error codes, for failures that have no code of the API's: listed in
//! docs/REFERENCE.md, so scripts may match them, each with what to try.

/// Our own error codes. The API's codes (`10006`, `ERROR_ILLEGAL_ARGUMENT`) are passed through
/// as they are; these cover everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Code {
    /// A required cell is blank.
    MissingField,
    /// A cell breaks its field's rule.
    BadValue,
    /// A cell is needed because of another cell (a forward to Mobile Number needs `mobile`).
    NeedsField,
    /// The number already appears in an earlier row of the file.
    DuplicateNumber,
    /// A value that must be unique (an e-mail address) already appears in an earlier row.
    DuplicateValue,
    /// A rename would land on a number another row uses.
    RenameConflict,
    /// A cell is not valid UTF-8.
    NotUtf8,
    /// The row has more cells than the header has columns.
    ExtraCells,
    /// The row needs an operation the API does not have (adding through yeastar-v1).
    NotSupported,
    /// The PBX has no such extension (Verba's getExtension answered OK without one).
    NotFound,
    /// No user has the login name a row gives (Verba's `userloginname`), or it names another
    /// user than the row's `userid`.
    UnknownUser,
    /// The PBX did not answer within `--timeout`.
    Timeout,
    /// The connection failed or was dropped.
    Connection,
    /// The PBX answered with an HTTP error status.
    HttpStatus,
    /// The PBX's answer could not be read.
    BadResponse,
    /// A SOAP service answered with a fault (its faultstring is in the message).
    SoapFault,
    /// The row was not attempted because the run was stopped.
    Aborted,
    /// The PBX answered with a redirect, which is never followed.
    Redirect,
    /// The TLS handshake failed (certificate not trusted, wrong name, expired).
    Tls,
    /// The file ends inside this row (no line end and too few cells, or an open quote).
    TruncatedRow,
    /// The PBX lists a number that breaks the key's rule; it is not touched.
    BadNumber,
    /// The `--map` mapping cannot fill the row (a template names a blank cell, a value is not
    /// in its value table).
    Mapping,
    /// A row in a vendor's layout has another number of fields than the header.
    FieldCount,
    /// A row has no number, matches no extension (`--match`), and no number is handed out.
    NoNumber,
    /// Two rows, or two extensions, have the row's `--match` key: nothing is guessed.
    AmbiguousMatch,
    /// `--assign-numbers`: every number of the ranges is taken.
    NoFreeNumber,
    /// A bug in pbxbulk ended this row's sending (it panicked); the run went on without it.
    Internal,
}

impl Code {
    pub(crate) const ALL: [Code; 27] = [
        Code::MissingField,
        Code::BadValue,
        Code::NeedsField,
        Code::DuplicateNumber,
        Code::DuplicateValue,
        Code::RenameConflict,
        Code::NotUtf8,
        Code::ExtraCells,
        Code::NotSupported,
        Code::NotFound,
        Code::UnknownUser,
        Code::Timeout,
        Code::Connection,
        Code::HttpStatus,
        Code::BadResponse,
        Code::SoapFault,
        Code::Aborted,
        Code::Redirect,
        Code::Tls,
        Code::TruncatedRow,
        Code::BadNumber,
        Code::Mapping,
        Code::FieldCount,
        Code::NoNumber,
        Code::AmbiguousMatch,
        Code::NoFreeNumber,
        Code::Internal,
    ];

    /// Our code spelled `text` (as in the report's `error_code`); `None` for the API's own.
    pub(crate) fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }

    /// What a person can do about a row with this code (docs/REFERENCE.md's table of codes
    /// says what each means; this says what to try).
    pub(crate) fn hint(self) -> &'static str {
        match self {
            Code::MissingField => {
                "a required cell is blank: fill it in and import the rejects file"
            }
            Code::BadValue => {
                "a cell breaks its field's rule (the message names both): pbxbulk template \
                 --describe lists every rule"
            }
            Code::NeedsField => {
                "another cell needs this one (a forward to a mobile number needs mobile): fill in \
                 the field named"
            }
            Code::DuplicateNumber => "the number is already in an earlier row: keep one of them",
            Code::DuplicateValue => {
                "a value that must be unique (an e-mail address) is already in an earlier row: \
                 keep it on one row"
            }
            Code::RenameConflict => {
                "a rename would land on a number another row uses: choose a free one"
            }
            Code::NotUtf8 => {
                "a cell cannot be read in the file's encoding (the file changed while it was \
                 read): run again, or give --encoding"
            }
            Code::ExtraCells => {
                "a cell has a value under no column: remove it, or give the column a header"
            }
            Code::NotSupported => {
                "this API cannot do what the row needs (an add where it can only update): do it on \
                 the PBX by hand"
            }
            Code::NotFound => {
                "the PBX has no such extension: --mode upsert or sync adds it instead"
            }
            Code::UnknownUser => {
                "no user (or more than one) has the row's login name, or it names another user \
                 than the row's: check the user on the PBX"
            }
            Code::Timeout => {
                "no answer within --timeout: the PBX is slow or busy; raise --timeout or lower \
                 --rate, then import the rejects file"
            }
            Code::Connection => {
                "the connection failed: check the network and --url, then import the rejects file"
            }
            Code::HttpStatus => {
                "the PBX answered with an HTTP error (the message has the status): 429 and 5xx are \
                 retried; raise --retries or lower --rate"
            }
            Code::BadResponse => "the PBX's answer could not be read: check --url and --api",
            Code::SoapFault => {
                "the service answered with a SOAP fault: its faultcode and faultstring are in the \
                 message"
            }
            Code::Aborted => {
                "the run stopped before this row was finished: run the same command again with \
                 --resume"
            }
            Code::Internal => {
                "a bug in pbxbulk ended this row's sending (please report it): check the \
                 extension on the PBX, then import the rejects file"
            }
            Code::Redirect => {
                "the PBX answered with a redirect, never followed: give --url the address the \
                 message names"
            }
            Code::Tls => {
                "the TLS handshake failed: give the PBX's certificate with --ca-cert (or \
                 --insecure)"
            }
            Code::TruncatedRow => {
                "the file ends inside this row (an interrupted copy): get the whole file again"
            }
            Code::BadNumber => {
                "the PBX lists a number that breaks the key's rule; it is never deleted: fix it on \
                 the PBX"
            }
            Code::Mapping => {
                "the --map mapping cannot fill the row (a template names a blank cell, or a value \
                 is not in its table): fix the cell or the mapping"
            }
            Code::FieldCount => {
                "the row has more or fewer fields than the header has columns (a stray comma, a \
                 cut line): fix the row"
            }
            Code::NoNumber => {
                "the row has no number and matches no extension: give --assign-numbers FROM-TO, \
                 or fill the number"
            }
            Code::AmbiguousMatch => {
                "two rows, or two extensions, share the row's --match key: make it unique in the \
                 file and on the PBX"
            }
            Code::NoFreeNumber => {
                "every number of --assign-numbers is taken: give a wider or another range"
            }
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::MissingField => "MISSING_FIELD",
            Code::BadValue => "BAD_VALUE",
            Code::NeedsField => "NEEDS_FIELD",
            Code::DuplicateNumber => "DUPLICATE_NUMBER",
            Code::DuplicateValue => "DUPLICATE_VALUE",
            Code::RenameConflict => "RENAME_CONFLICT",
            Code::NotUtf8 => "NOT_UTF8",
            Code::ExtraCells => "EXTRA_CELLS",
            Code::NotSupported => "NOT_SUPPORTED",
            Code::NotFound => "NOT_FOUND",
            Code::UnknownUser => "UNKNOWN_USER",
            Code::Timeout => "TIMEOUT",
            Code::Connection => "CONNECTION",
            Code::HttpStatus => "HTTP_STATUS",
            Code::BadResponse => "BAD_RESPONSE",
            Code::SoapFault => "SOAP_FAULT",
            Code::Aborted => "ABORTED",
            Code::Redirect => "REDIRECT",
            Code::Tls => "TLS",
            Code::TruncatedRow => "TRUNCATED_ROW",
            Code::BadNumber => "BAD_NUMBER",
            Code::Mapping => "MAPPING",
            Code::FieldCount => "FIELD_COUNT",
            Code::NoNumber => "NO_NUMBER",
            Code::AmbiguousMatch => "AMBIGUOUS_MATCH",
            Code::NoFreeNumber => "NO_FREE_NUMBER",
            Code::Internal => "INTERNAL",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_reads_back_from_its_report_spelling_and_says_what_to_try() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(!code.hint().is_empty(), "{code}");
        }
        // The PBX's own codes are not ours.
        assert_eq!(Code::parse("10006"), None);
    }
}
