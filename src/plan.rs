//! From diffs to an ordered plan of steps.
//!
//! Each diff becomes one or more [`Op`]s. The order of execution is the order of [`Phase`]:
//! steps are sorted by phase, and inside a phase they keep the order of the diffs in the report
//! (which is itself fixed), so the same report always gives the same plan. Foreign keys are
//! dropped first and added last, so cycles and self-references need no special care; tables are
//! created without their foreign keys.

use crate::hash::{Map as HashMap, Set as HashSet};
use std::rc::Rc;

use crate::dialect::Dialect;
use crate::error::{ErrorCode, Path, Result};
use crate::model::*;
use crate::report::{self, ColumnEntry, Payload};
use crate::types::{self, SqlType, TypeSpec};

/// Execution phases, in execution order. The order of the variants *is* the order of execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Renames come first: every later step names objects by their new names.
    Rename,
    /// Foreign keys go before anything they could depend on (indexes, keys, columns, tables).
    DropForeignKey,
    /// Indexes and constraints, before the columns they cover.
    DropIndexOrConstraint,
    DropColumn,
    DropTable,
    /// Enum types and values before the tables and columns that use them.
    CreateEnum,
    /// Tables without their foreign keys.
    CreateTable,
    AddColumn,
    /// MySQL: a primary key replaced away from a column that is then dropped (MySQL cannot drop
    /// a column of a composite key).
    ReplaceKeyBeforeDrop,
    /// MySQL: columns are dropped after columns are added, because MySQL cannot drop the last
    /// column of a table.
    DropColumnAfterAdd,
    AlterColumn,
    /// MySQL: a primary key is dropped once its AUTO_INCREMENT column is gone or altered
    /// (an AUTO_INCREMENT column must stay a key).
    DropPrimaryKeyAfterAlter,
    /// Keys and checks after the columns they cover exist with their final types.
    AddConstraint,
    /// Indexes after columns are added and altered (they may cover them).
    CreateIndex,
    /// MySQL: an index that is not re-created under its name is dropped once the new indexes
    /// exist, since a foreign key may need it until then.
    DropIndexAfterCreate,
    /// Foreign keys last: every table, column and key they reference exists by now.
    AddForeignKey,
    /// Enum types last, once no column uses them.
    DropEnum,
}

/// What changes about a column in an [`Op::AlterColumn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnChange {
    Type,
    Nullability,
    /// The default, including identity and auto_increment (the contract reports both as
    /// `default_mismatch`).
    Default,
    /// MySQL: the values of the column's ENUM.
    EnumValues,
}

/// One column as a column-level diff describes it: `to` is the column as the spec wants it, with
/// attributes the diff leaves out taken from the database side; `from` is the database side.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnStates {
    pub to: PartialColumn,
    pub from: PartialColumn,
}

/// A column of which some attributes may be unknown (PostgreSQL alters one attribute at a time
/// and needs only that one).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartialColumn {
    pub ty: Option<SqlType>,
    pub nullable: Option<bool>,
    /// `None`: unknown; `Some(None)`: no default.
    pub default: Option<Option<DefaultValue>>,
    pub identity: Option<Identity>,
    pub auto_increment: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    RenameTable {
        from: QualifiedName,
        to: QualifiedName,
    },
    RenameColumn {
        table: QualifiedName,
        from: Name,
        to: Name,
    },
    DropForeignKey {
        table: QualifiedName,
        fk: Rc<ForeignKey>,
    },
    DropIndex {
        table: QualifiedName,
        index: Rc<Index>,
        /// Re-created under the same name by this plan: dropped only while it differs from this.
        replaced_by: Option<Replacement>,
    },
    DropUnique {
        table: QualifiedName,
        unique: Unique,
        /// Re-created under the same name by this plan: dropped only while it differs from this.
        replaced_by: Option<Replacement>,
    },
    DropCheck {
        table: QualifiedName,
        check: Check,
    },
    DropPrimaryKey {
        table: QualifiedName,
        pk: PrimaryKey,
        /// Re-created under the same name by this plan: dropped only while it differs from this.
        replaced_by: Option<Replacement>,
    },
    DropColumn {
        table: QualifiedName,
        column: Rc<Column>,
    },
    /// The table's foreign keys are dropped by their own steps first. The table is shared with
    /// the step this one reverses (or that reverses it), not copied.
    DropTable {
        table: Rc<Table>,
    },
    CreateEnum {
        en: Enum,
    },
    /// PostgreSQL `ALTER TYPE … ADD VALUE`, placed before or after a neighbour.
    AddEnumValue {
        en: QualifiedName,
        value: String,
        before: Option<String>,
        after: Option<String>,
        /// The type's values just before this one is added (what undoing it rebuilds).
        restore: Vec<String>,
    },
    /// PostgreSQL: values removed from an enum type (the type is rebuilt).
    RemoveEnumValues {
        en: QualifiedName,
        from: Vec<String>,
        to: Vec<String>,
    },
    /// Created without foreign keys and indexes, which are steps of their own.
    CreateTable {
        table: Rc<Table>,
    },
    AddColumn {
        table: QualifiedName,
        column: Rc<Column>,
        /// MySQL: an AUTO_INCREMENT column gets its primary key in the same statement (and the
        /// old key is dropped there too when the flag is set).
        with_primary_key: Option<(PrimaryKey, bool)>,
    },
    AlterColumn {
        table: QualifiedName,
        column: Name,
        change: ColumnChange,
        states: Box<ColumnStates>,
    },
    AddPrimaryKey {
        table: QualifiedName,
        pk: PrimaryKey,
    },
    /// MySQL: drop and add in one statement, so an AUTO_INCREMENT column stays a key.
    ReplacePrimaryKey {
        table: QualifiedName,
        old: PrimaryKey,
        new: PrimaryKey,
    },
    AddUnique {
        table: QualifiedName,
        unique: Unique,
    },
    AddCheck {
        table: QualifiedName,
        check: Check,
    },
    CreateIndex {
        table: QualifiedName,
        index: Rc<Index>,
        /// PostgreSQL `CREATE INDEX CONCURRENTLY` (outside a transaction).
        concurrently: bool,
    },
    AddForeignKey {
        table: QualifiedName,
        fk: Rc<ForeignKey>,
    },
    DropEnum {
        en: Enum,
    },
}

impl Op {
    pub fn phase(&self) -> Phase {
        match self {
            Op::RenameTable { .. } | Op::RenameColumn { .. } => Phase::Rename,
            Op::DropForeignKey { .. } => Phase::DropForeignKey,
            Op::DropIndex { .. }
            | Op::DropUnique { .. }
            | Op::DropCheck { .. }
            | Op::DropPrimaryKey { .. } => Phase::DropIndexOrConstraint,
            Op::DropColumn { .. } => Phase::DropColumn,
            Op::DropTable { .. } => Phase::DropTable,
            Op::CreateEnum { .. } | Op::AddEnumValue { .. } => Phase::CreateEnum,
            Op::CreateTable { .. } => Phase::CreateTable,
            Op::AddColumn { .. } => Phase::AddColumn,
            Op::AlterColumn { .. } | Op::RemoveEnumValues { .. } => Phase::AlterColumn,
            Op::AddPrimaryKey { .. }
            | Op::ReplacePrimaryKey { .. }
            | Op::AddUnique { .. }
            | Op::AddCheck { .. } => Phase::AddConstraint,
            Op::CreateIndex { .. } => Phase::CreateIndex,
            Op::AddForeignKey { .. } => Phase::AddForeignKey,
            Op::DropEnum { .. } => Phase::DropEnum,
        }
    }

    /// The stable name of the operation, as counted in summaries (`add_column`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Op::RenameTable { .. } => "rename_table",
            Op::RenameColumn { .. } => "rename_column",
            Op::DropForeignKey { .. } => "drop_foreign_key",
            Op::DropIndex { .. } => "drop_index",
            Op::DropUnique { .. } => "drop_unique",
            Op::DropCheck { .. } => "drop_check",
            Op::DropPrimaryKey { .. } => "drop_primary_key",
            Op::DropColumn { .. } => "drop_column",
            Op::DropTable { .. } => "drop_table",
            Op::CreateEnum { .. } => "create_enum",
            Op::AddEnumValue { .. } => "add_enum_value",
            Op::RemoveEnumValues { .. } => "remove_enum_values",
            Op::CreateTable { .. } => "create_table",
            Op::AddColumn { .. } => "add_column",
            Op::AlterColumn { change, .. } => match change {
                ColumnChange::Type => "alter_column_type",
                ColumnChange::Nullability => "alter_column_nullability",
                ColumnChange::Default => "alter_column_default",
                ColumnChange::EnumValues => "alter_column_enum_values",
            },
            Op::AddPrimaryKey { .. } => "add_primary_key",
            Op::ReplacePrimaryKey { .. } => "replace_primary_key",
            Op::AddUnique { .. } => "add_unique",
            Op::AddCheck { .. } => "add_check",
            Op::CreateIndex { .. } => "create_index",
            Op::AddForeignKey { .. } => "add_foreign_key",
            Op::DropEnum { .. } => "drop_enum",
        }
    }

    /// The table the step works on, if any.
    pub fn table(&self) -> Option<&QualifiedName> {
        match self {
            Op::RenameTable { to, .. } => Some(to),
            Op::RenameColumn { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::DropIndex { table, .. }
            | Op::DropUnique { table, .. }
            | Op::DropCheck { table, .. }
            | Op::DropPrimaryKey { table, .. }
            | Op::DropColumn { table, .. }
            | Op::AddColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::ReplacePrimaryKey { table, .. }
            | Op::AddUnique { table, .. }
            | Op::AddCheck { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::AddForeignKey { table, .. } => Some(table),
            Op::DropTable { table } | Op::CreateTable { table } => Some(&table.name),
            Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RemoveEnumValues { .. }
            | Op::DropEnum { .. } => None,
        }
    }
}

/// What an index or key dropped and re-created under the same name becomes: its columns and
/// whether it is unique. A re-run finds it already so and leaves it alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    pub columns: Vec<Name>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Shared by the steps of one diff (and by their undo steps).
    pub diff_id: Rc<str>,
    /// Position of the diff in the report's `diffs[]`.
    pub diff_index: usize,
    pub op: Op,
    /// When the step runs: the op's own phase, or a later one the dialect needs.
    pub phase: Phase,
    /// Position in the list before ordering.
    pub seq: usize,
    /// Ordering changed the op (a replacement noted, keys merged): it renders differently from
    /// the op as it was made.
    pub rewritten: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
    pub diff_id: Option<String>,
    pub path: Option<String>,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub warnings: Vec<Warning>,
}

