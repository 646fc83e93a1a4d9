//! The risk pass: a pure function over the plan that gives each step its risk codes. Codes are
//! stable, documented in the README, and appear in the result's statements, as comments in the
//! migration file, in report.md and in summary.json. The report's own `destructive` flags are
//! never read: risk is judged from the steps alone.

use crate::hash::Set as HashSet;

use crate::dialect::Dialect;
use crate::model::{Identity, QualifiedName};
use crate::plan::{ColumnChange, Op, Step};
use crate::types::SqlType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Loses data: needs `--allow-destructive`.
    Destructive,
    /// May fail depending on the rows the table holds.
    DataDependent,
    /// Rewrites the table or holds a long lock on it.
    Heavy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Risk {
    pub code: &'static str,
    pub category: Category,
}

macro_rules! risks {
    ($($name:ident = $code:literal, $cat:ident, $doc:literal;)*) => {
        $(#[doc = $doc] pub const $name: Risk = Risk { code: $code, category: Category::$cat };)*
        /// Every risk code with its category and meaning, for documentation and tools.
        pub const ALL: &[(Risk, &str)] = &[$(($name, $doc)),*];
    };
}

risks! {
    DROP_TABLE = "drop-table", Destructive, "Drops a table and every row in it.";
    DROP_COLUMN = "drop-column", Destructive, "Drops a column and its values.";
    NARROWING_TYPE = "narrowing-type-change", Destructive, "Changes a column to a type that cannot hold every value of the old one (values may be cut or the cast may fail).";
    ENUM_VALUE_REMOVAL = "enum-value-removal", Destructive, "Removes values from an enum; rows holding them make the change fail.";
    NOT_NULL_WITHOUT_DEFAULT = "not-null-without-default", DataDependent, "Adds a NOT NULL column without a default to an existing table: fails if the table has rows.";
    SET_NOT_NULL = "set-not-null", DataDependent, "Makes an existing column NOT NULL: fails if it holds NULLs.";
    NEW_UNIQUE = "new-unique", DataDependent, "Adds a unique constraint, unique index or primary key to an existing table: fails on duplicates.";
    NEW_FOREIGN_KEY = "new-foreign-key", DataDependent, "Adds a foreign key to an existing table: fails if rows reference missing keys.";
    NEW_CHECK = "new-check", DataDependent, "Adds a check to an existing table: fails if rows violate it.";
    TABLE_REWRITE = "table-rewrite", Heavy, "Rewrites the whole table under an exclusive lock.";
    LONG_LOCK = "long-lock", Heavy, "Scans an existing table while holding a lock that blocks writes (index build or constraint validation).";
    FOREIGN_KEYS_OFF = "foreign-keys-off", Heavy, "SQLite: turns foreign keys off, outside any transaction, around the migration's own transaction (so that rebuilding or dropping a table deletes no row elsewhere): the file runs outside the tool's transaction, and fails before changing anything where foreign keys stay on (inside a transaction, Cloudflare D1).";
}

impl Category {
    /// The name used in output: `destructive`, `data-dependent`, `heavy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Destructive => "destructive",
            Category::DataDependent => "data-dependent",
            Category::Heavy => "heavy",
        }
    }
}

/// Whether one of `risks` is destructive.
pub fn any_destructive(risks: &[Risk]) -> bool {
    risks.iter().any(|r| r.category == Category::Destructive)
}

/// Risk codes for each step, in the plan's order.
pub fn assess(steps: &[Step], dialect: Dialect) -> Vec<Vec<Risk>> {
    let tables = steps
        .iter()
        .filter(|s| matches!(s.op, Op::CreateTable { .. }))
        .count();
    let mut created: HashSet<&QualifiedName> = crate::hash::set_with_capacity(tables);
    for s in steps {
        if let Op::CreateTable { table } = &s.op {
            created.insert(&table.name);
        }
    }
    steps
        .iter()
        .map(|s| {
            // Looked up only by the ops whose risks depend on it.
            let existing = || s.op.table().is_some_and(|t| !created.contains(t));
            step_risks(&s.op, existing, dialect)
        })
        .collect()
}

