//! usage: bench-native <summary.json> <iterations>
//! Reads the report once, then times, `iterations` times after one warm-up run: reading the JSON
//! text into a `Report`, `generate`, and the output as JSON text (what the wasm edge hands to
//! JavaScript). Prints one JSON object of nanosecond samples per phase, and the output's sizes.

use std::time::Instant;

use smartspec_data_migration_generator::{generate, report, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: bench-native <summary.json> <iterations>");
    let iterations: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let text = std::fs::read_to_string(path).expect("the report is readable");
    let options = Options::default();
    let (mut parse, mut gen, mut ser, mut total) = (vec![], vec![], vec![], vec![]);
    let mut sizes = (0usize, 0usize, 0usize);
    for i in 0..=iterations {
        let t0 = Instant::now();
        let r = report::from_json(&text).expect("the report reads");
        let t1 = Instant::now();
        let out = generate(&r, &options).expect("the report generates");
        let t2 = Instant::now();
        let json = serde_json::to_string(&out).expect("the output serializes");
        let t3 = Instant::now();
        if i == 0 {
            sizes = (out.files.iter().map(|f| f.content.len()).sum(), out.statements.len(), json.len());
            continue;
        }
        parse.push((t1 - t0).as_nanos());
        gen.push((t2 - t1).as_nanos());
        ser.push((t3 - t2).as_nanos());
        total.push((t3 - t0).as_nanos());
        drop((r, out, json));
    }
    println!(
        "{{\"parse_ns\":{:?},\"generate_ns\":{:?},\"serialize_ns\":{:?},\"total_ns\":{:?},\"sql_bytes\":{},\"statements\":{},\"output_json_bytes\":{}}}",
        parse, gen, ser, total, sizes.0, sizes.1, sizes.2
    );
}
