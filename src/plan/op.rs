//! The plan's vocabulary: the ops a step performs, the phases they run in, and the plan.

use std::rc::Rc;

use crate::model::*;
use crate::types::SqlType;

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
    /// SQLite: the rebuilt tables' foreign keys checked, the transaction committed, foreign keys
    /// enforced again.
    ForeignKeysOn,
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
    /// SQLite: a table rebuilt as SQLite's manual says ("Making Other Kinds Of Table Schema
    /// Changes"), for every change its ALTER TABLE cannot make: one per table, whatever the
    /// number of diffs.
    RebuildTable {
        rebuild: Rc<Rebuild>,
    },
    /// SQLite: foreign keys off, outside any transaction, and the migration's own transaction
    /// (`on: false`, first); or their check, the commit, and foreign keys on (`on: true`, last).
    SqliteForeignKeys {
        on: bool,
    },
}

/// A SQLite table rebuild: the table as it is and as it becomes, and the columns whose values
/// are copied (by their name in `to`, then in `from`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rebuild {
    pub from: Rc<Table>,
    pub to: Rc<Table>,
    pub copied: Vec<(Name, Name)>,
    /// Columns of `from` whose values are not copied (dropped).
    pub dropped: Vec<Name>,
}

impl Rebuild {
    /// The rebuild that undoes this one.
    pub fn reversed(&self) -> Rebuild {
        let copied: Vec<(Name, Name)> = self
            .copied
            .iter()
            .map(|(t, f)| (f.clone(), t.clone()))
            .collect();
        let dropped = self
            .to
            .columns
            .iter()
            .filter(|c| !copied.iter().any(|(_, f)| *f == c.name))
            .map(|c| c.name.clone())
            .collect();
        Rebuild {
            from: self.to.clone(),
            to: self.from.clone(),
            copied,
            dropped,
        }
    }
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
/// ([`crate::types::mysql_foreign_key_type`]).
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
            Op::RebuildTable { .. } => Phase::AlterColumn,
            Op::SqliteForeignKeys { on: false } => Phase::CheckForeignKeys,
            Op::SqliteForeignKeys { on: true } => Phase::ForeignKeysOn,
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
            Op::RebuildTable { .. } => "rebuild_table",
            Op::SqliteForeignKeys { on: false } => "foreign_keys_off",
            Op::SqliteForeignKeys { on: true } => "foreign_keys_on",
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
            Op::RebuildTable { rebuild } => Some(&rebuild.to.name),
            Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RemoveEnumValues { .. }
            | Op::DropEnum { .. }
            | Op::SqliteForeignKeys { .. }
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
