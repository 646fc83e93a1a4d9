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
    /// MySQL: the foreign keys that would be set aside ([`Op::SetAsideForeignKeys`]) are checked
    /// before anything changes.
    CheckForeignKeys,
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
    /// a column of a composite key) or made nullable (MySQL refuses a nullable key column).
    ReplaceKeyBeforeDrop,
    /// MySQL: columns are dropped after columns are added, because MySQL cannot drop the last
    /// column of a table.
    DropColumnAfterAdd,
    /// MySQL: the foreign keys on columns whose type changes are set aside just before.
    SetAsideForeignKeys,
    AlterColumn,
    /// MySQL: and restored just after, before any key or index they need could go.
    RestoreForeignKeys,
    /// MySQL: a primary key whose AUTO_INCREMENT column loses it, when the report does not say
    /// what the column is (so the key's statement cannot take AUTO_INCREMENT off it), is dropped
    /// once the column changes are done (an AUTO_INCREMENT column must stay a key).
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
        /// MySQL: the key's AUTO_INCREMENT columns that this plan takes AUTO_INCREMENT off (or
        /// drops), as they are but without it: restated in the statement that drops the key,
        /// since an AUTO_INCREMENT column must be a key.
        auto_off: Vec<(Name, PartialColumn)>,
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
        /// MySQL: the column becomes AUTO_INCREMENT and this plan adds (or replaces) the key
        /// that holds it: the key is added in the same statement, since an AUTO_INCREMENT
        /// column must be a key (the key's own step then finds it there).
        with_key: Option<PrimaryKey>,
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
    /// MySQL: the foreign keys that hold or reference a column whose type this plan changes,
    /// which MySQL refuses to change under them. The report lists only the keys that change, so
    /// these are found at run time; one op per stage ([`Aside`]), made by the MySQL ordering.
    SetAsideForeignKeys {
        stage: Aside,
        columns: Rc<AsideColumns>,
    },
}

/// The stages of [`Op::SetAsideForeignKeys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aside {
    /// Before anything changes: fail, naming the key, if a key found could not be restored.
    Check,
    /// Save the keys' definitions in a table of the database, then drop the keys.
    Detach,
    /// Add the saved keys back, then forget them.
    Restore,
}

/// The columns whose type a plan changes, as [`Op::SetAsideForeignKeys`] needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct AsideColumns {
    /// Each column once, by its name after the plan's renames.
    pub retyped: Vec<Retyped>,
    /// The same columns by their names before the plan's renames, where those differ (the
    /// check runs before the renames, or again after them).
    pub before_renames: Vec<Retyped>,
    /// The tables of `retyped`, once each, in order: the only tables that can hold a key set
    /// aside, since the check refuses a key whose other end keeps its type.
    pub tables: Vec<QualifiedName>,
    /// Foreign keys this plan drops itself (not checked: they are gone before the columns
    /// change).
    pub dropped: Vec<(QualifiedName, Name)>,
}

/// A column whose type changes: its types as a foreign key compares them
/// ([`crate::dialect::mysql::foreign_key_type`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Retyped {
    pub table: QualifiedName,
    pub column: Name,
    pub to: String,
    pub from: Option<String>,
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
            Op::SetAsideForeignKeys { stage, .. } => match stage {
                Aside::Check => Phase::CheckForeignKeys,
                Aside::Detach => Phase::SetAsideForeignKeys,
                Aside::Restore => Phase::RestoreForeignKeys,
            },
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
            Op::SetAsideForeignKeys { stage, .. } => match stage {
                Aside::Check => "check_foreign_keys",
                Aside::Detach => "set_aside_foreign_keys",
                Aside::Restore => "restore_foreign_keys",
            },
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
            | Op::DropEnum { .. }
            | Op::SetAsideForeignKeys { .. } => None,
        }
    }
}

/// What an index or key dropped and re-created under the same name becomes: its columns,
/// whether it is unique, and what kind of object it is. A re-run finds it already so and leaves
/// it alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    pub columns: Vec<Name>,
    pub unique: bool,
    pub kind: ReplacementKind,
}

/// The kind of object that takes a name over: on PostgreSQL an index, a unique constraint and a
/// primary key share one namespace, and each constraint owns an index of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplacementKind {
    Index,
    Unique,
    PrimaryKey,
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
            check_name(
                s,
                dialect,
                &scope_path.key("default_schema"),
                NameKind::Schema,
            )?;
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
    mark_replacements(steps, dialect);
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
    if dialect == Dialect::Postgres {
        identity_around_nullability(steps);
    }
}

