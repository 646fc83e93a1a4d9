//! The validated schema objects a plan is made of. Everything here has been checked: names are
//! within the dialect's limits and free of control characters, types are resolved, defaults are
//! in the known set, check expressions are re-rendered. Renderers can trust these values.

use std::rc::Rc;

use crate::types::SqlType;

/// A table or enum type, optionally schema-qualified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: Option<Rc<str>>,
    pub name: Rc<str>,
}

impl QualifiedName {
    /// `schema.name` for messages and comments (not SQL: see the dialects for quoting).
    pub fn display(&self) -> String {
        match &self.schema {
            Some(s) => {
                let mut out = String::with_capacity(s.len() + 1 + self.name.len());
                out.push_str(s);
                out.push('.');
                out.push_str(&self.name);
                out
            }
            None => self.name.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    pub identity: Option<Identity>,
    pub auto_increment: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Always,
    ByDefault,
    /// A `serial` column: a sequence default, not a real identity column. Created as identity
    /// by default (the contract treats the two as equal).
    Serial,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Null,
    Bool(bool),
    /// A JSON number, in its JSON spelling (digits, `.`, `e`, sign only).
    Number(String),
    Str(String),
    Expr(KnownExpr),
}

/// The default expressions the generator accepts. Anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownExpr {
    Now,
    CurrentTimestamp(Option<u8>),
    CurrentDate,
    CurrentTime(Option<u8>),
    LocalTimestamp(Option<u8>),
    LocalTime(Option<u8>),
    GenRandomUuid,
    Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FkAction {
    Cascade,
    Restrict,
    SetNull,
    SetDefault,
    NoAction,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::Cascade => "CASCADE",
            FkAction::Restrict => "RESTRICT",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
            FkAction::NoAction => "NO ACTION",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: QualifiedName,
    pub ref_columns: Vec<String>,
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    /// Re-rendered by [`crate::check::sanitize`].
    pub expression: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: QualifiedName,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub uniques: Vec<Unique>,
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub name: QualifiedName,
    pub values: Vec<String>,
}
