//! The validated schema objects a plan is made of. Everything here has been checked: names are
//! within the dialect's limits and free of control characters, types are resolved, defaults are
//! in the known set, check expressions are re-rendered. Renderers can trust these values.

use std::rc::Rc;

use crate::types::SqlType;

/// A column, key or constraint name, shared by the steps that name it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Rc<str>);

impl Name {
    pub fn new(s: &str) -> Name {
        Name(Rc::from(s))
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Rc::from(s))
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

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
    pub name: Name,
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
    pub name: Name,
    pub columns: Vec<Name>,
    pub ref_table: QualifiedName,
    pub ref_columns: Vec<Name>,
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unique {
    pub name: Name,
    pub columns: Vec<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub name: Name,
    pub columns: Vec<Name>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: Name,
    /// Re-rendered by [`crate::check::sanitize`].
    pub expression: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryKey {
    pub name: Option<Name>,
    pub columns: Vec<Name>,
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

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn names_read_back_as_given() {
        let long = "é".repeat(40);
        for s in ["", "id", long.as_str()] {
            let n = Name::new(s);
            assert_eq!(n.as_str(), s);
            assert_eq!(n.len(), s.len());
            assert_eq!(n, Name::from(s.to_string()));
            assert_eq!(n.clone().as_str(), s);
            assert_eq!(format!("{n}"), s);
            assert_eq!(format!("{n:?}"), format!("{s:?}"));
        }
    }

    #[test]
    fn names_compare_and_hash_as_their_text() {
        use std::hash::{BuildHasher, RandomState};
        let long = "b".repeat(40);
        let (a, b) = (Name::new("a"), Name::new(&long));
        assert!(a < b);
        assert_ne!(a, b);
        assert_eq!(a.cmp(&b), "a".cmp(long.as_str()));
        let h = RandomState::new();
        assert_eq!(h.hash_one(&a), h.hash_one("a"));
        assert_eq!(h.hash_one(&b), h.hash_one(long.as_str()));
        let set: std::collections::HashSet<Name> = [a.clone(), b.clone()].into();
        assert!(set.contains("a") && set.contains(long.as_str()) && !set.contains("c"));
    }
}
