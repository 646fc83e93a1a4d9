//! Column types: the contract's portable names mapped per dialect, and native types that pass a
//! strict grammar — a type name made of known words, optional `(n)` or `(p,s)`, and on
//! PostgreSQL optional `[]`. Nothing from the report is ever spliced into SQL as it stands: a
//! type is parsed into [`SqlType`] and written again from the parse.
//!
//! A single unknown word on PostgreSQL is taken as the name of a user type (an enum or a domain)
//! and rendered as a quoted identifier, so it can only ever name a type.

use std::borrow::Cow;

use crate::dialect::Dialect;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlType {
    /// A built-in type, spelled in upper case: `TIMESTAMP WITH TIME ZONE`, `VARCHAR(100)`.
    Builtin(std::rc::Rc<str>),
    /// A user-defined type (PostgreSQL enum or domain), quoted when rendered.
    Named {
        schema: Option<String>,
        name: String,
    },
    /// PostgreSQL array of the inner type, with its number of dimensions.
    Array(Box<SqlType>, usize),
    /// MySQL `ENUM('a', 'b')`.
    MySqlEnum(Vec<String>),
}

impl SqlType {
    pub fn render(&self, dialect: Dialect, out: &mut String) {
        match self {
            SqlType::Builtin(s) => out.push_str(s),
            SqlType::Named { schema, name } => {
                if let Some(schema) = schema {
                    dialect.quote_ident(schema, out);
                    out.push('.');
                }
                dialect.quote_ident(name, out);
            }
            SqlType::Array(inner, dims) => {
                inner.render(dialect, out);
                for _ in 0..*dims {
                    out.push_str("[]");
                }
            }
            SqlType::MySqlEnum(values) => {
                out.push_str("ENUM(");
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    dialect.quote_str(v, out);
                }
                out.push(')');
            }
        }
    }

    pub fn to_sql(&self, dialect: Dialect) -> String {
        let mut s = String::new();
        self.render(dialect, &mut s);
        s
    }

    /// Whether the type is a PostgreSQL enum type or MySQL ENUM (or an array of one).
    pub fn is_enum(&self) -> bool {
        match self {
            SqlType::Named { .. } | SqlType::MySqlEnum(_) => true,
            SqlType::Array(inner, _) => inner.is_enum(),
            SqlType::Builtin(_) => false,
        }
    }
}

/// The parts of a type string: `numeric(10, 2)[]` is name `numeric`, args `[10, 2]`, 1 dimension.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    /// Lower-case words, single-spaced.
    name: String,
    args: Vec<u32>,
    dims: usize,
}

fn parse(text: &str) -> Result<Parsed, String> {
    let bad = || {
        format!(
            "type {:?} is not a portable type and does not fit the native type grammar \
             (a name of letters, digits, underscores and spaces, optional (n) or (p,s), optional [])",
            crate::text::preview(text)
        )
    };
    let mut rest = text.trim();
    let mut dims = 0;
    while let Some(r) = rest.strip_suffix("[]") {
        dims += 1;
        rest = r.trim_end();
    }
    let (name_part, args) = match rest.find('(') {
        Some(open) => {
            let close = rest.strip_suffix(')').ok_or_else(bad)?;
            let inner = &close[open + 1..];
            let mut args = Vec::new();
            for a in inner.split(',') {
                let a = a.trim();
                if a.is_empty() || a.len() > 9 || !a.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                args.push(a.parse::<u32>().map_err(|_| bad())?);
            }
            if args.len() > 2 {
                return Err(bad());
            }
            (&rest[..open], args)
        }
        None => (rest, Vec::new()),
    };
    let mut name = String::new();
    for word in name_part.split(' ').filter(|w| !w.is_empty()) {
        if !word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || word.as_bytes()[0].is_ascii_digit()
        {
            return Err(bad());
        }
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    if name.is_empty() || name_part.contains(|c: char| c != ' ' && c.is_whitespace()) {
        return Err(bad());
    }
    Ok(Parsed { name, args, dims })
}

/// What the report says about a column's type.
pub struct TypeSpec<'a> {
    pub type_name: &'a str,
    /// `enum` of the Column: the name of the enum type.
    pub enum_name: Option<&'a str>,
    /// MySQL: the values of the enum, from the Column or from an Enum elsewhere in the report.
    pub enum_values: Option<&'a [&'a str]>,
    /// PostgreSQL: the schema of the enum type when the report names one.
    pub enum_schema: Option<&'a str>,
}