/// The diffs a plan is built from: the report's, or the caller's to drop one by one once each
/// is planned (which lowers the peak memory: a diff's structure is larger than its steps).
pub enum Diffs<'s, 't> {
    Borrowed(&'s [report::Diff<'t>]),
    Owned(&'s mut [report::Diff<'t>]),
}

impl<'t> Diffs<'_, 't> {
    fn all(&self) -> &[report::Diff<'t>] {
        match self {
            Diffs::Borrowed(d) => d,
            Diffs::Owned(d) => d,
        }
    }

    /// Diff `i` is planned: dropped when owned.
    fn planned(&mut self, i: usize) {
        if let Diffs::Owned(d) = self {
            d[i] = report::Diff::default();
        }
    }
}

/// Builds the ordered plan for `diffs` in `dialect`.
pub fn build(report: &report::Report, diffs: &[report::Diff], dialect: Dialect) -> Result<Plan> {
    build_from(report, Diffs::Borrowed(diffs), dialect)
}

/// [`build`], from borrowed diffs or from diffs to drop as they are planned.
pub fn build_from<'t>(
    report: &report::Report,
    mut diffs: Diffs<'_, 't>,
    dialect: Dialect,
) -> Result<Plan> {
    let count = diffs.all().len();
    let mut planner = Planner::new(report, dialect, count)?;
    planner.reader.collect_enums(diffs.all());
    for i in 0..count {
        planner.diff(i, &diffs.all()[i])?;
        diffs.planned(i);
    }
    Ok(planner.finish())
}

/// Whether a diff of this kind names an enum's values, which the planner gathers from every
/// diff before it plans any ([`build_from`]): a report holding one cannot be planned diff by
/// diff as it is read.
pub fn names_enum_values(kind: Option<&str>) -> bool {
    matches!(
        kind,
        Some("missing_enum" | "enum_values_mismatch" | "extra_enum")
    )
}

/// Plans diffs one at a time, in the report's order: [`build_from`] gives it a report's diffs
/// once read, and the wasm edge each diff as soon as it is read (so that a large report's diffs
/// are never all held at once), when no diff names enum values ([`names_enum_values`]).
pub struct Planner<'t> {
    reader: Reader,
    /// The ids seen, borrowed from the report's text where they can be (not from the diffs,
    /// which may be dropped before the last is read).
    seen: crate::hash::Set<std::borrow::Cow<'t, str>>,
}

impl<'t> Planner<'t> {
    /// The planner for the report whose top-level fields (not its diffs) are `report`, of about
    /// `count` diffs.
    pub fn new(report: &report::Report, dialect: Dialect, count: usize) -> Result<Planner<'t>> {
        let default_schema = report
            .scope
            .as_ref()
            .and_then(|s| s.default_schema.as_deref());
        let root = Path::Root;
        let scope_path = root.key("scope");
        if let Some(s) = default_schema {
            check_name(s, dialect, &scope_path.key("default_schema"), None)?;
        }
        // A PostgreSQL report's schemas (`public`) are not MySQL databases: generating MySQL
        // from it, objects go to the connection's database.
        let foreign_schemas = dialect == Dialect::MySql
            && report
                .scope
                .as_ref()
                .and_then(|s| s.dialect.as_deref())
                .and_then(Dialect::parse)
                == Some(Dialect::Postgres);
        let default_schema = if foreign_schemas {
            None
        } else {
            default_schema.map(str::to_string)
        };
        let mut reader = Reader {
            dialect,
            use_schemas: !foreign_schemas,
            default_schema,
            enums: HashMap::default(),
            types: Default::default(),
            last_type: Default::default(),
            names: Default::default(),
            plan: Plan::default(),
        };
        if foreign_schemas {
            reader.warn(
                "schemas_ignored",
                "the report describes PostgreSQL schemas; MySQL has databases instead, so the migration uses the connection's database".to_string(),
                None,
                Some(&scope_path.key("dialect")),
            );
        }
        Ok(Planner {
            reader,
            seen: crate::hash::set_with_capacity(count),
        })
    }

    /// Plans diff `i` of the report.
    pub fn diff(&mut self, i: usize, diff: &report::Diff<'t>) -> Result<()> {
        let root = Path::Root;
        let diffs_path = root.key("diffs");
        let path = diffs_path.index(i);
        let id = diff.id.as_ref().ok_or_else(|| {
            path.key("id")
                .err(ErrorCode::MissingField, "a diff needs an `id`")
        })?;
        check_diff_id(id, &path.key("id"))?;
        // A clone of the `Cow`: borrowed from the text when the id is, so no copy is made.
        let key = id.0.clone();
        let id: &str = id;
        if !self.seen.insert(key) {
            return Err(path
                .key("id")
                .err(
                    ErrorCode::DuplicateDiffId,
                    format!("diff id {:?} is used twice", id),
                )
                .in_diff(id));
        }
        let kind = diff.kind.as_deref().ok_or_else(|| {
            path.key("kind")
                .err(ErrorCode::MissingField, "a diff needs a `kind`")
                .in_diff(id)
        })?;
        self.reader.diff(i, id, kind, diff, &path).map_err(|e| {
            if e.diff_id.is_none() {
                e.in_diff(id)
            } else {
                e
            }
        })
    }

    /// The plan of the diffs given, in execution order.
    pub fn finish(mut self) -> Plan {
        self.reader.plan.steps.shrink_to_fit();
        order(&mut self.reader.plan.steps, self.reader.dialect);
        self.reader.plan
    }
}

/// Puts steps in execution order: the phases, the dialect's own rules, and inside a phase the
/// order the steps came in (stable). Used for a plan and for its undo alike.
fn order(steps: &mut Vec<Step>, dialect: Dialect) {
    for s in steps.iter_mut() {
        s.phase = s.op.phase();
    }
    mark_replacements(steps);
    if dialect == Dialect::MySql {
        mysql_order(steps);
    }
    // By phase, and inside a phase a column's type changes before its other attributes: the type
    // step brings the default that fits the new type, so a default is never set while the old
    // type is in place. One stable sort: otherwise the order the steps came in.
    crate::sort::by_key(steps, |s| match &s.op {
        Op::AlterColumn {
            change: ColumnChange::Type,
            ..
        } => s.phase as u32 * 2,
        _ => s.phase as u32 * 2 + 1,
    });
}

/// A step of the undo: the step it undoes (by position in the plan) and how.
pub struct UndoStep<'u> {
    pub forward: usize,
    pub step: Option<&'u Step>,
    /// What the undo cannot restore, or why there is none.
    pub note: Option<&'static str>,
}

