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
    let mut de = serde_json::Deserializer::from_str(text);
    let report = from_deserializer(&mut de)?;
    de.end().map_err(|e| {
        crate::Error::new(
            crate::ErrorCode::InvalidJson,
            format!("trailing characters after the report: {}", e),
        )
        .at("$")
    })?;
    Ok(report)
}

/// Reads a report from any serde deserializer (JSON text, or a JS object in the wasm build).
pub fn from_deserializer<'de, D>(deserializer: D) -> crate::Result<Report>
where
    D: Deserializer<'de>,
    D::Error: fmt::Display,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        // serde_path_to_error writes `?` for a place it could not name (the end of the input).
        let path = if path == "." || path.is_empty() || path == "?" {
            "$".to_string()
        } else if path.starts_with('[') {
            format!("${}", path)
        } else {
            format!("$.{}", path)
        };
        let inner = e.into_inner().to_string();
        // serde_json appends " at line L column C"; keep it, it helps with hand-edited files.
        let code = if inner.starts_with("recursion limit exceeded") {
            crate::ErrorCode::TooLarge
        } else if inner.starts_with("invalid type") || inner.starts_with("invalid value") {
            crate::ErrorCode::InvalidValue
        } else {
            crate::ErrorCode::InvalidJson
        };
        crate::Error::new(code, inner).at(path)
    })
}
