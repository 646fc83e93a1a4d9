// The differential check of the report reader against serde_json (src/differential.rs) over the
// committed seeds, every shipped report and fuzz regression, and texts that reach each of the
// reader's errors: `cargo test --test read_differential`.
use smartspec_data_migration_generator_fuzz::differential::check;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out)
        } else {
            out.push(p)
        }
    }
}

#[test]
fn shipped_reports_seeds_and_regressions_read_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut all = Vec::new();
    for dir in [
        "examples",
        "tests/corpus",
        "tests/fixtures",
        "tests/fuzz-regressions",
        "fuzz/seeds",
    ] {
        files(&root.join(dir), &mut all);
    }
    let mut read = 0;
    for f in all {
        let bytes = std::fs::read(&f).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
            read += 1;
        }
    }
    assert!(read > 500, "{read} files");
}

#[test]
fn every_error_of_the_reader_is_refused_alike() {
    let value =
        |v: &str| format!(r#"{{"diffs": [{{"expected": {{"default": {{"value": {v}}}}}}}]}}"#);
    let mut texts: Vec<String> = [
        r#"{"run_id": 5}"#, r#"{"run_id": "x", "diffs": ["#, r#"{"run_id": "abc"#,
        r#"{"run_id": "x" "y"}"#, r#"{"diffs": [{} {}]}"#, r#"{"run_id" "x"}"#, "{} x",
        r#"{"run_id": "x",}"#, r#"{"diffs": [{},]}"#, r#"{"run_id": "x", 5: 1}"#,
        "{\"run_id\": \"a\u{1}b\"}", r#"{"run_id": "a\qb"}"#, r#"{"run_id": "\u12G4"}"#,
        r#"{"run_id": nul}"#, r#"{"run_id": @}"#, r#"{"run_id": "\udc00"}"#,
        r#"{"run_id": "\ud800\u0041"}"#, r#"{"run_id": "x", "extra": "\ud800"}"#,
        r#"{"diffs": [null]}"#, r#"{"diffs": {}}"#, r#"{"diffs": [{"expected": {"columns": [[]]}}]}"#,
        r#"{"scope": ["a"]}"#, r#"{"diffs": [["D1"]]}"#, r#"{"run_id": "x", "run_id": "y"}"#,
        r#"{"extra": 1, "extra": 2}"#, r#"{"results": [1, {"a": [}]}"#, r#"{"run\u005fid": "x"}"#,
        r#"{"diffs": [{"expected": {"nullable": "x", "default": null}}]}"#,
        r#"{"diffs": [{"expected": {"columns": ["a", {"name": "b", "default": {"kind": "literal"}}]}}]}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for v in [
        "01",
        "1.",
        "-",
        "1e400",
        "-2e308",
        "1.50",
        "-0",
        "1e-400",
        "[1, {\"b\": 1, \"b\": 2.0}]",
        "\"\\ud800\"",
    ] {
        texts.push(value(v));
    }
    for n in [120, 122, 123, 124, 200] {
        texts.push(value(&format!("{}{}", "[".repeat(n), "]".repeat(n))));
    }
    for t in &texts {
        check(t);
    }
}
