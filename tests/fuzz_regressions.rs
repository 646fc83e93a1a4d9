//! What the fuzz targets (`fuzz/`, run with `scripts/fuzz.sh`) found, replayed as tests, with the
//! invariants they check: the targets and these tests share `fuzz/src/invariants.rs`.
//!
//! - every shipped report (examples and the real-world corpus) satisfies the invariants under
//!   every option set the byte target uses;
//! - the checker itself still catches what it exists to catch (a name spliced in unquoted, a
//!   comment opener, a line a migration tool would read as its own);
//! - one test per finding; inputs are inline or under `tests/fuzz-regressions/`.

#[path = "../fuzz/src/invariants.rs"]
mod invariants;

use invariants::{check_all, check_generation, check_sql, option_sets, Sql};
use smartspec_data_migration_generator::{generate_json, Options};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn reports_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            reports_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn every_shipped_report_satisfies_the_invariants() {
    let mut files = Vec::new();
    reports_under(&root().join("examples"), &mut files);
    reports_under(&root().join("tests/corpus"), &mut files);
    assert!(files.len() >= 300, "only {} reports found", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a report");
        for o in option_sets() {
            if let Err(e) = check_generation(&text, &o) {
                failures.push(format!("{} with {:?}: {}", f.display(), o, e));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_saved_finding_satisfies_the_invariants() {
    let mut files = Vec::new();
    reports_under(&root().join("tests/fuzz-regressions"), &mut files);
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a saved input");
        check_all(&text);
    }
}

// --- The checker catches what it exists to catch -------------------------------------------------

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_checker_sees_a_name_spliced_in_unquoted() {
    let names = ids(&["users", "x\"; DROP TABLE t; --", "a b"]);
    let pg = |sql: &str| check_sql(sql, Sql::Pg, &names, true);
    assert!(pg("ALTER TABLE \"users\" ADD COLUMN \"a b\" TEXT;").is_ok());
    assert!(pg("ALTER TABLE users ADD COLUMN \"c\" TEXT;").is_err());
    assert!(pg("ALTER TABLE \"x\"; DROP TABLE t; --\" ADD COLUMN \"c\" TEXT;").is_err());
    assert!(pg("ALTER TABLE \"users\" ADD COLUMN a b TEXT;").is_err());
    assert!(
        pg("DO $smartspec$ BEGIN ALTER TABLE users ADD COLUMN c TEXT; END $smartspec$;").is_err()
    );
    // A name that closes the quote it was put in, and the same text met by chance.
    let spliced = ids(&["x\" ADD COLUMN \"y", "ER TABLE \"us"]);
    assert!(check_sql(
        "ALTER TABLE \"x\" ADD COLUMN \"y\" TEXT;",
        Sql::Pg,
        &spliced,
        true
    )
    .is_err());
    assert!(check_sql(
        "ALTER TABLE \"users\" ADD COLUMN \"c\" TEXT;",
        Sql::Pg,
        &spliced,
        true
    )
    .is_ok());
    // Check bodies are the report's own expression, re-rendered: words there are allowed.
    assert!(pg("ALTER TABLE \"users\" ADD CONSTRAINT \"c\" CHECK (users > 0);").is_ok());
    let my = |sql: &str| check_sql(sql, Sql::My, &names, true);
    assert!(
        my("SET @smartspec_sql = IF(1 = 1, 'ALTER TABLE `users` DROP COLUMN `c`', 'DO 0');")
            .is_ok()
    );
    assert!(
        my("SET @smartspec_sql = IF(1 = 1, 'ALTER TABLE users DROP COLUMN `c`', 'DO 0');").is_err()
    );
    assert!(my("SET @smartspec_sql = IF(1 = 1, 'ALTER TABLE `a` DROP COLUMN `c`; DROP TABLE `t`', 'DO 0');").is_err());
}

#[test]
fn the_checker_sees_comments_and_stray_semicolons() {
    let none: Vec<String> = Vec::new();
    assert!(check_sql("SELECT 1 -- x;", Sql::Pg, &none, true).is_err());
    assert!(check_sql("SELECT 1 /* x */;", Sql::Pg, &none, true).is_err());
    assert!(check_sql("SELECT 1 # x;", Sql::My, &none, true).is_err());
    assert!(check_sql("SELECT 1; SELECT 2;", Sql::Pg, &none, true).is_err());
    assert!(check_sql("SELECT 1;\nSELECT 2;", Sql::Pg, &none, true).is_ok());
    assert!(check_sql("SELECT '-- not a comment; really';", Sql::Pg, &none, true).is_ok());
    assert!(check_sql("SELECT 'unterminated;", Sql::Pg, &none, true).is_err());
    assert!(check_sql("SELECT E'\\';", Sql::Pg, &none, true).is_err());
    assert!(check_sql("SELECT 'a\\';", Sql::Pg, &none, true).is_ok());
    assert!(check_sql("SELECT 'a\\';", Sql::My, &none, true).is_err());
    assert!(check_sql("DO $x$ BEGIN NULL; END $x$;", Sql::Pg, &none, true).is_ok());
    assert!(check_sql("DO $x$ BEGIN NULL; END $y$;", Sql::Pg, &none, true).is_err());
}

fn report(column: &str) -> String {
    format!(
        r#"{{"run_id":"run-1","timestamps":{{"finished_at":"2024-01-01T00:00:00Z"}},
        "diffs":[{{"id":"D1","kind":"missing_column","object":{{"table":"users","column":"c"}},
        "expected":{column}}}]}}"#
    )
}

fn liquibase() -> Options {
    Options {
        migration_tool: Some("liquibase".into()),
        ..Options::default()
    }
}

// --- Findings -----------------------------------------------------------------------------------

/// Liquibase reads a formatted-SQL changelog line by line: a report string that holds a line
/// break followed by `--changeset`, `--rollback` or another `--` directive, written as it is into
/// a string literal, starts a changeset of its own (running the report's SQL) or adds rollback
/// SQL. Found by the checker's line rule on the Liquibase format; to fix in the core.
#[test]
fn liquibase_changelog_lines_cannot_be_forged_from_report_strings() {
    for column in [
        // A column comment that opens a changeset running its own SQL.
        r#"{"name":"c","type":"text","comment":"x\n--changeset evil:1\nDROP TABLE users;\n--"}"#,
        // A default that adds rollback SQL to the changeset.
        r#"{"name":"c","type":"text","default":{"kind":"literal","value":"a\n--rollback DROP TABLE users;"}}"#,
        // A carriage return is a line break to Liquibase too.
        r#"{"name":"c","type":"text","comment":"x\r--changeset evil:1\rDROP TABLE users;"}"#,
    ] {
        let text = report(column);
        for dialect in ["PostgreSQL", "MySQL"] {
            let o = Options {
                dialect: Some(dialect.into()),
                ..liquibase()
            };
            let out = generate_json(&text, &o);
            if let Ok(out) = &out {
                let changelog = &out.files[0].content;
                let forged = changelog
                    .split(['\n', '\r'])
                    .filter(|l| {
                        let l = l.trim_start();
                        (l.starts_with("--changeset") && !l.starts_with("--changeset smartspec:"))
                            || l.starts_with("--rollback DROP TABLE users")
                    })
                    .count();
                assert_eq!(forged, 0, "{} on {}:\n{}", column, dialect, changelog);
            }
            check_generation(&text, &o)
                .unwrap_or_else(|e| panic!("{} on {}: {}", column, dialect, e));
        }
    }
}

/// Found by `generate_structured` (`tests/fuzz-regressions/nul-in-table-comment.json`): a table
/// or column comment holding NUL went into `COMMENT ON … IS '…'` (MySQL: `COMMENT '…'`) as it
/// stood, so the migration held a NUL byte, which PostgreSQL refuses in a literal and which makes
/// editors and diff tools take the file for binary. Names, enum values and defaults refuse NUL
/// already.
#[test]
fn comments_never_carry_nul_into_the_sql() {
    let table = r#"{"run_id":"run-1","timestamps":{"finished_at":"2024-01-01T00:00:00Z"},
        "diffs":[{"id":"D1","kind":"missing_table","object":{"table":"t"},
        "expected":{"name":"t","comment":"a\u0000b","columns":[{"name":"c","type":"text","comment":"\u0000"}]}}]}"#;
    let column = report(r#"{"name":"c","type":"text","comment":"x\u0000y"}"#);
    for text in [table, column.as_str()] {
        for o in option_sets() {
            if let Err(e) = check_generation(text, &o) {
                panic!("{:?}: {}", o, e);
            }
        }
    }
}

/// `numeric(5,2)` → `numeric(3,4)` was judged widening: its integer digits were counted by an
/// unsigned subtraction (3 - 4) that wrapped in release builds and panicked in debug ones. The
/// input is saved under `tests/fuzz-regressions/`; here the checker is shown to see a wrong
/// verdict, the narrowing mark taken off a statement that narrows.
#[test]
fn the_checker_sees_a_numeric_narrowing_judged_widening() {
    let text = std::fs::read_to_string(
        root().join("tests/fuzz-regressions/numeric-scale-above-precision.json"),
    )
    .expect("the saved input");
    let options = Options {
        dialect: Some("PostgreSQL".into()),
        ..Options::default()
    };
    let mut out = generate_json(&text, &options).expect("generated");
    invariants::check_output(&text, &options, &out).expect("the right verdicts pass");
    let s = out
        .statements
        .iter_mut()
        .find(|s| s.diff_id == "D001")
        .expect("the step of D001");
    assert!(s.destructive && s.blocked);
    s.risks.retain(|r| r.code != "narrowing-type-change");
    s.destructive = false;
    s.blocked = false;
    out.blocked = out.statements.iter().any(|s| s.blocked);
    let e = invariants::check_output(&text, &options, &out).expect_err("a wrong verdict is seen");
    assert!(
        e.contains("numeric(5,2) -> numeric(3,4) judged widening"),
        "{e}"
    );
}
