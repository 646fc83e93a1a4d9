//! MySQL 8 rejects syntax that MariaDB accepts. The real-database suites run on MariaDB, so they
//! cannot catch it: this test checks every MySQL migration the corpus and the examples produce,
//! statement by statement, against an explicit list of MariaDB-only forms.

use std::fs;
use std::path::PathBuf;

use smartspec_data_migration_generator::{generate_json, Options};

/// Forms MariaDB accepts and MySQL 8.0 rejects (MySQL 8.0 Reference Manual, ALTER TABLE,
/// CREATE INDEX, DROP INDEX, ALTER TABLE … DROP FOREIGN KEY; MariaDB Knowledge Base, IF EXISTS
/// and IF NOT EXISTS clauses of ALTER TABLE).
fn mariadb_only(sql: &str) -> Option<&'static str> {
    let s = sql
        .to_ascii_uppercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let forbidden: &[(&str, &str)] = &[
        (
            "ADD COLUMN IF NOT EXISTS",
            "ALTER TABLE … ADD COLUMN IF NOT EXISTS",
        ),
        (
            "DROP COLUMN IF EXISTS",
            "ALTER TABLE … DROP COLUMN IF EXISTS",
        ),
        ("CREATE INDEX IF NOT EXISTS", "CREATE INDEX IF NOT EXISTS"),
        (
            "CREATE UNIQUE INDEX IF NOT EXISTS",
            "CREATE UNIQUE INDEX IF NOT EXISTS",
        ),
        (
            "ADD INDEX IF NOT EXISTS",
            "ALTER TABLE … ADD INDEX IF NOT EXISTS",
        ),
        (
            "ADD KEY IF NOT EXISTS",
            "ALTER TABLE … ADD KEY IF NOT EXISTS",
        ),
        (
            "ADD UNIQUE KEY IF NOT EXISTS",
            "ADD UNIQUE KEY IF NOT EXISTS",
        ),
        ("DROP INDEX IF EXISTS", "DROP INDEX IF EXISTS"),
        ("DROP KEY IF EXISTS", "DROP KEY IF EXISTS"),
        ("DROP FOREIGN KEY IF EXISTS", "DROP FOREIGN KEY IF EXISTS"),
        ("DROP CONSTRAINT IF EXISTS", "DROP CONSTRAINT IF EXISTS"),
        (
            "ADD CONSTRAINT IF NOT EXISTS",
            "ADD CONSTRAINT IF NOT EXISTS",
        ),
        (
            "ADD FOREIGN KEY IF NOT EXISTS",
            "ADD FOREIGN KEY IF NOT EXISTS",
        ),
        ("MODIFY COLUMN IF EXISTS", "MODIFY COLUMN IF EXISTS"),
        ("MODIFY IF EXISTS", "MODIFY IF EXISTS"),
        ("CHANGE COLUMN IF EXISTS", "CHANGE COLUMN IF EXISTS"),
        ("RENAME COLUMN IF EXISTS", "RENAME COLUMN IF EXISTS"),
        ("ALTER TABLE IF EXISTS", "ALTER TABLE IF EXISTS"),
        ("CREATE OR REPLACE TABLE", "CREATE OR REPLACE TABLE"),
        ("CREATE SEQUENCE", "sequences"),
        ("RETURNING", "RETURNING"),
        ("DROP CHECK IF EXISTS", "DROP CHECK IF EXISTS"),
    ];
    forbidden
        .iter()
        .find(|(f, _)| s.contains(f))
        .map(|(_, name)| *name)
}

fn mysql_reports() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "tests/corpus/sakila-mysql",
        "tests/corpus/chinook-mysql",
        "tests/corpus/sqldef-mysql",
    ] {
        for case in fs::read_dir(root.join(dir)).unwrap() {
            out.push(case.unwrap().path().join("summary.json"));
        }
    }
    for ex in fs::read_dir(root.join("examples")).unwrap() {
        out.push(ex.unwrap().path().join("summary.json"));
    }
    out.sort();
    out
}

#[test]
fn the_forbidden_list_catches_mariadb_syntax() {
    assert!(mariadb_only("ALTER TABLE `t` ADD COLUMN IF NOT EXISTS `c` INT").is_some());
    assert!(mariadb_only("create  index if not exists i on t (c)").is_some());
    assert!(mariadb_only("ALTER TABLE t DROP FOREIGN KEY IF EXISTS f").is_some());
    assert!(mariadb_only("CREATE TABLE IF NOT EXISTS `t` (`c` INT)").is_none());
    assert!(mariadb_only("DROP TABLE IF EXISTS `t`").is_none());
}

#[test]
fn mysql_output_has_no_mariadb_only_syntax() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for report in mysql_reports() {
        let text = fs::read_to_string(&report).unwrap();
        let options = Options {
            dialect: Some("MySQL".into()),
            allow_destructive: true,
            ..Options::default()
        };
        let Ok(out) = generate_json(&text, &options) else {
            continue;
        };
        for st in &out.statements {
            checked += 1;
            // Guarded statements carry the real statement inside a string literal: check both.
            if let Some(form) = mariadb_only(&st.sql) {
                problems.push(format!(
                    "{} [{}]: {}\n{}",
                    report.display(),
                    st.diff_id,
                    form,
                    st.sql
                ));
            }
        }
    }
    assert!(checked > 300, "only {checked} statements were checked");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
