//! MySQL 8.0. Every statement is safe to run twice without MariaDB's `IF [NOT] EXISTS`
//! extensions, which MySQL 8 rejects (`ADD COLUMN IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`,
//! `DROP … IF EXISTS` inside `ALTER TABLE`): a statement that must not run twice is built as a
//! string chosen by an `information_schema` query and run through `PREPARE`/`EXECUTE`, the
//! alternative being `DO 0`. `CREATE TABLE IF NOT EXISTS` and `DROP TABLE IF EXISTS` are MySQL's
//! own. Column changes restate the whole column (`MODIFY COLUMN`), which is re-runnable as is.
//! Whether an object that is there already is the one a step makes is checked once per file, by
//! [`preconditions`], before the first change: MySQL's DDL is not transactional, so a file
//! stopped half-way is run again from the top, and each object it made by then passes as "already
//! as this migration makes it". With `--guards none` statements are plain DDL.

use super::checks::{plain, Check, Kind};
use super::sql;
use crate::dialect::Dialect;
use crate::model::*;
use crate::plan::{Aside, AsideColumns, Op, PartialColumn, Replacement, Retyped};
use std::borrow::Cow;

const D: Dialect = Dialect::MySql;

/// Session variable and statement name used by guarded statements.
const VAR: &str = "@smartspec_sql";
const STMT: &str = "smartspec_stmt";

fn qualified(name: &QualifiedName, out: &mut String) {
    if let Some(schema) = &name.schema {
        D.quote_ident(schema, out);
        out.push('.');
    }
    D.quote_ident(&name.name, out);
}

fn ident_list(names: &[Name], out: &mut String) {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        D.quote_ident(n, out);
    }
}

/// MySQL 8 accepts `CURRENT_TIMESTAMP` bare as a default; every other expression default must be
/// written in parentheses (8.0.13 and later).
fn default_sql(d: &DefaultValue, out: &mut String) {
    match d {
        DefaultValue::Null => out.push_str("NULL"),
        DefaultValue::Bool(true) => out.push_str("TRUE"),
        DefaultValue::Bool(false) => out.push_str("FALSE"),
        DefaultValue::Number(n) => out.push_str(n),
        DefaultValue::Str(s) => D.quote_str(s, out),
        DefaultValue::Expr(KnownExpr::Now) => out.push_str("CURRENT_TIMESTAMP"),
        DefaultValue::Expr(e) => {
            let (name, precision, parenthesized) = match *e {
                KnownExpr::Now => ("CURRENT_TIMESTAMP", None, false),
                KnownExpr::CurrentTimestamp(p) => ("CURRENT_TIMESTAMP", p, false),
                KnownExpr::LocalTimestamp(p) => ("LOCALTIMESTAMP", p, false),
                KnownExpr::CurrentDate => ("CURRENT_DATE", None, true),
                KnownExpr::CurrentTime(p) => ("CURRENT_TIME", p, true),
                KnownExpr::LocalTime(p) => ("LOCALTIME", p, true),
                // `gen_random_uuid()` is refused for MySQL when the report is read.
                KnownExpr::Uuid | KnownExpr::GenRandomUuid => ("uuid()", None, true),
            };
            if parenthesized {
                out.push('(');
            }
            out.push_str(name);
            if let Some(p) = precision {
                out.push_str(&format!("({})", p));
            }
            if parenthesized {
                out.push(')');
            }
        }
    }
}

/// A column's parts, borrowed from a [`Column`] or a [`PartialColumn`].
struct ColumnParts<'a> {
    ty: Option<&'a crate::types::SqlType>,
    nullable: Option<bool>,
    /// `None`: unknown; `Some(None)`: no default.
    default: Option<Option<&'a DefaultValue>>,
    auto: bool,
    comment: Option<&'a str>,
}

fn column_def(c: &Column, out: &mut String) {
    column_parts(
        &c.name,
        &ColumnParts {
            ty: Some(&c.ty),
            nullable: Some(c.nullable),
            default: Some(c.default.as_ref()),
            auto: c.auto_increment || c.identity.is_some(),
            comment: c.comment.as_deref(),
        },
        out,
    )
}

fn partial_column_def(name: &str, c: &PartialColumn, out: &mut String) {
    column_parts(
        name,
        &ColumnParts {
            ty: c.ty.as_ref(),
            nullable: c.nullable,
            default: c.default.as_ref().map(Option::as_ref),
            auto: c.auto_increment || c.identity.is_some(),
            comment: c.comment.as_deref(),
        },
        out,
    );
}

