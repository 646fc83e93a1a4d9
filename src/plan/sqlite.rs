//! SQLite: the steps its `ALTER TABLE` cannot take folded into table rebuilds.
//!
//! SQLite's `ALTER TABLE` renames tables and columns, adds a column within its rules and drops
//! one that nothing else names; anything else (a column's type, nullability or default, a key,
//! a unique constraint, a check, a foreign key) needs the table rebuilt from its whole
//! definition, which the report gives in `actual_tables`. Every such step on a table becomes one
//! [`Op::RebuildTable`]; a plan with a rebuild or a dropped table turns foreign keys off around
//! its own transaction ([`Op::SqliteForeignKeys`]), so that no `DROP TABLE` deletes or nulls a
//! row of another table.

use std::rc::Rc;

use crate::error::{ErrorCode, Path, Result};
use crate::model::*;

use super::op::*;

/// Folds the plan's steps for SQLite: foreign keys into the tables created or dropped with them,
/// the steps SQLite cannot take in place into one rebuild per table, and the foreign-key guard
/// around them.
pub(super) fn fold(steps: &mut Vec<Step>, actual: &[Table]) -> Result<()> {
    fold_table_keys(steps);
    let mut rebuilt: Vec<Rc<str>> = Vec::new();
    for s in steps.iter() {
        if let Some(t) = needs_rebuild(&s.op, actual) {
            if !rebuilt.contains(&t.name) {
                rebuilt.push(t.name.clone());
            }
        }
    }
    for name in &rebuilt {
        rebuild(steps, name, actual)?;
    }
    let guarded = steps
        .iter()
        .position(|s| matches!(s.op, Op::RebuildTable { .. } | Op::DropTable { .. }));
    if let Some(i) = guarded {
        let (diff_id, diff_index) = (steps[i].diff_id.clone(), steps[i].diff_index);
        for on in [false, true] {
            let op = Op::SqliteForeignKeys { on };
            steps.push(Step {
                diff_id: diff_id.clone(),
                diff_index,
                phase: op.phase(),
                op,
                seq: 0,
                rewritten: false,
            });
        }
    }
    for (seq, s) in steps.iter_mut().enumerate() {
        s.seq = seq;
    }
    Ok(())
}

/// The foreign keys of a table created (or dropped) by the plan go into its `CREATE TABLE` (or
/// stay with the table dropped, for its undo): SQLite adds a foreign key only with its table.
fn fold_table_keys(steps: &mut Vec<Step>) {
    // The step of each table created or dropped, by name (and which of the two it is).
    let mut tables: crate::hash::Map<(Rc<str>, bool), usize> = crate::hash::Map::default();
    for (i, s) in steps.iter().enumerate() {
        match &s.op {
            Op::CreateTable { table } => tables.insert((table.name.name.clone(), true), i),
            Op::DropTable { table } => tables.insert((table.name.name.clone(), false), i),
            _ => None,
        };
    }
    if tables.is_empty() {
        return;
    }
    let mut moved = vec![false; steps.len()];
    let mut keys: Vec<(usize, Rc<ForeignKey>)> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let (table, fk, created) = match &s.op {
            Op::AddForeignKey { table, fk } => (table, fk, true),
            Op::DropForeignKey { table, fk } => (table, fk, false),
            _ => continue,
        };
        if let Some(&j) = tables.get(&(table.name.clone(), created)) {
            keys.push((j, fk.clone()));
            moved[i] = true;
        }
    }
    for (j, fk) in keys {
        if let Op::CreateTable { table } | Op::DropTable { table } = &mut steps[j].op {
            Rc::make_mut(table).foreign_keys.push((*fk).clone());
        }
    }
    let mut i = 0;
    steps.retain(|_| {
        i += 1;
        !moved[i - 1]
    });
}