/// Resolves a report type for `dialect`. The error message says what is wrong; the caller adds
/// the JSON path.
pub fn resolve(spec: &TypeSpec, dialect: Dialect) -> Result<SqlType, String> {
    // An enum column may name its type by the enum's own name, whatever characters that name
    // holds (it has been checked as a name, and it is quoted), spaces at its ends included.
    if let Some(enum_name) = spec.enum_name {
        let mut base = spec.type_name;
        let mut dims = 0;
        while base != enum_name && base.trim() != enum_name {
            match base.trim_end().strip_suffix("[]") {
                Some(b) => base = b,
                None => break,
            }
            dims += 1;
        }
        let named = base == enum_name || base.trim() == enum_name;
        if named && !(dims > 0 && dialect != Dialect::Postgres) {
            let t = enum_type(enum_name, spec, dialect)?;
            return Ok(if dims > 0 {
                SqlType::Array(Box::new(t), dims)
            } else {
                t
            });
        }
    }
    let p = parse(spec.type_name)?;
    if p.dims > 0 && dialect != Dialect::Postgres {
        return Err(format!(
            "type {:?}: {} has no array types",
            crate::text::preview(spec.type_name),
            dialect.name()
        ));
    }
    let base = resolve_base(&p, spec, dialect)?;
    if dialect != Dialect::Sqlite {
        check_numeric_args(&p, spec.type_name, dialect)?;
    }
    Ok(if p.dims > 0 {
        SqlType::Array(Box::new(base), p.dims)
    } else {
        base
    })
}

fn resolve_base(p: &Parsed, spec: &TypeSpec, dialect: Dialect) -> Result<SqlType, String> {
    // An enum column: `type: "enum"`, or the type's own name with `enum` naming it.
    if let Some(enum_name) = spec.enum_name {
        if p.name == "enum" || spec.type_name.trim().trim_end_matches("[]").trim() == enum_name {
            return enum_type(enum_name, spec, dialect);
        }
    }
    if p.name == "enum" && p.args.is_empty() {
        return match (dialect, spec.enum_values) {
            (Dialect::MySql | Dialect::Sqlite, Some(values)) => {
                Ok(SqlType::MySqlEnum(owned(values)))
            }
            _ => Err("type \"enum\" needs `enum` to name the enum type".to_string()),
        };
    }
    if dialect == Dialect::Sqlite {
        return sqlite_type(p, spec.type_name);
    }
    if let Some(t) = portable(p, dialect) {
        return Ok(SqlType::Builtin(t.into()));
    }
    native(p, spec, dialect)
}

