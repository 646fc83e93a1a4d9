//! Reading a report: serde_json into the serde-derived types of the contract.
//!
//! A report is read once, without tracking where the reader is; only when that fails is the text
//! read again with `serde_path_to_error`, which names the JSON path of the failure. A report that
//! reads pays nothing for the path of an error it does not have.
//!
//! The messages are the generator's own, in plain words: serde's (which speak of Rust types, "map",
//! "sequence", "struct Payload") are put into the contract's terms ([`plain`]).

use super::{ColumnEntry, Column, Report, Str};
use crate::{Error, ErrorCode};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The largest report read, in bytes of JSON text.
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// Reads a report from JSON text. On failure the error names the JSON path where reading stopped,
/// and the line and column. Values the reader keeps nest at most 128 levels (serde_json's
/// recursion limit; values skipped unread nest freely); the text is at most [`MAX_REPORT_BYTES`].
pub fn from_json(text: &str) -> crate::Result<Report<'_>> {
    check_text(text)?;
    let mut de = serde_json::Deserializer::from_str(text);
    match Report::deserialize(Obj(&mut de)).and_then(|report| de.end().map(|()| report)) {
        Ok(report) => Ok(report),
        Err(_) => Err(located(text)),
    }
}

/// A report's text too large, empty or not an object, refused before it is read.
fn check_text(text: &str) -> crate::Result<()> {
    if text.len() > MAX_REPORT_BYTES {
        return Err(Error::new(
            ErrorCode::TooLarge,
            format!(
                "the report is {} bytes; the generator reads at most {} bytes (64 MiB)",
                text.len(),
                MAX_REPORT_BYTES
            ),
        )
        .at("$"));
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{') => Ok(()),
        None => Err(Error::new(ErrorCode::InvalidJson, "the report is empty").at("$")),
        // Any JSON value but an object is refused as such; text that is not JSON gets the error
        // of reading it as a report.
        Some(_) if serde_json::from_str::<IgnoredAny>(text).is_ok() => {
            Err(Error::new(ErrorCode::InvalidValue, "the report must be a JSON object").at("$"))
        }
        Some(_) => Ok(()),
    }
}

/// The error of a text that did not read, found by reading it again with its path tracked.
#[cold]
#[inline(never)]
fn located(text: &str) -> Error {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let result = Report::deserialize(Obj(serde_path_to_error::Deserializer::new(
        &mut de,
        &mut track,
    )))
    .and_then(|_| de.end());
    let path = json_path(&track.path());
    match result {
        Err(e) => error(&e, path),
        // Not reached: the same text read the same way failed a moment ago.
        Ok(()) => Error::new(ErrorCode::InvalidJson, "the report cannot be read").at(path),
    }
}

/// A path as the generator writes them: `$.diffs[0].expected["a key"]`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => push_key(&mut out, key),
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            // Inside an object, where a key was being read: the object's path says it.
            Segment::Unknown => {}
        }
    }
    out
}

/// `.key`, or `["key"]` when the key is not a plain word.
fn push_key(path: &mut String, key: &str) {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str(&format!("[{key:?}]"));
    }
}

/// serde_json's error as the generator's: its code from its category, its message in plain
/// words, its line and column.
fn error(e: &serde_json::Error, path: String) -> Error {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let code = match e.classify() {
        serde_json::error::Category::Data => ErrorCode::InvalidValue,
        _ if message == "recursion limit exceeded" => ErrorCode::TooLarge,
        _ => ErrorCode::InvalidJson,
    };
    // A field given twice: the path of the object, and the field's name.
    let path = match message
        .strip_prefix("duplicate field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        Some(field) => {
            let mut path = path;
            push_key(&mut path, field);
            path
        }
        None => path,
    };
    let message = plain(message);
    let message = if e.line() == 0 {
        message
    } else {
        format!("{message}{suffix}")
    };
    Error::new(code, message).at(path)
}

/// A message of serde or serde_json in the contract's words.
fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {}", thing(expected), found_thing(found));
        }
    }
    if let Some(field) = message
        .strip_prefix("duplicate field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        return format!("`{field}` is given twice in one object");
    }
    let said = match message {
        "EOF while parsing a list" => "the text ends inside an array",
        "EOF while parsing an object" => "the text ends inside an object",
        "EOF while parsing a string" => "the text ends inside a string",
        "EOF while parsing a value" => "the text ends where a value should be",
        "expected ident" => "expected true, false or null",
        "expected value" => "expected a JSON value",
        "expected `:`" => "expected `:` after a key",
        "key must be a string" => "expected a key in double quotes",
        "trailing characters" => "more text after the report's closing `}`",
        "trailing comma" => "a comma before a closing bracket",
        "invalid escape" => "an invalid escape in a string",
        "invalid number" => "an invalid number",
        "number out of range" => "a number too large for a 64-bit float",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "a control character (U+0000 to U+001F) in a string; write it as an escape"
        }
        "lone leading surrogate in hex escape" | "unexpected end of hex escape" => {
            "a \\u escape of half a surrogate pair"
        }
        "invalid unicode code point" => "a \\u escape of no Unicode character",
        "recursion limit exceeded" => "values nested more than 128 levels deep",
        other => other,
    };
    said.to_string()
}

/// What a value was expected to be, from serde's "expected …".
fn thing(expected: &str) -> &str {
    if expected.starts_with("struct ") {
        return "an object";
    }
    match expected {
        "a sequence" => "an array",
        "a boolean" => "true, false or null",
        other => other,
    }
}

/// What a value was, from serde's "invalid type: …".
fn found_thing(found: &str) -> String {
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .and_then(|f| f.strip_suffix('`'))
            .map(str::to_string)
    };
    if let Some(n) = quoted("integer `").or_else(|| quoted("floating point `")) {
        return format!("the number {n}");
    }
    if let Some(b) = quoted("boolean `") {
        return b;
    }
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the string {s}");
    }
    match found {
        "map" => "an object",
        "sequence" => "an array",
        "unit" | "null" => "null",
        other => other,
    }
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// Objects only

/// A deserializer that reads an object only: serde-derived types also read an array as their
/// fields in order, which a report never means.
struct Obj<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Obj<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Reads a `T` from an object (the seed of each element of a list of objects).
struct ObjSeed<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ObjSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize(Obj(d))
    }
}

/// `null` or an object.
struct OptObj<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OptObj<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize(Obj(d)).map(Some)
    }
}

/// A field holding an object or `null`.
pub(super) fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(OptObj(PhantomData))
}

/// A field holding an object or `null`, present: absent (`None`, through `#[serde(default)]`) is
/// told from `null` (`Some(None)`).
pub(super) fn present_object<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    object(d).map(Some)
}

/// A field's value, present (`Some`, `null` included).
pub(super) fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A list of objects, each pushed to the list as soon as it is read.
struct Objects<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Objects<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of objects")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(ObjSeed(PhantomData))? {
            list.push(item);
        }
        Ok(Some(list))
    }
}

/// A field holding a list of objects or `null`.
pub(super) fn object_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(Objects(PhantomData))
}

// ---------------------------------------------------------------------------------------------
// Strings and column entries

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ColumnEntry<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ColumnEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or a column object")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(ColumnEntry::Name(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ColumnEntry::Name(Str(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ColumnEntry::Name(Str(Cow::Owned(v))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let column = Column::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ColumnEntry::Column(Box::new(column)))
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}
