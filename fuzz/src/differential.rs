//! The differential check of the report reader against serde_json: the core's hand-written
//! reader (`report::from_json`) and serde_json reading the same text into serde-derived mirrors
//! of the report's types must accept the same texts, refuse the others for the same kind of
//! reason (not JSON, a value of the wrong type, nested too deep), and read the same values.
//!
//! The mirrors read every object-typed value as an object only (serde-derived types would also
//! take an array as the fields in order, which the reader refuses, as the contract does). Numbers
//! are compared as numbers (the reader keeps their text). Known differences, stepped over:
//! whether a number at the very edge of an `f64`'s range is finite (serde_json's float reading
//! is not exactly rounded there; the reader asks the standard library).

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value as V};
use smartspec_data_migration_generator::{report, ErrorCode};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Reads `text` both ways; panics where they disagree.
pub fn check(text: &str) {
    let ours = report::from_json(text);
    // The top level: both refuse any JSON value but an object before reading (the reader says
    // so in its own words).
    if !text.trim_start().starts_with('{') {
        return;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let theirs = mirror::Report::deserialize(Obj(&mut de)).and_then(|r| de.end().map(|()| r));
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            let (a, b) = (a.canon(), b.canon());
            assert!(a == b, "read differently:\n{a}\n{b}\n{text:?}");
        }
        (Err(e), Err(f)) => {
            let class = match f.classify() {
                serde_json::error::Category::Data => ErrorCode::InvalidValue,
                _ if f.to_string().starts_with("recursion limit exceeded") => ErrorCode::TooLarge,
                _ => ErrorCode::InvalidJson,
            };
            if e.code != class && !edge_of_range(text) {
                panic!("refused differently: {e:?} / {f}\n{text:?}");
            }
        }
        (Ok(_), Err(f)) => {
            if !edge_of_range(text) {
                panic!("read, where serde_json refuses it ({f})\n{text:?}");
            }
        }
        (Err(e), Ok(_)) => {
            let too_large = e.code == ErrorCode::TooLarge && text.len() > report::MAX_REPORT_BYTES;
            if !too_large && !edge_of_range(text) {
                panic!("refused ({e:?}), where serde_json reads it\n{text:?}");
            }
        }
    }
}

/// Whether the text holds a number whose exponent brings it near the largest `f64`.
fn edge_of_range(text: &str) -> bool {
    text.contains("e3")
        || text.contains("E3")
        || text.contains("e+3")
        || text.contains("E+3")
        || text
            .split(|c: char| !c.is_ascii_digit())
            .any(|d| d.len() > 300)
}

// ---------------------------------------------------------------------------------------------
// Both readings as one JSON value each, to compare

trait Canon {
    fn canon(&self) -> V;
}

impl<T: Canon> Canon for Option<T> {
    fn canon(&self) -> V {
        match self {
            // Told from `null` (`Some(None)` of a present `"default": null`).
            None => V::String("<absent>".into()),
            Some(t) => t.canon(),
        }
    }
}

impl<T: Canon> Canon for Vec<T> {
    fn canon(&self) -> V {
        V::Array(self.iter().map(Canon::canon).collect())
    }
}

impl<T: Canon> Canon for Box<T> {
    fn canon(&self) -> V {
        (**self).canon()
    }
}

impl Canon for bool {
    fn canon(&self) -> V {
        V::Bool(*self)
    }
}

impl Canon for IgnoredAny {
    fn canon(&self) -> V {
        V::Null
    }
}

impl Canon for V {
    fn canon(&self) -> V {
        self.clone()
    }
}

impl Canon for report::Str<'_> {
    fn canon(&self) -> V {
        V::String(self.to_string())
    }
}

impl Canon for mirror::Str<'_> {
    fn canon(&self) -> V {
        V::String(self.0.to_string())
    }
}

impl Canon for report::Value<'_> {
    fn canon(&self) -> V {
        use report::Value as R;
        match self {
            R::Null => V::Null,
            R::Bool(b) => V::Bool(*b),
            R::Number(n) => serde_json::from_str(n).unwrap_or_else(|_| V::String(format!("<{n}>"))),
            R::String(s) => V::String(s.to_string()),
            R::Array(items) => V::Array(items.iter().map(Canon::canon).collect()),
            // The last of a repeated key, as serde_json's map keeps it.
            R::Object(members) => {
                let mut m = Map::new();
                for (k, v) in members {
                    m.insert(k.to_string(), v.canon());
                }
                V::Object(m)
            }
        }
    }
}

impl Canon for report::ColumnEntry<'_> {
    fn canon(&self) -> V {
        match self {
            report::ColumnEntry::Name(n) => n.canon(),
            report::ColumnEntry::Column(c) => c.canon(),
        }
    }
}

impl Canon for mirror::ColumnEntry<'_> {
    fn canon(&self) -> V {
        match self {
            mirror::ColumnEntry::Name(n) => n.canon(),
            mirror::ColumnEntry::Column(c) => c.canon(),
        }
    }
}

macro_rules! canon {
    ($($t:ident { $($f:ident),* })*) => {$(
        impl Canon for report::$t<'_> {
            fn canon(&self) -> V {
                let mut m = Map::new();
                $( m.insert(stringify!($f).into(), self.$f.canon()); )*
                V::Object(m)
            }
        }
        impl Canon for mirror::$t<'_> {
            fn canon(&self) -> V {
                let mut m = Map::new();
                $( m.insert(stringify!($f).into(), self.$f.canon()); )*
                V::Object(m)
            }
        }
    )*};
}

canon! {
    Report { workflow, version, report_format, run_id, status, timestamps, scope, results, diffs }
    Timestamps { finished_at }
    Scope { spec_path, spec_id, dialect, default_schema }
    Diff { id, kind, object, expected, actual }
    Object { schema, table, column, enum_name, constraint, index }
    Payload { name, comment, columns, primary_key, foreign_keys, unique_constraints, indexes,
        checks, type_name, nullable, default, identity, auto_increment, serial, enum_name,
        enum_values, references, on_delete, on_update, unique, expression, values }
    Default { kind, value }
    Key { name, columns }
    ForeignKey { name, columns, references, on_delete, on_update }
    References { schema, table, columns }
    Index { name, columns, unique }
    Check { name, expression }
    Column { name, comment, type_name, nullable, default, identity, auto_increment, serial,
        enum_name, enum_values, values }
}

// ---------------------------------------------------------------------------------------------
// The mirrors: the report's types, derived

mod mirror {
    use super::{object, object_list, present, present_object};
    use serde::de::IgnoredAny;
    use serde::Deserialize;
    use std::borrow::Cow;

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
        #[serde(default, deserialize_with = "present")]
        pub value: Option<serde_json::Value>,
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

    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Str<'a>(pub Cow<'a, str>);

    #[derive(Debug, Clone)]
    pub enum ColumnEntry<'a> {
        Name(Str<'a>),
        Column(Box<Column<'a>>),
    }
}

use mirror::{Column, ColumnEntry, Str};

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
fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_option(OptObj(PhantomData))
}

/// A field holding an object or `null`, present: absent (`None`, through `#[serde(default)]`) is
/// told from `null` (`Some(None)`).
fn present_object<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    object(d).map(Some)
}

/// A field's value, present (`Some`, `null` included).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
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
fn object_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
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
