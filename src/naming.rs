//! Names: the rules a name from the report must meet in each dialect, and the names the
//! generator derives for constraints it creates, kept within the dialect's identifier limit.

use crate::dialect::Dialect;
use crate::error::{ErrorCode, Path, Result};
use crate::model::Name;

/// What a name from the report names. Every kind is held to the same rules on PostgreSQL; MySQL
/// refuses some names for some kinds only (`check_name_fully`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Schema,
    Table,
    Column,
    /// A PostgreSQL enum type. MySQL enums live on their columns: the name is never written.
    Enum,
    /// MySQL ignores a primary key's name (it is always `PRIMARY`): never written there.
    PrimaryKey,
    Unique,
    Index,
    ForeignKey,
    Check,
}

impl NameKind {
    /// The words for it in a message.
    fn what(self) -> &'static str {
        match self {
            NameKind::Schema => "schema name",
            NameKind::Table => "table name",
            NameKind::Column => "column name",
            NameKind::Enum => "enum name",
            NameKind::PrimaryKey => "primary key name",
            NameKind::Unique => "unique constraint name",
            NameKind::Index => "index name",
            NameKind::ForeignKey => "foreign key name",
            NameKind::Check => "check constraint name",
        }
    }

    /// Whether MySQL gives an index this name: indexes, unique constraints (a unique index) and
    /// foreign keys (the index a foreign key needs is made under the key's name when the table
    /// has none that fits).
    fn names_a_mysql_index(self) -> bool {
        matches!(
            self,
            NameKind::Index | NameKind::Unique | NameKind::ForeignKey
        )
    }

    /// Whether the name reaches MySQL's SQL at all.
    fn written_in_mysql(self) -> bool {
        !matches!(self, NameKind::Enum | NameKind::PrimaryKey)
    }
}

/// Index names InnoDB keeps for itself, in any case: `PRIMARY` is the primary key's
/// (``DROP INDEX `PRIMARY` `` drops the primary key), `GEN_CLUST_INDEX` the clustered index InnoDB
/// makes for a table without one. MySQL 8 and MariaDB refuse both as names of other indexes
/// (error 1280, "Incorrect index name").
const MYSQL_RESERVED_INDEX_NAMES: [&str; 2] = ["PRIMARY", "GEN_CLUST_INDEX"];

/// Checks a name from the report: not empty, no NUL or control characters, within the dialect's
/// limit, and none of the names the dialect refuses for `kind` (`check_name_fully`). Never
/// truncates.
#[inline(never)]
pub fn check_name(name: &str, dialect: Dialect, path: &Path, kind: NameKind) -> Result<()> {
    // Most names are ASCII letters, digits and `_` within the limit in bytes (so in characters
    // too): none of the checks below can fail for them but MySQL's reserved index names, which
    // are 7 and 15 bytes long.
    let (max, _) = dialect.max_identifier();
    if !name.is_empty()
        && name.len() <= max
        && name.bytes().all(|b| PLAIN_NAME[usize::from(b)])
        && !(dialect == Dialect::MySql
            && matches!(name.len(), 7 | 15)
            && kind.names_a_mysql_index())
    {
        return Ok(());
    }
    check_name_fully(name, dialect, path, kind)
}

