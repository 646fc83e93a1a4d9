//! Reports built from the contract's shape (`src/report.rs`) rather than from bytes: every diff
//! kind, Table/Column/key/index/check/enum payloads, portable and native types, defaults and
//! check expressions, with names and values drawn from plain names, hostile strings (quotes,
//! comment openers, dollar tags, `;`, control and bidi characters, over-long names) and raw
//! arbitrary text. [`Report::to_json`] writes the JSON the generator reads.

use arbitrary::Arbitrary;
use serde_json::{json, Map, Value};

use smartspec_data_migration_generator::Options;

/// Plain names. None of them is a word the generator writes unquoted, except `date` and
/// `year`, which are also type names.
const NAMES: &[&str] = &[
    "users",
    "orders",
    "id",
    "email",
    "status",
    "created_at",
    "user_id",
    "Zq_Mixed",
    "x",
    "t1",
    "order_status",
    "public",
    "app",
    "date",
    "year",
    "legacy",
    "ÄÖü",
    "名前",
];

/// Names that would break SQL or a comment line if they were spliced in unquoted.
const HOSTILE: &[&str] = &[
    "x\"; DROP TABLE users; --",
    "a`b; DROP TABLE users; #",
    "it's",
    "a''b",
    "$smartspec$",
    "$smartspec$; DROP TABLE users; $smartspec$",
    "$smartspec_1$",
    "$$",
    "$1",
    "back\\slash",
    "\\'",
    "\\",
    "/* c */",
    "*/",
    "-- c",
    "--",
    "# c",
    "%s %I %L",
    "%",
    "?",
    "\"",
    "\"\"",
    "'",
    "`",
    "E'x'",
    "x'); DROP TABLE t; --",
    ") ; DROP TABLE t; (",
    "a b",
    " lead",
    "trail ",
    "a.b",
    "a\".\"b",
    "@smartspec_sql",
    "smartspec_stmt",
    "SELECT 1",
    "DO 0",
    "a\u{2028}b",
    "\u{202e}evil",
    "\u{feff}x",
    "\u{200f}",
    "😀",
    "\u{85}",
    "a\nb",
    "a\r\nb",
    "a\tb",
    "\0",
    "a\0b",
    "\u{1b}[31m",
    "",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "ééééééééééééééééééééééééééééééé",
    "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
];

const VALUES: &[&str] = &[
    "pending",
    "paid",
    "shipped",
    "a",
    "",
    " ",
    "0",
    "true",
    "NULL",
    "now()",
    "it's",
    "back\\slash",
    "\\'",
    "'; DROP TABLE users; --",
    "$smartspec$",
    "a\nb",
    "-- x\nDROP TABLE t",
    "\u{2028}",
    "\0",
    "a\0b",
    "%s",
    "é",
    "😀",
    "x\"y",
    "`",
    "\u{1a}",
    "\\0",
    "x\n--changeset evil:1\nDROP TABLE users;",
    "a\n--rollback DROP TABLE users;",
    "a\n  -- comment: x",
    "a\r--changeset evil:2",
    "a\n/* liquibase rollback\nDROP TABLE t;\n*/",
    "${flyway:user}",
    "${x}",
];

const PORTABLE: &[&str] = &[
    "string",
    "varchar",
    "text",
    "char",
    "smallint",
    "integer",
    "int",
    "bigint",
    "decimal",
    "numeric",
    "real",
    "double",
    "boolean",
    "bool",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "timestamp_tz",
    "uuid",
    "json",
    "jsonb",
    "binary",
    "bytes",
    "bytea",
    "blob",
    "enum",
];

const NATIVE: &[&str] = &[
    "character varying(20)",
    "int unsigned",
    "double precision",
    "timestamp with time zone",
    "numeric(10, 2)[]",
    "int[][]",
    "tinyint(1)",
    "year",
    "mediumtext",
    "serial",
    "bigserial",
    "bit varying(8)",
    "money",
    "inet",
    "datetime(6)",
    "DOUBLE PRECISION(8,2) UNSIGNED ZEROFILL",
    "  varchar ( 40 ) ",
    "int4",
    "time without time zone",
    "mpaa_rating",
    "userrole[]",
];

