//! What every successful generation must satisfy, whatever the report held. Shared by the fuzz
//! targets (`fuzz/fuzz_targets/`) and the regression tests (`tests/fuzz_regressions.rs`, which
//! includes this file with `#[path]`), so a finding is always replayed against the same checks.
//!
//! Checked on every `Ok` output:
//! - no NUL anywhere in the SQL, the reverse SQL, the file name or the file;
//! - the file name matches `^V[0-9][0-9._]*__[a-z0-9_]+\.sql$`;
//! - the file is exactly the statements' SQL in order, everything else being whole `--` comment
//!   lines without control characters or line/bidi controls (a name cannot start a new line);
//! - every statement lexes cleanly for its dialect: quotes, strings and dollar quotes are closed,
//!   no comment opens outside them, and `;` only ends a statement (PostgreSQL `DO` bodies and
//!   MySQL prepared statements are lexed again, recursively);
//! - every identifier of the report that appears in the SQL sits inside one quoted name or string
//!   (or inside a re-rendered check expression), never across a quote boundary and never as a
//!   bare word the generator's own templates do not use;
//! - destructive steps are marked so (drops are destructive whatever the report says), blocked
//!   unless allowed, and the file says BLOCKED exactly when something is blocked;
//! - a `numeric(p,s)` → `numeric(p,s)` change is judged narrowing exactly when it keeps fewer
//!   digits before or after the point (counted in signed arithmetic, a scale above the precision
//!   included);
//! - generating twice gives the identical output.
//!
//! On `Err`: the error has a message, and its path (when given) starts with `$` or `options`.

#![allow(dead_code)]

use smartspec_data_migration_generator as core;

use core::{ErrorCode, Options, Output};

/// Findings already reported and awaiting their fix that a fuzzing run may step over, so that it
/// keeps searching for new ones: `SMARTSPEC_FUZZ_TOLERATE=nul,liquibase-lines` (comma-separated).
/// The regression tests leave it unset and check everything.
fn tolerated(finding: &str) -> bool {
    static LIST: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        std::env::var("SMARTSPEC_FUZZ_TOLERATE")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .iter()
    .any(|f| f == finding)
}

/// The option sets every input is generated with: both dialects, every migration tool, with
/// and without `allow_destructive`, undo files and concurrent indexes, a version override and
/// the file named after the spec.
pub fn option_sets() -> Vec<Options> {
    vec![
        Options {
            dialect: Some("PostgreSQL".into()),
            ..Options::default()
        },
        Options {
            dialect: Some("MySQL".into()),
            migration_tool: Some("liquibase".into()),
            ..Options::default()
        },
        Options {
            allow_destructive: true,
            version: Some("20240101.1_2".into()),
            undo: true,
            concurrently: true,
            ..Options::default()
        },
        Options {
            name_from: Some("spec_id".into()),
            migration_tool: Some("raw-sql".into()),
            ..Options::default()
        },
        Options {
            dialect: Some("PostgreSQL".into()),
            migration_tool: Some("liquibase".into()),
            allow_destructive: true,
            concurrently: true,
            ..Options::default()
        },
    ]
}

/// Generates `text` with each of [`option_sets`]; panics with a description on the first
/// violated invariant.
pub fn check_all(text: &str) {
    for options in option_sets() {
        if let Err(problem) = check_generation(text, &options) {
            panic!("invariant violated with {:?}: {}", options, problem);
        }
    }
}

/// Generates twice and checks the result.
pub fn check_generation(text: &str, options: &Options) -> Result<(), String> {
    let first = core::generate_json(text, options);
    let second = core::generate_json(text, options);
    if first != second {
        return Err("generating twice gave different results".into());
    }
    check_packed(text, options, &first)?;
    match first {
        Ok(out) => check_output(text, options, &out),
        Err(e) => {
            if e.message.is_empty() {
                return Err(format!("error {:?} without a message", e.code));
            }
            if let Some(p) = &e.path {
                if !(p.starts_with('$') || p.starts_with("options") || p == "dialect") {
                    return Err(format!("error path {:?} is not a JSON path", p));
                }
            }
            if e.code == ErrorCode::TooLarge && text.len() < 1024 && depth(text) < 100 {
                return Err(format!("too_large for a small, shallow report: {}", e));
            }
            Ok(())
        }
    }
}

/// The wasm edge's path: the output packed for JavaScript (`core::wasm::pack`). Its files'
/// text and its meta object must be those of the output as one value.
fn check_packed(text: &str, options: &Options, whole: &core::Result<Output>) -> Result<(), String> {
    let (Ok(out), Ok(generated)) = (whole, core::generate(text.to_string(), options)) else {
        return Ok(());
    };
    let p = core::wasm::pack::pack(generated);
    if p.contents.len() != out.files.len() {
        return Err("the packed output lost a file".into());
    }
    // Everything but the statements and the files' text, as the edge packs it.
    let mut meta = out.clone();
    meta.statements.clear();
    meta.undo.clear();
    for f in &mut meta.files {
        f.content.clear();
    }
    let packed_meta: serde_json::Value =
        serde_json::from_str(&p.meta).map_err(|e| format!("packed meta is not JSON: {}", e))?;
    if serde_json::to_value(&meta).map_err(|e| e.to_string())? != packed_meta {
        return Err("the packed output's meta differs from the output".into());
    }
    for (c, f) in p.contents.iter().zip(&out.files) {
        if *c != f.content {
            return Err(format!("packed file {} differs from the output's", f.name));
        }
    }
    Ok(())
}

