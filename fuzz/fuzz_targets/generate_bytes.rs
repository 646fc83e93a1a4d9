//! Arbitrary bytes as a report: `generate_json` must never panic, and whatever it accepts must
//! satisfy the invariants of `src/invariants.rs`, for both dialects, with and without
//! `allow_destructive`, with a version override and with the file named after the spec.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartspec_data_migration_generator_fuzz::invariants;

fuzz_target!(|data: &[u8]| {
    // The core takes text; the CLI refuses bytes that are not UTF-8 before it is called.
    let text = String::from_utf8_lossy(data);
    invariants::check_all(&text);
});
