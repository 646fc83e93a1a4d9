//! The report's reader: one pass over the JSON text into the types of the contract.
//!
//! Written for these types rather than taken from serde_json, which read a large report
//! markedly slower in the wasm module (BENCHMARKS.md, "Report reader: serde"): keys are matched
//! as bytes, strings borrowed from the text unless they hold escapes, objects filled in place,
//! unknown values and `results[]` skipped without recursion. Its messages are its own, in plain
//! words, with the JSON path of the value where reading stopped (known as the reader goes, and
//! found by a scan of the skipped text inside a skipped value), and its line and column.
//! `fuzz/fuzz_targets/read_differential.rs` holds it to serde_json: the same texts read, and the
//! same values.

use super::{Report, Str};
use std::borrow::Cow;

mod fields;

/// The largest report read, in bytes of JSON text.
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// How deep values may nest, counting every array and object from the report itself down.
const MAX_DEPTH: usize = 128;

/// Reads a report from JSON text. On failure the error names the JSON path where reading stopped,
/// and its line and column. Nesting is bounded at 128 levels where values are read (skipped
/// values may nest freely); size by [`MAX_REPORT_BYTES`].
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

// ---------------------------------------------------------------------------------------------
// Errors

const EOF_LIST: &str = "the text ends inside an array";
const EOF_OBJECT: &str = "the text ends inside an object";
const EOF_STRING: &str = "the text ends inside a string";
const EOF_VALUE: &str = "the text ends where a value should be";
const EXPECTED_COLON: &str = "expected `:` after a key";
const EXPECTED_LIST_COMMA: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected true, false or null";
const EXPECTED_VALUE: &str = "expected a JSON value";
const INVALID_ESCAPE: &str = "an invalid escape in a string";
const INVALID_NUMBER: &str = "an invalid number";
const OUT_OF_RANGE: &str = "a number too large for a 64-bit float";
const CONTROL_CHARACTER: &str =
    "a control character (U+0000 to U+001F) in a string; write it as an escape";
const KEY_MUST_BE_STRING: &str = "expected a key in double quotes";
const HALF_SURROGATE: &str = "a \\u escape of half a surrogate pair";
const TRAILING_COMMA: &str = "a comma before a closing bracket";
const TRAILING_CHARACTERS: &str = "more text after the report's closing `}`";
const RECURSION_LIMIT: &str = "values nested more than 128 levels deep";

// What a value was expected to be.
const A_STRING: &str = "a string";
const A_BOOLEAN: &str = "true, false or null";
const AN_ARRAY: &str = "an array";
const AN_OBJECT: &str = "an object";
const A_COLUMN: &str = "a column name or a column object";

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
/// gives; `path` grows as the error leaves each value, so it lists the innermost segment first.
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

/// Line (1-based) and column of byte offset `at`: the column counts the bytes of the line
/// before `at`, so it is the 1-based column of the last byte read.
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

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Arrays and objects open where values are read.
    depth: usize,
    /// The open arrays and objects of the value being skipped (`[` or `{`), reused.
    frames: Vec<u8>,
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