/// `` `name` TYPE NOT NULL|NULL [DEFAULT …] [AUTO_INCREMENT] [COMMENT '…'] ``.
fn column_parts(name: &str, c: &ColumnParts, out: &mut String) {
    D.quote_ident(name, out);
    out.push(' ');
    if let Some(ty) = c.ty {
        ty.render(D, out);
    }
    out.push_str(if c.nullable == Some(false) || c.auto {
        " NOT NULL"
    } else {
        " NULL"
    });
    if let (Some(Some(d)), false) = (c.default, c.auto) {
        out.push_str(" DEFAULT ");
        default_sql(d, out);
    }
    if c.auto {
        out.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = c.comment {
        out.push_str(" COMMENT ");
        D.quote_str(comment, out);
    }
}

/// The schema `table` is in, as an expression: its name, or the current database.
fn schema_expr(table: &QualifiedName, out: &mut String) {
    match &table.schema {
        Some(s) => D.quote_str(s, out),
        None => out.push_str("DATABASE()"),
    }
}

/// `table_schema = … AND table_name = …`: the rows of `table` in an `information_schema` view
/// (`alias`: the view's alias and a dot, or nothing).
fn of_table(alias: &str, table: &QualifiedName, out: &mut String) {
    out.push_str(alias);
    out.push_str("table_schema = ");
    schema_expr(table, out);
    out.push_str(" AND ");
    out.push_str(alias);
    out.push_str("table_name = ");
    D.quote_str(&table.name, out);
}

/// `(schema, table, name), …`: rows for `IN`.
fn rows<'a>(rows: &mut dyn Iterator<Item = (&'a QualifiedName, &'a str)>, out: &mut String) {
    for (i, (table, name)) in rows.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('(');
        schema_expr(table, out);
        out.push_str(", ");
        D.quote_str(&table.name, out);
        out.push_str(", ");
        D.quote_str(name, out);
        out.push(')');
    }
}

/// The statement `statement` writes, as a string literal.
fn quoted(out: &mut String, statement: &dyn Fn(&mut String)) {
    D.quote_str(&sql(statement), out);
}

/// Runs the statement `statement` writes only when the query `count` writes (a `SELECT
/// COUNT(*) …`) returns `want` (0 or 1 and more). Four statements: choose, prepare, execute,
/// deallocate.
fn guarded(
    count: &dyn Fn(&mut String),
    want_none: bool,
    statement: &dyn Fn(&mut String),
) -> Vec<String> {
    if plain() {
        return vec![sql(statement)];
    }
    conditional(count, want_none, statement)
}

/// [`guarded`] whatever the guards: for the statements whose condition is part of the plan, not
/// only of a re-run. MySQL drops an index by itself with its table (an undo drops the table
/// first) or takes one over for a foreign key, and adds a primary key with the AUTO_INCREMENT
/// column that needs it; the plan's later statement then finds it done.
fn conditional(
    count: &dyn Fn(&mut String),
    want_none: bool,
    statement: &dyn Fn(&mut String),
) -> Vec<String> {
    let mut choose = String::with_capacity(256);
    choose.push_str("SET ");
    choose.push_str(VAR);
    choose.push_str(" = IF((");
    count(&mut choose);
    choose.push_str(if want_none { ") = 0" } else { ") > 0" });
    choose.push_str(",\n    ");
    quoted(&mut choose, statement);
    choose.push_str(",\n    'DO 0')");
    prepared(choose)
}

/// `choose`, which sets the statement to run, then the three statements that run it.
fn prepared(choose: String) -> Vec<String> {
    vec![
        choose,
        format!("PREPARE {STMT} FROM {VAR}"),
        format!("EXECUTE {STMT}"),
        format!("DEALLOCATE PREPARE {STMT}"),
    ]
}

/// `column = 'name'` compared byte for byte: `information_schema` compares names without regard
/// to case, which would make a rename that only changes case look done already.
fn exactly(column: &str, name: &str, out: &mut String) {
    out.push_str("CAST(");
    out.push_str(column);
    out.push_str(" AS BINARY) = CAST(");
    D.quote_str(name, out);
    out.push_str(" AS BINARY)");
}

fn count_columns(table: &QualifiedName, column: &str, out: &mut String) {
    out.push_str("SELECT COUNT(*) FROM information_schema.columns WHERE ");
    of_table("", table, out);
    out.push_str(" AND column_name = ");
    D.quote_str(column, out);
}

fn count_indexes(table: &QualifiedName, name: &str, out: &mut String) {
    out.push_str("SELECT COUNT(*) FROM information_schema.statistics WHERE ");
    of_table("", table, out);
    out.push_str(" AND index_name = ");
    D.quote_str(name, out);
}

/// Counts the index `name` on `table`; when this plan re-creates it under the same name, only
/// while it is not yet that index (its columns in order and its uniqueness), so a second run
/// leaves the new one alone.
fn index_differs(
    table: &QualifiedName,
    name: &str,
    replaced_by: Option<&Replacement>,
    out: &mut String,
) {
    let Some(r) = replaced_by else {
        return count_indexes(table, name, out);
    };
    out.push_str("SELECT COUNT(*) FROM (SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR '`,`') AS k, MAX(non_unique) AS nu FROM information_schema.statistics WHERE ");
    of_table("", table, out);
    out.push_str(" AND index_name = ");
    D.quote_str(name, out);
    out.push_str(") AS current_index WHERE k IS NOT NULL AND (k <> ");
    D.quote_str(&r.columns.join("`,`"), out);
    out.push_str(" OR nu <> ");
    out.push(if r.unique { '0' } else { '1' });
    out.push(')');
}

fn count_constraints(table: &QualifiedName, kind: &str, name: Option<&str>, out: &mut String) {
    out.push_str("SELECT COUNT(*) FROM information_schema.table_constraints WHERE ");
    of_table("", table, out);
    out.push_str(" AND constraint_type = ");
    D.quote_str(kind, out);
    if let Some(n) = name {
        out.push_str(" AND constraint_name = ");
        D.quote_str(n, out);
    }
}

