//! The one error type of the core. Every error carries a stable machine-readable `code`, a message
//! for people, and where known the JSON path of the offending field (`$.diffs[2].expected.type`)
//! and the diff id it belongs to.

use std::fmt;

/// Stable error codes. They are part of the public interface (the CLI and the JS `Error.code`
/// expose them), so existing names never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The input is not JSON, or a field has the wrong JSON type.
    InvalidJson,
    /// A field the contract requires is missing.
    MissingField,
    /// A field is present but its value is not allowed by the contract.
    InvalidValue,
    /// `report_format` names a major version this generator does not read.
    UnsupportedFormat,
    /// A name (table, column, constraint, …) is empty, has control characters, is too long, or is
    /// one the dialect's engine refuses (MySQL: a character above U+FFFF, a trailing space in a
    /// table, column or index name, an index named PRIMARY).
    InvalidName,
    /// A column type is neither portable nor a native type that passes the grammar.
    InvalidType,
    /// A default expression is outside the known set for the dialect.
    InvalidDefault,
    /// A check expression does not parse as one SQL expression.
    InvalidCheck,
    /// Two diffs share an id.
    DuplicateDiffId,
    /// The diff cannot be rendered for the dialect with the information the report gives.
    Unsupported,
    /// The migration version cannot be derived and none was given.
    MissingVersion,
    /// An option passed by the caller is not valid.
    InvalidOption,
    /// The report is larger or deeper than the generator accepts.
    TooLarge,
    /// A type change no SQL of the dialect can make: no cast or conversion takes the column's
    /// old type to the new one (PostgreSQL `bigint` to `timestamp`, say).
    ImpossibleTypeChange,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::UnsupportedFormat => "unsupported_report_format",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::InvalidDefault => "invalid_default",
            ErrorCode::InvalidCheck => "invalid_check",
            ErrorCode::DuplicateDiffId => "duplicate_diff_id",
            ErrorCode::Unsupported => "unsupported_diff",
            ErrorCode::MissingVersion => "missing_version",
            ErrorCode::InvalidOption => "invalid_option",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::ImpossibleTypeChange => "impossible_type_change",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// JSON path of the offending field, `$` being the report itself.
    pub path: Option<String>,
    pub diff_id: Option<String>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            path: None,
            diff_id: None,
        }
    }

    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn in_diff(mut self, id: &str) -> Self {
        self.diff_id = Some(id.to_string());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path)?;
        }
        f.write_str(&self.message)?;
        if let Some(id) = &self.diff_id {
            write!(f, " (diff {})", id)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A JSON path under construction. Paths are only formatted into strings when an error is made,
/// so the happy path pays nothing for them.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Path::Root => out.push('$'),
            Path::Key(parent, key) => {
                parent.render_into(out);
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.push('.');
                    out.push_str(key);
                } else {
                    out.push_str("[\"");
                    for c in key.chars() {
                        match c {
                            '"' => out.push_str("\\\""),
                            '\\' => out.push_str("\\\\"),
                            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                            c => out.push(c),
                        }
                    }
                    out.push_str("\"]");
                }
            }
            Path::Index(parent, i) => {
                parent.render_into(out);
                out.push_str(&format!("[{}]", i));
            }
        }
    }

    /// An error located at this path.
    pub fn err(&self, code: ErrorCode, message: impl Into<String>) -> Error {
        Error::new(code, message).at(self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_jsonpath() {
        let root = Path::Root;
        let diffs = root.key("diffs");
        let d = diffs.index(2);
        let e = d.key("expected");
        assert_eq!(e.key("type").render(), "$.diffs[2].expected.type");
        assert_eq!(
            e.key("odd key\"").render(),
            "$.diffs[2].expected[\"odd key\\\"\"]"
        );
    }
}
