//! The undo: each step's reverse, ordered as a plan of its own.

use std::rc::Rc;

use crate::dialect::Dialect;
use crate::model::*;

use super::op::*;
use super::order::order;

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
            Op::RebuildTable { rebuild } => {
                let op = Op::RebuildTable {
                    rebuild: Rc::new(rebuild.reversed()),
                };
                if rebuild.dropped.is_empty() {
                    Exact(op)
                } else {
                    StructureOnly(
                        op,
                        "dropped columns come back empty: their values are not restored",
                    )
                }
            }
            Op::SqliteForeignKeys { on } => Exact(Op::SqliteForeignKeys { on: !on }),
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
