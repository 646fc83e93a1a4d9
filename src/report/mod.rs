//! The input contract (`shared/report-format/README.md`) as Rust types, read by serde
//! ([`from_json`], in `read.rs`).
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
//! Strings borrow from the report's text ([`Str`]) unless the text spells them with escapes, so
//! that reading a large report allocates little beyond its structure. Every value the contract
//! wants as an object is read as one only (`read::object`): serde-derived types would also take
//! an array as the fields in order, which no report means.

mod read;
#[cfg(test)]
mod tests;

pub use read::{from_json, MAX_REPORT_BYTES};

use read::{object, object_list, present_object};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::borrow::Cow;

/// A Default's `value`: any JSON value, read whole.
pub use serde_json::Value;

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
    #[serde(borrow, default, deserialize_with = "object")]
    pub timestamps: Option<Timestamps<'a>>,
    #[serde(borrow, default, deserialize_with = "object")]
    pub scope: Option<Scope<'a>>,
    /// Only counted: each finding is skipped unread.
    pub results: Option<Vec<IgnoredAny>>,
    /// Each diff is pushed as it is read (`read::Objects`).
    #[serde(borrow, default, deserialize_with = "object_list")]
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
    #[serde(borrow, default, deserialize_with = "object")]
    pub object: Option<Object<'a>>,
    // Boxed: a diff carries one or two of them, and most of a large report's diffs are kept
    // together in one list while it is read.
    #[serde(borrow, default, deserialize_with = "object")]
    pub expected: Option<Box<Payload<'a>>>,
    #[serde(borrow, default, deserialize_with = "object")]
    pub actual: Option<Box<Payload<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Object<'a> {
    #[serde(borrow)]
    pub schema: Option<Str<'a>>,
    #[serde(borrow)]
    pub table: Option<Str<'a>>,
    #[serde(borrow)]
    pub column: Option<Str<'a>>,
    /// `enum`
    #[serde(borrow, rename = "enum")]
    pub enum_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub constraint: Option<Str<'a>>,
    #[serde(borrow)]
    pub index: Option<Str<'a>>,
}

/// The union of the fields of Table, Column, ForeignKey, Unique, Index, Check, Enum, primary
/// key and `{name}`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Payload<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub comment: Option<Str<'a>>,
    // Table
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    #[serde(borrow, default, deserialize_with = "object")]
    pub primary_key: Option<Key<'a>>,
    #[serde(borrow, default, deserialize_with = "object_list")]
    pub foreign_keys: Option<Vec<ForeignKey<'a>>>,
    #[serde(borrow, default, deserialize_with = "object_list")]
    pub unique_constraints: Option<Vec<Key<'a>>>,
    #[serde(borrow, default, deserialize_with = "object_list")]
    pub indexes: Option<Vec<Index<'a>>>,
    #[serde(borrow, default, deserialize_with = "object_list")]
    pub checks: Option<Vec<Check<'a>>>,
    // Column (MySQL's enum_values_mismatch carries a whole Column plus `values`)
    /// `type`
    #[serde(borrow, rename = "type")]
    pub type_name: Option<Str<'a>>,
    pub nullable: Option<bool>,
    /// `None`: the key is absent; `Some(None)`: `"default": null`.
    #[serde(borrow, default, deserialize_with = "present_object")]
    pub default: Option<Option<Default<'a>>>,
    #[serde(borrow)]
    pub identity: Option<Str<'a>>,
    pub auto_increment: Option<bool>,
    /// Set by reports for `serial` columns: identity by default, but not a real identity column.
    pub serial: Option<bool>,
    /// `enum`
    #[serde(borrow, rename = "enum")]
    pub enum_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub enum_values: Option<Vec<Str<'a>>>,
    // ForeignKey
    #[serde(borrow, default, deserialize_with = "object")]
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
    #[serde(default, deserialize_with = "read::present")]
    pub value: Option<Value>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Key<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ForeignKey<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    #[serde(borrow, default, deserialize_with = "object")]
    pub references: Option<References<'a>>,
    #[serde(borrow)]
    pub on_delete: Option<Str<'a>>,
    #[serde(borrow)]
    pub on_update: Option<Str<'a>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct References<'a> {
    #[serde(borrow)]
    pub schema: Option<Str<'a>>,
    #[serde(borrow)]
    pub table: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Index<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub columns: Option<Vec<ColumnEntry<'a>>>,
    pub unique: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Check<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub expression: Option<Str<'a>>,
}

/// A Column inside a Table's `columns`. Its own type, not a [`Payload`], so that no report can
/// nest tables inside columns: the types have a fixed depth.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Column<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub comment: Option<Str<'a>>,
    /// `type`
    #[serde(borrow, rename = "type")]
    pub type_name: Option<Str<'a>>,
    pub nullable: Option<bool>,
    #[serde(borrow, default, deserialize_with = "present_object")]
    pub default: Option<Option<Default<'a>>>,
    #[serde(borrow)]
    pub identity: Option<Str<'a>>,
    pub auto_increment: Option<bool>,
    pub serial: Option<bool>,
    /// `enum`
    #[serde(borrow, rename = "enum")]
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
/// escapes.
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
