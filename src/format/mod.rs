//! Migration files: Flyway, Liquibase formatted SQL and plain up/down SQL, each a template over
//! the same rendered steps (as Atlas's formatters are). This is the one place where `;` is added
//! to statements.

pub mod name;
// Atlas migration directory.
mod atlas;
// Sqitch change.
mod sqitch;
use crate::render::Statements;
use std::borrow::Cow;

use crate::dialect::Dialect;
use crate::output::{Loc, Spans};
use crate::risk::{Category, Risk};
use crate::text::{comment_safe, push_comment_safe};

pub const GENERATOR: &str = "SmartSpec Data Migration Generator";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Flyway,
    Liquibase,
    RawSql,
    /// golang-migrate: raw SQL's naming, versions that are whole numbers, and a migration of its
    /// own for each part (its PostgreSQL driver sends a file as one string, which the server runs
    /// as one transaction).
    GolangMigrate,
    /// goose: one `<version>_<description>.sql` per part with `-- +goose Up` and `-- +goose Down`,
    /// `-- +goose NO TRANSACTION` on the parts that run outside one.
    Goose,
    /// dbmate: one `<version>_<description>.sql` per part with `-- migrate:up` and
    /// `-- migrate:down` sections, `transaction:false` on the parts that run outside one.
    Dbmate,
    /// Atlas migration directory: one `<version>_<description>.sql` per part, `-- atlas:txmode
    /// none` on the parts that run outside a transaction; `atlas.sum` is written on apply.
    Atlas,
    /// Sqitch: one change as `deploy/`, `revert/` and `verify/<change>.sql`, and its
    /// `sqitch.plan` line.
    Sqitch,
}

impl Tool {
    pub fn parse(name: &str) -> Option<Tool> {
        match name.trim().to_ascii_lowercase().as_str() {
            "flyway" => Some(Tool::Flyway),
            "liquibase" => Some(Tool::Liquibase),
            "raw-sql" | "raw_sql" | "rawsql" | "sql" => Some(Tool::RawSql),
            "golang-migrate" | "golang_migrate" | "golangmigrate" => Some(Tool::GolangMigrate),
            "dbmate" => Some(Tool::Dbmate),
            "goose" => Some(Tool::Goose),
            "atlas" => Some(Tool::Atlas),
            "sqitch" => Some(Tool::Sqitch),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Tool::Flyway => "flyway",
            Tool::Liquibase => "liquibase",
            Tool::RawSql => "raw-sql",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Dbmate => "dbmate",
            Tool::Goose => "goose",
            Tool::Atlas => "atlas",
            Tool::Sqitch => "sqitch",
        }
    }
}

/// Which migration a step goes into. Steps that cannot share a transaction with the others get
/// a migration of their own, run outside a transaction, where the tool has that notion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// PostgreSQL `ALTER TYPE … ADD VALUE` whose value the migration goes on to use: it must be
    /// committed first, so it runs before the main migration.
    EnumValues,
    Main,
    /// PostgreSQL `CREATE INDEX CONCURRENTLY` (asked for with `concurrently`), after the main
    /// migration: it cannot run inside a transaction.
    ConcurrentIndexes,
    /// SQLite: a migration that turns foreign keys off and runs its own transaction (a table
    /// rebuilt or dropped): the whole migration, outside the tool's transaction.
    OwnTransaction,
}

impl Part {
    pub fn in_transaction(self) -> bool {
        self == Part::Main
    }

    fn suffix(self) -> &'static str {
        match self {
            Part::EnumValues => "_enum_values",
            Part::Main => "",
            Part::ConcurrentIndexes => "_concurrent_indexes",
            Part::OwnTransaction => "",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Part::EnumValues => "enum_values",
            Part::Main => "main",
            Part::ConcurrentIndexes => "concurrent_indexes",
            Part::OwnTransaction => "own_transaction",
        }
    }
}

/// What the header says about where the migration comes from.
pub struct Header<'a> {
    pub run_id: &'a str,
    pub dialect: Dialect,
    pub guards: crate::render::Guards,
    pub spec_path: Option<&'a str>,
    pub spec_id: Option<&'a str>,
    pub validator_version: Option<&'a str>,
}

/// The steps to write, and the plan's steps (`StepOut::step` is a position in it).
pub struct Steps<'s, 'a> {
    pub out: &'s [StepOut<'a>],
    pub plan: &'s [crate::plan::Step],
}

/// The undo steps, in the order the undo runs them, and whether Flyway writes them into undo
/// files (Liquibase and raw SQL always write them).
pub struct Undo<'s, 'a> {
    pub steps: &'s [UndoOut<'a>],
    pub files: bool,
}

