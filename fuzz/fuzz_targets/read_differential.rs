//! The report reader against serde_json (src/differential.rs): any text, read both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        smartspec_data_migration_generator_fuzz::differential::check(text);
    }
});
