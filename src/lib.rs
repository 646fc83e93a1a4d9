//! SmartSpec Data Migration Generator: reads the `summary.json` of the SmartSpec data model
//! validator and writes the SQL migration that resolves each difference, for PostgreSQL and
//! MySQL 8.
//!
//! The core is pure: text or a deserializer in, an [`Output`] out. It never touches the file
//! system or a database. `wasm.rs` is its only JavaScript-facing edge.
//!
//! ```text
//! report.rs   the input contract, read in one pass
//! plan.rs     diffs -> validated, ordered steps (phases)
//! types.rs    portable and native column types
//! check.rs    check expressions, re-rendered from tokens
//! dialect/    quoting and SQL per dialect (no `;`)
//! risk.rs     the pure risk pass
//! naming.rs   version and description of the file name
//! format.rs   file header and blocks (adds the `;`)
//! ```

pub mod check;
pub mod dialect;
pub mod edge;
pub mod error;
pub mod format;
pub mod hash;
pub mod json;
pub mod model;
pub mod naming;
pub mod plan;
pub mod render;
pub mod report;
pub mod risk;
pub mod sort;
pub mod text;
pub mod types;
#[cfg(target_arch = "wasm32")]
mod wasm;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use dialect::Dialect;
pub use error::{Error, ErrorCode, Result};
pub use plan::Warning;

/// The report format major version this generator reads.
pub const REPORT_FORMAT: &str = "smartspec.dmv.summary/1";
pub const EXPECTED_WORKFLOW: &str = "smartspec_data_model_validator";

/// Caller options. Field names are accepted in snake_case and camelCase.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// `PostgreSQL` or `MySQL` (case-insensitive); absent: the report's `scope.dialect`, else
    /// PostgreSQL.
    pub dialect: Option<String>,
    /// Overrides the migration version (digits separated by dots or underscores).
    pub version: Option<String>,
    /// `changes` (default): describe the changes; `spec_id`: name the file after `scope.spec_id`.
    #[serde(alias = "nameFrom")]
    pub name_from: Option<String>,
    /// `flyway` (the default), `liquibase`, `raw-sql`, `golang-migrate`, `dbmate`, `goose`, `atlas` or `sqitch`.
    #[serde(alias = "migrationTool")]
    pub migration_tool: Option<String>,
    /// Flyway: also write `U…` undo files.
    pub undo: bool,
    /// PostgreSQL: build indexes on existing tables with `CREATE INDEX CONCURRENTLY`, in a
    /// migration of their own that runs outside a transaction.
    pub concurrently: bool,
    /// Marks destructive statements as allowed instead of blocked.
    #[serde(alias = "allowDestructive")]
    pub allow_destructive: bool,
}

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

/// Generates from JSON text.
pub fn generate_json(report_json: &str, options: &Options) -> Result<Output> {
    let report = report::from_json(report_json)?;
    generate(&report, options)
}

/// Generates from a report already read.
pub fn generate(report: &report::Report, options: &Options) -> Result<Output> {
    let (mut output, spans) = generate_located(report, None, options)?;
    fill_sql(&mut output, &spans);
    Ok(output)
}

/// Copies each step's statements out of the files, where [`generate_located`] left them.
fn fill_sql(output: &mut Output, spans: &format::Spans) {
    let text =
        |files: &[File], loc: &format::Loc| files[loc.file].content[loc.start..loc.end].to_string();
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
}

/// [`generate`] without copying SQL the files hold: a statement's `sql` (and an undo step's) is
/// left empty where `Spans` says which file holds it verbatim, and at which bytes. The JavaScript
/// edge hands those as slices of the file's string instead of copies.
///
/// `owned_diffs`: the report's `diffs`, when the caller hands them over (taken out of `report`);
/// they are then dropped as soon as the plan is made, which lowers the peak memory.
pub fn generate_located(
    report: &report::Report,
    owned_diffs: Option<Vec<report::Diff>>,
    options: &Options,
) -> Result<(Output, format::Spans)> {
    generate_with(report, owned_diffs, options, None, located)
}

/// [`generate_located`], packed for the JavaScript edge ([`edge::Packed`]) straight from the
/// formatter's lists, without making the output's statement and undo lists first.
///
/// `pieces`: where the files' text goes as it is written, when the caller takes it in pieces
/// ([`format::Pieces`]); the packed contents then hold what was not handed out.
pub fn generate_packed(
    report: &report::Report,
    owned_diffs: Option<Vec<report::Diff>>,
    options: &Options,
    pieces: Option<&mut format::Pieces>,
) -> Result<edge::Packed> {
    generate_with(report, owned_diffs, options, pieces, edge::pack)
}

/// The steps as the formatter wrote them, for [`generate_with`]'s caller to finish the output
/// with: `steps` in the order of the output's statements, `undo` in the order of its undo list
/// (`undo[i].index == i`), and where the files hold their statements.
#[derive(Default)]
pub struct Written<'s, 'a> {
    pub steps: &'s [format::StepOut<'a>],
    pub undo: Vec<&'s format::UndoOut<'a>>,
    pub spans: format::Spans,
}

