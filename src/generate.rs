//! The one pipeline: report text → report → plan → rendered steps → files, with each statement
//! as a span of the file that holds it. Every caller — the JavaScript edge, the native binary,
//! the tests — goes through [`generate`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::dialect::Dialect;
use crate::error::{self, Error, ErrorCode, Result};
use crate::options::{self, Options};
use crate::output::{
    File, Generated, Output, ReportInfo, RiskOut, Spans, Statement, UndoStatement,
};
use crate::plan::Warning;
use crate::{format, hash, model, plan, render, report, risk, sort, text, types};
use crate::{EXPECTED_WORKFLOW, REPORT_FORMAT};

/// Reads `report` (JSON text) and makes the migration `options` ask for. It takes the text, so
/// that the text and the report read from it are dropped as soon as the plan is made: the files
/// are written without them, which lowers the peak memory by about the report's size.
///
/// Errors come in the order of the whole report: reading, then the options, then the checks of
/// the report's top-level fields, then the first diff that cannot be planned, then the version.
pub fn generate(text: String, options: &Options) -> Result<Generated> {
    let mut report = report::from_json(&text)?;
    let Head {
        mut output,
        mut warnings,
        dialect,
        tool,
    } = prepare_head(&report, options)?;
    let Some(mut diffs) = report.diffs.take() else {
        output.nothing_to_do = Some(format!(
            "the report has no diffs[] (it lists {} finding(s) in results[] but not what differs), so there is nothing to generate",
            output.report.results
        ));
        output.warnings = warnings;
        return Ok(Generated {
            output,
            spans: Spans::default(),
        });
    };
    output.report.diffs = diffs.len();
    // Each diff is dropped as soon as it is planned.
    let mut plan = plan::build_from(&report, plan::Diffs::Owned(&mut diffs), dialect)?;
    drop(diffs);
    warnings.append(&mut plan.warnings);
    output.warnings = warnings;
    let version = version(&report, options, &output.run_id);
    drop(report);
    drop(text);
    write(output, plan, dialect, tool, version, options)
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
    options::check(options)?;
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
                    "dialect {:?} is not postgres, postgresql, mysql or sqlite",
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
                    format!(
                        "dialect {:?} is not PostgreSQL, MySQL or SQLite",
                        text::preview(d)
                    ),
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
    let tool = options::tool(options)?;
    let migration_tool = tool.name();
    if dialect == Dialect::Sqlite
        && !matches!(
            tool,
            format::Tool::Flyway | format::Tool::Liquibase | format::Tool::RawSql
        )
    {
        return Err(Error::new(
            ErrorCode::InvalidOption,
            format!(
                "migration tool {} is not supported for SQLite: use flyway, liquibase or raw-sql",
                migration_tool
            ),
        )
        .at("options.migration_tool"));
    }

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

/// The migration's version: the option, else the report's finish time, else its run id's
/// timestamp; or why there is none (said only when there is a migration to name).
fn version(report: &report::Report, options: &Options, run_id: &str) -> Result<String> {
    let root = error::Path::Root;
    match options.version.as_deref() {
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
    }
}

/// The steps rendered, the undo planned, the files written, the statements listed.
fn write(
    mut output: Output,
    plan: plan::Plan,
    dialect: Dialect,
    tool: format::Tool,
    version: Result<String>,
    options: &Options,
) -> Result<Generated> {
    let no_diffs = output.report.diffs == 0;
    let mut steps = plan.steps;
    let parts = assign_parts(&mut steps, dialect, options);
    let risks = risk::assess(&steps, dialect);
    let guards = options::guards(options)?;
    let mut outs = Vec::with_capacity(steps.len());
    // Steps the dialect renders as nothing (MySQL's enums live on columns) are left out, and so
    // are their undos.
    let mut rendered = vec![false; steps.len()];
    // Each step's reverse, made once: rendered here, then ordered into the undo plan.
    let mut inverse = plan::Inverse::with_capacity(steps.len());
    for (i, ((step, step_risks), part)) in steps.iter().zip(&risks).zip(&parts).enumerate() {
        // Rendered here only when it may render as nothing; otherwise as its file is written.
        let sql =
            (!render::never_empty(&step.op)).then(|| render::render(dialect, guards, &step.op));
        let reverse_op = step.op.reverse(dialect);
        if sql.as_ref().is_some_and(Vec::is_empty) {
            inverse.push(i, step, reverse_op);
            continue;
        }
        rendered[i] = true;
        let (reverse, reverse_note) = match &reverse_op {
            plan::Reverse::Exact(op) => {
                (Some(render::render_statements(dialect, guards, op)), None)
            }
            plan::Reverse::StructureOnly(op, note) => (
                Some(render::render_statements(dialect, guards, op)),
                Some(*note),
            ),
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
            guards,
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
        return Ok(Generated {
            output,
            spans: Spans::default(),
        });
    }
    let version = version?;
    let description = match options::name_from(options)? {
        options::NameFrom::Changes => format::name::describe(&steps),
        options::NameFrom::SpecId => {
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
        guards,
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
                    Cow::Owned(render::render(dialect, guards, &s.op))
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
        format::Part::OwnTransaction,
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
    // Listed from what was written, each list freed as the next is made.
    output.undo = undo_statements(undo_outs, &spans);
    output.statements = statements(outs);
    Ok(Generated { output, spans })
}

/// The output's statements, from the steps as written; their SQL is left empty: a file holds it.
fn statements(outs: Vec<format::StepOut>) -> Vec<Statement> {
    outs.into_iter()
        .map(|s| Statement {
            destructive: s.destructive(),
            sql: String::new(),
            diff_id: s.diff_id.to_string(),
            operation: s.operation,
            target: s.target,
            risks: s
                .risks
                .iter()
                .map(|r| RiskOut {
                    code: r.code,
                    category: r.category,
                })
                .collect(),
            blocked: s.blocked,
            reverse_sql: s.reverse.as_deref().map(format::statements_sql),
            reverse_note: s.reverse_note,
            part: s.part.name(),
        })
        .collect()
}

/// The output's undo steps in the order they run; their SQL is left empty where `spans` says a
/// file holds it, or that it is its statement's `reverse_sql`.
fn undo_statements(mut undo: Vec<format::UndoOut>, spans: &Spans) -> Vec<UndoStatement> {
    sort::by_key(&mut undo, |u| sort::index_key(u.index));
    undo.into_iter()
        .map(|u| {
            let own = spans.undo[u.index].is_none() && spans.undo_as_reverse_of[u.index].is_none();
            UndoStatement {
                statement: u.statement,
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
            }
        })
        .collect()
}

/// Which migration each step goes into (see [`format::Part`]), marking concurrent index builds.
fn assign_parts(
    steps: &mut [plan::Step],
    dialect: Dialect,
    options: &Options,
) -> Vec<format::Part> {
    use format::Part;
    use plan::Op;
    if dialect == Dialect::Sqlite {
        // Foreign keys are turned off outside any transaction, around the migration's own.
        let own = steps
            .iter()
            .any(|s| matches!(s.op, Op::SqliteForeignKeys { .. }));
        let part = if own {
            Part::OwnTransaction
        } else {
            Part::Main
        };
        return vec![part; steps.len()];
    }
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
        SqliteForeignKeys { .. } => "foreign keys".to_string(),
        _ => op.table().map(|t| t.display()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error `generate` fails with, as its code and path.
    fn fails(text: &str, options: &Options) -> (ErrorCode, Option<String>) {
        let e = crate::generate_json(text, options).expect_err(text);
        (e.code, e.path)
    }

    const HEAD: &str = r#""workflow": "smartspec_data_model_validator", "report_format": "smartspec.dmv.summary/1", "run_id": "run-7", "timestamps": {"finished_at": "2024-01-01T12:00:00Z"}, "scope": {"dialect": "postgres", "default_schema": "app"}"#;
    const COLUMN: &str = r#"{"id": "D1", "kind": "missing_column", "object": {"table": "users", "column": "last_login_at"}, "expected": {"name": "last_login_at", "type": "timestamptz", "nullable": true}}"#;
    const TABLE: &str = r#"{"id": "D2", "kind": "missing_table", "object": {"table": "audit"}, "expected": {"name": "audit", "columns": [{"name": "id", "type": "integer", "nullable": false}], "primary_key": {"columns": ["id"]}}}"#;

    fn report(head: &str, diffs: &[&str], tail: &str) -> String {
        format!("{{{head}, \"diffs\": [{}]{tail}}}", diffs.join(", "))
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