/// The undo of a plan ([`Inverse`]).
pub struct Undo {
    /// The steps no statement undoes: their position in the plan, and why.
    irreversible: Vec<(usize, &'static str)>,
    /// The inverse steps, in the order they run.
    steps: Vec<Step>,
    /// By an inverse step's `seq`: the position of the step it undoes, and what it cannot
    /// restore.
    origin: Vec<(usize, Option<&'static str>)>,
}

impl Undo {
    /// How many steps [`Undo::iter`] yields.
    pub fn len(&self) -> usize {
        self.irreversible.len() + self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The irreversible steps, then the inverse steps in the order they run.
    pub fn iter(&self) -> impl Iterator<Item = UndoStep<'_>> {
        let irreversible = self.irreversible.iter().map(|&(forward, note)| UndoStep {
            forward,
            step: None,
            note: Some(note),
        });
        irreversible.chain(self.steps.iter().map(|st| {
            let (forward, note) = self.origin[st.seq];
            UndoStep {
                forward,
                step: Some(st),
                note,
            }
        }))
    }
}

/// The undo of a plan as a plan of its own, made as the plan is walked: each step's
/// [`Op::reverse`] is handed over once made, in plan order; [`Inverse::finish`] puts the inverse
/// steps in execution order by the same phases and rules as any plan (so foreign keys are
/// dropped first and added last on the way back too). Irreversible steps stay in the list,
/// without a step.
pub struct Inverse {
    undo: Undo,
}

impl Inverse {
    pub fn with_capacity(steps: usize) -> Inverse {
        Inverse {
            undo: Undo {
                irreversible: Vec::new(),
                steps: Vec::with_capacity(steps),
                origin: Vec::with_capacity(steps),
            },
        }
    }

    /// The reverse of `s`, the plan's step `i`.
    pub fn push(&mut self, i: usize, s: &Step, reverse: Reverse) {
        let u = &mut self.undo;
        let (op, note) = match reverse {
            Reverse::Exact(op) => (op, None),
            Reverse::StructureOnly(op, note) => (op, Some(note)),
            Reverse::Irreversible(note) => {
                u.irreversible.push((i, note));
                return;
            }
        };
        u.steps.push(Step {
            diff_id: s.diff_id.clone(),
            diff_index: s.diff_index,
            phase: op.phase(),
            op,
            seq: 0,
            rewritten: false,
        });
        u.origin.push((i, note));
    }

    /// The undo in execution order: the plan's steps taken last to first, then ordered.
    pub fn finish(self, dialect: Dialect) -> Undo {
        let mut u = self.undo;
        u.irreversible.reverse();
        u.steps.reverse();
        u.origin.reverse();
        for (seq, st) in u.steps.iter_mut().enumerate() {
            st.seq = seq;
        }
        order(&mut u.steps, dialect);
        u
    }
}

/// An index, unique constraint or primary key dropped and added again under the same name (a
/// changed definition): the drop is told what the new one is, so that a second run, finding it
/// already there, does not drop it again (which would fail once a foreign key depends on it).
fn mark_replacements(steps: &mut [Step]) {
    let drops = |s: &Step| {
        matches!(
            s.op,
            Op::DropIndex { .. } | Op::DropUnique { .. } | Op::DropPrimaryKey { .. }
        )
    };
    if !steps.iter().any(drops) {
        return;
    }
    // Looked up by borrowed names first; the steps are changed once the lookups are done.
    let mut added: HashMap<(&QualifiedName, &str), (&[Name], bool)> = HashMap::default();
    let mut added_pk: HashMap<&QualifiedName, (&Option<Name>, &[Name])> = HashMap::default();
    for s in steps.iter() {
        match &s.op {
            Op::CreateIndex { table, index, .. } => {
                added.insert((table, &index.name), (&index.columns, index.unique));
            }
            Op::AddUnique { table, unique } => {
                added.insert((table, &unique.name), (&unique.columns, true));
            }
            Op::AddPrimaryKey { table, pk } => {
                added_pk.insert(table, (&pk.name, &pk.columns));
            }
            _ => {}
        }
    }
    let replacement = |&(columns, unique): &(&[Name], bool)| Replacement {
        columns: columns.to_vec(),
        unique,
    };
    let found: Vec<Option<Replacement>> = steps
        .iter()
        .map(|s| match &s.op {
            Op::DropIndex { table, index, .. } => {
                added.get(&(table, index.name.as_str())).map(replacement)
            }
            Op::DropUnique { table, unique, .. } => {
                added.get(&(table, unique.name.as_str())).map(replacement)
            }
            // The same key only when it keeps its name (a renamed key is dropped and added).
            Op::DropPrimaryKey { table, pk, .. } => added_pk
                .get(table)
                .filter(|(name, _)| **name == pk.name)
                .map(|(_, columns)| replacement(&(columns, true))),
            _ => None,
        })
        .collect();
    for (s, found) in steps.iter_mut().zip(found) {
        match &mut s.op {
            Op::DropIndex { replaced_by, .. }
            | Op::DropUnique { replaced_by, .. }
            | Op::DropPrimaryKey { replaced_by, .. } => {
                s.rewritten |= found.is_some() || replaced_by.is_some();
                *replaced_by = found;
            }
            _ => {}
        }
    }
}

/// MySQL's own rules of order, on top of the phases:
/// - a table must keep at least one column: drop columns after adding them;
/// - an AUTO_INCREMENT column must be a key: a new one gets its primary key in the same
///   statement, a primary key that is replaced is replaced in one statement, and one that is only
///   dropped goes after the column changes;
/// - an index a foreign key uses cannot be dropped until another one can serve it: indexes that
///   are not re-created under the same name are dropped after the new ones exist.
fn mysql_order(steps: &mut Vec<Step>) {
    // Primary keys replaced by one diff become one step.
    let mut i = 0;
    while i < steps.len() {
        if let Op::DropPrimaryKey { table, pk: old, .. } = &steps[i].op {
            let (table, old, index) = (table.clone(), old.clone(), steps[i].diff_index);
            if let Some(j) = steps.iter().position(|s| {
                s.diff_index == index
                    && matches!(&s.op, Op::AddPrimaryKey { table: t, .. } if *t == table)
            }) {
                let Op::AddPrimaryKey { pk: new, .. } = steps[j].op.clone() else {
                    unreachable!()
                };
                steps[j].op = Op::ReplacePrimaryKey { table, old, new };
                steps[j].phase = Phase::AddConstraint;
                steps[j].rewritten = true;
                steps.remove(i);
                continue;
            }
        }
        i += 1;
    }
    let recreated: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::CreateIndex { table, index, .. } => Some((table.clone(), index.name.clone())),
            Op::AddUnique { table, unique } => Some((table.clone(), unique.name.clone())),
            _ => None,
        })
        .collect();
    let new_keys: Vec<(QualifiedName, PrimaryKey, bool)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AddPrimaryKey { table, pk } => Some((table.clone(), pk.clone(), false)),
            Op::ReplacePrimaryKey { table, new, .. } => Some((table.clone(), new.clone(), true)),
            _ => None,
        })
        .collect();
    let dropped: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::DropColumn { table, column } => Some((table.clone(), column.name.clone())),
            _ => None,
        })
        .collect();
    let added: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AddColumn { table, column, .. } => Some((table.clone(), column.name.clone())),
            _ => None,
        })
        .collect();
    for s in steps.iter_mut() {
        match &mut s.op {
            Op::ReplacePrimaryKey { table, old, new }
                if old
                    .columns
                    .iter()
                    .any(|c| dropped.contains(&(table.clone(), c.clone())))
                    && !new
                        .columns
                        .iter()
                        .any(|c| added.contains(&(table.clone(), c.clone()))) =>
            {
                s.phase = Phase::ReplaceKeyBeforeDrop
            }
            Op::DropColumn { .. } => s.phase = Phase::DropColumnAfterAdd,
            Op::DropPrimaryKey { .. } => s.phase = Phase::DropPrimaryKeyAfterAlter,
            Op::DropIndex { table, index, .. }
                if !recreated.contains(&(table.clone(), index.name.clone())) =>
            {
                s.phase = Phase::DropIndexAfterCreate
            }
            Op::DropUnique { table, unique, .. }
                if !recreated.contains(&(table.clone(), unique.name.clone())) =>
            {
                s.phase = Phase::DropIndexAfterCreate
            }
            Op::AddColumn {
                table,
                column,
                with_primary_key,
            } if column.auto_increment || column.identity.is_some() => {
                if let Some((_, pk, replaces)) = new_keys
                    .iter()
                    .find(|(t, pk, _)| t == table && pk.columns.contains(&column.name))
                {
                    *with_primary_key = Some((pk.clone(), *replaces));
                    s.rewritten = true;
                }
            }
            _ => {}
        }
    }
}

fn check_diff_id(id: &str, path: &Path) -> Result<()> {
    if id.is_empty()
        || id.len() > 200
        || (!id.bytes().all(|b| (0x20..0x7f).contains(&b))
            && id.chars().any(crate::text::is_unsafe_in_comment))
    {
        return Err(path.err(
            ErrorCode::InvalidValue,
            "a diff id must be 1 to 200 characters without control characters",
        ));
    }
    Ok(())
}

/// Checks a name from the report: not empty, no NUL or control characters, within the dialect's
/// limit. Never truncates.
#[inline(never)]
pub fn check_name(name: &str, dialect: Dialect, path: &Path, what: Option<&str>) -> Result<()> {
    // Most names are ASCII letters, digits and `_` within the limit in bytes (so in characters
    // too): none of the checks below can fail for them.
    let (max, _) = dialect.max_identifier();
    if !name.is_empty() && name.len() <= max && name.bytes().all(|b| PLAIN_NAME[usize::from(b)]) {
        return Ok(());
    }
    check_name_fully(name, dialect, path, what)
}

/// The bytes of the names [`check_name`] passes at once: ASCII letters, digits and `_`.
static PLAIN_NAME: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// [`check_name`] for any name: the error that names it, if there is one.
#[cold]
#[inline(never)]
fn check_name_fully(name: &str, dialect: Dialect, path: &Path, what: Option<&str>) -> Result<()> {
    let what = what.unwrap_or("name");
    if name.is_empty() {
        return Err(path.err(ErrorCode::InvalidName, format!("{} is empty", what)));
    }
    let maybe_control = name.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2);
    if let Some(c) = maybe_control
        .then(|| name.chars().find(|c| c.is_control()))
        .flatten()
    {
        return Err(path.err(
            ErrorCode::InvalidName,
            format!(
                "{} {:?} holds the control character U+{:04X}",
                what,
                crate::text::preview(name),
                c as u32
            ),
        ));
    }
    if crate::text::has_placeholder_start(name.as_bytes()) {
        return Err(path.err(
            ErrorCode::InvalidName,
            format!(
                "{} {:?} holds \"${{\", which Flyway would read as a placeholder",
                what,
                crate::text::preview(name)
            ),
        ));
    }
    let (max, unit) = dialect.max_identifier();
    let len = dialect.identifier_len(name);
    if len > max {
        return Err(path.err(
            ErrorCode::InvalidName,
            format!(
                "{} {:?} is {} {} long; {} allows at most {}",
                what,
                crate::text::preview(name),
                len,
                unit,
                dialect.name(),
                max
            ),
        ));
    }
    Ok(())
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

struct EnumInfo {
    schema: Option<String>,
    values: Vec<String>,
}

struct Reader {
    dialect: Dialect,
    /// Whether `object.schema` and `references.schema` are used.
    use_schemas: bool,
    default_schema: Option<String>,
    /// Enums named in the report (missing_enum, enum_values_mismatch, extra_enum): the values
    /// the spec wants, by name.
    enums: HashMap<String, EnumInfo>,
    /// Types already resolved, by their text, for columns that name no enum: a report repeats a
    /// few types many times.
    types: std::cell::RefCell<Vec<(String, SqlType)>>,
    /// The entry of `types` last used: tables list their columns' types in the same order, so
    /// the next lookup starts after it.
    last_type: std::cell::Cell<usize>,
    /// Schema names, shared by every object that names them.
    names: std::cell::RefCell<Vec<Rc<str>>>,
    plan: Plan,
}

impl Reader {
    fn push(&mut self, index: usize, id: &str, op: Op) {
        let phase = op.phase();
        let seq = self.plan.steps.len();
        let diff_id = match self.plan.steps.last() {
            Some(last) if last.diff_index == index => last.diff_id.clone(),
            _ => Rc::from(id),
        };
        self.plan.steps.push(Step {
            diff_id,
            diff_index: index,
            op,
            phase,
            seq,
            rewritten: false,
        });
    }