/// How a default change touches a PostgreSQL identity: `Some(true)` when it makes the column an
/// identity column, `Some(false)` when it makes it a plain one, `None` when neither (a `serial`
/// is a sequence default, not an identity, but a `serial` target is made as identity by default).
fn identity_change(states: &ColumnStates) -> Option<bool> {
    let was = matches!(
        states.from.identity,
        Some(Identity::Always | Identity::ByDefault)
    );
    let will = states.to.identity.is_some();
    (was != will).then_some(will)
}

/// PostgreSQL refuses `DROP NOT NULL` on an identity column (`column … is an identity column`)
/// and `ADD … AS IDENTITY` on a nullable one (`column … must be declared NOT NULL before identity
/// can be added`): a column's identity goes before its nullability changes and comes after
/// them, whatever order the report gives the two diffs in. Undoing one is doing the other, so
/// the undo follows the same rule. Only the identity step moves, next to the nullability step
/// of its column; everything else keeps its place.
fn identity_around_nullability(steps: &mut [Step]) {
    // The steps that matter: nullability changes and identity changes. Most plans have no
    // identity change at all.
    let relevant = |s: &Step| match &s.op {
        Op::AlterColumn {
            change: ColumnChange::Nullability,
            ..
        } => Some(None),
        Op::AlterColumn {
            change: ColumnChange::Default,
            states,
            ..
        } => identity_change(states).map(Some),
        _ => None,
    };
    if !steps.iter().any(|s| matches!(relevant(s), Some(Some(_)))) {
        return;
    }
    // Their positions, grouped by column (a NUL parts the names, which never hold one) in the
    // order they come in: the shared sorts, not a map of columns.
    let mut at: Vec<(usize, Option<bool>)> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for (p, s) in steps.iter().enumerate() {
        if let (Some(adds), Op::AlterColumn { table, column, .. }) = (relevant(s), &s.op) {
            at.push((p, adds));
            keys.push(format!(
                "{}\0{}\0{}",
                table.schema.as_deref().unwrap_or(""),
                table.name,
                column.as_str()
            ));
        }
    }
    let by_column = crate::sort::positions_by_text(keys.len(), &|i| keys[i].as_bytes());
    // Where each step goes: position p is 3p + 1; an identity step that must move takes the
    // slot right before (3n) or right after (3n + 2) the first nullability step n of its column.
    let mut slot: Vec<u32> = (0..steps.len())
        .map(|p| crate::sort::index_key(p * 3 + 1))
        .collect();
    let mut g = 0;
    while g < by_column.len() {
        let end = (g..by_column.len())
            .find(|&e| keys[by_column[e]] != keys[by_column[g]])
            .unwrap_or(by_column.len());
        let group = &by_column[g..end];
        if let Some(n) = group.iter().map(|&i| at[i]).find(|a| a.1.is_none()) {
            let n = n.0;
            for &(p, adds) in group.iter().map(|&i| &at[i]) {
                match adds {
                    Some(false) if p > n => slot[p] = crate::sort::index_key(n * 3),
                    Some(true) if p < n => slot[p] = crate::sort::index_key(n * 3 + 2),
                    _ => {}
                }
            }
        }
        g = end;
    }
    // `by_key` takes the keys in the order of the steps.
    let mut next = slot.into_iter();
    crate::sort::by_key(steps, |_| next.next().expect("a slot for each step"));
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
/// changed definition, or another kind of object taking the name over): the drop is told what
/// the new one is, so that a second run, finding it already there, does not drop it again (which
/// would fail once a foreign key or a constraint depends on it). A primary key takes a name over
/// only on PostgreSQL: MySQL's is always `PRIMARY`.
fn mark_replacements(steps: &mut [Step], dialect: Dialect) {
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
    type Added<'a> = (&'a [Name], bool, ReplacementKind);
    let mut added: HashMap<(&QualifiedName, &str), Added> = HashMap::default();
    let mut added_pk: HashMap<&QualifiedName, (&Option<Name>, &[Name])> = HashMap::default();
    for s in steps.iter() {
        match &s.op {
            Op::CreateIndex { table, index, .. } => {
                added.insert(
                    (table, &index.name),
                    (&index.columns, index.unique, ReplacementKind::Index),
                );
            }
            Op::AddUnique { table, unique } => {
                added.insert(
                    (table, &unique.name),
                    (&unique.columns, true, ReplacementKind::Unique),
                );
            }
            Op::AddPrimaryKey { table, pk } => {
                added_pk.insert(table, (&pk.name, &pk.columns));
                if let (Some(name), Dialect::Postgres) = (&pk.name, dialect) {
                    added.insert(
                        (table, name),
                        (&pk.columns, true, ReplacementKind::PrimaryKey),
                    );
                }
            }
            _ => {}
        }
    }
    let replacement = |&(columns, unique, kind): &Added| Replacement {
        columns: columns.to_vec(),
        unique,
        kind,
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
            // The same key only when it keeps its name (a renamed key is dropped and added); a
            // named key may also give its name to an index or a unique constraint.
            Op::DropPrimaryKey { table, pk, .. } => match (&pk.name, dialect) {
                (Some(name), Dialect::Postgres) => {
                    added.get(&(table, name.as_str())).map(replacement)
                }
                _ => added_pk
                    .get(table)
                    .filter(|(name, _)| **name == pk.name)
                    .map(|&(_, columns)| {
                        replacement(&(columns, true, ReplacementKind::PrimaryKey))
                    }),
            },
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
/// - an AUTO_INCREMENT column must be a key: a new one, or one made AUTO_INCREMENT, gets the
///   primary key this plan adds in the same statement, a primary key that is replaced is replaced
///   in one statement, and one that is only dropped takes AUTO_INCREMENT off its columns in the
///   statement that drops it (and is dropped first, like any key: a column of a primary key
///   cannot become nullable);
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
    // AUTO_INCREMENT taken off a column (or the column dropped): the column as it is, without
    // AUTO_INCREMENT (`None`: its type is not known, so it cannot be restated).
    // Few: a list (a map of its own would add to the module's size).
    let mut auto_off: Vec<(&QualifiedName, &Name, Option<PartialColumn>)> = Vec::new();
    for s in steps.iter() {
        let (table, name, from) = match &s.op {
            Op::AlterColumn {
                table,
                column,
                states,
                ..
            } if is_auto(&states.from) && !is_auto(&states.to) => {
                (table, column, states.from.clone())
            }
            Op::DropColumn { table, column }
                if column.auto_increment || column.identity.is_some() =>
            {
                let from = PartialColumn {
                    ty: Some(column.ty.clone()),
                    nullable: Some(column.nullable),
                    default: Some(column.default.clone()),
                    identity: None,
                    auto_increment: false,
                    comment: column.comment.clone(),
                };
                (table, &column.name, from)
            }
            _ => continue,
        };
        let known = from.ty.is_some();
        let without_auto = PartialColumn {
            // A key column is NOT NULL.
            nullable: Some(false),
            identity: None,
            auto_increment: false,
            ..from
        };
        if !auto_off.iter().any(|(t, c, _)| *t == table && *c == name) {
            auto_off.push((table, name, known.then_some(without_auto)));
        }
    }
    let auto_off: Vec<(QualifiedName, Name, Option<PartialColumn>)> = auto_off
        .into_iter()
        .map(|(t, c, from)| (t.clone(), c.clone(), from))
        .collect();
    let nulled: HashSet<(QualifiedName, Name)> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AlterColumn {
                table,
                column,
                states,
                ..
            } if states.to.nullable == Some(true) => Some((table.clone(), column.clone())),
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
            // Replaced before the column changes when a column that leaves the key is dropped
            // or becomes nullable (which MySQL refuses while the key holds it).
            Op::ReplacePrimaryKey { table, old, new }
                if (old
                    .columns
                    .iter()
                    .any(|c| dropped.contains(&(table.clone(), c.clone())))
                    && !new
                        .columns
                        .iter()
                        .any(|c| added.contains(&(table.clone(), c.clone()))))
                    || old.columns.iter().any(|c| {
                        !new.columns.contains(c) && nulled.contains(&(table.clone(), c.clone()))
                    }) =>
            {
                s.phase = Phase::ReplaceKeyBeforeDrop
            }
            Op::DropColumn { .. } => s.phase = Phase::DropColumnAfterAdd,
            // Dropped first, as in every plan (a column of the key may become nullable after,
            // which MySQL refuses while the key holds it), taking AUTO_INCREMENT off its columns
            // that lose it in the same statement; when such a column cannot be restated, only
            // once the column changes are done.
            Op::DropPrimaryKey {
                table,
                pk,
                auto_off: off,
                ..
            } => {
                for c in &pk.columns {
                    match auto_off
                        .iter()
                        .find(|(t, n, _)| t == table && n == c)
                        .map(|(_, _, from)| from)
                    {
                        Some(Some(from)) => {
                            off.push((c.clone(), from.clone()));
                            s.rewritten = true;
                        }
                        Some(None) => s.phase = Phase::DropPrimaryKeyAfterAlter,
                        None => {}
                    }
                }
                if s.phase == Phase::DropPrimaryKeyAfterAlter {
                    off.clear();
                }
            }
            Op::AlterColumn {
                table,
                column,
                states,
                with_key,
                ..
            } if is_auto(&states.to) && !is_auto(&states.from) => {
                if let Some((_, pk, _)) = new_keys
                    .iter()
                    .find(|(t, pk, _)| t == table && pk.columns.contains(column))
                {
                    *with_key = Some(pk.clone());
                    s.rewritten = true;
                }
            }
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
    set_aside_foreign_keys(steps);
}

/// MySQL refuses to change the type of a column that a foreign key holds or references, even
/// with `FOREIGN_KEY_CHECKS=0`, and the report lists only the keys that change. When a plan
/// changes column types, three steps find those keys at run time and keep them (see
/// [`Op::SetAsideForeignKeys`] and the MySQL renderer for the statements): a check before
/// anything changes, the keys set aside before the column changes, restored after them. A plan
/// that has them already (an undo, whose steps are the reverses of a plan's) gets its own
/// columns; one that changes no type has none.
fn set_aside_foreign_keys(steps: &mut Vec<Step>) {
    let mut retyped: Vec<Retyped> = Vec::new();
    let mut seen: HashSet<(QualifiedName, Name)> = HashSet::default();
    let mut first: Option<(Rc<str>, usize)> = None;
    let written = crate::dialect::mysql::foreign_key_type;
    for s in steps.iter() {
        if let Op::AlterColumn {
            table,
            column,
            change: ColumnChange::Type,
            states,
            ..
        } = &s.op
        {
            let Some(to) = &states.to.ty else { continue };
            if states.from.ty.as_ref() == Some(to) || !seen.insert((table.clone(), column.clone()))
            {
                continue;
            }
            retyped.push(Retyped {
                table: table.clone(),
                column: column.clone(),
                to: written(to),
                from: states.from.ty.as_ref().map(written),
            });
            first.get_or_insert((s.diff_id.clone(), s.diff_index));
        }
    }
    let Some((diff_id, diff_index)) = first else {
        steps.retain(|s| !matches!(s.op, Op::SetAsideForeignKeys { .. }));
        return;
    };
    // The names each column has before the plan's renames (walked back, last rename first).
    let renames: Vec<&Op> = steps
        .iter()
        .rev()
        .map(|s| &s.op)
        .filter(|op| matches!(op, Op::RenameColumn { .. } | Op::RenameTable { .. }))
        .collect();
    let mut before_renames = Vec::new();
    for r in retyped.iter().filter(|_| !renames.is_empty()) {
        let mut old = r.clone();
        for op in &renames {
            match op {
                Op::RenameColumn { table, from, to }
                    if *table == old.table && *to == old.column =>
                {
                    old.column = from.clone()
                }
                Op::RenameTable { from, to } if *to == old.table => old.table = from.clone(),
                _ => {}
            }
        }
        if old != *r {
            before_renames.push(old);
        }
    }
    let mut tables: Vec<QualifiedName> = Vec::new();
    let mut table_seen: crate::hash::Set<QualifiedName> = Default::default();
    for r in &retyped {
        if table_seen.insert(r.table.clone()) {
            tables.push(r.table.clone());
        }
    }
    let dropped = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::DropForeignKey { table, fk } => Some((table.clone(), fk.name.clone())),
            _ => None,
        })
        .collect();
    let columns = Rc::new(AsideColumns {
        retyped,
        before_renames,
        tables,
        dropped,
    });
    let mut found = false;
    for s in steps.iter_mut() {
        if let Op::SetAsideForeignKeys { columns: c, .. } = &mut s.op {
            found = true;
            if **c != *columns {
                *c = columns.clone();
                s.rewritten = true;
            }
        }
    }
    if !found {
        let seq = steps.len();
        for (i, stage) in [Aside::Check, Aside::Detach, Aside::Restore]
            .into_iter()
            .enumerate()
        {
            let op = Op::SetAsideForeignKeys {
                stage,
                columns: columns.clone(),
            };
            steps.push(Step {
                diff_id: diff_id.clone(),
                diff_index,
                phase: op.phase(),
                op,
                seq: seq + i,
                rewritten: false,
            });
        }
    }
}

