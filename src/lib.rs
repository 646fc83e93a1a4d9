//! SmartSpec Data Migration Generator: reads the `summary.json` of the SmartSpec data model
//! validator and writes the SQL migration that resolves each difference, for PostgreSQL and
//! MySQL 8.
//!
//! The core is pure: report text in, files out. It never touches the file system or a database,
//! and knows nothing of JavaScript: `wasm/` is its only JavaScript-facing edge, and the native
//! binary calls the same [`generate`]. README's "Architecture" section draws the stages.

pub mod check;
pub mod dialect;
pub mod error;
pub mod format;
mod generate;
pub mod hash;
pub mod model;
pub mod naming;
pub mod options;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod risk;
pub mod sort;
pub mod text;
pub mod types;
pub mod wasm;

pub use dialect::Dialect;
pub use error::{Error, ErrorCode, Result};
pub use generate::generate;
pub use options::Options;
pub use output::{File, Generated, Output, ReportInfo, RiskOut, Statement, UndoStatement};
pub use plan::Warning;

/// The report format major version this generator reads.
pub const REPORT_FORMAT: &str = "smartspec.dmv.summary/1";
pub const EXPECTED_WORKFLOW: &str = "smartspec_data_model_validator";

/// [`generate`], with every statement's SQL copied out of its file: the output as one value.
pub fn generate_json(report: &str, options: &Options) -> Result<Output> {
    generate(report.to_string(), options).map(Generated::into_output)
}