/// The bytes of the names [`check_name`] passes at once: ASCII letters, digits and `_`.
pub(crate) static PLAIN_NAME: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// [`check_name`] for any name: the error that names it, if there is one.
///
/// Both dialects: not empty (PostgreSQL refuses a zero-length quoted identifier, MySQL an empty
/// name); no control character (NUL is refused by both engines, the others would reach comment
/// lines); no `${` (Flyway placeholders); at most the dialect's length (PostgreSQL: NAMEDATALEN - 1
/// = 63 bytes, longer names are silently cut; MySQL: 64 characters). PostgreSQL quoted identifiers
/// may hold any other character (manual, "Identifiers and Key Words").
///
/// MySQL 8 (manual, "Schema Object Names"), for the names its SQL holds: only characters of the
/// Basic Multilingual Plane (identifiers are stored as utf8mb3); no database, table or column
/// name that ends with a space, and — as the server checks index names with the column rule — no
/// index name either (an index, a unique constraint, or a foreign key, whose index takes its
/// name); no index named `PRIMARY` or `GEN_CLUST_INDEX` in any case. Names made only of digits,
/// or holding spaces, dots, slashes or quotes, are allowed when quoted, and every identifier the
/// generator writes is quoted. MariaDB 10.11 refuses the same names (tests/fixtures/refused/).
#[cold]
#[inline(never)]
pub(crate) fn check_name_fully(
    name: &str,
    dialect: Dialect,
    path: &Path,
    kind: NameKind,
) -> Result<()> {
    use std::borrow::Cow;
    let what = kind.what();
    if name.is_empty() {
        return Err(path.err(ErrorCode::InvalidName, format!("{} is empty", what)));
    }
    let maybe_control = name.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2);
    let control = maybe_control
        .then(|| name.chars().find(|c| c.is_control()))
        .flatten();
    let (max, unit) = dialect.max_identifier();
    let len = dialect.identifier_len(name);
    // A name MySQL never writes is no identifier there: a MySQL enum is named `<table>_<column>`
    // by the reports, up to 129 characters.
    let identifier = dialect != Dialect::MySql || kind.written_in_mysql();
    // What the message says after the name.
    let rule: Cow<str> = if let Some(c) = control {
        format!("holds the control character U+{:04X}", c as u32).into()
    } else if crate::text::has_placeholder_start(name.as_bytes()) {
        "holds \"${\", which Flyway would read as a placeholder".into()
    } else if len > max && identifier {
        format!(
            "is {} {} long; {} allows at most {}",
            len,
            unit,
            dialect.name(),
            max
        )
        .into()
    } else if let Some(rule) = mysql_rule_broken(name, dialect, kind) {
        rule.into()
    } else {
        return Ok(());
    };
    let message = format!("{} {:?} {}", what, crate::text::preview(name), rule);
    Err(path.err(ErrorCode::InvalidName, message))
}

/// The MySQL rule `name` breaks as a name of `kind`, if any, said after the name. (Only a
/// character above U+FFFF takes 4 bytes in UTF-8, led by a byte from F0.)
fn mysql_rule_broken(name: &str, dialect: Dialect, kind: NameKind) -> Option<&'static str> {
    if dialect != Dialect::MySql || !kind.written_in_mysql() {
        return None;
    }
    if name.bytes().any(|b| b >= 0xF0) {
        return Some("holds a character above U+FFFF, which MySQL identifiers cannot hold");
    }
    let index = kind.names_a_mysql_index();
    if name.ends_with(' ') && kind != NameKind::Check {
        return Some(if index {
            "ends with a space, which MySQL refuses in index names, so in unique and foreign key \
             names"
        } else {
            "ends with a space, which MySQL refuses in database, table and column names"
        });
    }
    let reserved = index
        && MYSQL_RESERVED_INDEX_NAMES
            .iter()
            .any(|r| r.eq_ignore_ascii_case(name));
    reserved.then_some(
        "is an index name MySQL keeps for itself (PRIMARY, GEN_CLUST_INDEX, in any case), so \
         refuses for an index, a unique or a foreign key",
    )
}

/// Derives a constraint or index name (`<table>_<cols>_<suffix>`), shortened with a stable hash
/// to fit the dialect's limit.
pub fn derive_name(table: &str, columns: &[Name], suffix: &str, dialect: Dialect) -> Name {
    let mut full = String::from(table);
    for c in columns {
        full.push('_');
        full.push_str(c);
    }
    full.push('_');
    full.push_str(suffix);
    let (max, _) = dialect.max_identifier();
    if dialect.identifier_len(&full) <= max {
        return Name::from(full);
    }
    let hash = format!("_{:08x}", crate::text::fnv1a(&full));
    let tail = format!("{}_{}", hash, suffix);
    let mut head = String::new();
    for c in full.chars() {
        let mut next = head.clone();
        next.push(c);
        if dialect.identifier_len(&next) + dialect.identifier_len(&tail) > max {
            break;
        }
        head = next;
    }
    Name::from(head + &tail)
}