/// One rendered step.
pub struct StepOut<'a> {
    /// Its position in the output's statements.
    pub index: usize,
    /// Its position in the plan.
    pub step: usize,
    pub diff_id: std::rc::Rc<str>,
    pub operation: &'static str,
    pub target: String,
    /// Its statements; `None` when they are rendered as its file is written, from its op (steps
    /// that always render as something), so that no step's SQL is held but the one being written.
    pub sql: Option<Vec<String>>,
    pub dialect: Dialect,
    pub guards: crate::render::Guards,
    /// The statements that undo the step, when there are any.
    pub reverse: Option<Statements>,
    /// What the reverse cannot restore, or why there is none.
    pub reverse_note: Option<&'static str>,
    pub risks: &'a [Risk],
    pub blocked: bool,
    pub part: Part,
}

impl StepOut<'_> {
    /// Its statements (`op`: its op).
    pub fn sql(&self, op: &crate::plan::Op) -> Cow<'_, [String]> {
        match &self.sql {
            Some(sql) => Cow::Borrowed(sql),
            None => Cow::Owned(crate::render::render(self.dialect, self.guards, op)),
        }
    }

    /// Appends its statements to `out` as [`write_statements`] does; returns the byte range.
    pub fn write_sql(&self, op: &crate::plan::Op, out: &mut String) -> (usize, usize) {
        if self.sql.is_none() {
            let start = out.len();
            if crate::render::write_into(self.dialect, self.guards, op, out) {
                return (start, out.len());
            }
        }
        write_statements(&self.sql(op), out)
    }

    /// Whether one of its risks is destructive.
    pub fn destructive(&self) -> bool {
        crate::risk::any_destructive(self.risks)
    }
}

/// One step of an undo or down file: the forward step it undoes (diff id, operation, target),
/// and the statements that undo it, in the order the undo plan runs them.
pub struct UndoOut<'a> {
    /// Its position in the output's undo list.
    pub index: usize,
    /// The position of the statement it undoes in the output's statements.
    pub statement: usize,
    pub diff_id: &'a str,
    pub operation: &'static str,
    pub target: &'a str,
    /// `None`: irreversible.
    pub sql: Option<Cow<'a, [String]>>,
    /// The statement whose reverse this is, unchanged (then `sql` is borrowed from it).
    pub reverse_of: Option<usize>,
    /// What the undo cannot restore, or why there is none.
    pub note: Option<&'static str>,
    /// The part of the forward step.
    pub part: Part,
}

/// A file as it is written, and which file it is.
struct Text {
    content: String,
    file: usize,
    /// A goose migration: steps goose would split elsewhere than at their statements' ends go
    /// between `-- +goose StatementBegin` and `-- +goose StatementEnd`.
    goose: bool,
}

impl Text {
    fn new(file: usize, capacity: usize) -> Self {
        Text {
            content: String::with_capacity(capacity),
            file,
            goose: false,
        }
    }

    /// A migration file, the `file`-th, with room for about all of `steps`.
    fn for_steps(file: usize, steps: &[&StepOut], plan: &[crate::plan::Step]) -> Self {
        let room: usize = steps.iter().map(|s| forward_len(s, &plan[s.step].op)).sum();
        Text::new(file, 1024 + room)
    }

    /// Writes `steps` after what the file holds (its header and notices), noting where each
    /// one's statements are; room is made as they go (see [`make_room`]).
    fn write_steps(&mut self, steps: &[&StepOut], plan: &[crate::plan::Step], spans: &mut Spans) {
        if let Some(block) = preconditions(steps, plan) {
            self.content.push_str(PRECONDITIONS);
            if self.goose {
                goose_statements(&block, &mut self.content);
            } else {
                write_statements(&block, &mut self.content);
            }
            self.content.push('\n');
        }
        let from = self.content.len();
        for (done, s) in steps.iter().enumerate() {
            make_room(&mut self.content, from, done, steps.len());
            let range = if self.goose {
                goose_forward_block(s, &plan[s.step].op, &mut self.content)
            } else {
                forward_block(s, &plan[s.step].op, &mut self.content)
            };
            self.note(&mut spans.forward, s.index, range);
        }
    }

