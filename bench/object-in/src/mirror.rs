//! The report contract (`shared/report-format/README.md`) as serde types: the serde-derived types
//! the core read reports into before its hand-written reader (`report::from_json`), taken from
//! `src/report.rs` at ef5d519 (the types and their `Deserialize` impls only). The core's types no
//! longer implement `Deserialize`, so serde-wasm-bindgen (and serde_json, for comparison) read
//! into this mirror instead: the same structure, field for field, that the core's reader fills,
//! so that the readers are timed on the same work. Nothing here is checked or generated from; the
//! benchmark only counts the diffs read.
//!
//! As in the core: every field is optional and unknown fields are ignored; `expected` and
//! `actual` are one [`Payload`] holding the union of the fields of every payload kind; `columns`
//! is a list of Column objects (a Table) or of names (keys, indexes), and [`ColumnEntry`] accepts
//! both; strings are borrowed from the input where the deserializer can lend them ([`Str`]).

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

/// A string of the report: borrowed from the JSON text, or owned when the text spells it with
/// escapes. Reading a large report so allocates little beyond its structure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str<'a>(pub Cow<'a, str>);

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
