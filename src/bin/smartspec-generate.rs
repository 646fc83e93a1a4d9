//! Native front end of the core, for tests and benchmarks: reads a report, prints the result as
//! JSON. The product's CLI is the Node one in `pkg/`; this binary writes no files.
//!
//! usage: smartspec-generate <summary.json> [--dialect D] [--version V] [--tool T] [--undo]
//!        [--concurrently] [--allow-destructive] [--sql]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut options = smartspec_data_migration_generator::Options::default();
    let mut sql_only = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--dialect" => {
                i += 1;
                options.dialect = args.get(i).cloned();
            }
            "--version" => {
                i += 1;
                options.version = args.get(i).cloned();
            }
            "--tool" => {
                i += 1;
                options.migration_tool = args.get(i).cloned();
            }
            "--allow-destructive" => options.allow_destructive = true,
            "--undo" => options.undo = true,
            "--concurrently" => options.concurrently = true,
            "--sql" => sql_only = true,
            p => path = Some(p.to_string()),
        }
        i += 1;
    }
    let Some(path) = path else {
        eprintln!("usage: smartspec-generate <summary.json> [--dialect D] [--version V] [--tool T] [--undo] [--concurrently] [--allow-destructive] [--sql]");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {}", path, e);
            return ExitCode::from(2);
        }
    };
    match smartspec_data_migration_generator::generate(text, &options).map(|g| g.into_output()) {
        Ok(out) => {
            if sql_only {
                let many = out.files.len() > 1;
                for f in &out.files {
                    if many {
                        println!("==> {} ({})", f.name, f.role);
                    }
                    print!("{}", f.content);
                }
            } else {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&out).expect("output serializes")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {} [{}]", path, e, e.code.as_str());
            ExitCode::from(2)
        }
    }
}