/// The table whose rebuild `op` needs, if any.
fn needs_rebuild<'o>(op: &'o Op, actual: &[Table]) -> Option<&'o QualifiedName> {
    match op {
        Op::AlterColumn { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::ReplacePrimaryKey { table, .. }
        | Op::AddUnique { table, .. }
        | Op::DropUnique { table, .. }
        | Op::AddCheck { table, .. }
        | Op::DropCheck { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::DropForeignKey { table, .. } => Some(table),
        Op::AddColumn { table, column, .. } if !plain_add(column) => Some(table),
        Op::DropColumn { table, column } => {
            let t = actual.iter().find(|t| t.name.name == table.name)?;
            (!plain_drop(t, &column.name)).then_some(table)
        }
        _ => None,
    }
}

/// Whether `ALTER TABLE … ADD COLUMN` can add `c`: not a key, no identity, nullable or with a
/// non-null default, and a constant default (not `CURRENT_…`, nor an expression in
/// parentheses).
pub(crate) fn plain_add(c: &Column) -> bool {
    if c.identity.is_some() || c.auto_increment {
        return false;
    }
    match &c.default {
        None | Some(DefaultValue::Null) => c.nullable,
        Some(DefaultValue::Expr(_)) => false,
        Some(DefaultValue::Str(s)) => !crate::Dialect::Sqlite.string(s).starts_with('('),
        Some(DefaultValue::Bool(_) | DefaultValue::Number(_)) => true,
    }
}

/// Whether `ALTER TABLE … DROP COLUMN` can drop `column` of `t` (SQLite 3.35): not in the
/// primary key, a unique constraint, a foreign key or a check. (Indexes on it are dropped by
/// their own steps first.)
fn plain_drop(t: &Table, column: &Name) -> bool {
    let in_list = |cols: &[Name]| cols.contains(column);
    !(t.primary_key
        .as_ref()
        .is_some_and(|pk| in_list(&pk.columns))
        || t.uniques.iter().any(|u| in_list(&u.columns))
        || t.foreign_keys.iter().any(|f| in_list(&f.columns))
        || t.checks
            .iter()
            .any(|c| c.expression.contains(column.as_str()))
        || t.columns
            .iter()
            .any(|c| c.name == *column && matches!(c.ty, crate::types::SqlType::MySqlEnum(_))))
}

/// Replaces the steps on table `name` that SQLite cannot take in place (and its added and
/// dropped columns) by one rebuild, where the first of them was.
fn rebuild(steps: &mut Vec<Step>, name: &Rc<str>, actual: &[Table]) -> Result<()> {
    let on_table = |s: &Step| s.op.table().is_some_and(|t| t.name == *name);
    let folded = |s: &Step| {
        on_table(s)
            && matches!(
                s.op,
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
                    | Op::AddColumn { .. }
                    | Op::DropColumn { .. }
            )
    };
    let first = steps
        .iter()
        .position(folded)
        .expect("a rebuilt table has a step");
    let (diff_id, diff_index) = (steps[first].diff_id.clone(), steps[first].diff_index);

    // The table as it is once the plan's renames have run.
    let mut old_name = name.clone();
    for s in steps.iter() {
        if let Op::RenameTable { from, to } = &s.op {
            if to.name == *name {
                old_name = from.name.clone();
            }
        }
    }
    let Some(found) = actual.iter().find(|t| t.name.name == old_name) else {
        return Err(Path::Root
            .key("actual_tables")
            .err(
                ErrorCode::MissingField,
                format!(
                    "SQLite cannot make this change to table {:?} with ALTER TABLE: the table is \
                     rebuilt, which needs its whole current definition; add the table (columns, \
                     primary_key, foreign_keys, unique_constraints, indexes, checks) to the \
                     report's actual_tables",
                    &*old_name
                ),
            )
            .in_diff(&diff_id));
    };
    let mut from = found.clone();
    from.name.name = name.clone();
    for s in steps.iter() {
        match &s.op {
            Op::RenameColumn {
                table,
                from: a,
                to: b,
            } if table.name == *name => rename_column(&mut from, a, b),
            Op::RenameTable { from: a, to: b } => {
                for fk in &mut from.foreign_keys {
                    if fk.ref_table.name == a.name {
                        fk.ref_table.name = b.name.clone();
                    }
                }
            }
            _ => {}
        }
    }
    // Indexes dropped by the plan are gone before the rebuild.
    from.indexes.retain(|ix| {
        !steps.iter().any(|s| {
            matches!(&s.op, Op::DropIndex { table, index, .. }
                if table.name == *name && index.name == ix.name)
        })
    });

    let mut ops: Vec<&Step> = steps.iter().filter(|s| folded(s)).collect();
    ops.sort_by_key(|s| s.op.phase());
    let mut to = from.clone();
    let mut added: Vec<Name> = Vec::new();
    for s in &ops {
        apply(&mut to, &s.op, &mut added);
    }
    let copied: Vec<(Name, Name)> = to
        .columns
        .iter()
        .filter(|c| !added.contains(&c.name) && from.columns.iter().any(|f| f.name == c.name))
        .map(|c| (c.name.clone(), c.name.clone()))
        .collect();
    let dropped = from
        .columns
        .iter()
        .filter(|c| !copied.iter().any(|(_, f)| *f == c.name))
        .map(|c| c.name.clone())
        .collect();
    let op = Op::RebuildTable {
        rebuild: Rc::new(Rebuild {
            from: Rc::new(from),
            to: Rc::new(to),
            copied,
            dropped,
        }),
    };
    let step = Step {
        diff_id,
        diff_index,
        phase: op.phase(),
        op,
        seq: 0,
        rewritten: false,
    };
    steps.retain(|s| !folded(s));
    steps.insert(first.min(steps.len()), step);
    Ok(())
}

fn rename_column(t: &mut Table, from: &Name, to: &Name) {
    let swap = |cols: &mut Vec<Name>| {
        for c in cols.iter_mut() {
            if c == from {
                *c = to.clone();
            }
        }
    };
    for c in &mut t.columns {
        if c.name == *from {
            c.name = to.clone();
        }
    }
    if let Some(pk) = &mut t.primary_key {
        swap(&mut pk.columns);
    }
    for u in &mut t.uniques {
        swap(&mut u.columns);
    }
    for ix in &mut t.indexes {
        swap(&mut ix.columns);
    }
    for fk in &mut t.foreign_keys {
        swap(&mut fk.columns);
    }
}

/// The table `t` once `op` has run on it.
fn apply(t: &mut Table, op: &Op, added: &mut Vec<Name>) {
    match op {
        Op::AlterColumn { column, states, .. } => {
            if let Some(c) = t.columns.iter_mut().find(|c| c.name == *column) {
                let to = &states.to;
                if let Some(ty) = &to.ty {
                    c.ty = ty.clone();
                }
                if let Some(n) = to.nullable {
                    c.nullable = n;
                }
                if let Some(d) = &to.default {
                    c.default = d.clone();
                }
                c.identity = to.identity;
                c.auto_increment = to.auto_increment;
            }
        }
        Op::AddColumn { column, .. } => {
            t.columns.retain(|c| c.name != column.name);
            t.columns.push((**column).clone());
            added.push(column.name.clone());
        }
        Op::DropColumn { column, .. } => {
            t.columns.retain(|c| c.name != column.name);
            t.indexes.retain(|ix| !ix.columns.contains(&column.name));
        }
        Op::AddPrimaryKey { pk, .. } => t.primary_key = Some(pk.clone()),
        Op::ReplacePrimaryKey { new, .. } => t.primary_key = Some(new.clone()),
        Op::DropPrimaryKey { .. } => t.primary_key = None,
        Op::AddUnique { unique, .. } => t.uniques.push(unique.clone()),
        Op::DropUnique { unique, .. } => {
            let by_name = t.uniques.iter().any(|u| u.name == unique.name);
            t.uniques.retain(|u| {
                if by_name {
                    u.name != unique.name
                } else {
                    u.columns != unique.columns
                }
            });
        }
        Op::AddCheck { check, .. } => t.checks.push(check.clone()),
        Op::DropCheck { check, .. } => {
            let by_name = t.checks.iter().any(|c| c.name == check.name);
            t.checks.retain(|c| {
                if by_name {
                    c.name != check.name
                } else {
                    c.expression != check.expression
                }
            });
        }
        Op::AddForeignKey { fk, .. } => t.foreign_keys.push((**fk).clone()),
        Op::DropForeignKey { fk, .. } => {
            let by_name = t.foreign_keys.iter().any(|f| f.name == fk.name);
            t.foreign_keys.retain(|f| {
                if by_name {
                    f.name != fk.name
                } else {
                    !(f.columns == fk.columns
                        && f.ref_table.name == fk.ref_table.name
                        && f.ref_columns == fk.ref_columns)
                }
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::{generate_json, Options};

    fn report(diffs: &str, actual: &str) -> String {
        format!(
            r#"{{"workflow":"smartspec_data_model_validator","report_format":"smartspec.dmv.summary/1",
            "run_id":"t","timestamps":{{"finished_at":"2024-01-01T00:00:00Z"}},"scope":{{"dialect":"sqlite"}},
            "diffs":[{diffs}],"actual_tables":[{actual}]}}"#
        )
    }

    fn sql(diffs: &str, actual: &str) -> Vec<(String, String)> {
        let options = Options {
            migration_tool: Some("raw-sql".into()),
            allow_destructive: true,
            ..Options::default()
        };
        let out = generate_json(&report(diffs, actual), &options).expect("generates");
        out.statements
            .iter()
            .map(|s| (s.operation.to_string(), s.sql.clone()))
            .collect()
    }

    const USERS: &str = r#"{"name":"users","columns":[
        {"name":"id","type":"integer","nullable":true,"auto_increment":true},
        {"name":"email","type":"text","nullable":true},
        {"name":"nick","type":"text","nullable":true}],
        "primary_key":{"columns":["id"]},
        "indexes":[{"name":"users_email","columns":["email"],"unique":false}]}"#;

    #[test]
    fn several_diffs_on_one_table_make_one_rebuild_inside_the_foreign_key_steps() {
        let s = sql(
            r#"{"id":"D1","kind":"nullability_mismatch","object":{"table":"users","column":"email"},
                "expected":{"nullable":false},"actual":{"nullable":true}},
               {"id":"D2","kind":"missing_unique","object":{"table":"users"},
                "expected":{"name":"users_email_key","columns":["email"]}},
               {"id":"D3","kind":"extra_column","object":{"table":"users","column":"nick"},
                "actual":{"name":"nick","type":"text","nullable":true}}"#,
            USERS,
        );
        let ops: Vec<&str> = s.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(
            ops,
            ["foreign_keys_off", "rebuild_table", "foreign_keys_on"]
        );
        let rebuild = &s[1].1;
        assert!(rebuild.starts_with("CREATE TABLE \"new_users\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n    \"email\" TEXT NOT NULL,\n    CONSTRAINT \"users_email_key\" UNIQUE (\"email\")\n);"), "{rebuild}");
        assert!(rebuild.contains(
            "INSERT INTO \"new_users\" (\"id\", \"email\") SELECT \"id\", \"email\" FROM \"users\";"
        ));
        assert!(rebuild
            .contains("DROP TABLE \"users\";\nALTER TABLE \"new_users\" RENAME TO \"users\";"));
        assert!(rebuild
            .ends_with("CREATE INDEX IF NOT EXISTS \"users_email\" ON \"users\" (\"email\");"));
        assert!(s[0].1.starts_with("PRAGMA foreign_keys = OFF;\n"));
        assert!(s[0].1.ends_with("\nBEGIN;"));
        assert!(s[2].1.ends_with("COMMIT;\nPRAGMA foreign_keys = ON;"));
    }

    #[test]
    fn plain_alters_stay_plain() {
        let s = sql(
            r#"{"id":"D1","kind":"missing_column","object":{"table":"users","column":"age"},
                "expected":{"name":"age","type":"integer","nullable":false,"default":{"kind":"literal","value":0}}},
               {"id":"D2","kind":"extra_index","object":{"table":"users","index":"users_email"},
                "actual":{"name":"users_email","columns":["email"]}},
               {"id":"D3","kind":"extra_column","object":{"table":"users","column":"nick"},
                "actual":{"name":"nick","type":"text","nullable":true}},
               {"id":"D4","kind":"renamed_column","object":{"table":"users","column":"mail"},"actual":{"name":"email"}}"#,
            USERS,
        );
        let sqls: Vec<&str> = s.iter().map(|(_, q)| q.as_str()).collect();
        assert_eq!(
            sqls,
            [
                "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\";",
                "DROP INDEX IF EXISTS \"users_email\";",
                "ALTER TABLE \"users\" DROP COLUMN \"nick\";",
                "ALTER TABLE \"users\" ADD COLUMN \"age\" INTEGER NOT NULL DEFAULT 0;",
            ]
        );
    }

    #[test]
    fn adds_sqlite_refuses_in_place_rebuild() {
        // NOT NULL without a default, a CURRENT_TIMESTAMP default: not for ADD COLUMN.
        for expected in [
            r#"{"name":"c","type":"text","nullable":false}"#,
            r#"{"name":"c","type":"datetime","nullable":true,"default":{"kind":"expression","value":"CURRENT_TIMESTAMP"}}"#,
        ] {
            let s = sql(
                &format!(
                    r#"{{"id":"D1","kind":"missing_column","object":{{"table":"users","column":"c"}},"expected":{expected}}}"#
                ),
                USERS,
            );
            assert_eq!(s[1].0, "rebuild_table", "{expected}");
        }
    }

    #[test]
    fn a_rebuild_of_a_table_the_report_does_not_describe_is_refused() {
        let options = Options::default();
        let e = generate_json(
            &report(
                r#"{"id":"D1","kind":"missing_check","object":{"table":"orders"},"expected":{"name":"c","expression":"total >= 0"}}"#,
                "",
            ),
            &options,
        )
        .unwrap_err();
        assert_eq!(e.path.as_deref(), Some("$.actual_tables"));
        assert!(e.message.contains("\"orders\""), "{}", e.message);
    }

    #[test]
    fn the_undo_of_a_rebuild_is_the_rebuild_back_inside_the_same_steps() {
        let options = Options {
            migration_tool: Some("raw-sql".into()),
            ..Options::default()
        };
        let out = generate_json(
            &report(
                r#"{"id":"D1","kind":"type_mismatch","object":{"table":"users","column":"email"},
                    "expected":{"type":"varchar(100)"},"actual":{"type":"text"}}"#,
                USERS,
            ),
            &options,
        )
        .unwrap();
        let undo: Vec<&str> = out.undo.iter().map(|u| u.operation).collect();
        assert_eq!(
            undo,
            ["foreign_keys_on", "rebuild_table", "foreign_keys_off"]
        );
        let back = out.undo[1].sql.as_deref().unwrap_or_default();
        assert!(back.contains("\"email\" TEXT,"), "{back}");
    }

    #[test]
    fn types_from_a_sqlite_report_are_kept_as_declared_and_portable_ones_mapped() {
        let s = sql(
            r#"{"id":"D1","kind":"missing_column","object":{"table":"users","column":"u"},
                "expected":{"name":"u","type":"uuid","nullable":true}}"#,
            USERS,
        );
        assert_eq!(s[0].1, "ALTER TABLE \"users\" ADD COLUMN \"u\" UUID;");
        let portable = report(
            r#"{"id":"D1","kind":"missing_column","object":{"table":"users","column":"u"},
                "expected":{"name":"u","type":"uuid","nullable":true}}"#,
            "",
        )
        .replace(r#""dialect":"sqlite""#, r#""dialect":"postgres""#);
        let options = Options {
            dialect: Some("sqlite".into()),
            migration_tool: Some("raw-sql".into()),
            ..Options::default()
        };
        let out = generate_json(&portable, &options).unwrap();
        assert_eq!(
            out.statements[0].sql,
            "ALTER TABLE \"users\" ADD COLUMN \"u\" TEXT;"
        );
    }
}
