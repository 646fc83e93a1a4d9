//! MySQL 8.0. Every statement is safe to run twice without MariaDB's `IF [NOT] EXISTS`
//! extensions, which MySQL 8 rejects (`ADD COLUMN IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`,
//! `DROP … IF EXISTS` inside `ALTER TABLE`): a statement that must not run twice is built as a
//! string chosen by an `information_schema` query and run through `PREPARE`/`EXECUTE`, the
//! alternative being `DO 0`. `CREATE TABLE IF NOT EXISTS` and `DROP TABLE IF EXISTS` are MySQL's
//! own. Column changes restate the whole column (`MODIFY COLUMN`), which is re-runnable as is.

use crate::dialect::Dialect;
use crate::model::*;
use crate::plan::{Aside, AsideColumns, ColumnStates, Op, PartialColumn, Retyped};
use std::borrow::Cow;

const D: Dialect = Dialect::MySql;

/// Session variable and statement name used by guarded statements.
const VAR: &str = "@smartspec_sql";
const STMT: &str = "smartspec_stmt";

fn ident(name: &str) -> String {
    D.ident(name)
}

fn lit(value: &str) -> String {
    D.string(value)
}

pub fn qualified(name: &QualifiedName) -> String {
    let mut s = String::new();
    if let Some(schema) = &name.schema {
        D.quote_ident(schema, &mut s);
        s.push('.');
    }
    D.quote_ident(&name.name, &mut s);
    s
}

fn ident_list(names: &[Name]) -> String {
    let mut s = String::with_capacity(names.iter().map(|n| n.len() + 4).sum());
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        D.quote_ident(n, &mut s);
    }
    s
}

fn with_precision(name: &str, p: Option<u8>) -> String {
    match p {
        Some(p) => format!("{}({})", name, p),
        None => name.to_string(),
    }
}

/// MySQL 8 accepts `CURRENT_TIMESTAMP` bare as a default; every other expression default must be
/// written in parentheses (8.0.13 and later).
fn default_sql_into(d: &DefaultValue, out: &mut String) {
    match d {
        DefaultValue::Null => out.push_str("NULL"),
        DefaultValue::Bool(true) => out.push_str("TRUE"),
        DefaultValue::Bool(false) => out.push_str("FALSE"),
        DefaultValue::Number(n) => out.push_str(n),
        DefaultValue::Str(s) => D.quote_str(s, out),
        DefaultValue::Expr(KnownExpr::Now) => out.push_str("CURRENT_TIMESTAMP"),
        DefaultValue::Expr(e) => out.push_str(&default_expr(e)),
    }
}

