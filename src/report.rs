//! The input contract (`shared/report-format/README.md`) as Rust types, and the JSON reader that
//! fills them.
//!
//! These types are deliberately loose: every field is optional and unknown fields are ignored,
//! so a report is read in one pass whatever its producer added. Whether a field is required, and
//! what its value may be, is checked afterwards by [`crate::plan`], which knows the JSON path of
//! every value and so can name it in an error.
//!
//! `expected` and `actual` hold different objects depending on the diff kind (a Table, a Column,
//! a ForeignKey, `{name}`, `{values}` …). They are all read into one [`Payload`] holding the union
//! of those fields; `columns` is either a list of Column objects (a Table) or of names (keys and
//! indexes), and [`ColumnEntry`] accepts both.
//!
//! The reader ([`from_json`]) is written by hand for these types: one pass over the bytes, keys
//! matched as bytes, strings borrowed from the text unless they hold escapes, unknown values
//! skipped without recursion. It reads what serde_json read into the serde-derived types it
//! replaces, and fails where and as they failed, with the same messages ("invalid type: integer
//! \`5\`, expected a string at line 1 column 12") and positions; the error's path is the JSON
//! path of the value where reading stopped, known as the reader goes (and found by a scan of the
//! skipped text inside a skipped value). Where it differs: an array where an object is expected is
//! an invalid type (serde-derived types read it as the fields in order), an error inside a key
//! names the object, not the broken key, and numbers past the precision of an `f64` print as
//! written ([`number_string`]).

use serde::de::IgnoredAny;
use std::borrow::Cow;

#[derive(Debug, Default)]
pub struct Report<'a> {
    pub workflow: Option<Str<'a>>,
    pub version: Option<Str<'a>>,
    pub report_format: Option<Str<'a>>,
    pub run_id: Option<Str<'a>>,
    pub status: Option<Str<'a>>,
    pub timestamps: Option<Timestamps<'a>>,
    pub scope: Option<Scope<'a>>,
    /// Only counted: each finding is skipped unread.
    pub results: Option<Vec<IgnoredAny>>,
    pub diffs: Option<Vec<Diff<'a>>>,
}

#[derive(Debug, Default)]
pub struct Timestamps<'a> {
    pub finished_at: Option<Str<'a>>,
}

#[derive(Debug, Default)]
pub struct Scope<'a> {
    pub spec_path: Option<Str<'a>>,
    pub spec_id: Option<Str<'a>>,
    pub dialect: Option<Str<'a>>,
    pub default_schema: Option<Str<'a>>,
}

#[derive(Debug, Default)]
pub struct Diff<'a> {
    pub id: Option<Str<'a>>,
    pub kind: Option<Str<'a>>,
    pub object: Option<Object<'a>>,
    // Boxed: a diff carries one or two of them, and most of a large report's diffs are kept
    // together in one list while it is read.
    pub expected: Option<Box<Payload<'a>>>,
    pub actual: Option<Box<Payload<'a>>>,
}

#[derive(Debug, Default)]
pub struct Object<'a> {
    pub schema: Option<Str<'a>>,
    pub table: Option<Str<'a>>,
    pub column: Option<Str<'a>>,
    /// `enum`
    pub enum_name: Option<Str<'a>>,
    pub constraint: Option<Str<'a>>,
    pub index: Option<Str<'a>>,
}

/// The union of the fields of Table, Column, ForeignKey, Unique, Index, Check, Enum, primary
/// key and `{name}`. A Column inside a Table's `columns` is a Payload too.
#[derive(Debug, Default, Clone)]
pub struct Payload<'a> {
    pub name: Option<Str<'a>>,
    pub comment: Option<Str<'a>>,
    // Table
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    pub primary_key: Option<Key<'a>>,
    pub foreign_keys: Option<Vec<ForeignKey<'a>>>,
    pub unique_constraints: Option<Vec<Key<'a>>>,
    pub indexes: Option<Vec<Index<'a>>>,
    pub checks: Option<Vec<Check<'a>>>,
    // Column (MySQL's enum_values_mismatch carries a whole Column plus `values`)
    /// `type`
    pub type_name: Option<Str<'a>>,
    pub nullable: Option<bool>,
    /// `None`: the key is absent; `Some(None)`: `"default": null`.
    pub default: Option<Option<Default<'a>>>,
    pub identity: Option<Str<'a>>,
    pub auto_increment: Option<bool>,
    /// Set by reports for `serial` columns: identity by default, but not a real identity column.
    pub serial: Option<bool>,
    /// `enum`
    pub enum_name: Option<Str<'a>>,
    pub enum_values: Option<Vec<Str<'a>>>,
    // ForeignKey
    pub references: Option<References<'a>>,
    pub on_delete: Option<Str<'a>>,
    pub on_update: Option<Str<'a>>,
    // Index
    pub unique: Option<bool>,
    // Check
    pub expression: Option<Str<'a>>,
    // Enum
    pub values: Option<Vec<Str<'a>>>,
}

#[derive(Debug, Clone)]
pub struct Default<'a> {
    pub kind: Option<Str<'a>>,
    /// `None`: the key is absent; `Some(Value::Null)`: `"value": null`.
    pub value: Option<Value<'a>>,
}

/// A JSON value read whole: a Default's `value`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// The number's JSON text, exactly as the report spells it (checked: valid, and within the
    /// range of an `f64`). [`number_string`] prints it as serde_json would.
    Number(&'a str),
    String(Str<'a>),
    Array(Vec<Value<'a>>),
    /// The members in the order of the text, repeated keys included; [`Value::to_json`] keeps
    /// the last of each, as a JSON object read into a map does.
    Object(Vec<(Str<'a>, Value<'a>)>),
}

#[derive(Debug, Default, Clone)]
pub struct Key<'a> {
    pub name: Option<Str<'a>>,
    pub columns: Option<Vec<ColumnEntry<'a>>>,
}

#[derive(Debug, Default, Clone)]
pub struct ForeignKey<'a> {
    pub name: Option<Str<'a>>,
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    pub references: Option<References<'a>>,
    pub on_delete: Option<Str<'a>>,
    pub on_update: Option<Str<'a>>,
}

#[derive(Debug, Default, Clone)]
pub struct References<'a> {
    pub schema: Option<Str<'a>>,
    pub table: Option<Str<'a>>,
    pub columns: Option<Vec<ColumnEntry<'a>>>,
}

#[derive(Debug, Default, Clone)]
pub struct Index<'a> {
    pub name: Option<Str<'a>>,
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    pub unique: Option<bool>,
}

#[derive(Debug, Default, Clone)]
pub struct Check<'a> {
    pub name: Option<Str<'a>>,
    pub expression: Option<Str<'a>>,
}

/// A Column inside a Table's `columns`. Its own type, not a [`Payload`], so that no report — or
/// cyclic JS object — can nest tables inside columns: the types have a fixed depth.
#[derive(Debug, Default, Clone)]
pub struct Column<'a> {
    pub name: Option<Str<'a>>,
    pub comment: Option<Str<'a>>,
    /// `type`
    pub type_name: Option<Str<'a>>,
    pub nullable: Option<bool>,
    pub default: Option<Option<Default<'a>>>,
    pub identity: Option<Str<'a>>,
    pub auto_increment: Option<bool>,
    pub serial: Option<bool>,
    /// `enum`
    pub enum_name: Option<Str<'a>>,
    pub enum_values: Option<Vec<Str<'a>>>,
    pub values: Option<Vec<Str<'a>>>,
}

impl<'a> Payload<'a> {
    /// The Column fields of a diff's `expected` or `actual`.
    pub fn column(&self) -> Column<'a> {
        Column {
            name: self.name.clone(),
            comment: self.comment.clone(),
            type_name: self.type_name.clone(),
            nullable: self.nullable,
            default: self.default.clone(),
            identity: self.identity.clone(),
            auto_increment: self.auto_increment,
            serial: self.serial,
            enum_name: self.enum_name.clone(),
            enum_values: self.enum_values.clone(),
            values: self.values.clone(),
        }
    }
}

/// A string of the report: borrowed from the JSON text, or owned when the text spells it with
/// escapes. Reading a large report so allocates little beyond its structure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Str<'static> {
    fn from(s: &str) -> Self {
        Str(Cow::Owned(s.to_string()))
    }
}

/// An element of `columns`: a name (keys, indexes) or a whole Column (tables).
#[derive(Debug, Clone)]
pub enum ColumnEntry<'a> {
    Name(Str<'a>),
    Column(Box<Column<'a>>),
}

/// The largest report read, in bytes of JSON text.
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// How deep values may nest, counting every array and object from the report itself down:
/// serde_json's recursion limit, which the reader this one replaced had.
const MAX_DEPTH: usize = 128;

/// Reads a report from JSON text. On failure the error names the JSON path where reading stopped.
/// Nesting is bounded at 128 levels where values are read (skipped values may nest freely);
/// size by [`MAX_REPORT_BYTES`].
pub fn from_json(text: &str) -> crate::Result<Report<'_>> {
    check_text(text)?;
    let mut reader = Reader::new(text);
    reader
        .report()
        .and_then(|report| reader.end().map(|()| report))
        .map_err(|fail| fail.into_error(text))
}