const HOSTILE_TYPES: &[&str] = &[
    "int; DROP TABLE x",
    "int -- x",
    "text collate \"C\"",
    "varchar(10) not null",
    "int)",
    "(int",
    "int /* */",
    "x\" y",
    "int references users",
    "int(1,2,3)",
    "varchar(99999999999)",
    "int[]x",
    "int\ninteger",
    "",
    "$smartspec$",
    "enum('a','b')",
    "int # x",
    "a.b",
    "\"quoted\"",
];

const KNOWN_EXPR: &[&str] = &[
    "now()",
    "CURRENT_TIMESTAMP",
    "current_timestamp(3)",
    "CURRENT_DATE",
    "gen_random_uuid()",
    "uuid()",
    "curdate()",
    "now(6)",
    "LOCALTIME(2)",
    "localtimestamp",
    "current_time ( 6 )",
    "CURRENT_TIMESTAMP(7)",
];

const HOSTILE_EXPR: &[&str] = &[
    "now(); DROP TABLE x",
    "nextval('s')",
    "1); DROP TABLE t; --",
    "'x'",
    "now() -- x",
    "now()/**/",
    "current_timestamp(1) || 'x'",
    "$$x$$",
];

const CHECK_WORDS: &[&str] = &[
    "price",
    "qty",
    "amount",
    "lower(price)",
    "length(amount)",
    "NULL",
    "TRUE",
    "CURRENT_DATE",
    "DATE '2020-01-01'",
    "x'AF'",
    "b'01'",
    "ARRAY[1, 2]",
    "CAST(qty AS integer)",
    "qty::text",
    "coalesce(qty, 0)",
];

const CHECK_OPS: &[&str] = &[
    " > ",
    " < ",
    " = ",
    " >= ",
    " <> ",
    " AND ",
    " OR ",
    " + ",
    " - ",
    " * ",
    " IS NOT ",
    " LIKE ",
    " IN ",
    " BETWEEN ",
    " || ",
    "::",
    " NOT IN ",
    ", ",
    " -",
    "-",
    "/",
    " % ",
    " ~ ",
    " !~* ",
];

const HOSTILE_CHECKS: &[&str] = &[
    "price > 0); DROP TABLE users; --",
    "a > 0 -- x",
    "a /* */ > 0",
    "1; DROP TABLE t",
    "(SELECT 1) > 0",
    "$$x$$ > 0",
    "a > 0) OR (1 = 1",
    "x' > 0",
    "E'\\'' = a",
    "\"a\"\" > 0",
    "price > 0 # x",
    "`a` > 0",
    "a-->0",
    "a --> 0",
    "a - -1 > 0",
    "'a' || \"b\" = 'ab'",
    "status IN ('a', 'b''c', E'd\\'e')",
    "x IS NOT NULL AND (y > 0 OR z < 1)",
    "CASE WHEN a > 0 THEN 1 ELSE 0 END = 1",
    "n'x' = a",
    "_utf8mb4'x' = a",
    "ne'x' = a",
    "a\u{2028} > 0",
    "a > 0\0",
];

const KINDS: &[&str] = &[
    "missing_table",
    "extra_table",
    "renamed_table",
    "missing_column",
    "extra_column",
    "renamed_column",
    "type_mismatch",
    "nullability_mismatch",
    "default_mismatch",
    "primary_key_mismatch",
    "missing_foreign_key",
    "extra_foreign_key",
    "missing_unique",
    "extra_unique",
    "missing_index",
    "extra_index",
    "missing_check",
    "extra_check",
    "missing_enum",
    "extra_enum",
    "enum_values_mismatch",
];