/// `existing`: whether the step's table exists before the migration (asked only where it
/// matters).
fn step_risks(op: &Op, existing: impl Fn() -> bool, dialect: Dialect) -> Vec<Risk> {
    let mut r = Vec::new();
    match op {
        Op::DropTable { .. } => r.push(DROP_TABLE),
        Op::DropColumn { .. } => r.push(DROP_COLUMN),
        Op::RemoveEnumValues { .. } => r.push(ENUM_VALUE_REMOVAL),
        Op::AddColumn { column, .. } => {
            let existing = existing();
            if existing
                && !column.nullable
                && column.default.is_none()
                && column.identity.is_none()
                && !column.auto_increment
            {
                r.push(NOT_NULL_WITHOUT_DEFAULT);
            }
            // An identity, or a volatile default (a random UUID), is computed for every existing
            // row: PostgreSQL rewrites the table (a constant or stable default is stored once).
            let volatile = matches!(
                column.default,
                Some(crate::model::DefaultValue::Expr(
                    crate::model::KnownExpr::GenRandomUuid | crate::model::KnownExpr::Uuid
                ))
            );
            if existing && (column.identity.is_some() || (volatile && dialect == Dialect::Postgres))
            {
                r.push(TABLE_REWRITE);
            }
        }
        Op::AlterColumn { change, states, .. } => match change {
            ColumnChange::Type => {
                let (from, to) = (states.from.ty.as_ref(), states.to.ty.as_ref());
                match (from, to) {
                    (Some(f), Some(t)) => {
                        if !widens(f, t, dialect) {
                            r.push(NARROWING_TYPE);
                        }
                        if dialect == Dialect::MySql || !binary_compatible(f, t) {
                            r.push(TABLE_REWRITE);
                        }
                    }
                    _ => {
                        r.push(NARROWING_TYPE);
                        r.push(TABLE_REWRITE);
                    }
                }
            }
            ColumnChange::Nullability => {
                if states.to.nullable == Some(false) {
                    r.push(SET_NOT_NULL);
                }
                if dialect == Dialect::MySql {
                    r.push(TABLE_REWRITE);
                }
            }
            ColumnChange::Default => {
                let ident_change = states.from.identity != states.to.identity
                    && !matches!(states.to.identity, Some(Identity::Serial));
                if dialect == Dialect::MySql
                    && states.from.auto_increment != states.to.auto_increment
                {
                    r.push(TABLE_REWRITE);
                }
                if dialect == Dialect::Postgres && ident_change && states.to.identity.is_some() {
                    r.push(LONG_LOCK);
                }
            }
            ColumnChange::EnumValues => {
                if let (Some(SqlType::MySqlEnum(from)), Some(SqlType::MySqlEnum(to))) =
                    (&states.from.ty, &states.to.ty)
                {
                    if from.iter().any(|v| !to.contains(v)) {
                        r.push(ENUM_VALUE_REMOVAL);
                    }
                    // Appending values at the end is instant; anything else copies the table.
                    if !to.starts_with(from) {
                        r.push(TABLE_REWRITE);
                    }
                }
            }
        },
        Op::AddPrimaryKey { .. } | Op::ReplacePrimaryKey { .. } | Op::AddUnique { .. }
            if existing() =>
        {
            r.push(NEW_UNIQUE);
            r.push(LONG_LOCK);
        }
        Op::CreateIndex {
            index,
            concurrently,
            ..
        } if existing() => {
            if index.unique {
                r.push(NEW_UNIQUE);
            }
            // CONCURRENTLY builds the index without blocking writes: the lock this code warns
            // of is the one it avoids.
            if !*concurrently {
                r.push(LONG_LOCK);
            }
        }
        Op::AddForeignKey { .. } if existing() => {
            r.push(NEW_FOREIGN_KEY);
            r.push(LONG_LOCK);
        }
        // Each key restored is validated against its table's rows.
        Op::SetAsideForeignKeys {
            stage: crate::plan::Aside::Restore,
            ..
        } => r.push(LONG_LOCK),
        Op::AddCheck { .. } if existing() => {
            r.push(NEW_CHECK);
            r.push(LONG_LOCK);
        }
        Op::RebuildTable { rebuild } => {
            let (from, to) = (&rebuild.from, &rebuild.to);
            if !rebuild.dropped.is_empty() {
                r.push(DROP_COLUMN);
            }
            let set_not_null = rebuild.copied.iter().any(|(t, f)| {
                let now = to.columns.iter().find(|c| c.name == *t);
                let was = from.columns.iter().find(|c| c.name == *f);
                matches!((now, was), (Some(n), Some(w)) if !n.nullable && w.nullable)
            });
            if set_not_null {
                r.push(SET_NOT_NULL);
            }
            if to.primary_key != from.primary_key
                || to.uniques.iter().any(|u| !from.uniques.contains(u))
            {
                r.push(NEW_UNIQUE);
            }
            if to
                .foreign_keys
                .iter()
                .any(|f| !from.foreign_keys.contains(f))
            {
                r.push(NEW_FOREIGN_KEY);
            }
            let typed_check = |t: &crate::model::Table| -> Vec<crate::model::Column> {
                t.columns
                    .iter()
                    .filter(|c| matches!(c.ty, SqlType::MySqlEnum(_)))
                    .cloned()
                    .collect()
            };
            if to.checks.iter().any(|c| !from.checks.contains(c))
                || typed_check(to)
                    .iter()
                    .any(|c| !typed_check(from).contains(c))
            {
                r.push(NEW_CHECK);
            }
            r.push(TABLE_REWRITE);
        }
        Op::SqliteForeignKeys { on: false } => r.push(FOREIGN_KEYS_OFF),
        _ => {}
    }
    r
}