/// A report's text too large, empty or not an object, refused before it is read.
fn check_text(text: &str) -> crate::Result<()> {
    if text.len() > MAX_REPORT_BYTES {
        return Err(crate::Error::new(
            crate::ErrorCode::TooLarge,
            format!(
                "the report is {} bytes; the generator reads at most {} bytes (64 MiB)",
                text.len(),
                MAX_REPORT_BYTES
            ),
        )
        .at("$"));
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{') => {}
        None => {
            return Err(
                crate::Error::new(crate::ErrorCode::InvalidJson, "the report is empty").at("$"),
            )
        }
        Some(_) => {
            // Any JSON value but an object is refused as such; text that is not JSON gets the
            // error of reading it as a report.
            let mut probe = Reader::new(text);
            if probe.ignore().and_then(|()| probe.end()).is_ok() {
                return Err(crate::Error::new(
                    crate::ErrorCode::InvalidValue,
                    "the report must be a JSON object",
                )
                .at("$"));
            }
        }
    }
    Ok(())
}

/// Receives a report's diffs one by one as they are read ([`from_json_streamed`]).
pub trait DiffSink<'a> {
    /// The report's `diffs` list opens; `head` holds the fields read before it.
    fn start(&mut self, head: &Report<'a>);
    /// Diff `index` of the list, read whole. The reader takes its allocations again for the
    /// diffs that follow.
    fn diff(&mut self, index: usize, diff: &Diff<'a>);
}

/// What [`from_json_streamed`] read of the diffs list it handed to its sink.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    /// How many diffs the sink was given, if a list was.
    pub diffs: Option<usize>,
    /// Whether a field of the report other than `diffs` (one [`Report`] holds) came after the
    /// list: the head the sink was given at the start lacks it.
    pub late: bool,
}

/// The report's fields other than `diffs`.
const HEAD_FIELDS: [&[u8]; 8] = [
    b"workflow",
    b"version",
    b"report_format",
    b"run_id",
    b"status",
    b"timestamps",
    b"scope",
    b"results",
];

/// [`from_json`], handing each element of the report's `diffs` list to `sink` as soon as it is
/// read instead of keeping it: the report returned has no diffs. The same text gives the same
/// errors as [`from_json`].
pub fn from_json_streamed<'a>(
    text: &'a str,
    sink: &mut dyn DiffSink<'a>,
) -> crate::Result<(Report<'a>, Streamed)> {
    check_text(text)?;
    let mut reader = Reader::new(text);
    reader.sink = Some(sink);
    let report = reader
        .report()
        .and_then(|report| reader.end().map(|()| report))
        .map_err(|fail| fail.into_error(text))?;
    Ok((report, reader.streamed))
}

// ---------------------------------------------------------------------------------------------
// Errors

// serde_json's messages, which the reader's errors keep.
const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const OUT_OF_RANGE: &str = "number out of range";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_MUST_BE_STRING: &str = "key must be a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
const RECURSION_LIMIT: &str = "recursion limit exceeded";

enum Kind {
    /// Not JSON.
    Syntax(&'static str),
    /// The text ends inside a value: the error is at the end, and its path `$`.
    Eof(&'static str),
    /// JSON, but not what the report's types hold.
    Data(String),
    /// Nested deeper than [`MAX_DEPTH`].
    Depth,
}

/// Why and where reading stopped. `at` is the byte offset whose line and column the message
/// gives, counted as serde_json counts them; `path` grows as the error leaves each value, so it
/// lists the innermost segment first.
struct Fail {
    kind: Kind,
    at: usize,
    path: Vec<Seg>,
}

enum Seg {
    Key(String),
    Index(usize),
}

type Res<T> = Result<T, Box<Fail>>;

impl Fail {
    #[cold]
    #[inline(never)]
    fn key(mut self: Box<Self>, key: &str) -> Box<Self> {
        self.path.push(Seg::Key(key.to_string()));
        self
    }

    #[cold]
    #[inline(never)]
    fn index(mut self: Box<Self>, index: usize) -> Box<Self> {
        self.path.push(Seg::Index(index));
        self
    }

    #[cold]
    fn into_error(self, text: &str) -> crate::Error {
        use crate::ErrorCode;
        let (line, column) = line_column(text.as_bytes(), self.at);
        let (code, message) = match &self.kind {
            Kind::Syntax(m) | Kind::Eof(m) => (ErrorCode::InvalidJson, *m),
            Kind::Data(m) => (ErrorCode::InvalidValue, m.as_str()),
            Kind::Depth => (ErrorCode::TooLarge, RECURSION_LIMIT),
        };
        let mut path = String::from("$");
        if !matches!(self.kind, Kind::Eof(_)) {
            for seg in self.path.iter().rev() {
                match seg {
                    Seg::Key(k) => {
                        if !k.is_empty()
                            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        {
                            path.push('.');
                            path.push_str(k);
                        } else {
                            path.push_str(&format!("[{:?}]", k));
                        }
                    }
                    Seg::Index(i) => path.push_str(&format!("[{}]", i)),
                }
            }
        }
        crate::Error::new(code, format!("{message} at line {line} column {column}")).at(path)
    }
}

/// Line (1-based) and column of byte offset `at`, as serde_json reports them: the column counts
/// the bytes of the line before `at`, so it is the 1-based column of the last byte read.
fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
    (line, at - start)
}

// ---------------------------------------------------------------------------------------------
// The reader

struct Reader<'a, 's> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Arrays and objects open where values are read.
    depth: usize,
    /// The open arrays and objects of the value being skipped (`[` or `{`), reused.
    frames: Vec<u8>,
    /// Where the report's diffs go as they are read, until its `diffs` list opens.
    sink: Option<&'s mut dyn DiffSink<'a>>,
    /// What [`from_json_streamed`] tells of the streamed list.
    streamed: Streamed,
    /// The allocations of the diffs handed to the sink, for the next ones.
    spare: Spare<'a>,
}

/// Boxes and lists of streamed diffs, emptied, to be filled again: the diffs of a report are
/// mostly of one shape, so after the first few, reading one allocates nothing for them. Only
/// [`from_json_streamed`] puts anything here; they are at most what one diff used.
// The boxes are what is kept: the diffs hold their columns and payloads boxed.
#[allow(clippy::vec_box)]
#[derive(Default)]
struct Spare<'a> {
    columns: Vec<Box<Column<'a>>>,
    entries: Vec<Vec<ColumnEntry<'a>>>,
    payloads: Vec<Box<Payload<'a>>>,
    foreign_keys: Vec<Vec<ForeignKey<'a>>>,
    indexes: Vec<Vec<Index<'a>>>,
}

impl<'a> Spare<'a> {
    /// Keeps what `diff` allocated for the reports' common shapes, emptied; drops the rest.
    #[inline(never)]
    fn keep(&mut self, diff: Diff<'a>) {
        for payload in [diff.expected, diff.actual].into_iter().flatten() {
            self.keep_payload(payload);
        }
    }

    fn keep_payload(&mut self, mut p: Box<Payload<'a>>) {
        self.keep_entries(p.columns.take());
        if let Some(k) = p.primary_key.take() {
            self.keep_entries(k.columns);
        }
        for k in p.unique_constraints.iter_mut().flatten() {
            self.keep_entries(k.columns.take());
        }
        if let Some(mut fks) = p.foreign_keys.take() {
            for fk in fks.drain(..) {
                self.keep_entries(fk.columns);
                self.keep_entries(fk.references.and_then(|r| r.columns));
            }
            self.foreign_keys.push(fks);
        }
        if let Some(mut indexes) = p.indexes.take() {
            for index in indexes.drain(..) {
                self.keep_entries(index.columns);
            }
            self.indexes.push(indexes);
        }
        *p = Payload::default();
        self.payloads.push(p);
    }

    fn keep_entries(&mut self, list: Option<Vec<ColumnEntry<'a>>>) {
        let Some(mut list) = list else {
            return;
        };
        for entry in list.drain(..) {
            if let ColumnEntry::Column(mut c) = entry {
                *c = Column::default();
                self.columns.push(c);
            }
        }
        self.entries.push(list);
    }
}