    fn warn(&mut self, code: &'static str, message: String, id: Option<&str>, path: Option<&Path>) {
        self.plan.warnings.push(Warning {
            code,
            message,
            diff_id: id.map(str::to_string),
            path: path.map(|p| p.render()),
        });
    }

    /// First pass: the enums the report names, so columns anywhere can use them.
    fn collect_enums(&mut self, diffs: &[report::Diff]) {
        for diff in diffs {
            let kind = diff.kind.as_deref();
            if !names_enum_values(kind) {
                continue;
            }
            let side = if kind == Some("extra_enum") {
                diff.actual.as_deref()
            } else {
                diff.expected.as_deref()
            };
            let Some(payload) = side else { continue };
            let object = diff.object.as_ref();
            let name = payload
                .name
                .as_deref()
                .or(object.and_then(|o| o.enum_name.as_deref()));
            let values = payload.values.as_ref().or(payload.enum_values.as_ref());
            if let (Some(name), Some(values)) = (name, values) {
                let schema = object
                    .and_then(|o| o.schema.as_deref())
                    .or(self.default_schema.as_deref())
                    .map(str::to_string);
                self.enums.entry(name.to_string()).or_insert(EnumInfo {
                    schema,
                    values: values.iter().map(|v| v.to_string()).collect(),
                });
            }
        }
    }