/// The significant digits of the least number an `f64` reads as infinite: the largest `f64`
/// plus half its last place (2^1024 - 2^970), times 10^-308.
const OVERFLOW: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether a JSON number (well formed) is finite as an `f64`: below [`OVERFLOW`], from its
/// digits (a number rounds to the nearest `f64`, and the tie at `OVERFLOW` goes up).
fn finite(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], &digits[i + 1..]),
        None => (digits, ""),
    };
    let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exp = exponent
        .trim_start_matches('+')
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0i64, |e, d| (e * 10 + i64::from(d - b'0')).min(1 << 40));
    let exp = if exponent.starts_with('-') { -exp } else { exp };
    let all = || int.bytes().chain(fraction.bytes());
    let Some(lead) = all().position(|d| d != b'0') else {
        return true;
    };
    // The power of ten of the first significant digit.
    let e10 = int.len() as i64 - 1 - lead as i64 + exp;
    match e10.cmp(&308) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => {
            let significant = all().skip(lead).chain(std::iter::repeat(b'0'));
            for (d, limit) in significant.zip(OVERFLOW.iter().copied()) {
                if d != limit {
                    return d < limit;
                }
            }
            false
        }
    }
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            frames: Vec::new(),
        }
    }

    // Errors: `fail` after the last byte read, `peek_fail` after the byte looked at but not
    // read.

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
            return Err(self.fail(HALF_SURROGATE));
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
                        return Err(self.fail(HALF_SURROGATE));
                    }
                }
            }
        }
        let n2 = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&n2) {
            return Err(self.fail(HALF_SURROGATE));
        }
        let c = ((u32::from(n) - 0xD800) << 10 | (u32::from(n2) - 0xDC00)) + 0x1_0000;
        Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// A string skipped, its opening quote read: escapes are checked for form only, so a lone
    /// surrogate passes.
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
                    // At the control character.
                    self.pos = i;
                    return Err(self.fail(CONTROL_CHARACTER));
                }
            }
        }
    }

    // Numbers

    /// A number read as a value, from its first digit, its `-` read (at `start`): its form, then
    /// its range (finite as an `f64`).
    fn number(&mut self, start: usize) -> Res<()> {
        self.skip_number()?;
        if !finite(&self.text[start..self.pos]) {
            return Err(self.fail(OUT_OF_RANGE));
        }
        Ok(())
    }

    /// A number skipped, from its first digit, its `-` read: checked for form only.
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

    /// A value skipped, however deep, without recursion. An error inside it is given the path
    /// inside it by [`Reader::skipped_path`].
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

    /// `expected …, found …`, naming what is at `pos` (reading a scalar to name it, so a
    /// malformed one gives its own error instead).
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
                "true".to_string()
            }
            Some(b'f') => {
                self.pos += 1;
                if let Err(fail) = self.ident(b"alse") {
                    return fail;
                }
                "false".to_string()
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                if self.bytes[start] == b'-' {
                    self.pos += 1;
                }
                if let Err(fail) = self.number(start) {
                    return fail;
                }
                format!("the number {}", &self.text[start..self.pos])
            }
            Some(b'"') => {
                self.pos += 1;
                match self.string() {
                    Ok(s) => format!("the string {:?}", &*s),
                    Err(fail) => return fail,
                }
            }
            Some(b'[') => "an array".to_string(),
            Some(b'{') => "an object".to_string(),
            _ => return self.peek_fail(EXPECTED_VALUE),
        };
        self.data(format!("expected {expected}, found {found}"))
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

    /// A field's value, once: a second one is an error. `read` reads it
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
        self.data(format!("`{name}` is given twice in one object"))
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
            Some(_) => Err(self.invalid_type(A_STRING)),
        }
    }

    fn str_value(&mut self) -> Res<Str<'a>> {
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string()
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type(A_STRING)),
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
            Some(_) => Err(self.invalid_type(A_BOOLEAN)),
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
            Some(_) => Err(self.invalid_type(AN_ARRAY)),
        }
    }

    fn opt_list<T>(&mut self, mut element: impl FnMut(&mut Self) -> Res<T>) -> Res<Option<Vec<T>>> {
        if self.open_list()? {
            return Ok(None);
        }
        let mut list = Vec::new();
        self.elements(|r| {
            list.push(element(r)?);
            Ok(())
        })?;
        self.depth -= 1;
        Ok(Some(list))
    }

    /// A list of objects, each read in place by `fields` into a value `init` makes.
    fn record_list<T>(
        &mut self,
        slot: &mut Option<Vec<T>>,
        init: impl Fn() -> T,
        mut fields: impl FnMut(&mut Self, &mut T, &mut u32, &Str<'a>) -> Res<()>,
    ) -> Res<()> {
        if self.open_list()? {
            *slot = None;
            return Ok(());
        }
        let list = slot.insert(Vec::new());
        self.elements(|r| match r.ws() {
            Some(b'{') => {
                list.push(init());
                match list.last_mut() {
                    Some(value) => r.fill(value, &mut fields),
                    None => Ok(()),
                }
            }
            None => Err(r.eof(EOF_VALUE)),
            Some(_) => Err(r.invalid_type(AN_OBJECT)),
        })?;
        self.depth -= 1;
        Ok(())
    }

    /// An object or `null`, read in place by `fields` into a value `init` makes.
    fn opt_record<T>(
        &mut self,
        slot: &mut Option<T>,
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
            Some(_) => Err(self.invalid_type(AN_OBJECT)),
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
}