/// `ALTER TABLE … `, its changes to follow.
fn alter(table: &QualifiedName, out: &mut String) {
    out.push_str("ALTER TABLE ");
    qualified(table, out);
    out.push(' ');
}

/// `ALTER TABLE … <verb> <name>` (`DROP INDEX`, `ADD CONSTRAINT` …), the rest to follow.
fn alter_named(table: &QualifiedName, verb: &str, name: &str, out: &mut String) {
    alter(table, out);
    out.push_str(verb);
    out.push(' ');
    D.quote_ident(name, out);
}

fn fk_body(fk: &ForeignKey, out: &mut String) {
    out.push_str("FOREIGN KEY (");
    ident_list(&fk.columns, out);
    out.push_str(") REFERENCES ");
    qualified(&fk.ref_table, out);
    out.push_str(" (");
    ident_list(&fk.ref_columns, out);
    out.push(')');
    if let Some(a) = fk.on_delete {
        out.push_str(" ON DELETE ");
        out.push_str(a.sql());
    }
    if let Some(a) = fk.on_update {
        out.push_str(" ON UPDATE ");
        out.push_str(a.sql());
    }
}

/// The statement that fails naming the problem: MySQL has no `SIGNAL` in prepared statements,
/// so it selects a column whose name is the message (MySQL's manual suggests this for routines),
/// and the server answers `Unknown column '<message>'`; a name holds at most 64 characters.
fn failing(problem: &str, out: &mut String) {
    let message: String = format!("smartspec: {}", problem).chars().take(64).collect();
    quoted(out, &|f| {
        f.push_str("SELECT ");
        D.quote_ident(&message, f);
        f.push_str(" FROM DUAL");
    });
}

/// `(name, data_type), …` of the columns whose data type `information_schema` can tell.
fn typed_columns<'a>(
    columns: &[(&'a str, &'a crate::types::SqlType)],
) -> Vec<(&'a str, Cow<'a, str>)> {
    columns
        .iter()
        .filter_map(|(c, t)| crate::types::mysql_data_type(t).map(|d| (*c, d)))
        .collect()
}