fn owned(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn enum_type(enum_name: &str, spec: &TypeSpec, dialect: Dialect) -> Result<SqlType, String> {
    match dialect {
        Dialect::Postgres => Ok(SqlType::Named {
            schema: spec.enum_schema.map(str::to_string),
            name: enum_name.to_string(),
        }),
        Dialect::MySql | Dialect::Sqlite => match spec.enum_values {
            Some(values) if !values.is_empty() => Ok(SqlType::MySqlEnum(owned(values))),
            _ => Err(format!(
                "enum column of type {:?}: {} needs its values, from `enum_values` or from an \
                 Enum of that name in the report (missing_enum or enum_values_mismatch)",
                crate::text::preview(enum_name),
                dialect.name()
            )),
        },
    }
}

/// The contract's portable types. `None` when `p` is not one of them (it may still be native).
fn portable(p: &Parsed, dialect: Dialect) -> Option<String> {
    use Dialect::*;
    let pg = dialect == Postgres;
    let a = &p.args;
    let s = match (p.name.as_str(), a.len()) {
        ("string" | "varchar", 0) => (if pg { "TEXT" } else { "VARCHAR(255)" }).to_string(),
        ("string" | "varchar", 1) => format!("VARCHAR({})", a[0]),
        ("text", 0) => "TEXT".to_string(),
        ("char", 1) => format!("CHAR({})", a[0]),
        ("smallint", 0) => "SMALLINT".to_string(),
        ("integer" | "int", 0) => (if pg { "INTEGER" } else { "INT" }).to_string(),
        ("bigint", 0) => "BIGINT".to_string(),
        ("decimal" | "numeric", 0) => (if pg { "NUMERIC" } else { "DECIMAL" }).to_string(),
        ("decimal" | "numeric", 1 | 2) => format!(
            "{}({})",
            if pg { "NUMERIC" } else { "DECIMAL" },
            a.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
        ("real", 0) => (if pg { "REAL" } else { "FLOAT" }).to_string(),
        ("double", 0) => (if pg { "DOUBLE PRECISION" } else { "DOUBLE" }).to_string(),
        ("boolean" | "bool", 0) => "BOOLEAN".to_string(),
        ("date", 0) => "DATE".to_string(),
        ("time", 0) => "TIME".to_string(),
        ("timestamp", 0) => (if pg { "TIMESTAMP" } else { "DATETIME(6)" }).to_string(),
        ("timestamptz" | "timestamp_tz", 0) => (if pg {
            "TIMESTAMP WITH TIME ZONE"
        } else {
            "TIMESTAMP(6)"
        })
        .to_string(),
        ("uuid", 0) => (if pg { "UUID" } else { "CHAR(36)" }).to_string(),
        ("json", 0) => "JSON".to_string(),
        ("jsonb", 0) => (if pg { "JSONB" } else { "JSON" }).to_string(),
        ("binary" | "bytes" | "bytea" | "blob", 0) => {
            (if pg { "BYTEA" } else { "BLOB" }).to_string()
        }
        _ => return None,
    };
    Some(s)
}

/// Words that would end a SQLite type name and start a column constraint: refused in one.
const SQLITE_NOT_TYPE_WORDS: &[&str] = &[
    "as",
    "check",
    "collate",
    "conflict",
    "constraint",
    "default",
    "generated",
    "key",
    "not",
    "null",
    "on",
    "primary",
    "references",
    "unique",
];

/// SQLite: a declared type is kept as the report spells it (upper case), since SQLite takes any
/// name and gives it an affinity by its letters. The portable names whose letters would give the
/// wrong affinity (`uuid` and `json` would be NUMERIC) or that mean nothing to SQLite are
/// mapped: `string` → `TEXT`, `uuid`/`json`/`jsonb` → `TEXT`, `bytes`/`binary`/`bytea` →
/// `BLOB`, `timestamptz` → `TIMESTAMP`.
fn sqlite_type(p: &Parsed, text: &str) -> Result<SqlType, String> {
    let mapped = match (p.name.as_str(), p.args.len()) {
        ("string" | "uuid" | "json" | "jsonb", 0) => Some("TEXT".to_string()),
        ("string", 1) => Some(format!("VARCHAR({})", p.args[0])),
        ("bytes" | "binary" | "bytea", 0) => Some("BLOB".to_string()),
        ("timestamptz" | "timestamp_tz", 0) => Some("TIMESTAMP".to_string()),
        _ => None,
    };
    if let Some(t) = mapped {
        return Ok(SqlType::Builtin(t.into()));
    }
    sqlite_words(p, text)
}

/// A SQLite type name from its words, as they are, upper case.
fn sqlite_words(p: &Parsed, text: &str) -> Result<SqlType, String> {
    if let Some(w) = p
        .name
        .split(' ')
        .find(|w| SQLITE_NOT_TYPE_WORDS.contains(w))
    {
        return Err(format!(
            "type {:?}: {:?} starts a column constraint in SQLite, not a type name",
            crate::text::preview(text),
            w
        ));
    }
    Ok(SqlType::Builtin(
        format!("{}{}", p.name.to_ascii_uppercase(), render_args(&p.args)).into(),
    ))
}

/// SQLite: a type as a SQLite report gives it (the declared type, as SQLite's catalog gives it
/// back), written as it is, upper case, with no portable name mapped: `uuid` stays `UUID`.
pub fn sqlite_declared(text: &str) -> Result<SqlType, String> {
    let p = parse(text)?;
    if p.dims > 0 {
        return Err(format!(
            "type {:?}: SQLite has no array types",
            crate::text::preview(text)
        ));
    }
    if p.name == "enum" {
        return Err("type \"enum\" needs `enum` to name the enum type".to_string());
    }
    sqlite_words(&p, text)
}

/// PostgreSQL built-in type names (single words) that may stand alone or take `(n)`/`(p,s)`.
const PG_WORDS: &[&str] = &[
    "bigint",
    "bigserial",
    "bit",
    "bool",
    "boolean",
    "box",
    "bpchar",
    "bytea",
    "char",
    "character",
    "cidr",
    "circle",
    "date",
    "decimal",
    "float",
    "float4",
    "float8",
    "inet",
    "int",
    "int2",
    "int4",
    "int8",
    "integer",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "numeric",
    "oid",
    "path",
    "pg_lsn",
    "point",
    "polygon",
    "real",
    "serial",
    "serial2",
    "serial4",
    "serial8",
    "smallint",
    "smallserial",
    "text",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "tsquery",
    "tsvector",
    "uuid",
    "varbit",
    "varchar",
    "xml",
];

/// PostgreSQL built-in type names of several words. The modifier goes after the first word
/// (`character varying(20)`, `bit varying(8)`) except for the time types, which take none here.
const PG_PHRASES: &[&str] = &[
    "double precision",
    "character varying",
    "bit varying",
    "timestamp with time zone",
    "timestamp without time zone",
    "time with time zone",
    "time without time zone",
];

const MYSQL_WORDS: &[&str] = &[
    "bigint",
    "binary",
    "bit",
    "blob",
    "bool",
    "boolean",
    "char",
    "date",
    "datetime",
    "dec",
    "decimal",
    "double",
    "fixed",
    "float",
    "geometry",
    "geometrycollection",
    "int",
    "integer",
    "json",
    "linestring",
    "longblob",
    "longtext",
    "mediumblob",
    "mediumint",
    "mediumtext",
    "multilinestring",
    "multipoint",
    "multipolygon",
    "numeric",
    "point",
    "polygon",
    "real",
    "smallint",
    "text",
    "time",
    "timestamp",
    "tinyblob",
    "tinyint",
    "tinytext",
    "varbinary",
    "varchar",
    "year",
];

/// MySQL numeric types that may be followed by `unsigned`, `signed` and `zerofill`.
const MYSQL_NUMERIC: &[&str] = &[
    "bigint",
    "dec",
    "decimal",
    "double",
    "fixed",
    "float",
    "int",
    "integer",
    "mediumint",
    "numeric",
    "real",
    "smallint",
    "tinyint",
];

fn native(p: &Parsed, spec: &TypeSpec, dialect: Dialect) -> Result<SqlType, String> {
    let unknown = || {
        format!(
            "type {:?} is neither a portable type nor a known {} type",
            crate::text::preview(spec.type_name),
            dialect.name()
        )
    };
    let args = render_args(&p.args);
    match dialect {
        Dialect::Sqlite => sqlite_type(p, spec.type_name),
        Dialect::Postgres => {
            if PG_WORDS.contains(&p.name.as_str()) || PG_PHRASES.contains(&p.name.as_str()) {
                let upper = p.name.to_ascii_uppercase();
                return Ok(SqlType::Builtin(format!("{}{}", upper, args).into()));
            }
            // One unknown word: a user type. It is quoted, so it can only name a type.
            if !p.name.contains(' ') && p.args.is_empty() {
                let original = spec.type_name.trim().trim_end_matches("[]").trim();
                if original.len() > 63 {
                    return Err(format!(
                        "type name {:?} is {} bytes long; PostgreSQL names are at most 63 bytes",
                        crate::text::preview(original),
                        original.len()
                    ));
                }
                return Ok(SqlType::Named {
                    schema: None,
                    name: original.to_string(),
                });
            }
            Err(unknown())
        }
        Dialect::MySql => {
            let mut words = p.name.split(' ');
            let first = words.next().unwrap_or_default();
            let rest: Vec<&str> = words.collect();
            let ok_first = MYSQL_WORDS.contains(&first);
            let ok_rest = if first == "double" && rest.first() == Some(&"precision") {
                rest[1..]
                    .iter()
                    .all(|w| matches!(*w, "unsigned" | "signed" | "zerofill"))
            } else {
                rest.iter()
                    .all(|w| matches!(*w, "unsigned" | "signed" | "zerofill"))
                    && (rest.is_empty() || MYSQL_NUMERIC.contains(&first))
            };
            if !(ok_first && ok_rest) {
                return Err(unknown());
            }
            // The modifier goes right after the type word: `INT(11) UNSIGNED`, `DOUBLE PRECISION(8,2)`.
            let mut out = first.to_ascii_uppercase();
            let mut rest = rest.into_iter().peekable();
            if first == "double" && rest.peek() == Some(&"precision") {
                rest.next();
                out.push_str(" PRECISION");
            }
            out.push_str(&args);
            for w in rest {
                out.push(' ');
                out.push_str(&w.to_ascii_uppercase());
            }
            Ok(SqlType::Builtin(out.into()))
        }
    }
}

fn render_args(args: &[u32]) -> String {
    if args.is_empty() {
        String::new()
    } else {
        format!(
            "({})",
            args.iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )
    }
}

/// Whether the arguments of a numeric type are ones the dialect accepts. PostgreSQL:
/// `NUMERIC(p,s)` needs 1 ≤ p ≤ 1000 and s ≤ 1000 (a scale above the precision is accepted
/// since PostgreSQL 15), `FLOAT(p)` 1 ≤ p ≤ 53. MySQL: `DECIMAL(M,D)` needs M ≤ 65, D ≤ 30 and
/// D ≤ M; `FLOAT(M,D)` / `DOUBLE(M,D)` M ≤ 255, D ≤ 30 and D ≤ M; `FLOAT(p)` p ≤ 53.
#[inline(never)]
fn check_numeric_args(p: &Parsed, text: &str, dialect: Dialect) -> Result<(), String> {
    let first = p.name.split(' ').next().unwrap_or_default();
    let (m, d) = match p.args.as_slice() {
        [m] => (*m, None),
        [m, d] => (*m, Some(*d)),
        _ => return Ok(()),
    };
    let pg = dialect == Dialect::Postgres;
    let decimal =
        matches!(first, "decimal" | "numeric") || (!pg && matches!(first, "dec" | "fixed"));
    let float = first == "float" || (!pg && matches!(first, "double" | "real"));
    let d_over = |max: u32| d.is_some_and(|d| d > max);
    let why = if pg && decimal && !(1..=1000).contains(&m) {
        "PostgreSQL's NUMERIC precision is 1 to 1000"
    } else if pg && decimal && d_over(1000) {
        "PostgreSQL's NUMERIC scale is -1000 to 1000"
    } else if pg && float && d.is_none() && !(1..=53).contains(&m) {
        "PostgreSQL's FLOAT precision is 1 to 53 bits"
    } else if pg {
        return Ok(());
    } else if decimal && m > 65 {
        "MySQL's DECIMAL precision is at most 65"
    } else if float && d.is_none() && m > 53 {
        "MySQL's FLOAT precision is at most 53 bits"
    } else if float && d.is_some() && m > 255 {
        "MySQL's FLOAT(M,D) and DOUBLE(M,D) width is at most 255"
    } else if (decimal || float) && d_over(30) {
        "MySQL's scale is at most 30"
    } else if (decimal || float) && d_over(m) {
        "MySQL refuses a scale above the precision (M ≥ D in DECIMAL(M,D))"
    } else {
        return Ok(());
    };
    Err(format!("type {:?}: {}", crate::text::preview(text), why))
}

/// Looks `key` up in `list`, entries separated by `;`: an entry `key` gives `""`, an entry
/// `key=value` gives `value`. Lists are kept as text and searched here, out of line: data
/// rather than code, so that they cost the wasm module little.
#[inline(never)]
fn lookup(list: &'static str, key: &str) -> Option<&'static str> {
    list.split(';').find_map(|entry| {
        let (k, v) = entry.split_once('=').unwrap_or((entry, ""));
        (k.trim() == key).then_some(v)
    })
}

/// PostgreSQL's own names for the built-in types the generator knows, the ones `pg_cast` and
/// `pg_type` use, by their spellings in upper case (`INTEGER` is `int4`; a type whose name is its
/// spelling in lower case stands alone). `FLOAT(p)` is `float4` up to 24 bits, else `float8`.
const PG_TYPE_NAMES: &str = "BOOL=bool;BOOLEAN=bool;SMALLINT=int2;INT2=int2;SMALLSERIAL=int2;\
    SERIAL2=int2;INT=int4;INTEGER=int4;INT4=int4;SERIAL=int4;SERIAL4=int4;BIGINT=int8;INT8=int8;\
    BIGSERIAL=int8;SERIAL8=int8;REAL=float4;FLOAT4=float4;FLOAT=float8;FLOAT8=float8;\
    DOUBLE PRECISION=float8;NUMERIC=numeric;DECIMAL=numeric;TEXT=text;VARCHAR=varchar;\
    CHARACTER VARYING=varchar;CHAR=bpchar;CHARACTER=bpchar;BPCHAR=bpchar;TIME=time;\
    TIME WITHOUT TIME ZONE=time;TIMETZ=timetz;TIME WITH TIME ZONE=timetz;TIMESTAMP=timestamp;\
    TIMESTAMP WITHOUT TIME ZONE=timestamp;TIMESTAMPTZ=timestamptz;\
    TIMESTAMP WITH TIME ZONE=timestamptz;BIT VARYING=varbit;VARBIT=varbit;MONEY=money;\
    BYTEA=bytea;DATE=date;INTERVAL=interval;JSON=json;JSONB=jsonb;JSONPATH=jsonpath;UUID=uuid;\
    INET=inet;CIDR=cidr;MACADDR=macaddr;MACADDR8=macaddr8;BIT=bit;OID=oid;POINT=point;LINE=line;\
    LSEG=lseg;BOX=box;PATH=path;POLYGON=polygon;CIRCLE=circle;XML=xml;TSVECTOR=tsvector;\
    TSQUERY=tsquery;PG_LSN=pg_lsn";

/// PostgreSQL's name for a built-in type (`CHARACTER VARYING(20)` → `varchar`); `None` for one
/// outside the list above.
fn pg_type_name(spelled: &str) -> Option<&'static str> {
    let (name, bits) = match spelled.split_once('(') {
        Some((n, rest)) => (n.trim_end(), rest.trim_end_matches(')').parse::<u32>().ok()),
        None => (spelled, None),
    };
    if name == "FLOAT" && bits.is_some_and(|b| b <= 24) {
        return Some("float4");
    }
    lookup(PG_TYPE_NAMES, name)
}

/// PostgreSQL's string types (`typcategory = 'S'` among the types above): every type converts
/// to and from them through its text form (I/O conversion), which `::` allows.
const PG_STRING_TYPES: &str = "text;varchar;bpchar";

/// The rows of PostgreSQL 15's `pg_cast` between two different types of [`PG_TYPE_NAMES`]
/// neither of which is a string type (those convert through I/O anyway): `castsource=` the
/// targets, each between commas. Any `castcontext` will do: `USING col::type` is an explicit
/// cast. `tests/type-conversions.test.mjs` checks the verdicts against a real server's
/// `pg_cast`.
const PG_CASTS: &str = "bit=,int4,int8,varbit,;bool=,int4,;box=,circle,lseg,point,polygon,;\
    cidr=,inet,;circle=,box,point,polygon,;date=,timestamp,timestamptz,;\
    float4=,float8,int2,int4,int8,numeric,;float8=,float4,int2,int4,int8,numeric,;inet=,cidr,;\
    int2=,float4,float8,int4,int8,numeric,oid,;\
    int4=,bit,bool,float4,float8,int2,int8,money,numeric,oid,;\
    int8=,bit,float4,float8,int2,int4,money,numeric,oid,;interval=,time,;json=,jsonb,;\
    jsonb=,bool,float4,float8,int2,int4,int8,json,numeric,;lseg=,point,;macaddr=,macaddr8,;\
    macaddr8=,macaddr,;money=,numeric,;numeric=,float4,float8,int2,int4,int8,money,;\
    oid=,int4,int8,;path=,polygon,;point=,box,;polygon=,box,circle,path,point,;\
    time=,interval,timetz,;timestamp=,date,time,timestamptz,;\
    timestamptz=,date,time,timestamp,timetz,;timetz=,time,;varbit=,bit,";

/// MySQL's spatial types: `MODIFY COLUMN` converts them only to and from strings, blobs, JSON
/// and enums; MariaDB refuses a number, bit, date or time type even on an empty table
/// (error 4078, `Cannot cast 'int' as 'point'`).
const MYSQL_SPATIAL: &str = "GEOMETRY;GEOMETRYCOLLECTION;LINESTRING;MULTILINESTRING;MULTIPOINT;\
    MULTIPOLYGON;POINT;POLYGON";

/// MySQL's number, bit, date and time types: no conversion to or from a spatial type.
const MYSQL_SCALAR: &str = "BIGINT;BIT;BOOL;BOOLEAN;DATE;DATETIME;DEC;DECIMAL;DOUBLE;FIXED;FLOAT;\
    INT;INTEGER;MEDIUMINT;NUMERIC;REAL;SMALLINT;TIME;TIMESTAMP;TINYINT;YEAR";

/// Whether SQL can convert a column of type `from` into `to`: the dialect has a cast (explicit
/// ones included: PostgreSQL's `USING col::type`) or an implicit conversion (MySQL's
/// `MODIFY COLUMN`). Types outside the generator's lists (a PostgreSQL domain, say) are given the
/// benefit of the doubt.
pub fn converts(from: &SqlType, to: &SqlType, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Postgres => pg_converts(from, to),
        // SQLite's columns hold any value: a rebuild copies every value as it is (the new
        // column's affinity converts what it can, and keeps the rest).
        Dialect::Sqlite => true,
        Dialect::MySql => {
            let (f, t) = (mysql_word(from), mysql_word(to));
            let spatial = |w| lookup(MYSQL_SPATIAL, w).is_some();
            let scalar = |w| lookup(MYSQL_SCALAR, w).is_some();
            !(spatial(f) && scalar(t) || scalar(f) && spatial(t))
        }
    }
}

/// [`converts`], with the reason when there is no conversion.
pub fn conversion(from: &SqlType, to: &SqlType, dialect: Dialect) -> Result<(), String> {
    if converts(from, to, dialect) {
        Ok(())
    } else {
        Err(no_conversion(from, to, dialect))
    }
}

#[cold]
#[inline(never)]
fn no_conversion(from: &SqlType, to: &SqlType, dialect: Dialect) -> String {
    let why = match dialect {
        Dialect::Postgres => "no cast in pg_cast, nor a string type on either side",
        Dialect::MySql => "spatial types convert only to and from strings, blobs and JSON",
        Dialect::Sqlite => "",
    };
    format!(
        "{} has no conversion from {} to {}: {}",
        dialect.name(),
        from.to_sql(dialect),
        to.to_sql(dialect),
        why
    )
}

/// The type word of a built-in MySQL type: `INT(11) UNSIGNED` is `INT`.
fn mysql_word(t: &SqlType) -> &str {
    match t {
        SqlType::Builtin(s) => {
            let end = s.bytes().position(|b| b == b'(' || b == b' ');
            &s[..end.unwrap_or(s.len())]
        }
        _ => "",
    }
}

/// PostgreSQL: an enum on either side goes through text (`col::text::type`, two I/O
/// conversions); arrays convert element by element; a string type converts to and from
/// anything; other built-in types need a row of [`PG_CASTS`].
fn pg_converts(from: &SqlType, to: &SqlType) -> bool {
    if from.is_enum() || to.is_enum() {
        return true;
    }
    let name = |t: &SqlType| match t {
        SqlType::Builtin(s) => pg_type_name(s),
        _ => None,
    };
    let (f, t) = (name(from), name(to));
    let string = |n: Option<&str>| n.is_some_and(|n| lookup(PG_STRING_TYPES, n).is_some());
    if string(f) || string(t) {
        return true;
    }
    match (from, to) {
        (SqlType::Array(f, _), SqlType::Array(t, _)) => pg_converts(f, t),
        (SqlType::Array(..), _) | (_, SqlType::Array(..)) => false,
        _ => match (f, t) {
            (Some(f), Some(t)) => {
                f == t
                    || lookup(PG_CASTS, f)
                        .is_some_and(|targets| targets.split(',').any(|target| target == t))
            }
            _ => true,
        },
    }
}

/// The `information_schema.columns.data_type` a type gets, where it is the same on every MySQL
/// 8 and MariaDB server (`None`: not compared, e.g. JSON, which MariaDB stores as LONGTEXT).
pub fn mysql_data_type(ty: &SqlType) -> Option<Cow<'_, str>> {
    match ty {
        SqlType::MySqlEnum(_) => Some(Cow::Borrowed("enum")),
        SqlType::Builtin(s) => {
            let word = s.split(['(', ' ']).next().unwrap_or_default();
            // Types are written upper case: the common spellings found without a copy, with the
            // name information_schema gives them (`None`: not compared).
            const NAMES: [(&str, Option<&str>); 24] = [
                ("int", Some("int")),
                ("integer", Some("int")),
                ("bigint", Some("bigint")),
                ("smallint", Some("smallint")),
                ("tinyint", Some("tinyint")),
                ("bool", Some("tinyint")),
                ("boolean", Some("tinyint")),
                ("varchar", Some("varchar")),
                ("char", Some("char")),
                ("text", Some("text")),
                ("decimal", Some("decimal")),
                ("dec", Some("decimal")),
                ("numeric", Some("decimal")),
                ("fixed", Some("decimal")),
                ("double", Some("double")),
                ("real", Some("double")),
                ("float", Some("float")),
                ("date", Some("date")),
                ("datetime", Some("datetime")),
                ("timestamp", Some("timestamp")),
                ("time", Some("time")),
                ("blob", Some("blob")),
                ("json", None),
                ("serial", None),
            ];
            match NAMES.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)) {
                Some((_, name)) => name.map(Cow::Borrowed),
                None => Some(Cow::Owned(word.to_ascii_lowercase())),
            }
        }
        _ => None,
    }
}