/// The output as Rust values: statements and undo steps listed, their SQL left in the files
/// where `spans` says.
fn located(mut output: Output, w: Written) -> (Output, format::Spans) {
    for s in w.steps {
        output.statements.push(Statement {
            // Every step is written to the files: taken from there.
            sql: String::new(),
            diff_id: s.diff_id.to_string(),
            operation: s.operation,
            target: s.target.clone(),
            risks: s
                .risks
                .iter()
                .map(|r| RiskOut {
                    code: r.code,
                    category: r.category,
                })
                .collect(),
            destructive: s.destructive(),
            blocked: s.blocked,
            reverse_sql: s.reverse.as_deref().map(format::statements_sql),
            reverse_note: s.reverse_note,
            part: s.part.name(),
        });
    }
    for u in &w.undo {
        // Empty where a file holds it, or where it is its statement's reverse_sql.
        let own = w.spans.undo[u.index].is_none() && w.spans.undo_as_reverse_of[u.index].is_none();
        output.undo.push(UndoStatement {
            sql: u.sql.as_ref().map(|sql| {
                if own {
                    format::statements_sql(sql)
                } else {
                    String::new()
                }
            }),
            diff_id: u.diff_id.to_string(),
            operation: u.operation,
            target: u.target.to_string(),
            note: u.note,
            part: u.part.name(),
        });
    }
    (output, w.spans)
}

/// Generates, then hands the output (its statement and undo lists empty) and the steps as
/// written to `finish`.
fn generate_with<R>(
    report: &report::Report,
    owned_diffs: Option<Vec<report::Diff>>,
    options: &Options,
    pieces: Option<&mut format::Pieces>,
    finish: impl FnOnce(Output, Written) -> R,
) -> Result<R> {
    write(
        prepare(report, owned_diffs, options)?,
        options,
        pieces,
        finish,
    )
}

/// [`generate_packed`] from the report's text, which it owns: the text and the report read
/// from it are dropped as soon as the plan is made (the rest owns what it needs), so that the
/// largest part of what is held while the files are written and packed is gone.
pub fn generate_packed_text(
    text: String,
    options: &Options,
    pieces: Option<&mut format::Pieces>,
) -> Result<edge::Packed> {
    let prepared = prepare_streamed(&text, options)?;
    drop(text);
    write(prepared, options, pieces, edge::pack)
}

/// [`prepare`] from the report's text, each diff planned as soon as it is read and then
/// dropped, so that a large report's diffs are never all held. That takes the report's other
/// fields before its `diffs` (as the validator writes them) and no diff naming enum values (the
/// planner gathers those from every diff first); otherwise the text is read again and prepared
/// as a whole. Either way the outcome is [`prepare`]'s on the whole report: reading errors
/// first, then the checks of the top-level fields, then the first diff that cannot be planned.
fn prepare_streamed(text: &str, options: &Options) -> Result<Prepared> {
    let mut sink = Streaming {
        options,
        // About one diff per KB of report (a table's diff takes one or two), so that the set of
        // diff ids is seldom grown.
        diffs_hint: text.len() / 1024,
        state: Stream::Waiting,
    };
    let (mut report, streamed) = report::from_json_streamed(text, &mut sink)?;
    match (sink.state, streamed) {
        (
            Stream::Planning(planning),
            report::Streamed {
                diffs: Some(count),
                late: false,
            },
        ) => {
            let (mut head, planner) = *planning;
            head.output.report.diffs = count;
            planned(&report, head, planner.finish(), options)
        }
        (Stream::Failed(e), report::Streamed { late: false, .. }) => Err(e),
        (Stream::Waiting, _) => {
            // No list of diffs: the report holds whatever `diffs` was (null, or absent).
            let diffs = report.diffs.take();
            prepare(&report, diffs, options)
        }
        _ => {
            drop(report);
            let mut report = report::from_json(text)?;
            let diffs = report.diffs.take();
            prepare(&report, diffs, options)
        }
    }
}

/// The diffs of [`prepare_streamed`]'s report as they are read.
struct Streaming<'o, 't> {
    options: &'o Options,
    diffs_hint: usize,
    state: Stream<'t>,
}