fn default_expr(e: &KnownExpr) -> String {
    match e {
        KnownExpr::Now => "CURRENT_TIMESTAMP".to_string(),
        KnownExpr::CurrentTimestamp(p) => with_precision("CURRENT_TIMESTAMP", *p),
        KnownExpr::LocalTimestamp(p) => with_precision("LOCALTIMESTAMP", *p),
        KnownExpr::CurrentDate => "(CURRENT_DATE)".to_string(),
        KnownExpr::CurrentTime(p) => format!("({})", with_precision("CURRENT_TIME", *p)),
        KnownExpr::LocalTime(p) => format!("({})", with_precision("LOCALTIME", *p)),
        KnownExpr::Uuid => "(uuid())".to_string(),
        // Refused for MySQL when the report is read.
        KnownExpr::GenRandomUuid => "(uuid())".to_string(),
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

fn column_def_into(c: &Column, out: &mut String) {
    column_parts_into(
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

fn column_def_parts(name: &str, c: &PartialColumn) -> String {
    let mut s = String::new();
    column_parts_into(
        name,
        &ColumnParts {
            ty: c.ty.as_ref(),
            nullable: c.nullable,
            default: c.default.as_ref().map(Option::as_ref),
            auto: c.auto_increment || c.identity.is_some(),
            comment: c.comment.as_deref(),
        },
        &mut s,
    );
    s
}

/// `` `name` TYPE NOT NULL|NULL [DEFAULT …] [AUTO_INCREMENT] [COMMENT '…'] ``, appended to `out`.
fn column_parts_into(name: &str, c: &ColumnParts, out: &mut String) {
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
        default_sql_into(d, out);
    }
    if c.auto {
        out.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = c.comment {
        out.push_str(" COMMENT ");
        D.quote_str(comment, out);
    }
}

fn schema_expr(table: &QualifiedName) -> String {
    let mut s = String::new();
    schema_expr_into(table, &mut s);
    s
}

/// The schema `table` is in, as an expression: its name, or the current database.
fn schema_expr_into(table: &QualifiedName, out: &mut String) {
    match &table.schema {
        Some(s) => D.quote_str(s, out),
        None => out.push_str("DATABASE()"),
    }
}

/// Runs `statement` only when `count_query` (a `SELECT COUNT(*) …`) returns `want` (0 or 1 and
/// more). Four statements: choose, prepare, execute, deallocate.
fn guarded(count_query: &str, want_none: bool, statement: &str) -> Vec<String> {
    let cmp = if want_none { ") = 0" } else { ") > 0" };
    let mut choose = String::with_capacity(count_query.len() + statement.len() + 48);
    choose.push_str("SET ");
    choose.push_str(VAR);
    choose.push_str(" = IF((");
    choose.push_str(count_query);
    choose.push_str(cmp);
    choose.push_str(",\n    ");
    D.quote_str(statement, &mut choose);
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
fn exactly(column: &str, name: &str) -> String {
    format!("CAST({} AS BINARY) = CAST({} AS BINARY)", column, lit(name))
}

fn count_columns(table: &QualifiedName, column: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = {} AND table_name = {} AND column_name = {}",
        schema_expr(table),
        lit(&table.name),
        lit(column)
    )
}

fn count_indexes(table: &QualifiedName, name: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = {} AND table_name = {} AND index_name = {}",
        schema_expr(table),
        lit(&table.name),
        lit(name)
    )
}

/// Counts the index `name` on `table`; when this plan re-creates it under the same name, only
/// while it is not yet that index (its columns in order and its uniqueness), so a second run
/// leaves the new one alone.
fn index_differs(
    table: &QualifiedName,
    name: &str,
    replaced_by: Option<&crate::plan::Replacement>,
) -> String {
    let Some(r) = replaced_by else {
        return count_indexes(table, name);
    };
    format!(
        "SELECT COUNT(*) FROM (SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR '`,`') AS k, MAX(non_unique) AS nu FROM information_schema.statistics WHERE table_schema = {} AND table_name = {} AND index_name = {}) AS current_index WHERE k IS NOT NULL AND (k <> {} OR nu <> {})",
        schema_expr(table),
        lit(&table.name),
        lit(name),
        lit(&r.columns.join("`,`")),
        if r.unique { 0 } else { 1 }
    )
}

fn count_constraints(table: &QualifiedName, kind: &str, name: Option<&str>) -> String {
    let mut s = format!(
        "SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = {} AND table_name = {} AND constraint_type = {}",
        schema_expr(table),
        lit(&table.name),
        lit(kind)
    );
    if let Some(n) = name {
        s.push_str(&format!(" AND constraint_name = {}", lit(n)));
    }
    s
}

fn alter(table: &QualifiedName, rest: &str) -> String {
    format!("ALTER TABLE {} {}", qualified(table), rest)
}

fn fk_body(fk: &ForeignKey) -> String {
    let mut s = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        ident_list(&fk.columns),
        qualified(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    if let Some(a) = fk.on_delete {
        s.push_str(" ON DELETE ");
        s.push_str(a.sql());
    }
    if let Some(a) = fk.on_update {
        s.push_str(" ON UPDATE ");
        s.push_str(a.sql());
    }
    s
}

/// Chooses `DO 0` when `table` has every one of `columns` with its data type, and otherwise a
/// statement that fails naming the problem: MySQL has no `SIGNAL` in prepared statements, so the
/// failing statement selects a column whose name is the message (MySQL's manual suggests this
/// for routines), and the server answers `Unknown column '<message>'`.
fn verify_columns(
    table: &QualifiedName,
    columns: &[(&str, Cow<'_, str>)],
    problem: &str,
) -> Vec<String> {
    let message: String = format!("smartspec: {}", problem).chars().take(64).collect();
    let fail = format!("SELECT {} FROM DUAL", ident(&message));
    let pairs_len: usize = columns.iter().map(|(c, t)| c.len() + t.len() + 10).sum();
    let mut s = String::with_capacity(pairs_len + table.name.len() + 2 * fail.len() + 200);
    s.push_str("SET ");
    s.push_str(VAR);
    s.push_str(" = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = ");
    schema_expr_into(table, &mut s);
    s.push_str(" AND table_name = ");
    D.quote_str(&table.name, &mut s);
    s.push_str(" AND (column_name, data_type) IN (");
    for (i, (c, t)) in columns.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('(');
        D.quote_str(c, &mut s);
        s.push_str(", ");
        D.quote_str(t, &mut s);
        s.push(')');
    }
    s.push_str(")) = ");
    s.push_str(&columns.len().to_string());
    s.push_str(",\n    'DO 0',\n    ");
    D.quote_str(&fail, &mut s);
    s.push(')');
    prepared(s)
}

fn create_table(t: &Table) -> Vec<String> {
    let mut s = String::with_capacity(64 + t.name.name.len() + 48 * t.columns.len());
    s.push_str("CREATE TABLE IF NOT EXISTS ");
    s.push_str(&qualified(&t.name));
    s.push_str(" (");
    let mut lines = 0;
    let mut line = |s: &mut String| {
        s.push_str(if lines == 0 { "\n    " } else { ",\n    " });
        lines += 1;
    };
    for c in &t.columns {
        line(&mut s);
        column_def_into(c, &mut s);
    }
    if let Some(pk) = &t.primary_key {
        line(&mut s);
        s.push_str("PRIMARY KEY (");
        s.push_str(&ident_list(&pk.columns));
        s.push(')');
    }
    for u in &t.uniques {
        line(&mut s);
        s.push_str("CONSTRAINT ");
        D.quote_ident(&u.name, &mut s);
        s.push_str(" UNIQUE (");
        s.push_str(&ident_list(&u.columns));
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
        s.push_str(&lit(comment));
    }
    let mut out = vec![s];
    let typed: Vec<(&str, Cow<'_, str>)> = t
        .columns
        .iter()
        .filter_map(|c| crate::types::mysql_data_type(&c.ty).map(|d| (c.name.as_str(), d)))
        .collect();
    if !typed.is_empty() {
        out.extend(verify_columns(
            &t.name,
            &typed,
            &format!("table differs: {}", t.name.name),
        ));
    }
    // A table made again by an undo brings its indexes (a missing table's are steps of their own).
    for index in &t.indexes {
        out.extend(render(&Op::CreateIndex {
            table: t.name.clone(),
            index: index.clone().into(),
            concurrently: false,
        }));
    }
    out
}

fn modify(table: &QualifiedName, column: &str, s: &ColumnStates) -> Vec<String> {
    vec![alter(
        table,
        &format!("MODIFY COLUMN {}", column_def_parts(column, &s.to)),
    )]
}

/// Adds the primary key `new` to `table` in one statement with `changes` (`MODIFY COLUMN …, `,
/// or nothing), chosen by what the key is now: none (add), other columns (replace), the same
/// (only `changes`, or `DO 0` without them).
fn with_primary_key(table: &QualifiedName, changes: &str, new: &PrimaryKey) -> Vec<String> {
    let key_now = format!(
        "SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR '`,`') AS k FROM information_schema.statistics WHERE table_schema = {} AND table_name = {} AND index_name = 'PRIMARY'",
        schema_expr(table),
        lit(&table.name)
    );
    let wanted = lit(&new.columns.join("`,`"));
    let cols = ident_list(&new.columns);
    let same = match changes.strip_suffix(", ") {
        Some(changes) => lit(&alter(table, changes)),
        None => "'DO 0'".to_string(),
    };
    prepared(format!(
        "SET {VAR} = (SELECT CASE WHEN k IS NULL THEN {} WHEN k <> {} THEN {} ELSE {} END FROM ({}) AS current_key)",
        lit(&alter(table, &format!("{changes}ADD PRIMARY KEY ({})", cols))),
        wanted,
        lit(&alter(table, &format!("{changes}DROP PRIMARY KEY, ADD PRIMARY KEY ({})", cols))),
        same,
        key_now
    ))
}

/// The table that holds the definitions of the foreign keys set aside while their columns change
/// type (in the connection's database), between the statement that drops them and the one that
/// adds them back.
const SAVED: &str = "`smartspec_saved_foreign_keys`";

/// `name` (an expression) quoted as an identifier at run time.
fn quoted_at_run_time(name: &str) -> String {
    format!("CONCAT('`', REPLACE({name}, '`', '``'), '`')")
}

/// `(schema, table, column)` rows for `IN`.
fn column_rows(columns: &[&Retyped]) -> String {
    let mut s = String::new();
    for (i, r) in columns.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('(');
        schema_expr_into(&r.table, &mut s);
        s.push_str(", ");
        D.quote_str(&r.table.name, &mut s);
        s.push_str(", ");
        D.quote_str(&r.column, &mut s);
        s.push(')');
    }
    s
}

/// Whether the column on one end of key column `k` (`prefix`: `` or `referenced_`) is one of
/// `columns`. Written as a row `IN` list: MariaDB's `information_schema` scan misreads name
/// comparisons nested in a `CASE`, and finds no row.
fn column_in(prefix: &str, columns: &[&Retyped]) -> String {
    format!(
        "(k.{prefix}table_schema, k.{prefix}table_name, k.{prefix}column_name) IN ({})",
        column_rows(columns)
    )
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
    let now: Vec<&Retyped> = c.retyped.iter().collect();
    let group_concat =
        "SET SESSION group_concat_max_len = GREATEST(@@SESSION.group_concat_max_len, 1048576)"
            .to_string();
    let schemas = {
        let mut s: Vec<String> = Vec::new();
        for r in c.retyped.iter().chain(&c.before_renames) {
            let e = schema_expr(&r.table);
            if !s.contains(&e) {
                s.push(e);
            }
        }
        s.join(", ")
    };
    match stage {
        Aside::Check => {
            // Both spellings of a renamed column: the check runs before the renames, and again
            // in a re-run after them.
            let all: Vec<&Retyped> = c.retyped.iter().chain(&c.before_renames).collect();
            let mut filter = format!(
                "k.referenced_table_name IS NOT NULL AND (k.table_schema IN ({schemas}) OR k.referenced_table_schema IN ({schemas}))"
            );
            if !c.dropped.is_empty() {
                filter.push_str(" AND (k.table_schema, k.table_name, k.constraint_name) NOT IN (");
                for (i, (table, name)) in c.dropped.iter().enumerate() {
                    if i > 0 {
                        filter.push_str(", ");
                    }
                    filter.push('(');
                    schema_expr_into(table, &mut filter);
                    filter.push_str(", ");
                    D.quote_str(&table.name, &mut filter);
                    filter.push_str(", ");
                    D.quote_str(name, &mut filter);
                    filter.push(')');
                }
                filter.push(')');
            }
            // A key column pair is fine when neither end changes, or both get the same type.
            let changed = format!(
                "({} OR {})",
                column_in("", &all),
                column_in("referenced_", &all)
            );
            let mut types: Vec<&str> = Vec::new();
            for r in &all {
                if !types.contains(&r.to.as_str()) {
                    types.push(&r.to);
                }
            }
            let same_type = types
                .iter()
                .map(|t| {
                    let of_type: Vec<&Retyped> =
                        all.iter().copied().filter(|r| r.to == *t).collect();
                    format!(
                        "({} AND {})",
                        column_in("", &of_type),
                        column_in("referenced_", &of_type)
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            let message =
                "CONCAT('smartspec: fk types differ: ', k.table_name, '.', k.constraint_name)";
            prepared(format!(
                "SET {VAR} = (SELECT COALESCE(MIN(CONCAT('SELECT ', {}, ' FROM DUAL')), 'DO 0') FROM information_schema.key_column_usage k WHERE {filter} AND {changed} AND NOT ({same_type}))",
                quoted_at_run_time(&format!("RTRIM(LEFT({message}, 64))")),
            ))
        }
        Aside::Detach => {
            let mut out = vec![
                format!(
                    "CREATE TABLE IF NOT EXISTS {SAVED} (\n    table_schema VARBINARY(256) NOT NULL,\n    table_name VARBINARY(256) NOT NULL,\n    constraint_name VARBINARY(256) NOT NULL,\n    definition TEXT CHARACTER SET utf8mb4 NOT NULL,\n    PRIMARY KEY (table_schema, table_name, constraint_name)\n) COMMENT = 'foreign keys set aside by a migration while their columns change type, until it adds them back'"
                ),
                group_concat.clone(),
            ];
            let rows = column_rows(&now);
            out.push(format!(
                "INSERT IGNORE INTO {SAVED} (table_schema, table_name, constraint_name, definition) SELECT k.table_schema, k.table_name, k.constraint_name, CONCAT('CONSTRAINT ', {name}, ' FOREIGN KEY (', GROUP_CONCAT({column} ORDER BY k.ordinal_position SEPARATOR ', '), ') REFERENCES ', IF(k.referenced_table_schema = k.table_schema, '', CONCAT({ref_schema}, '.')), {ref_table}, ' (', GROUP_CONCAT({ref_column} ORDER BY k.ordinal_position SEPARATOR ', '), ') ON DELETE ', r.delete_rule, ' ON UPDATE ', r.update_rule) FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema AND r.table_name = k.table_name AND r.constraint_name = k.constraint_name WHERE k.referenced_table_name IS NOT NULL AND (k.constraint_schema, k.table_name, k.constraint_name) IN (SELECT constraint_schema, table_name, constraint_name FROM information_schema.key_column_usage WHERE referenced_table_name IS NOT NULL AND ((table_schema, table_name, column_name) IN ({rows}) OR (referenced_table_schema, referenced_table_name, referenced_column_name) IN ({rows}))) GROUP BY k.table_schema, k.table_name, k.constraint_name, k.referenced_table_schema, k.referenced_table_name, r.delete_rule, r.update_rule",
                name = quoted_at_run_time("k.constraint_name"),
                column = quoted_at_run_time("k.column_name"),
                ref_schema = quoted_at_run_time("k.referenced_table_schema"),
                ref_table = quoted_at_run_time("k.referenced_table_name"),
                ref_column = quoted_at_run_time("k.referenced_column_name"),
            ));
            for table in &c.tables {
                out.extend(prepared(format!(
                    "SET {VAR} = (SELECT COALESCE(CONCAT({}, GROUP_CONCAT(CONCAT('DROP FOREIGN KEY ', {}) ORDER BY c.constraint_name SEPARATOR ', ')), 'DO 0') FROM information_schema.table_constraints c JOIN {SAVED} s ON s.table_schema = c.table_schema AND s.table_name = c.table_name AND s.constraint_name = c.constraint_name WHERE c.constraint_type = 'FOREIGN KEY' AND c.table_schema = {} AND c.table_name = {})",
                    lit(&alter(table, "")),
                    quoted_at_run_time("c.constraint_name"),
                    schema_expr(table),
                    lit(&table.name),
                )));
            }
            out
        }
        Aside::Restore => {
            let present = "SELECT 1 FROM information_schema.table_constraints c WHERE c.constraint_type = 'FOREIGN KEY' AND c.table_schema = s.table_schema AND c.table_name = s.table_name AND c.constraint_name = s.constraint_name";
            let mut out = vec![group_concat];
            for table in &c.tables {
                out.extend(prepared(format!(
                    "SET {VAR} = (SELECT COALESCE(CONCAT({}, GROUP_CONCAT(CONCAT('ADD ', s.definition) ORDER BY s.constraint_name SEPARATOR ', ')), 'DO 0') FROM {SAVED} s WHERE s.table_schema = {} AND s.table_name = {} AND NOT EXISTS ({present}))",
                    lit(&alter(table, "")),
                    schema_expr(table),
                    lit(&table.name),
                )));
            }
            out.push(format!("DELETE s FROM {SAVED} s WHERE EXISTS ({present})"));
            out.extend(prepared(format!(
                "SET {VAR} = IF((SELECT COUNT(*) FROM {SAVED}) = 0,\n    {},\n    'DO 0')",
                lit(&format!("DROP TABLE {SAVED}"))
            )));
            out
        }
    }
}

pub fn render(op: &Op) -> Vec<String> {
    match op {
        Op::RenameTable { from, to } => guarded(
            &format!(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {} AND {} AND NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = {} AND {})",
                schema_expr(from),
                exactly("table_name", &from.name),
                schema_expr(to),
                exactly("table_name", &to.name)
            ),
            false,
            &format!("RENAME TABLE {} TO {}", qualified(from), qualified(to)),
        ),
        Op::RenameColumn { table, from, to } => guarded(
            &format!(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = {s} AND table_name = {t} AND {from} AND NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = {s} AND table_name = {t} AND {to})",
                s = schema_expr(table),
                t = lit(&table.name),
                from = exactly("column_name", from),
                to = exactly("column_name", to)
            ),
            false,
            &alter(table, &format!("RENAME COLUMN {} TO {}", ident(from), ident(to))),
        ),
        Op::DropForeignKey { table, fk } => guarded(
            &count_constraints(table, "FOREIGN KEY", Some(&fk.name)),
            false,
            &alter(table, &format!("DROP FOREIGN KEY {}", ident(&fk.name))),
        ),
        Op::DropUnique { table, unique, replaced_by } => guarded(
            &index_differs(table, &unique.name, replaced_by.as_ref()),
            false,
            &alter(table, &format!("DROP INDEX {}", ident(&unique.name))),
        ),
        Op::DropIndex { table, index, replaced_by } => guarded(
            &index_differs(table, &index.name, replaced_by.as_ref()),
            false,
            &alter(table, &format!("DROP INDEX {}", ident(&index.name))),
        ),
        Op::DropCheck { table, check } => guarded(
            &count_constraints(table, "CHECK", Some(&check.name)),
            false,
            &alter(table, &format!("DROP CONSTRAINT {}", ident(&check.name))),
        ),
        Op::DropPrimaryKey { table, auto_off, .. } => {
            // AUTO_INCREMENT comes off the key's columns in the same statement: an
            // AUTO_INCREMENT column must be a key.
            let mut change = String::new();
            for (column, from) in auto_off {
                change.push_str("MODIFY COLUMN ");
                change.push_str(&column_def_parts(column, from));
                change.push_str(", ");
            }
            change.push_str("DROP PRIMARY KEY");
            guarded(
                &count_constraints(table, "PRIMARY KEY", None),
                false,
                &alter(table, &change),
            )
        }
        Op::DropColumn { table, column } => guarded(
            &count_columns(table, &column.name),
            false,
            &alter(table, &format!("DROP COLUMN {}", ident(&column.name))),
        ),
        Op::DropTable { table } => vec![format!("DROP TABLE IF EXISTS {}", qualified(&table.name))],
        // MySQL enums live on columns: these never reach the renderer.
        Op::CreateEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RemoveEnumValues { .. }
        | Op::DropEnum { .. } => Vec::new(),
        Op::CreateTable { table } => create_table(table),
        Op::AddColumn { table, column, with_primary_key } => {
            let mut change = String::with_capacity(64 + column.name.len());
            change.push_str("ADD COLUMN ");
            column_def_into(column, &mut change);
            if let Some((pk, replaces)) = with_primary_key {
                if *replaces {
                    change.push_str(", DROP PRIMARY KEY");
                }
                change.push_str(&format!(", ADD PRIMARY KEY ({})", ident_list(&pk.columns)));
            }
            let mut out = guarded(&count_columns(table, &column.name), true, &alter(table, &change));
            if let Some(d) = crate::types::mysql_data_type(&column.ty) {
                out.extend(verify_columns(
                    table,
                    &[(column.name.as_str(), d)],
                    &format!("other type: {}.{}", table.name, column.name),
                ));
            }
            out
        }
        Op::AlterColumn {
            table,
            column,
            states,
            with_key: Some(pk),
            ..
        } => with_primary_key(
            table,
            &format!("MODIFY COLUMN {}, ", column_def_parts(column, &states.to)),
            pk,
        ),
        Op::AlterColumn { table, column, states, .. } => modify(table, column, states),
        Op::AddPrimaryKey { table, pk } => guarded(
            &count_constraints(table, "PRIMARY KEY", None),
            true,
            &alter(table, &format!("ADD PRIMARY KEY ({})", ident_list(&pk.columns))),
        ),
        // One statement, so an AUTO_INCREMENT column never stands without its key.
        Op::ReplacePrimaryKey { table, new, .. } => with_primary_key(table, "", new),
        Op::AddUnique { table, unique } => guarded(
            &count_indexes(table, &unique.name),
            true,
            &alter(
                table,
                &format!(
                    "ADD CONSTRAINT {} UNIQUE ({})",
                    ident(&unique.name),
                    ident_list(&unique.columns)
                ),
            ),
        ),
        Op::AddCheck { table, check } => guarded(
            &count_constraints(table, "CHECK", Some(&check.name)),
            true,
            &alter(
                table,
                &format!("ADD CONSTRAINT {} CHECK ({})", ident(&check.name), check.expression),
            ),
        ),
        Op::CreateIndex { table, index, .. } => guarded(
            &count_indexes(table, &index.name),
            true,
            &format!(
                "CREATE {}INDEX {} ON {} ({})",
                if index.unique { "UNIQUE " } else { "" },
                ident(&index.name),
                qualified(table),
                ident_list(&index.columns)
            ),
        ),
        Op::SetAsideForeignKeys { stage, columns } => set_aside_foreign_keys(*stage, columns),
        Op::AddForeignKey { table, fk } => guarded(
            &count_constraints(table, "FOREIGN KEY", Some(&fk.name)),
            true,
            &alter(
                table,
                &format!("ADD CONSTRAINT {} {}", ident(&fk.name), fk_body(fk)),
            ),
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
