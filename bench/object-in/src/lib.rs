//! The two ways a report can cross from JavaScript into the core, in one module, so that they are
//! compared under the same build:
//!   generate_object(report)  a JS object, read by serde-wasm-bindgen's Deserializer straight
//!                            into `report::Report` (no JSON text on either side)
//!   generate_string(text)    JSON text, read by serde_json inside wasm (the root crate's path)
//! Both return the output the way the root crate's `generate` does (JSON text made in wasm, then
//! `JSON.parse`), so only the input side differs.
//!
//! The `read_*` exports only read the report (and return how many diffs it holds), to time the
//! input side alone:
//!   read_string(text)             serde_json over JSON text (the root crate's path for text)
//!   read_object_stringify(object) JSON.stringify in wasm, then serde_json (its path for objects)
//!   read_object(object)           serde-wasm-bindgen's Deserializer over the object

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

fn diffs(r: &report::Report) -> usize {
    r.diffs.as_ref().map_or(0, Vec::len)
}

#[wasm_bindgen]
pub fn read_string(text: &str) -> Result<usize, JsValue> {
    report::from_json(text)
        .map(|r| diffs(&r))
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

#[wasm_bindgen]
pub fn read_object_stringify(report: JsValue) -> Result<usize, JsValue> {
    let text = js_sys::JSON::stringify(&report)?;
    read_string(&String::from(text))
}

#[wasm_bindgen]
pub fn read_object(report: JsValue) -> Result<usize, JsValue> {
    report::Report::deserialize(serde_wasm_bindgen::Deserializer::from(report))
        .map(|r| diffs(&r))
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}
