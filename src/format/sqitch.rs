//! Sqitch: one change, `<version>_<description>`, as `deploy/<change>.sql` (the steps),
//! `revert/<change>.sql` (the undo steps), `verify/<change>.sql` (fails unless every object the
//! change made or altered is there as specified, and every object it dropped or renamed away is
//! gone) and `sqitch.plan` (a plan holding the change's line, which `--apply` appends to the
//! migrations folder's plan). Sqitch runs the scripts through psql and mysql as they are: on
//! PostgreSQL the steps that may share a transaction go between `BEGIN;` and `COMMIT;`, the
//! others (new enum values used later, concurrent index builds) before and after it.

use super::{
    blocked_notice, header, parts, FileOut, Header, Part, StepOut, Text, UndoOut, Writing,
};
use crate::dialect::Dialect;
use crate::model::{Name, QualifiedName};
use crate::plan::Op;
use crate::types::SqlType;

/// Who the plan says planned the change.
const PLANNER: &str = "SmartSpec Data Migration Generator <generator@smartspec.invalid>";

#[allow(clippy::too_many_arguments)]
pub(super) fn files(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    undo_steps: &[UndoOut],
    w: &mut Writing,
) -> Vec<FileOut> {
    let change = format!("{}_{}", version, description);
    let parts = parts(steps);
    let pg = h.dialect == Dialect::Postgres;
    let all: Vec<&StepOut> = parts.iter().flat_map(|(_, s)| s.iter().copied()).collect();

    let mut deploy = Text::for_steps(0, &all, plan);
    header(h, &mut deploy.content);
    deploy
        .content
        .push_str(&format!("-- Deploys the Sqitch change {}.\n", change));
    blocked_notice(&all, &mut deploy.content);
    for (part, part_steps) in &parts {
        let tx = pg && part.in_transaction();
        if !part.in_transaction() {
            deploy.content.push_str(OUTSIDE);
        }
        if tx {
            deploy.content.push_str("\nBEGIN;\n");
        }
        deploy.write_steps(part_steps, plan, &mut w.spans);
        if tx {
            deploy.content.push_str("\nCOMMIT;\n");
        }
    }
    let deploy = deploy.content;

    let mut revert = Text::new(1, 0);
    header(h, &mut revert.content);
    revert
        .content
        .push_str(&format!("-- Reverts the Sqitch change {}.\n", change));
    for part in [Part::ConcurrentIndexes, Part::Main, Part::EnumValues] {
        let undo: Vec<&UndoOut> = undo_steps.iter().filter(|u| u.part == part).collect();
        if undo.is_empty() {
            continue;
        }
        let tx = pg && part.in_transaction();
        if !part.in_transaction() {
            revert.content.push_str(OUTSIDE);
        }
        if tx {
            revert.content.push_str("\nBEGIN;\n");
        }
        revert.write_undo(undo, &mut w.spans);
        if tx {
            revert.content.push_str("\nCOMMIT;\n");
        }
    }
    let revert = revert.content;

    let mut verify = String::new();
    header(h, &mut verify);
    verify.push_str(&format!(
        "-- Verifies the Sqitch change {}: fails unless what it made is there as specified, and what it dropped is gone.\n",
        change
    ));
    // What the change makes, by kind and name: an object dropped and made again under its name
    // (a changed check, a rebuilt table) is verified as made, not as gone.
    let made: Vec<String> = all.iter().flat_map(|s| made_by(&plan[s.step].op)).collect();
    for s in &all {
        verify.push_str("\n-- ");
        super::write_title(&s.diff_id, s.operation, &s.target, &mut verify);
        verify.push('\n');
        let op = &plan[s.step].op;
        let checks: Vec<(String, String)> = if gone_by(op).is_some_and(|k| made.contains(&k)) {
            Vec::new()
        } else {
            expectations(op, h.dialect)
        };
        if checks.is_empty() {
            verify.push_str("-- nothing of its own to verify\n");
        }
        for (predicate, message) in checks {
            assert_sql(h.dialect, &predicate, &message, &mut verify);
        }
    }

    // The deploy's precondition block, run again: each object the change made is there in the
    // shape it makes (the checks above say it is there).
    let ops: Vec<&Op> = all.iter().map(|s| &plan[s.step].op).collect();
    let block = crate::render::preconditions(h.dialect, h.guards, &ops);
    if !block.is_empty() {
        verify.push_str("\n-- Each object the change made is in the shape it makes (the deploy's preconditions)\n");
        super::write_statements(&block, &mut verify);
        verify.push('\n');
    }

    let plan_text = format!(
        "%syntax-version=1.0.0\n%project={}\n\n{}\n",
        project(h.spec_id),
        plan_line(&change, version, h.run_id, all.len())
    );
    vec![
        FileOut {
            name: format!("deploy/{}.sql", change),
            content: deploy,
            role: "deploy",
        },
        FileOut {
            name: format!("revert/{}.sql", change),
            content: revert,
            role: "revert",
        },
        FileOut {
            name: format!("verify/{}.sql", change),
            content: verify,
            role: "verify",
        },
        FileOut {
            name: "sqitch.plan".to_string(),
            content: plan_text,
            role: "plan",
        },
    ]
}

