//! The JavaScript edge: everything the module's JavaScript side needs and the core does not —
//! the exports (`exports.rs`, the only code that knows `JsValue`), the packed form the result
//! crosses in (`pack.rs`, UTF-16 ranges included) and its JavaScript half (`edge.js`). The core
//! hands it a [`crate::Generated`]; nothing flows back.

#[cfg(target_arch = "wasm32")]
mod exports;
pub mod pack;
