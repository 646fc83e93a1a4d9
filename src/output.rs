//! What a run gives its caller: the files, and each step as a statement (with its SQL where a
//! file holds it, as a span of that file) and as a step of the undo. Serialized as the output
//! JSON of the native binary and the meta object of the JavaScript edge.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plan::Warning;
use crate::risk;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub content: String,
    /// `migration`, `undo`, `conf` (Flyway), `changelog` (Liquibase), `up`, `down` (raw SQL).
    pub role: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RiskOut {
    pub code: &'static str,
    pub category: risk::Category,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Statement {
    /// The SQL of the step: one or more statements, each ended by `;`.
    pub sql: String,
    pub diff_id: String,
    pub operation: &'static str,
    /// What the step works on, for people: `public.users.last_login_at`.
    pub target: String,
    pub risks: Vec<RiskOut>,
    pub destructive: bool,
    /// Destructive and not allowed by the caller.
    pub blocked: bool,
    /// The SQL that undoes the step, where one exists.
    pub reverse_sql: Option<String>,
    /// What the reverse cannot restore, or why there is none.
    pub reverse_note: Option<&'static str>,
    /// `main`, or `enum_values` / `concurrent_indexes` for steps that run in a migration of their
    /// own outside a transaction.
    pub part: &'static str,
}

/// One step of the undo, in the order undo and down files run them: the undo is a plan of its
/// own, ordered by the same phases and rules as the migration.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UndoStatement {
    /// The statement it undoes: its position in [`Output::statements`].
    #[serde(skip)]
    pub statement: usize,
    /// The SQL that undoes the step; `None` when it is irreversible.
    pub sql: Option<String>,
    pub diff_id: String,
    /// The operation of the step it undoes.
    pub operation: &'static str,
    pub target: String,
    /// What the undo cannot restore, or why there is none.
    pub note: Option<&'static str>,
    /// The part of the migration the step it undoes belongs to.
    pub part: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct ReportInfo {
    pub workflow: Option<String>,
    pub validator_version: Option<String>,
    pub status: Option<String>,
    pub spec_path: Option<String>,
    pub spec_id: Option<String>,
    pub diffs: usize,
    pub results: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Output {
    pub generator: &'static str,
    pub generator_version: &'static str,
    pub run_id: String,
    pub dialect: &'static str,
    pub migration_tool: &'static str,
    pub version: Option<String>,
    pub description: Option<String>,
    pub files: Vec<File>,
    pub statements: Vec<Statement>,
    /// The undo, step by step, in the order it runs (Flyway undo and raw-SQL down files).
    pub undo: Vec<UndoStatement>,
    pub warnings: Vec<Warning>,
    /// How many steps of each operation (`add_column`: 1).
    pub operations: BTreeMap<&'static str, usize>,
    pub destructive_operations_found: bool,
    /// Destructive statements are present and not allowed.
    pub blocked: bool,
    /// Why no migration was written, when none was.
    pub nothing_to_do: Option<String>,
    pub report: ReportInfo,
}

/// Where a step's statements stand, verbatim, in the files: the index of the file and the byte
/// range in its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

/// Where each statement's SQL (by its position in [`Output::statements`]) and each undo step's
/// (in [`Output::undo`]) were written, when the files hold them verbatim.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    pub forward: Vec<Option<Loc>>,
    pub undo: Vec<Option<Loc>>,
    /// For undo steps no file holds: the statement whose `reverse_sql` is the same text.
    pub undo_as_reverse_of: Vec<Option<usize>>,
}

/// What [`crate::generate`] makes: the output, each statement's and undo step's SQL left empty
/// where a file holds it verbatim, and `spans` saying which file and which bytes. A caller that
/// hands the files on (the JavaScript edge) takes the SQL as slices of them instead of copies;
/// [`Generated::into_output`] copies it in.
pub struct Generated {
    pub output: Output,
    pub spans: Spans,
}

impl Generated {
    /// The output with every statement's and undo step's SQL filled in.
    pub fn into_output(self) -> Output {
        let Generated { mut output, spans } = self;
        let text =
            |files: &[File], loc: &Loc| files[loc.file].content[loc.start..loc.end].to_string();
        for (st, loc) in output.statements.iter_mut().zip(&spans.forward) {
            if let Some(loc) = loc {
                st.sql = text(&output.files, loc);
            }
        }
        for (i, u) in output.undo.iter_mut().enumerate() {
            let Some(sql) = u.sql.as_mut() else { continue };
            if let Some(Some(loc)) = spans.undo.get(i) {
                *sql = text(&output.files, loc);
            } else if let Some(&Some(k)) = spans.undo_as_reverse_of.get(i) {
                sql.clone_from(
                    output.statements[k]
                        .reverse_sql
                        .as_ref()
                        .unwrap_or(&String::new()),
                );
            }
        }
        output
    }
}