enum Stream<'t> {
    /// The diffs list has not opened.
    Waiting,
    /// Boxed: one value, much larger than the others.
    Planning(Box<(Head, plan::Planner<'t>)>),
    /// The checks of the top-level fields, or a diff, failed: the rest is only read.
    Failed(Error),
    /// A diff names enum values: the report is prepared whole instead.
    Whole,
}

impl<'t> report::DiffSink<'t> for Streaming<'_, 't> {
    fn start(&mut self, head: &report::Report<'t>) {
        self.state = match prepare_head(head, self.options) {
            Ok(h) => match plan::Planner::new(head, h.dialect, self.diffs_hint) {
                Ok(planner) => Stream::Planning(Box::new((h, planner))),
                Err(e) => Stream::Failed(e),
            },
            Err(e) => Stream::Failed(e),
        };
    }

    fn diff(&mut self, index: usize, diff: &report::Diff<'t>) {
        if plan::names_enum_values(diff.kind.as_deref()) {
            self.state = Stream::Whole;
        }
        if let Stream::Planning(planning) = &mut self.state {
            if let Err(e) = planning.1.diff(index, diff) {
                self.state = Stream::Failed(e);
            }
        }
    }
}

/// What is made from the report before anything is written: the output as far as the report
/// says it, and the plan. Nothing in it borrows from the report.
enum Prepared {
    /// Nothing to generate: the output says why.
    Done(Output),
    Planned(Planned),
}

struct Planned {
    output: Output,
    plan: plan::Plan,
    dialect: Dialect,
    tool: format::Tool,
    /// The report's `diffs[]` is empty.
    no_diffs: bool,
    /// The migration's version, or why there is none (said only when there is a migration).
    version: Result<String>,
}

/// The checks, the output's report part and the plan.
fn prepare(
    report: &report::Report,
    owned_diffs: Option<Vec<report::Diff>>,
    options: &Options,
) -> Result<Prepared> {
    let mut head = prepare_head(report, options)?;
    head.output.report.diffs = owned_diffs
        .as_ref()
        .or(report.diffs.as_ref())
        .map_or(0, Vec::len);
    // Rebound, so that the owned diffs' lifetime can shrink to the report's (a `&mut` to them
    // cannot).
    let mut owned_diffs = owned_diffs;
    let diffs = match owned_diffs.as_deref_mut() {
        Some(owned) => Some(plan::Diffs::Owned(owned)),
        None => report.diffs.as_deref().map(plan::Diffs::Borrowed),
    };
    let Some(diffs) = diffs else {
        let mut output = head.output;
        output.nothing_to_do = Some(format!(
            "the report has no diffs[] (it lists {} finding(s) in results[] but not what differs), so there is nothing to generate",
            output.report.results
        ));
        output.warnings = head.warnings;
        return Ok(Prepared::Done(output));
    };
    // Owned diffs are dropped one by one as they are planned.
    let plan = plan::build_from(report, diffs, head.dialect)?;
    drop(owned_diffs);
    planned(report, head, plan, options)
}

/// What the checks of the report's top-level fields and the options give: the output as far as
/// they say it (no diffs counted), and its warnings so far.
struct Head {
    output: Output,
    warnings: Vec<Warning>,
    dialect: Dialect,
    tool: format::Tool,
}

/// The checks of the options and of the report's top-level fields, before any diff is planned.
fn prepare_head(report: &report::Report, options: &Options) -> Result<Head> {
    check_options(options)?;
    let root = error::Path::Root;
    let run_id = report.run_id.as_deref().ok_or_else(|| {
        root.key("run_id")
            .err(ErrorCode::MissingField, "the report has no `run_id`")
    })?;
    check_run_id(run_id)?;

    let mut warnings = Vec::new();
    let mut warn = |code: &'static str, message: String, path: Option<&str>| {
        warnings.push(Warning {
            code,
            message,
            diff_id: None,
            path: path.map(str::to_string),
        });
    };

    match report.report_format.as_deref() {
        None => warn(
            "report_format_missing",
            format!(
                "the report does not say its format; reading it as {}",
                REPORT_FORMAT
            ),
            Some("$.report_format"),
        ),
        Some(f) => {
            let major = f
                .strip_prefix("smartspec.dmv.summary/")
                .and_then(|v| v.split('.').next())
                .and_then(|m| m.parse::<u32>().ok());
            match major {
                Some(1) => {}
                Some(n) if n > 1 => {
                    return Err(root.key("report_format").err(
                        ErrorCode::UnsupportedFormat,
                        format!(
                            "report format {:?} is newer than this generator reads ({})",
                            text::preview(f),
                            REPORT_FORMAT
                        ),
                    ))
                }
                _ => {
                    return Err(root.key("report_format").err(
                        ErrorCode::UnsupportedFormat,
                        format!(
                            "report format {:?} is not {}",
                            text::preview(f),
                            REPORT_FORMAT
                        ),
                    ))
                }
            }
        }
    }
    match report.workflow.as_deref() {
        Some(EXPECTED_WORKFLOW) => {}
        Some(other) => warn(
            "unexpected_workflow",
            format!(
                "the report comes from workflow {:?}, not {}",
                text::preview(other),
                EXPECTED_WORKFLOW
            ),
            Some("$.workflow"),
        ),
        None => warn(
            "unexpected_workflow",
            format!(
                "the report does not name its workflow ({} expected)",
                EXPECTED_WORKFLOW
            ),
            Some("$.workflow"),
        ),
    }

    let scope = report.scope.as_ref();
    let report_dialect = scope.and_then(|s| s.dialect.as_deref()).map(|d| {
        Dialect::parse(d).ok_or_else(|| {
            root.key("scope").key("dialect").err(
                ErrorCode::InvalidValue,
                format!(
                    "dialect {:?} is not postgres, postgresql or mysql",
                    text::preview(d)
                ),
            )
        })
    });
    let dialect = match options.dialect.as_deref() {
        Some(d) => {
            let chosen = Dialect::parse(d).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidOption,
                    format!("dialect {:?} is not PostgreSQL or MySQL", text::preview(d)),
                )
                .at("options.dialect")
            })?;
            if let Some(Ok(rd)) = &report_dialect {
                if *rd != chosen {
                    warn(
                        "dialect_differs",
                        format!(
                            "the report was made for {}; generating for {} as asked",
                            rd.name(),
                            chosen.name()
                        ),
                        Some("$.scope.dialect"),
                    );
                }
            }
            chosen
        }
        None => match report_dialect {
            Some(r) => r?,
            None => Dialect::Postgres,
        },
    };
    let tool = tool(options)?;
    let migration_tool = tool.name();

    let info = ReportInfo {
        workflow: report.workflow.as_deref().map(str::to_string),
        validator_version: report.version.as_deref().map(str::to_string),
        status: report.status.as_deref().map(str::to_string),
        spec_path: scope
            .and_then(|s| s.spec_path.as_deref())
            .map(str::to_string),
        spec_id: scope.and_then(|s| s.spec_id.as_deref()).map(str::to_string),
        diffs: 0,
        results: report.results.as_ref().map_or(0, Vec::len),
    };
    let output = Output {
        generator: format::GENERATOR,
        generator_version: format::VERSION,
        run_id: run_id.to_string(),
        dialect: dialect.name(),
        migration_tool,
        version: None,
        description: None,
        files: Vec::new(),
        statements: Vec::new(),
        undo: Vec::new(),
        warnings: Vec::new(),
        operations: BTreeMap::new(),
        destructive_operations_found: false,
        blocked: false,
        nothing_to_do: None,
        report: info,
    };

    Ok(Head {
        output,
        warnings,
        dialect,
        tool,
    })
}

