//! The exports, and the only file that knows `JsValue`: each reads its arguments, calls the core,
//! and turns the result into a plain object or the error into a JS `Error` with `code`, `path`
//! and `diffId` properties.

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
    if read == units && written == units {
        // One byte per UTF-16 unit: every character was ASCII (any other takes two or more
        // bytes for its one unit, or four for its two).
        // SAFETY: ASCII bytes are valid UTF-8.
        return unsafe { String::from_utf8_unchecked(bytes) };
    }
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
    let opts = options_with(&dialect, &options)?;
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
    // The text is dropped once the plan is made.
    let generated = crate::generate(text, &opts).map_err(|e| to_js(&e))?;
    to_object(super::pack::pack(generated))
}

/// The options and the dialect of a call, as [`generate`] reads them.
fn options_with(dialect: &JsValue, options: &JsValue) -> Result<Options, JsValue> {
    let mut opts = options_of(options).map_err(|e| to_js(&e))?;
    if let Some(d) = dialect.as_string() {
        opts.dialect = Some(d);
    } else if !(dialect.is_undefined() || dialect.is_null()) {
        return Err(to_js(
            &Error::new(ErrorCode::InvalidOption, "dialect must be a string").at("dialect"),
        ));
    }
    Ok(opts)
}

thread_local! {
    /// A report read by the Node entry straight into the module's memory ([`report_buffer`],
    /// [`report_read`]), waiting for [`generate_read`]: no JavaScript string of it is ever made.
    static READ: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Room for a report of `len` bytes in the module's memory: its address, where the caller
/// writes the bytes (a view of `memory.buffer` from there), then calls [`report_read`]. Any
/// report read before and not generated from is dropped.
#[wasm_bindgen(js_name = reportBuffer)]
pub fn report_buffer(len: usize) -> usize {
    READ.with_borrow_mut(|b| {
        *b = vec![0; len];
        b.as_mut_ptr() as usize
    })
}

/// The caller wrote `len` bytes at [`report_buffer`]'s address: whether they are UTF-8 text.
/// Text that is not is dropped. Up to two leading byte order marks are set aside, as a
/// `TextDecoder` (which takes one) followed by the Node entry's own check (one more) did.
#[wasm_bindgen(js_name = reportRead)]
pub fn report_read(len: usize) -> bool {
    READ.with_borrow_mut(|b| {
        b.truncate(len);
        if std::str::from_utf8(b).is_err() {
            *b = Vec::new();
            return false;
        }
        for _ in 0..2 {
            if b.starts_with("\u{feff}".as_bytes()) {
                b.drain(..3);
            }
        }
        true
    })
}

/// Drops a report read with [`report_read`] and not generated from.
#[wasm_bindgen(js_name = reportDrop)]
pub fn report_drop() {
    READ.with_borrow_mut(|b| *b = Vec::new());
}

thread_local! {
    /// The files of the last [`generate_read`] called with `keep`, which its result reads as
    /// bytes of the module's memory until [`kept_drop`].
    static KEPT: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`generate`] on the report [`report_read`] accepted, which it takes (a second call without
/// a report read in between reads an empty text). With `keep`, the files stay in the module's
/// memory and the result reads them there (`edge.js`, `assemble_kept`): no JavaScript string of
/// a file, or of a statement's SQL, is made until one is read; the caller calls [`kept_drop`]
/// once it has read what it needs.
#[wasm_bindgen(js_name = generateRead)]
pub fn generate_read(dialect: JsValue, options: JsValue, keep: bool) -> Result<JsValue, JsValue> {
    let bytes = READ.with_borrow_mut(std::mem::take);
    let opts = options_with(&dialect, &options)?;
    // Checked by report_read.
    let text = String::from_utf8(bytes).map_err(|_| {
        to_js(
            &Error::new(
                ErrorCode::InvalidJson,
                "the validation report is not UTF-8 text",
            )
            .at("$"),
        )
    })?;
    let generated = crate::generate(text, &opts).map_err(|e| to_js(&e))?;
    if !keep {
        return to_object(super::pack::pack(generated));
    }
    let packed = super::pack::pack_as(generated, true);
    // [address, length, ascii] of each file.
    let mut at = Vec::with_capacity(3 * packed.contents.len());
    for (c, &ascii) in packed.contents.iter().zip(&packed.ascii) {
        at.extend([c.as_ptr() as u32, c.len() as u32, u32::from(ascii)]);
    }
    let blob = text_of(packed.blob.as_bytes(), packed.blob_ascii);
    let out = assemble_kept(
        &packed.meta,
        &packed.table,
        &blob,
        &packed.nums,
        &at,
        &wasm_bindgen::memory(),
    )?;
    // Moving the strings leaves their bytes where they are.
    KEPT.set(packed.contents);
    Ok(out)
}

/// Frees the files [`generate_read`] kept.
#[wasm_bindgen(js_name = keptDrop)]
pub fn kept_drop() {
    KEPT.take();
}

/// The options object, read field by field under its snake_case or camelCase name; other
/// properties are ignored. `undefined` and `null` leave a field at its default. Read by hand
/// rather than through serde, which keeps serde's deserializer (and float formatting, for its
/// messages about numbers) out of the module.
fn options_of(v: &JsValue) -> Result<Options, Error> {
    let mut o = Options::default();
    if v.is_undefined() || v.is_null() {
        return Ok(o);
    }
    if !v.is_object() {
        return Err(Error::new(
            ErrorCode::InvalidOption,
            format!("options must be an object, not {}", kind_of(v)),
        )
        .at("options"));
    }
    // The field under either of its names; both set is an error.
    let field = |snake: &'static str,
                 camel: Option<&'static str>|
     -> Result<Option<(&'static str, JsValue)>, Error> {
        let get = |name: &'static str| {
            Reflect::get(v, &JsValue::from_str(name))
                .ok()
                .filter(|x| !(x.is_undefined() || x.is_null()))
                .map(|x| (name, x))
        };
        match (get(snake), camel.and_then(get)) {
            (Some(_), Some(_)) => Err(Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "options set both `{}` and `{}`",
                    snake,
                    camel.unwrap_or_default()
                ),
            )
            .at("options")),
            (a, b) => Ok(a.or(b)),
        }
    };
    let text = |snake, camel| -> Result<Option<String>, Error> {
        match field(snake, camel)? {
            None => Ok(None),
            Some((name, x)) => x.as_string().map(Some).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidOption,
                    format!("option `{}` must be a string, not {}", name, kind_of(&x)),
                )
                .at(format!("options.{}", name))
            }),
        }
    };
    let flag = |snake, camel| -> Result<bool, Error> {
        match field(snake, camel)? {
            None => Ok(false),
            Some((name, x)) => x.as_bool().ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "option `{}` must be true or false, not {}",
                        name,
                        kind_of(&x)
                    ),
                )
                .at(format!("options.{}", name))
            }),
        }
    };
    // Every property must be an option: a misspelt one would otherwise be ignored in silence.
    // (edge.js finds it and the option nearest to it.)
    let unknown = unknown_option(v);
    if !unknown.is_null() {
        let part = |i: u32| {
            js_sys::Reflect::get_u32(&unknown, i)
                .ok()
                .and_then(|x| x.as_string())
                .unwrap_or_default()
        };
        let key = crate::text::preview(&part(0));
        return Err(Error::new(
            ErrorCode::InvalidOption,
            format!(
                "unknown option `{}`; did you mean `{}`? (options: {})",
                key,
                part(1),
                part(2)
            ),
        )
        .at(format!("options.{}", key)));
    }
    o.dialect = text("dialect", None)?;
    o.version = text("version", None)?;
    o.name_from = text("name_from", Some("nameFrom"))?;
    o.migration_tool = text("migration_tool", Some("migrationTool"))?;
    o.undo = flag("undo", None)?;
    o.concurrently = flag("concurrently", None)?;
    o.allow_destructive = flag("allow_destructive", Some("allowDestructive"))?;
    o.guards = text("guards", None)?;
    Ok(o)
}