    fn diff(
        &mut self,
        index: usize,
        id: &str,
        kind: &str,
        diff: &report::Diff,
        path: &Path,
    ) -> Result<()> {
        let d = self.dialect;
        let exp_path = path.key("expected");
        let act_path = path.key("actual");
        let obj_path = path.key("object");
        match kind {
            "missing_table" => {
                let payload = require(&diff.expected, &exp_path, "a Table")?;
                let name = self.table_name(diff, Some(payload), path)?;
                let mut table = self.table(name, payload, &exp_path)?;
                let fks = std::mem::take(&mut table.foreign_keys);
                let indexes = std::mem::take(&mut table.indexes);
                let tname = table.name.clone();
                self.push(
                    index,
                    id,
                    Op::CreateTable {
                        table: Rc::new(table),
                    },
                );
                for index_def in indexes {
                    self.push(
                        index,
                        id,
                        Op::CreateIndex {
                            table: tname.clone(),
                            index: index_def.into(),
                            concurrently: false,
                        },
                    );
                }
                for fk in fks {
                    self.push(
                        index,
                        id,
                        Op::AddForeignKey {
                            table: tname.clone(),
                            fk: fk.into(),
                        },
                    );
                }
            }
            "extra_table" => {
                let payload = require(&diff.actual, &act_path, "a Table")?;
                let name = self.table_name(diff, Some(payload), path)?;
                let mut table = self.table(name, payload, &act_path)?;
                let tname = table.name.clone();
                for fk in std::mem::take(&mut table.foreign_keys) {
                    self.push(
                        index,
                        id,
                        Op::DropForeignKey {
                            table: tname.clone(),
                            fk: fk.into(),
                        },
                    );
                }
                self.push(
                    index,
                    id,
                    Op::DropTable {
                        table: Rc::new(table),
                    },
                );
            }
            "renamed_table" => {
                let to = self.table_name(diff, diff.expected.as_deref(), path)?;
                let old = require(&diff.actual, &act_path, "`{name}` (the old name)")?;
                let old_name = required_str(&old.name, &act_path.key("name"))?;
                check_name(old_name, d, &act_path.key("name"), Some("table name"))?;
                let from = QualifiedName {
                    schema: to.schema.clone(),
                    name: Rc::from(old_name),
                };
                self.push(index, id, Op::RenameTable { from, to });
            }
            "missing_column" => {
                let table = self.table_name(diff, None, path)?;
                let payload = require(&diff.expected, &exp_path, "a Column")?;
                if let Some(name) = object_column(diff) {
                    check_name(name, d, &obj_path.key("column"), Some("column name"))?;
                }
                let column = self.column(&payload.column(), object_column(diff), &exp_path)?;
                self.push(
                    index,
                    id,
                    Op::AddColumn {
                        table,
                        column: Rc::new(column),
                        with_primary_key: None,
                    },
                );
            }
            "extra_column" => {
                let table = self.table_name(diff, None, path)?;
                let payload = require(&diff.actual, &act_path, "a Column")?;
                if let Some(name) = object_column(diff) {
                    check_name(name, d, &obj_path.key("column"), Some("column name"))?;
                }
                let column = self.column(&payload.column(), object_column(diff), &act_path)?;
                self.push(
                    index,
                    id,
                    Op::DropColumn {
                        table,
                        column: Rc::new(column),
                    },
                );
            }
            "renamed_column" => {
                let table = self.table_name(diff, None, path)?;
                let to = match object_column(diff)
                    .or(diff.expected.as_deref().and_then(|p| p.name.as_deref()))
                {
                    Some(n) => Name::new(n),
                    None => {
                        return Err(obj_path.key("column").err(
                            ErrorCode::MissingField,
                            "renamed_column needs the new column name",
                        ))
                    }
                };
                check_name(&to, d, &obj_path.key("column"), Some("column name"))?;
                let old = require(&diff.actual, &act_path, "`{name}` (the old name)")?;
                let from = Name::new(required_str(&old.name, &act_path.key("name"))?);
                check_name(&from, d, &act_path.key("name"), Some("column name"))?;
                self.push(index, id, Op::RenameColumn { table, from, to });
            }
            "type_mismatch" | "nullability_mismatch" | "default_mismatch" => {
                let change = match kind {
                    "type_mismatch" => ColumnChange::Type,
                    "nullability_mismatch" => ColumnChange::Nullability,
                    _ => ColumnChange::Default,
                };
                let table = self.table_name(diff, None, path)?;
                let column = self.column_name(diff, path)?;
                let states = self.column_states(id, change, diff, path)?;
                self.push(
                    index,
                    id,
                    Op::AlterColumn {
                        table,
                        column,
                        change,
                        states: Box::new(states),
                    },
                );
            }
            "primary_key_mismatch" => {
                let table = self.table_name(diff, None, path)?;
                if let Some(old) = &diff.actual {
                    let pk = self.primary_key(old, &act_path)?;
                    self.push(
                        index,
                        id,
                        Op::DropPrimaryKey {
                            table: table.clone(),
                            pk,
                            replaced_by: None,
                        },
                    );
                }
                if let Some(new) = &diff.expected {
                    let pk = self.primary_key(new, &exp_path)?;
                    self.push(index, id, Op::AddPrimaryKey { table, pk });
                }
            }
            "missing_foreign_key" | "extra_foreign_key" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_foreign_key" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "a ForeignKey")?;
                let raw = report::ForeignKey {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.constraint.clone())),
                    columns: payload.columns.clone(),
                    references: payload.references.clone(),
                    on_delete: payload.on_delete.clone(),
                    on_update: payload.on_update.clone(),
                };
                let fk = self.foreign_key(&table, &raw, p)?;
                let op = if kind == "missing_foreign_key" {
                    Op::AddForeignKey {
                        table,
                        fk: fk.into(),
                    }
                } else {
                    Op::DropForeignKey {
                        table,
                        fk: fk.into(),
                    }
                };
                self.push(index, id, op);
            }
            "missing_unique" | "extra_unique" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_unique" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "a Unique")?;
                let key = report::Key {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.constraint.clone())),
                    columns: payload.columns.clone(),
                };
                let unique = self.unique(&table, &key, p)?;
                let op = if kind == "missing_unique" {
                    Op::AddUnique { table, unique }
                } else {
                    Op::DropUnique {
                        table,
                        unique,
                        replaced_by: None,
                    }
                };
                self.push(index, id, op);
            }
            "missing_index" | "extra_index" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_index" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "an Index")?;
                let raw = report::Index {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.index.clone())),
                    columns: payload.columns.clone(),
                    unique: payload.unique,
                };
                let index_def = self.index(&table, &raw, p)?;
                let op = if kind == "missing_index" {
                    Op::CreateIndex {
                        table,
                        index: index_def.into(),
                        concurrently: false,
                    }
                } else {
                    Op::DropIndex {
                        table,
                        index: index_def.into(),
                        replaced_by: None,
                    }
                };
                self.push(index, id, op);
            }
            "missing_check" | "extra_check" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_check" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "a Check")?;
                let raw = report::Check {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.constraint.clone())),
                    expression: payload.expression.clone(),
                };
                let check = self.check(&table, &raw, p)?;
                let op = if kind == "missing_check" {
                    Op::AddCheck { table, check }
                } else {
                    Op::DropCheck { table, check }
                };
                self.push(index, id, op);
            }
            "missing_enum" | "extra_enum" => {
                let (side, p) = if kind == "missing_enum" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "an Enum")?;
                let en = self.enum_def(diff, payload, p, path)?;
                match d {
                    Dialect::Postgres => {
                        let op = if kind == "missing_enum" {
                            Op::CreateEnum { en }
                        } else {
                            Op::DropEnum { en }
                        };
                        self.push(index, id, op);
                    }
                    // MySQL enums live on their columns: the column's own diff carries the change.
                    Dialect::MySql => {}
                }
            }
            "enum_values_mismatch" => self.enum_values(index, id, diff, path)?,
            other => {
                self.warn(
                    "unknown_diff_kind",
                    format!(
                        "diff kind {:?} is not known to this generator; the diff is skipped",
                        crate::text::preview(other)
                    ),
                    Some(id),
                    Some(&path.key("kind")),
                );
            }
        }
        Ok(())
    }

    fn enum_values(
        &mut self,
        index: usize,
        id: &str,
        diff: &report::Diff,
        path: &Path,
    ) -> Result<()> {
        let exp_path = path.key("expected");
        let act_path = path.key("actual");
        let expected = require(&diff.expected, &exp_path, "`{values}`")?;
        let actual = require(&diff.actual, &act_path, "`{values}`")?;
        let new_values = self.values(
            expected.values.as_ref().or(expected.enum_values.as_ref()),
            &exp_path.key("values"),
        )?;
        let old_values = self.values(
            actual.values.as_ref().or(actual.enum_values.as_ref()),
            &act_path.key("values"),
        )?;
        match self.dialect {
            Dialect::Postgres => {
                let en = self.enum_name(diff, Some(expected), path)?;
                // Added values keep their place: each goes after its predecessor in the new list
                // (or before the first old value when it comes first).
                let old: HashSet<&str> = old_values.iter().map(String::as_str).collect();
                // The values as PostgreSQL holds them after each addition.
                let mut state = old_values.clone();
                for (i, v) in new_values.iter().enumerate() {
                    if old.contains(v.as_str()) {
                        continue;
                    }
                    let (before, after) = if i == 0 {
                        (
                            new_values
                                .iter()
                                .find(|x| old.contains(x.as_str()))
                                .cloned(),
                            None,
                        )
                    } else {
                        (None, Some(new_values[i - 1].clone()))
                    };
                    let restore = state.clone();
                    let at = match (&before, &after) {
                        (Some(b), _) => state.iter().position(|x| x == b).unwrap_or(0),
                        (None, Some(a)) => state
                            .iter()
                            .position(|x| x == a)
                            .map_or(state.len(), |p| p + 1),
                        (None, None) => state.len(),
                    };
                    state.insert(at, v.clone());
                    self.push(
                        index,
                        id,
                        Op::AddEnumValue {
                            en: en.name.clone(),
                            value: v.clone(),
                            before,
                            after,
                            restore,
                        },
                    );
                }
                let new: HashSet<&str> = new_values.iter().map(String::as_str).collect();
                let kept_in_order: Vec<&String> = old_values
                    .iter()
                    .filter(|v| new.contains(v.as_str()))
                    .collect();
                let new_kept: Vec<&String> = new_values
                    .iter()
                    .filter(|v| old.contains(v.as_str()))
                    .collect();
                if old_values.iter().any(|v| !new.contains(v.as_str())) || kept_in_order != new_kept
                {
                    self.push(
                        index,
                        id,
                        Op::RemoveEnumValues {
                            en: en.name,
                            from: old_values,
                            to: new_values,
                        },
                    );
                }
            }
            Dialect::MySql => {
                if object_column(diff).is_none() {
                    self.warn(
                        "enum_without_column",
                        "MySQL keeps enum values on columns and this diff names no column (object.table and object.column): \
                         columns this migration creates get the new values; existing columns are left as they are"
                            .to_string(),
                        Some(id),
                        Some(&path.key("object")),
                    );
                    return Ok(());
                }
                let table = self.table_name(diff, None, path)?;
                let column = self.column_name(diff, path)?;
                let mut states = self.column_states(id, ColumnChange::EnumValues, diff, path)?;
                states.to.ty = Some(SqlType::MySqlEnum(new_values));
                states.from.ty = Some(SqlType::MySqlEnum(old_values));
                self.push(
                    index,
                    id,
                    Op::AlterColumn {
                        table,
                        column,
                        change: ColumnChange::EnumValues,
                        states: Box::new(states),
                    },
                );
            }
        }
        Ok(())
    }

    fn values(&self, values: Option<&Vec<report::Str>>, path: &Path) -> Result<Vec<String>> {
        let values = values
            .ok_or_else(|| path.err(ErrorCode::MissingField, "the enum's `values` are missing"))?;
        let mut seen = HashSet::default();
        for (i, v) in values.iter().enumerate() {
            check_enum_value(v, self.dialect, &path.index(i))?;
            if !seen.insert(&**v) {
                return Err(path.index(i).err(
                    ErrorCode::InvalidValue,
                    format!("enum value {:?} is listed twice", crate::text::preview(v)),
                ));
            }
        }
        Ok(values.iter().map(|v| v.to_string()).collect())
    }

    fn enum_name(
        &self,
        diff: &report::Diff,
        payload: Option<&Payload>,
        path: &Path,
    ) -> Result<Enum> {
        let object = diff.object.as_ref();
        let name = object
            .and_then(|o| o.enum_name.as_deref())
            .or(payload.and_then(|p| p.name.as_deref()))
            .ok_or_else(|| {
                path.key("object").key("enum").err(
                    ErrorCode::MissingField,
                    "the diff does not name its enum (`object.enum`)",
                )
            })?;
        check_name(
            name,
            self.dialect,
            &path.key("object").key("enum"),
            Some("enum name"),
        )?;
        let schema = self.schema_of(
            object.and_then(|o| o.schema.as_deref()),
            &path.key("object").key("schema"),
        )?;
        Ok(Enum {
            name: QualifiedName {
                schema,
                name: Rc::from(name),
            },
            values: Vec::new(),
        })
    }

    fn enum_def(
        &self,
        diff: &report::Diff,
        payload: &Payload,
        p: &Path,
        path: &Path,
    ) -> Result<Enum> {
        let mut en = self.enum_name(diff, Some(payload), path)?;
        en.values = self.values(
            payload.values.as_ref().or(payload.enum_values.as_ref()),
            &p.key("values"),
        )?;
        Ok(en)
    }

    fn schema_of(&self, schema: Option<&str>, path: &Path) -> Result<Option<Rc<str>>> {
        if !self.use_schemas {
            return Ok(None);
        }
        match schema.or(self.default_schema.as_deref()) {
            Some(s) => {
                check_name(s, self.dialect, path, Some("schema name"))?;
                Ok(Some(self.shared(s)))
            }
            None => Ok(None),
        }
    }

    /// `name` as a shared string: the same one each time for the few names a report repeats on
    /// every object (schemas).
    fn shared(&self, name: &str) -> Rc<str> {
        let mut names = self.names.borrow_mut();
        if let Some(n) = names.iter().find(|n| &***n == name) {
            return n.clone();
        }
        let n: Rc<str> = Rc::from(name);
        if names.len() < 16 {
            names.push(n.clone());
        }
        n
    }

    fn table_name(
        &self,
        diff: &report::Diff,
        payload: Option<&Payload>,
        path: &Path,
    ) -> Result<QualifiedName> {
        let object = diff.object.as_ref();
        let obj_path = path.key("object");
        let name = object
            .and_then(|o| o.table.as_deref())
            .or(payload.and_then(|p| p.name.as_deref()))
            .ok_or_else(|| {
                obj_path.key("table").err(
                    ErrorCode::MissingField,
                    "the diff does not name its table (`object.table`)",
                )
            })?;
        check_name(
            name,
            self.dialect,
            &obj_path.key("table"),
            Some("table name"),
        )?;
        let schema = self.schema_of(
            object.and_then(|o| o.schema.as_deref()),
            &obj_path.key("schema"),
        )?;
        Ok(QualifiedName {
            schema,
            name: Rc::from(name),
        })
    }

    fn column_name(&self, diff: &report::Diff, path: &Path) -> Result<Name> {
        let name = object_column(diff)
            .or(diff.expected.as_deref().and_then(|p| p.name.as_deref()))
            .or(diff.actual.as_deref().and_then(|p| p.name.as_deref()))
            .ok_or_else(|| {
                path.key("object").key("column").err(
                    ErrorCode::MissingField,
                    "the diff does not name its column (`object.column`)",
                )
            })?;
        check_name(
            name,
            self.dialect,
            &path.key("object").key("column"),
            Some("column name"),
        )?;
        Ok(Name::new(name))
    }

    fn table(&self, name: QualifiedName, payload: &Payload, path: &Path) -> Result<Table> {
        let cols_path = path.key("columns");
        let entries = payload
            .columns
            .as_ref()
            .ok_or_else(|| cols_path.err(ErrorCode::MissingField, "a Table needs `columns`"))?;
        let mut columns: Vec<Column> = Vec::with_capacity(entries.len());
        // Few columns are compared one by one; many, through a set (no quadratic time).
        let mut names: HashSet<&str> = HashSet::default();
        for (i, entry) in entries.iter().enumerate() {
            let p = cols_path.index(i);
            let ColumnEntry::Column(c) = entry else {
                return Err(p.err(
                    ErrorCode::InvalidValue,
                    "a Table's columns must be Column objects, not names",
                ));
            };
            let column = self.column(c, None, &p)?;
            let seen = if entries.len() <= 16 {
                columns.iter().any(|x| x.name == column.name)
            } else {
                !names.insert(c.name.as_deref().unwrap_or_default())
            };
            if seen {
                return Err(p.key("name").err(
                    ErrorCode::InvalidValue,
                    format!("column {:?} appears twice", column.name),
                ));
            }
            columns.push(column);
        }
        if columns.is_empty() && self.dialect == Dialect::MySql {
            return Err(cols_path.err(
                ErrorCode::InvalidValue,
                "MySQL tables need at least one column",
            ));
        }
        let primary_key = match &payload.primary_key {
            Some(pk) => Some(self.primary_key_key(pk, &path.key("primary_key"))?),
            None => None,
        };
        let mut foreign_keys = Vec::new();
        for (i, fk) in payload.foreign_keys.iter().flatten().enumerate() {
            foreign_keys.push(self.foreign_key(&name, fk, &path.key("foreign_keys").index(i))?);
        }
        let mut uniques = Vec::new();
        for (i, u) in payload.unique_constraints.iter().flatten().enumerate() {
            uniques.push(self.unique(&name, u, &path.key("unique_constraints").index(i))?);
        }
        let mut indexes = Vec::new();
        for (i, ix) in payload.indexes.iter().flatten().enumerate() {
            indexes.push(self.index(&name, ix, &path.key("indexes").index(i))?);
        }
        let mut checks = Vec::new();
        for (i, c) in payload.checks.iter().flatten().enumerate() {
            checks.push(self.check(&name, c, &path.key("checks").index(i))?);
        }
        Ok(Table {
            name,
            columns,
            primary_key,
            foreign_keys,
            uniques,
            indexes,
            checks,
            comment: check_comment(&payload.comment, self.dialect, 2048, &path.key("comment"))?,
        })
    }

    fn column(
        &self,
        c: &report::Column,
        object_column: Option<&str>,
        path: &Path,
    ) -> Result<Column> {
        if let (Some(o), Some(n)) = (object_column, c.name.as_deref()) {
            if o != n {
                return Err(path.key("name").err(
                    ErrorCode::InvalidValue,
                    format!(
                        "the diff names two columns: object.column {:?} and expected.name {:?}",
                        crate::text::preview(o),
                        crate::text::preview(n)
                    ),
                ));
            }
        }
        let name = object_column.or(c.name.as_deref()).ok_or_else(|| {
            path.key("name")
                .err(ErrorCode::MissingField, "a Column needs a `name`")
        })?;
        check_name(name, self.dialect, &path.key("name"), Some("column name"))?;
        let ty_text = required_str(&c.type_name, &path.key("type"))?;
        let ty = self.resolve_type(ty_text, c, path)?;
        let default = match &c.default {
            Some(Some(d)) => Some(self.default_value(d, &path.key("default"))?),
            _ => None,
        };
        number_fits(&ty, default.as_ref(), &path.key("default"))?;
        let identity = self.identity(c, &path.key("identity"))?;
        Ok(Column {
            name: Name::new(name),
            ty,
            nullable: c.nullable.unwrap_or(true),
            default,
            identity,
            auto_increment: c.auto_increment.unwrap_or(false),
            comment: check_comment(&c.comment, self.dialect, 1024, &path.key("comment"))?,
        })
    }

    fn identity(&self, c: &report::Column, path: &Path) -> Result<Option<Identity>> {
        if c.serial == Some(true) {
            return Ok(Some(Identity::Serial));
        }
        match c.identity.as_deref() {
            None => Ok(None),
            Some("always") => Ok(Some(Identity::Always)),
            Some("by_default") => Ok(Some(Identity::ByDefault)),
            Some(other) => Err(path.err(
                ErrorCode::InvalidValue,
                format!(
                    "identity must be \"always\" or \"by_default\", not {:?}",
                    crate::text::preview(other)
                ),
            )),
        }
    }

    /// `column` is the JSON path of the Column; errors name its `type`, `enum` or `enum_values`.
    fn resolve_type(&self, ty_text: &str, c: &report::Column, column: &Path) -> Result<SqlType> {
        let enum_name = c.enum_name.as_deref();
        let plain = enum_name.is_none() && c.enum_values.is_none() && c.values.is_none();
        if plain {
            let cache = self.types.borrow();
            let n = cache.len();
            let mut i = self.last_type.get();
            for _ in 0..n {
                i = if i + 1 >= n { 0 } else { i + 1 };
                if cache[i].0 == ty_text {
                    self.last_type.set(i);
                    return Ok(cache[i].1.clone());
                }
            }
        }
        let info = enum_name.and_then(|n| self.enums.get(n));
        if let Some(n) = enum_name {
            check_name(n, self.dialect, &column.key("enum"), Some("enum name"))?;
        }
        // MySQL's enum_values_mismatch carries a whole Column plus its `values` on each side.
        let values: Option<Vec<&str>> = c
            .enum_values
            .as_deref()
            .or(c.values.as_deref())
            .map(|vs| vs.iter().map(|v| &**v).collect())
            .or_else(|| info.map(|i| i.values.iter().map(String::as_str).collect()));
        if let Some(vs) = &values {
            let key = if c.enum_values.is_some() {
                "enum_values"
            } else {
                "values"
            };
            for (i, v) in vs.iter().enumerate() {
                check_enum_value(v, self.dialect, &column.key(key).index(i))?;
            }
        }
        let spec = TypeSpec {
            type_name: ty_text,
            enum_name,
            enum_values: values.as_deref(),
            enum_schema: info.and_then(|i| i.schema.as_deref()),
        };
        let t = types::resolve(&spec, self.dialect)
            .map_err(|m| column.key("type").err(ErrorCode::InvalidType, m))?;
        if plain {
            let mut cache = self.types.borrow_mut();
            // A few, looked up one by one: a report repeats a handful of types.
            if cache.len() < 16 {
                cache.push((ty_text.to_string(), t.clone()));
                self.last_type.set(cache.len() - 1);
            }
        }
        Ok(t)
    }

    fn default_value(&self, d: &report::Default, path: &Path) -> Result<DefaultValue> {
        let kind = required_str(&d.kind, &path.key("kind"))?;
        let vpath = path.key("value");
        let Some(value) = d.value.as_ref() else {
            return Err(vpath.err(ErrorCode::MissingField, "a Default needs a `value`"));
        };
        match kind {
            "literal" => match value {
                report::Value::Null => Ok(DefaultValue::Null),
                report::Value::Bool(b) => Ok(DefaultValue::Bool(*b)),
                report::Value::Number(n) => Ok(DefaultValue::Number(report::number_string(n))),
                report::Value::String(s) => {
                    if s.contains('\0') {
                        return Err(vpath.err(
                            ErrorCode::InvalidDefault,
                            "a default value cannot hold a NUL character",
                        ));
                    }
                    Ok(DefaultValue::Str(s.to_string()))
                }
                other => Ok(DefaultValue::Str(other.to_json())),
            },
            "expression" => {
                let report::Value::String(text) = value else {
                    return Err(vpath.err(
                        ErrorCode::InvalidDefault,
                        "an expression default's `value` must be a string",
                    ));
                };
                known_expr(text, self.dialect)
                    .map(DefaultValue::Expr)
                    .ok_or_else(|| {
                        vpath.err(
                            ErrorCode::InvalidDefault,
                            format!(
                                "default expression {:?} is not in the known set for {} ({})",
                                crate::text::preview(text),
                                self.dialect.name(),
                                known_expr_list(self.dialect)
                            ),
                        )
                    })
            }
            other => Err(path.key("kind").err(
                ErrorCode::InvalidDefault,
                format!(
                    "a Default's kind must be \"literal\" or \"expression\", not {:?}",
                    crate::text::preview(other)
                ),
            )),
        }
    }

    fn name_list(&self, cols: &Option<Vec<ColumnEntry>>, path: &Path) -> Result<Vec<Name>> {
        let cols = cols
            .as_ref()
            .ok_or_else(|| path.err(ErrorCode::MissingField, "`columns` is missing"))?;
        if cols.is_empty() {
            return Err(path.err(ErrorCode::InvalidValue, "`columns` is empty"));
        }
        let mut out = Vec::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            let name = match c {
                ColumnEntry::Name(n) => &**n,
                ColumnEntry::Column(c) => c.name.as_deref().unwrap_or_default(),
            };
            check_name(name, self.dialect, &path.index(i), Some("column name"))?;
            out.push(Name::new(name));
        }
        Ok(out)
    }

    fn constraint_name(
        &self,
        name: Option<&str>,
        table: &QualifiedName,
        columns: &[Name],
        suffix: &str,
        path: &Path,
    ) -> Result<Name> {
        match name {
            Some(n) => {
                check_name(n, self.dialect, path, Some("constraint name"))?;
                Ok(Name::new(n))
            }
            None => Ok(derive_name(&table.name, columns, suffix, self.dialect)),
        }
    }

    fn primary_key(&self, payload: &Payload, path: &Path) -> Result<PrimaryKey> {
        let key = report::Key {
            name: payload.name.clone(),
            columns: payload.columns.clone(),
        };
        self.primary_key_key(&key, path)
    }

    fn primary_key_key(&self, key: &report::Key, path: &Path) -> Result<PrimaryKey> {
        let columns = self.name_list(&key.columns, &path.key("columns"))?;
        if let Some(n) = &key.name {
            check_name(n, self.dialect, &path.key("name"), Some("constraint name"))?;
        }
        Ok(PrimaryKey {
            name: key.name.as_deref().map(Name::new),
            columns,
        })
    }

    fn foreign_key(
        &self,
        table: &QualifiedName,
        fk: &report::ForeignKey,
        path: &Path,
    ) -> Result<ForeignKey> {
        let columns = self.name_list(&fk.columns, &path.key("columns"))?;
        let rpath = path.key("references");
        let r = fk
            .references
            .as_ref()
            .ok_or_else(|| rpath.err(ErrorCode::MissingField, "a ForeignKey needs `references`"))?;
        let rtable = required_str(&r.table, &rpath.key("table"))?;
        check_name(
            rtable,
            self.dialect,
            &rpath.key("table"),
            Some("table name"),
        )?;
        let rschema = match r.schema.as_deref().filter(|_| self.use_schemas) {
            Some(s) => {
                check_name(s, self.dialect, &rpath.key("schema"), Some("schema name"))?;
                Some(self.shared(s))
            }
            None => table.schema.clone(),
        };
        let ref_columns = self.name_list(&r.columns, &rpath.key("columns"))?;
        if ref_columns.len() != columns.len() {
            return Err(rpath.key("columns").err(
                ErrorCode::InvalidValue,
                format!(
                    "the foreign key has {} columns but references {}",
                    columns.len(),
                    ref_columns.len()
                ),
            ));
        }
        let name = self.constraint_name(
            fk.name.as_deref(),
            table,
            &columns,
            "fkey",
            &path.key("name"),
        )?;
        Ok(ForeignKey {
            name,
            columns,
            ref_table: QualifiedName {
                schema: rschema,
                name: Rc::from(rtable),
            },
            ref_columns,
            on_delete: self.fk_action(fk.on_delete.as_deref(), &path.key("on_delete"))?,
            on_update: self.fk_action(fk.on_update.as_deref(), &path.key("on_update"))?,
        })
    }

    fn fk_action(&self, action: Option<&str>, path: &Path) -> Result<Option<FkAction>> {
        let a = fk_action(action, path)?;
        if self.dialect == Dialect::MySql && a == Some(FkAction::SetDefault) {
            return Err(path.err(
                ErrorCode::Unsupported,
                "MySQL's InnoDB rejects SET DEFAULT as a foreign-key action (MySQL 8.0 manual, FOREIGN KEY constraints)",
            ));
        }
        Ok(a)
    }

    fn unique(&self, table: &QualifiedName, key: &report::Key, path: &Path) -> Result<Unique> {
        let columns = self.name_list(&key.columns, &path.key("columns"))?;
        let name = self.constraint_name(
            key.name.as_deref(),
            table,
            &columns,
            "key",
            &path.key("name"),
        )?;
        Ok(Unique { name, columns })
    }

    fn index(&self, table: &QualifiedName, ix: &report::Index, path: &Path) -> Result<Index> {
        let columns = self.name_list(&ix.columns, &path.key("columns"))?;
        let name = self.constraint_name(
            ix.name.as_deref(),
            table,
            &columns,
            "idx",
            &path.key("name"),
        )?;
        Ok(Index {
            name,
            columns,
            unique: ix.unique.unwrap_or(false),
        })
    }

    fn check(&self, table: &QualifiedName, c: &report::Check, path: &Path) -> Result<Check> {
        let expr = required_str(&c.expression, &path.key("expression"))?;
        let expression = crate::check::sanitize(expr, self.dialect)
            .map_err(|m| path.key("expression").err(ErrorCode::InvalidCheck, m))?;
        let name =
            self.constraint_name(c.name.as_deref(), table, &[], "check", &path.key("name"))?;
        Ok(Check { name, expression })
    }

    /// Reads both sides of a column-level diff. Attributes `expected` leaves out are taken from
    /// `actual` (they did not change); MySQL restates the whole column, so there a missing
    /// attribute is a warning, and one missing on both sides an error.
    fn column_states(
        &mut self,
        id: &str,
        change: ColumnChange,
        diff: &report::Diff,
        path: &Path,
    ) -> Result<ColumnStates> {
        let exp_path = path.key("expected");
        let act_path = path.key("actual");
        let expected = require(&diff.expected, &exp_path, "a Column")?;
        let actual = require(&diff.actual, &act_path, "a Column")?;
        let from = self.partial(&actual.column(), &act_path)?;
        let mut to = self.partial(&expected.column(), &exp_path)?;
        let mysql = self.dialect == Dialect::MySql;
        let mut missing = Vec::new();
        let mut inherited = Vec::new();
        if to.ty.is_none() {
            if from.ty.is_some() {
                to.ty = from.ty.clone();
                inherited.push("type");
            } else {
                missing.push("type");
            }
        }
        if to.nullable.is_none() {
            if from.nullable.is_some() {
                to.nullable = from.nullable;
                inherited.push("nullable");
            } else {
                missing.push("nullable");
            }
        }
        if to.default.is_none() {
            if from.default.is_some() {
                to.default = from.default.clone();
                inherited.push("default");
            } else {
                missing.push("default");
            }
        }
        if to.comment.is_none() {
            to.comment = from.comment.clone();
        }
        let needed: &[&str] = match (mysql, change) {
            (true, _) => &["type", "nullable", "default"],
            (false, ColumnChange::Type) => &["type"],
            (false, ColumnChange::Nullability) => &["nullable"],
            (false, _) => &[],
        };
        if let Some(m) = missing.iter().find(|m| needed.contains(m)) {
            return Err(exp_path.key(m).err(
                ErrorCode::MissingField,
                format!(
                    "`{}` is absent on both sides of the diff; {} needs it to restate the column",
                    m,
                    self.dialect.name()
                ),
            ));
        }
        if mysql && !inherited.is_empty() {
            self.warn(
                "attribute_from_actual",
                format!(
                    "MySQL restates the whole column; {} taken from `actual` (unchanged)",
                    inherited.join(", ")
                ),
                Some(id),
                Some(&exp_path),
            );
        }
        Ok(ColumnStates { to, from })
    }

    fn partial(&self, c: &report::Column, path: &Path) -> Result<PartialColumn> {
        let ty = match c.type_name.as_deref() {
            Some(t) => Some(self.resolve_type(t, c, path)?),
            None => None,
        };
        let default = match &c.default {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => Some(Some(self.default_value(d, &path.key("default"))?)),
        };
        if let (Some(t), Some(Some(d))) = (&ty, &default) {
            number_fits(t, Some(d), &path.key("default"))?;
        }
        Ok(PartialColumn {
            ty,
            nullable: c.nullable,
            default,
            identity: self.identity(c, &path.key("identity"))?,
            auto_increment: c.auto_increment.unwrap_or(false),
            comment: check_comment(&c.comment, self.dialect, 1024, &path.key("comment"))?,
        })
    }
}