/// The base name and the numbers of a built-in type: `VARCHAR(20)` → (`VARCHAR`, [20]).
fn split(t: &SqlType) -> Option<(String, Vec<u32>)> {
    let SqlType::Builtin(s) = t else { return None };
    let (name, args) = match s.find('(') {
        Some(i) => {
            let close = s.find(')')?;
            let args = s[i + 1..close]
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect();
            let mut name = s[..i].to_string();
            name.push_str(&s[close + 1..]);
            (name, args)
        }
        None => (s.to_string(), Vec::new()),
    };
    let trimmed = name.trim();
    let (base, suffix) = match trimmed.strip_suffix(" UNSIGNED") {
        Some(b) => (b, " UNSIGNED"),
        None => (trimmed, ""),
    };
    let base = match base {
        "INT" | "INT4" => "INTEGER",
        "INT2" => "SMALLINT",
        "INT8" => "BIGINT",
        "CHARACTER VARYING" => "VARCHAR",
        "DECIMAL" => "NUMERIC",
        "FLOAT8" | "DOUBLE" => "DOUBLE PRECISION",
        "BOOL" => "BOOLEAN",
        other => other,
    };
    let name = format!("{}{}", base, suffix);
    Some((name, args))
}

fn int_rank(name: &str) -> Option<u8> {
    match name {
        "TINYINT" => Some(1),
        "SMALLINT" => Some(2),
        "MEDIUMINT" => Some(3),
        "INTEGER" => Some(4),
        "BIGINT" => Some(5),
        _ => None,
    }
}