/// Deepest nesting of `[`/`{` outside JSON strings (a cheap bound for the check above).
fn depth(text: &str) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                d += 1;
                max = max.max(d);
            }
            b']' | b'}' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The invariants of one successful output.
pub fn check_output(text: &str, options: &Options, out: &Output) -> Result<(), String> {
    let dialect = match out.dialect {
        "PostgreSQL" => Sql::Pg,
        "MySQL" => Sql::My,
        "SQLite" => Sql::Lite,
        other => return Err(format!("unknown dialect {:?} in the output", other)),
    };
    let ids = identifiers(text);

    match (&out.nothing_to_do, out.files.len()) {
        (Some(_), 0) => {
            if !out.statements.is_empty() {
                return Err("nothing to do, yet statements".into());
            }
        }
        (None, n) if n >= 1 => {}
        (n, f) => {
            return Err(format!(
                "nothing_to_do {:?} with {} file(s)",
                n.is_some(),
                f
            ))
        }
    }

    for s in &out.statements {
        let where_ = format!("statement [{}] {}", s.diff_id, s.operation);
        if s.sql.contains('\0') && !tolerated("nul") {
            return Err(format!("{}: NUL in the SQL", where_));
        }
        if s.reverse_sql.as_deref().is_some_and(|r| r.contains('\0')) && !tolerated("nul") {
            return Err(format!("{}: NUL in the reverse SQL", where_));
        }
        check_sql(&s.sql, dialect, &ids, true)
            .map_err(|e| format!("{}: {}\n{}", where_, e, s.sql))?;
        if let Some(r) = &s.reverse_sql {
            check_sql(r, dialect, &ids, true)
                .map_err(|e| format!("{} (reverse): {}\n{}", where_, e, r))?;
        }
        // Destructive marks come from the risk pass, never from the report.
        let destructive = s
            .risks
            .iter()
            .any(|r| r.category == core::risk::Category::Destructive);
        if s.destructive != destructive {
            return Err(format!(
                "{}: destructive flag disagrees with its risks",
                where_
            ));
        }
        if matches!(
            s.operation,
            "drop_table" | "drop_column" | "remove_enum_values"
        ) && !destructive
        {
            return Err(format!("{}: a drop that is not marked destructive", where_));
        }
        // A SQLite rebuild drops the old table once its rows are copied into the new one.
        let copied_first = s.operation == "rebuild_table"
            && s.sql
                .find("INSERT INTO \"new_")
                .is_some_and(|i| s.sql.find("\nDROP TABLE ").is_some_and(|d| i < d));
        if drops_data(&s.sql, dialect) && !destructive && !copied_first {
            return Err(format!(
                "{}: DROP TABLE or DROP COLUMN in a step not marked destructive\n{}",
                where_, s.sql
            ));
        }
        if s.blocked != (destructive && !options.allow_destructive) {
            return Err(format!("{}: blocked flag is wrong", where_));
        }
    }
    if out.blocked != out.statements.iter().any(|s| s.blocked) {
        return Err("output.blocked disagrees with the statements".into());
    }
    check_numeric_narrowing(text, out)?;
    if out.destructive_operations_found != out.statements.iter().any(|s| s.destructive) {
        return Err("destructive_operations_found disagrees with the statements".into());
    }

    if out.nothing_to_do.is_none()
        && !out.files.iter().any(|f| {
            f.content
                .contains("-- Generated by SmartSpec Data Migration Generator\n")
        })
    {
        return Err("no file carries the generator's header".into());
    }
    let liquibase = out.migration_tool == "liquibase";
    for f in &out.files {
        check_file_name(&f.name, f.role)?;
        if f.content.contains('\0') && !tolerated("nul") {
            return Err(format!("NUL in {}", f.name));
        }
        if f.role == "conf" {
            if f.content != "executeInTransaction=false\n" {
                return Err(format!("unexpected {}: {:?}", f.name, f.content));
            }
            continue;
        }
        let forward = matches!(f.role, "migration" | "up" | "changelog");
        // The statements of this file, in the order it holds them.
        let part = if f.name.contains("__") && f.name.contains("_enum_values.") {
            Some("enum_values")
        } else if f.name.contains("_concurrent_indexes.") {
            Some("concurrent_indexes")
        } else if matches!(f.role, "migration" | "undo") {
            // A SQLite migration that runs its own transaction is that one part, whole.
            if out.statements.iter().any(|s| s.part == "own_transaction") {
                Some("own_transaction")
            } else {
                Some("main")
            }
        } else {
            None
        };
        let mine: Vec<&core::Statement> = out
            .statements
            .iter()
            .filter(|s| part.map_or(true, |p| s.part == p))
            .collect();
        // Undo and down files hold the undo plan's steps, in its order (out.undo).
        let blocks: Vec<&str> = if forward {
            mine.iter().map(|s| s.sql.as_str()).collect()
        } else {
            out.undo
                .iter()
                .filter(|u| part.map_or(true, |p| u.part == p))
                .filter_map(|u| u.sql.as_deref())
                .collect()
        };
        let rollbacks: Vec<Option<&str>> = mine.iter().map(|s| s.reverse_sql.as_deref()).collect();
        check_file_layout(
            f,
            &blocks,
            liquibase.then_some(&rollbacks[..]),
            matches!(dialect, Sql::Lite),
        )?;
        let says_blocked = f.content.lines().any(|l| l.starts_with("-- BLOCKED:"));
        let blocked = forward && mine.iter().any(|s| s.blocked);
        if says_blocked != blocked {
            return Err(format!(
                "{} says BLOCKED: {}, its statements are blocked: {}",
                f.name, says_blocked, blocked
            ));
        }
    }
    Ok(())
}