/// The prepared output once `plan` is made: its warnings added to the head's, and the
/// migration's version.
fn planned(
    report: &report::Report,
    head: Head,
    mut plan: plan::Plan,
    options: &Options,
) -> Result<Prepared> {
    let Head {
        mut output,
        mut warnings,
        dialect,
        tool,
    } = head;
    let no_diffs = output.report.diffs == 0;
    let root = error::Path::Root;
    let run_id = output.run_id.as_str();
    warnings.append(&mut plan.warnings);
    output.warnings = warnings;
    let version = match options.version.as_deref() {
        Some(v) => format::name::check_version(v).map(|()| v.to_string()),
        None => match report.timestamps.as_ref().and_then(|t| t.finished_at.as_deref()) {
            Some(ts) => format::name::version_from_rfc3339(ts).ok_or_else(|| {
                root.key("timestamps").key("finished_at").err(
                    ErrorCode::InvalidValue,
                    format!("{:?} is not an RFC 3339 timestamp", text::preview(ts)),
                )
            }),
            None => format::name::version_from_run_id(run_id).ok_or_else(|| {
                Error::new(
                    ErrorCode::MissingVersion,
                    "the report has no timestamps.finished_at and its run_id holds no timestamp: pass a version",
                )
                .at("$.timestamps.finished_at")
            }),
        },
    };
    Ok(Prepared::Planned(Planned {
        output,
        plan,
        dialect,
        tool,
        no_diffs,
        version,
    }))
}

