//! Guards: how much a migration checks before it changes anything, and the checks it gathers
//! into one precondition block per file.
//!
//! With [`Guards::Verify`] (the default) a file opens with one block that looks, for every object
//! the file creates, at the object of that name in the database: it must be absent (as the report
//! found it) or already as the file makes it (a re-run, or a run stopped half-way on MySQL, whose
//! DDL is not transactional). Anything else stops the file before its first change, naming the
//! objects that differ and how. The steps below it then need only the `IF [NOT] EXISTS`-style
//! guards that make them re-runnable. [`Guards::Exists`] keeps those guards and no block;
//! [`Guards::None`] writes plain DDL, for migration tools whose history runs each file once.
//!
//! What is gathered here is dialect-neutral: which objects, and what they must look like. Each
//! dialect writes the block ([`super::postgres::preconditions`], [`super::mysql::preconditions`]).

use crate::dialect::Dialect;
use crate::model::{Column, Index, Name, QualifiedName};
use crate::plan::Op;
use crate::types::SqlType;

/// How a migration guards its statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Guards {
    /// Plain DDL: every statement runs once, as a migration tool's history guarantees.
    None,
    /// `IF [NOT] EXISTS`-style guards (a short conditional where the engine has none): a re-run
    /// skips what is there, whatever it looks like.
    Exists,
    /// [`Guards::Exists`], and one precondition block per file that stops it before any change
    /// when an object it creates is there and differs.
    #[default]
    Verify,
}

impl Guards {
    pub fn parse(name: &str) -> Option<Guards> {
        match name.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Guards::None),
            "exists" => Some(Guards::Exists),
            "verify" => Some(Guards::Verify),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Guards::None => "none",
            Guards::Exists => "exists",
            Guards::Verify => "verify",
        }
    }

    /// Whether statements are written without guards.
    pub fn plain(self) -> bool {
        self == Guards::None
    }
}

/// The kind of a constraint a step adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PrimaryKey,
    Unique,
    Check,
    ForeignKey,
}

/// One object a file creates, as it must be found if it is there already.
#[derive(Debug)]
pub enum Check<'a> {
    /// Columns of `table` with their types. `whole`: the file creates the table, so a table of
    /// that name must have every one of them; otherwise only those it has are compared.
    Columns {
        table: &'a QualifiedName,
        columns: Vec<(&'a str, &'a SqlType)>,
        whole: bool,
    },
    /// An enum type with its values in order.
    Enum {
        name: &'a QualifiedName,
        values: &'a [String],
    },
    /// An index of `table`: its columns in order and its uniqueness.
    Index {
        table: &'a QualifiedName,
        index: &'a Index,
    },
    /// A constraint of `table` (`name`: `None` for a primary key named by the engine).
    Constraint {
        table: &'a QualifiedName,
        name: Option<&'a str>,
        kind: Kind,
        /// The columns it covers, in order (`None`: not compared, as for a check).
        columns: Option<&'a [Name]>,
        /// The table a foreign key references.
        references: Option<&'a QualifiedName>,
    },
}

fn columns_of(columns: &[Column]) -> Vec<(&str, &SqlType)> {
    columns.iter().map(|c| (c.name.as_str(), &c.ty)).collect()
}

/// The checks of the objects `ops` (one file's steps, in order) create. An object the same file
/// first drops or replaces under its name is left out: before the file runs it is the old one,
/// which the drop's own guard tells from the new one.
pub fn gather<'a>(ops: &[&'a Op]) -> Vec<Check<'a>> {
    let mut dropped: Vec<(&QualifiedName, &str)> = Vec::new();
    let mut key_dropped: Vec<&QualifiedName> = Vec::new();
    let mut pk_names: Vec<(&QualifiedName, Name)> = Vec::new();
    for op in ops {
        match op {
            Op::DropIndex { table, index, .. } => dropped.push((table, &index.name)),
            Op::DropUnique { table, unique, .. } => dropped.push((table, &unique.name)),
            Op::DropCheck { table, check } => dropped.push((table, &check.name)),
            Op::DropForeignKey { table, fk } => dropped.push((table, &fk.name)),
            Op::DropPrimaryKey { table, pk, .. } | Op::ReplacePrimaryKey { table, old: pk, .. } => {
                key_dropped.push(table);
                // A key's constraint may give its name to another kind of constraint or index.
                let name = pk.name.clone().unwrap_or_else(|| {
                    crate::naming::derive_name(&table.name, &[], "pkey", Dialect::Postgres)
                });
                pk_names.push((table, name));
            }
            _ => {}
        }
    }
    let was_dropped = |table: &QualifiedName, name: &str| {
        dropped
            .iter()
            .any(|(t, n)| *n == name && t.schema == table.schema)
            || pk_names
                .iter()
                .any(|(t, n)| &**n == name && t.schema == table.schema)
    };
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::CreateTable { table } if !table.columns.is_empty() => out.push(Check::Columns {
                table: &table.name,
                columns: columns_of(&table.columns),
                whole: true,
            }),
            Op::AddColumn { table, column, .. } => {
                let columns = vec![(column.name.as_str(), &column.ty)];
                // One entry per table: columns added to the same table join it.
                match out.iter_mut().find_map(|c| match c {
                    Check::Columns {
                        table: t,
                        columns,
                        whole: false,
                    } if *t == table => Some(columns),
                    _ => None,
                }) {
                    Some(existing) => existing.extend(columns),
                    None => out.push(Check::Columns {
                        table,
                        columns,
                        whole: false,
                    }),
                }
            }
            Op::CreateEnum { en } => out.push(Check::Enum {
                name: &en.name,
                values: &en.values,
            }),
            Op::CreateIndex { table, index, .. } if !was_dropped(table, &index.name) => {
                out.push(Check::Index { table, index })
            }
            Op::AddUnique { table, unique } if !was_dropped(table, &unique.name) => {
                out.push(Check::Constraint {
                    table,
                    name: Some(&unique.name),
                    kind: Kind::Unique,
                    columns: Some(&unique.columns),
                    references: None,
                })
            }
            Op::AddCheck { table, check } if !was_dropped(table, &check.name) => {
                out.push(Check::Constraint {
                    table,
                    name: Some(&check.name),
                    kind: Kind::Check,
                    columns: None,
                    references: None,
                })
            }
            Op::AddForeignKey { table, fk } if !was_dropped(table, &fk.name) => {
                out.push(Check::Constraint {
                    table,
                    name: Some(&fk.name),
                    kind: Kind::ForeignKey,
                    columns: Some(&fk.columns),
                    references: Some(&fk.ref_table),
                })
            }
            Op::AddPrimaryKey { table, pk }
                if !key_dropped.contains(&table)
                    && !pk.name.as_deref().is_some_and(|n| was_dropped(table, n)) =>
            {
                out.push(Check::Constraint {
                    table,
                    name: pk.name.as_deref(),
                    kind: Kind::PrimaryKey,
                    columns: Some(&pk.columns),
                    references: None,
                })
            }
            _ => {}
        }
    }
    out
}

thread_local! {
    static CURRENT: std::cell::Cell<Guards> = const { std::cell::Cell::new(Guards::Verify) };
}

/// Runs `render` with `guards` as the guards of the statements it renders ([`plain`] reads them),
/// so that the renderers' many small writers need no parameter for it.
pub fn with<T>(guards: Guards, render: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(guards));
    let out = render();
    CURRENT.with(|c| c.set(before));
    out
}

/// Whether the statements being rendered are plain DDL ([`Guards::None`]).
pub fn plain() -> bool {
    CURRENT.with(|c| c.get()).plain()
}
