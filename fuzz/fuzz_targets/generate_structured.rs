//! Reports built from the contract's shape (`src/structured.rs`): every diff kind and payload,
//! portable, native and hostile types, defaults, checks and enums, with plain, hostile and raw
//! names. The JSON is generated with the options the input chose; every accepted output must
//! satisfy `src/invariants.rs`, including that each of the report's identifiers appears in the
//! SQL only quoted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartspec_data_migration_generator_fuzz::{invariants, structured::Report};

fuzz_target!(|report: Report| {
    let text = report.to_json();
    let options = report.options();
    if let Err(problem) = invariants::check_generation(&text, &options) {
        panic!(
            "invariant violated with {:?}: {}\nreport: {}",
            options, problem, text
        );
    }
});
