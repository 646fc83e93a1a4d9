//! The validated schema objects a plan is made of. Everything here has been checked: names are
//! within the dialect's limits and free of control characters, types are resolved, defaults are
//! in the known set, check expressions are re-rendered. Renderers can trust these values.

use std::rc::Rc;

use crate::types::SqlType;

/// A column, key or constraint name. Names are short: up to [`Name::INLINE`] bytes are held in
/// place, so most of a plan's names cost no allocation of their own; longer ones are boxed.
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]` is the name; it was copied from a `&str` whole, so it is UTF-8.
    Inline {
        len: u8,
        bytes: [u8; Name::INLINE],
    },
    Heap(Box<str>),
}

impl Name {
    /// The longest name held in place: the size of a `String` less the length byte and the tag.
    pub const INLINE: usize = 22;

    pub fn new(s: &str) -> Name {
        if s.len() <= Self::INLINE {
            let mut bytes = [0; Self::INLINE];
            copy_short(&mut bytes, s.as_bytes());
            Name(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Name(Repr::Heap(Box::from(s)))
        }
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: `Name::new` is the only constructor of `Inline`, and it copies the bytes of
            // a whole `&str` (no cut inside a character), so `bytes[..len]` is valid UTF-8.
            Repr::Inline { len, bytes } => unsafe {
                std::str::from_utf8_unchecked(&bytes[..usize::from(*len)])
            },
            Repr::Heap(s) => s,
        }
    }
}

/// `src` (at most [`Name::INLINE`] bytes) to the start of `dst`, in a few moves of fixed size
/// (overlapping where the length is not a multiple of theirs) instead of a call to `memcpy`,
/// which in wasm costs more than the copy for names this short.
#[inline]
fn copy_short(dst: &mut [u8; Name::INLINE], src: &[u8]) {
    let n = src.len();
    if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        if n > 16 {
            dst[8..16].copy_from_slice(&src[8..16]);
        }
        dst[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

impl Clone for Name {
    /// Not inlined: names are cloned in many places, and the module is smaller this way.
    #[inline(never)]
    fn clone(&self) -> Name {
        Name(self.0.clone())
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(&s)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    fn names_read_back_as_given_in_place_or_boxed() {
        assert_eq!(std::mem::size_of::<Name>(), std::mem::size_of::<String>());
        let short = "a".repeat(Name::INLINE);
        let long = "a".repeat(Name::INLINE + 1);
        // Multi-byte characters across the limit: 11 two-byte characters fit, 12 do not.
        let wide_in = "é".repeat(Name::INLINE / 2);
        let wide_out = "é".repeat(Name::INLINE / 2 + 1);
        for s in ["", "id", short.as_str(), long.as_str(), &wide_in, &wide_out] {
            let n = Name::new(s);
            assert_eq!(n.as_str(), s);
            assert_eq!(n.len(), s.len());
            assert_eq!(n, Name::from(s.to_string()));
            assert_eq!(n.clone().as_str(), s);
            assert_eq!(format!("{n}"), s);
            assert_eq!(format!("{n:?}"), format!("{s:?}"));
        }
        // Every length, with bytes that differ, so each part of the copy is checked.
        let letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        for len in 0..=letters.len() {
            assert_eq!(Name::new(&letters[..len]).as_str(), &letters[..len]);
        }
        assert!(matches!(Name::new(&short).0, super::Repr::Inline { .. }));
        assert!(matches!(Name::new(&long).0, super::Repr::Heap(_)));
        assert!(matches!(Name::new(&wide_out).0, super::Repr::Heap(_)));
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