const OUTSIDE: &str = "\n-- Outside a transaction: PostgreSQL does not allow these statements inside one, or commits them before the statements after them use what they add.\n";

/// The change's line: `<change> <planned at> <planner> # <note>`. The time is the version's when
/// it is one (`YYYYMMDDHHmm`, as versions taken from the report are), else the epoch.
fn plan_line(change: &str, version: &str, run_id: &str, steps: usize) -> String {
    format!(
        "{} {} {} # {} step(s) from the data model validation report {}",
        change,
        planned_at(version),
        PLANNER,
        steps,
        crate::text::comment_safe(run_id)
    )
}

fn planned_at(version: &str) -> String {
    let b = version.as_bytes();
    if (b.len() == 12 || b.len() == 14) && b.iter().all(u8::is_ascii_digit) {
        let n = |r: std::ops::Range<usize>| version[r].parse::<u32>().unwrap_or(99);
        let sec = if b.len() == 14 { n(12..14) } else { 0 };
        if (1..=12).contains(&n(4..6))
            && (1..=31).contains(&n(6..8))
            && n(8..10) < 24
            && n(10..12) < 60
            && sec < 60
        {
            return format!(
                "{}-{}-{}T{}:{}:{:02}Z",
                &version[0..4],
                &version[4..6],
                &version[6..8],
                &version[8..10],
                &version[10..12],
                sec
            );
        }
    }
    "1970-01-01T00:00:00Z".to_string()
}

/// The plan's project when this run creates the plan: the report's spec id when Sqitch takes it
/// as a name, else `smartspec`.
fn project(spec_id: Option<&str>) -> &str {
    match spec_id {
        Some(id)
            if !id.is_empty()
                && id
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                && id.as_bytes()[0].is_ascii_alphabetic()
                && id.as_bytes()[id.len() - 1].is_ascii_alphanumeric() =>
        {
            id
        }
        _ => "smartspec",
    }
}

