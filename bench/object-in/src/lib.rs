//! The two ways a report can cross from JavaScript into the core, in one module, so that they are
//! compared under the same build:
//!   generate_object(report)  a JS object, read by serde-wasm-bindgen's Deserializer straight
//!                            into `report::Report` (no JSON text on either side)
//!   generate_string(text)    JSON text, read by serde_json inside wasm (the root crate's path)
//! Both return the output the way the root crate's `generate` does (JSON text made in wasm, then
//! `JSON.parse`), so only the input side differs.

use serde::Deserialize;
use smartspec_data_migration_generator::{generate, report, Options};
use wasm_bindgen::prelude::*;

fn finish(
    parsed: smartspec_data_migration_generator::Result<report::Report>,
) -> Result<JsValue, JsValue> {
    let output = parsed
        .and_then(|r| generate(&r, &Options::default()))
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    let text = serde_json::to_string(&output)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&text)
}

#[wasm_bindgen]
pub fn generate_object(report: JsValue) -> Result<JsValue, JsValue> {
    let parsed = report::Report::deserialize(serde_wasm_bindgen::Deserializer::from(report))
        .map_err(|e| {
            smartspec_data_migration_generator::Error::new(
                smartspec_data_migration_generator::ErrorCode::InvalidValue,
                e.to_string(),
            )
        });
    finish(parsed)
}

#[wasm_bindgen]
pub fn generate_string(text: &str) -> Result<JsValue, JsValue> {
    finish(report::from_json(text))
}
