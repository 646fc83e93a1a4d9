//! SQLite: the steps its `ALTER TABLE` can take (rename a table or column, add a column within
//! its rules, drop a column nothing else names), indexes and tables with `IF [NOT] EXISTS`,
//! and the rebuild of SQLite's manual ("Making Other Kinds Of Table Schema Changes") for the
//! rest, inside the migration's own transaction with foreign keys off
//! ([`Op::SqliteForeignKeys`]).
//!
//! SQLite has no procedural blocks: a statement without `IF [NOT] EXISTS` that finds its work
//! done on a second run fails with SQLite's own message (`duplicate column name`, `no such
//! column`) before anything else changes, since every file runs in one transaction.

use crate::dialect::Dialect;
use crate::model::*;
use crate::plan::{Op, Rebuild};
use crate::types::SqlType;

use super::sql;

const D: Dialect = Dialect::Sqlite;

/// What the guard before the migration's transaction says when foreign keys are still on.
const STILL_ON: &str = "foreign keys are still enforced (PRAGMA foreign_keys = OFF has no effect inside a transaction, and none on Cloudflare D1): run this file outside a transaction; nothing was changed";

/// What the check before the commit says when a row references a missing key.
const VIOLATED: &str = "a foreign key does not hold (PRAGMA foreign_key_check lists the rows): the transaction is not committed; nothing was changed";