/// A statement that fails with `message` unless `predicate` is true (null is not).
fn assert_sql(dialect: Dialect, predicate: &str, message: &str, out: &mut String) {
    match dialect {
        // Sqitch is refused for SQLite with the options; written as for PostgreSQL if asked.
        Dialect::Postgres | Dialect::Sqlite => {
            let mut tag = "verify".to_string();
            let mut n = 0;
            while predicate.contains(&format!("${}", tag)) || message.contains(&format!("${}", tag))
            {
                n += 1;
                tag = format!("verify_{}", n);
            }
            out.push_str(&format!("DO ${}$\nBEGIN\n    IF ({}) IS NOT TRUE THEN\n        RAISE EXCEPTION 'verify failed: %', ", tag, predicate));
            Dialect::Postgres.quote_str(message, out);
            out.push_str(&format!(";\n    END IF;\nEND\n${}$;\n", tag));
        }
        Dialect::MySql => {
            // No SIGNAL outside a routine: the failing statement selects a column named after
            // the message, and the server answers `Unknown column '<message>'`.
            let text: String = format!("verify failed: {}", message)
                .chars()
                .take(64)
                .collect();
            let mut fail = String::from("SELECT ");
            Dialect::MySql.quote_ident(&text, &mut fail);
            fail.push_str(" FROM DUAL");
            out.push_str("SET @smartspec_verify = IF(COALESCE((");
            out.push_str(predicate);
            out.push_str("), FALSE), 'DO 0', ");
            Dialect::MySql.quote_str(&fail, out);
            out.push_str(");\nPREPARE smartspec_verify FROM @smartspec_verify;\nEXECUTE smartspec_verify;\nDEALLOCATE PREPARE smartspec_verify;\n");
        }
    }
}

fn lit(d: Dialect, s: &str) -> String {
    d.string(s)
}

/// What must hold once the step `op` ran: predicates with what they check, in words.
fn expectations(op: &Op, d: Dialect) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let q = Q { d };
    match op {
        Op::RenameTable { from, to } => {
            out.push((q.table(to, true), format!("table {} exists", to.display())));
            out.push((q.table(from, false), format!("table {} is gone", from.display())));
        }
        Op::RenameColumn { table, from, to } => {
            out.push((q.column(table, to, None, None), format!("column {}.{} exists", table.display(), to.as_str())));
            out.push((format!("NOT {}", q.column(table, from, None, None)), format!("column {}.{} is gone", table.display(), from.as_str())));
        }
        Op::DropTable { table } => {
            out.push((q.table(&table.name, false), format!("table {} is gone", table.name.display())));
        }
        Op::DropColumn { table, column } => {
            out.push((format!("NOT {}", q.column(table, &column.name, None, None)), format!("column {}.{} is gone", table.display(), column.name.as_str())));
        }
        Op::CreateTable { table } => {
            out.push((q.table(&table.name, true), format!("table {} exists", table.name.display())));
            for c in &table.columns {
                out.push(q.column_as(&table.name, &c.name, Some(&c.ty), Some(c.nullable)));
            }
            if let Some(pk) = &table.primary_key {
                out.push(q.primary_key(&table.name, &pk.columns));
            }
        }
        Op::AddColumn { table, column, .. } => {
            out.push(q.column_as(table, &column.name, Some(&column.ty), Some(column.nullable)));
        }
        Op::AlterColumn { table, column, states, .. } => {
            out.push(q.column_as(table, column, states.to.ty.as_ref(), states.to.nullable));
        }
        Op::AddPrimaryKey { table, pk } => out.push(q.primary_key(table, &pk.columns)),
        Op::ReplacePrimaryKey { table, new, .. } => out.push(q.primary_key(table, &new.columns)),
        Op::AddUnique { table, unique } => out.push(q.unique(table, &unique.name, &unique.columns)),
        Op::CreateIndex { table, index, .. } => out.push(q.index(table, &index.name, &index.columns, index.unique)),
        Op::AddForeignKey { table, fk } => out.push(q.foreign_key(table, &fk.name, &fk.columns, &fk.ref_table)),
        Op::AddCheck { table, check } => out.push(q.constraint(table, &check.name, true, "check")),
        Op::DropForeignKey { table, fk } => out.push(q.constraint(table, &fk.name, false, "foreign key")),
        Op::DropCheck { table, check } => out.push(q.constraint(table, &check.name, false, "check")),
        Op::DropUnique { table, unique, replaced_by: None } => out.push(q.constraint(table, &unique.name, false, "unique")),
        Op::DropIndex { table, index, replaced_by: None } => out.push(q.index_gone(table, &index.name)),
        Op::DropPrimaryKey { table, replaced_by: None, .. } => out.push(q.primary_key_gone(table)),
        Op::CreateEnum { en } if d == Dialect::Postgres => out.push(q.enum_values(&en.name, &en.values)),
        Op::RemoveEnumValues { en, to, .. } if d == Dialect::Postgres => out.push(q.enum_values(en, to)),
        Op::AddEnumValue { en, value, .. } if d == Dialect::Postgres => out.push((
            format!("EXISTS (SELECT 1 FROM pg_catalog.pg_enum e WHERE e.enumtypid = to_regtype({}) AND e.enumlabel = {})", lit(d, &pg_qualified(en)), lit(d, value)),
            format!("type {} has the value {}", en.display(), value),
        )),
        Op::DropEnum { en } if d == Dialect::Postgres => out.push((
            format!("to_regtype({}) IS NULL", lit(d, &pg_qualified(&en.name))),
            format!("type {} is gone", en.name.display()),
        )),
        // Replaced under the same name (verified as the new one), MySQL's foreign keys set
        // aside and restored within the change, MySQL enums (column types).
        _ => {}
    }
    out
}

