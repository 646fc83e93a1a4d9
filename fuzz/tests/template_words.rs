// Prints the words the generator writes unquoted (outside check bodies) over every shipped
// report, the starting point of `TEMPLATE_WORDS` in src/invariants.rs:
//   cargo test --test template_words -- --ignored --nocapture
use smartspec_data_migration_generator_fuzz::invariants::{bare_words, Sql};
use std::collections::BTreeSet;

#[test]
#[ignore]
fn print_template_words() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut stack = vec![root.join("tests/corpus"), root.join("examples")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else if p.file_name().unwrap() == "summary.json" {
                files.push(p)
            }
        }
    }
    let mut words = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for dialect in ["PostgreSQL", "MySQL"] {
            for allow in [false, true] {
                let o = smartspec_data_migration_generator::Options {
                    dialect: Some(dialect.into()),
                    allow_destructive: allow,
                    version: Some("1".into()),
                    ..Default::default()
                };
                let Ok(out) = smartspec_data_migration_generator::generate_json(&text, &o) else {
                    continue;
                };
                let d = if dialect == "MySQL" { Sql::My } else { Sql::Pg };
                for s in &out.statements {
                    words.extend(bare_words(&s.sql, d));
                    if let Some(r) = &s.reverse_sql {
                        words.extend(bare_words(r, d));
                    }
                }
            }
        }
    }
    let words: Vec<_> = words
        .into_iter()
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    println!("WORDS {}", words.len());
    for w in words {
        println!("{:?},", w);
    }
}
