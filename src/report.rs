//! The input contract (`shared/report-format/README.md`) as serde types.
//!
//! These types are deliberately loose: every field is optional and unknown fields are ignored,
//! so a report is read in one pass whatever its producer added. Whether a field is required, and
//! what its value may be, is checked afterwards by [`crate::schema`], which knows the JSON path of
//! every value and so can name it in an error.
//!
//! `expected` and `actual` hold different objects depending on the diff kind (a Table, a Column,
//! a ForeignKey, `{name}`, `{values}` …). They are all read into one [`Payload`] holding the union
//! of those fields; `columns` is either a list of Column objects (a Table) or of names (keys and
//! indexes), and [`ColumnEntry`] accepts both.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Default, Deserialize)]
pub struct Report<'a> {
    #[serde(borrow)]
    pub workflow: Option<Str<'a>>,
    #[serde(borrow)]
    pub version: Option<Str<'a>>,
    #[serde(borrow)]
    pub report_format: Option<Str<'a>>,
    #[serde(borrow)]
    pub run_id: Option<Str<'a>>,
    #[serde(borrow)]
    pub status: Option<Str<'a>>,
    #[serde(borrow)]
    pub timestamps: Option<Timestamps<'a>>,
    #[serde(borrow)]
    pub scope: Option<Scope<'a>>,
    pub results: Option<Vec<IgnoredAny>>,
    #[serde(borrow)]
    pub diffs: Option<Vec<Diff<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Timestamps<'a> {
    #[serde(borrow)]
    pub finished_at: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Scope<'a> {
    #[serde(borrow)]
    pub spec_path: Option<Str<'a>>,
    #[serde(borrow)]
    pub spec_id: Option<Str<'a>>,
    #[serde(borrow)]
    pub dialect: Option<Str<'a>>,
    #[serde(borrow)]
    pub default_schema: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Diff<'a> {
    #[serde(borrow)]
    pub id: Option<Str<'a>>,
    #[serde(borrow)]
    pub kind: Option<Str<'a>>,
    #[serde(default)]
    #[serde(borrow)]
    pub object: Option<Object<'a>>,
    #[serde(default)]
    #[serde(borrow)]
    pub expected: Option<Payload<'a>>,
    #[serde(default)]
    #[serde(borrow)]
    pub actual: Option<Payload<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Object<'a> {
    #[serde(borrow)]
    pub schema: Option<Str<'a>>,
    #[serde(borrow)]
    pub table: Option<Str<'a>>,
    #[serde(borrow)]
    pub column: Option<Str<'a>>,
    #[serde(rename = "enum")]
    #[serde(borrow)]
    pub enum_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub constraint: Option<Str<'a>>,
    #[serde(borrow)]
    pub index: Option<Str<'a>>,
}

/// The union of the fields of Table, Column, ForeignKey, Unique, Index, Check, Enum, primary
/// key and `{name}`. A Column inside a Table's `columns` is a Payload too.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct Payload<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub comment: Option<Str<'a>>,
    // Table
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    #[serde(borrow)]
    pub primary_key: Option<Key<'a>>,
    #[serde(borrow)]
    pub foreign_keys: Option<Vec<ForeignKey<'a>>>,
    #[serde(borrow)]
    pub unique_constraints: Option<Vec<Key<'a>>>,
    #[serde(borrow)]
    pub indexes: Option<Vec<Index<'a>>>,
    #[serde(borrow)]
    pub checks: Option<Vec<Check<'a>>>,
    // Column (MySQL's enum_values_mismatch carries a whole Column plus `values`)
    #[serde(rename = "type")]
    #[serde(borrow)]
    pub type_name: Option<Str<'a>>,
    pub nullable: Option<bool>,
    /// `None`: the key is absent; `Some(None)`: `"default": null`.
    #[serde(default, deserialize_with = "present")]
    #[serde(borrow)]
    pub default: Option<Option<Default<'a>>>,
    #[serde(borrow)]
    pub identity: Option<Str<'a>>,
    pub auto_increment: Option<bool>,
    /// Set by reports for `serial` columns: identity by default, but not a real identity column.
    pub serial: Option<bool>,
    #[serde(rename = "enum")]
    #[serde(borrow)]
    pub enum_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub enum_values: Option<Vec<Str<'a>>>,
    // ForeignKey
    #[serde(borrow)]
    pub references: Option<References<'a>>,
    #[serde(borrow)]
    pub on_delete: Option<Str<'a>>,
    #[serde(borrow)]
    pub on_update: Option<Str<'a>>,
    // Index
    pub unique: Option<bool>,
    // Check
    #[serde(borrow)]
    pub expression: Option<Str<'a>>,
    // Enum
    #[serde(borrow)]
    pub values: Option<Vec<Str<'a>>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Default<'a> {
    #[serde(borrow)]
    pub kind: Option<Str<'a>>,
    /// `None`: the key is absent; `Some(Value::Null)`: `"value": null`.
    #[serde(default, deserialize_with = "present_value")]
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Key<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ForeignKey<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    #[serde(borrow)]
    pub references: Option<References<'a>>,
    #[serde(borrow)]
    pub on_delete: Option<Str<'a>>,
    #[serde(borrow)]
    pub on_update: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct References<'a> {
    #[serde(borrow)]
    pub schema: Option<Str<'a>>,
    #[serde(borrow)]
    pub table: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Index<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    pub unique: Option<bool>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Check<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub expression: Option<Str<'a>>,
}