/// Whether every value of `from` fits in `to` unchanged.
pub fn widens(from: &SqlType, to: &SqlType, dialect: Dialect) -> bool {
    if from == to {
        return true;
    }
    let (Some((f, fa)), Some((t, ta))) = (split(from), split(to)) else {
        // Enum to its text form and back are handled by enum diffs; anything else is unproven.
        return false;
    };
    let text_like = |n: &str| matches!(n, "TEXT" | "MEDIUMTEXT" | "LONGTEXT");
    if f == t {
        return match (fa.as_slice(), ta.as_slice()) {
            (_, [])
                if dialect == Dialect::Postgres && matches!(t.as_str(), "VARCHAR" | "NUMERIC") =>
            {
                true
            }
            ([a], [b]) => b >= a,
            ([p1, s1], [p2, s2]) => digits_fit(*p1, *s1, *p2, *s2),
            _ => false,
        };
    }
    if dialect == Dialect::Postgres && t == "TEXT" {
        return true;
    }
    if matches!(f.as_str(), "VARCHAR" | "CHAR") && text_like(&t) {
        return true;
    }
    let unsigned = |n: &str| n.strip_suffix(" UNSIGNED").map(str::to_string);
    let (fu, tu) = (unsigned(&f), unsigned(&t));
    let (fb, tb) = (
        fu.clone().unwrap_or(f.clone()),
        tu.clone().unwrap_or(t.clone()),
    );
    if let (Some(a), Some(b)) = (int_rank(&fb), int_rank(&tb)) {
        return match (fu.is_some(), tu.is_some()) {
            // Same signedness: a larger type holds every value.
            (false, false) | (true, true) => b >= a,
            // Unsigned into signed needs a strictly larger type; signed into unsigned loses
            // the negatives.
            (true, false) => b > a,
            (false, true) => false,
        };
    }
    // Every integer fits in 20 characters (a sign and 19 digits).
    if int_rank(&fb).is_some()
        && (text_like(&t)
            || (matches!(t.as_str(), "VARCHAR" | "CHAR") && ta.first().is_some_and(|n| *n >= 20)))
    {
        return true;
    }
    if int_rank(&f).is_some() && t == "NUMERIC" {
        return ta.is_empty()
            || (ta.len() == 2 && integer_digits(ta[0], ta[1]) >= 20)
            || (ta.len() == 1 && ta[0] >= 20);
    }
    matches!(
        (f.as_str(), t.as_str()),
        ("REAL", "DOUBLE PRECISION")
            | ("FLOAT", "DOUBLE PRECISION")
            | ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")
            | ("TIMESTAMP", "TIMESTAMPTZ")
            | ("DATE", "TIMESTAMP")
            | ("DATE", "TIMESTAMPTZ")
            | ("DATE", "TIMESTAMP WITH TIME ZONE")
            | ("DATE", "DATETIME")
            | ("TEXT", "MEDIUMTEXT")
            | ("TEXT", "LONGTEXT")
            | ("MEDIUMTEXT", "LONGTEXT")
            | ("JSON", "JSONB")
    )
}

/// The digits `NUMERIC(p,s)` keeps before the decimal point: `p - s`, negative when the scale is
/// above the precision (PostgreSQL 15 accepts `NUMERIC(3,4)`: values below 0.1 only). Computed in
/// `i64`, so that no precision and scale from a report can wrap it.
fn integer_digits(precision: u32, scale: u32) -> i64 {
    i64::from(precision) - i64::from(scale)
}

/// Whether every value of `NUMERIC(p1,s1)` fits `NUMERIC(p2,s2)` unchanged: no fewer digits
/// after the point and no fewer before it.
fn digits_fit(p1: u32, s1: u32, p2: u32, s2: u32) -> bool {
    s2 >= s1 && integer_digits(p2, s2) >= integer_digits(p1, s1)
}