/// A JS value's kind, for messages: `a number`, `a string`, `an object` ….
fn kind_of(v: &JsValue) -> &'static str {
    if v.is_string() {
        "a string"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.is_bigint() {
        "a BigInt"
    } else if v.is_symbol() {
        "a symbol"
    } else if v.is_function() {
        "a function"
    } else if js_sys::Array::is_array(v) {
        "an array"
    } else if v.is_object() {
        "an object"
    } else {
        "undefined or null"
    }
}

/// The output as a plain object, built on the JavaScript side by `edge.js` from the pieces
/// [`super::pack::pack`] makes.
fn to_object(packed: super::pack::Packed) -> Result<JsValue, JsValue> {
    // The large strings are read by JavaScript straight from the module's memory.
    let contents = js_sys::Array::new();
    for (c, &ascii) in packed.contents.iter().zip(&packed.ascii) {
        contents.push(&text_of(c.as_bytes(), ascii));
    }
    let blob = text_of(packed.blob.as_bytes(), packed.blob_ascii);
    assemble(&packed.meta, &packed.table, &blob, &packed.nums, &contents)
}

#[wasm_bindgen(module = "/src/wasm/edge.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn assemble(
        meta: &str,
        table: &str,
        blob: &JsValue,
        nums: &[u32],
        contents: &js_sys::Array,
    ) -> Result<JsValue, JsValue>;

    /// [`assemble`] with each file `[address, length, ascii]` in `memory`, read from there.
    #[wasm_bindgen(catch)]
    fn assemble_kept(
        meta: &str,
        table: &str,
        blob: &JsValue,
        nums: &[u32],
        files: &[u32],
        memory: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// UTF-8 bytes of the module's memory as a JS string (`ascii`: they are all ASCII).
    fn text_of(bytes: &[u8], ascii: bool) -> JsValue;

    /// The first property of an options object that is not an option: `[name, nearest option,
    /// every option]`, or null.
    fn unknown_option(options: &JsValue) -> JsValue;
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