pub fn render(op: &Op) -> Vec<String> {
    match op {
        Op::RenameTable { from, to } => vec![sql(|s| {
            s.push_str("ALTER TABLE ");
            D.quote_ident(&from.name, s);
            s.push_str(" RENAME TO ");
            D.quote_ident(&to.name, s);
        })],
        Op::RenameColumn { table, from, to } => vec![sql(|s| {
            s.push_str("ALTER TABLE ");
            D.quote_ident(&table.name, s);
            s.push_str(" RENAME COLUMN ");
            D.quote_ident(from, s);
            s.push_str(" TO ");
            D.quote_ident(to, s);
        })],
        Op::CreateTable { table } => {
            let mut out = vec![sql(|s| create_table(table, &table.name.name, true, s))];
            for ix in &table.indexes {
                out.push(sql(|s| create_index(&table.name.name, ix, s)));
            }
            out
        }
        Op::DropTable { table } => vec![sql(|s| {
            s.push_str("DROP TABLE IF EXISTS ");
            D.quote_ident(&table.name.name, s);
        })],
        Op::AddColumn { table, column, .. } => vec![sql(|s| {
            s.push_str("ALTER TABLE ");
            D.quote_ident(&table.name, s);
            s.push_str(" ADD COLUMN ");
            column_def(column, false, s);
        })],
        Op::DropColumn { table, column } => vec![sql(|s| {
            s.push_str("ALTER TABLE ");
            D.quote_ident(&table.name, s);
            s.push_str(" DROP COLUMN ");
            D.quote_ident(&column.name, s);
        })],
        Op::CreateIndex { table, index, .. } => {
            vec![sql(|s| create_index(&table.name, index, s))]
        }
        Op::DropIndex { index, .. } => vec![sql(|s| {
            s.push_str("DROP INDEX IF EXISTS ");
            D.quote_ident(&index.name, s);
        })],
        Op::RebuildTable { rebuild } => rebuild_table(rebuild),
        Op::SqliteForeignKeys { on: false } => vec![
            "PRAGMA foreign_keys = OFF".to_string(),
            sql(|s| {
                s.push_str("SELECT CASE WHEN foreign_keys THEN json_extract('{}', ");
                D.quote_str(STILL_ON, s);
                s.push_str(") END FROM pragma_foreign_keys");
            }),
            "BEGIN".to_string(),
        ],
        Op::SqliteForeignKeys { on: true } => vec![
            sql(|s| {
                s.push_str(
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_foreign_key_check) THEN json_extract('{}', ",
                );
                D.quote_str(VIOLATED, s);
                s.push_str(") END");
            }),
            "COMMIT".to_string(),
            "PRAGMA foreign_keys = ON".to_string(),
        ],
        // Folded into rebuilds and tables by the plan (`plan::sqlite`), or never made for
        // SQLite (enum types: SQLite's enums are checks on their columns).
        Op::AlterColumn { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. }
        | Op::ReplacePrimaryKey { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::CreateEnum { .. }
        | Op::DropEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RemoveEnumValues { .. }
        | Op::SetAsideForeignKeys { .. } => Vec::new(),
    }
}

/// The rebuild: the new table under `new_<name>`, the rows copied, the old table dropped, the
/// new one renamed, its indexes made again. Foreign keys are off and the transaction open
/// ([`Op::SqliteForeignKeys`]), so the drop deletes nothing elsewhere and nothing is visible
/// before the commit.
fn rebuild_table(r: &Rebuild) -> Vec<String> {
    let name = &r.to.name.name;
    let new_name = format!("new_{}", name);
    let mut out = Vec::with_capacity(5 + r.to.indexes.len());
    // A column the rebuild adds gets its default, not its values: if the table has it already
    // (a second run), the rebuild would reset them. It stops there instead, having changed
    // nothing.
    let added: Vec<&Name> =
        r.to.columns
            .iter()
            .map(|c| &c.name)
            .filter(|n| !r.copied.iter().any(|(t, _)| t == *n))
            .collect();
    if !added.is_empty() {
        out.push(sql(|s| {
            s.push_str("SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_table_info(");
            D.quote_str(&r.from.name.name, s);
            s.push_str(") WHERE name IN (");
            for (i, n) in added.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                D.quote_str(n, s);
            }
            s.push_str(")) THEN json_extract('{}', ");
            let message = format!(
                "table {} has a column this migration adds already: it has run; nothing was changed",
                r.from.name.name
            );
            D.quote_str(&message, s);
            s.push_str(") END");
        }));
    }
    out.push(sql(|s| create_table(&r.to, &new_name, false, s)));
    if !r.copied.is_empty() {
        out.push(sql(|s| {
            s.push_str("INSERT INTO ");
            D.quote_ident(&new_name, s);
            s.push_str(" (");
            for (i, (to, _)) in r.copied.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                D.quote_ident(to, s);
            }
            s.push_str(") SELECT ");
            for (i, (_, from)) in r.copied.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                D.quote_ident(from, s);
            }
            s.push_str(" FROM ");
            D.quote_ident(&r.from.name.name, s);
        }));
    }
    // AUTOINCREMENT's high-water mark goes with the table, so no id is given out twice.
    if autoincrement(&r.to).is_some() && autoincrement(&r.from).is_some() {
        out.push(sql(|s| {
            s.push_str(
                "UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = ",
            );
            D.quote_str(&r.from.name.name, s);
            s.push_str(") WHERE name = ");
            D.quote_str(&new_name, s);
        }));
    }
    out.push(sql(|s| {
        s.push_str("DROP TABLE ");
        D.quote_ident(&r.from.name.name, s);
    }));
    out.push(sql(|s| {
        s.push_str("ALTER TABLE ");
        D.quote_ident(&new_name, s);
        s.push_str(" RENAME TO ");
        D.quote_ident(name, s);
    }));
    for ix in &r.to.indexes {
        out.push(sql(|s| create_index(name, ix, s)));
    }
    out
}

/// The column of `t` that is its primary key with AUTOINCREMENT (or identity).
fn autoincrement(t: &Table) -> Option<&Name> {
    let pk = t.primary_key.as_ref()?;
    let [col] = pk.columns.as_slice() else {
        return None;
    };
    let c = t.columns.iter().find(|c| c.name == *col)?;
    (c.auto_increment || c.identity.is_some()).then_some(col)
}