/// A type change between two `numeric(p,s)` / `decimal(p,s)` is narrowing exactly when the new
/// type keeps fewer digits after the point (scale) or before it (precision less scale, negative
/// when the scale is above the precision, as PostgreSQL 15 allows): compared here in `i128`,
/// independently of the generator's own arithmetic, which once wrapped on `numeric(3,4)`.
fn check_numeric_narrowing(text: &str, out: &Output) -> Result<(), String> {
    let Ok(report) = serde_json::from_str::<serde_json::Value>(text) else {
        return Ok(());
    };
    let Some(diffs) = report.get("diffs").and_then(|d| d.as_array()) else {
        return Ok(());
    };
    for d in diffs {
        if d.get("kind").and_then(|k| k.as_str()) != Some("type_mismatch") {
            continue;
        }
        let Some(id) = d.get("id").and_then(|i| i.as_str()) else {
            continue;
        };
        let args = |side: &str| {
            d.get(side)
                .and_then(|c| c.get("type"))
                .and_then(|t| t.as_str())
                .and_then(numeric_args)
        };
        let (Some((p1, s1)), Some((p2, s2))) = (args("actual"), args("expected")) else {
            continue;
        };
        let narrowing = s2 < s1 || p2 - s2 < p1 - s1;
        for s in out
            .statements
            .iter()
            .filter(|s| s.diff_id == id && s.operation == "alter_column_type")
        {
            let judged = s.risks.iter().any(|r| r.code == "narrowing-type-change");
            if judged != narrowing {
                return Err(format!(
                    "statement [{}]: numeric({},{}) -> numeric({},{}) judged {}, but it {}",
                    id,
                    p1,
                    s1,
                    p2,
                    s2,
                    if judged { "narrowing" } else { "widening" },
                    if narrowing { "narrows" } else { "widens" }
                ));
            }
        }
    }
    Ok(())
}

/// The precision and scale of `numeric(p,s)` or `decimal(p,s)` (any case and spacing).
fn numeric_args(t: &str) -> Option<(i128, i128)> {
    let t = t.trim().to_ascii_lowercase();
    let (name, rest) = t.split_once('(')?;
    if !matches!(name.trim(), "numeric" | "decimal") {
        return None;
    }
    let (p, s) = rest.strip_suffix(')')?.split_once(',')?;
    Some((p.trim().parse().ok()?, s.trim().parse().ok()?))
}

/// The names of each role: `V<v>__<d>.sql` (with `.conf` beside it), `U<v>__<d>.sql`,
/// `<v>__<d>.changelog.sql`, `<v>_<d>.up.sql` / `.down.sql`; `<v>` being `[0-9][0-9._]*` and
/// `<d>` `[a-z0-9_]+`. Flyway's migration names match `^V[0-9][0-9._]*__[a-z0-9_]+\.sql$`.
pub fn check_file_name(name: &str, role: &str) -> Result<(), String> {
    let bad = || Err(format!("{} file name {:?} is not of its form", role, name));
    let version_ok = |v: &str| {
        let b = v.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_digit()
            && b.iter()
                .all(|c| c.is_ascii_digit() || *c == b'.' || *c == b'_')
    };
    let desc_ok = |d: &str| {
        !d.is_empty()
            && d.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    };
    let split = |rest: &str, sep: &str| -> bool {
        // The version holds no `__`; the description may.
        match rest.find(sep) {
            Some(i) => version_ok(&rest[..i]) && desc_ok(&rest[i + sep.len()..]),
            None => false,
        }
    };
    let ok = match role {
        "migration" => name
            .strip_prefix('V')
            .and_then(|r| r.strip_suffix(".sql"))
            .is_some_and(|r| split(r, "__")),
        "undo" => name
            .strip_prefix('U')
            .and_then(|r| r.strip_suffix(".sql"))
            .is_some_and(|r| split(r, "__")),
        "conf" => name.strip_suffix(".conf").is_some_and(|r| {
            // A SQLite undo file that runs its own transaction has one too.
            check_file_name(r, "migration").is_ok() || check_file_name(r, "undo").is_ok()
        }),
        "changelog" => name
            .strip_suffix(".changelog.sql")
            .is_some_and(|r| split(r, "__")),
        "up" => name.strip_suffix(".up.sql").is_some_and(|r| {
            // `<v>_<d>`: the version ends at the first `_` followed by a letter or digit run.
            (1..r.len())
                .any(|i| r.as_bytes()[i] == b'_' && version_ok(&r[..i]) && desc_ok(&r[i + 1..]))
        }),
        "down" => name.strip_suffix(".down.sql").is_some_and(|r| {
            (1..r.len())
                .any(|i| r.as_bytes()[i] == b'_' && version_ok(&r[..i]) && desc_ok(&r[i + 1..]))
        }),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        bad()
    }
}

