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
use std::fmt;

#[derive(Debug, Default, Deserialize)]
pub struct Report {
    pub workflow: Option<String>,
    pub version: Option<String>,
    pub report_format: Option<String>,
    pub run_id: Option<String>,
    pub status: Option<String>,
    pub timestamps: Option<Timestamps>,
    pub scope: Option<Scope>,
    pub results: Option<Vec<IgnoredAny>>,
    pub diffs: Option<Vec<Diff>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Timestamps {
    pub finished_at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Scope {
    pub spec_path: Option<String>,
    pub spec_id: Option<String>,
    pub dialect: Option<String>,
    pub default_schema: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Diff {
    pub id: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub object: Option<Object>,
    #[serde(default)]
    pub expected: Option<Payload>,
    #[serde(default)]
    pub actual: Option<Payload>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Object {
    pub schema: Option<String>,
    pub table: Option<String>,
    pub column: Option<String>,
    #[serde(rename = "enum")]
    pub enum_name: Option<String>,
    pub constraint: Option<String>,
    pub index: Option<String>,
}

/// The union of the fields of Table, Column, ForeignKey, Unique, Index, Check, Enum, primary
/// key and `{name}`. A Column inside a Table's `columns` is a Payload too.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct Payload {
    pub name: Option<String>,
    pub comment: Option<String>,
    // Table
    pub columns: Option<Vec<ColumnEntry>>,
    pub primary_key: Option<Key>,
    pub foreign_keys: Option<Vec<ForeignKey>>,
    pub unique_constraints: Option<Vec<Key>>,
    pub indexes: Option<Vec<Index>>,
    pub checks: Option<Vec<Check>>,
    // Column (MySQL's enum_values_mismatch carries a whole Column plus `values`)
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub nullable: Option<bool>,
    /// `None`: the key is absent; `Some(None)`: `"default": null`.
    #[serde(default, deserialize_with = "present")]
    pub default: Option<Option<Default>>,
    pub identity: Option<String>,
    pub auto_increment: Option<bool>,
    /// Set by reports for `serial` columns: identity by default, but not a real identity column.
    pub serial: Option<bool>,
    #[serde(rename = "enum")]
    pub enum_name: Option<String>,
    pub enum_values: Option<Vec<String>>,
    // ForeignKey
    pub references: Option<References>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    // Index
    pub unique: Option<bool>,
    // Check
    pub expression: Option<String>,
    // Enum
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Default {
    pub kind: Option<String>,
    /// `None`: the key is absent; `Some(Value::Null)`: `"value": null`.
    #[serde(default, deserialize_with = "present_value")]
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Key {
    pub name: Option<String>,
    pub columns: Option<Vec<ColumnEntry>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Option<Vec<ColumnEntry>>,
    pub references: Option<References>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct References {
    pub schema: Option<String>,
    pub table: Option<String>,
    pub columns: Option<Vec<ColumnEntry>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Index {
    pub name: Option<String>,
    pub columns: Option<Vec<ColumnEntry>>,
    pub unique: Option<bool>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Check {
    pub name: Option<String>,
    pub expression: Option<String>,
}

/// A Column inside a Table's `columns`. Its own type, not a [`Payload`], so that no report — or
/// cyclic JS object — can nest tables inside columns: the types have a fixed depth.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct Column {
    pub name: Option<String>,
    pub comment: Option<String>,
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub nullable: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub default: Option<Option<Default>>,
    pub identity: Option<String>,
    pub auto_increment: Option<bool>,
    pub serial: Option<bool>,
    #[serde(rename = "enum")]
    pub enum_name: Option<String>,
    pub enum_values: Option<Vec<String>>,
    pub values: Option<Vec<String>>,
}

impl Payload {
    /// The Column fields of a diff's `expected` or `actual`.
    pub fn column(&self) -> Column {
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

/// An element of `columns`: a name (keys, indexes) or a whole Column (tables).
#[derive(Debug, Clone)]
pub enum ColumnEntry {
    Name(String),
    Column(Box<Column>),
}

impl<'de> Deserialize<'de> for ColumnEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ColumnEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or a Column object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnEntry, E> {
                Ok(ColumnEntry::Name(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ColumnEntry, E> {
                Ok(ColumnEntry::Name(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ColumnEntry, A::Error> {
                let column = Column::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ColumnEntry::Column(Box::new(column)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<ColumnEntry, A::Error> {
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
pub fn from_json(text: &str) -> crate::Result<Report> {
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