    /// Writes the undo steps `undo`, noting where each one's statements are.
    fn write_undo<'u, 'a: 'u>(
        &mut self,
        undo: impl IntoIterator<Item = &'u UndoOut<'a>>,
        spans: &mut Spans,
    ) {
        for u in undo {
            let range = if self.goose {
                goose_reverse_block(u, &mut self.content)
            } else {
                reverse_block(u, &mut self.content)
            };
            if let Some(range) = range {
                self.note(&mut spans.undo, u.index, range);
            }
        }
    }

    /// Notes where the step `index` was written (`range` in `content`); [`files`] sized `list`
    /// for every step.
    fn note(&self, list: &mut [Option<Loc>], index: usize, range: (usize, usize)) {
        list[index] = Some(Loc {
            file: self.file,
            start: range.0,
            end: range.1,
        });
    }
}

/// A file to write, with its role: `migration`, `undo`, `conf`, `changelog`, `up`, `down`.
pub struct FileOut {
    pub name: String,
    pub content: String,
    pub role: &'static str,
}

pub fn header(h: &Header, out: &mut String) {
    out.push_str("-- Generated by ");
    out.push_str(GENERATOR);
    out.push_str("\n-- Version: ");
    out.push_str(VERSION);
    out.push_str("\n-- Based on report: ");
    out.push_str(&comment_safe(h.run_id));
    out.push_str("\n-- Dialect: ");
    out.push_str(h.dialect.name());
    out.push_str("\n-- Guards: ");
    out.push_str(h.guards.name());
    out.push_str(match h.guards {
        // SQLite has no procedural blocks to gather checks in (README, "Guards").
        crate::render::Guards::Verify if h.dialect == Dialect::Sqlite => {
            " (SQLite: IF [NOT] EXISTS only; an object already there is skipped, not compared)"
        }
        crate::render::Guards::Verify => {
            " (objects this migration creates are checked before it changes anything)"
        }
        crate::render::Guards::Exists => {
            " (IF [NOT] EXISTS only: an object already there is skipped, not compared)"
        }
        crate::render::Guards::None => " (plain DDL: run this migration once)",
    });
    out.push('\n');
    if let Some(p) = h.spec_path {
        out.push_str("-- Spec: ");
        out.push_str(&comment_safe(p));
        if let Some(id) = h.spec_id {
            out.push_str(" (");
            out.push_str(&comment_safe(id));
            out.push(')');
        }
        out.push('\n');
    }
    if let Some(v) = h.validator_version {
        out.push_str("-- Validator version: ");
        out.push_str(&comment_safe(v));
        out.push('\n');
    }
}

/// Written under the header when destructive steps are blocked.
fn blocked_notice(steps: &[&StepOut], out: &mut String) {
    let count = steps.iter().filter(|s| s.blocked).count();
    if count > 0 {
        out.push_str(&format!(
            "-- BLOCKED: {} destructive step(s) below need --allow-destructive; do not apply this preview as it is\n",
            count
        ));
    }
}

/// The comment line above a file's precondition block.
const PRECONDITIONS: &str = "\n-- Preconditions: stops here, before any change, if an object this migration creates is there and differs\n";

/// The precondition block of the file holding `steps` (see [`crate::render::checks`]), when it
/// has one.
fn preconditions(steps: &[&StepOut], plan: &[crate::plan::Step]) -> Option<Vec<String>> {
    let first = steps.first()?;
    let ops: Vec<&crate::plan::Op> = steps.iter().map(|s| &plan[s.step].op).collect();
    let block = crate::render::preconditions(first.dialect, first.guards, &ops);
    (!block.is_empty()).then_some(block)
}

/// Joins statements, each ended by `;`.
pub fn statements_sql(statements: &[String]) -> String {
    let mut s = String::new();
    write_statements(statements, &mut s);
    s
}

/// Appends statements, each ended by `;`, one per line; returns the byte range written.
pub fn write_statements(statements: &[String], out: &mut String) -> (usize, usize) {
    let start = out.len();
    out.reserve(statements.iter().map(|st| st.len() + 2).sum());
    for (i, st) in statements.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(st);
        out.push(';');
    }
    (start, out.len())
}

/// `[D001] add_column public.users.last_login_at`, safe for a comment line.
fn title(diff_id: &str, operation: &str, target: &str) -> String {
    let mut out = String::new();
    write_title(diff_id, operation, target, &mut out);
    out
}

fn write_title(diff_id: &str, operation: &str, target: &str, out: &mut String) {
    out.push('[');
    push_comment_safe(diff_id, out);
    out.push_str("] ");
    out.push_str(operation);
    out.push(' ');
    push_comment_safe(target, out);
}

