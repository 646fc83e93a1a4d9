//! Steps as SQL: one file per dialect, each rendering a plan's op as re-runnable statements.
//!
//! Conventions of every renderer: keywords upper case, four-space indentation, and no `;` at the
//! end of a statement — the assembler in [`crate::format`] adds it.
//!
//! Each piece of SQL has one writer, which appends it to the buffer of the statement being built;
//! `sql` makes a string of a piece only where one is wanted.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use crate::dialect::Dialect;
use crate::plan::Op;

/// The statements of one step in `dialect`, without `;`.
pub fn render(dialect: Dialect, op: &Op) -> Vec<String> {
    match dialect {
        Dialect::Postgres => postgres::render(op),
        Dialect::MySql => mysql::render(op),
        Dialect::Sqlite => sqlite::render(op),
    }
}

/// [`render`], as [`Statements`]: an op the dialect renders as one statement
/// (the reverses of tables, indexes and foreign keys added) without a list around it.
pub fn render_statements(dialect: Dialect, op: &Op) -> Statements {
    let one = match dialect {
        Dialect::Postgres => postgres::render_one(op),
        Dialect::MySql | Dialect::Sqlite => None,
    };
    match one {
        Some(sql) => Statements::One(sql),
        None => Statements::Many(render(dialect, op)),
    }
}

/// Appends the statements of `op` to `out` joined as `format::write_statements` joins them, for
/// the ops a dialect writes straight into a file; `false`, with nothing written, for the others.
pub fn write_into(dialect: Dialect, op: &Op, out: &mut String) -> bool {
    match dialect {
        Dialect::Postgres => postgres::write_into(op, out),
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