/// The object an op makes, as `kind table name`.
fn made_by(op: &Op) -> Option<String> {
    let key = |kind: &str, t: &QualifiedName, name: &str| {
        Some(format!("{} {} {}", kind, t.display(), name))
    };
    match op {
        Op::RenameTable { to, .. } => key("table", to, ""),
        Op::CreateTable { table } => key("table", &table.name, ""),
        Op::RenameColumn { table, to, .. } => key("column", table, to),
        Op::AddColumn { table, column, .. } => key("column", table, &column.name),
        Op::AddCheck { table, check } => key("constraint", table, &check.name),
        Op::AddForeignKey { table, fk } => key("constraint", table, &fk.name),
        Op::AddUnique { table, unique } => key("constraint", table, &unique.name),
        Op::CreateIndex { table, index, .. } => key("index", table, &index.name),
        Op::AddPrimaryKey { table, .. } | Op::ReplacePrimaryKey { table, .. } => {
            key("primary key", table, "")
        }
        Op::CreateEnum { en } => key("type", &en.name, ""),
        _ => None,
    }
}

/// The object an op drops or renames away, as [`made_by`] names it.
fn gone_by(op: &Op) -> Option<String> {
    let key = |kind: &str, t: &QualifiedName, name: &str| {
        Some(format!("{} {} {}", kind, t.display(), name))
    };
    match op {
        Op::RenameTable { from, .. } => key("table", from, ""),
        Op::DropTable { table } => key("table", &table.name, ""),
        Op::RenameColumn { table, from, .. } => key("column", table, from),
        Op::DropColumn { table, column } => key("column", table, &column.name),
        Op::DropCheck { table, check } => key("constraint", table, &check.name),
        Op::DropForeignKey { table, fk } => key("constraint", table, &fk.name),
        Op::DropUnique { table, unique, .. } => key("constraint", table, &unique.name),
        Op::DropIndex { table, index, .. } => key("index", table, &index.name),
        Op::DropPrimaryKey { table, .. } => key("primary key", table, ""),
        Op::DropEnum { en } => key("type", &en.name, ""),
        _ => None,
    }
}

/// The predicates of one dialect.
struct Q {
    d: Dialect,
}

impl Q {
    fn pg(&self) -> bool {
        self.d == Dialect::Postgres
    }

    /// PostgreSQL: the table's `regclass`, or null when it is not there.
    fn regclass(&self, t: &QualifiedName) -> String {
        format!("to_regclass({})", lit(self.d, &pg_qualified(t)))
    }