/// A step's comment line: its title, then each risk on the same line (one line a step, so the
/// statements read top to bottom), then the line that says a blocked step will not run.
fn step_comment(s: &StepOut, out: &mut String) {
    out.push_str("\n-- ");
    write_title(&s.diff_id, s.operation, &s.target, out);
    for (i, r) in s.risks.iter().enumerate() {
        out.push_str(match (i, s.risks.len()) {
            (0, 1) => "; risk: ",
            (0, _) => "; risks: ",
            _ => ", ",
        });
        out.push_str(r.code);
        out.push_str(match r.category {
            Category::Destructive => " (destructive)",
            Category::DataDependent => " (data-dependent)",
            Category::Heavy => " (heavy)",
        });
    }
    out.push('\n');
    if s.blocked {
        out.push_str("-- BLOCKED: destructive; generate with --allow-destructive to apply\n");
    }
}

/// About the bytes [`forward_block`] writes for `s`, so that a file's buffer is allocated once:
/// never fewer than its statements when they are rendered, a guess at the least when they are
/// rendered as the file is written.
fn forward_len(s: &StepOut, op: &crate::plan::Op) -> usize {
    let statements: usize = match &s.sql {
        Some(sql) => sql.iter().map(|st| st.len() + 2).sum(),
        // Rendered later: about the least it takes (a short guess is corrected by `make_room`
        // as the file is written; a long one would stay allocated).
        None => match op {
            crate::plan::Op::CreateTable { table } => 640 + 48 * table.columns.len(),
            crate::plan::Op::AddColumn { .. } => 640,
            crate::plan::Op::AddForeignKey { .. } => 320,
            _ => 96,
        },
    };
    16 + s.diff_id.len()
        + s.operation.len()
        + s.target.len()
        + 72 * (s.risks.len() + 1)
        + statements
}

/// Before writing the step `done` of `total` into `content` (its steps begin at byte `from`):
/// when the room left may not hold the steps still to come, makes room for as many again as
/// those written so far take on average, and a twentieth more. A file so grows by a few
/// exact steps instead of by doubling (when the first guess was short), and its buffer ends
/// near its size.
fn make_room(content: &mut String, from: usize, done: usize, total: usize) {
    const SLACK: usize = 16 * 1024;
    if done == 0 || content.capacity() - content.len() >= SLACK {
        return;
    }
    let average = (content.len() - from) / done;
    let left = total - done;
    content.reserve_exact(average * left + average * left / 20 + SLACK);
}

fn forward_block(s: &StepOut, op: &crate::plan::Op, out: &mut String) -> (usize, usize) {
    step_comment(s, out);
    let range = s.write_sql(op, out);
    out.push('\n');
    range
}

/// Whether goose, reading `line` outside `StatementBegin`/`StatementEnd`, ends a statement there:
/// the last whitespace-separated word before one starting with `--` ends with `;`.
fn goose_ends_statement(line: &str) -> bool {
    line.split_whitespace()
        .take_while(|w| !w.starts_with("--"))
        .last()
        .is_some_and(|w| w.ends_with(';'))
}

/// Whether goose would cut `statements` (each ended by `;` when written) anywhere but at their
/// ends, or read one of their lines as an annotation: then they need `StatementBegin`/`End`.
fn goose_needs_block(statements: &[String]) -> bool {
    statements.iter().any(|st| {
        let text = format!("{};", st);
        let lines: Vec<&str> = text.split('\n').collect();
        lines.iter().enumerate().any(|(i, line)| {
            let annotation = line.starts_with("--")
                && line
                    .trim_start_matches('-')
                    .trim_start()
                    .starts_with("+goose");
            annotation || goose_ends_statement(line) != (i + 1 == lines.len())
        })
    })
}

/// [`forward_block`] for goose: the statements between `StatementBegin` and `StatementEnd`
/// where goose would otherwise split them elsewhere than at their ends.
fn goose_forward_block(s: &StepOut, op: &crate::plan::Op, out: &mut String) -> (usize, usize) {
    step_comment(s, out);
    let sql = s.sql(op);
    let range = goose_statements(&sql, out);
    out.push('\n');
    range
}

fn goose_statements(sql: &[String], out: &mut String) -> (usize, usize) {
    let block = goose_needs_block(sql);
    if block {
        out.push_str("-- +goose StatementBegin\n");
    }
    let range = write_statements(sql, out);
    if block {
        out.push_str("\n-- +goose StatementEnd");
    }
    range
}

/// [`reverse_block`] for goose.
fn goose_reverse_block(u: &UndoOut, out: &mut String) -> Option<(usize, usize)> {
    match &u.sql {
        Some(sql) => {
            out.push_str("\n-- undo ");
            write_title(u.diff_id, u.operation, u.target, out);
            out.push('\n');
            if let Some(note) = u.note {
                out.push_str("-- not restored: ");
                out.push_str(note);
                out.push('\n');
            }
            let range = goose_statements(sql, out);
            out.push('\n');
            Some(range)
        }
        None => reverse_block(u, out),
    }
}