/// What a foreign key compares of a column's type: two columns whose keys are equal can be the
/// two ends of one key (MySQL manual, "FOREIGN KEY Constraints": integer types of the same size
/// and sign, whatever their display width; string types of any length; other types as
/// written). Character sets are not known from the report.
pub fn mysql_foreign_key_type(ty: &SqlType) -> String {
    let mut written = String::new();
    ty.render(Dialect::MySql, &mut written);
    let written = written.to_ascii_lowercase();
    let Some(name) = mysql_data_type(ty) else {
        return written;
    };
    match &*name {
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint" => {
            let unsigned = written.split([' ', '(', ')']).any(|w| w == "unsigned");
            format!("{name}{}", if unsigned { " unsigned" } else { "" })
        }
        "char" | "varchar" | "binary" | "varbinary" => name.into_owned(),
        _ => written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(t: &str) -> Result<String, String> {
        ty(t, Dialect::Postgres)
    }
    fn my(t: &str) -> Result<String, String> {
        ty(t, Dialect::MySql)
    }
    fn ty(t: &str, d: Dialect) -> Result<String, String> {
        let spec = TypeSpec {
            type_name: t,
            enum_name: None,
            enum_values: None,
            enum_schema: None,
        };
        resolve(&spec, d).map(|t| t.to_sql(d))
    }

    #[test]
    fn portable_types_follow_the_contract_table() {
        let table = [
            ("string", "TEXT", "VARCHAR(255)"),
            ("varchar(40)", "VARCHAR(40)", "VARCHAR(40)"),
            ("text", "TEXT", "TEXT"),
            ("char(2)", "CHAR(2)", "CHAR(2)"),
            ("smallint", "SMALLINT", "SMALLINT"),
            ("int", "INTEGER", "INT"),
            ("integer", "INTEGER", "INT"),
            ("bigint", "BIGINT", "BIGINT"),
            ("decimal(10,2)", "NUMERIC(10,2)", "DECIMAL(10,2)"),
            ("numeric", "NUMERIC", "DECIMAL"),
            ("real", "REAL", "FLOAT"),
            ("double", "DOUBLE PRECISION", "DOUBLE"),
            ("bool", "BOOLEAN", "BOOLEAN"),
            ("date", "DATE", "DATE"),
            ("time", "TIME", "TIME"),
            ("timestamp", "TIMESTAMP", "DATETIME(6)"),
            ("timestamptz", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP(6)"),
            ("timestamp_tz", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP(6)"),
            ("uuid", "UUID", "CHAR(36)"),
            ("json", "JSON", "JSON"),
            ("jsonb", "JSONB", "JSON"),
            ("bytes", "BYTEA", "BLOB"),
            ("blob", "BYTEA", "BLOB"),
        ];
        for (portable, p, m) in table {
            assert_eq!(pg(portable).unwrap(), p, "{portable} on PostgreSQL");
            assert_eq!(my(portable).unwrap(), m, "{portable} on MySQL");
        }
    }

    #[test]
    fn native_types_are_rewritten_from_the_parse() {
        assert_eq!(pg("character varying").unwrap(), "CHARACTER VARYING");
        assert_eq!(pg("timestamptz(6)").unwrap(), "TIMESTAMPTZ(6)");
        assert_eq!(pg("numeric(10, 2)[]").unwrap(), "NUMERIC(10,2)[]");
        assert_eq!(pg("double  precision").unwrap(), "DOUBLE PRECISION");
        assert_eq!(my("int unsigned").unwrap(), "INT UNSIGNED");
        assert_eq!(my("timestamp(0)").unwrap(), "TIMESTAMP(0)");
        assert_eq!(my("decimal(35,30)").unwrap(), "DECIMAL(35,30)");
        assert_eq!(my("year").unwrap(), "YEAR");
    }

    #[test]
    fn an_enum_column_names_its_type_by_the_enums_name_whatever_it_holds() {
        let of = |t: &str, name: &str| {
            let spec = TypeSpec {
                type_name: t,
                enum_name: Some(name),
                enum_values: None,
                enum_schema: None,
            };
            resolve(&spec, Dialect::Postgres).map(|t| t.to_sql(Dialect::Postgres))
        };
        assert_eq!(of("humeur", "humeur").unwrap(), "\"humeur\"");
        assert_eq!(of(" humeur ", "humeur").unwrap(), "\"humeur\"");
        assert_eq!(of("humeur []", "humeur").unwrap(), "\"humeur\"[]");
        // Spaces at the ends of the name belong to it: PostgreSQL takes them.
        assert_eq!(
            of("mood \u{1F600} ", "mood \u{1F600} ").unwrap(),
            "\"mood \u{1F600} \""
        );
        assert_eq!(of(" x", " x").unwrap(), "\" x\"");
        assert_eq!(of("mood []", "mood ").unwrap(), "\"mood \"[]");
        assert_eq!(of("mood [][]", "mood ").unwrap(), "\"mood \"[][]");
        assert!(of("mood", "other").is_ok_and(|t| t == "\"mood\""));
    }

    #[test]
    fn an_unknown_postgres_word_is_a_quoted_user_type() {
        assert_eq!(pg("mpaa_rating").unwrap(), "\"mpaa_rating\"");
        assert_eq!(pg("userrole[]").unwrap(), "\"userrole\"[]");
        assert!(my("mpaa_rating").is_err());
    }

    #[test]
    fn hostile_types_are_refused() {
        for t in [
            "int; DROP TABLE x",
            "int -- x",
            "int references users",
            "int primary key",
            "varchar(10) not null",
            "text collate \"C\"",
            "int)",
            "(int",
            "int(1,2,3)",
            "",
            "int[]x",
            "int\ninteger",
            "int /* */",
        ] {
            assert!(pg(t).is_err(), "{t:?} on PostgreSQL");
            assert!(my(t).is_err(), "{t:?} on MySQL");
        }
        assert!(my("int[]").is_err());
    }

    fn conv(from: &str, to: &str, d: Dialect) -> Result<(), String> {
        let r = |t| {
            resolve(
                &TypeSpec {
                    type_name: t,
                    enum_name: None,
                    enum_values: None,
                    enum_schema: None,
                },
                d,
            )
            .unwrap()
        };
        conversion(&r(from), &r(to), d)
    }

    #[test]
    fn postgres_converts_through_pg_cast_and_string_types() {
        let pg = Dialect::Postgres;
        let e = conv("bigint", "timestamp", pg).unwrap_err();
        assert!(e.contains("from BIGINT to TIMESTAMP"), "{e}");
        assert!(conv("boolean", "bigint", pg).is_err());
        assert!(conv("integer", "boolean", pg).is_ok());
        assert!(conv("jsonb", "integer", pg).is_ok());
        assert!(conv("integer", "jsonb", pg).is_err());
        assert!(conv("bigint", "text", pg).is_ok());
        assert!(conv("varchar(5)", "boolean", pg).is_ok());
        assert!(conv("char(36)", "uuid", pg).is_ok());
        assert!(conv("float(10)", "float(40)", pg).is_ok());
        assert!(conv("money", "integer", pg).is_err());
        assert!(conv("integer[]", "bigint[]", pg).is_ok());
        assert!(conv("integer[]", "timestamp[]", pg).is_err());
        assert!(conv("integer[]", "integer", pg).is_err());
        assert!(conv("text", "integer[]", pg).is_ok());
        assert!(conv("mpaa_rating", "integer", pg).is_ok());
        assert!(conv("numeric(5,2)", "numeric(3,4)", pg).is_ok());
    }

    #[test]
    fn mysql_converts_anything_but_spatial_types_from_and_to_numbers_and_times() {
        let my = Dialect::MySql;
        assert!(conv("int", "point", my).is_err());
        assert!(conv("geometry", "datetime", my).is_err());
        assert!(conv("year", "polygon", my).is_err());
        assert!(conv("point", "blob", my).is_ok());
        assert!(conv("varchar(40)", "geometry", my).is_ok());
        assert!(conv("bigint", "timestamp", my).is_ok());
        assert!(conv("int unsigned", "json", my).is_ok());
    }

    #[test]
    fn numeric_arguments_each_dialect_refuses() {
        assert_eq!(pg("numeric(3,4)").unwrap(), "NUMERIC(3,4)");
        assert!(pg("numeric(0)").is_err());
        assert!(pg("decimal(1001,2)").is_err());
        assert!(pg("numeric(10,1001)").is_err());
        assert!(pg("float(54)").is_err());
        assert_eq!(pg("numeric(1000,1000)").unwrap(), "NUMERIC(1000,1000)");
        let e = my("decimal(3,4)").unwrap_err();
        assert!(e.contains("M ≥ D"), "{e}");
        assert!(my("decimal(66,2)").is_err());
        assert!(my("decimal(40,31)").is_err());
        assert!(my("float(3,4)").is_err());
        assert!(my("double(256,2)").is_err());
        assert!(my("float(54)").is_err());
        assert_eq!(
            my("decimal unsigned(65,30)").unwrap(),
            "DECIMAL(65,30) UNSIGNED"
        );
        assert!(my("decimal(0)").is_ok());
        assert!(my("double precision(8,2)").is_ok());
    }
}