fn column_pairs(columns: &[(&str, Cow<'_, str>)], out: &mut String) {
    for (i, (c, t)) in columns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('(');
        D.quote_str(c, out);
        out.push_str(", ");
        D.quote_str(t, out);
        out.push(')');
    }
}

/// The one precondition block of a file (see [`super::checks`]): one statement chooses, from
/// `information_schema`, `DO 0` when every object in `checks` is absent or already as the file
/// makes it, and otherwise a statement that fails naming the first one that differs (the name of
/// an unknown column is the only text of its own a prepared statement can fail with, and it
/// holds 64 characters); then it runs it.
pub fn preconditions(checks: &[Check]) -> Vec<String> {
    let mut s = String::with_capacity(256 * checks.len());
    s.push_str("SET ");
    s.push_str(VAR);
    s.push_str(" = CASE");
    if !when_differs(checks, &mut s, &|problem, s| {
        s.push_str(" THEN ");
        failing(problem, s);
    }) {
        return Vec::new();
    }
    s.push_str("\n    ELSE 'DO 0' END");
    prepared(s)
}

/// The checks of [`preconditions`] as one query on one line, for a migration tool's own
/// precondition (Liquibase's `sql-check`): `ok`, or what differs about the first object that does.
pub fn precondition_query(checks: &[Check]) -> Option<String> {
    let mut s = String::from("SELECT CASE");
    if !when_differs(checks, &mut s, &|problem, s| {
        s.push_str(" THEN ");
        D.quote_str(problem, s);
    }) {
        return None;
    }
    s.push_str(" ELSE 'ok' END");
    // Line breaks are the writer's own (a literal holds none): each, with the indentation after
    // it, becomes one space.
    Some(s.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
}

/// Writes `WHEN <condition> <then>` for each object of `checks` MySQL can look up, `then`
/// writing what follows from the problem; `false` when there is none.
fn when_differs(checks: &[Check], s: &mut String, then: &dyn Fn(&str, &mut String)) -> bool {
    let mut arms = 0;
    let mut arm = |s: &mut String, condition: &dyn Fn(&mut String), problem: &str| {
        s.push_str("\n    WHEN ");
        condition(s);
        then(problem, s);
        arms += 1;
    };
    for c in checks {
        match c {
            Check::Columns {
                table,
                columns,
                whole: true,
            } => {
                let typed = typed_columns(columns);
                if typed.is_empty() {
                    continue;
                }
                arm(
                    s,
                    &|s| {
                        s.push_str("EXISTS (SELECT 1 FROM information_schema.tables WHERE ");
                        of_table("", table, s);
                        s.push_str(") AND (SELECT COUNT(*) FROM information_schema.columns WHERE ");
                        of_table("", table, s);
                        s.push_str(" AND (column_name, data_type) IN (");
                        column_pairs(&typed, s);
                        s.push_str(")) <> ");
                        s.push_str(&typed.len().to_string());
                    },
                    &format!("table {} differs", table.name),
                );
            }
            Check::Columns {
                table,
                columns,
                whole: false,
            } => {
                for (column, ty) in typed_columns(columns) {
                    arm(
                        s,
                        &|s| {
                            s.push_str("EXISTS (SELECT 1 FROM information_schema.columns WHERE ");
                            of_table("", table, s);
                            s.push_str(" AND column_name = ");
                            D.quote_str(column, s);
                            s.push_str(" AND data_type <> ");
                            D.quote_str(&ty, s);
                            s.push(')');
                        },
                        &format!("{}.{} is not {}", table.name, column, ty),
                    );
                }
            }
            // MySQL enums live on columns, compared with them.
            Check::Enum { .. } => {}
            Check::Index { table, index } => arm(
                s,
                &|s| {
                    s.push('(');
                    index_differs(
                        table,
                        &index.name,
                        Some(&Replacement {
                            columns: index.columns.clone(),
                            unique: index.unique,
                            kind: crate::plan::ReplacementKind::Index,
                        }),
                        s,
                    );
                    s.push_str(") > 0");
                },
                &format!("index {}.{} differs", table.name, index.name),
            ),
            Check::Constraint {
                table,
                name,
                kind,
                columns,
                references,
            } => {
                let (label, name) = match (kind, name) {
                    (Kind::PrimaryKey, _) => ("primary key of", "PRIMARY"),
                    (Kind::Unique, Some(n)) => ("unique", *n),
                    (Kind::Check, Some(n)) => ("check", *n),
                    (Kind::ForeignKey, Some(n)) => ("foreign key", *n),
                    (_, None) => continue,
                };
                let problem = if *kind == Kind::PrimaryKey {
                    format!("primary key of {} differs", table.name)
                } else {
                    format!("{} {}.{} differs", label, table.name, name)
                };
                arm(
                    s,
                    &|s| match kind {
                        Kind::PrimaryKey | Kind::Unique => {
                            s.push('(');
                            index_differs(
                                table,
                                name,
                                Some(&Replacement {
                                    columns: columns.map(<[Name]>::to_vec).unwrap_or_default(),
                                    unique: true,
                                    kind: crate::plan::ReplacementKind::Index,
                                }),
                                s,
                            );
                            s.push_str(") > 0");
                        }
                        Kind::Check => {
                            s.push_str(
                                "EXISTS (SELECT 1 FROM information_schema.table_constraints WHERE ",
                            );
                            of_table("", table, s);
                            s.push_str(" AND constraint_name = ");
                            D.quote_str(name, s);
                            s.push_str(" AND constraint_type <> 'CHECK')");
                        }
                        Kind::ForeignKey => {
                            s.push_str("EXISTS (SELECT 1 FROM (SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position SEPARATOR '`,`') AS k, MAX(referenced_table_name) AS r FROM information_schema.key_column_usage WHERE ");
                            of_table("", table, s);
                            s.push_str(" AND constraint_name = ");
                            D.quote_str(name, s);
                            s.push_str(") AS current_key WHERE k IS NOT NULL AND (k <> ");
                            let cols: Vec<&str> =
                                columns.unwrap_or_default().iter().map(|c| &**c).collect();
                            D.quote_str(&cols.join("`,`"), s);
                            s.push_str(" OR r IS NULL OR r <> ");
                            D.quote_str(references.map_or("", |r| &r.name), s);
                            s.push_str("))");
                        }
                    },
                    &problem,
                );
            }
        }
    }
    arms > 0
}

fn create_table(t: &Table) -> Vec<String> {
    let mut s = String::with_capacity(64 + t.name.name.len() + 48 * t.columns.len());
    s.push_str(if plain() {
        "CREATE TABLE "
    } else {
        "CREATE TABLE IF NOT EXISTS "
    });
    qualified(&t.name, &mut s);
    s.push_str(" (");
    let mut lines = 0;
    let mut line = |s: &mut String| {
        s.push_str(if lines == 0 { "\n    " } else { ",\n    " });
        lines += 1;
    };
    for c in &t.columns {
        line(&mut s);
        column_def(c, &mut s);
    }
    if let Some(pk) = &t.primary_key {
        line(&mut s);
        s.push_str("PRIMARY KEY (");
        ident_list(&pk.columns, &mut s);
        s.push(')');
    }
    for u in &t.uniques {
        line(&mut s);
        s.push_str("CONSTRAINT ");
        D.quote_ident(&u.name, &mut s);
        s.push_str(" UNIQUE (");
        ident_list(&u.columns, &mut s);
        s.push(')');
    }
    for c in &t.checks {
        line(&mut s);
        s.push_str("CONSTRAINT ");
        D.quote_ident(&c.name, &mut s);
        s.push_str(" CHECK (");
        s.push_str(&c.expression);
        s.push(')');
    }
    s.push_str(if lines == 0 { "\n    \n)" } else { "\n)" });
    if let Some(comment) = &t.comment {
        s.push_str(" COMMENT = ");
        D.quote_str(comment, &mut s);
    }
    let mut out = vec![s];
    // A table made again by an undo brings its indexes (a missing table's are steps of their own).
    for index in &t.indexes {
        out.extend(create_index(&t.name, index));
    }
    out
}

fn create_index(table: &QualifiedName, index: &Index) -> Vec<String> {
    guarded(&|s| count_indexes(table, &index.name, s), true, &|s| {
        s.push_str(if index.unique {
            "CREATE UNIQUE INDEX "
        } else {
            "CREATE INDEX "
        });
        D.quote_ident(&index.name, s);
        s.push_str(" ON ");
        qualified(table, s);
        s.push_str(" (");
        ident_list(&index.columns, s);
        s.push(')');
    })
}

/// Drops the index (or unique constraint) `name`, as [`index_differs`] counts it.
fn drop_index(table: &QualifiedName, name: &str, by: Option<&Replacement>) -> Vec<String> {
    let count = |s: &mut String| index_differs(table, name, by, s);
    let drop = |s: &mut String| alter_named(table, "DROP INDEX", name, s);
    conditional(&count, false, &drop)
}

/// Adds the primary key `new` to `table` in one statement with the change of the column
/// `modify` (its name and its wanted state), when there is one, chosen by what the key is now:
/// none (add), other columns (replace), the same (only the change, or `DO 0` without one).
fn with_primary_key(
    table: &QualifiedName,
    modify: Option<(&str, &PartialColumn)>,
    new: &PrimaryKey,
) -> Vec<String> {
    let change = |s: &mut String, then: &str| {
        alter(table, s);
        if let Some((name, c)) = modify {
            s.push_str("MODIFY COLUMN ");
            partial_column_def(name, c, s);
            s.push_str(then);
        }
    };
    let add = |s: &mut String, drop: &str| {
        change(s, ", ");
        s.push_str(drop);
        s.push_str("ADD PRIMARY KEY (");
        ident_list(&new.columns, s);
        s.push(')');
    };
    let mut s = format!("SET {VAR} = (SELECT CASE WHEN k IS NULL THEN ");
    quoted(&mut s, &|s| add(s, ""));
    s.push_str(" WHEN k <> ");
    D.quote_str(&new.columns.join("`,`"), &mut s);
    s.push_str(" THEN ");
    quoted(&mut s, &|s| add(s, "DROP PRIMARY KEY, "));
    s.push_str(" ELSE ");
    match modify {
        Some(_) => quoted(&mut s, &|s| change(s, "")),
        None => s.push_str("'DO 0'"),
    }
    s.push_str(" END FROM (SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR '`,`') AS k FROM information_schema.statistics WHERE ");
    of_table("", table, &mut s);
    s.push_str(" AND index_name = 'PRIMARY') AS current_key)");
    prepared(s)
}

/// The table that holds the definitions of the foreign keys set aside while their columns change
/// type (in the connection's database), between the statement that drops them and the one that
/// adds them back.
const SAVED: &str = "`smartspec_saved_foreign_keys`";

/// `name` (an expression) quoted as an identifier at run time.
fn quoted_at_run_time(name: &str, out: &mut String) {
    out.push_str("CONCAT('`', REPLACE(");
    out.push_str(name);
    out.push_str(", '`', '``'), '`')");
}

/// Whether the column on one end of key column `k` (`prefix`: `` or `referenced_`) is one of
/// `columns`. Written as a row `IN` list: MariaDB's `information_schema` scan misreads name
/// comparisons nested in a `CASE`, and finds no row.
fn column_in(prefix: &str, columns: &[&Retyped], out: &mut String) {
    out.push_str(&format!(
        "(k.{prefix}table_schema, k.{prefix}table_name, k.{prefix}column_name) IN ("
    ));
    rows(&mut columns.iter().map(|r| (&r.table, &*r.column)), out);
    out.push(')');
}

/// Both ends of key column `k` are among `columns`, or one of them is.
fn ends_in(columns: &[&Retyped], both: bool, out: &mut String) {
    out.push('(');
    column_in("", columns, out);
    out.push_str(if both { " AND " } else { " OR " });
    column_in("referenced_", columns, out);
    out.push(')');
}

/// The statements of one stage of [`Op::SetAsideForeignKeys`].
///
/// MySQL's DDL is not transactional: a run may stop between any two statements and be run
/// again. The keys are found at run time (`information_schema.key_column_usage` and
/// `referential_constraints`), so their definitions exist nowhere but on the server; session
/// variables would die with a failed run's connection. They are therefore saved in a table of
/// the database ([`SAVED`]) before any is dropped, and a key's row is deleted only once the key
/// is there again: a run stopped after the drop finds them there, and its re-run, which drops
/// nothing more (the keys are gone), restores them after the column changes. The table is
/// dropped when it is empty. A key is set aside only if it can be restored: the check, before
/// anything changes, fails naming the first key one of whose column pairs would not have the
/// same type at both ends after the plan (one end changes and the other does not, or they get
/// different types), so that a key never stays dropped because its restore is refused.
fn set_aside_foreign_keys(stage: Aside, c: &AsideColumns) -> Vec<String> {
    let group_concat =
        "SET SESSION group_concat_max_len = GREATEST(@@SESSION.group_concat_max_len, 1048576)"
            .to_string();
    // The keys of `table` changed in one statement (`change`, an expression, for each), or
    // `DO 0` when there are none.
    let alter_keys = |table: &QualifiedName, change: &str, alias: &str| {
        let mut s = format!("SET {VAR} = (SELECT COALESCE(CONCAT(");
        quoted(&mut s, &|s| alter(table, s));
        s.push_str(&format!(", GROUP_CONCAT({change} ORDER BY {alias}.constraint_name SEPARATOR ', ')), 'DO 0') FROM "));
        s
    };
    match stage {
        Aside::Check => {
            // Both spellings of a renamed column: the check runs before the renames, and again
            // in a re-run after them.
            let all: Vec<&Retyped> = c.retyped.iter().chain(&c.before_renames).collect();
            let mut schemas: Vec<String> = Vec::new();
            for r in &all {
                let e = sql(|s| schema_expr(&r.table, s));
                if !schemas.contains(&e) {
                    schemas.push(e);
                }
            }
            let schemas = schemas.join(", ");
            let mut s = format!("SET {VAR} = (SELECT COALESCE(MIN(CONCAT('SELECT ', ");
            quoted_at_run_time("RTRIM(LEFT(CONCAT('smartspec: fk types differ: ', k.table_name, '.', k.constraint_name), 64))", &mut s);
            s.push_str(&format!(", ' FROM DUAL')), 'DO 0') FROM information_schema.key_column_usage k WHERE k.referenced_table_name IS NOT NULL AND (k.table_schema IN ({schemas}) OR k.referenced_table_schema IN ({schemas}))"));
            if !c.dropped.is_empty() {
                s.push_str(" AND (k.table_schema, k.table_name, k.constraint_name) NOT IN (");
                rows(&mut c.dropped.iter().map(|(t, n)| (t, n.as_str())), &mut s);
                s.push(')');
            }
            // A key column pair is fine when neither end changes, or both get the same type.
            s.push_str(" AND ");
            ends_in(&all, false, &mut s);
            s.push_str(" AND NOT (");
            let mut types: Vec<&str> = Vec::new();
            for r in &all {
                if !types.contains(&r.to.as_str()) {
                    types.push(&r.to);
                }
            }
            for (i, t) in types.iter().enumerate() {
                if i > 0 {
                    s.push_str(" OR ");
                }
                let of_type: Vec<&Retyped> = all.iter().copied().filter(|r| r.to == *t).collect();
                ends_in(&of_type, true, &mut s);
            }
            s.push_str("))");
            prepared(s)
        }
        Aside::Detach => {
            let q = |name: &str| sql(|s| quoted_at_run_time(name, s));
            let rows = sql(|s| rows(&mut c.retyped.iter().map(|r| (&r.table, &*r.column)), s));
            let mut out = vec![
                format!(
                    "CREATE TABLE IF NOT EXISTS {SAVED} (\n    table_schema VARBINARY(256) NOT NULL,\n    table_name VARBINARY(256) NOT NULL,\n    constraint_name VARBINARY(256) NOT NULL,\n    definition TEXT CHARACTER SET utf8mb4 NOT NULL,\n    PRIMARY KEY (table_schema, table_name, constraint_name)\n) COMMENT = 'foreign keys set aside by a migration while their columns change type, until it adds them back'"
                ),
                group_concat,
                format!(
                    "INSERT IGNORE INTO {SAVED} (table_schema, table_name, constraint_name, definition) SELECT k.table_schema, k.table_name, k.constraint_name, CONCAT('CONSTRAINT ', {name}, ' FOREIGN KEY (', GROUP_CONCAT({column} ORDER BY k.ordinal_position SEPARATOR ', '), ') REFERENCES ', IF(k.referenced_table_schema = k.table_schema, '', CONCAT({ref_schema}, '.')), {ref_table}, ' (', GROUP_CONCAT({ref_column} ORDER BY k.ordinal_position SEPARATOR ', '), ') ON DELETE ', r.delete_rule, ' ON UPDATE ', r.update_rule) FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema AND r.table_name = k.table_name AND r.constraint_name = k.constraint_name WHERE k.referenced_table_name IS NOT NULL AND (k.constraint_schema, k.table_name, k.constraint_name) IN (SELECT constraint_schema, table_name, constraint_name FROM information_schema.key_column_usage WHERE referenced_table_name IS NOT NULL AND ((table_schema, table_name, column_name) IN ({rows}) OR (referenced_table_schema, referenced_table_name, referenced_column_name) IN ({rows}))) GROUP BY k.table_schema, k.table_name, k.constraint_name, k.referenced_table_schema, k.referenced_table_name, r.delete_rule, r.update_rule",
                    name = q("k.constraint_name"),
                    column = q("k.column_name"),
                    ref_schema = q("k.referenced_table_schema"),
                    ref_table = q("k.referenced_table_name"),
                    ref_column = q("k.referenced_column_name"),
                ),
            ];
            let change = format!("CONCAT('DROP FOREIGN KEY ', {})", q("c.constraint_name"));
            for table in &c.tables {
                let mut s = alter_keys(table, &change, "c");
                s.push_str(&format!("information_schema.table_constraints c JOIN {SAVED} s ON s.table_schema = c.table_schema AND s.table_name = c.table_name AND s.constraint_name = c.constraint_name WHERE c.constraint_type = 'FOREIGN KEY' AND "));
                of_table("c.", table, &mut s);
                s.push(')');
                out.extend(prepared(s));
            }
            out
        }
        Aside::Restore => {
            let present = "SELECT 1 FROM information_schema.table_constraints c WHERE c.constraint_type = 'FOREIGN KEY' AND c.table_schema = s.table_schema AND c.table_name = s.table_name AND c.constraint_name = s.constraint_name";
            let mut out = vec![group_concat];
            for table in &c.tables {
                let mut s = alter_keys(table, "CONCAT('ADD ', s.definition)", "s");
                s.push_str(&format!("{SAVED} s WHERE "));
                of_table("s.", table, &mut s);
                s.push_str(&format!(" AND NOT EXISTS ({present}))"));
                out.extend(prepared(s));
            }
            out.push(format!("DELETE s FROM {SAVED} s WHERE EXISTS ({present})"));
            let mut s = format!("SET {VAR} = IF((SELECT COUNT(*) FROM {SAVED}) = 0,\n    ");
            D.quote_str(&format!("DROP TABLE {SAVED}"), &mut s);
            s.push_str(",\n    'DO 0')");
            out.extend(prepared(s));
            out
        }
    }
}

pub fn render(op: &Op) -> Vec<String> {
    match op {
        Op::RenameTable { from, to } => guarded(
            &|s| {
                s.push_str("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ");
                schema_expr(from, s);
                s.push_str(" AND ");
                exactly("table_name", &from.name, s);
                s.push_str(" AND NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = ");
                schema_expr(to, s);
                s.push_str(" AND ");
                exactly("table_name", &to.name, s);
                s.push(')');
            },
            false,
            &|s| {
                s.push_str("RENAME TABLE ");
                qualified(from, s);
                s.push_str(" TO ");
                qualified(to, s);
            },
        ),
        Op::RenameColumn { table, from, to } => guarded(
            &|s| {
                s.push_str("SELECT COUNT(*) FROM information_schema.columns WHERE ");
                of_table("", table, s);
                s.push_str(" AND ");
                exactly("column_name", from, s);
                s.push_str(" AND NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE ");
                of_table("", table, s);
                s.push_str(" AND ");
                exactly("column_name", to, s);
                s.push(')');
            },
            false,
            &|s| {
                alter_named(table, "RENAME COLUMN", from, s);
                s.push_str(" TO ");
                D.quote_ident(to, s);
            },
        ),
        Op::DropForeignKey { table, fk } => guarded(
            &|s| count_constraints(table, "FOREIGN KEY", Some(&fk.name), s),
            false,
            &|s| alter_named(table, "DROP FOREIGN KEY", &fk.name, s),
        ),
        Op::DropUnique {
            table,
            unique,
            replaced_by,
        } => drop_index(table, &unique.name, replaced_by.as_ref()),
        Op::DropIndex {
            table,
            index,
            replaced_by,
        } => drop_index(table, &index.name, replaced_by.as_ref()),
        Op::DropCheck { table, check } => guarded(
            &|s| count_constraints(table, "CHECK", Some(&check.name), s),
            false,
            &|s| alter_named(table, "DROP CONSTRAINT", &check.name, s),
        ),
        Op::DropPrimaryKey {
            table, auto_off, ..
        } => guarded(
            &|s| count_constraints(table, "PRIMARY KEY", None, s),
            false,
            &|s| {
                alter(table, s);
                // AUTO_INCREMENT comes off the key's columns in the same statement: an
                // AUTO_INCREMENT column must be a key.
                for (column, from) in auto_off {
                    s.push_str("MODIFY COLUMN ");
                    partial_column_def(column, from, s);
                    s.push_str(", ");
                }
                s.push_str("DROP PRIMARY KEY");
            },
        ),
        Op::DropColumn { table, column } => {
            guarded(&|s| count_columns(table, &column.name, s), false, &|s| {
                alter_named(table, "DROP COLUMN", &column.name, s)
            })
        }
        Op::DropTable { table } => vec![sql(|s| {
            s.push_str(if plain() {
                "DROP TABLE "
            } else {
                "DROP TABLE IF EXISTS "
            });
            qualified(&table.name, s);
        })],
        // MySQL enums live on columns: these never reach the renderer.
        Op::CreateEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RemoveEnumValues { .. }
        | Op::DropEnum { .. } => Vec::new(),
        Op::CreateTable { table } => create_table(table),
        Op::AddColumn {
            table,
            column,
            with_primary_key,
        } => guarded(&|s| count_columns(table, &column.name, s), true, &|s| {
            alter(table, s);
            s.push_str("ADD COLUMN ");
            column_def(column, s);
            if let Some((pk, replaces)) = with_primary_key {
                if *replaces {
                    s.push_str(", DROP PRIMARY KEY");
                }
                s.push_str(", ADD PRIMARY KEY (");
                ident_list(&pk.columns, s);
                s.push(')');
            }
        }),
        Op::AlterColumn {
            table,
            column,
            states,
            with_key: Some(pk),
            ..
        } => with_primary_key(table, Some((column, &states.to)), pk),
        Op::AlterColumn {
            table,
            column,
            states,
            ..
        } => vec![sql(|s| {
            alter(table, s);
            s.push_str("MODIFY COLUMN ");
            partial_column_def(column, &states.to, s);
        })],
        Op::AddPrimaryKey { table, pk } => conditional(
            &|s| count_constraints(table, "PRIMARY KEY", None, s),
            true,
            &|s| {
                alter(table, s);
                s.push_str("ADD PRIMARY KEY (");
                ident_list(&pk.columns, s);
                s.push(')');
            },
        ),
        // One statement, so an AUTO_INCREMENT column never stands without its key.
        Op::ReplacePrimaryKey { table, new, .. } => with_primary_key(table, None, new),
        Op::AddUnique { table, unique } => {
            guarded(&|s| count_indexes(table, &unique.name, s), true, &|s| {
                alter_named(table, "ADD CONSTRAINT", &unique.name, s);
                s.push_str(" UNIQUE (");
                ident_list(&unique.columns, s);
                s.push(')');
            })
        }
        Op::AddCheck { table, check } => guarded(
            &|s| count_constraints(table, "CHECK", Some(&check.name), s),
            true,
            &|s| {
                alter_named(table, "ADD CONSTRAINT", &check.name, s);
                s.push_str(" CHECK (");
                s.push_str(&check.expression);
                s.push(')');
            },
        ),
        Op::CreateIndex { table, index, .. } => create_index(table, index),
        Op::SetAsideForeignKeys { stage, columns } => set_aside_foreign_keys(*stage, columns),
        // SQLite's alone.
        Op::RebuildTable { .. } | Op::SqliteForeignKeys { .. } => Vec::new(),
        Op::AddForeignKey { table, fk } => guarded(
            &|s| count_constraints(table, "FOREIGN KEY", Some(&fk.name), s),
            true,
            &|s| {
                alter_named(table, "ADD CONSTRAINT", &fk.name, s);
                s.push(' ');
                fk_body(fk, s);
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SqlType;

    /// What `data_type` gives, spelt out: the type's first word in lower case, mapped to the
    /// name `information_schema` uses, or nothing for the types not compared.
    fn expected(ty: &str) -> Option<String> {
        let word = ty.split(['(', ' ']).next().unwrap().to_ascii_lowercase();
        Some(match word.as_str() {
            "integer" => "int".into(),
            "bool" | "boolean" => "tinyint".into(),
            "dec" | "numeric" | "fixed" => "decimal".into(),
            "real" => "double".into(),
            "json" | "serial" => return None,
            _ => word,
        })
    }

    #[test]
    fn a_guarded_statement_is_chosen_as_a_literal_then_prepared_and_run() {
        let count = |s: &mut String| s.push_str("SELECT COUNT(*) FROM t");
        let statement = |s: &mut String| s.push_str("DROP TABLE `it's`");
        assert_eq!(
            guarded(&count, false, &statement),
            [
                "SET @smartspec_sql = IF((SELECT COUNT(*) FROM t) > 0,\n    'DROP TABLE `it''s`',\n    'DO 0')",
                "PREPARE smartspec_stmt FROM @smartspec_sql",
                "EXECUTE smartspec_stmt",
                "DEALLOCATE PREPARE smartspec_stmt",
            ]
        );
        assert!(guarded(&count, true, &statement)[0].contains("FROM t) = 0,"));
    }

    #[test]
    fn foreign_key_types_compare_as_mysql_compares_the_ends_of_a_key() {
        let key = |t: &str| crate::types::mysql_foreign_key_type(&SqlType::Builtin(t.into()));
        // Integers: size and sign, not display width or spelling.
        assert_eq!(key("INT"), key("int(11)"));
        assert_eq!(key("INTEGER"), key("INT"));
        assert_eq!(key("BIGINT(20) UNSIGNED"), key("bigint unsigned"));
        assert_ne!(key("BIGINT"), key("BIGINT UNSIGNED"));
        assert_ne!(key("INT"), key("BIGINT"));
        // Strings: any length.
        assert_eq!(key("VARCHAR(10)"), key("varchar(200)"));
        assert_ne!(key("VARCHAR(10)"), key("CHAR(10)"));
        // Others as written.
        assert_ne!(key("DECIMAL(10,2)"), key("DECIMAL(12,2)"));
        assert_eq!(key("DECIMAL(10,2)"), key("decimal(10,2)"));
        assert_ne!(key("DATETIME"), key("DATETIME(6)"));
    }

    #[test]
    fn data_type_borrows_the_common_words_and_means_the_same() {
        let words = [
            "INT",
            "INTEGER",
            "BIGINT UNSIGNED",
            "SMALLINT",
            "TINYINT(1)",
            "BOOLEAN",
            "BOOL",
            "VARCHAR(255)",
            "CHAR(3)",
            "TEXT",
            "DECIMAL(10,2)",
            "NUMERIC(5)",
            "DEC",
            "FIXED",
            "DOUBLE",
            "REAL",
            "FLOAT",
            "DATE",
            "DATETIME(6)",
            "TIMESTAMP",
            "TIME(3)",
            "JSON",
            "SERIAL",
            "BLOB",
            "BINARY(16)",
            "MEDIUMTEXT",
            "VarChar(8)",
            "year",
            "geometry",
        ];
        let mut borrowed = 0;
        for w in words {
            for ty in [w.to_string(), w.to_ascii_lowercase()] {
                let sql_type = SqlType::Builtin(ty.as_str().into());
                let got = crate::types::mysql_data_type(&sql_type);
                assert_eq!(got.as_deref(), expected(&ty).as_deref(), "{ty}");
                borrowed += matches!(got, Some(Cow::Borrowed(_))) as usize;
            }
        }
        // Upper-case spellings of the common words are not copied.
        let upper = SqlType::Builtin("VARCHAR(64)".into());
        assert!(matches!(
            crate::types::mysql_data_type(&upper),
            Some(Cow::Borrowed("varchar"))
        ));
        assert!(borrowed > words.len());
    }
}