/// The undo of one step: its reverse statements, or a comment saying why there are none.
fn reverse_block(u: &UndoOut, out: &mut String) -> Option<(usize, usize)> {
    out.push_str("\n-- undo ");
    write_title(u.diff_id, u.operation, u.target, out);
    out.push('\n');
    match &u.sql {
        Some(sql) => {
            if let Some(note) = u.note {
                out.push_str("-- not restored: ");
                out.push_str(note);
                out.push('\n');
            }
            let range = write_statements(sql, out);
            out.push('\n');
            Some(range)
        }
        None => {
            out.push_str("-- IRREVERSIBLE: ");
            out.push_str(u.note.unwrap_or("no statement undoes this step"));
            out.push_str("; nothing is run for it\n");
            None
        }
    }
}

/// The files for `tool`. `version` and `description` name them; `undo.files` asks Flyway for
/// undo files (Liquibase always carries its rollbacks, raw SQL always has a down file). Every
/// step is written to a file. Also says where each step's statements were written.
pub fn files(
    tool: Tool,
    h: &Header,
    version: &str,
    description: &str,
    steps: Steps,
    undo: Undo,
) -> (Vec<FileOut>, Spans) {
    let Steps { out: steps, plan } = steps;
    let Undo {
        steps: undo_steps,
        files: undo,
    } = undo;
    // Every step and undo step has its place noted (`None` where no file holds it).
    let mut w = Writing {
        spans: Spans {
            forward: vec![None; steps.len()],
            undo: vec![None; undo_steps.len()],
            ..Spans::default()
        },
    };
    let files = match tool {
        Tool::Flyway => flyway(
            h,
            version,
            description,
            steps,
            plan,
            undo.then_some(undo_steps),
            &mut w,
        ),
        Tool::Liquibase => liquibase(h, version, description, steps, plan, &mut w),
        Tool::RawSql => raw_sql(h, version, description, steps, plan, undo_steps, &mut w),
        Tool::GolangMigrate => {
            golang_migrate(h, version, description, steps, plan, undo_steps, &mut w)
        }
        Tool::Dbmate => sections(
            h,
            version,
            description,
            steps,
            plan,
            undo_steps,
            &mut w,
            &DBMATE,
        ),
        Tool::Goose => sections(
            h,
            version,
            description,
            steps,
            plan,
            undo_steps,
            &mut w,
            &GOOSE,
        ),
        Tool::Atlas => atlas::files(h, version, description, steps, plan, &mut w),
        Tool::Sqitch => sqitch::files(h, version, description, steps, plan, undo_steps, &mut w),
    };
    (files, w.spans)
}

/// What the files are written with: where the steps go.
struct Writing {
    spans: Spans,
}

fn parts<'s, 'a>(steps: &'s [StepOut<'a>]) -> Vec<(Part, Vec<&'s StepOut<'a>>)> {
    let mut out: Vec<(Part, Vec<&StepOut>)> = Vec::new();
    for part in [
        Part::EnumValues,
        Part::Main,
        Part::ConcurrentIndexes,
        Part::OwnTransaction,
    ] {
        let in_part: Vec<&StepOut> = steps.iter().filter(|s| s.part == part).collect();
        if !in_part.is_empty() {
            out.push((part, in_part));
        }
    }
    out
}

const NON_TRANSACTIONAL_NOTE: &str =
    "-- Runs outside a transaction (see the .conf file beside it): PostgreSQL does not allow these statements inside one.\n";

const OWN_TRANSACTION_NOTE: &str =
    "-- Runs outside the tool's transaction (executeInTransaction=false, runInTransaction:false): SQLite ignores PRAGMA foreign_keys inside one, and a table rebuilt or dropped with foreign keys on would delete or change rows of the tables that reference it. The file turns them off, runs its own transaction, checks the foreign keys and turns them on again; it fails before changing anything where they stay on. With the sqlite3 shell, run it with -bail.\n";