/// `CREATE TABLE` with every column, key, unique constraint, foreign key and check (indexes are
/// statements of their own).
fn create_table(t: &Table, name: &str, if_not_exists: bool, s: &mut String) {
    s.push_str("CREATE TABLE ");
    if if_not_exists {
        s.push_str("IF NOT EXISTS ");
    }
    D.quote_ident(name, s);
    s.push_str(" (");
    let auto = autoincrement(t);
    let mut first = true;
    let mut item = |s: &mut String| {
        s.push_str(if first { "\n    " } else { ",\n    " });
        first = false;
    };
    for c in &t.columns {
        item(s);
        column_def(c, auto == Some(&c.name), s);
    }
    if let (Some(pk), None) = (&t.primary_key, auto) {
        item(s);
        if let Some(n) = &pk.name {
            s.push_str("CONSTRAINT ");
            D.quote_ident(n, s);
            s.push(' ');
        }
        s.push_str("PRIMARY KEY ");
        column_list(&pk.columns, s);
    }
    for u in &t.uniques {
        item(s);
        s.push_str("CONSTRAINT ");
        D.quote_ident(&u.name, s);
        s.push_str(" UNIQUE ");
        column_list(&u.columns, s);
    }
    for fk in &t.foreign_keys {
        item(s);
        s.push_str("CONSTRAINT ");
        D.quote_ident(&fk.name, s);
        s.push_str(" FOREIGN KEY ");
        column_list(&fk.columns, s);
        s.push_str(" REFERENCES ");
        D.quote_ident(&fk.ref_table.name, s);
        s.push(' ');
        column_list(&fk.ref_columns, s);
        if let Some(a) = fk.on_delete {
            s.push_str(" ON DELETE ");
            s.push_str(a.sql());
        }
        if let Some(a) = fk.on_update {
            s.push_str(" ON UPDATE ");
            s.push_str(a.sql());
        }
    }
    for c in &t.checks {
        item(s);
        s.push_str("CONSTRAINT ");
        D.quote_ident(&c.name, s);
        s.push_str(" CHECK (");
        s.push_str(&c.expression);
        s.push(')');
    }
    s.push_str("\n)");
}

/// A column: its name, type, `PRIMARY KEY AUTOINCREMENT` when it is the table's
/// auto-increment key (`INTEGER`, as SQLite requires), `NOT NULL`, default, and an enum's check.
fn column_def(c: &Column, auto_key: bool, s: &mut String) {
    D.quote_ident(&c.name, s);
    s.push(' ');
    if auto_key {
        s.push_str("INTEGER PRIMARY KEY AUTOINCREMENT");
    } else {
        match &c.ty {
            SqlType::MySqlEnum(_) => s.push_str("TEXT"),
            t => t.render(D, s),
        }
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        default_value(d, s);
    }
    if let SqlType::MySqlEnum(values) = &c.ty {
        s.push_str(" CHECK (");
        D.quote_ident(&c.name, s);
        s.push_str(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            D.quote_str(v, s);
        }
        s.push_str("))");
    }
}

fn default_value(d: &DefaultValue, s: &mut String) {
    match d {
        DefaultValue::Null => s.push_str("NULL"),
        DefaultValue::Bool(b) => s.push_str(if *b { "1" } else { "0" }),
        DefaultValue::Number(n) => s.push_str(n),
        DefaultValue::Str(v) => D.quote_str(v, s),
        DefaultValue::Expr(e) => s.push_str(match e {
            KnownExpr::CurrentDate => "CURRENT_DATE",
            KnownExpr::CurrentTime(_) | KnownExpr::LocalTime(_) => "CURRENT_TIME",
            _ => "CURRENT_TIMESTAMP",
        }),
    }
}

fn create_index(table: &str, ix: &Index, s: &mut String) {
    s.push_str(if ix.unique {
        "CREATE UNIQUE INDEX IF NOT EXISTS "
    } else {
        "CREATE INDEX IF NOT EXISTS "
    });
    D.quote_ident(&ix.name, s);
    s.push_str(" ON ");
    D.quote_ident(table, s);
    s.push(' ');
    column_list(&ix.columns, s);
}

fn column_list(cols: &[Name], s: &mut String) {
    s.push('(');
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        D.quote_ident(c, s);
    }
    s.push(')');
}
