//! Benchmark variant of the wasm edge: the ways a report can be read in wasm, in one module, so
//! that they are compared under the same build.
//!
//! The `read_*` exports only read the report (and return how many diffs it holds), to time the
//! input side alone:
//!   read_string(text)             JSON text, the core's own reader (`report::from_json`, the
//!                                 root crate's path for text)
//!   read_string_serde(text)       JSON text, serde_json into [`mirror`] (the serde-derived report
//!                                 types the core read into before its hand-written reader)
//!   read_object(object)           a JS object, serde-wasm-bindgen's Deserializer into [`mirror`]
//!   read_object_stringify(object) JSON.stringify in wasm, then the core's reader (the root
//!                                 crate's path for objects)
//! The core's `Report` no longer implements `Deserialize`, so serde reads into [`mirror`], the
//! same structure the core's reader fills: the three readers do the same work.
//!
//!   generate_string(text)         the whole call in this module: the core's reader and
//!                                 `generate`, the output as JSON text made in wasm, then
//!                                 `JSON.parse` (the root crate's module builds its result in
//!                                 JavaScript from a packed form instead, src/wasm/edge.js).

pub mod mirror;

use smartspec_data_migration_generator::{generate, report, Options};
use wasm_bindgen::prelude::*;

fn js_error(message: impl std::fmt::Display) -> JsValue {
    JsValue::from(js_sys::Error::new(&message.to_string()))
}

#[wasm_bindgen]
pub fn generate_string(text: &str) -> Result<JsValue, JsValue> {
    let output = generate(text.to_string(), &Options::default())
        .map(|g| g.into_output())
        .map_err(js_error)?;
    let text = serde_json::to_string(&output).map_err(js_error)?;
    js_sys::JSON::parse(&text)
}

#[wasm_bindgen]
pub fn read_string(text: &str) -> Result<usize, JsValue> {
    report::from_json(text)
        .map(|r| r.diffs.as_ref().map_or(0, Vec::len))
        .map_err(js_error)
}

#[wasm_bindgen]
pub fn read_string_serde(text: &str) -> Result<usize, JsValue> {
    serde_json::from_str::<mirror::Report>(text)
        .map(|r| r.diffs.as_ref().map_or(0, Vec::len))
        .map_err(js_error)
}

#[wasm_bindgen]
pub fn read_object_stringify(report: JsValue) -> Result<usize, JsValue> {
    let text = js_sys::JSON::stringify(&report)?;
    read_string(&String::from(text))
}

#[wasm_bindgen]
pub fn read_object(report: JsValue) -> Result<usize, JsValue> {
    use serde::Deserialize;
    mirror::Report::deserialize(serde_wasm_bindgen::Deserializer::from(report))
        .map(|r| r.diffs.as_ref().map_or(0, Vec::len))
        .map_err(js_error)
}
