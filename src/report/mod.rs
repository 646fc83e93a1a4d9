//! The input contract (`shared/report-format/README.md`) as Rust types, and the reader that fills
//! them (`read.rs`).
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

mod read;
#[cfg(test)]
mod tests;

pub use read::{from_json, MAX_REPORT_BYTES};

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
    /// SQLite: the whole current definition of the tables the diffs touch (Table objects), for
    /// the tables a migration must rebuild. Other dialects ignore it.
    pub actual_tables: Option<Vec<Payload<'a>>>,
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
    // Boxed, as `expected` and `actual` are: most of a large report's diffs are kept together
    // in one list while it is read, which so holds a few pointers per diff.
    pub object: Option<Box<Object<'a>>>,
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
    /// range of an `f64`), and written so.
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

impl Value<'_> {
    /// Compact JSON text: object keys sorted (the last of a repeated key kept, as a JSON object
    /// read into a map keeps it), numbers as the report spells them, strings escaped by
    /// serde_json.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => write_str(out, s),
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
                let mut order: Vec<usize> = (0..members.len()).collect();
                order.sort_by(|&a, &b| members[a].0.as_bytes().cmp(members[b].0.as_bytes()));
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
                    write_str(out, key);
                    out.push(':');
                    members[i].1.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// A string as a JSON string literal.
fn write_str(out: &mut String, s: &str) {
    // Writing a string to a String cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}