/// Where a byte of a string ends the plain run: `"`, `\` or a control character.
#[inline]
fn plain_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // The lowest byte flagged is the first that is below 0x20, a quote or a backslash (the
        // bits above it may be false positives, never the bits below).
        let special = ((w.wrapping_sub(ONES * 0x20) & !w)
            | (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & HIGH;
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

fn hex_digit(b: u8) -> Option<u16> {
    match b {
        b'0'..=b'9' => Some(u16::from(b - b'0')),
        b'a'..=b'f' => Some(u16::from(b - b'a' + 10)),
        b'A'..=b'F' => Some(u16::from(b - b'A' + 10)),
        _ => None,
    }
}

/// `a * 10 + b` would overflow a number whose maximum is `max` (serde_json's test).
#[inline]
fn overflows(a: u64, b: u64, max: u64) -> bool {
    a >= max / 10 && (a > max / 10 || b > max % 10)
}

/// 1e289 to 1e308: a significand (below 2^64) times a smaller power of ten stays finite.
const POW10_HIGH: [f64; 20] = [
    1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301,
    1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
];

impl<'a, 's> Reader<'a, 's> {
    fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            frames: Vec::new(),
            sink: None,
            streamed: Streamed::default(),
            spare: Spare::default(),
        }
    }

    // Errors, positioned as serde_json positions them: `fail` after the last byte read,
    // `peek_fail` after the byte looked at but not read.

    #[cold]
    #[inline(never)]
    fn fail(&self, message: &'static str) -> Box<Fail> {
        Box::new(Fail {
            kind: Kind::Syntax(message),
            at: self.pos,
            path: Vec::new(),
        })
    }

    #[cold]
    #[inline(never)]
    fn peek_fail(&self, message: &'static str) -> Box<Fail> {
        Box::new(Fail {
            kind: Kind::Syntax(message),
            at: (self.pos + 1).min(self.bytes.len()),
            path: Vec::new(),
        })
    }

    #[cold]
    #[inline(never)]
    fn eof(&self, message: &'static str) -> Box<Fail> {
        Box::new(Fail {
            kind: Kind::Eof(message),
            at: self.bytes.len(),
            path: Vec::new(),
        })
    }

    #[cold]
    #[inline(never)]
    fn data(&self, message: String) -> Box<Fail> {
        Box::new(Fail {
            kind: Kind::Data(message),
            at: self.pos,
            path: Vec::new(),
        })
    }

    /// Skips JSON whitespace; the next byte, not read.
    #[inline]
    fn ws(&mut self) -> Option<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) if b > b' ' => Some(b),
            _ => self.ws_slow(),
        }
    }

    fn ws_slow(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\n' | b'\t' | b'\r' => self.pos += 1,
                _ => return Some(b),
            }
        }
        None
    }

    /// The rest of `null`, `true` or `false`, its first byte read.
    fn ident(&mut self, rest: &[u8]) -> Res<()> {
        for &expected in rest {
            match self.bytes.get(self.pos) {
                None => return Err(self.eof(EOF_VALUE)),
                Some(&b) => {
                    self.pos += 1;
                    if b != expected {
                        return Err(self.fail(EXPECTED_IDENT));
                    }
                }
            }
        }
        Ok(())
    }

    /// Opens an array or object (the byte at `pos`) where values are read.
    #[inline]
    fn enter(&mut self) -> Res<()> {
        if self.depth + 1 >= MAX_DEPTH {
            let mut fail = self.peek_fail(RECURSION_LIMIT);
            fail.kind = Kind::Depth;
            return Err(fail);
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// After the top-level value: nothing but whitespace.
    fn end(&mut self) -> Res<()> {
        match self.ws() {
            Some(_) => Err(self.peek_fail(TRAILING_CHARACTERS)),
            None => Ok(()),
        }
    }

    // Strings

    /// A string, its opening quote read: borrowed from the text unless it holds escapes.
    #[inline(always)]
    fn string(&mut self) -> Res<Str<'a>> {
        let start = self.pos;
        let end = plain_end(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Str(Cow::Borrowed(&self.text[start..end])));
        }
        self.escaped_string(start, end)
    }

    /// The rest of a string from its first escape (or error) at `i`, decoded into a new string.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, start: usize, mut i: usize) -> Res<Str<'a>> {
        let mut out = String::with_capacity(i - start + 16);
        let mut run = start;
        loop {
            match self.bytes.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.eof(EOF_STRING));
                }
                Some(b'"') => {
                    out.push_str(&self.text[run..i]);
                    self.pos = i + 1;
                    return Ok(Str(Cow::Owned(out)));
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..i]);
                    self.pos = i + 1;
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                Some(_) => {
                    self.pos = i + 1;
                    return Err(self.fail(CONTROL_CHARACTER));
                }
            }
            i = plain_end(self.bytes, self.pos);
        }
    }

    /// An escape, its backslash read.
    fn escape(&mut self, out: &mut String) -> Res<()> {
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.eof(EOF_STRING));
        };
        self.pos += 1;
        out.push(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\x08',
            b'f' => '\x0c',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let c = self.unicode_escape()?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.fail(INVALID_ESCAPE)),
        });
        Ok(())
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Res<u16> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            self.pos = self.bytes.len();
            return Err(self.eof(EOF_STRING));
        };
        self.pos += 4;
        let mut n = 0;
        for &d in digits {
            match hex_digit(d) {
                Some(v) => n = n << 4 | v,
                None => return Err(self.fail(INVALID_ESCAPE)),
            }
        }
        Ok(n)
    }

    /// `\uXXXX`, its `\u` read; a surrogate must be followed by its pair.
    fn unicode_escape(&mut self) -> Res<char> {
        let n = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.fail(LONE_SURROGATE));
        }
        if !(0xD800..=0xDBFF).contains(&n) {
            return Ok(char::from_u32(u32::from(n)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        for expected in [b'\\', b'u'] {
            match self.bytes.get(self.pos) {
                None => return Err(self.eof(EOF_STRING)),
                Some(&b) => {
                    self.pos += 1;
                    if b != expected {
                        return Err(self.fail(END_OF_HEX_ESCAPE));
                    }
                }
            }
        }
        let n2 = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&n2) {
            return Err(self.fail(LONE_SURROGATE));
        }
        let c = ((u32::from(n) - 0xD800) << 10 | (u32::from(n2) - 0xDC00)) + 0x1_0000;
        Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// A string skipped, its opening quote read: escapes are checked for form only (as
    /// serde_json checks ignored strings), so a lone surrogate passes.
    fn skip_string(&mut self) -> Res<()> {
        let mut i = self.pos;
        loop {
            i = plain_end(self.bytes, i);
            match self.bytes.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.eof(EOF_STRING));
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos = i + 1;
                    let Some(&b) = self.bytes.get(self.pos) else {
                        return Err(self.eof(EOF_STRING));
                    };
                    self.pos += 1;
                    match b {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            self.hex4()?;
                        }
                        _ => return Err(self.fail(INVALID_ESCAPE)),
                    }
                    i = self.pos;
                }
                Some(_) => {
                    // Where serde_json's `ignore_str` stops: at the control character.
                    self.pos = i;
                    return Err(self.fail(CONTROL_CHARACTER));
                }
            }
        }
    }

    // Numbers

    /// A number read as a value (serde_json's `parse_integer` and what follows), from its first
    /// digit, its `-` read: the same errors, out of range included, where serde_json's are.
    fn number(&mut self) -> Res<()> {
        let Some(&first) = self.bytes.get(self.pos) else {
            return Err(self.eof(EOF_VALUE));
        };
        self.pos += 1;
        let mut significand = 0;
        match first {
            b'0' => {
                if let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                    return Err(self.peek_fail(INVALID_NUMBER));
                }
            }
            b'1'..=b'9' => {
                significand = u64::from(first - b'0');
                while let Some(&c @ b'0'..=b'9') = self.bytes.get(self.pos) {
                    let digit = u64::from(c - b'0');
                    if overflows(significand, digit, u64::MAX) {
                        // Too long for a u64: the rest of the digits only scale it.
                        let mut exponent = 0i32;
                        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                            self.pos += 1;
                            exponent = exponent.saturating_add(1);
                        }
                        return self.number_rest(significand, exponent);
                    }
                    self.pos += 1;
                    significand = significand * 10 + digit;
                }
            }
            _ => return Err(self.fail(INVALID_NUMBER)),
        }
        match self.bytes.get(self.pos) {
            Some(b'.' | b'e' | b'E') => self.number_rest(significand, 0),
            _ => Ok(()),
        }
    }

    /// The fraction and exponent of a number, if any, then its range.
    fn number_rest(&mut self, mut significand: u64, mut exponent: i32) -> Res<()> {
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            let mut fraction_digits = 0;
            while let Some(&c @ b'0'..=b'9') = self.bytes.get(self.pos) {
                let digit = u64::from(c - b'0');
                if overflows(significand, digit, u64::MAX) {
                    // Further digits are ignored.
                    while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                        self.pos += 1;
                    }
                    fraction_digits = fraction_digits.max(1);
                    break;
                }
                self.pos += 1;
                significand = significand * 10 + digit;
                exponent = exponent.saturating_sub(1);
                fraction_digits += 1;
            }
            if fraction_digits == 0 {
                return Err(match self.bytes.get(self.pos) {
                    Some(_) => self.peek_fail(INVALID_NUMBER),
                    None => self.eof(EOF_VALUE),
                });
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            let positive = match self.bytes.get(self.pos) {
                Some(b'+') => {
                    self.pos += 1;
                    true
                }
                Some(b'-') => {
                    self.pos += 1;
                    false
                }
                _ => true,
            };
            let Some(&c) = self.bytes.get(self.pos) else {
                return Err(self.eof(EOF_VALUE));
            };
            self.pos += 1;
            if !c.is_ascii_digit() {
                return Err(self.fail(INVALID_NUMBER));
            }
            let mut exp = i32::from(c - b'0');
            while let Some(&c @ b'0'..=b'9') = self.bytes.get(self.pos) {
                self.pos += 1;
                let digit = i32::from(c - b'0');
                if overflows(exp as u64, digit as u64, i32::MAX as u64) {
                    // An exponent past i32: infinity (an error) or zero.
                    if significand != 0 && positive {
                        return Err(self.fail(OUT_OF_RANGE));
                    }
                    while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                        self.pos += 1;
                    }
                    return Ok(());
                }
                exp = exp * 10 + digit;
            }
            exponent = if positive {
                exponent.saturating_add(exp)
            } else {
                exponent.saturating_sub(exp)
            };
        }
        // serde_json's f64: significand × 10^exponent, infinite above f64::MAX.
        if significand != 0 && exponent >= 289 {
            let infinite = match POW10_HIGH.get((exponent - 289) as usize) {
                Some(&pow) => (significand as f64 * pow).is_infinite(),
                None => true,
            };
            if infinite {
                return Err(self.fail(OUT_OF_RANGE));
            }
        }
        Ok(())
    }

    /// A number skipped (serde_json's `ignore_integer`), from its first digit, its `-` read:
    /// checked for form only.
    fn skip_number(&mut self) -> Res<()> {
        let first = self.bytes.get(self.pos).copied();
        if first.is_some() {
            self.pos += 1;
        }
        match first {
            Some(b'0') => {
                if let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                    return Err(self.peek_fail(INVALID_NUMBER));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.fail(INVALID_NUMBER)),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            let start = self.pos;
            self.skip_digits();
            if self.pos == start {
                return Err(self.peek_fail(INVALID_NUMBER));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            let digit = self.bytes.get(self.pos).copied();
            if digit.is_some() {
                self.pos += 1;
            }
            if !digit.is_some_and(|d| d.is_ascii_digit()) {
                return Err(self.fail(INVALID_NUMBER));
            }
            self.skip_digits();
        }
        Ok(())
    }

    #[inline]
    fn skip_digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    // Skipping

    /// A value skipped, however deep, without recursion (serde_json's `ignore_value`). An error
    /// inside it is given the path inside it by [`Reader::skipped_path`].
    fn ignore(&mut self) -> Res<()> {
        let start = self.pos;
        self.skip().map_err(|mut fail| {
            if !matches!(fail.kind, Kind::Eof(_)) {
                // Up to the byte the error is about, not including it.
                let end = fail.at.saturating_sub(1);
                fail.path
                    .extend(self.skipped_path(start, end).into_iter().rev());
            }
            fail
        })
    }

    fn skip(&mut self) -> Res<()> {
        self.frames.clear();
        let mut enclosing = None;
        loop {
            let Some(peek) = self.ws() else {
                return Err(self.eof(EOF_VALUE));
            };
            let opened = match peek {
                b'"' => {
                    self.pos += 1;
                    self.skip_string()?;
                    None
                }
                b'n' => {
                    self.pos += 1;
                    self.ident(b"ull")?;
                    None
                }
                b't' => {
                    self.pos += 1;
                    self.ident(b"rue")?;
                    None
                }
                b'f' => {
                    self.pos += 1;
                    self.ident(b"alse")?;
                    None
                }
                b'-' => {
                    self.pos += 1;
                    self.skip_number()?;
                    None
                }
                b'0'..=b'9' => {
                    self.skip_number()?;
                    None
                }
                b'[' | b'{' => {
                    self.frames.extend(enclosing.take());
                    self.pos += 1;
                    Some(peek)
                }
                _ => return Err(self.peek_fail(EXPECTED_VALUE)),
            };
            let (mut accept_comma, mut frame) = match opened {
                Some(frame) => (false, frame),
                None => match enclosing.take().or_else(|| self.frames.pop()) {
                    Some(frame) => (true, frame),
                    None => return Ok(()),
                },
            };
            loop {
                match self.ws() {
                    Some(b',') if accept_comma => {
                        self.pos += 1;
                        break;
                    }
                    Some(b']') if frame == b'[' => {}
                    Some(b'}') if frame == b'{' => {}
                    Some(_) => {
                        if accept_comma {
                            return Err(self.peek_fail(if frame == b'[' {
                                EXPECTED_LIST_COMMA
                            } else {
                                EXPECTED_OBJECT_COMMA
                            }));
                        }
                        break;
                    }
                    None => {
                        return Err(self.eof(if frame == b'[' { EOF_LIST } else { EOF_OBJECT }));
                    }
                }
                self.pos += 1;
                match self.frames.pop() {
                    Some(f) => frame = f,
                    None => return Ok(()),
                }
                accept_comma = true;
            }
            if frame == b'{' {
                match self.ws() {
                    Some(b'"') => self.pos += 1,
                    Some(_) => return Err(self.peek_fail(KEY_MUST_BE_STRING)),
                    None => return Err(self.eof(EOF_OBJECT)),
                }
                self.skip_string()?;
                match self.ws() {
                    Some(b':') => self.pos += 1,
                    Some(_) => return Err(self.peek_fail(EXPECTED_COLON)),
                    None => return Err(self.eof(EOF_OBJECT)),
                }
            }
            enclosing = Some(frame);
        }
    }

    /// The path, outermost first, of where reading stopped (`end`) inside the value skipped from
    /// `start`: its text up to there is well-formed, so a small scan of brackets, commas and
    /// keys finds it.
    #[cold]
    #[inline(never)]
    fn skipped_path(&self, start: usize, end: usize) -> Vec<Seg> {
        enum Frame {
            Object(Option<String>),
            Array(usize),
        }
        let bytes = &self.bytes[..end.min(self.bytes.len())];
        let mut stack: Vec<Frame> = Vec::new();
        let mut expecting_key = false;
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'{' => {
                    stack.push(Frame::Object(None));
                    expecting_key = true;
                }
                b'[' => {
                    stack.push(Frame::Array(0));
                    expecting_key = false;
                }
                b'}' | b']' => {
                    stack.pop();
                    expecting_key = false;
                }
                b',' => match stack.last_mut() {
                    Some(Frame::Array(n)) => *n += 1,
                    Some(Frame::Object(key)) => {
                        *key = None;
                        expecting_key = true;
                    }
                    None => {}
                },
                b':' => expecting_key = false,
                b'"' => {
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != b'"' {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    if j >= bytes.len() {
                        // Reading stopped inside this string.
                        break;
                    }
                    if expecting_key {
                        if let Some(Frame::Object(key)) = stack.last_mut() {
                            let mut sub = Reader::new(self.text);
                            sub.pos = i + 1;
                            *key = Some(match sub.string() {
                                Ok(s) => s.0.into_owned(),
                                Err(_) => self.text[i + 1..j].to_string(),
                            });
                        }
                        expecting_key = false;
                    }
                    i = j;
                }
                _ => {}
            }
            i += 1;
        }
        stack
            .into_iter()
            .filter_map(|frame| match frame {
                Frame::Object(key) => key.map(Seg::Key),
                Frame::Array(n) => Some(Seg::Index(n)),
            })
            .collect()
    }

    // Values of the report's types

    /// `invalid type: …, expected …`, naming what is at `pos` as serde_json does (reading a
    /// scalar to name it, so a malformed one gives its own error instead).
    #[cold]
    #[inline(never)]
    fn invalid_type(&mut self, expected: &str) -> Box<Fail> {
        let found = match self.bytes.get(self.pos) {
            Some(b'n') => {
                self.pos += 1;
                if let Err(fail) = self.ident(b"ull") {
                    return fail;
                }
                "null".to_string()
            }
            Some(b't') => {
                self.pos += 1;
                if let Err(fail) = self.ident(b"rue") {
                    return fail;
                }
                "boolean `true`".to_string()
            }
            Some(b'f') => {
                self.pos += 1;
                if let Err(fail) = self.ident(b"alse") {
                    return fail;
                }
                "boolean `false`".to_string()
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                if self.bytes[start] == b'-' {
                    self.pos += 1;
                }
                if let Err(fail) = self.number() {
                    return fail;
                }
                let text = &self.text[start..self.pos];
                if integer_fits(text) {
                    format!("integer `{}`", text)
                } else {
                    format!("floating point `{}`", number_string(text))
                }
            }
            Some(b'"') => {
                self.pos += 1;
                match self.string() {
                    Ok(s) => format!("string {:?}", &*s),
                    Err(fail) => return fail,
                }
            }
            Some(b'[') => "sequence".to_string(),
            Some(b'{') => "map".to_string(),
            _ => return self.peek_fail(EXPECTED_VALUE),
        };
        self.data(format!("invalid type: {found}, expected {expected}"))
    }

    /// `:` after a key.
    #[inline]
    fn colon(&mut self) -> Res<()> {
        match self.ws() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_fail(EXPECTED_COLON)),
            None => Err(self.eof(EOF_OBJECT)),
        }
    }

    /// The members of an object, its `{` read, through its `}`: `member` reads each from after
    /// its key (the colon first). An error gets the key it is under.
    fn members(&mut self, mut member: impl FnMut(&mut Self, &Str<'a>) -> Res<()>) -> Res<()> {
        let mut first = true;
        let mut last: Option<Str<'a>> = None;
        loop {
            match self.ws() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return Err(self.eof(EOF_OBJECT)),
                Some(b) if first => {
                    first = false;
                    if b != b'"' {
                        return Err(self.peek_fail(KEY_MUST_BE_STRING));
                    }
                }
                Some(b',') => {
                    self.pos += 1;
                    match self.ws() {
                        Some(b'"') => {}
                        Some(b'}') => return Err(self.peek_fail(TRAILING_COMMA)),
                        Some(_) => return Err(self.peek_fail(KEY_MUST_BE_STRING)),
                        None => return Err(self.eof(EOF_VALUE)),
                    }
                }
                Some(_) => {
                    let fail = self.peek_fail(EXPECTED_OBJECT_COMMA);
                    return Err(match &last {
                        Some(key) => fail.key(key),
                        None => fail,
                    });
                }
            }
            self.pos += 1;
            let key = self.string()?;
            if let Err(fail) = member(self, &key) {
                return Err(fail.key(&key));
            }
            last = Some(key);
        }
    }

    /// The elements of an array, its `[` read, through its `]`: `element` reads each (and keeps
    /// it). An error gets its index.
    fn elements(&mut self, mut element: impl FnMut(&mut Self) -> Res<()>) -> Res<()> {
        let mut first = true;
        let mut index = 0;
        loop {
            match self.ws() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return Err(self.eof(EOF_LIST)),
                Some(_) if first => first = false,
                Some(b',') => {
                    self.pos += 1;
                    index += 1;
                    match self.ws() {
                        Some(b']') => return Err(self.peek_fail(TRAILING_COMMA).index(index)),
                        Some(_) => {}
                        None => return Err(self.eof(EOF_VALUE)),
                    }
                }
                Some(_) => return Err(self.peek_fail(EXPECTED_LIST_COMMA).index(index)),
            }
            if let Err(fail) = element(self) {
                return Err(fail.index(index));
            }
        }
    }

    /// A field's value, once: a second one is serde's `duplicate field` error. `read` reads it
    /// into `slot`.
    #[inline]
    fn field_in<S>(
        &mut self,
        seen: &mut u32,
        bit: u32,
        name: &'static str,
        slot: &mut S,
        read: impl FnOnce(&mut Self, &mut S) -> Res<()>,
    ) -> Res<()> {
        if *seen & (1 << bit) != 0 {
            return Err(self.duplicate(name));
        }
        *seen |= 1 << bit;
        self.colon()?;
        read(self, slot)
    }

    /// A field whose value `read` returns.
    #[inline]
    fn field<T>(
        &mut self,
        seen: &mut u32,
        bit: u32,
        name: &'static str,
        slot: &mut T,
        read: impl FnOnce(&mut Self) -> Res<T>,
    ) -> Res<()> {
        self.field_in(seen, bit, name, slot, |r, slot| {
            *slot = read(r)?;
            Ok(())
        })
    }

    #[cold]
    #[inline(never)]
    fn duplicate(&mut self, name: &str) -> Box<Fail> {
        self.ws();
        self.data(format!("duplicate field `{name}`"))
    }

    /// An unknown key's value, skipped.
    fn ignore_field(&mut self) -> Res<()> {
        self.colon()?;
        self.ignore()
    }

    fn opt_str(&mut self) -> Res<Option<Str<'a>>> {
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string().map(Some)
            }
            Some(b'n') => {
                self.pos += 1;
                self.ident(b"ull").map(|()| None)
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type("a string")),
        }
    }

    fn str_value(&mut self) -> Res<Str<'a>> {
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string()
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type("a string")),
        }
    }

    fn opt_bool(&mut self) -> Res<Option<bool>> {
        match self.ws() {
            Some(b't') => {
                self.pos += 1;
                self.ident(b"rue").map(|()| Some(true))
            }
            Some(b'f') => {
                self.pos += 1;
                self.ident(b"alse").map(|()| Some(false))
            }
            Some(b'n') => {
                self.pos += 1;
                self.ident(b"ull").map(|()| None)
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type("a boolean")),
        }
    }

    /// `null` (true: the value is None) or the `[` of a list, read.
    fn open_list(&mut self) -> Res<bool> {
        match self.ws() {
            Some(b'[') => {
                self.enter()?;
                Ok(false)
            }
            Some(b'n') => {
                self.pos += 1;
                self.ident(b"ull").map(|()| true)
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type("a sequence")),
        }
    }

    fn opt_list<T>(&mut self, element: impl FnMut(&mut Self) -> Res<T>) -> Res<Option<Vec<T>>> {
        self.opt_list_in(Vec::new(), element)
    }

    /// [`Reader::opt_list`], its elements pushed to `list` (empty; a spare one's room is used).
    fn opt_list_in<T>(
        &mut self,
        mut list: Vec<T>,
        mut element: impl FnMut(&mut Self) -> Res<T>,
    ) -> Res<Option<Vec<T>>> {
        if self.open_list()? {
            return Ok(None);
        }
        self.elements(|r| {
            list.push(element(r)?);
            Ok(())
        })?;
        self.depth -= 1;
        Ok(Some(list))
    }

    /// A list of objects, each read in place by `fields` into a value `init` makes, pushed to
    /// `list` (empty; a spare one's room is used).
    fn record_list<T>(
        &mut self,
        slot: &mut Option<Vec<T>>,
        list: Vec<T>,
        expected: &'static str,
        init: impl Fn() -> T,
        mut fields: impl FnMut(&mut Self, &mut T, &mut u32, &Str<'a>) -> Res<()>,
    ) -> Res<()> {
        if self.open_list()? {
            *slot = None;
            return Ok(());
        }
        let list = slot.insert(list);
        self.elements(|r| match r.ws() {
            Some(b'{') => {
                list.push(init());
                match list.last_mut() {
                    Some(value) => r.fill(value, &mut fields),
                    None => Ok(()),
                }
            }
            None => Err(r.eof(EOF_VALUE)),
            Some(_) => Err(r.invalid_type(expected)),
        })?;
        self.depth -= 1;
        Ok(())
    }

    /// An object or `null`, read in place by `fields` into a value `init` makes. Where
    /// serde-derived types also read an array as the fields in order, this refuses it as an
    /// invalid type.
    fn opt_record<T>(
        &mut self,
        slot: &mut Option<T>,
        expected: &'static str,
        init: impl FnOnce() -> T,
        fields: impl FnMut(&mut Self, &mut T, &mut u32, &Str<'a>) -> Res<()>,
    ) -> Res<()> {
        match self.ws() {
            Some(b'{') => {
                let value = slot.insert(init());
                self.fill(value, fields)
            }
            Some(b'n') => {
                self.pos += 1;
                *slot = None;
                self.ident(b"ull")
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type(expected)),
        }
    }

    /// The object at `pos`, read into `value`: `fields` reads the value of a key (or skips
    /// it), `seen` marking the fields read.
    fn fill<T>(
        &mut self,
        value: &mut T,
        mut fields: impl FnMut(&mut Self, &mut T, &mut u32, &Str<'a>) -> Res<()>,
    ) -> Res<()> {
        self.enter()?;
        let mut seen = 0;
        self.members(|r, key| fields(r, value, &mut seen, key))?;
        self.depth -= 1;
        Ok(())
    }

    fn report(&mut self) -> Res<Report<'a>> {
        let mut report = Report::default();
        match self.ws() {
            Some(b'{') => self.fill(&mut report, Self::report_fields)?,
            None => return Err(self.eof(EOF_VALUE)),
            Some(_) => return Err(self.invalid_type("struct Report")),
        }
        Ok(report)
    }

    /// The value of `diffs`, its `:` read, handed diff by diff to the sink (taken: a second
    /// `diffs` is refused as a duplicate).
    fn stream_diffs(&mut self, x: &mut Report<'a>) -> Res<()> {
        x.diffs = None;
        if self.open_list()? {
            return Ok(());
        }
        let Some(sink) = self.sink.take() else {
            return Ok(());
        };
        sink.start(x);
        let mut count = 0;
        self.elements(|r| match r.ws() {
            Some(b'{') => {
                let mut diff = Diff::default();
                r.fill(&mut diff, Self::diff_fields)?;
                sink.diff(count, &diff);
                r.spare.keep(diff);
                count += 1;
                Ok(())
            }
            None => Err(r.eof(EOF_VALUE)),
            Some(_) => Err(r.invalid_type("struct Diff")),
        })?;
        self.depth -= 1;
        self.streamed.diffs = Some(count);
        Ok(())
    }

    fn report_fields(&mut self, x: &mut Report<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        if self.streamed.diffs.is_some() && HEAD_FIELDS.contains(&key.as_bytes()) {
            self.streamed.late = true;
        }
        match key.as_bytes() {
            b"workflow" => self.field(seen, 0, "workflow", &mut x.workflow, Self::opt_str),
            b"version" => self.field(seen, 1, "version", &mut x.version, Self::opt_str),
            b"report_format" => self.field(
                seen,
                2,
                "report_format",
                &mut x.report_format,
                Self::opt_str,
            ),
            b"run_id" => self.field(seen, 3, "run_id", &mut x.run_id, Self::opt_str),
            b"status" => self.field(seen, 4, "status", &mut x.status, Self::opt_str),
            b"timestamps" => self.field_in(seen, 5, "timestamps", &mut x.timestamps, |r, s| {
                r.opt_record(
                    s,
                    "struct Timestamps",
                    Timestamps::default,
                    |r, x, seen, key| match key.as_bytes() {
                        b"finished_at" => {
                            r.field(seen, 0, "finished_at", &mut x.finished_at, Self::opt_str)
                        }
                        _ => r.ignore_field(),
                    },
                )
            }),
            b"scope" => self.field_in(seen, 6, "scope", &mut x.scope, |r, s| {
                r.opt_record(s, "struct Scope", Scope::default, Self::scope_fields)
            }),
            b"results" => self.field(seen, 7, "results", &mut x.results, |r| {
                r.opt_list(|r| r.ignore().map(|()| IgnoredAny))
            }),
            b"diffs" if self.sink.is_some() => {
                self.field_in(seen, 8, "diffs", x, |r, x| r.stream_diffs(x))
            }
            b"diffs" => self.field_in(seen, 8, "diffs", &mut x.diffs, |r, s| {
                r.record_list(
                    s,
                    Vec::new(),
                    "struct Diff",
                    Diff::default,
                    Self::diff_fields,
                )
            }),
            _ => self.ignore_field(),
        }
    }

    fn scope_fields(&mut self, x: &mut Scope<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"spec_path" => self.field(seen, 0, "spec_path", &mut x.spec_path, Self::opt_str),
            b"spec_id" => self.field(seen, 1, "spec_id", &mut x.spec_id, Self::opt_str),
            b"dialect" => self.field(seen, 2, "dialect", &mut x.dialect, Self::opt_str),
            b"default_schema" => self.field(
                seen,
                3,
                "default_schema",
                &mut x.default_schema,
                Self::opt_str,
            ),
            _ => self.ignore_field(),
        }
    }

    fn diff_fields(&mut self, x: &mut Diff<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"id" => self.field(seen, 0, "id", &mut x.id, Self::opt_str),
            b"kind" => self.field(seen, 1, "kind", &mut x.kind, Self::opt_str),
            b"object" => self.field_in(seen, 2, "object", &mut x.object, |r, s| {
                r.opt_record(s, "struct Object", Object::default, Self::object_fields)
            }),
            b"expected" => self.field_in(seen, 3, "expected", &mut x.expected, Self::boxed_payload),
            b"actual" => self.field_in(seen, 4, "actual", &mut x.actual, Self::boxed_payload),
            _ => self.ignore_field(),
        }
    }

    fn object_fields(&mut self, x: &mut Object<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"schema" => self.field(seen, 0, "schema", &mut x.schema, Self::opt_str),
            b"table" => self.field(seen, 1, "table", &mut x.table, Self::opt_str),
            b"column" => self.field(seen, 2, "column", &mut x.column, Self::opt_str),
            b"enum" => self.field(seen, 3, "enum", &mut x.enum_name, Self::opt_str),
            b"constraint" => self.field(seen, 4, "constraint", &mut x.constraint, Self::opt_str),
            b"index" => self.field(seen, 5, "index", &mut x.index, Self::opt_str),
            _ => self.ignore_field(),
        }
    }

    /// [`Reader::payload`], boxed (`field_in` has refused a second one already).
    fn boxed_payload(&mut self, slot: &mut Option<Box<Payload<'a>>>) -> Res<()> {
        if self.ws() == Some(b'{') {
            if let Some(spare) = self.spare.payloads.pop() {
                let payload = slot.insert(spare);
                return self.fill(&mut **payload, Self::payload_fields);
            }
        }
        let mut read = None;
        let result = self.payload(&mut read);
        *slot = read.map(Box::new);
        result
    }

    fn payload(&mut self, slot: &mut Option<Payload<'a>>) -> Res<()> {
        self.opt_record(
            slot,
            "struct Payload",
            Payload::default,
            Self::payload_fields,
        )
    }

    fn payload_fields(&mut self, x: &mut Payload<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"comment" => self.field(seen, 1, "comment", &mut x.comment, Self::opt_str),
            b"columns" => self.field(seen, 2, "columns", &mut x.columns, Self::columns),
            b"primary_key" => self.field_in(seen, 3, "primary_key", &mut x.primary_key, |r, s| {
                r.opt_record(s, "struct Key", Key::default, Self::key_fields)
            }),
            b"foreign_keys" => {
                self.field_in(seen, 4, "foreign_keys", &mut x.foreign_keys, |r, s| {
                    let list = r.spare.foreign_keys.pop().unwrap_or_default();
                    r.record_list(
                        s,
                        list,
                        "struct ForeignKey",
                        ForeignKey::default,
                        Self::fk_fields,
                    )
                })
            }
            b"unique_constraints" => self.field_in(
                seen,
                5,
                "unique_constraints",
                &mut x.unique_constraints,
                |r, s| r.record_list(s, Vec::new(), "struct Key", Key::default, Self::key_fields),
            ),
            b"indexes" => self.field_in(seen, 6, "indexes", &mut x.indexes, |r, s| {
                let list = r.spare.indexes.pop().unwrap_or_default();
                r.record_list(s, list, "struct Index", Index::default, Self::index_fields)
            }),
            b"checks" => self.field_in(seen, 7, "checks", &mut x.checks, |r, s| {
                r.record_list(
                    s,
                    Vec::new(),
                    "struct Check",
                    Check::default,
                    Self::check_fields,
                )
            }),
            b"type" => self.field(seen, 8, "type", &mut x.type_name, Self::opt_str),
            b"nullable" => self.field(seen, 9, "nullable", &mut x.nullable, Self::opt_bool),
            b"default" => self.field_in(seen, 10, "default", &mut x.default, Self::default_in),
            b"identity" => self.field(seen, 11, "identity", &mut x.identity, Self::opt_str),
            b"auto_increment" => self.field(
                seen,
                12,
                "auto_increment",
                &mut x.auto_increment,
                Self::opt_bool,
            ),
            b"serial" => self.field(seen, 13, "serial", &mut x.serial, Self::opt_bool),
            b"enum" => self.field(seen, 14, "enum", &mut x.enum_name, Self::opt_str),
            b"enum_values" => self.field(seen, 15, "enum_values", &mut x.enum_values, |r| {
                r.opt_list(Self::str_value)
            }),
            b"references" => self.field_in(seen, 16, "references", &mut x.references, |r, s| {
                r.opt_record(
                    s,
                    "struct References",
                    References::default,
                    Self::refs_fields,
                )
            }),
            b"on_delete" => self.field(seen, 17, "on_delete", &mut x.on_delete, Self::opt_str),
            b"on_update" => self.field(seen, 18, "on_update", &mut x.on_update, Self::opt_str),
            b"unique" => self.field(seen, 19, "unique", &mut x.unique, Self::opt_bool),
            b"expression" => self.field(seen, 20, "expression", &mut x.expression, Self::opt_str),
            b"values" => self.field(seen, 21, "values", &mut x.values, |r| {
                r.opt_list(Self::str_value)
            }),
            _ => self.ignore_field(),
        }
    }

    /// A `default`: present (`Some`), a Default or `null`.
    fn default_in(&mut self, slot: &mut Option<Option<Default<'a>>>) -> Res<()> {
        let empty = || Default {
            kind: None,
            value: None,
        };
        self.opt_record(
            slot.insert(None),
            "struct Default",
            empty,
            |r, x, seen, key| match key.as_bytes() {
                b"kind" => r.field(seen, 0, "kind", &mut x.kind, Self::opt_str),
                b"value" => r.field(seen, 1, "value", &mut x.value, |r| r.value().map(Some)),
                _ => r.ignore_field(),
            },
        )
    }

    fn key_fields(&mut self, x: &mut Key<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"columns" => self.field(seen, 1, "columns", &mut x.columns, Self::columns),
            _ => self.ignore_field(),
        }
    }

    fn fk_fields(&mut self, x: &mut ForeignKey<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"columns" => self.field(seen, 1, "columns", &mut x.columns, Self::columns),
            b"references" => self.field_in(seen, 2, "references", &mut x.references, |r, s| {
                r.opt_record(
                    s,
                    "struct References",
                    References::default,
                    Self::refs_fields,
                )
            }),
            b"on_delete" => self.field(seen, 3, "on_delete", &mut x.on_delete, Self::opt_str),
            b"on_update" => self.field(seen, 4, "on_update", &mut x.on_update, Self::opt_str),
            _ => self.ignore_field(),
        }
    }

    fn refs_fields(&mut self, x: &mut References<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"schema" => self.field(seen, 0, "schema", &mut x.schema, Self::opt_str),
            b"table" => self.field(seen, 1, "table", &mut x.table, Self::opt_str),
            b"columns" => self.field(seen, 2, "columns", &mut x.columns, Self::columns),
            _ => self.ignore_field(),
        }
    }

    fn index_fields(&mut self, x: &mut Index<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"columns" => self.field(seen, 1, "columns", &mut x.columns, Self::columns),
            b"unique" => self.field(seen, 2, "unique", &mut x.unique, Self::opt_bool),
            _ => self.ignore_field(),
        }
    }

    fn check_fields(&mut self, x: &mut Check<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"expression" => self.field(seen, 1, "expression", &mut x.expression, Self::opt_str),
            _ => self.ignore_field(),
        }
    }

    fn columns(&mut self) -> Res<Option<Vec<ColumnEntry<'a>>>> {
        let list = self.spare.entries.pop().unwrap_or_default();
        self.opt_list_in(list, Self::column_entry)
    }

    /// A column name or a Column object.
    fn column_entry(&mut self) -> Res<ColumnEntry<'a>> {
        const EXPECTED: &str = "a column name or a Column object";
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string().map(ColumnEntry::Name)
            }
            Some(b'{') => {
                let mut column = self.spare.columns.pop().unwrap_or_default();
                self.fill(&mut *column, Self::column_fields)?;
                Ok(ColumnEntry::Column(column))
            }
            Some(b'[') => {
                // serde_json opens the array, and then looks for its end before failing.
                self.enter()?;
                match self.ws() {
                    Some(b']') => self.pos += 1,
                    Some(b',') => {
                        self.pos += 1;
                        self.ws();
                    }
                    _ => {}
                }
                Err(self.data(format!("invalid type: sequence, expected {EXPECTED}")))
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type(EXPECTED)),
        }
    }

    fn column_fields(&mut self, x: &mut Column<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"comment" => self.field(seen, 1, "comment", &mut x.comment, Self::opt_str),
            b"type" => self.field(seen, 2, "type", &mut x.type_name, Self::opt_str),
            b"nullable" => self.field(seen, 3, "nullable", &mut x.nullable, Self::opt_bool),
            b"default" => self.field_in(seen, 4, "default", &mut x.default, Self::default_in),
            b"identity" => self.field(seen, 5, "identity", &mut x.identity, Self::opt_str),
            b"auto_increment" => self.field(
                seen,
                6,
                "auto_increment",
                &mut x.auto_increment,
                Self::opt_bool,
            ),
            b"serial" => self.field(seen, 7, "serial", &mut x.serial, Self::opt_bool),
            b"enum" => self.field(seen, 8, "enum", &mut x.enum_name, Self::opt_str),
            b"enum_values" => self.field(seen, 9, "enum_values", &mut x.enum_values, |r| {
                r.opt_list(Self::str_value)
            }),
            b"values" => self.field(seen, 10, "values", &mut x.values, |r| {
                r.opt_list(Self::str_value)
            }),
            _ => self.ignore_field(),
        }
    }

    /// Any JSON value, read whole; nesting counts toward [`MAX_DEPTH`].
    fn value(&mut self) -> Res<Value<'a>> {
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string().map(Value::String)
            }
            Some(b'n') => {
                self.pos += 1;
                self.ident(b"ull").map(|()| Value::Null)
            }
            Some(b't') => {
                self.pos += 1;
                self.ident(b"rue").map(|()| Value::Bool(true))
            }
            Some(b'f') => {
                self.pos += 1;
                self.ident(b"alse").map(|()| Value::Bool(false))
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                if self.bytes[start] == b'-' {
                    self.pos += 1;
                }
                self.number()?;
                Ok(Value::Number(&self.text[start..self.pos]))
            }
            Some(b'[') => {
                self.enter()?;
                let mut list = Vec::new();
                self.elements(|r| {
                    list.push(r.value()?);
                    Ok(())
                })?;
                self.depth -= 1;
                Ok(Value::Array(list))
            }
            Some(b'{') => {
                self.enter()?;
                let mut entries = Vec::new();
                self.members(|r, key| {
                    r.colon()?;
                    let v = r.value()?;
                    entries.push((key.clone(), v));
                    Ok(())
                })?;
                self.depth -= 1;
                Ok(Value::Object(entries))
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.peek_fail(EXPECTED_VALUE)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers and values as text

/// Whether a JSON number's text (a valid one) is an integer serde_json keeps as one (a `u64`,
/// or a negative `i64`); any other is an `f64`.
fn integer_fits(text: &str) -> bool {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // Equal-length digit strings compare as their numbers do.
    if negative {
        digits != "0"
            && (digits.len() < 19 || (digits.len() == 19 && digits <= "9223372036854775808"))
    } else {
        digits.len() < 20 || (digits.len() == 20 && digits <= "18446744073709551615")
    }
}

/// A JSON number's text as serde_json prints the number it reads from it: an integer as it is;
/// any other in the shortest form that reads back as the same `f64` (`1.50` → `1.5`, `1e3` →
/// `1000.0`, `-0` → `-0.0`, `1e16` → `1e+16`, `1.5e-7` → `1.5e-7`), found from the digits of
/// the text, without floating-point formatting.
///
/// The same text as serde_json's wherever serde_json read the number exactly: up to 15 digits
/// as written (trailing zeros included) and a decimal exponent, net of the digits after the
/// point, within ±22 — any ordinary decimal. Past that, serde_json printed the `f64` its
/// arithmetic came to, which may differ in the last digits; this keeps the digits the text gives
/// (`0.1234567890123456789` stays so, where serde_json printed `0.12345678901234568`), and
/// prints numbers below 1e-324 as 0.
pub fn number_string(text: &str) -> String {
    if integer_fits(text) {
        return text.to_string();
    }
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The exponent, saturated far past where any digit would matter.
    let (exp_negative, exp_digits) = match exponent.as_bytes().first() {
        Some(b'-') => (true, &exponent[1..]),
        Some(b'+') => (false, &exponent[1..]),
        _ => (false, exponent),
    };
    let mut exp: i64 = 0;
    for b in exp_digits.bytes() {
        exp = (exp * 10 + i64::from(b - b'0')).min(1_000_000_000_000);
    }
    if exp_negative {
        exp = -exp;
    }
    let digits: Vec<u8> = int.bytes().chain(fraction.bytes()).collect();
    let sign = if negative { "-" } else { "" };
    let Some(lead) = digits.iter().position(|&d| d != b'0') else {
        return format!("{sign}0.0");
    };
    let trail = digits.iter().rposition(|&d| d != b'0').unwrap_or(lead);
    let sig = &digits[lead..=trail];
    // The power of ten of the first significant digit.
    let e10 = int.len() as i64 - 1 - lead as i64 + exp;
    if e10 < -324 {
        return format!("{sign}0.0");
    }
    let n = sig.len() as i64;
    let mut out = String::with_capacity(sig.len() + 8);
    out.push_str(sign);
    let push = |out: &mut String, d: &[u8]| out.extend(d.iter().map(|&b| char::from(b)));
    if (-5..=15).contains(&e10) {
        if n - 1 <= e10 {
            // 1234e7 -> 12340000000.0
            push(&mut out, sig);
            out.extend(std::iter::repeat('0').take((e10 - (n - 1)) as usize));
            out.push_str(".0");
        } else if e10 >= 0 {
            // 1234e-2 -> 12.34
            let point = e10 as usize + 1;
            push(&mut out, &sig[..point]);
            out.push('.');
            push(&mut out, &sig[point..]);
        } else {
            // 1234e-6 -> 0.001234
            out.push_str("0.");
            out.extend(std::iter::repeat('0').take((-e10 - 1) as usize));
            push(&mut out, sig);
        }
    } else {
        // 1234e30 -> 1.234e+33
        push(&mut out, &sig[..1]);
        if n > 1 {
            out.push('.');
            push(&mut out, &sig[1..]);
        }
        out.push_str(if e10 < 0 { "e-" } else { "e+" });
        out.push_str(&e10.unsigned_abs().to_string());
    }
    out
}

impl Value<'_> {
    /// Compact JSON text, as serde_json writes the value it reads: object keys sorted (the last
    /// of a repeated key kept), numbers as [`number_string`] prints them.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&number_string(n)),
            Value::String(s) => out.push_str(&serde_json::to_string(&**s).unwrap_or_default()),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                // Sorted by key, stably, so the last of equal keys is the last of its run.
                let order =
                    crate::sort::positions_by_text(members.len(), &|i| members[i].0.as_bytes());
                out.push('{');
                let mut first = true;
                for (k, &i) in order.iter().enumerate() {
                    let key = &members[i].0;
                    if order.get(k + 1).is_some_and(|&j| members[j].0 == *key) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    out.push_str(&serde_json::to_string(&**key).unwrap_or_default());
                    out.push(':');
                    members[i].1.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn err(text: &str) -> crate::Error {
        match from_json(text) {
            Ok(r) => panic!("{text:?} read: {r:?}"),
            Err(e) => e,
        }
    }

    fn err_path(text: &str) -> String {
        err(text).path.unwrap()
    }

    /// The error's code, message and path, checked together.
    #[track_caller]
    fn fails(text: &str, code: ErrorCode, message: &str, path: &str) {
        let e = err(text);
        assert_eq!(
            (e.code, e.message.as_str(), e.path.as_deref()),
            (code, message, Some(path)),
            "{text:?}"
        );
    }

    /// `f` of the Default value of a report whose diff has `"default": {"kind": "literal",
    /// "value": <value>}`.
    fn with_default<R>(value: &str, f: impl FnOnce(&Value) -> R) -> R {
        let text = format!(
            r#"{{"run_id": "x", "diffs": [{{"id": "D1", "expected": {{"default": {{"kind": "literal", "value": {value}}}}}}}]}}"#
        );
        let report = from_json(&text).unwrap();
        let diffs = report.diffs.unwrap();
        let expected = diffs[0].expected.as_ref().unwrap();
        f(expected
            .default
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .value
            .as_ref()
            .unwrap())
    }

    #[test]
    fn errors_name_the_json_path_of_the_bad_value() {
        assert_eq!(err_path(r#"{"run_id": 5}"#), "$.run_id");
        assert_eq!(
            err_path(
                r#"{"run_id": "x", "diffs": [{"id": "a"}, {"id": "b", "expected": {"columns": [{"name": "c"}, {"nullable": "no"}]}}]}"#
            ),
            "$.diffs[1].expected.columns[1].nullable"
        );
        assert_eq!(
            err_path("{\n  \"run_id\": \"x\",\n  \"scope\": {\n    \"dialect\": [1]\n  }\n}"),
            "$.scope.dialect"
        );
        assert_eq!(
            err_path(r#"{"a\"b": {"c": [1, 2, {"d": nul}]}}"#),
            r#"$["a\"b"].c[2].d"#
        );
        assert_eq!(err_path(r#"{"run_id": "x","#), "$");
        assert_eq!(err_path("[1, 2]"), "$");
        assert_eq!(err_path(""), "$");
        // Inside values that are skipped, found by a scan of the skipped text.
        assert_eq!(
            err_path(r#"{"extra": {"a": [1, 2, {"b": tru}]}}"#),
            "$.extra.a[2].b"
        );
        assert_eq!(
            err_path(r#"{"results": [1, {"a": [}]}"#),
            "$.results[1].a[0]"
        );
        // The element that is wrong, counted by its commas.
        assert_eq!(
            err_path(r#"{"diffs": [{"expected": {"enum_values": ["x",[1]]}}]}"#),
            "$.diffs[0].expected.enum_values[1]"
        );
    }

    #[test]
    fn malformed_json_is_invalid_json_with_serde_json_wording() {
        use ErrorCode::InvalidJson as J;
        fails(
            r#"{"run_id": "#,
            J,
            "EOF while parsing a value at line 1 column 11",
            "$",
        );
        fails(
            r#"{"run_id": "x""#,
            J,
            "EOF while parsing an object at line 1 column 14",
            "$",
        );
        fails(
            r#"{"diffs": ["#,
            J,
            "EOF while parsing a list at line 1 column 11",
            "$",
        );
        fails(
            r#"{"run_id": "abc"#,
            J,
            "EOF while parsing a string at line 1 column 15",
            "$",
        );
        fails(
            r#"{"run_id": "x" "y"}"#,
            J,
            "expected `,` or `}` at line 1 column 16",
            "$.run_id",
        );
        fails(
            r#"{"diffs": [{} {}]}"#,
            J,
            "expected `,` or `]` at line 1 column 15",
            "$.diffs[0]",
        );
        fails(
            r#"{"run_id" "x"}"#,
            J,
            "expected `:` at line 1 column 11",
            "$.run_id",
        );
        fails("{} x", J, "trailing characters at line 1 column 4", "$");
        fails(
            r#"{"run_id": "x",}"#,
            J,
            "trailing comma at line 1 column 16",
            "$",
        );
        fails(
            r#"{"diffs": [{},]}"#,
            J,
            "trailing comma at line 1 column 15",
            "$.diffs[1]",
        );
        fails(
            r#"{"run_id": "x", 5: 1}"#,
            J,
            "key must be a string at line 1 column 17",
            "$",
        );
        fails(
            "{\"run_id\": \"a\u{1}b\"}",
            J,
            "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 14",
            "$.run_id",
        );
        fails(
            r#"{"run_id": "a\qb"}"#,
            J,
            "invalid escape at line 1 column 15",
            "$.run_id",
        );
        fails(
            r#"{"run_id": "\u12G4"}"#,
            J,
            "invalid escape at line 1 column 18",
            "$.run_id",
        );
        fails(
            r#"{"run_id": nul}"#,
            J,
            "expected ident at line 1 column 15",
            "$.run_id",
        );
        fails(
            r#"{"run_id": @}"#,
            J,
            "expected value at line 1 column 12",
            "$.run_id",
        );
        let value = |v: &str| {
            format!(
                r#"{{"diffs": [{{"expected": {{"default": {{"kind": "literal", "value": {v}}}}}}}]}}"#
            )
        };
        let at = "$.diffs[0].expected.default.value";
        fails(&value("01"), J, "invalid number at line 1 column 67", at);
        fails(&value("1."), J, "invalid number at line 1 column 68", at);
        fails(&value("-"), J, "invalid number at line 1 column 67", at);
        fails(
            &value("1e400"),
            J,
            "number out of range at line 1 column 70",
            at,
        );
        fails(
            &value("-2e308"),
            J,
            "number out of range at line 1 column 71",
            at,
        );
        // A UTF-8 byte order mark is not JSON whitespace.
        fails(
            "\u{feff}{\"run_id\": \"x\"}",
            J,
            "expected value at line 1 column 1",
            "$",
        );
        fails(
            "this is not JSON",
            J,
            "expected ident at line 1 column 2",
            "$",
        );
        // Lines and columns count from the last newline.
        fails(
            "{\n  \"run_id\": x\n}",
            J,
            "expected value at line 2 column 13",
            "$.run_id",
        );
    }

    #[test]
    fn unpaired_surrogates_are_refused_where_strings_are_read() {
        use ErrorCode::InvalidJson as J;
        fails(
            r#"{"run_id": "\udc00"}"#,
            J,
            "lone leading surrogate in hex escape at line 1 column 18",
            "$.run_id",
        );
        fails(
            r#"{"run_id": "\ud800\u0041"}"#,
            J,
            "lone leading surrogate in hex escape at line 1 column 24",
            "$.run_id",
        );
        fails(
            r#"{"run_id": "\ud800"}"#,
            J,
            "unexpected end of hex escape at line 1 column 19",
            "$.run_id",
        );
        // Skipped strings are checked for form only, as serde_json checks them.
        assert!(from_json(r#"{"run_id": "x", "extra": "\ud800"}"#).is_ok());
        fails(
            r#"{"extra": "\q"}"#,
            J,
            "invalid escape at line 1 column 13",
            "$.extra",
        );
    }

    #[test]
    fn values_of_the_wrong_type_are_invalid_values_in_serde_style() {
        use ErrorCode::InvalidValue as V;
        fails(
            r#"{"run_id": 5}"#,
            V,
            "invalid type: integer `5`, expected a string at line 1 column 12",
            "$.run_id",
        );
        fails(
            r#"{"run_id": -5}"#,
            V,
            "invalid type: integer `-5`, expected a string at line 1 column 13",
            "$.run_id",
        );
        fails(
            r#"{"run_id": 1.50}"#,
            V,
            "invalid type: floating point `1.5`, expected a string at line 1 column 15",
            "$.run_id",
        );
        fails(
            r#"{"run_id": true}"#,
            V,
            "invalid type: boolean `true`, expected a string at line 1 column 15",
            "$.run_id",
        );
        fails(
            r#"{"run_id": [1]}"#,
            V,
            "invalid type: sequence, expected a string at line 1 column 11",
            "$.run_id",
        );
        fails(
            r#"{"run_id": {}}"#,
            V,
            "invalid type: map, expected a string at line 1 column 11",
            "$.run_id",
        );
        fails(
            r#"{"diffs": [{"expected": {"nullable": "x"}}]}"#,
            V,
            "invalid type: string \"x\", expected a boolean at line 1 column 40",
            "$.diffs[0].expected.nullable",
        );
        fails(
            r#"{"diffs": [null]}"#,
            V,
            "invalid type: null, expected struct Diff at line 1 column 15",
            "$.diffs[0]",
        );
        fails(
            r#"{"diffs": {}}"#,
            V,
            "invalid type: map, expected a sequence at line 1 column 10",
            "$.diffs",
        );
        fails(
            r#"{"diffs": [{"expected": {"columns": [5]}}]}"#,
            V,
            "invalid type: integer `5`, expected a column name or a Column object at line 1 column 38",
            "$.diffs[0].expected.columns[0]",
        );
        fails(
            r#"{"diffs": [{"expected": {"columns": [[]]}}]}"#,
            V,
            "invalid type: sequence, expected a column name or a Column object at line 1 column 39",
            "$.diffs[0].expected.columns[0]",
        );
        fails(
            r#"{"diffs": [{"expected": {"enum_values": [null]}}]}"#,
            V,
            "invalid type: null, expected a string at line 1 column 45",
            "$.diffs[0].expected.enum_values[0]",
        );
        // An array where an object is expected is refused (serde-derived types read it as the
        // fields in order).
        fails(
            r#"{"scope": ["a"]}"#,
            V,
            "invalid type: sequence, expected struct Scope at line 1 column 10",
            "$.scope",
        );
    }

    #[test]
    fn a_field_given_twice_is_a_duplicate_field() {
        use ErrorCode::InvalidValue as V;
        fails(
            r#"{"run_id": "x", "run_id": "y"}"#,
            V,
            "duplicate field `run_id` at line 1 column 24",
            "$.run_id",
        );
        // Even when the first was null.
        fails(
            r#"{"run_id": null, "run_id": "y"}"#,
            V,
            "duplicate field `run_id` at line 1 column 25",
            "$.run_id",
        );
        fails(
            r#"{"diffs": [{"expected": {"columns": [{"name": "a", "name" : "b"}]}}]}"#,
            V,
            "duplicate field `name` at line 1 column 58",
            "$.diffs[0].expected.columns[0].name",
        );
        // Unknown keys may repeat.
        assert!(from_json(r#"{"extra": 1, "extra": 2, "run_id": "x"}"#).is_ok());
    }

    #[test]
    fn the_top_level_must_be_an_object() {
        fails("", ErrorCode::InvalidJson, "the report is empty", "$");
        fails(" \n\t", ErrorCode::InvalidJson, "the report is empty", "$");
        for text in ["[1, 2]", "42", "\"x\"", "null", " [] "] {
            fails(
                text,
                ErrorCode::InvalidValue,
                "the report must be a JSON object",
                "$",
            );
        }
        // Not JSON at all: the error of reading it as a report.
        fails(
            "\"x\" y",
            ErrorCode::InvalidValue,
            "invalid type: string \"x\", expected struct Report at line 1 column 3",
            "$",
        );
    }

    #[test]
    fn strings_borrow_from_the_text_unless_they_hold_escapes() {
        let text = r#"{"run_id": "plain", "workflow": "a\nb\"c\\d\/e", "version": "caf\u00e9 \ud83d\ude00", "status": "é😀"}"#;
        let r = from_json(text).unwrap();
        let run_id = r.run_id.unwrap();
        assert!(matches!(run_id.0, Cow::Borrowed("plain")));
        let workflow = r.workflow.unwrap();
        assert_eq!(&*workflow, "a\nb\"c\\d/e");
        assert!(matches!(workflow.0, Cow::Owned(_)));
        assert_eq!(&*r.version.unwrap(), "café 😀");
        let status = r.status.unwrap();
        assert!(matches!(status.0, Cow::Borrowed("é😀")));
        // Escaped keys are the keys they spell.
        let r = from_json(r#"{"run\u005fid": "x", "diffs": [{"id": "a\tb"}]}"#).unwrap();
        assert_eq!(r.run_id.as_deref(), Some("x"));
        assert_eq!(r.diffs.unwrap()[0].id.as_deref(), Some("a\tb"));
    }

    #[test]
    fn fields_read_into_the_types() {
        let text = r#"{
          "run_id": "r", "timestamps": {"finished_at": "2024-01-01T00:00:00Z", "started_at": 1},
          "scope": {"dialect": "mysql", "default_schema": null, "orm": {"x": [1]}},
          "results": [{"a": [[[]]]}, 2, "three", null],
          "diffs": [{"id": "D1", "kind": "missing_table", "severity": "high",
            "object": {"schema": "s", "table": "t", "enum": "e"},
            "expected": {"name": "t", "columns": ["a", {"name": "b", "type": "int", "nullable": false,
                "default": null}, {"name": "c", "default": {"kind": "expression", "value": "now()"}}],
              "primary_key": {"columns": ["a"]}, "unique": true,
              "foreign_keys": [{"columns": ["b"], "references": {"table": "u", "columns": ["id"]}}],
              "unique_constraints": [], "indexes": [{"columns": ["c"], "unique": false}],
              "checks": [{"expression": "a > 0"}], "enum_values": ["x"], "values": null},
            "actual": null}]
        }"#;
        let r = from_json(text).unwrap();
        assert_eq!(r.results.as_ref().map(Vec::len), Some(4));
        assert_eq!(r.scope.as_ref().unwrap().dialect.as_deref(), Some("mysql"));
        assert!(r.scope.as_ref().unwrap().default_schema.is_none());
        let d = &r.diffs.as_ref().unwrap()[0];
        assert_eq!(d.object.as_ref().unwrap().enum_name.as_deref(), Some("e"));
        assert!(d.actual.is_none());
        let p = d.expected.as_ref().unwrap();
        assert_eq!(p.unique, Some(true));
        assert!(p.values.is_none());
        assert!(p.default.is_none(), "absent");
        let cols = p.columns.as_ref().unwrap();
        assert!(matches!(&cols[0], ColumnEntry::Name(n) if &**n == "a"));
        let ColumnEntry::Column(b) = &cols[1] else {
            panic!("a Column")
        };
        assert_eq!(
            (b.type_name.as_deref(), b.nullable),
            (Some("int"), Some(false))
        );
        assert!(matches!(b.default, Some(None)), "null");
        let ColumnEntry::Column(c) = &cols[2] else {
            panic!("a Column")
        };
        let dflt = c.default.clone().unwrap().unwrap();
        assert_eq!(dflt.kind.as_deref(), Some("expression"));
        assert_eq!(dflt.value, Some(Value::String(Str(Cow::Borrowed("now()")))));
        assert_eq!(
            p.foreign_keys.as_ref().unwrap()[0]
                .references
                .as_ref()
                .unwrap()
                .table
                .as_deref(),
            Some("u")
        );
        assert_eq!(p.indexes.as_ref().unwrap()[0].unique, Some(false));
        assert_eq!(
            p.checks.as_ref().unwrap()[0].expression.as_deref(),
            Some("a > 0")
        );
        // `"value": null` is a value; an absent `value` is none.
        let r = from_json(r#"{"diffs": [{"expected": {"default": {"kind": "literal", "value": null}}}, {"expected": {"default": {"kind": "literal"}}}]}"#).unwrap();
        let diffs = r.diffs.unwrap();
        let value = |i: usize| {
            diffs[i]
                .expected
                .as_ref()
                .unwrap()
                .default
                .clone()
                .unwrap()
                .unwrap()
                .value
        };
        assert_eq!(value(0), Some(Value::Null));
        assert_eq!(value(1), None);
    }

    #[test]
    fn deep_nesting_is_skipped_or_refused_without_recursion() {
        // Unknown or ignored content is skipped without recursion, however deep.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
        let text = format!(
            r#"{{"run_id": "x", "results": [{deep}, {objects}], "extra": {deep}, "more": {objects}}}"#
        );
        assert!(from_json(&text).is_ok());
        // Where a value is read, deep nesting is refused, never recursed into: 128 levels from
        // the report down (here the report, diffs, a diff, expected and its default hold 5).
        let value = |n: usize| {
            format!(
                r#"{{"diffs": [{{"expected": {{"default": {{"value": {}{}}}}}}}]}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        assert!(from_json(&value(122)).is_ok());
        let e = err(&value(123));
        assert_eq!(e.code, ErrorCode::TooLarge);
        assert!(e
            .message
            .starts_with("recursion limit exceeded at line 1 column "));
        let path = e.path.unwrap();
        assert!(
            path.starts_with("$.diffs[0].expected.default.value[0][0]"),
            "{path}"
        );
        assert_eq!(path.matches("[0]").count(), 1 + 122);
        let e = err(&value(100_000));
        assert_eq!(e.code, ErrorCode::TooLarge);
    }

    #[test]
    fn reports_over_the_size_limit_are_too_large() {
        let text = format!(
            r#"{{"run_id": "x", "pad": "{}"}}"#,
            "a".repeat(MAX_REPORT_BYTES)
        );
        assert_eq!(err(&text).code, ErrorCode::TooLarge);
    }

    #[test]
    fn numbers_print_as_serde_json_printed_them() {
        // Integers as they are (u64 and i64), every other number as the shortest form of its
        // f64: what serde_json's `Number::to_string` gave.
        for (text, printed) in [
            ("0", "0"),
            ("5", "5"),
            ("-5", "-5"),
            ("18446744073709551615", "18446744073709551615"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("-0", "-0.0"),
            ("0.0", "0.0"),
            ("-0.0", "-0.0"),
            ("1.50", "1.5"),
            ("0.1", "0.1"),
            ("123.456", "123.456"),
            ("-12.75", "-12.75"),
            ("4.35", "4.35"),
            ("1e3", "1000.0"),
            ("1E3", "1000.0"),
            ("1e+3", "1000.0"),
            ("1.0e3", "1000.0"),
            ("2.5E-3", "0.0025"),
            ("1e15", "1000000000000000.0"),
            ("1e16", "1e+16"),
            ("1e22", "1e+22"),
            ("1e300", "1e+300"),
            ("1.5e-7", "1.5e-7"),
            ("1e-5", "0.00001"),
            ("0.000001", "1e-6"),
            ("123e-20", "1.23e-18"),
            ("100000000000000000000", "1e+20"),
            ("1e-400", "0.0"),
            ("0e999999999999", "0.0"),
        ] {
            assert_eq!(number_string(text), printed, "{text}");
            assert_eq!(with_default(text, |v| v.to_json()), printed, "{text}");
        }
        // Past 15 significant digits, or where serde_json's own reading was inexact, it printed
        // the nearest f64; this prints the digits the report gives.
        for (text, printed, serde_json_printed) in [
            (
                "0.1234567890123456789",
                "0.1234567890123456789",
                "0.12345678901234568",
            ),
            (
                "3.14159265358979323846",
                "3.14159265358979323846",
                "3.141592653589793",
            ),
            (
                "18446744073709551616",
                "1.8446744073709551616e+19",
                "1.8446744073709552e+19",
            ),
            (
                "-9223372036854775809",
                "-9.223372036854775809e+18",
                "-9.223372036854776e+18",
            ),
            (
                "9007199254740993.0",
                "9007199254740993.0",
                "9007199254740994.0",
            ),
            ("123e-25", "1.23e-23", "1.2299999999999998e-23"),
            ("2.5e-324", "2.5e-324", "5e-324"),
        ] {
            assert_eq!(
                number_string(text),
                printed,
                "{text} (serde_json: {serde_json_printed})"
            );
        }
    }

    #[test]
    fn values_print_as_compact_json_with_sorted_keys() {
        assert_eq!(
            with_default(r#"[1, 2.50, "a", null, true]"#, |v| v.to_json()),
            r#"[1,2.5,"a",null,true]"#
        );
        // Keys sorted, the last of a repeated key kept, strings escaped as serde_json escapes.
        assert_eq!(
            with_default(
                r#"{"b": 1, "a": [true, {}], "b": 2.0, "c\u0001": "\"é\n"}"#,
                |v| v.to_json()
            ),
            r#"{"a":[true,{}],"b":2.0,"c\u0001":"\"é\n"}"#
        );
        assert_eq!(with_default("[]", |v| v.to_json()), "[]");
        assert_eq!(with_default("{}", |v| v.to_json()), "{}");
        with_default(r#""x""#, |v| {
            assert_eq!(v, &Value::String(Str(Cow::Borrowed("x"))));
        });
        with_default("false", |v| assert_eq!(v, &Value::Bool(false)));
        with_default("-1.5e3", |v| assert_eq!(v, &Value::Number("-1.5e3")));
    }
}
