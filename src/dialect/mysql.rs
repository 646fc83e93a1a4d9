//! MySQL 8.0. Every statement is safe to run twice without MariaDB's `IF [NOT] EXISTS`
//! extensions, which MySQL 8 rejects (`ADD COLUMN IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`,
//! `DROP … IF EXISTS` inside `ALTER TABLE`): a statement that must not run twice is built as a
//! string chosen by an `information_schema` query and run through `PREPARE`/`EXECUTE`, the
//! alternative being `DO 0`. `CREATE TABLE IF NOT EXISTS` and `DROP TABLE IF EXISTS` are MySQL's
//! own. Column changes restate the whole column (`MODIFY COLUMN`), which is re-runnable as is.

use super::Dialect;
use crate::model::*;
use crate::plan::{ColumnStates, Op, PartialColumn};
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

/// The `information_schema.columns.data_type` a type gets, where it is the same on every MySQL
/// 8 and MariaDB server (`None`: not compared, e.g. JSON, which MariaDB stores as LONGTEXT).
fn data_type(ty: &crate::types::SqlType) -> Option<Cow<'_, str>> {
    use crate::types::SqlType;
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
        .filter_map(|c| data_type(&c.ty).map(|d| (c.name.as_str(), d)))
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
        Op::DropPrimaryKey { table, .. } => guarded(
            &count_constraints(table, "PRIMARY KEY", None),
            false,
            &alter(table, "DROP PRIMARY KEY"),
        ),
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
            if let Some(d) = data_type(&column.ty) {
                out.extend(verify_columns(
                    table,
                    &[(column.name.as_str(), d)],
                    &format!("other type: {}.{}", table.name, column.name),
                ));
            }
            out
        }
        Op::AlterColumn { table, column, states, .. } => modify(table, column, states),
        Op::AddPrimaryKey { table, pk } => guarded(
            &count_constraints(table, "PRIMARY KEY", None),
            true,
            &alter(table, &format!("ADD PRIMARY KEY ({})", ident_list(&pk.columns))),
        ),
        Op::ReplacePrimaryKey { table, new, .. } => {
            // One statement, so an AUTO_INCREMENT column never stands without its key; chosen by
            // what the key is now: none (add), other columns (replace), the same (nothing).
            let key_now = format!(
                "SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR '`,`') AS k FROM information_schema.statistics WHERE table_schema = {} AND table_name = {} AND index_name = 'PRIMARY'",
                schema_expr(table),
                lit(&table.name)
            );
            let wanted = lit(&new.columns.join("`,`"));
            let cols = ident_list(&new.columns);
            prepared(format!(
                "SET {VAR} = (SELECT CASE WHEN k IS NULL THEN {} WHEN k <> {} THEN {} ELSE 'DO 0' END FROM ({}) AS current_key)",
                lit(&alter(table, &format!("ADD PRIMARY KEY ({})", cols))),
                wanted,
                lit(&alter(table, &format!("DROP PRIMARY KEY, ADD PRIMARY KEY ({})", cols))),
                key_now
            ))
        }
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
                let got = data_type(&sql_type);
                assert_eq!(got.as_deref(), expected(&ty).as_deref(), "{ty}");
                borrowed += matches!(got, Some(Cow::Borrowed(_))) as usize;
            }
        }
        // Upper-case spellings of the common words are not copied.
        let upper = SqlType::Builtin("VARCHAR(64)".into());
        assert!(matches!(data_type(&upper), Some(Cow::Borrowed("varchar"))));
        assert!(borrowed > words.len());
    }
}