const RUN_IDS: &[&str] = &[
    "run-123",
    "20251213-103000Z-3f9c2a",
    "20240101-000000Z",
    "a.b_c-d",
];
const HOSTILE_RUN_IDS: &[&str] = &[
    "../x",
    "a/b",
    "..",
    ".",
    ".hidden",
    "a\\b",
    "a\0b",
    "",
    "run 1",
    "日本",
    "/etc",
    "C:x",
    "-",
    "x\n",
    "20251213-103000Z/../../x",
];
const TIMESTAMPS: &[&str] = &[
    "2024-01-01T12:00:00Z",
    "2025-12-13T10:30:02Z",
    "2024-02-29T23:59:60+01:00",
    "1999-12-31t23:59:59.123456-14:00",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-23:59",
    "2024-13-01T00:00:00Z",
    "2024-01-01",
    "x",
];

fn pick(list: &[&str], i: u8) -> String {
    list[i as usize % list.len()].to_string()
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Plain(u8),
    Hostile(u8),
    Raw(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Plain(i) => pick(NAMES, *i),
            Name::Hostile(i) => pick(HOSTILE, *i),
            Name::Raw(s) => s.clone(),
        }
    }
    fn json(&self) -> Value {
        Value::String(self.text())
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Text {
    Value(u8),
    Hostile(u8),
    Raw(String),
}

impl Text {
    fn text(&self) -> String {
        match self {
            Text::Value(i) => pick(VALUES, *i),
            Text::Hostile(i) => pick(HOSTILE, *i),
            Text::Raw(s) => s.clone(),
        }
    }
    fn json(&self) -> Value {
        Value::String(self.text())
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum TypeText {
    Portable(u8),
    WithArgs(u8, u16, Option<u16>),
    Native(u8),
    /// An unknown single word: a user type on PostgreSQL.
    User(Name),
    Array(u8, u8),
    Hostile(u8),
    Raw(String),
    /// Not a string at all.
    Number(i32),
}

impl TypeText {
    fn json(&self) -> Value {
        match self {
            TypeText::Portable(i) => json!(pick(PORTABLE, *i)),
            TypeText::WithArgs(i, a, b) => match b {
                Some(b) => json!(format!("{}({}, {})", pick(PORTABLE, *i), a, b)),
                None => json!(format!("{}({})", pick(PORTABLE, *i), a)),
            },
            TypeText::Native(i) => json!(pick(NATIVE, *i)),
            TypeText::User(n) => n.json(),
            TypeText::Array(i, dims) => json!(format!(
                "{}{}",
                pick(PORTABLE, *i),
                "[]".repeat(*dims as usize % 4)
            )),
            TypeText::Hostile(i) => json!(pick(HOSTILE_TYPES, *i)),
            TypeText::Raw(s) => json!(s),
            TypeText::Number(n) => json!(n),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Text),
    Array(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum DefaultText {
    Known(u8),
    Hostile(u8),
    Raw(String),
    NotAString(i32),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Default {
    Absent,
    Null,
    Literal(Literal),
    Expression(DefaultText),
    /// A Default object with another kind or no value.
    OtherKind(Text, bool),
}

impl Default {
    /// `None`: leave the key out.
    fn json(&self) -> Option<Value> {
        Some(match self {
            Default::Absent => return None,
            Default::Null => Value::Null,
            Default::Literal(l) => {
                let v = match l {
                    Literal::Null => Value::Null,
                    Literal::Bool(b) => json!(b),
                    Literal::Int(i) => json!(i),
                    Literal::Float(f) => serde_json::Number::from_f64(*f)
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                    Literal::Text(t) => t.json(),
                    Literal::Array(a) => json!(a),
                };
                json!({"kind": "literal", "value": v})
            }
            Default::Expression(e) => {
                let v = match e {
                    DefaultText::Known(i) => json!(pick(KNOWN_EXPR, *i)),
                    DefaultText::Hostile(i) => json!(pick(HOSTILE_EXPR, *i)),
                    DefaultText::Raw(s) => json!(s),
                    DefaultText::NotAString(n) => json!(n),
                };
                json!({"kind": "expression", "value": v})
            }
            Default::OtherKind(kind, with_value) => {
                if *with_value {
                    json!({"kind": kind.text(), "value": "x"})
                } else {
                    json!({"kind": kind.text()})
                }
            }
        })
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Atom {
    /// A column written as a quoted name (`"x"` or `` `x` ``, quotes doubled).
    Quoted(Name, bool),
    Word(u8),
    Number(i32),
    Str(Text),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum CheckExpr {
    Grammar {
        first: Atom,
        rest: Vec<(u8, Atom)>,
        not: bool,
        parens: bool,
    },
    Hostile(u8),
    Raw(String),
}

impl CheckExpr {
    fn text(&self) -> String {
        match self {
            CheckExpr::Grammar {
                first,
                rest,
                not,
                parens,
            } => {
                let atom = |a: &Atom| match a {
                    Atom::Quoted(n, backtick) => {
                        let q = if *backtick { '`' } else { '"' };
                        let mut s = String::new();
                        s.push(q);
                        for c in n.text().chars() {
                            if c == q {
                                s.push(q);
                            }
                            s.push(c);
                        }
                        s.push(q);
                        s
                    }
                    Atom::Word(i) => pick(CHECK_WORDS, *i),
                    Atom::Number(n) => n.to_string(),
                    Atom::Str(t) => format!("'{}'", t.text().replace('\'', "''")),
                };
                let mut s = atom(first);
                for (op, a) in rest.iter().take(8) {
                    s.push_str(&pick(CHECK_OPS, *op));
                    s.push_str(&atom(a));
                }
                if *parens {
                    s = format!("({})", s);
                }
                if *not {
                    s = format!("NOT {}", s);
                }
                s
            }
            CheckExpr::Hostile(i) => pick(HOSTILE_CHECKS, *i),
            CheckExpr::Raw(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Identity {
    Always,
    ByDefault,
    Other(Text),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Action {
    Cascade,
    Restrict,
    SetNull,
    SetDefault,
    NoAction,
    Other(Text),
}

impl Action {
    fn json(&self) -> Value {
        json!(match self {
            Action::Cascade => "cascade".to_string(),
            Action::Restrict => "restrict".to_string(),
            Action::SetNull => "set_null".to_string(),
            Action::SetDefault => "set_default".to_string(),
            Action::NoAction => "no_action".to_string(),
            Action::Other(t) => t.text(),
        })
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Column {
    pub name: Option<Name>,
    pub comment: Option<Text>,
    pub ty: Option<TypeText>,
    pub nullable: Option<bool>,
    pub default: Default,
    pub identity: Option<Identity>,
    pub auto_increment: Option<bool>,
    pub serial: Option<bool>,
    pub enum_name: Option<Name>,
    pub enum_values: Option<Vec<Text>>,
    pub values: Option<Vec<Text>>,
}

impl Column {
    fn fill(&self, m: &mut Map<String, Value>) {
        if let Some(n) = &self.name {
            m.insert("name".into(), n.json());
        }
        if let Some(c) = &self.comment {
            m.insert("comment".into(), c.json());
        }
        if let Some(t) = &self.ty {
            m.insert("type".into(), t.json());
        }
        if let Some(n) = self.nullable {
            m.insert("nullable".into(), json!(n));
        }
        if let Some(d) = self.default.json() {
            m.insert("default".into(), d);
        }
        if let Some(i) = &self.identity {
            m.insert(
                "identity".into(),
                match i {
                    Identity::Always => json!("always"),
                    Identity::ByDefault => json!("by_default"),
                    Identity::Other(t) => t.json(),
                },
            );
        }
        if let Some(a) = self.auto_increment {
            m.insert("auto_increment".into(), json!(a));
        }
        if let Some(s) = self.serial {
            m.insert("serial".into(), json!(s));
        }
        if let Some(e) = &self.enum_name {
            m.insert("enum".into(), e.json());
        }
        if let Some(v) = &self.enum_values {
            m.insert("enum_values".into(), texts(v));
        }
        if let Some(v) = &self.values {
            m.insert("values".into(), texts(v));
        }
    }
}

fn texts(v: &[Text]) -> Value {
    Value::Array(v.iter().take(12).map(Text::json).collect())
}

fn names(v: &[Name]) -> Value {
    Value::Array(v.iter().take(8).map(Name::json).collect())
}

#[derive(Arbitrary, Debug, Clone)]
pub enum ColumnEntry {
    Name(Name),
    Column(Column),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Key {
    pub name: Option<Name>,
    pub columns: Option<Vec<Name>>,
}

impl Key {
    fn json(&self) -> Value {
        let mut m = Map::new();
        if let Some(n) = &self.name {
            m.insert("name".into(), n.json());
        }
        if let Some(c) = &self.columns {
            m.insert("columns".into(), names(c));
        }
        Value::Object(m)
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct References {
    pub schema: Option<Name>,
    pub table: Option<Name>,
    pub columns: Option<Vec<Name>>,
}

impl References {
    fn json(&self) -> Value {
        let mut m = Map::new();
        if let Some(n) = &self.schema {
            m.insert("schema".into(), n.json());
        }
        if let Some(n) = &self.table {
            m.insert("table".into(), n.json());
        }
        if let Some(c) = &self.columns {
            m.insert("columns".into(), names(c));
        }
        Value::Object(m)
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct ForeignKey {
    pub key: Key,
    pub references: Option<References>,
    pub on_delete: Option<Action>,
    pub on_update: Option<Action>,
}

impl ForeignKey {
    fn json(&self) -> Value {
        let mut v = self.key.json();
        let m = v.as_object_mut().expect("an object");
        if let Some(r) = &self.references {
            m.insert("references".into(), r.json());
        }
        if let Some(a) = &self.on_delete {
            m.insert("on_delete".into(), a.json());
        }
        if let Some(a) = &self.on_update {
            m.insert("on_update".into(), a.json());
        }
        v
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Payload {
    pub column: Column,
    pub columns: Option<Vec<ColumnEntry>>,
    pub primary_key: Option<Key>,
    pub foreign_keys: Option<Vec<ForeignKey>>,
    pub unique_constraints: Option<Vec<Key>>,
    pub indexes: Option<Vec<(Key, Option<bool>)>>,
    pub checks: Option<Vec<(Option<Name>, Option<CheckExpr>)>>,
    pub references: Option<References>,
    pub on_delete: Option<Action>,
    pub on_update: Option<Action>,
    pub unique: Option<bool>,
    pub expression: Option<CheckExpr>,
}

impl Payload {
    fn json(&self) -> Value {
        let mut m = Map::new();
        self.column.fill(&mut m);
        if let Some(cols) = &self.columns {
            let list = cols
                .iter()
                .take(10)
                .map(|c| match c {
                    ColumnEntry::Name(n) => n.json(),
                    ColumnEntry::Column(c) => {
                        let mut cm = Map::new();
                        c.fill(&mut cm);
                        Value::Object(cm)
                    }
                })
                .collect();
            m.insert("columns".into(), Value::Array(list));
        }
        if let Some(k) = &self.primary_key {
            m.insert("primary_key".into(), k.json());
        }
        if let Some(fks) = &self.foreign_keys {
            m.insert(
                "foreign_keys".into(),
                Value::Array(fks.iter().take(4).map(ForeignKey::json).collect()),
            );
        }
        if let Some(us) = &self.unique_constraints {
            m.insert(
                "unique_constraints".into(),
                Value::Array(us.iter().take(4).map(Key::json).collect()),
            );
        }
        if let Some(ix) = &self.indexes {
            let list = ix
                .iter()
                .take(4)
                .map(|(k, unique)| {
                    let mut v = k.json();
                    if let Some(u) = unique {
                        v.as_object_mut()
                            .expect("an object")
                            .insert("unique".into(), json!(u));
                    }
                    v
                })
                .collect();
            m.insert("indexes".into(), Value::Array(list));
        }
        if let Some(cs) = &self.checks {
            let list = cs
                .iter()
                .take(4)
                .map(|(n, e)| {
                    let mut c = Map::new();
                    if let Some(n) = n {
                        c.insert("name".into(), n.json());
                    }
                    if let Some(e) = e {
                        c.insert("expression".into(), json!(e.text()));
                    }
                    Value::Object(c)
                })
                .collect();
            m.insert("checks".into(), Value::Array(list));
        }
        if let Some(r) = &self.references {
            m.insert("references".into(), r.json());
        }
        if let Some(a) = &self.on_delete {
            m.insert("on_delete".into(), a.json());
        }
        if let Some(a) = &self.on_update {
            m.insert("on_update".into(), a.json());
        }
        if let Some(u) = self.unique {
            m.insert("unique".into(), json!(u));
        }
        if let Some(e) = &self.expression {
            m.insert("expression".into(), json!(e.text()));
        }
        Value::Object(m)
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Side {
    Absent,
    Null,
    Payload(Box<Payload>),
}

impl Side {
    fn json(&self) -> Option<Value> {
        match self {
            Side::Absent => None,
            Side::Null => Some(Value::Null),
            Side::Payload(p) => Some(p.json()),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Object {
    pub schema: Option<Name>,
    pub table: Option<Name>,
    pub column: Option<Name>,
    pub enum_name: Option<Name>,
    pub constraint: Option<Name>,
    pub index: Option<Name>,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum DiffId {
    Numbered,
    SameAsPrevious,
    Other(Text),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Kind {
    Known(u8),
    Other(Text),
    Absent,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Diff {
    pub id: DiffId,
    pub kind: Kind,
    pub destructive: Option<bool>,
    pub object: Option<Object>,
    pub expected: Side,
    pub actual: Side,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Choice {
    Good(u8),
    Hostile(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Scope {
    pub spec_path: Option<Text>,
    pub spec_id: Option<Text>,
    pub dialect: Option<Choice>,
    pub default_schema: Option<Name>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct CallOptions {
    pub dialect: Option<u8>,
    pub version: Option<Choice>,
    pub name_from: Option<u8>,
    pub migration_tool: Option<u8>,
    pub undo: bool,
    pub concurrently: bool,
    pub allow_destructive: bool,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Report {
    pub workflow: Option<Choice>,
    pub validator_version: Option<Text>,
    pub report_format: Option<Choice>,
    pub run_id: Option<Choice>,
    pub finished_at: Option<Choice>,
    pub scope: Option<Scope>,
    pub results: Option<u8>,
    pub diffs: Option<Vec<Diff>>,
    pub options: CallOptions,
}

fn choice(c: &Choice, good: &[&str], hostile: &[&str]) -> String {
    match c {
        Choice::Good(i) => pick(good, *i),
        Choice::Hostile(i) => pick(hostile, *i),
        Choice::Raw(s) => s.clone(),
    }
}

impl Report {
    pub fn to_json(&self) -> String {
        let mut m = Map::new();
        if let Some(w) = &self.workflow {
            m.insert(
                "workflow".into(),
                json!(choice(
                    w,
                    &["smartspec_data_model_validator"],
                    &["other", ""]
                )),
            );
        }
        if let Some(v) = &self.validator_version {
            m.insert("version".into(), v.json());
        }
        if let Some(f) = &self.report_format {
            m.insert(
                "report_format".into(),
                json!(choice(
                    f,
                    &["smartspec.dmv.summary/1", "smartspec.dmv.summary/1.3"],
                    &[
                        "smartspec.dmv.summary/2",
                        "smartspec.dmv.summary/",
                        "x",
                        "smartspec.dmv.summary/0"
                    ]
                )),
            );
        }
        if let Some(r) = &self.run_id {
            m.insert("run_id".into(), json!(choice(r, RUN_IDS, HOSTILE_RUN_IDS)));
        }
        m.insert("status".into(), json!("fail"));
        if let Some(t) = &self.finished_at {
            m.insert(
                "timestamps".into(),
                json!({"finished_at": choice(t, TIMESTAMPS, &["", "2024-01-01T00:00:00", "\0"])}),
            );
        }
        if let Some(s) = &self.scope {
            let mut sm = Map::new();
            if let Some(p) = &s.spec_path {
                sm.insert("spec_path".into(), p.json());
            }
            if let Some(p) = &s.spec_id {
                sm.insert("spec_id".into(), p.json());
            }
            if let Some(d) = &s.dialect {
                sm.insert(
                    "dialect".into(),
                    json!(choice(
                        d,
                        &["postgres", "mysql", "PostgreSQL", "MYSQL", " pg "],
                        &["oracle", ""]
                    )),
                );
            }
            if let Some(n) = &s.default_schema {
                sm.insert("default_schema".into(), n.json());
            }
            m.insert("scope".into(), Value::Object(sm));
        }
        if let Some(n) = self.results {
            m.insert(
                "results".into(),
                Value::Array((0..n % 4).map(|i| json!({"check_id": i})).collect()),
            );
        }
        if let Some(diffs) = &self.diffs {
            let mut list = Vec::new();
            let mut previous = String::from("D000");
            for (i, d) in diffs.iter().take(12).enumerate() {
                let mut dm = Map::new();
                let id = match &d.id {
                    DiffId::Numbered => format!("D{:03}", i + 1),
                    DiffId::SameAsPrevious => previous.clone(),
                    DiffId::Other(t) => t.text(),
                };
                previous = id.clone();
                dm.insert("id".into(), json!(id));
                match &d.kind {
                    Kind::Known(k) => {
                        dm.insert("kind".into(), json!(pick(KINDS, *k)));
                    }
                    Kind::Other(t) => {
                        dm.insert("kind".into(), t.json());
                    }
                    Kind::Absent => {}
                }
                if let Some(x) = d.destructive {
                    dm.insert("destructive".into(), json!(x));
                }
                if let Some(o) = &d.object {
                    let mut om = Map::new();
                    for (k, v) in [
                        ("schema", &o.schema),
                        ("table", &o.table),
                        ("column", &o.column),
                        ("enum", &o.enum_name),
                        ("constraint", &o.constraint),
                        ("index", &o.index),
                    ] {
                        if let Some(v) = v {
                            om.insert(k.into(), v.json());
                        }
                    }
                    dm.insert("object".into(), Value::Object(om));
                }
                if let Some(v) = d.expected.json() {
                    dm.insert("expected".into(), v);
                }
                if let Some(v) = d.actual.json() {
                    dm.insert("actual".into(), v);
                }
                list.push(Value::Object(dm));
            }
            m.insert("diffs".into(), Value::Array(list));
        }
        serde_json::to_string(&Value::Object(m)).expect("JSON")
    }

    pub fn options(&self) -> Options {
        let o = &self.options;
        Options {
            dialect: o
                .dialect
                .map(|i| pick(&["PostgreSQL", "mysql", "PG", "MySQL", "oracle"], i)),
            version: o.version.as_ref().map(|v| {
                choice(
                    v,
                    &["1", "2.1.0", "20240101_1200"],
                    &["", "1..2", "V1", "1/2", "..", "1\0"],
                )
            }),
            name_from: o
                .name_from
                .map(|i| pick(&["changes", "spec_id", "title"], i)),
            migration_tool: o.migration_tool.map(|i| {
                pick(
                    &["flyway", "FLYWAY", "liquibase", "raw-sql", "sql", "alembic"],
                    i,
                )
            }),
            undo: o.undo,
            concurrently: o.concurrently,
            allow_destructive: o.allow_destructive,
            // The default guards (verify): the invariants check its one precondition block.
            guards: None,
        }
    }
}