fn object_column<'a>(diff: &'a report::Diff) -> Option<&'a str> {
    diff.object.as_ref().and_then(|o| o.column.as_deref())
}

fn require<'a, 'r>(
    side: &'a Option<Box<Payload<'r>>>,
    path: &Path,
    what: &str,
) -> Result<&'a Payload<'r>> {
    side.as_deref().ok_or_else(|| {
        path.err(
            ErrorCode::MissingField,
            format!("this diff kind needs {} here", what),
        )
    })
}

fn required_str<'a>(value: &'a Option<report::Str>, path: &Path) -> Result<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| path.err(ErrorCode::MissingField, "this field is required"))
}

/// A table or column comment: any text but NUL, which no server stores; on MySQL at most
/// `mysql_max` characters (2048 for a table, 1024 for a column).
fn check_comment(
    comment: &Option<report::Str>,
    dialect: Dialect,
    mysql_max: usize,
    path: &Path,
) -> Result<Option<String>> {
    match comment {
        Some(c) if c.contains('\0') => Err(path.err(
            ErrorCode::InvalidValue,
            "a comment cannot hold a NUL character",
        )),
        Some(c) if dialect == Dialect::MySql && c.chars().count() > mysql_max => Err(path.err(
            ErrorCode::InvalidValue,
            format!(
                "this comment is {} characters long; MySQL allows at most {}",
                c.chars().count(),
                mysql_max
            ),
        )),
        other => Ok(other.as_deref().map(str::to_string)),
    }
}