/// Flyway: `V<version>__<description>.sql`; when some steps must run outside a transaction, one
/// migration per part, versioned `<version>.1`, `<version>.2`, …, each non-transactional one with
/// a `.conf` beside it (`executeInTransaction=false`). With `undo`, a `U…` file per migration
/// holding the reverse statements in reverse order. No BEGIN/COMMIT: Flyway wraps each file in a
/// transaction itself.
fn flyway(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    undo: Option<&[UndoOut]>,
    w: &mut Writing,
) -> Vec<FileOut> {
    let parts = parts(steps);
    let numbered = parts.len() > 1;
    let mut out = Vec::new();
    for (i, (part, part_steps)) in parts.iter().enumerate() {
        let ver = if numbered {
            format!("{}.{}", version, i + 1)
        } else {
            version.to_string()
        };
        let base = format!("{}__{}{}", ver, description, part.suffix());
        let name = format!("V{}.sql", base);
        let mut t = Text::for_steps(out.len(), part_steps, plan);
        header(h, &mut t.content);
        if *part == Part::OwnTransaction {
            t.content.push_str(OWN_TRANSACTION_NOTE);
        } else if !part.in_transaction() {
            t.content.push_str(NON_TRANSACTIONAL_NOTE);
        }
        blocked_notice(part_steps, &mut t.content);
        t.write_steps(part_steps, plan, &mut w.spans);
        out.push(FileOut {
            name: name.clone(),
            content: t.content,
            role: "migration",
        });
        if !part.in_transaction() {
            out.push(FileOut {
                name: format!("{}.conf", name),
                content: "executeInTransaction=false\n".to_string(),
                role: "conf",
            });
        }
        if let Some(undo_steps) = undo {
            let uname = format!("U{}.sql", base);
            let mut t = Text::new(out.len(), 0);
            header(h, &mut t.content);
            t.content.push_str(&format!("-- Undoes: {}\n", name));
            t.write_undo(undo_steps.iter().filter(|u| u.part == *part), &mut w.spans);
            out.push(FileOut {
                name: uname.clone(),
                content: t.content,
                role: "undo",
            });
            // SQLite's undo turns foreign keys off and runs its own transaction too.
            if *part == Part::OwnTransaction {
                out.push(FileOut {
                    name: format!("{}.conf", uname),
                    content: "executeInTransaction=false\n".to_string(),
                    role: "conf",
                });
            }
        }
    }
    out
}