    /// MySQL: `schema = … AND table_name = …` of an information_schema table (names compared
    /// byte for byte).
    fn my_table(&self, t: &QualifiedName) -> String {
        let schema = match &t.schema {
            Some(s) => lit(self.d, s),
            None => "DATABASE()".to_string(),
        };
        format!(
            "table_schema = {} AND CAST(table_name AS BINARY) = CAST({} AS BINARY)",
            schema,
            lit(self.d, &t.name)
        )
    }

    fn table(&self, t: &QualifiedName, exists: bool) -> String {
        if self.pg() {
            format!(
                "{} IS {}NULL",
                self.regclass(t),
                if exists { "NOT " } else { "" }
            )
        } else {
            format!(
                "(SELECT COUNT(*) FROM information_schema.tables WHERE {}) = {}",
                self.my_table(t),
                u8::from(exists)
            )
        }
    }

    /// Whether the column is there, with the type (by type, not length or precision) and
    /// nullability given (a nullable column may be NOT NULL as part of a primary key).
    fn column(
        &self,
        t: &QualifiedName,
        c: &str,
        ty: Option<&SqlType>,
        nullable: Option<bool>,
    ) -> String {
        if self.pg() {
            let mut s = format!(
                "EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = {} AND a.attname = {} AND a.attnum > 0 AND NOT a.attisdropped",
                self.regclass(t),
                lit(self.d, c)
            );
            if let Some(ty) = ty {
                s.push_str(&format!(
                    " AND a.atttypid = to_regtype({})",
                    lit(self.d, &ty.to_sql(self.d))
                ));
            }
            match nullable {
                Some(false) => s.push_str(" AND a.attnotnull"),
                Some(true) => s.push_str(" AND (NOT a.attnotnull OR EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'p' AND a.attnum = ANY (k.conkey)))"),
                None => {}
            }
            s.push(')');
            s
        } else {
            let mut s = format!(
                "EXISTS (SELECT 1 FROM information_schema.columns WHERE {} AND CAST(column_name AS BINARY) = CAST({} AS BINARY)",
                self.my_table(t),
                lit(self.d, c)
            );
            if let Some(data_type) = ty.and_then(crate::types::mysql_data_type) {
                s.push_str(&format!(" AND data_type = {}", lit(self.d, &data_type)));
            }
            match nullable {
                Some(false) => s.push_str(" AND is_nullable = 'NO'"),
                Some(true) => s.push_str(" AND (is_nullable = 'YES' OR column_key = 'PRI')"),
                None => {}
            }
            s.push(')');
            s
        }
    }

    fn column_as(
        &self,
        t: &QualifiedName,
        c: &str,
        ty: Option<&SqlType>,
        nullable: Option<bool>,
    ) -> (String, String) {
        let mut what = format!("column {}.{} exists", t.display(), c);
        if let Some(ty) = ty {
            what.push_str(&format!(" as {}", ty.to_sql(self.d)));
        }
        match nullable {
            Some(false) => what.push_str(" NOT NULL"),
            Some(true) => what.push_str(" NULL"),
            None => {}
        }
        (self.column(t, c, ty, nullable), what)
    }

    /// PostgreSQL: the names of `keys` (attribute numbers of `rel`) in order, as `name[]`.
    fn pg_names(keys: &str, rel: &str) -> String {
        format!("(SELECT array_agg(a.attname ORDER BY k.n) FROM unnest({}) WITH ORDINALITY AS k(attnum, n) JOIN pg_catalog.pg_attribute a ON a.attrelid = {} AND a.attnum = k.attnum)", keys, rel)
    }

    fn pg_array(&self, names: &[Name]) -> String {
        let list: Vec<String> = names.iter().map(|n| lit(self.d, n)).collect();
        format!("ARRAY[{}]::name[]", list.join(", "))
    }

    fn my_list(&self, names: &[Name]) -> String {
        let list: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
        lit(self.d, &list.join(","))
    }