/// Whether a column is AUTO_INCREMENT (or an identity, which MySQL writes so).
fn is_auto(c: &PartialColumn) -> bool {
    c.auto_increment || c.identity.is_some()
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
fn check_name_fully(name: &str, dialect: Dialect, path: &Path, kind: NameKind) -> Result<()> {
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
                check_name(old_name, d, &act_path.key("name"), NameKind::Table)?;
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
                    check_name(name, d, &obj_path.key("column"), NameKind::Column)?;
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
                    check_name(name, d, &obj_path.key("column"), NameKind::Column)?;
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
                check_name(&to, d, &obj_path.key("column"), NameKind::Column)?;
                let old = require(&diff.actual, &act_path, "`{name}` (the old name)")?;
                let from = Name::new(required_str(&old.name, &act_path.key("name"))?);
                check_name(&from, d, &act_path.key("name"), NameKind::Column)?;
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
                if change == ColumnChange::Type {
                    if let (Some(from), Some(to)) = (&states.from.ty, &states.to.ty) {
                        types::conversion(from, to, d).map_err(|why| {
                            exp_path.key("type").err(
                                ErrorCode::ImpossibleTypeChange,
                                format!(
                                    "{}.{} cannot change type: {}, even on an empty table",
                                    table.display(),
                                    &*column,
                                    why
                                ),
                            )
                        })?;
                    }
                }
                self.push(
                    index,
                    id,
                    Op::AlterColumn {
                        table,
                        column,
                        change,
                        states: Box::new(states),
                        with_key: None,
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
                            auto_off: Vec::new(),
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
                self.check_object_name(
                    payload,
                    raw.name.as_deref(),
                    &obj_path,
                    "constraint",
                    NameKind::ForeignKey,
                )?;
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
                self.check_object_name(
                    payload,
                    key.name.as_deref(),
                    &obj_path,
                    "constraint",
                    NameKind::Unique,
                )?;
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
                self.check_object_name(
                    payload,
                    raw.name.as_deref(),
                    &obj_path,
                    "index",
                    NameKind::Index,
                )?;
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
                self.check_object_name(
                    payload,
                    raw.name.as_deref(),
                    &obj_path,
                    "constraint",
                    NameKind::Check,
                )?;
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
                        with_key: None,
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
            NameKind::Enum,
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
                check_name(s, self.dialect, path, NameKind::Schema)?;
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
        check_name(name, self.dialect, &obj_path.key("table"), NameKind::Table)?;
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
            NameKind::Column,
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
        check_name(name, self.dialect, &path.key("name"), NameKind::Column)?;
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
            check_name(n, self.dialect, &column.key("enum"), NameKind::Enum)?;
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
            check_name(name, self.dialect, &path.index(i), NameKind::Column)?;
            out.push(Name::new(name));
        }
        Ok(out)
    }

    /// Checks a key's, index's or check's name where the diff's `object` gave it (`object.<key>`)
    /// because its payload has none, so that an error points at the field that holds it.
    fn check_object_name(
        &self,
        payload: &Payload,
        name: Option<&str>,
        obj_path: &Path,
        key: &'static str,
        kind: NameKind,
    ) -> Result<()> {
        match name {
            Some(n) if payload.name.is_none() => {
                check_name(n, self.dialect, &obj_path.key(key), kind)
            }
            _ => Ok(()),
        }
    }

    /// The name of a unique constraint, index, foreign key or check: the report's, checked, or
    /// one derived from the table and columns when the report gives none.
    fn constraint_name(
        &self,
        name: Option<&str>,
        table: &QualifiedName,
        columns: &[Name],
        kind: NameKind,
        path: &Path,
    ) -> Result<Name> {
        match name {
            Some(n) => {
                check_name(n, self.dialect, path, kind)?;
                Ok(Name::new(n))
            }
            None => {
                let suffix = match kind {
                    NameKind::Unique => "key",
                    NameKind::Index => "idx",
                    NameKind::ForeignKey => "fkey",
                    _ => "check",
                };
                Ok(derive_name(&table.name, columns, suffix, self.dialect))
            }
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
            check_name(n, self.dialect, &path.key("name"), NameKind::PrimaryKey)?;
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
        check_name(rtable, self.dialect, &rpath.key("table"), NameKind::Table)?;
        let rschema = match r.schema.as_deref().filter(|_| self.use_schemas) {
            Some(s) => {
                check_name(s, self.dialect, &rpath.key("schema"), NameKind::Schema)?;
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
            NameKind::ForeignKey,
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
            NameKind::Unique,
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
            NameKind::Index,
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
        let name = self.constraint_name(
            c.name.as_deref(),
            table,
            &[],
            NameKind::Check,
            &path.key("name"),
        )?;
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
        for n in [
            "PRIMARY",
            "primary",
            "Gen_Clust_Index",
            "PRIMARY_",
            "GEN_CLUST_INDEX_",
        ] {
            names.push(n.into());
        }
        for d in [Dialect::Postgres, Dialect::MySql] {
            for kind in ALL_KINDS {
                for n in &names {
                    let fast = check_name(n, d, &Path::Root, kind);
                    let full = check_name_fully(n, d, &Path::Root, kind);
                    assert_eq!(fast.is_ok(), full.is_ok(), "{n:?} as {kind:?} in {d:?}");
                    if let (Err(a), Err(b)) = (fast, full) {
                        assert_eq!(a.message, b.message);
                    }
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

    /// `generate_json` on a PostgreSQL report of `diffs` (JSON objects without their ids).
    fn generated(diffs: &[&str]) -> crate::Output {
        let diffs: Vec<String> = diffs
            .iter()
            .enumerate()
            .map(|(i, d)| format!(r#"{{"id": "D{}", {}"#, i + 1, &d[1..]))
            .collect();
        let report = format!(
            r#"{{"run_id": "r", "timestamps": {{"finished_at": "2025-01-01T00:00:00Z"}}, "scope": {{"dialect": "postgres", "default_schema": "public"}}, "diffs": [{}]}}"#,
            diffs.join(", ")
        );
        let options = crate::Options {
            undo: true,
            ..crate::Options::default()
        };
        crate::generate_json(&report, &options).expect("generated")
    }

    #[test]
    fn a_columns_identity_goes_before_its_nullability_and_comes_back_after_it() {
        let column = |nullable: bool, identity: &str| {
            format!(
                r#"{{"name": "id", "type": "integer", "nullable": {nullable}, "default": null{identity}}}"#
            )
        };
        let diff = |kind: &str, expected: &str, actual: &str| {
            format!(
                r#"{{"kind": "{kind}", "object": {{"schema": "public", "table": "t", "column": "id"}}, "expected": {expected}, "actual": {actual}}}"#
            )
        };
        let plain = column(true, "");
        let identity = column(false, r#", "identity": "always""#);
        let lose_identity = diff("default_mismatch", &plain, &identity);
        let lose_not_null = diff("nullability_mismatch", &plain, &identity);
        let other = r#"{"kind": "nullability_mismatch", "object": {"schema": "public", "table": "u", "column": "c"}, "expected": {"name": "c", "type": "text", "nullable": true, "default": null}, "actual": {"name": "c", "type": "text", "nullable": false, "default": null}}"#;
        for diffs in [
            [other, &lose_not_null, &lose_identity],
            [other, &lose_identity, &lose_not_null],
            [&lose_not_null, other, &lose_identity],
        ] {
            let out = generated(&diffs);
            let forward: Vec<&str> = out.statements.iter().map(|s| s.operation).collect();
            let at = |op: &str| forward.iter().position(|o| *o == op);
            let drop_identity = at("alter_column_default").unwrap();
            let t_nullability = out
                .statements
                .iter()
                .position(|s| {
                    s.operation == "alter_column_nullability" && s.target == "public.t.id"
                })
                .unwrap();
            assert!(drop_identity < t_nullability, "{forward:?}");
            assert!(out.statements[drop_identity].sql.contains("DROP IDENTITY"));
            assert!(out.statements[t_nullability].sql.contains("DROP NOT NULL"));
            // The other column's step keeps its place relative to the report's order.
            let u = out
                .statements
                .iter()
                .position(|s| s.target == "public.u.c")
                .unwrap();
            assert_eq!(u == 0, diffs[0] == other, "{forward:?}");
            // The undo: SET NOT NULL, then the identity.
            let undo: Vec<&str> = out
                .undo
                .iter()
                .filter(|u| u.target == "public.t.id")
                .map(|u| u.sql.as_deref().unwrap())
                .collect();
            assert!(undo[0].contains("SET NOT NULL"), "{undo:?}");
            assert!(
                undo[1].contains("ADD GENERATED ALWAYS AS IDENTITY"),
                "{undo:?}"
            );
        }
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

    const ALL_KINDS: [NameKind; 9] = [
        NameKind::Schema,
        NameKind::Table,
        NameKind::Column,
        NameKind::Enum,
        NameKind::PrimaryKey,
        NameKind::Unique,
        NameKind::Index,
        NameKind::ForeignKey,
        NameKind::Check,
    ];

    /// The message of the error `check_name` gives, or `None` when it accepts the name.
    fn refusal(name: &str, dialect: Dialect, kind: NameKind) -> Option<String> {
        check_name(name, dialect, &Path::Root, kind)
            .err()
            .map(|e| e.message)
    }

    #[test]
    fn names_over_the_limit_are_errors_not_truncations() {
        let root = Path::Root;
        let t = NameKind::Table;
        assert!(check_name(&"a".repeat(63), Dialect::Postgres, &root, t).is_ok());
        assert!(check_name(&"a".repeat(64), Dialect::Postgres, &root, t).is_err());
        assert!(check_name(&"a".repeat(64), Dialect::MySql, &root, t).is_ok());
        assert!(check_name(&"a".repeat(65), Dialect::MySql, &root, t).is_err());
        // 32 two-byte characters: 64 bytes (too long for PostgreSQL), 32 characters (fine for MySQL).
        let wide = "é".repeat(32);
        assert!(check_name(&wide, Dialect::Postgres, &root, t).is_err());
        assert!(check_name(&wide, Dialect::MySql, &root, t).is_ok());
        // 64 three-byte characters: the most MySQL takes.
        assert!(check_name(&"\u{FFFD}".repeat(64), Dialect::MySql, &root, t).is_ok());
        assert!(check_name(&"\u{FFFD}".repeat(65), Dialect::MySql, &root, t).is_err());
        assert!(check_name("a\u{0}b", Dialect::MySql, &root, t).is_err());
        assert!(check_name("", Dialect::MySql, &root, t).is_err());
    }

    #[test]
    fn mysql_identifiers_hold_only_the_basic_multilingual_plane() {
        for kind in ALL_KINDS {
            for name in ["a\u{1F600}", "\u{10000}", "x\u{10FFFF}y"] {
                let refused = refusal(name, Dialect::MySql, kind);
                // MySQL never writes an enum's or a primary key's name.
                let written = !matches!(kind, NameKind::Enum | NameKind::PrimaryKey);
                assert_eq!(refused.is_some(), written, "{name:?} as {kind:?}");
                if let Some(m) = refused {
                    assert!(m.contains("above U+FFFF"), "{m}");
                }
                // PostgreSQL quoted identifiers hold any character but NUL.
                assert_eq!(refusal(name, Dialect::Postgres, kind), None);
            }
            // The last character of the BMP, and characters just below the surrogates.
            for name in ["a\u{FFFF}", "\u{D7FF}", "\u{E000}", "日本語"] {
                assert_eq!(refusal(name, Dialect::MySql, kind), None, "{name:?}");
            }
        }
        let m = refusal("t\u{1F600}", Dialect::MySql, NameKind::Table).unwrap();
        assert_eq!(
            m,
            "table name \"t\u{1F600}\" holds a character above U+FFFF, which MySQL identifiers \
             cannot hold"
        );
    }

    #[test]
    fn names_mysql_never_writes_are_not_held_to_its_identifier_rules() {
        // A MySQL enum lives on its column, named `<table>_<column>` by the reports; a primary
        // key is always PRIMARY. Neither name reaches the SQL.
        let long = format!("{}_{}", "t".repeat(64), "c".repeat(64));
        for kind in [NameKind::Enum, NameKind::PrimaryKey] {
            for name in [&*long, "a ", "a\u{1F600}", "PRIMARY"] {
                assert_eq!(
                    refusal(name, Dialect::MySql, kind),
                    None,
                    "{name:?} as {kind:?}"
                );
            }
            // Still no empty name, control character or Flyway placeholder.
            for name in ["", "a\u{0}", "a\nb", "${x}"] {
                assert!(refusal(name, Dialect::MySql, kind).is_some(), "{name:?}");
            }
            // On PostgreSQL both are identifiers.
            assert!(refusal(&long, Dialect::Postgres, kind).is_some());
        }
        assert!(refusal(&long, Dialect::MySql, NameKind::Table).is_some());
    }

    #[test]
    fn mysql_refuses_a_trailing_space_in_database_table_column_and_index_names() {
        for kind in ALL_KINDS {
            let refused = refusal("a ", Dialect::MySql, kind);
            let expected = !matches!(
                kind,
                NameKind::Check | NameKind::Enum | NameKind::PrimaryKey
            );
            assert_eq!(refused.is_some(), expected, "{kind:?}: {refused:?}");
            if let Some(m) = refused {
                assert!(m.contains("ends with a space"), "{m}");
            }
            assert_eq!(refusal("a ", Dialect::Postgres, kind), None);
            // A space inside, at the start, or a space that is not U+0020 at the end: accepted
            // (MariaDB 10.11 takes them; MySQL tests the last byte with the ASCII space class).
            for name in ["a b", " a", "a\u{A0}", "a\u{3000}"] {
                assert_eq!(refusal(name, Dialect::MySql, kind), None, "{name:?}");
            }
        }
        assert_eq!(
            refusal("users ", Dialect::MySql, NameKind::Table).unwrap(),
            "table name \"users \" ends with a space, which MySQL refuses in database, table and \
             column names"
        );
        assert!(refusal("fk ", Dialect::MySql, NameKind::ForeignKey)
            .unwrap()
            .contains("so in unique and foreign key names"));
        // A name that is only a space: refused where a trailing space is.
        assert!(refusal(" ", Dialect::MySql, NameKind::Column).is_some());
    }

    #[test]
    fn mysql_keeps_two_index_names_for_itself() {
        for name in [
            "PRIMARY",
            "primary",
            "Primary",
            "GEN_CLUST_INDEX",
            "gen_clust_index",
        ] {
            for kind in ALL_KINDS {
                let refused = refusal(name, Dialect::MySql, kind);
                assert_eq!(
                    refused.is_some(),
                    matches!(
                        kind,
                        NameKind::Index | NameKind::Unique | NameKind::ForeignKey
                    ),
                    "{name:?} as {kind:?}"
                );
                if let Some(m) = refused {
                    assert!(m.contains("MySQL keeps for itself"), "{m}");
                }
                assert_eq!(refusal(name, Dialect::Postgres, kind), None);
            }
        }
        assert_eq!(
            refusal("primary", Dialect::MySql, NameKind::Index).unwrap(),
            "index name \"primary\" is an index name MySQL keeps for itself (PRIMARY, \
             GEN_CLUST_INDEX, in any case), so refuses for an index, a unique or a foreign key"
        );
        for name in ["PRIMARY_", "primary_key", "GEN_CLUST_INDEX2", "PRIMARY "] {
            assert!(
                refusal(name, Dialect::MySql, NameKind::Check).is_none(),
                "{name:?}"
            );
        }
        assert!(refusal("primary_key", Dialect::MySql, NameKind::Index).is_none());
    }

    #[test]
    fn names_the_engines_take_when_quoted_are_accepted() {
        // Only digits, dots, slashes, quotes, reserved words: MySQL and PostgreSQL take them
        // quoted, and every identifier is written quoted.
        for name in [
            "123", "1e3", "a.b", "a/b\\c", "select", "`", "\"", "a-b", "$x",
        ] {
            for d in [Dialect::Postgres, Dialect::MySql] {
                for kind in ALL_KINDS {
                    assert_eq!(
                        refusal(name, d, kind),
                        None,
                        "{name:?} as {kind:?} in {d:?}"
                    );
                }
            }
        }
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
    /// The step that undoes this one on `dialect`, where one exists.
    pub fn reverse(&self, dialect: Dialect) -> Reverse {
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
                auto_off: Vec::new(),
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
            // The undo changes the types back: its keys are checked, set aside and restored
            // the same way (the MySQL ordering of the undo fills in its own columns).
            Op::SetAsideForeignKeys { stage, columns } => {
                let back = |r: &Retyped| {
                    r.from.clone().map(|from| Retyped {
                        table: r.table.clone(),
                        column: r.column.clone(),
                        to: from,
                        from: Some(r.to.clone()),
                    })
                };
                Exact(Op::SetAsideForeignKeys {
                    stage: match stage {
                        Aside::Check => Aside::Check,
                        Aside::Detach => Aside::Restore,
                        Aside::Restore => Aside::Detach,
                    },
                    columns: Rc::new(AsideColumns {
                        retyped: columns.retyped.iter().filter_map(back).collect(),
                        before_renames: columns.before_renames.iter().filter_map(back).collect(),
                        tables: columns.tables.clone(),
                        dropped: Vec::new(),
                    }),
                })
            }
            Op::AlterColumn {
                table,
                column,
                change,
                states,
                ..
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
                    with_key: None,
                };
                match change {
                    // A conversion one way need not have one back: `jsonb` to `integer` has
                    // a cast, `integer` to `jsonb` none.
                    ColumnChange::Type => match (&states.to.ty, &states.from.ty) {
                        (Some(now), Some(was)) if !crate::types::converts(now, was, dialect) => {
                            Irreversible(
                                "no cast takes the new type back to the old one: the column \
                                 keeps its new type",
                            )
                        }
                        _ => StructureOnly(
                            op,
                            "values changed by the type conversion are not restored",
                        ),
                    },
                    ColumnChange::EnumValues => {
                        StructureOnly(op, "values changed with the enum are not restored")
                    }
                    _ => Exact(op),
                }
            }
        }
    }
}