/// An enum value: not empty, no NUL, and within the dialect's limit (PostgreSQL labels are at
/// most 63 bytes; MySQL ENUM elements at most 255 characters).
fn check_enum_value(v: &str, dialect: Dialect, path: &Path) -> Result<()> {
    let (len, max, unit) = match dialect {
        Dialect::Postgres => (v.len(), 63, "bytes"),
        Dialect::MySql => (v.chars().count(), 255, "characters"),
    };
    if v.is_empty() || v.contains('\0') || len > max {
        return Err(path.err(
            ErrorCode::InvalidValue,
            format!(
                "an enum value must be 1 to {} {} without NUL on {}",
                max,
                unit,
                dialect.name()
            ),
        ));
    }
    Ok(())
}

fn fk_action(action: Option<&str>, path: &Path) -> Result<Option<FkAction>> {
    Ok(match action {
        None => None,
        Some("cascade") => Some(FkAction::Cascade),
        Some("restrict") => Some(FkAction::Restrict),
        Some("set_null") => Some(FkAction::SetNull),
        Some("set_default") => Some(FkAction::SetDefault),
        Some("no_action") => Some(FkAction::NoAction),
        Some(other) => {
            return Err(path.err(
                ErrorCode::InvalidValue,
                format!("a foreign-key action must be cascade, restrict, set_null, set_default or no_action, not {:?}", crate::text::preview(other)),
            ))
        }
    })
}

/// Reads a default expression if it is in the dialect's known set.
pub fn known_expr(text: &str, dialect: Dialect) -> Option<KnownExpr> {
    // Most expressions are written as they are compared: lower case, no spaces.
    let norm: std::borrow::Cow<str> = if text
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(
            text.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase(),
        )
    };
    let precision = |prefix: &str| -> Option<Option<u8>> {
        let rest = norm.strip_prefix(prefix)?;
        if rest.is_empty() || rest == "()" {
            return Some(None);
        }
        let digits = rest.strip_prefix('(')?.strip_suffix(')')?;
        let n: u8 = digits.parse().ok()?;
        (n <= 6 && digits.len() == 1).then_some(Some(n))
    };
    let pg = dialect == Dialect::Postgres;
    match &*norm {
        "now()" => return Some(KnownExpr::Now),
        "current_date" => return Some(KnownExpr::CurrentDate),
        "curdate()" if !pg => return Some(KnownExpr::CurrentDate),
        // A random UUID, spelled the way the dialect spells it.
        "gen_random_uuid()" | "uuid()" => {
            return Some(if pg {
                KnownExpr::GenRandomUuid
            } else {
                KnownExpr::Uuid
            })
        }
        _ => {}
    }
    if let Some(p) = precision("current_timestamp") {
        return Some(KnownExpr::CurrentTimestamp(p));
    }
    if !pg {
        if let Some(p) = precision("now") {
            return Some(KnownExpr::CurrentTimestamp(p));
        }
    }
    if let Some(p) = precision("current_time") {
        return Some(KnownExpr::CurrentTime(p));
    }
    if let Some(p) = precision("localtimestamp") {
        return Some(KnownExpr::LocalTimestamp(p));
    }
    if let Some(p) = precision("localtime") {
        return Some(KnownExpr::LocalTime(p));
    }
    None
}

fn known_expr_list(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "now(), CURRENT_TIMESTAMP[(n)], CURRENT_DATE, CURRENT_TIME[(n)], LOCALTIMESTAMP[(n)], LOCALTIME[(n)], gen_random_uuid() or uuid()",
        Dialect::MySql => "CURRENT_TIMESTAMP[(n)], NOW([n]), CURRENT_DATE, CURDATE(), CURRENT_TIME[(n)], LOCALTIMESTAMP[(n)], LOCALTIME[(n)], uuid() or gen_random_uuid()",
    }
}