/// Liquibase formatted SQL: one changeset per step, `--changeset smartspec:<version>-<n>`, with a
/// `--comment:`, a `--rollback` for each reversible step, `runInTransaction:false` where needed,
/// and `splitStatements:false` for PostgreSQL `DO` blocks, whose bodies hold `;` that Liquibase
/// must not split on (the JDBC driver sends the whole text, as psql would).
fn liquibase(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    w: &mut Writing,
) -> Vec<FileOut> {
    let mut t = Text::new(0, 0);
    let content = &mut t.content;
    content.push_str("--liquibase formatted sql\n");
    header(h, content);
    let ordered: Vec<&StepOut> = parts(steps).into_iter().flat_map(|(_, s)| s).collect();
    blocked_notice(&ordered, content);
    // The checks of the precondition block, as Liquibase's own precondition of the first
    // changeset: HALT on a failure (an object is there and differs: someone must look) and on an
    // error (the check could not run: nothing is assumed).
    let ops: Vec<&crate::plan::Op> = ordered.iter().map(|s| &plan[s.step].op).collect();
    let precondition = crate::render::precondition_query(h.dialect, h.guards, &ops);
    drop(ops);
    for (n, s) in ordered.iter().enumerate() {
        let content = &mut t.content;
        let dollar = |sql: &[String]| sql.iter().any(|st| st.starts_with("DO $"));
        let sql = s.sql(&plan[s.step].op);
        let split = !dollar(&sql);
        let rollback_split = !s.reverse.as_deref().is_some_and(dollar);
        content.push_str(&format!("\n--changeset smartspec:{}-{}", version, n + 1));
        if !s.part.in_transaction() {
            content.push_str(" runInTransaction:false");
        }
        if !split {
            content.push_str(" splitStatements:false");
        }
        if !rollback_split {
            content.push_str(" rollbackSplitStatements:false");
        }
        content.push('\n');
        if let (0, Some(query)) = (n, &precondition) {
            content.push_str("--preconditions onFail:HALT onError:HALT\n--precondition-sql-check expectedResult:ok ");
            content.push_str(query);
            content.push('\n');
        }
        let mut comment = title(&s.diff_id, s.operation, &s.target);
        if !s.risks.is_empty() {
            comment.push_str("; risk: ");
            comment.push_str(
                &s.risks
                    .iter()
                    .map(|r| r.code)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        content.push_str("--comment: ");
        content.push_str(&comment);
        content.push('\n');
        if s.blocked {
            content
                .push_str("-- BLOCKED: destructive; generate with --allow-destructive to apply\n");
        }
        let range = write_statements(&sql, content);
        drop(sql);
        t.note(&mut w.spans.forward, s.index, range);
        let content = &mut t.content;
        content.push('\n');
        match &s.reverse {
            Some(sql) => {
                if let Some(note) = s.reverse_note {
                    content.push_str(&format!(
                        "-- note: this changeset's undo does not restore all: {}\n",
                        note
                    ));
                }
                for line in statements_sql(sql).lines() {
                    content.push_str("--rollback ");
                    content.push_str(line);
                    content.push('\n');
                }
            }
            None => {
                content.push_str(&format!(
                    "-- IRREVERSIBLE: {}; this changeset has no rollback\n",
                    s.reverse_note.unwrap_or("no statement undoes this step")
                ));
            }
        }
    }
    vec![FileOut {
        name: format!("{}__{}.changelog.sql", version, description),
        content: t.content,
        role: "changelog",
    }]
}

/// Plain SQL: `<version>_<description>.up.sql` and `.down.sql` (the reverse statements in reverse
/// order), for tools that run files as they are (psql, mysql, and golang-migrate where [`golang_migrate`]
/// writes the same).
fn raw_sql(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    undo_steps: &[UndoOut],
    w: &mut Writing,
) -> Vec<FileOut> {
    let ordered: Vec<&StepOut> = parts(steps).into_iter().flat_map(|(_, s)| s).collect();
    let base = format!("{}_{}", version, description);
    // The undo runs the parts in reverse: a later part's steps are undone first.
    up_down(
        h,
        &base,
        &ordered,
        plan,
        undo_steps,
        &[
            Part::ConcurrentIndexes,
            Part::OwnTransaction,
            Part::Main,
            Part::EnumValues,
        ],
        0,
        w,
    )
}

/// golang-migrate: raw SQL's `<version>_<description>.up.sql` and `.down.sql`, one pair per
/// part. Its PostgreSQL driver sends a file as one string, which the server runs as one implicit
/// transaction: enum values the migration goes on to use are committed by a migration of their
/// own, versioned one below the main one (`version`, `version + 1`). `version` is a whole number
/// (checked with the options); concurrent index builds are refused with the options.
fn golang_migrate(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    undo_steps: &[UndoOut],
    w: &mut Writing,
) -> Vec<FileOut> {
    let parts = parts(steps);
    if parts.len() <= 1 {
        return raw_sql(h, version, description, steps, plan, undo_steps, w);
    }
    let mut out = Vec::new();
    for (i, (part, part_steps)) in parts.iter().enumerate() {
        let ver = nth_version(version, i);
        let base = format!("{}_{}{}", ver, description, part.suffix());
        let file = out.len();
        out.extend(up_down(
            h,
            &base,
            part_steps,
            plan,
            undo_steps,
            &[*part],
            file,
            w,
        ));
    }
    out
}

/// The version of the `i`-th of several migrations for tools whose versions are whole numbers:
/// `version + i`, as wide as `version` (checked with the options to leave room for it).
fn nth_version(version: &str, i: usize) -> String {
    let first: u64 = version.parse().unwrap_or(0);
    format!(
        "{:0width$}",
        first.saturating_add(i as u64),
        width = version.len()
    )
}

/// How a tool that keeps a migration's up and down statements in one file marks them: dbmate's
/// `-- migrate:up` / `-- migrate:down`, goose's `-- +goose Up` / `-- +goose Down`.
struct Sections {
    /// Written after the header of a migration that runs outside a transaction.
    no_transaction: &'static str,
    up: &'static str,
    down: &'static str,
    /// Appended to the `up` and `down` lines of a migration outside a transaction.
    marker_no_transaction: &'static str,
    /// goose: a step whose statements hold lines goose would split on goes between
    /// `-- +goose StatementBegin` and `-- +goose StatementEnd`.
    goose: bool,
}

/// dbmate: `<version>_<description>.sql` with a `-- migrate:up` section (the steps) and a
/// `-- migrate:down` section (the reverse statements in reverse order). dbmate sends a section
/// to the server as one string, in a transaction unless the section says `transaction:false`:
/// as for golang-migrate, enum values the migration goes on to use are committed by a migration
/// of their own (`version`, then `version + 1`), with `transaction:false`; concurrent index
/// builds are refused with the options (one string of several statements is one implicit
/// transaction even with `transaction:false`).
const DBMATE: Sections = Sections {
    no_transaction: "-- transaction:false: PostgreSQL runs these statements outside a transaction, so that what they add is committed before the next migration uses it.\n",
    up: "-- migrate:up",
    down: "-- migrate:down",
    marker_no_transaction: " transaction:false",
    goose: false,
};

/// goose: `<version>_<description>.sql` with `-- +goose Up` (the steps) and `-- +goose Down`
/// (the reverse statements in reverse order). goose runs a file's statements one by one, in a
/// transaction unless the file says `-- +goose NO TRANSACTION`; it finds a statement's end at a
/// line ending with `;`, so a step whose statements hold such lines (PostgreSQL `DO` blocks) goes
/// between `-- +goose StatementBegin` and `-- +goose StatementEnd`, sent as one string. Enum
/// values the migration goes on to use are committed by a migration of their own (`version`, then
/// `version + 1`) with `NO TRANSACTION`; concurrent index builds are refused with the options (a
/// concurrent build's step is sent as one string).
const GOOSE: Sections = Sections {
    no_transaction: "-- +goose NO TRANSACTION\n-- PostgreSQL commits these statements before the next migration uses what they add.\n",
    up: "-- +goose Up",
    down: "-- +goose Down",
    marker_no_transaction: "",
    goose: true,
};

/// `<version>_<description>.sql` per part, its up and down statements in the tool's sections
/// ([`DBMATE`], [`GOOSE`]); several parts are versioned `version`, `version + 1`, ….
#[allow(clippy::too_many_arguments)]
fn sections(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    undo_steps: &[UndoOut],
    w: &mut Writing,
    tool: &Sections,
) -> Vec<FileOut> {
    let parts = parts(steps);
    let numbered = parts.len() > 1;
    let mut out = Vec::new();
    for (i, (part, part_steps)) in parts.iter().enumerate() {
        let (ver, suffix) = if numbered {
            (nth_version(version, i), part.suffix())
        } else {
            (version.to_string(), "")
        };
        let marker = if part.in_transaction() {
            ""
        } else {
            tool.marker_no_transaction
        };
        let mut t = Text::for_steps(out.len(), part_steps, plan);
        t.goose = tool.goose;
        header(h, &mut t.content);
        if !part.in_transaction() {
            t.content.push_str(tool.no_transaction);
        }
        blocked_notice(part_steps, &mut t.content);
        for text in [tool.up, marker, "\n"] {
            t.content.push_str(text);
        }
        t.write_steps(part_steps, plan, &mut w.spans);
        for text in ["\n", tool.down, marker, "\n"] {
            t.content.push_str(text);
        }
        t.write_undo(undo_steps.iter().filter(|u| u.part == *part), &mut w.spans);
        out.push(FileOut {
            name: format!("{}_{}{}.sql", ver, description, suffix),
            content: t.content,
            role: "migration",
        });
    }
    out
}

const SQLITE_BEGIN: &str = "-- One transaction: a statement that fails leaves nothing changed (with the sqlite3 shell, run the file with -bail).\nBEGIN;\n";

/// An up file holding `steps` and a down file undoing them, the undo steps of each of `undo_parts`
/// in that order; `file` is the up file's position among the run's files.
#[allow(clippy::too_many_arguments)]
fn up_down(
    h: &Header,
    base: &str,
    steps: &[&StepOut],
    plan: &[crate::plan::Step],
    undo_steps: &[UndoOut],
    undo_parts: &[Part],
    file: usize,
    w: &mut Writing,
) -> Vec<FileOut> {
    // SQLite: the file is one transaction of its own, so that a statement that fails (on a
    // second run, say) leaves nothing changed; a migration that turns foreign keys off opens
    // its own after that.
    let sqlite_main = h.dialect == Dialect::Sqlite && steps.iter().all(|s| s.part == Part::Main);
    let mut up = Text::for_steps(file, steps, plan);
    header(h, &mut up.content);
    blocked_notice(steps, &mut up.content);
    if sqlite_main {
        up.content.push_str(SQLITE_BEGIN);
    }
    up.write_steps(steps, plan, &mut w.spans);
    if sqlite_main {
        up.content.push_str("\nCOMMIT;\n");
    }
    let up = up.content;
    let mut down = Text::new(file + 1, 0);
    header(h, &mut down.content);
    down.content
        .push_str(&format!("-- Undoes: {}.up.sql\n", base));
    if sqlite_main {
        down.content.push_str(SQLITE_BEGIN);
    }
    for part in undo_parts {
        down.write_undo(undo_steps.iter().filter(|u| u.part == *part), &mut w.spans);
    }
    if sqlite_main {
        down.content.push_str("\nCOMMIT;\n");
    }
    vec![
        FileOut {
            name: format!("{}.up.sql", base),
            content: up,
            role: "up",
        },
        FileOut {
            name: format!("{}.down.sql", base),
            content: down.content,
            role: "down",
        },
    ]
}