/// The steps rendered, the undo planned, the files written; then `finish` (straight away when
/// there is nothing to generate).
fn write<R>(
    prepared: Prepared,
    options: &Options,
    pieces: Option<&mut format::Pieces>,
    finish: impl FnOnce(Output, Written) -> R,
) -> Result<R> {
    let planned = match prepared {
        Prepared::Done(output) => return Ok(finish(output, Written::default())),
        Prepared::Planned(planned) => planned,
    };
    let Planned {
        mut output,
        plan,
        dialect,
        tool,
        no_diffs,
        version,
    } = planned;
    let mut steps = plan.steps;
    let parts = assign_parts(&mut steps, dialect, options);
    let risks = risk::assess(&steps, dialect);
    let mut outs = Vec::with_capacity(steps.len());
    // Steps the dialect renders as nothing (MySQL's enums live on columns) are left out, and so
    // are their undos.
    let mut rendered = vec![false; steps.len()];
    // Each step's reverse, made once: rendered here, then ordered into the undo plan.
    let mut inverse = plan::Inverse::with_capacity(steps.len());
    for (i, ((step, step_risks), part)) in steps.iter().zip(&risks).zip(&parts).enumerate() {
        // Rendered here only when it may render as nothing; otherwise as its file is written.
        let sql = (!render::never_empty(&step.op)).then(|| render::render(dialect, &step.op));
        let reverse_op = step.op.reverse(dialect);
        if sql.as_ref().is_some_and(Vec::is_empty) {
            inverse.push(i, step, reverse_op);
            continue;
        }
        rendered[i] = true;
        let (reverse, reverse_note) = match &reverse_op {
            plan::Reverse::Exact(op) => (Some(render::render_statements(dialect, op)), None),
            plan::Reverse::StructureOnly(op, note) => {
                (Some(render::render_statements(dialect, op)), Some(*note))
            }
            plan::Reverse::Irreversible(note) => (None, Some(*note)),
        };
        inverse.push(i, step, reverse_op);
        let destructive = risk::any_destructive(step_risks);
        outs.push(format::StepOut {
            index: 0,
            step: i,
            diff_id: step.diff_id.clone(),
            operation: step.op.name(),
            target: target(&step.op),
            sql,
            dialect,
            reverse: reverse.filter(|s| !s.is_empty()),
            reverse_note,
            risks: step_risks,
            blocked: destructive && !options.allow_destructive,
            part: *part,
        });
    }
    // No step, or every step renders as nothing here (MySQL's enums live on their columns; a
    // column change that restates what is there): no migration to write.
    if outs.is_empty() {
        // A diff of a kind this generator does not know is skipped, not resolved: say so.
        let skipped: Vec<&str> = output
            .warnings
            .iter()
            .filter(|w| w.code == "unknown_diff_kind")
            .filter_map(|w| w.diff_id.as_deref())
            .collect();
        output.nothing_to_do = Some(if no_diffs {
            "the report's diffs[] is empty: the schema already matches the spec".to_string()
        } else if skipped.is_empty() {
            "no diff in the report needs a schema change".to_string()
        } else {
            format!(
                "no migration: {} of the report's {} diff(s) skipped as of a kind this generator does not know ({}); {}",
                skipped.len(),
                output.report.diffs,
                skipped.join(", "),
                if skipped.len() == output.report.diffs {
                    "nothing in the report was resolved"
                } else {
                    "no other diff needs a schema change"
                }
            )
        });
        return Ok(finish(output, Written::default()));
    }
    let version = version?;
    let name_from = options.name_from.as_deref().map(str::to_ascii_lowercase);
    let description = match name_from.as_deref() {
        None | Some("changes") => format::name::describe(&steps),
        Some("spec_id") => {
            let id = output.report.spec_id.as_deref().ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidOption,
                    "naming the file after the spec needs scope.spec_id in the report",
                )
                .at("$.scope.spec_id")
            })?;
            let slug = format::name::slug(id);
            if slug.is_empty() {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    "scope.spec_id has no letters or digits to name a file with",
                )
                .at("$.scope.spec_id"));
            }
            slug[..slug.len().min(format::name::MAX_DESCRIPTION)]
                .trim_end_matches('_')
                .to_string()
        }
        Some(other) => {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "name_from must be \"changes\" or \"spec_id\", not {:?}",
                    text::preview(other)
                ),
            )
            .at("options.name_from"))
        }
    };

    // Files and statements list steps part by part, in the order they run.
    sort::by_key(&mut outs, |s| s.part as u32);
    let mut out_of_step = vec![usize::MAX; steps.len()];
    for (i, s) in outs.iter_mut().enumerate() {
        s.index = i;
        out_of_step[s.step] = i;
    }
    for s in &outs {
        *output.operations.entry(s.operation).or_insert(0) += 1;
        output.destructive_operations_found |= s.destructive();
    }
    output.blocked = outs.iter().any(|s| s.blocked);
    let header = format::Header {
        run_id: &output.run_id,
        dialect,
        spec_path: output.report.spec_path.as_deref(),
        spec_id: output.report.spec_id.as_deref(),
        validator_version: output.report.validator_version.as_deref(),
    };
    let undo_plan = inverse.finish(dialect);
    // Sized once: one of the larger blocks held while the files are written.
    let mut undo_outs: Vec<format::UndoOut> = Vec::with_capacity(undo_plan.len());
    undo_outs.extend(undo_plan.iter().filter(|u| rendered[u.forward]).map(|u| {
        let out = &outs[out_of_step[u.forward]];
        // The step's own reverse, as rendered above, unless ordering the undo plan changed it.
        let as_reverse = u.step.as_ref().is_some_and(|s| !s.rewritten);
        let sql = u
            .step
            .as_ref()
            .map(|s| {
                if as_reverse {
                    Cow::Borrowed(out.reverse.as_deref().unwrap_or_default())
                } else {
                    Cow::Owned(render::render(dialect, &s.op))
                }
            })
            .filter(|s| !s.is_empty());
        format::UndoOut {
            index: 0,
            statement: out.index,
            diff_id: &out.diff_id,
            operation: out.operation,
            target: &out.target,
            note: u.note,
            reverse_of: (as_reverse && sql.is_some()).then_some(out.index),
            sql,
            part: parts[u.forward],
        }
    }));
    drop(undo_plan);
    // Listed as the down file runs them: later parts are undone first.
    let mut undo_count = 0;
    for part in [
        format::Part::ConcurrentIndexes,
        format::Part::Main,
        format::Part::EnumValues,
    ] {
        for u in undo_outs.iter_mut().filter(|u| u.part == part) {
            u.index = undo_count;
            undo_count += 1;
        }
    }
    // The plan is dropped once the files are written, before the output is packed.
    let (files, mut spans) = format::files(
        tool,
        &header,
        &version,
        &description,
        format::Steps {
            out: &outs,
            plan: &steps,
        },
        format::Undo {
            steps: &undo_outs,
            files: options.undo,
        },
        pieces,
    );
    drop(steps);
    output.files = files
        .into_iter()
        .map(|f| File {
            name: f.name,
            content: f.content,
            role: f.role,
        })
        .collect();
    // Undo steps no file holds (Flyway without undo files, Liquibase): the same text as their
    // statement's reverse_sql when the undo plan left the step as it was, else their own.
    // `format::files` sized the places of the steps and undo steps; this list is sized here.
    spans.undo_as_reverse_of.resize(undo_count, None);
    for u in &undo_outs {
        if spans.undo[u.index].is_none() && u.sql.is_some() {
            spans.undo_as_reverse_of[u.index] = u.reverse_of;
        }
    }
    output.version = Some(version);
    output.description = Some(description);
    let mut undo: Vec<&format::UndoOut> = undo_outs.iter().collect();
    sort::by_key(&mut undo, |u| sort::index_key(u.index));
    Ok(finish(
        output,
        Written {
            steps: &outs,
            undo,
            spans,
        },
    ))
}