/// A number as the default of a date, time or UUID column is refused: the server would reject it
/// (or, in MySQL, read it as a packed date), and writing it as it came would hide the mistake.
fn number_fits(ty: &SqlType, default: Option<&DefaultValue>, path: &Path) -> Result<()> {
    let (SqlType::Builtin(t), Some(DefaultValue::Number(n))) = (ty, default) else {
        return Ok(());
    };
    const NOT_NUMBERS: [&str; 6] = ["TIMESTAMP", "DATETIME", "DATE", "TIME", "INTERVAL", "UUID"];
    if NOT_NUMBERS.iter().any(|p| t.starts_with(p)) {
        return Err(path.key("value").err(
            ErrorCode::InvalidDefault,
            format!(
                "the number {} is not a default for a {} column (give a string literal or an expression)",
                crate::text::preview(n),
                t
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_fit_the_limit_with_a_stable_hash() {
        let cols = vec![
            Name::new("a_very_long_column_name_that_goes_on"),
            Name::new("and_another_one_here"),
        ];
        let n = derive_name(
            "some_rather_long_table_name",
            &cols,
            "fkey",
            Dialect::Postgres,
        );
        assert!(n.len() <= 63, "{n}");
        assert!(n.ends_with("_fkey"));
        assert_eq!(
            n,
            derive_name(
                "some_rather_long_table_name",
                &cols,
                "fkey",
                Dialect::Postgres
            )
        );
        assert_eq!(
            derive_name("t", &[Name::new("c")], "idx", Dialect::MySql),
            "t_c_idx"
        );
        // Multi-byte names are cut on character boundaries, in bytes for PostgreSQL.
        let wide = "é".repeat(40);
        let n = derive_name(&wide, &[Name::new("x")], "key", Dialect::Postgres);
        assert!(n.len() <= 63);
        let n = derive_name(&wide, &[Name::new(&wide)], "key", Dialect::MySql);
        assert!(n.chars().count() <= 64);
    }

    #[test]
    fn plain_names_pass_as_the_full_check_passes_them() {
        let mut names: Vec<String> = ["", "a", "Users_2", "t{x", "a b", "é", "a\u{7f}", "a\u{85}"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for len in [62, 63, 64, 65] {
            names.push("n".repeat(len));
            names.push(format!("{}é", "n".repeat(len - 2)));
        }
        names.push("${x}".into());
        for b in 0u8..0x80 {
            names.push(format!("a{}b", char::from(b)));
        }
        for d in [Dialect::Postgres, Dialect::MySql] {
            for n in &names {
                let fast = check_name(n, d, &Path::Root, None);
                let full = check_name_fully(n, d, &Path::Root, None);
                assert_eq!(fast.is_ok(), full.is_ok(), "{n:?} in {d:?}");
                if let (Err(a), Err(b)) = (fast, full) {
                    assert_eq!(a.message, b.message);
                }
            }
        }
        // The bytes passed at once are exactly these.
        let plain: String = (0u8..=255)
            .filter(|&b| PLAIN_NAME[usize::from(b)])
            .map(char::from)
            .collect();
        assert_eq!(
            plain,
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        );
    }

    #[test]
    fn known_default_expressions_per_dialect() {
        assert_eq!(known_expr("now()", Dialect::Postgres), Some(KnownExpr::Now));
        assert_eq!(
            known_expr("CURRENT_TIMESTAMP(3)", Dialect::MySql),
            Some(KnownExpr::CurrentTimestamp(Some(3)))
        );
        assert_eq!(
            known_expr("gen_random_uuid()", Dialect::MySql),
            Some(KnownExpr::Uuid)
        );
        assert_eq!(
            known_expr("uuid()", Dialect::Postgres),
            Some(KnownExpr::GenRandomUuid)
        );
        assert_eq!(known_expr("now(); drop table x", Dialect::Postgres), None);
        assert_eq!(known_expr("CURRENT_TIMESTAMP(99)", Dialect::Postgres), None);
    }

    #[test]
    fn names_over_the_limit_are_errors_not_truncations() {
        let root = Path::Root;
        assert!(check_name(&"a".repeat(63), Dialect::Postgres, &root, None).is_ok());
        assert!(check_name(&"a".repeat(64), Dialect::Postgres, &root, None).is_err());
        assert!(check_name(&"a".repeat(64), Dialect::MySql, &root, None).is_ok());
        assert!(check_name(&"a".repeat(65), Dialect::MySql, &root, None).is_err());
        // 32 two-byte characters: 64 bytes (too long for PostgreSQL), 32 characters (fine for MySQL).
        let wide = "é".repeat(32);
        assert!(check_name(&wide, Dialect::Postgres, &root, None).is_err());
        assert!(check_name(&wide, Dialect::MySql, &root, None).is_ok());
        assert!(check_name("a\u{0}b", Dialect::MySql, &root, None).is_err());
        assert!(check_name("", Dialect::MySql, &root, None).is_err());
    }
}

/// How a step is undone.
#[derive(Debug, Clone, PartialEq)]
pub enum Reverse {
    /// The inverse step restores the schema exactly.
    Exact(Op),
    /// The inverse step restores the structure, but not the data the step removed.
    StructureOnly(Op, &'static str),
    /// No step undoes it.
    Irreversible(&'static str),
}

impl Op {
    /// The step that undoes this one, where one exists.
    pub fn reverse(&self) -> Reverse {
        use Reverse::*;
        let table_of = |t: &QualifiedName| t.clone();
        match self {
            Op::RenameTable { from, to } => Exact(Op::RenameTable {
                from: to.clone(),
                to: from.clone(),
            }),
            Op::RenameColumn { table, from, to } => Exact(Op::RenameColumn {
                table: table_of(table),
                from: to.clone(),
                to: from.clone(),
            }),
            Op::DropForeignKey { table, fk } => Exact(Op::AddForeignKey {
                table: table_of(table),
                fk: fk.clone(),
            }),
            Op::AddForeignKey { table, fk } => Exact(Op::DropForeignKey {
                table: table_of(table),
                fk: fk.clone(),
            }),
            Op::DropIndex { table, index, .. } => Exact(Op::CreateIndex {
                table: table_of(table),
                index: index.clone(),
                concurrently: false,
            }),
            Op::CreateIndex { table, index, .. } => Exact(Op::DropIndex {
                table: table_of(table),
                index: index.clone(),
                replaced_by: None,
            }),
            Op::DropUnique { table, unique, .. } => Exact(Op::AddUnique {
                table: table_of(table),
                unique: unique.clone(),
            }),
            Op::AddUnique { table, unique } => Exact(Op::DropUnique {
                table: table_of(table),
                unique: unique.clone(),
                replaced_by: None,
            }),
            Op::DropCheck { table, check } => Exact(Op::AddCheck {
                table: table_of(table),
                check: check.clone(),
            }),
            Op::AddCheck { table, check } => Exact(Op::DropCheck {
                table: table_of(table),
                check: check.clone(),
            }),
            Op::DropPrimaryKey { table, pk, .. } => Exact(Op::AddPrimaryKey {
                table: table_of(table),
                pk: pk.clone(),
            }),
            Op::AddPrimaryKey { table, pk } => Exact(Op::DropPrimaryKey {
                table: table_of(table),
                pk: pk.clone(),
                replaced_by: None,
            }),
            Op::ReplacePrimaryKey { table, old, new } => Exact(Op::ReplacePrimaryKey {
                table: table_of(table),
                old: new.clone(),
                new: old.clone(),
            }),
            Op::DropColumn { table, column } => StructureOnly(
                Op::AddColumn {
                    table: table_of(table),
                    column: column.clone(),
                    with_primary_key: None,
                },
                "the column comes back empty: its values are not restored",
            ),
            Op::AddColumn { table, column, .. } => Exact(Op::DropColumn {
                table: table_of(table),
                column: column.clone(),
            }),
            Op::DropTable { table } => StructureOnly(
                Op::CreateTable {
                    table: table.clone(),
                },
                "the table comes back empty: its rows are not restored",
            ),
            Op::CreateTable { table } => Exact(Op::DropTable {
                table: table.clone(),
            }),
            Op::CreateEnum { en } => Exact(Op::DropEnum { en: en.clone() }),
            Op::DropEnum { en } => Exact(Op::CreateEnum { en: en.clone() }),
            // The type is rebuilt without the value; rows that hold it make that fail, so
            // nothing is lost silently.
            Op::AddEnumValue { en, restore, .. } => Exact(Op::RemoveEnumValues {
                en: en.clone(),
                from: Vec::new(),
                to: restore.clone(),
            }),
            Op::RemoveEnumValues { .. } => Irreversible("removed enum values are not put back"),
            Op::AlterColumn {
                table,
                column,
                change,
                states,
            } => {
                let back = ColumnStates {
                    to: states.from.clone(),
                    from: states.to.clone(),
                };
                let complete = match change {
                    ColumnChange::Type | ColumnChange::EnumValues => back.to.ty.is_some(),
                    ColumnChange::Nullability => back.to.nullable.is_some(),
                    ColumnChange::Default => {
                        back.to.default.is_some()
                            || back.to.identity.is_some()
                            || back.from.identity.is_some()
                    }
                };
                if !complete {
                    return Irreversible("the report does not say what the column was before");
                }
                let op = Op::AlterColumn {
                    table: table_of(table),
                    column: column.clone(),
                    change: *change,
                    states: Box::new(back),
                };
                match change {
                    ColumnChange::Type => {
                        StructureOnly(op, "values changed by the type conversion are not restored")
                    }
                    ColumnChange::EnumValues => {
                        StructureOnly(op, "values changed with the enum are not restored")
                    }
                    _ => Exact(op),
                }
            }
        }
    }
}
