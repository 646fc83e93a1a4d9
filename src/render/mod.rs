//! Steps as SQL: one file per dialect, each rendering a plan's op as re-runnable statements.
//!
//! Conventions of every renderer: keywords upper case, four-space indentation, and no `;` at the
//! end of a statement — the assembler in [`crate::format`] adds it.
//!
//! Each piece of SQL has one writer, which appends it to the buffer of the statement being built;
//! `sql` makes a string of a piece only where one is wanted.

pub mod checks;
pub mod mysql;
pub mod postgres;
pub mod sqlite;

use crate::dialect::Dialect;
use crate::plan::Op;
pub use checks::Guards;

/// The statements of one step in `dialect`, without `;`, guarded as `guards` says.
pub fn render(dialect: Dialect, guards: Guards, op: &Op) -> Vec<String> {
    checks::with(guards, || match dialect {
        Dialect::Postgres => postgres::render(op),
        Dialect::MySql => mysql::render(op),
        Dialect::Sqlite => sqlite::render(op),
    })
}

/// The precondition block of a file holding `ops` (see [`checks`]), without its comment line:
/// its statements, without `;`; empty when `guards` is not [`Guards::Verify`] or the file
/// creates nothing to check.
pub fn preconditions(dialect: Dialect, guards: Guards, ops: &[&Op]) -> Vec<String> {
    if guards != Guards::Verify {
        return Vec::new();
    }
    let checks = checks::gather(ops);
    if checks.is_empty() {
        return Vec::new();
    }
    match dialect {
        Dialect::Postgres => vec![postgres::preconditions(&checks)],
        Dialect::MySql => mysql::preconditions(&checks),
        // No procedural blocks: SQLite's guards are its own IF [NOT] EXISTS (README, "Guards").
        Dialect::Sqlite => Vec::new(),
    }
}

/// The checks of [`preconditions`] as one query on one line that gives `ok` when they pass, for
/// a migration tool that runs its own preconditions (Liquibase's `sql-check`).
pub fn precondition_query(dialect: Dialect, guards: Guards, ops: &[&Op]) -> Option<String> {
    if guards != Guards::Verify {
        return None;
    }
    let checks = checks::gather(ops);
    if checks.is_empty() {
        return None;
    }
    match dialect {
        Dialect::Postgres => Some(postgres::precondition_query(&checks)),
        Dialect::MySql => mysql::precondition_query(&checks),
        Dialect::Sqlite => None,
    }
}

/// [`render`], as [`Statements`]: an op the dialect renders as one statement
/// (the reverses of tables, indexes and foreign keys added) without a list around it.
pub fn render_statements(dialect: Dialect, guards: Guards, op: &Op) -> Statements {
    let one = match dialect {
        Dialect::Postgres => checks::with(guards, || postgres::render_one(op)),
        Dialect::MySql | Dialect::Sqlite => None,
    };
    match one {
        Some(sql) => Statements::One(sql),
        None => Statements::Many(render(dialect, guards, op)),
    }
}

/// Appends the statements of `op` to `out` joined as `format::write_statements` joins them, for
/// the ops a dialect writes straight into a file; `false`, with nothing written, for the others.
pub fn write_into(dialect: Dialect, guards: Guards, op: &Op, out: &mut String) -> bool {
    match dialect {
        Dialect::Postgres => checks::with(guards, || postgres::write_into(op, out)),
        Dialect::MySql | Dialect::Sqlite => false,
    }
}

/// Whether `op` renders as at least one statement in every dialect, whatever it holds (a table, a
/// column, an index or a foreign key added): its SQL can then be rendered when its file is
/// written, with no need to know first whether there is any.
pub fn never_empty(op: &Op) -> bool {
    matches!(
        op,
        Op::CreateTable { .. }
            | Op::AddColumn { .. }
            | Op::CreateIndex { .. }
            | Op::AddForeignKey { .. }
    )
}

/// The text `write` appends, as a string of its own: for the places that want a piece alone (a
/// statement of a list, a text quoted again as a literal, a part written more than once).
fn sql(write: impl FnOnce(&mut String)) -> String {
    let mut s = String::new();
    write(&mut s);
    s
}

/// Rendered statements: most reverses are one, kept without a list around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statements {
    One(String),
    Many(Vec<String>),
}

impl std::ops::Deref for Statements {
    type Target = [String];
    fn deref(&self) -> &[String] {
        match self {
            Statements::One(s) => std::slice::from_ref(s),
            Statements::Many(v) => v,
        }
    }
}