/// A Column inside a Table's `columns`. Its own type, not a [`Payload`], so that no report — or
/// cyclic JS object — can nest tables inside columns: the types have a fixed depth.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct Column<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub comment: Option<Str<'a>>,
    #[serde(rename = "type")]
    #[serde(borrow)]
    pub type_name: Option<Str<'a>>,
    pub nullable: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[serde(borrow)]
    pub default: Option<Option<Default<'a>>>,
    #[serde(borrow)]
    pub identity: Option<Str<'a>>,
    pub auto_increment: Option<bool>,
    pub serial: Option<bool>,
    #[serde(rename = "enum")]
    #[serde(borrow)]
    pub enum_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub enum_values: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
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

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
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
        deserializer.deserialize_str(StrVisitor)
    }
}

/// An element of `columns`: a name (keys, indexes) or a whole Column (tables).
#[derive(Debug, Clone)]
pub enum ColumnEntry<'a> {
    Name(Str<'a>),
    Column(Box<Column<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for ColumnEntry<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ColumnEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or a Column object")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<ColumnEntry<'de>, E> {
                Ok(ColumnEntry::Name(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnEntry<'de>, E> {
                Ok(ColumnEntry::Name(Str(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ColumnEntry<'de>, E> {
                Ok(ColumnEntry::Name(Str(Cow::Owned(v))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ColumnEntry<'de>, A::Error> {
                let column = Column::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ColumnEntry::Column(Box::new(column)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<ColumnEntry<'de>, A::Error> {
                Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// Tells an absent key (`None`, through `#[serde(default)]`) from an explicit `null`
/// (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn present_value<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

/// The largest report read, in bytes of JSON text.
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// Reads a report from JSON text. On failure the error names the JSON path where reading stopped.
/// Nesting is bounded by serde_json's recursion limit (128 levels); size by [`MAX_REPORT_BYTES`].
pub fn from_json(text: &str) -> crate::Result<Report<'_>> {
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
            // Serde would read a JSON array as a struct, field by field: refuse it up front.
            if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
                return Err(crate::Error::new(
                    crate::ErrorCode::InvalidValue,
                    "the report must be a JSON object",
                )
                .at("$"));
            }
        }
    }
    serde_json::from_str(text).map_err(|e| json_error(text, e))
}

/// A serde_json error as ours: the code from its category, and the JSON path of the value it
/// stopped in, found by [`path_at`] from the line and column it reports.
fn json_error(text: &str, e: serde_json::Error) -> crate::Error {
    let message = e.to_string();
    let code = if message.starts_with("recursion limit exceeded") {
        crate::ErrorCode::TooLarge
    } else if e.is_data() {
        crate::ErrorCode::InvalidValue
    } else {
        crate::ErrorCode::InvalidJson
    };
    let path = if e.is_eof() || e.line() == 0 {
        "$".to_string()
    } else {
        path_at(text, e.line(), e.column())
    };
    crate::Error::new(code, message).at(path)
}

/// The JSON path of the innermost value open at `line`:`column` (1-based, as serde_json counts)
/// of `text`: `$.diffs[2].expected.type`. A small scanner that follows objects, arrays, keys and
/// strings; the text is known to be well-formed up to that point.
pub fn path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    // The byte offset of line:column; the character there (where reading stopped) is not read.
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            offset += column.saturating_sub(1).min(l.len());
            break;
        }
        offset += l.len();
    }
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // Whether the string being read is a key (in an object, before its ':').
    let mut expecting_key = false;
    while i < end {
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
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expecting_key {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        let raw = &text[start..i.min(text.len())];
                        *key = Some(
                            serde_json::from_str::<String>(&format!("\"{}\"", raw))
                                .unwrap_or_else(|_| raw.to_string()),
                        );
                    }
                    expecting_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::from("$");
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    path.push('.');
                    path.push_str(key);
                } else {
                    path.push_str(&format!("[{:?}]", key));
                }
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{}]", n)),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_path(text: &str) -> String {
        from_json(text).unwrap_err().path.unwrap()
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
    }

    #[test]
    fn deep_nesting_is_skipped_or_refused_without_recursion() {
        // Unknown or ignored content is skipped without recursion, however deep.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let text = format!(
            r#"{{"run_id": "x", "results": [{}], "extra": {}}}"#,
            deep, deep
        );
        assert!(from_json(&text).is_ok());
        // Where a value is read, deep nesting is refused, never recursed into.
        let nested = format!(
            r#"{{"run_id": "x", "diffs": [{{"id": "a", "expected": {{"columns": [{}1{}]}}}}]}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(from_json(&nested).is_err());
    }

    #[test]
    fn reports_over_the_size_limit_are_too_large() {
        let text = format!(
            r#"{{"run_id": "x", "pad": "{}"}}"#,
            "a".repeat(MAX_REPORT_BYTES)
        );
        assert_eq!(
            from_json(&text).unwrap_err().code,
            crate::ErrorCode::TooLarge
        );
    }
}