/// Options are checked before the report, so a wrong option is reported whatever the report holds.
fn check_options(options: &Options) -> Result<()> {
    if let Some(v) = options.version.as_deref() {
        format::name::check_version(v)?;
    }
    if let Some(d) = options.dialect.as_deref() {
        if Dialect::parse(d).is_none() {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!("dialect {:?} is not PostgreSQL or MySQL", text::preview(d)),
            )
            .at("options.dialect"));
        }
    }
    match options
        .name_from
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("changes") | Some("spec_id") => {}
        Some(other) => {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "name_from must be \"changes\" or \"spec_id\", not {:?}",
                    text::preview(other)
                ),
            )
            .at("options.name_from"))
        }
    }
    let tool = tool(options)?;
    if matches!(
        tool,
        format::Tool::GolangMigrate
            | format::Tool::Dbmate
            | format::Tool::Goose
            | format::Tool::Atlas
    ) {
        let name = tool.name();
        if let Some(v) = options.version.as_deref() {
            // golang-migrate reads a version as an unsigned 64-bit number, dbmate as the digits
            // before the first `_`, goose as a signed 64-bit number above 0; one more is kept
            // for the main migration after an enum values one. Atlas orders a folder's files by
            // name: whole numbers of one width keep that the order of the versions.
            let (low, high) = if tool == format::Tool::Goose {
                (1, i64::MAX as u64)
            } else {
                (0, u64::MAX)
            };
            if !v.bytes().all(|c| c.is_ascii_digit())
                || v.parse::<u64>().map_or(true, |n| n < low || n >= high)
            {
                return Err(Error::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "version {:?}: {} versions are whole numbers (digits only, from {} to {})",
                        text::preview(v),
                        name,
                        low,
                        high - 1
                    ),
                )
                .at("options.version"));
            }
            // Atlas orders files by name: the next versions (an enum values migration, then the
            // main one, then concurrent index builds) must keep the width.
            if tool == format::Tool::Atlas
                && v.parse::<u64>()
                    .is_ok_and(|n| (n.saturating_add(2)).to_string().len() > v.len())
            {
                return Err(Error::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "version {:?}: Atlas orders migrations by file name, and the versions after it would be wider and sort before it; give it a leading zero",
                        text::preview(v)
                    ),
                )
                .at("options.version"));
            }
        }
        // Atlas sends the statements of a `txmode none` file one by one: a concurrent build runs.
        if options.concurrently && tool != format::Tool::Atlas {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!("concurrently: {} sends a migration to PostgreSQL as one string, which runs as one transaction, where CREATE INDEX CONCURRENTLY cannot run; use flyway, liquibase or raw-sql", name),
            )
            .at("options.concurrently"));
        }
    }
    Ok(())
}

fn tool(options: &Options) -> Result<format::Tool> {
    match options.migration_tool.as_deref() {
        None => Ok(format::Tool::Flyway),
        Some(t) => format::Tool::parse(t).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "migration tool {:?} is not flyway, liquibase, raw-sql, golang-migrate, dbmate, goose, atlas or sqitch",
                    text::preview(t)
                ),
            )
            .at("options.migration_tool")
        }),
    }
}

/// Which migration each step goes into (see [`format::Part`]), marking concurrent index builds.
fn assign_parts(
    steps: &mut [plan::Step],
    dialect: Dialect,
    options: &Options,
) -> Vec<format::Part> {
    use format::Part;
    use plan::Op;
    let mut parts = vec![Part::Main; steps.len()];
    let adds_enum_values = steps
        .iter()
        .any(|s| matches!(s.op, Op::AddEnumValue { .. }));
    if dialect != Dialect::Postgres || !(adds_enum_values || options.concurrently) {
        return parts;
    }
    let created: hash::Set<model::QualifiedName> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::CreateTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    // Enum values that a later step uses as a default must be committed before it runs.
    let mut used: hash::Set<(model::QualifiedName, String)> = Default::default();
    let mut note_use = |ty: Option<&types::SqlType>, default: Option<&model::DefaultValue>| {
        if let (Some(types::SqlType::Named { schema, name }), Some(model::DefaultValue::Str(v))) =
            (ty, default)
        {
            used.insert((
                model::QualifiedName {
                    schema: schema.as_deref().map(Into::into),
                    name: name.as_str().into(),
                },
                v.clone(),
            ));
        }
    };
    for s in steps.iter() {
        match &s.op {
            Op::CreateTable { table } => table
                .columns
                .iter()
                .for_each(|c| note_use(Some(&c.ty), c.default.as_ref())),
            Op::AddColumn { column, .. } => note_use(Some(&column.ty), column.default.as_ref()),
            Op::AlterColumn { states, .. } => note_use(
                states.to.ty.as_ref(),
                states.to.default.as_ref().and_then(|d| d.as_ref()),
            ),
            _ => {}
        }
    }
    let uses = |en: &model::QualifiedName, v: &str| {
        used.iter().any(|(e, value)| {
            value == v && e.name == en.name && (e.schema.is_none() || e.schema == en.schema)
        })
    };
    let early: hash::Set<model::QualifiedName> = steps
        .iter()
        .filter_map(|s| match &s.op {
            Op::AddEnumValue { en, value, .. } if uses(en, value) => Some(en.clone()),
            _ => None,
        })
        .collect();
    for (s, part) in steps.iter_mut().zip(parts.iter_mut()) {
        match &mut s.op {
            Op::AddEnumValue { en, .. } if early.contains(en) => *part = Part::EnumValues,
            Op::CreateIndex {
                table,
                concurrently,
                ..
            } if options.concurrently && !created.contains(table) => {
                *concurrently = true;
                *part = Part::ConcurrentIndexes;
            }
            _ => {}
        }
    }
    parts
}

/// The run id names the report folder and appears in the header: letters, digits, `.`, `_`, `-`.
fn check_run_id(run_id: &str) -> Result<()> {
    let ok = !run_id.is_empty()
        && run_id.len() <= 128
        && !run_id.starts_with('.')
        && run_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidValue,
            format!(
                "run_id {:?} must be 1 to 128 letters, digits, '.', '_' or '-', not starting with '.' (it names the report folder)",
                text::preview(run_id)
            ),
        )
        .at("$.run_id"))
    }
}