    fn my_index_columns(&self, t: &QualifiedName, index: &str) -> String {
        format!(
            "(SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ',') FROM information_schema.statistics WHERE {} AND CAST(index_name AS BINARY) = CAST({} AS BINARY))",
            self.my_table(t),
            lit(self.d, index)
        )
    }

    fn names(names: &[Name]) -> String {
        names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn primary_key(&self, t: &QualifiedName, columns: &[Name]) -> (String, String) {
        let p = if self.pg() {
            format!(
                "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = {} AND c.contype = 'p' AND {} = {})",
                self.regclass(t),
                Self::pg_names("c.conkey", "c.conrelid"),
                self.pg_array(columns)
            )
        } else {
            format!(
                "{} = {}",
                self.my_index_columns(t, "PRIMARY"),
                self.my_list(columns)
            )
        };
        (
            p,
            format!(
                "{} has the primary key ({})",
                t.display(),
                Self::names(columns)
            ),
        )
    }

    fn primary_key_gone(&self, t: &QualifiedName) -> (String, String) {
        let p = if self.pg() {
            format!("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = {} AND c.contype = 'p')", self.regclass(t))
        } else {
            format!("{} IS NULL", self.my_index_columns(t, "PRIMARY"))
        };
        (p, format!("{} has no primary key", t.display()))
    }

    fn unique(&self, t: &QualifiedName, name: &str, columns: &[Name]) -> (String, String) {
        let p = if self.pg() {
            format!(
                "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = {} AND c.conname = {} AND c.contype = 'u' AND {} = {})",
                self.regclass(t),
                lit(self.d, name),
                Self::pg_names("c.conkey", "c.conrelid"),
                self.pg_array(columns)
            )
        } else {
            format!(
                "{} = {} AND (SELECT MAX(non_unique) FROM information_schema.statistics WHERE {} AND CAST(index_name AS BINARY) = CAST({} AS BINARY)) = 0",
                self.my_index_columns(t, name),
                self.my_list(columns),
                self.my_table(t),
                lit(self.d, name)
            )
        };
        (
            p,
            format!(
                "unique {} on {} ({})",
                name,
                t.display(),
                Self::names(columns)
            ),
        )
    }

    fn index(
        &self,
        t: &QualifiedName,
        name: &str,
        columns: &[Name],
        unique: bool,
    ) -> (String, String) {
        let p = if self.pg() {
            let index = QualifiedName {
                schema: t.schema.clone(),
                name: name.into(),
            };
            format!(
                "EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = {} AND i.indrelid = {} AND i.indisvalid AND i.indisunique = {} AND {} = {})",
                self.regclass(&index),
                self.regclass(t),
                unique,
                Self::pg_names("i.indkey::int2[]", "i.indrelid"),
                self.pg_array(columns)
            )
        } else {
            format!(
                "{} = {} AND (SELECT MAX(non_unique) FROM information_schema.statistics WHERE {} AND CAST(index_name AS BINARY) = CAST({} AS BINARY)) = {}",
                self.my_index_columns(t, name),
                self.my_list(columns),
                self.my_table(t),
                lit(self.d, name),
                u8::from(!unique)
            )
        };
        (
            p,
            format!(
                "{}index {} on {} ({})",
                if unique { "unique " } else { "" },
                name,
                t.display(),
                Self::names(columns)
            ),
        )
    }

    fn index_gone(&self, t: &QualifiedName, name: &str) -> (String, String) {
        let p = if self.pg() {
            let index = QualifiedName {
                schema: t.schema.clone(),
                name: name.into(),
            };
            format!("{} IS NULL", self.regclass(&index))
        } else {
            format!("{} IS NULL", self.my_index_columns(t, name))
        };
        (p, format!("index {} on {} is gone", name, t.display()))
    }

    fn foreign_key(
        &self,
        t: &QualifiedName,
        name: &str,
        columns: &[Name],
        to: &QualifiedName,
    ) -> (String, String) {
        let p = if self.pg() {
            format!(
                "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = {} AND c.conname = {} AND c.contype = 'f' AND c.confrelid = {} AND {} = {})",
                self.regclass(t),
                lit(self.d, name),
                self.regclass(to),
                Self::pg_names("c.conkey", "c.conrelid"),
                self.pg_array(columns)
            )
        } else {
            format!(
                "(SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position SEPARATOR ',') FROM information_schema.key_column_usage WHERE {} AND CAST(constraint_name AS BINARY) = CAST({} AS BINARY) AND CAST(referenced_table_name AS BINARY) = CAST({} AS BINARY)) = {}",
                self.my_table(t),
                lit(self.d, name),
                lit(self.d, &to.name),
                self.my_list(columns)
            )
        };
        (
            p,
            format!(
                "foreign key {} on {} ({}) to {}",
                name,
                t.display(),
                Self::names(columns),
                to.display()
            ),
        )
    }

    /// A constraint by name (`kind`: check, foreign key, unique), there or gone.
    fn constraint(
        &self,
        t: &QualifiedName,
        name: &str,
        exists: bool,
        kind: &str,
    ) -> (String, String) {
        let p = if self.pg() {
            format!(
                "{}EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = {} AND c.conname = {})",
                if exists { "" } else { "NOT " },
                self.regclass(t),
                lit(self.d, name)
            )
        } else {
            // A unique constraint is an index in MySQL; a check or foreign key a constraint.
            let constraints = format!(
                "(SELECT COUNT(*) FROM information_schema.table_constraints WHERE {} AND CAST(constraint_name AS BINARY) = CAST({} AS BINARY))",
                self.my_table(t),
                lit(self.d, name)
            );
            let indexes = format!(
                "(SELECT COUNT(*) FROM information_schema.statistics WHERE {} AND CAST(index_name AS BINARY) = CAST({} AS BINARY))",
                self.my_table(t),
                lit(self.d, name)
            );
            let count = if kind == "unique" {
                indexes
            } else {
                constraints
            };
            format!("{} {}", count, if exists { "> 0" } else { "= 0" })
        };
        (
            p,
            format!(
                "{} {} on {} {}",
                kind,
                name,
                t.display(),
                if exists { "exists" } else { "is gone" }
            ),
        )
    }

    fn enum_values(&self, en: &QualifiedName, values: &[String]) -> (String, String) {
        let list: Vec<String> = values.iter().map(|v| lit(self.d, v)).collect();
        (
            format!(
                "(SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = to_regtype({})) = ARRAY[{}]::text[]",
                lit(self.d, &pg_qualified(en)),
                list.join(", ")
            ),
            format!("type {} has the values {}", en.display(), values.join(", ")),
        )
    }
}

/// `schema.name` quoted as PostgreSQL identifiers.
fn pg_qualified(name: &crate::model::QualifiedName) -> String {
    let mut out = String::new();
    crate::render::postgres::qualified(name, &mut out);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn planned_at_the_versions_time_else_the_epoch() {
        assert_eq!(super::planned_at("202401011200"), "2024-01-01T12:00:00Z");
        assert_eq!(super::planned_at("20240101120059"), "2024-01-01T12:00:59Z");
        for v in ["7", "1.2", "202413011200", "202401011260", "2024010112000"] {
            assert_eq!(super::planned_at(v), "1970-01-01T00:00:00Z", "{}", v);
        }
    }

    #[test]
    fn the_project_is_the_spec_id_when_sqitch_takes_it_as_a_name() {
        assert_eq!(super::project(Some("my-feature")), "my-feature");
        for id in ["", "-x", "x-", "a b", "a:b", "1abc", "é"] {
            assert_eq!(super::project(Some(id)), "smartspec", "{}", id);
        }
        assert_eq!(super::project(None), "smartspec");
    }
}