/// A file is its SQL blocks, in order, each followed by a line break; every other line is empty
/// or a whole comment line no name can break (`-- …` without control, line-separator or bidi
/// characters). Liquibase changelogs also hold `--changeset`, `--comment:` and `--rollback`
/// lines; as Liquibase reads them line by line, no line of a statement may look like one of its
/// own (`--…` at the start of a line, or a carriage return starting a line).
fn check_file_layout(
    f: &core::File,
    blocks: &[&str],
    rollbacks: Option<&[Option<&str>]>,
    sqlite: bool,
) -> Result<(), String> {
    let content = f.content.as_str();
    let mut at = 0;
    let mut next = 0;
    let mut rollback_lines: Vec<String> = Vec::new();
    if rollbacks.is_some() && !tolerated("liquibase-lines") && content.contains('\r') {
        return Err(format!(
            "{}: a carriage return in a Liquibase changelog",
            f.name
        ));
    }
    for r in rollbacks.into_iter().flatten().flatten() {
        rollback_lines.extend(r.lines().map(|l| format!("--rollback {}", l)));
    }
    let mut rollback_at = 0;
    while at < content.len() {
        let rest = &content[at..];
        if let Some(block) = blocks.get(next) {
            if rest.starts_with(block) && rest[block.len()..].starts_with('\n') {
                if rollbacks.is_some() && !tolerated("liquibase-lines") {
                    for line in block.split('\n').skip(1) {
                        let t = line.trim_start().to_ascii_lowercase();
                        let multi_line_rollback = t
                            .strip_prefix("/*")
                            .is_some_and(|r| r.trim_start().starts_with("liquibase"));
                        if t.starts_with("--") || multi_line_rollback {
                            return Err(format!(
                                "{}: a line of a statement reads as a Liquibase directive: {:?}",
                                f.name, line
                            ));
                        }
                    }
                }
                at += block.len() + 1;
                next += 1;
                continue;
            }
        }
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = rest[..end].strip_suffix('\n').unwrap_or(&rest[..end]);
        at += end;
        if line.is_empty() {
            continue;
        }
        if line.starts_with("-- Preconditions: ") {
            // The precondition block: its statements, up to the blank line after them, written by
            // the generator alone (names only inside quoted literals and identifiers).
            let rest = &content[at..];
            let len = rest.find("\n\n").map_or(rest.len(), |i| i + 1);
            let block = &rest[..len];
            let known = [
                "DO $smartspec",
                "SET @smartspec_sql = CASE",
                "-- +goose StatementBegin\n",
            ];
            if !known.iter().any(|k| block.starts_with(k)) {
                return Err(format!(
                    "{}: the precondition block is not one the generator writes: {:?}",
                    f.name,
                    block.lines().next()
                ));
            }
            at += len;
            continue;
        }
        if rollbacks.is_some() && line.starts_with("--rollback ") {
            if rollback_lines.get(rollback_at).map(String::as_str) != Some(line) {
                return Err(format!("{}: unexpected rollback line {:?}", f.name, line));
            }
            rollback_at += 1;
            continue;
        }
        let directive = rollbacks.is_some()
            && (line == "--liquibase formatted sql"
                || line.starts_with("--changeset smartspec:")
                || line.starts_with("--comment: ")
                || line == "--preconditions onFail:HALT onError:HALT"
                || line.starts_with("--precondition-sql-check expectedResult:ok SELECT "));
        // SQLite's raw SQL files are one transaction of their own.
        let own_transaction =
            sqlite && matches!(f.role, "up" | "down") && (line == "BEGIN;" || line == "COMMIT;");
        if !(line.starts_with("-- ") || directive || own_transaction) {
            return Err(format!(
                "{}: a line outside the statements is not a comment: {:?}",
                f.name, line
            ));
        }
        if let Some(c) = line.chars().find(|c| core::text::is_unsafe_in_comment(*c)) {
            return Err(format!(
                "{}: comment line holds U+{:04X}: {:?}",
                f.name, c as u32, line
            ));
        }
    }
    if next != blocks.len() {
        return Err(format!(
            "{}: holds {} of its {} SQL blocks in order",
            f.name,
            next,
            blocks.len()
        ));
    }
    if rollback_at != rollback_lines.len() {
        return Err(format!("{}: rollback lines missing", f.name));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Identifiers of the report

/// Every name the report gives in a place the contract reserves for an identifier.
pub fn identifiers(text: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let s = |v: Option<&serde_json::Value>, out: &mut Vec<String>| {
        if let Some(serde_json::Value::String(x)) = v {
            out.push(x.clone());
        }
    };
    s(v.pointer("/scope/default_schema"), &mut out);
    let Some(diffs) = v.get("diffs").and_then(|d| d.as_array()) else {
        return finish(out);
    };
    for d in diffs {
        if let Some(o) = d.get("object") {
            for k in ["schema", "table", "column", "enum", "constraint", "index"] {
                s(o.get(k), &mut out);
            }
        }
        for side in ["expected", "actual"] {
            if let Some(p) = d.get(side) {
                payload_ids(p, &mut out);
            }
        }
    }
    finish(out)
}

fn finish(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids.retain(|i| !i.is_empty());
    ids
}

fn payload_ids(p: &serde_json::Value, out: &mut Vec<String>) {
    let push = |v: Option<&serde_json::Value>, out: &mut Vec<String>| {
        if let Some(serde_json::Value::String(x)) = v {
            out.push(x.clone());
        }
    };
    push(p.get("name"), out);
    push(p.get("enum"), out);
    columns_ids(p.get("columns"), out);
    if let Some(r) = p.get("references") {
        references_ids(r, out);
    }
    if let Some(pk) = p.get("primary_key") {
        push(pk.get("name"), out);
        columns_ids(pk.get("columns"), out);
    }
    for list in ["foreign_keys", "unique_constraints", "indexes", "checks"] {
        if let Some(items) = p.get(list).and_then(|x| x.as_array()) {
            for item in items {
                push(item.get("name"), out);
                columns_ids(item.get("columns"), out);
                if let Some(r) = item.get("references") {
                    references_ids(r, out);
                }
            }
        }
    }
}

fn references_ids(r: &serde_json::Value, out: &mut Vec<String>) {
    for k in ["schema", "table"] {
        if let Some(serde_json::Value::String(x)) = r.get(k) {
            out.push(x.clone());
        }
    }
    columns_ids(r.get("columns"), out);
}

fn columns_ids(cols: Option<&serde_json::Value>, out: &mut Vec<String>) {
    for c in cols.and_then(|c| c.as_array()).into_iter().flatten() {
        match c {
            serde_json::Value::String(x) => out.push(x.clone()),
            serde_json::Value::Object(_) => {
                for k in ["name", "enum"] {
                    if let Some(serde_json::Value::String(x)) = c.get(k) {
                        out.push(x.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A lexer with each dialect's quoting rules, enough to tell quoted text from bare SQL.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sql {
    Pg,
    My,
    /// SQLite: `"name"` (also `` `name` ``), `'string'` without backslash escapes, `--` and `/* */`
    /// comments, no dollar quotes.
    Lite,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Bare,
    /// A quoted name, a string or a dollar-quote delimiter, delimiters included.
    Quoted,
    /// A `CHECK ( … )` body: the report's own expression, re-rendered from tokens.
    Check,
}

#[derive(Default)]
struct Lexed {
    /// The region of every byte: (kind, region number).
    regions: Vec<(Kind, u32)>,
    next_region: u32,
    /// Bare words outside check bodies, at every nesting level: (start, end).
    words: Vec<(usize, usize)>,
    /// `;` outside quotes at the top level (not inside dollar-quoted bodies).
    semicolons: Vec<usize>,
    /// MySQL: decoded string arguments of `SET @smartspec_sql = IF(…)`: prepared statements.
    prepared: Vec<String>,
}

impl Lexed {
    fn region(&mut self) -> u32 {
        self.next_region += 1;
        self.next_region
    }
    fn mark(&mut self, from: usize, to: usize, kind: Kind, id: u32) {
        for r in &mut self.regions[from..to] {
            *r = (kind, id);
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Lexes `src` (at offset `base` of the whole text) into `lx`. `nested`: inside a dollar-quoted
/// body, where `;` separates PL/pgSQL statements.
fn lex_into(src: &str, d: Sql, base: usize, nested: bool, lx: &mut Lexed) -> Result<(), String> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut paren: usize = 0;
    // Set after the word CHECK: the next `(` opens a check body.
    let mut after_check = false;
    // (paren depth of the body, region) while inside a check body.
    let mut check: Option<(usize, u32)> = None;
    // MySQL: start of the current statement, to spot `SET @smartspec_sql = IF(`.
    let mut stmt_start = 0usize;
    while i < b.len() {
        let c = b[i];
        let at = i;
        let quoted_kind = |check: &Option<(usize, u32)>, lx: &mut Lexed| match check {
            Some((_, id)) => (Kind::Check, *id),
            None => (Kind::Quoted, lx.region()),
        };
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
            }
            b'"' if d != Sql::My => {
                i = close_quote(b, i, b'"', false).ok_or("unterminated quoted name")?;
                let (k, id) = quoted_kind(&check, lx);
                lx.mark(base + at, base + i, k, id);
                after_check = false;
            }
            b'`' if d != Sql::Pg => {
                i = close_quote(b, i, b'`', false).ok_or("unterminated quoted name")?;
                let (k, id) = quoted_kind(&check, lx);
                lx.mark(base + at, base + i, k, id);
                after_check = false;
            }
            b'\'' | b'"' => {
                let backslash = d == Sql::My;
                i = close_quote(b, i, c, backslash).ok_or("unterminated string")?;
                let (k, id) = quoted_kind(&check, lx);
                lx.mark(base + at, base + i, k, id);
                if d == Sql::My && paren == 1 && check.is_none() {
                    let stmt = src[stmt_start..at].trim_start();
                    if stmt.starts_with("SET @smartspec_sql = IF(") {
                        lx.prepared.push(decode_mysql(&src[at + 1..i - 1], c));
                    }
                }
                after_check = false;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let comment = match d {
                    Sql::Pg | Sql::Lite => true,
                    Sql::My => b.get(i + 2).map_or(true, |n| *n <= b' '),
                };
                if comment {
                    return Err(format!(
                        "a comment opens outside quotes at byte {}",
                        base + i
                    ));
                }
                i += 2;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                return Err(format!(
                    "a comment opens outside quotes at byte {}",
                    base + i
                ));
            }
            b'#' if d == Sql::My => {
                return Err(format!(
                    "a # comment opens outside quotes at byte {}",
                    base + i
                ));
            }
            b'$' if d == Sql::Pg => {
                if b.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                } else {
                    let mut j = i + 1;
                    while j < b.len()
                        && (b[j].is_ascii_alphabetic()
                            || b[j] == b'_'
                            || b[j] >= 0x80
                            || (j > i + 1 && b[j].is_ascii_digit()))
                    {
                        j += 1;
                    }
                    if b.get(j) == Some(&b'$') {
                        let tag = &src[i..=j];
                        let body_start = j + 1;
                        let Some(len) = src[body_start..].find(tag) else {
                            return Err(format!("unterminated dollar quote {}", tag));
                        };
                        let body_end = body_start + len;
                        let id = lx.region();
                        lx.mark(base + i, base + body_start, Kind::Quoted, id);
                        let id = lx.region();
                        lx.mark(
                            base + body_end,
                            base + body_end + tag.len(),
                            Kind::Quoted,
                            id,
                        );
                        lex_into(&src[body_start..body_end], d, base + body_start, true, lx)?;
                        i = body_end + tag.len();
                    } else {
                        i += 1;
                    }
                }
                after_check = false;
            }
            b';' => {
                if !nested {
                    lx.semicolons.push(base + i);
                }
                stmt_start = i + 1;
                i += 1;
                after_check = false;
            }
            b'(' => {
                paren += 1;
                if after_check && check.is_none() {
                    check = Some((paren, lx.region()));
                }
                if let Some((_, id)) = check {
                    lx.mark(base + i, base + i + 1, Kind::Check, id);
                }
                i += 1;
                after_check = false;
            }
            b')' => {
                if let Some((depth, id)) = check {
                    lx.mark(base + i, base + i + 1, Kind::Check, id);
                    if depth == paren {
                        check = None;
                    }
                }
                paren = paren.saturating_sub(1);
                i += 1;
                after_check = false;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                let word = &src[at..i];
                if d == Sql::Pg && (word == "E" || word == "e") && b.get(i) == Some(&b'\'') {
                    i = close_quote(b, i, b'\'', true).ok_or("unterminated E'' string")?;
                    let (k, id) = quoted_kind(&check, lx);
                    lx.mark(base + at, base + i, k, id);
                    after_check = false;
                } else {
                    if let Some((_, id)) = check {
                        lx.mark(base + at, base + i, Kind::Check, id);
                    } else {
                        lx.words.push((base + at, base + i));
                    }
                    after_check = word.eq_ignore_ascii_case("check");
                }
            }
            _ => {
                i += 1;
                after_check = false;
            }
        }
        if let Some((_, id)) = check {
            // Everything inside a check body belongs to it, bare or quoted.
            if lx.regions[base + at].0 == Kind::Bare {
                lx.mark(base + at, base + i, Kind::Check, id);
            }
        }
    }
    if check.is_some() {
        return Err("a CHECK body is not closed".into());
    }
    Ok(())
}

/// The end (one past the closing quote) of the quoted token starting at `start`; a doubled quote
/// stands for one, and with `backslash` a backslash escapes the next byte.
fn close_quote(b: &[u8], start: usize, q: u8, backslash: bool) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The value of a MySQL string literal's body (default SQL mode).
fn decode_mysql(body: &str, q: u8) -> String {
    let mut out = String::new();
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('0') => out.push('\0'),
                Some('b') => out.push('\u{8}'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('Z') => out.push('\u{1a}'),
                Some('%') => out.push_str("\\%"),
                Some('_') => out.push_str("\\_"),
                Some(o) => out.push(o),
                None => {}
            }
        } else if c as u32 == q as u32 && it.peek() == Some(&c) {
            it.next();
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

fn lex(sql: &str, d: Sql) -> Result<Lexed, String> {
    let mut lx = Lexed {
        regions: vec![(Kind::Bare, 0); sql.len()],
        ..Lexed::default()
    };
    lex_into(sql, d, 0, false, &mut lx)?;
    Ok(lx)
}

/// The lexical invariants of one step's SQL (`top`: statements ended by `;`; otherwise one
/// prepared statement without `;`), and where the report's identifiers appear in it.
pub fn check_sql(sql: &str, d: Sql, ids: &[String], top: bool) -> Result<(), String> {
    let lx = lex(sql, d)?;
    if top {
        if !sql.ends_with(';') {
            return Err("the SQL does not end with ';'".into());
        }
        for &s in &lx.semicolons {
            if s + 1 != sql.len() && sql.as_bytes()[s + 1] != b'\n' {
                return Err(format!("';' inside a statement at byte {}", s));
            }
        }
    } else if !lx.semicolons.is_empty() {
        return Err("';' inside a prepared statement".into());
    }
    check_identifiers(sql, &lx, ids)?;
    for inner in &lx.prepared {
        if inner.contains('\0') && !tolerated("nul") {
            return Err("NUL in a prepared statement".into());
        }
        check_sql(inner, d, ids, false).map_err(|e| format!("prepared {:?}: {}", inner, e))?;
    }
    Ok(())
}

/// Every occurrence of an identifier lies inside one quoted region or check body. One that lies
/// in bare SQL is allowed only when every word of it is a word the templates themselves write
/// (a column named `date` next to the type DATE); one across a boundary never is.
fn check_identifiers(sql: &str, lx: &Lexed, ids: &[String]) -> Result<(), String> {
    let b = sql.as_bytes();
    for id in ids {
        for (s, _) in sql.match_indices(id.as_str()) {
            let e = s + id.len();
            let first = lx.regions[s];
            let same = lx.regions[s..e].iter().all(|r| *r == first);
            if same && first.0 != Kind::Bare {
                continue;
            }
            if lx.regions[s..e].iter().all(|r| r.0 == Kind::Bare) {
                // Part of a longer bare word: not this identifier.
                let starts_word = is_word_byte(b[s]);
                let ends_word = is_word_byte(b[e - 1]);
                if (starts_word && s > 0 && is_word_byte(b[s - 1]))
                    || (ends_word && e < b.len() && is_word_byte(b[e]))
                {
                    continue;
                }
                let foreign = id
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .filter(|w| !w.is_empty())
                    .find(|w| !is_template_word(w));
                if let Some(w) = foreign {
                    return Err(format!(
                        "identifier {:?} appears unquoted at byte {} (its word {:?} is not the generator's)",
                        id, s, w
                    ));
                }
                continue;
            }
            // Across a boundary. A name spliced in without escaping starts right after the
            // opening quote the generator wrote for it and runs past the quote that closes it
            // early. Anything else is the name's text meeting the generator's own by chance
            // (`ALTER TABLE "x` holds the name `ER TABLE "x`).
            let opened_here = first.0 == Kind::Quoted && s > 0 && lx.regions[s - 1] == first;
            let starts_at_opening = opened_here && (s < 2 || lx.regions[s - 2] != first);
            if !starts_at_opening {
                continue;
            }
            return Err(format!(
                "identifier {:?} at byte {} crosses a quote boundary",
                id, s
            ));
        }
    }
    Ok(())
}

/// Whether the bare SQL of a step drops a table or a column (nested bodies and prepared
/// statements included).
fn drops_data(sql: &str, d: Sql) -> bool {
    // MySQL: the table a migration makes to hold the foreign keys it sets aside while their
    // columns change type, dropped by the same migration once it is empty, holds no user data.
    if sql == "DROP TABLE `smartspec_saved_foreign_keys`" {
        return false;
    }
    let Ok(lx) = lex(sql, d) else {
        return false;
    };
    let words: Vec<&str> = lx.words.iter().map(|&(s, e)| &sql[s..e]).collect();
    let here = words.windows(2).any(|w| {
        w[0].eq_ignore_ascii_case("drop")
            && (w[1].eq_ignore_ascii_case("table") || w[1].eq_ignore_ascii_case("column"))
    });
    here || lx.prepared.iter().any(|p| drops_data(p, d))
}

/// The bare words of `sql` outside check bodies (for building [`TEMPLATE_WORDS`]).
pub fn bare_words(sql: &str, d: Sql) -> Vec<String> {
    let Ok(lx) = lex(sql, d) else {
        return Vec::new();
    };
    let mut out: Vec<String> = lx
        .words
        .iter()
        .map(|&(s, e)| sql[s..e].to_ascii_lowercase())
        .collect();
    for p in &lx.prepared {
        out.extend(bare_words(p, d));
    }
    out
}

fn is_template_word(w: &str) -> bool {
    let w = w.to_ascii_lowercase();
    w.bytes().all(|b| b.is_ascii_digit()) || TEMPLATE_WORDS.binary_search(&w.as_str()).is_ok()
}

/// Words the generator writes unquoted: keywords, type names, catalog names and aliases, and
/// the spellings of known default expressions (the catalog aliases `a`, `c`, `d`, `e`, `i`, `k`, `n`,
/// `o`, `r` among them). Sorted.
pub const TEMPLATE_WORDS: &[&str] = &[
    "a",
    "action",
    "adbin",
    "add",
    "adnum",
    "adrelid",
    "after",
    "alter",
    "always",
    "and",
    "array",
    "array_agg",
    "as",
    "attidentity",
    "attisdropped",
    "attname",
    "attnum",
    "attrelid",
    "atttypid",
    "atttypmod",
    "auto_increment",
    "before",
    "begin",
    "bigint",
    "bigserial",
    "binary",
    "bit",
    "blob",
    "bool",
    "boolean",
    "box",
    "bpchar",
    "by",
    "bytea",
    "c",
    "cascade",
    "case",
    "char",
    "character",
    "check",
    "cidr",
    "circle",
    "coalesce",
    "col",
    "column",
    "column_name",
    "columns",
    "comment",
    "concurrently",
    "conname",
    "conrelid",
    "constraint",
    "constraint_name",
    "constraint_type",
    "contype",
    "count",
    "create",
    "curdate",
    "current_date",
    "current_key",
    "current_time",
    "current_timestamp",
    "d",
    "data_type",
    "database",
    "date",
    "datetime",
    "deallocate",
    "dec",
    "decimal",
    "declare",
    "def",
    "default",
    "delete",
    "differs",
    "dims",
    "distinct",
    "do",
    "double",
    "drop",
    "dual",
    "e",
    "else",
    "elsif",
    "end",
    "enum",
    "enumlabel",
    "enumsortorder",
    "enumtypid",
    "exception",
    "execute",
    "exists",
    "false",
    "first",
    "fixed",
    "float",
    "float4",
    "float8",
    "for",
    "foreign",
    "format",
    "format_type",
    "from",
    "gen_random_uuid",
    "generated",
    "geometry",
    "geometrycollection",
    "group_concat",
    "i",
    "identity",
    "if",
    "in",
    "index",
    "index_name",
    "inet",
    "information_schema",
    "int",
    "int2",
    "int4",
    "int8",
    "integer",
    "interval",
    "into",
    "is",
    "join",
    "json",
    "jsonb",
    "jsonpath",
    "k",
    "key",
    "left",
    "line",
    "linestring",
    "localtime",
    "localtimestamp",
    "longblob",
    "longtext",
    "loop",
    "lseg",
    "macaddr",
    "macaddr8",
    "max",
    "mediumblob",
    "mediumint",
    "mediumtext",
    "modify",
    "money",
    "multilinestring",
    "multipoint",
    "multipolygon",
    "n",
    "name",
    "no",
    "not",
    "now",
    "null",
    "numeric",
    "o",
    "oid",
    "on",
    "order",
    "path",
    "perform",
    "pg_attrdef",
    "pg_attribute",
    "pg_catalog",
    "pg_constraint",
    "pg_enum",
    "pg_get_expr",
    "pg_get_serial_sequence",
    "pg_lsn",
    "point",
    "polygon",
    "precision",
    "prepare",
    "primary",
    "quote_ident",
    "r",
    "raise",
    "real",
    "record",
    "references",
    "regclass",
    "rename",
    "replace",
    "restrict",
    "select",
    "separator",
    "seq",
    "seq_in_index",
    "serial",
    "serial2",
    "serial4",
    "serial8",
    "set",
    "setval",
    "signed",
    "smallint",
    "smallserial",
    "smartspec_sql",
    "smartspec_stmt",
    "statistics",
    "string_agg",
    "table",
    "table_constraints",
    "table_name",
    "table_schema",
    "tbl",
    "text",
    "then",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "tinyblob",
    "tinyint",
    "tinytext",
    "to",
    "to_regclass",
    "to_regtype",
    "true",
    "tsquery",
    "tsvector",
    "typ",
    "type",
    "unique",
    "unsigned",
    "update",
    "using",
    "uuid",
    "value",
    "values",
    "varbinary",
    "varbit",
    "varchar",
    "varying",
    "when",
    "where",
    "with",
    "without",
    "xml",
    "year",
    "zerofill",
    "zone",
];