/// PostgreSQL changes that need no table rewrite: a longer VARCHAR, VARCHAR to TEXT, more
/// NUMERIC precision at the same scale.
fn binary_compatible(from: &SqlType, to: &SqlType) -> bool {
    if from == to {
        return true;
    }
    let (Some((f, fa)), Some((t, ta))) = (split(from), split(to)) else {
        return false;
    };
    match (f.as_str(), t.as_str()) {
        ("VARCHAR", "VARCHAR") => {
            ta.is_empty() || (fa.len() == 1 && ta.len() == 1 && ta[0] >= fa[0])
        }
        ("VARCHAR", "TEXT") => true,
        ("NUMERIC", "NUMERIC") => {
            ta.is_empty() || (fa.len() == 2 && ta.len() == 2 && fa[1] == ta[1] && ta[0] >= fa[0])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> SqlType {
        SqlType::Builtin(s.into())
    }

    #[test]
    fn widening_and_narrowing() {
        let pg = Dialect::Postgres;
        assert!(widens(&b("VARCHAR(10)"), &b("VARCHAR(20)"), pg));
        assert!(!widens(&b("VARCHAR(20)"), &b("VARCHAR(10)"), pg));
        assert!(widens(&b("VARCHAR(20)"), &b("TEXT"), pg));
        assert!(!widens(&b("TEXT"), &b("VARCHAR(20)"), pg));
        assert!(widens(&b("SMALLINT"), &b("BIGINT"), pg));
        assert!(!widens(&b("BIGINT"), &b("INTEGER"), pg));
        assert!(widens(&b("NUMERIC(5,2)"), &b("NUMERIC(7,2)"), pg));
        assert!(!widens(&b("NUMERIC(7,2)"), &b("NUMERIC(7,3)"), pg));
        assert!(!widens(&b("VARCHAR(10)"), &b("INTEGER"), pg));
        assert!(!widens(&b("INT UNSIGNED"), &b("INT"), Dialect::MySql));
        assert!(widens(
            &b("SMALLINT UNSIGNED"),
            &b("INT UNSIGNED"),
            Dialect::MySql
        ));
        assert!(widens(&b("SMALLINT UNSIGNED"), &b("INT"), Dialect::MySql));
        assert!(!widens(&b("INT"), &b("BIGINT UNSIGNED"), Dialect::MySql));
        assert!(widens(&b("INT"), &b("VARCHAR(20)"), Dialect::MySql));
        assert!(!widens(&b("INT"), &b("VARCHAR(5)"), Dialect::MySql));
        assert!(binary_compatible(&b("VARCHAR(10)"), &b("VARCHAR(20)")));
        assert!(!binary_compatible(&b("NUMERIC(3,4)"), &b("NUMERIC(5,2)")));
        assert!(!binary_compatible(&b("INTEGER"), &b("BIGINT")));
    }

    /// A scale above the precision (PostgreSQL 15): `NUMERIC(3,4)` keeps -1 digits before the
    /// point. Once computed with unsigned numbers: a panic in debug builds, and in release a
    /// wrapped difference that judged `NUMERIC(5,2)` → `NUMERIC(3,4)` widening.
    #[test]
    fn a_scale_above_the_precision_is_judged_by_its_integer_digits() {
        let pg = Dialect::Postgres;
        assert!(!widens(&b("NUMERIC(5,2)"), &b("NUMERIC(3,4)"), pg));
        assert!(widens(&b("NUMERIC(3,4)"), &b("NUMERIC(5,5)"), pg));
        assert!(!widens(&b("NUMERIC(3,4)"), &b("NUMERIC(3,3)"), pg));
        assert!(widens(&b("NUMERIC(3,4)"), &b("NUMERIC(5,4)"), pg));
        assert!(widens(&b("NUMERIC(3,4)"), &b("NUMERIC(4,5)"), pg));
        assert!(widens(&b("NUMERIC(3,4)"), &b("NUMERIC(6,4)"), pg));
        assert!(!widens(&b("NUMERIC(2,4)"), &b("NUMERIC(2,3)"), pg));
        assert!(widens(&b("NUMERIC(2,4)"), &b("NUMERIC(3,4)"), pg));
        assert!(!widens(&b("NUMERIC(1000,1000)"), &b("NUMERIC(1,1000)"), pg));
        assert!(!widens(
            &b("NUMERIC(0,4294967295)"),
            &b("NUMERIC(4294967295,0)"),
            pg
        ));
        assert!(!widens(&b("INTEGER"), &b("NUMERIC(3,30)"), pg));
        assert!(widens(&b("BIGINT"), &b("NUMERIC(40,20)"), pg));
        assert!(!widens(&b("BIGINT"), &b("NUMERIC(39,20)"), pg));
    }

    /// Every pair of precisions and scales up to 12, against integer digits and scale compared
    /// in signed arithmetic.
    #[test]
    fn numeric_narrowing_agrees_with_signed_digit_counts() {
        for p1 in 1..=12i64 {
            for s1 in 0..=12i64 {
                for p2 in 1..=12i64 {
                    for s2 in 0..=12i64 {
                        let from = b(&format!("NUMERIC({p1},{s1})"));
                        let to = b(&format!("NUMERIC({p2},{s2})"));
                        let fits = s2 >= s1 && p2 - s2 >= p1 - s1;
                        assert_eq!(
                            widens(&from, &to, Dialect::Postgres),
                            fits,
                            "NUMERIC({p1},{s1}) -> NUMERIC({p2},{s2})"
                        );
                    }
                }
            }
        }
    }
}