fn target(op: &plan::Op) -> String {
    use plan::Op::*;
    // `<table>.<name>`, made in one allocation.
    let in_table = |t: &model::QualifiedName, name: &str| {
        let schema = t.schema.as_deref();
        let mut out = String::with_capacity(
            schema.map_or(0, |s| s.len() + 1) + t.name.len() + 1 + name.len(),
        );
        if let Some(s) = schema {
            out.push_str(s);
            out.push('.');
        }
        out.push_str(&t.name);
        out.push('.');
        out.push_str(name);
        out
    };
    match op {
        AddColumn { table, column, .. } | DropColumn { table, column } => {
            in_table(table, &column.name)
        }
        AlterColumn { table, column, .. } => in_table(table, column),
        RenameColumn { from, to, table } => format!("{}.{} -> {}", table.display(), from, to),
        RenameTable { from, to } => format!("{} -> {}", from.display(), to.name),
        DropForeignKey { table, fk } | AddForeignKey { table, fk } => in_table(table, &fk.name),
        DropIndex { table, index, .. } | CreateIndex { table, index, .. } => {
            in_table(table, &index.name)
        }
        DropUnique { table, unique, .. } | AddUnique { table, unique } => {
            in_table(table, &unique.name)
        }
        DropCheck { table, check } | AddCheck { table, check } => in_table(table, &check.name),
        CreateEnum { en } | DropEnum { en } => en.name.display(),
        AddEnumValue { en, value, .. } => format!("{} + {}", en.display(), value),
        RemoveEnumValues { en, .. } => en.display(),
        SetAsideForeignKeys { columns, .. } => {
            let mut out = String::new();
            for (i, r) in columns.retyped.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&in_table(&r.table, &r.column));
            }
            out
        }
        _ => op.table().map(|t| t.display()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How [`prepare_streamed`] went for `text`: whether the diffs were planned as they were
    /// read (true), and the outcome, which must be [`generate_json`]'s.
    fn streamed(text: &str, options: &Options) -> bool {
        let mut sink = Streaming {
            options,
            diffs_hint: 0,
            state: Stream::Waiting,
        };
        let read = report::from_json_streamed(text, &mut sink);
        let planned = matches!(
            (&sink.state, &read),
            (
                Stream::Planning(_),
                Ok((
                    _,
                    report::Streamed {
                        diffs: Some(_),
                        late: false
                    }
                ))
            )
        );
        let whole = generate_json(text, options);
        let packed = generate_packed_text(text.to_string(), options, None);
        match (whole, packed) {
            (Err(a), Err(b)) => assert_eq!(a, b, "{text}"),
            (Ok(out), Ok(p)) => assert_eq!(
                edge::tests::unpack(&p, &[]),
                serde_json::to_value(&out).unwrap(),
                "{text}"
            ),
            (a, b) => panic!("{text}: {a:?} / {:?}", b.map(|p| p.meta)),
        }
        planned
    }

    /// The error [`streamed`] found, as its code and path.
    fn fails(text: &str, options: &Options) -> (ErrorCode, Option<String>) {
        streamed(text, options);
        let e = generate_json(text, options).expect_err(text);
        (e.code, e.path)
    }

    const HEAD: &str = r#""workflow": "smartspec_data_model_validator", "report_format": "smartspec.dmv.summary/1", "run_id": "run-7", "timestamps": {"finished_at": "2024-01-01T12:00:00Z"}, "scope": {"dialect": "postgres", "default_schema": "app"}"#;
    const COLUMN: &str = r#"{"id": "D1", "kind": "missing_column", "object": {"table": "users", "column": "last_login_at"}, "expected": {"name": "last_login_at", "type": "timestamptz", "nullable": true}}"#;
    const TABLE: &str = r#"{"id": "D2", "kind": "missing_table", "object": {"table": "audit"}, "expected": {"name": "audit", "columns": [{"name": "id", "type": "integer", "nullable": false}], "primary_key": {"columns": ["id"]}}}"#;
    const ENUM: &str = r#"{"id": "D3", "kind": "missing_enum", "object": {"enum": "mood"}, "expected": {"name": "mood", "values": ["sad", "ok"]}}"#;
    const USES_ENUM: &str = r#"{"id": "D4", "kind": "missing_column", "object": {"table": "users", "column": "mood"}, "expected": {"name": "mood", "type": "mood", "enum": "mood", "nullable": true}}"#;

    fn report(head: &str, diffs: &[&str], tail: &str) -> String {
        format!("{{{head}, \"diffs\": [{}]{tail}}}", diffs.join(", "))
    }

    #[test]
    fn diffs_after_the_other_fields_are_planned_as_they_are_read() {
        let o = Options::default();
        assert!(streamed(&report(HEAD, &[COLUMN, TABLE], ""), &o));
        assert!(streamed(&report(HEAD, &[], ""), &o));
        // Unknown fields after the diffs change nothing.
        assert!(streamed(
            &report(HEAD, &[TABLE], r#", "writes": {"reports": []}"#),
            &o
        ));
        let mysql = Options {
            dialect: Some("mysql".into()),
            ..Options::default()
        };
        assert!(streamed(&report(HEAD, &[COLUMN, TABLE], ""), &mysql));
    }

    #[test]
    fn a_diff_read_into_the_room_of_the_one_before_keeps_nothing_of_it() {
        // Each table's columns, keys and indexes are read into the boxes and lists of the
        // tables before it (`report::Spare`): a rich table, then sparse ones, then rich again.
        let rich = |id: &str, table: &str| {
            format!(
                r#"{{"id": "{id}", "kind": "missing_table", "object": {{"table": "{table}"}}, "expected": {{"name": "{table}", "comment": "kept", "columns": [{{"name": "id", "type": "integer", "nullable": false, "identity": "always", "comment": "key"}}, {{"name": "code", "type": "varchar(16)", "nullable": false, "default": {{"kind": "literal", "value": "x"}}}}, {{"name": "at", "type": "timestamp", "default": {{"kind": "expression", "value": "now()"}}}}, {{"name": "ref_id", "type": "integer"}}], "primary_key": {{"name": "{table}_pk", "columns": ["id"]}}, "unique_constraints": [{{"name": "{table}_code_key", "columns": ["code"]}}], "indexes": [{{"name": "{table}_at_idx", "columns": ["at", "code"], "unique": true}}], "foreign_keys": [{{"name": "{table}_ref_fkey", "columns": ["ref_id"], "references": {{"table": "audit", "columns": ["id"]}}, "on_delete": "cascade"}}]}}}}"#
            )
        };
        let sparse = |id: &str, table: &str| {
            format!(
                r#"{{"id": "{id}", "kind": "missing_table", "object": {{"table": "{table}"}}, "expected": {{"name": "{table}", "columns": [{{"name": "n", "type": "text"}}]}}}}"#
            )
        };
        let diffs = [
            TABLE.to_string(),
            rich("R1", "first"),
            sparse("S1", "second"),
            COLUMN.to_string(),
            sparse("S2", "third"),
            rich("R2", "fourth"),
            sparse("S3", "fifth"),
        ];
        let diffs: Vec<&str> = diffs.iter().map(String::as_str).collect();
        let text = report(HEAD, &diffs, "");
        for dialect in [None, Some("mysql".to_string())] {
            let o = Options {
                dialect,
                ..Options::default()
            };
            assert!(streamed(&text, &o));
        }
    }

    #[test]
    fn a_report_that_cannot_be_planned_as_read_is_read_again_whole() {
        let o = Options::default();
        // A field the checks or the output use, after the diffs.
        let late = r#", "scope": {"dialect": "mysql", "default_schema": "late"}"#;
        let head = HEAD.replace(
            r#", "scope": {"dialect": "postgres", "default_schema": "app"}"#,
            "",
        );
        assert!(!streamed(&report(&head, &[COLUMN, TABLE], late), &o));
        assert!(!streamed(
            &report(&head, &[COLUMN], r#", "results": [{}, {}]"#),
            &o
        ));
        // An enum's values, which an earlier diff's column uses.
        assert!(!streamed(&report(HEAD, &[USES_ENUM, ENUM], ""), &o));
        assert!(!streamed(&report(HEAD, &[COLUMN, ENUM, USES_ENUM], ""), &o));
        // No list of diffs.
        assert!(!streamed(&format!("{{{HEAD}}}"), &o));
        assert!(!streamed(&format!("{{{HEAD}, \"diffs\": null}}"), &o));
    }

    #[test]
    fn errors_come_in_the_order_of_the_whole_report() {
        let o = Options::default();
        let at = |code, path: &str| (code, Some(path.to_string()));
        let no_id = r#"{"kind": "missing_column", "object": {"table": "users"}}"#;
        // A diff that cannot be planned, then a reading error further on: the reading error.
        assert_eq!(
            fails(&report(HEAD, &[no_id, r#"{"id": 5}"#], ""), &o),
            at(ErrorCode::InvalidValue, "$.diffs[1].id")
        );
        assert_eq!(
            fails(&format!("{{{HEAD}, \"diffs\": [{no_id}, {TABLE}"), &o),
            at(ErrorCode::InvalidJson, "$")
        );
        // The top-level checks fail, and a diff too: the checks' error; a reading error after
        // both: that one.
        let newer = HEAD.replace("summary/1", "summary/2");
        assert_eq!(
            fails(&report(&newer, &[no_id], ""), &o),
            at(ErrorCode::UnsupportedFormat, "$.report_format")
        );
        assert_eq!(
            fails(&report(&newer, &[no_id], r#", "run_id": "again""#), &o),
            at(ErrorCode::InvalidValue, "$.run_id")
        );
        // Two lists of diffs; the same diff id twice; a diff without an id before that.
        assert_eq!(
            fails(&report(HEAD, &[COLUMN], r#", "diffs": []"#), &o),
            at(ErrorCode::InvalidValue, "$.diffs")
        );
        assert_eq!(
            fails(&report(HEAD, &[COLUMN, COLUMN], ""), &o),
            at(ErrorCode::DuplicateDiffId, "$.diffs[1].id")
        );
        assert_eq!(
            fails(&report(HEAD, &[no_id, COLUMN, COLUMN], ""), &o),
            at(ErrorCode::MissingField, "$.diffs[0].id")
        );
        // A bad option, and a version the report cannot give.
        let bad_version = Options {
            version: Some("v!".into()),
            ..Options::default()
        };
        assert_eq!(
            fails(&report(HEAD, &[no_id], ""), &bad_version),
            at(ErrorCode::InvalidOption, "options.version")
        );
        let no_time = HEAD.replace(
            r#""timestamps": {"finished_at": "2024-01-01T12:00:00Z"}, "#,
            "",
        );
        assert_eq!(
            fails(&report(&no_time, &[COLUMN], ""), &o),
            at(ErrorCode::MissingVersion, "$.timestamps.finished_at")
        );
    }
}
