//! The caller's options, and their checks: made before the report is read, so that a wrong
//! option is reported whatever the report holds.

use serde::Deserialize;

use crate::dialect::Dialect;
use crate::error::{Error, ErrorCode, Result};
use crate::format;
use crate::text;

/// Caller options. Field names are accepted in snake_case and camelCase.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// `PostgreSQL` or `MySQL` (case-insensitive); absent: the report's `scope.dialect`, else
    /// PostgreSQL.
    pub dialect: Option<String>,
    /// Overrides the migration version (digits separated by dots or underscores).
    pub version: Option<String>,
    /// `changes` (default): describe the changes; `spec_id`: name the file after `scope.spec_id`.
    #[serde(alias = "nameFrom")]
    pub name_from: Option<String>,
    /// `flyway` (the default), `liquibase`, `raw-sql`, `golang-migrate`, `dbmate`, `goose`, `atlas` or `sqitch`.
    #[serde(alias = "migrationTool")]
    pub migration_tool: Option<String>,
    /// Flyway: also write `U…` undo files.
    pub undo: bool,
    /// PostgreSQL: build indexes on existing tables with `CREATE INDEX CONCURRENTLY`, in a
    /// migration of their own that runs outside a transaction.
    pub concurrently: bool,
    /// Marks destructive statements as allowed instead of blocked.
    #[serde(alias = "allowDestructive")]
    pub allow_destructive: bool,
    /// `verify` (the default), `exists` or `none`: see [`crate::render::Guards`].
    pub guards: Option<String>,
}

/// Options are checked before the report, so a wrong option is reported whatever the report holds.
pub fn check(options: &Options) -> Result<()> {
    if let Some(v) = options.version.as_deref() {
        format::name::check_version(v)?;
    }
    if let Some(d) = options.dialect.as_deref() {
        if Dialect::parse(d).is_none() {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "dialect {:?} is not PostgreSQL, MySQL or SQLite",
                    text::preview(d)
                ),
            )
            .at("options.dialect"));
        }
    }
    name_from(options)?;
    guards(options)?;
    let tool = tool(options)?;
    if matches!(
        tool,
        format::Tool::GolangMigrate
            | format::Tool::Dbmate
            | format::Tool::Goose
            | format::Tool::Atlas
    ) {
        let name = tool.name();
        if let Some(v) = options.version.as_deref() {
            // golang-migrate reads a version as an unsigned 64-bit number, dbmate as the digits
            // before the first `_`, goose as a signed 64-bit number above 0; one more is kept
            // for the main migration after an enum values one. Atlas orders a folder's files by
            // name: whole numbers of one width keep that the order of the versions.
            let (low, high) = if tool == format::Tool::Goose {
                (1, i64::MAX as u64)
            } else {
                (0, u64::MAX)
            };
            if !v.bytes().all(|c| c.is_ascii_digit())
                || v.parse::<u64>().map_or(true, |n| n < low || n >= high)
            {
                return Err(Error::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "version {:?}: {} versions are whole numbers (digits only, from {} to {})",
                        text::preview(v),
                        name,
                        low,
                        high - 1
                    ),
                )
                .at("options.version"));
            }
            // Atlas orders files by name: the next versions (an enum values migration, then the
            // main one, then concurrent index builds) must keep the width.
            if tool == format::Tool::Atlas
                && v.parse::<u64>()
                    .is_ok_and(|n| (n.saturating_add(2)).to_string().len() > v.len())
            {
                return Err(Error::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "version {:?}: Atlas orders migrations by file name, and the versions after it would be wider and sort before it; give it a leading zero",
                        text::preview(v)
                    ),
                )
                .at("options.version"));
            }
        }
        // Atlas sends the statements of a `txmode none` file one by one: a concurrent build runs.
        if options.concurrently && tool != format::Tool::Atlas {
            return Err(Error::new(
                ErrorCode::InvalidOption,
                format!("concurrently: {} sends a migration to PostgreSQL as one string, which runs as one transaction, where CREATE INDEX CONCURRENTLY cannot run; use flyway, liquibase or raw-sql", name),
            )
            .at("options.concurrently"));
        }
    }
    Ok(())
}

/// What the migration file is named after (`name_from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameFrom {
    /// The changes it makes (the default).
    Changes,
    /// The report's `scope.spec_id`.
    SpecId,
}

pub fn name_from(options: &Options) -> Result<NameFrom> {
    match options
        .name_from
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("changes") => Ok(NameFrom::Changes),
        Some("spec_id") => Ok(NameFrom::SpecId),
        Some(other) => Err(Error::new(
            ErrorCode::InvalidOption,
            format!(
                "name_from must be \"changes\" or \"spec_id\", not {:?}",
                text::preview(other)
            ),
        )
        .at("options.name_from")),
    }
}

pub fn guards(options: &Options) -> Result<crate::render::Guards> {
    match options.guards.as_deref() {
        None => Ok(crate::render::Guards::default()),
        Some(g) => crate::render::Guards::parse(g).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "guards {:?} is not verify, exists or none",
                    text::preview(g)
                ),
            )
            .at("options.guards")
        }),
    }
}

pub fn tool(options: &Options) -> Result<format::Tool> {
    match options.migration_tool.as_deref() {
        None => Ok(format::Tool::Flyway),
        Some(t) => format::Tool::parse(t).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidOption,
                format!(
                    "migration tool {:?} is not flyway, liquibase, raw-sql, golang-migrate, dbmate, goose, atlas or sqitch",
                    text::preview(t)
                ),
            )
            .at("options.migration_tool")
        }),
    }
}
