//! The JavaScript edge, and the only file that knows `JsValue`: each export reads its arguments,
//! calls the core, and turns the result into a plain object or the error into a JS `Error` with
//! `code`, `path` and `diffId` properties.

use js_sys::{Error as JsError, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, ErrorCode, Options};

#[wasm_bindgen]
extern "C" {
    /// The engine's own UTF-8 encoder: `encodeInto` writes a string straight into the module's
    /// memory, several times faster than the glue's character-by-character copy for large text.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &js_sys::JsString, dest: &mut [u8]) -> Encoded;
    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

/// A JS string as Rust text: one `encodeInto` for ASCII text (one byte per UTF-16 unit), a second
/// one for what did not fit when the text holds other characters (at most 3 bytes per unit).
fn string_of(text: &js_sys::JsString) -> String {
    let units = text.length() as usize;
    let encoder = TextEncoder::new();
    let mut bytes = vec![0u8; units];
    let first = encoder.encode_into(text, &mut bytes);
    let (read, mut written) = (first.read() as usize, first.written() as usize);
    if read < units {
        let rest = text.slice(read as u32, units as u32);
        bytes.resize(written + 3 * (units - read), 0);
        written += encoder.encode_into(&rest, &mut bytes[written..]).written() as usize;
    }
    bytes.truncate(written);
    // TextEncoder writes well-formed UTF-8 (a lone surrogate becomes U+FFFD), as the glue's
    // own conversion does.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// `generate(report, dialect?, options?)`: `report` is a JS object or a JSON string; `dialect`
/// is "PostgreSQL" or "MySQL" (any case), or undefined/null for the report's own.
#[wasm_bindgen]
pub fn generate(report: JsValue, dialect: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let mut opts: Options = if options.is_undefined() || options.is_null() {
        Options::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|e| {
            // serde's message names the field: "unknown field `x`", "invalid type … for `undo`".
            let message = e.to_string();
            let message = message
                .strip_prefix("Error: ")
                .unwrap_or(&message)
                .to_string();
            to_js(&Error::new(ErrorCode::InvalidOption, message).at("options"))
        })?
    };
    if let Some(d) = dialect.as_string() {
        opts.dialect = Some(d);
    } else if !(dialect.is_undefined() || dialect.is_null()) {
        return Err(to_js(
            &Error::new(ErrorCode::InvalidOption, "dialect must be a string").at("dialect"),
        ));
    }
    // The report's text, as Rust text; the report read from it borrows its strings.
    let text: Result<String, Error> = if let Some(text) = report.dyn_ref::<js_sys::JsString>() {
        Ok(string_of(text))
    } else if js_sys::Array::is_array(&report) {
        Err(Error::new(
            ErrorCode::InvalidValue,
            "the report must be an object, not an array",
        )
        .at("$"))
    } else if report.is_object() {
        // An object crosses the boundary as JSON text made by the engine's own JSON.stringify:
        // one reader (report::from_json) serves both kinds of input, which keeps the module
        // small and is the faster path (BENCHMARKS.md).
        match js_sys::JSON::stringify(&report) {
            Ok(text) => Ok(string_of(&text)),
            Err(_) => Err(Error::new(
                ErrorCode::InvalidValue,
                "the report object cannot be turned into JSON (it holds a cycle or a BigInt)",
            )
            .at("$")),
        }
    } else {
        Err(Error::new(
            ErrorCode::InvalidJson,
            "the report must be a JSON string or an object",
        )
        .at("$"))
    };
    let text = text.map_err(|e| to_js(&e))?;
    let parsed = crate::report::from_json(&text);
    let (output, spans) = parsed
        .and_then(|mut r| {
            let diffs = r.diffs.take();
            crate::generate_located(&r, diffs, &opts)
        })
        .map_err(|e| to_js(&e))?;
    to_object(output, &spans)
}

/// The output as a plain object, built on the JavaScript side by `src/edge.js` from the pieces
/// [`crate::edge::pack`] makes.
fn to_object(output: crate::Output, spans: &crate::format::Spans) -> Result<JsValue, JsValue> {
    let packed = crate::edge::pack(output, spans);
    // The large strings are read by JavaScript straight from the module's memory.
    let contents = js_sys::Array::new();
    for (c, &ascii) in packed.contents.iter().zip(&packed.ascii) {
        contents.push(&text_of(c.as_bytes(), ascii));
    }
    let blob = text_of(packed.blob.as_bytes(), packed.blob.is_ascii());
    assemble(&packed.meta, &packed.table, &blob, &packed.nums, &contents)
}

#[wasm_bindgen(module = "/src/edge.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn assemble(
        meta: &str,
        table: &str,
        blob: &JsValue,
        nums: &[u32],
        contents: &js_sys::Array,
    ) -> Result<JsValue, JsValue>;

    /// UTF-8 bytes of the module's memory as a JS string (`ascii`: they are all ASCII).
    fn text_of(bytes: &[u8], ascii: bool) -> JsValue;
}

/// The generator's version (`6.1.0`).
#[wasm_bindgen]
pub fn version() -> String {
    crate::format::VERSION.to_string()
}

/// Every risk code: `[{code, category, description}]`.
#[wasm_bindgen(js_name = riskCodes)]
pub fn risk_codes() -> JsValue {
    #[derive(Serialize)]
    struct Code {
        code: &'static str,
        category: crate::risk::Category,
        description: &'static str,
    }
    let codes: Vec<Code> = crate::risk::ALL
        .iter()
        .map(|(r, d)| Code {
            code: r.code,
            category: r.category,
            description: d,
        })
        .collect();
    codes
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn to_js(e: &Error) -> JsValue {
    let err = JsError::new(&e.to_string());
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&err, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(e.code.as_str()));
    set(
        "path",
        e.path
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
    set(
        "diffId",
        e.diff_id
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL),
    );
    set("detail", JsValue::from_str(&e.message));
    err.into()
}
