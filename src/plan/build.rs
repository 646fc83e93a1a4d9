//! Diffs read into ops, one diff at a time in the report's order.

use crate::hash::{Map as HashMap, Set as HashSet};
use std::rc::Rc;

use crate::dialect::Dialect;
use crate::error::{ErrorCode, Path, Result};
use crate::model::*;
use crate::naming::{check_name, NameKind};
use crate::report::{self, Payload};
use crate::types::{self, SqlType};

use super::op::*;
use super::order::order;
use super::payload::*;

/// The diffs a plan is built from: the report's, or the caller's to drop one by one once each
/// is planned (which lowers the peak memory: a diff's structure is larger than its steps).
pub enum Diffs<'s, 't> {
    Borrowed(&'s [report::Diff<'t>]),
    Owned(&'s mut [report::Diff<'t>]),
}

impl<'t> Diffs<'_, 't> {
    pub(crate) fn all(&self) -> &[report::Diff<'t>] {
        match self {
            Diffs::Borrowed(d) => d,
            Diffs::Owned(d) => d,
        }
    }

    /// Diff `i` is planned: dropped when owned.
    pub(crate) fn planned(&mut self, i: usize) {
        if let Diffs::Owned(d) = self {
            d[i] = report::Diff::default();
        }
    }
}

/// Builds the ordered plan for `diffs` in `dialect`.
pub fn build(report: &report::Report, diffs: &[report::Diff], dialect: Dialect) -> Result<Plan> {
    build_from(report, Diffs::Borrowed(diffs), dialect)
}

/// [`build`], from borrowed diffs or from diffs to drop as they are planned.
pub fn build_from<'t>(
    report: &report::Report,
    mut diffs: Diffs<'_, 't>,
    dialect: Dialect,
) -> Result<Plan> {
    let count = diffs.all().len();
    let mut planner = Planner::new(report, dialect, count)?;
    planner.reader.collect_enums(diffs.all());
    for i in 0..count {
        planner.diff(i, &diffs.all()[i])?;
        diffs.planned(i);
    }
    planner.finish()
}

/// Whether a diff of this kind names an enum's values, which the planner gathers from every
/// diff before it plans any ([`build_from`]): a report holding one cannot be planned diff by
/// diff as it is read.
pub fn names_enum_values(kind: Option<&str>) -> bool {
    matches!(
        kind,
        Some("missing_enum" | "enum_values_mismatch" | "extra_enum")
    )
}

/// Plans diffs one at a time, in the report's order: [`build_from`] gives it a report's diffs
/// once read, and the wasm edge each diff as soon as it is read (so that a large report's diffs
/// are never all held at once), when no diff names enum values ([`names_enum_values`]).
pub struct Planner<'t> {
    reader: Reader,
    /// The ids seen, borrowed from the report's text where they can be (not from the diffs,
    /// which may be dropped before the last is read).
    seen: crate::hash::Set<std::borrow::Cow<'t, str>>,
}

impl<'t> Planner<'t> {
    /// The planner for the report whose top-level fields (not its diffs) are `report`, of about
    /// `count` diffs.
    pub fn new(report: &report::Report, dialect: Dialect, count: usize) -> Result<Planner<'t>> {
        let default_schema = report
            .scope
            .as_ref()
            .and_then(|s| s.default_schema.as_deref());
        let root = Path::Root;
        let scope_path = root.key("scope");
        if let Some(s) = default_schema {
            check_name(
                s,
                dialect,
                &scope_path.key("default_schema"),
                NameKind::Schema,
            )?;
        }
        // A PostgreSQL report's schemas (`public`) are not MySQL databases: generating MySQL
        // from it, objects go to the connection's database.
        let report_dialect = report
            .scope
            .as_ref()
            .and_then(|s| s.dialect.as_deref())
            .and_then(Dialect::parse);
        let foreign_schemas = (dialect == Dialect::MySql
            && report_dialect == Some(Dialect::Postgres))
            || (dialect == Dialect::Sqlite && report_dialect != Some(Dialect::Sqlite));
        let default_schema = if foreign_schemas {
            None
        } else {
            default_schema.map(str::to_string)
        };
        let mut reader = Reader {
            dialect,
            use_schemas: !foreign_schemas,
            default_schema,
            enums: HashMap::default(),
            types: Default::default(),
            last_type: Default::default(),
            names: Default::default(),
            actual: Vec::new(),
            plan: Plan::default(),
        };
        if foreign_schemas {
            let message = if dialect == Dialect::Sqlite {
                "the report describes another dialect's schemas; SQLite has none, so the migration uses the database it runs on"
            } else {
                "the report describes PostgreSQL schemas; MySQL has databases instead, so the migration uses the connection's database"
            };
            reader.warn(
                "schemas_ignored",
                message.to_string(),
                None,
                Some(&scope_path.key("dialect")),
            );
        }
        if dialect == Dialect::Sqlite {
            if let Some(s) = reader.default_schema.clone() {
                reader.schema_of(Some(&s), &scope_path.key("default_schema"))?;
            }
            let path = root.key("actual_tables");
            for (i, payload) in report.actual_tables.iter().flatten().enumerate() {
                let p = path.index(i);
                let name = required_str(&payload.name, &p.key("name"))?;
                check_name(name, dialect, &p.key("name"), NameKind::Table)?;
                let qn = QualifiedName {
                    schema: None,
                    name: Rc::from(name),
                };
                let table = reader.table(qn, payload, &p)?;
                reader.actual.push(table);
            }
        }
        Ok(Planner {
            reader,
            seen: crate::hash::set_with_capacity(count),
        })
    }

    /// Plans diff `i` of the report.
    pub fn diff(&mut self, i: usize, diff: &report::Diff<'t>) -> Result<()> {
        let root = Path::Root;
        let diffs_path = root.key("diffs");
        let path = diffs_path.index(i);
        let id = diff.id.as_ref().ok_or_else(|| {
            path.key("id")
                .err(ErrorCode::MissingField, "a diff needs an `id`")
        })?;
        check_diff_id(id, &path.key("id"))?;
        // A clone of the `Cow`: borrowed from the text when the id is, so no copy is made.
        let key = id.0.clone();
        let id: &str = id;
        if !self.seen.insert(key) {
            return Err(path
                .key("id")
                .err(
                    ErrorCode::DuplicateDiffId,
                    format!("diff id {:?} is used twice", id),
                )
                .in_diff(id));
        }
        let kind = diff.kind.as_deref().ok_or_else(|| {
            path.key("kind")
                .err(ErrorCode::MissingField, "a diff needs a `kind`")
                .in_diff(id)
        })?;
        self.reader.diff(i, id, kind, diff, &path).map_err(|e| {
            if e.diff_id.is_none() {
                e.in_diff(id)
            } else {
                e
            }
        })
    }

    /// The plan of the diffs given, in execution order.
    pub fn finish(mut self) -> Result<Plan> {
        if self.reader.dialect == Dialect::Sqlite {
            super::sqlite::fold(&mut self.reader.plan.steps, &self.reader.actual)?;
        }
        self.reader.plan.steps.shrink_to_fit();
        order(&mut self.reader.plan.steps, self.reader.dialect);
        Ok(self.reader.plan)
    }
}

pub(crate) fn check_diff_id(id: &str, path: &Path) -> Result<()> {
    if id.is_empty()
        || id.len() > 200
        || (!id.bytes().all(|b| (0x20..0x7f).contains(&b))
            && id.chars().any(crate::text::is_unsafe_in_comment))
    {
        return Err(path.err(
            ErrorCode::InvalidValue,
            "a diff id must be 1 to 200 characters without control characters",
        ));
    }
    Ok(())
}

impl Reader {
    pub(crate) fn push(&mut self, index: usize, id: &str, op: Op) {
        let phase = op.phase();
        let seq = self.plan.steps.len();
        let diff_id = match self.plan.steps.last() {
            Some(last) if last.diff_index == index => last.diff_id.clone(),
            _ => Rc::from(id),
        };
        self.plan.steps.push(Step {
            diff_id,
            diff_index: index,
            op,
            phase,
            seq,
            rewritten: false,
        });
    }

    pub(crate) fn warn(
        &mut self,
        code: &'static str,
        message: String,
        id: Option<&str>,
        path: Option<&Path>,
    ) {
        self.plan.warnings.push(Warning {
            code,
            message,
            diff_id: id.map(str::to_string),
            path: path.map(|p| p.render()),
        });
    }

    /// First pass: the enums the report names, so columns anywhere can use them.
    pub(crate) fn collect_enums(&mut self, diffs: &[report::Diff]) {
        for diff in diffs {
            let kind = diff.kind.as_deref();
            if !names_enum_values(kind) {
                continue;
            }
            let side = if kind == Some("extra_enum") {
                diff.actual.as_deref()
            } else {
                diff.expected.as_deref()
            };
            let Some(payload) = side else { continue };
            let object = diff.object.as_ref();
            let name = payload
                .name
                .as_deref()
                .or(object.and_then(|o| o.enum_name.as_deref()));
            let values = payload.values.as_ref().or(payload.enum_values.as_ref());
            if let (Some(name), Some(values)) = (name, values) {
                let schema = object
                    .and_then(|o| o.schema.as_deref())
                    .or(self.default_schema.as_deref())
                    .map(str::to_string);
                self.enums.entry(name.to_string()).or_insert(EnumInfo {
                    schema,
                    values: values.iter().map(|v| v.to_string()).collect(),
                });
            }
        }
    }

    pub(crate) fn diff(
        &mut self,
        index: usize,
        id: &str,
        kind: &str,
        diff: &report::Diff,
        path: &Path,
    ) -> Result<()> {
        let d = self.dialect;
        let exp_path = path.key("expected");
        let act_path = path.key("actual");
        let obj_path = path.key("object");
        match kind {
            "missing_table" => {
                let payload = require(&diff.expected, &exp_path, "a Table")?;
                let name = self.table_name(diff, Some(payload), path)?;
                let mut table = self.table(name, payload, &exp_path)?;
                let fks = std::mem::take(&mut table.foreign_keys);
                let indexes = std::mem::take(&mut table.indexes);
                let tname = table.name.clone();
                self.push(
                    index,
                    id,
                    Op::CreateTable {
                        table: Rc::new(table),
                    },
                );
                for index_def in indexes {
                    self.push(
                        index,
                        id,
                        Op::CreateIndex {
                            table: tname.clone(),
                            index: index_def.into(),
                            concurrently: false,
                        },
                    );
                }
                for fk in fks {
                    self.push(
                        index,
                        id,
                        Op::AddForeignKey {
                            table: tname.clone(),
                            fk: fk.into(),
                        },
                    );
                }
            }
            "extra_table" => {
                let payload = require(&diff.actual, &act_path, "a Table")?;
                let name = self.table_name(diff, Some(payload), path)?;
                let mut table = self.table(name, payload, &act_path)?;
                let tname = table.name.clone();
                for fk in std::mem::take(&mut table.foreign_keys) {
                    self.push(
                        index,
                        id,
                        Op::DropForeignKey {
                            table: tname.clone(),
                            fk: fk.into(),
                        },
                    );
                }
                self.push(
                    index,
                    id,
                    Op::DropTable {
                        table: Rc::new(table),
                    },
                );
            }
            "renamed_table" => {
                let to = self.table_name(diff, diff.expected.as_deref(), path)?;
                let old = require(&diff.actual, &act_path, "`{name}` (the old name)")?;
                let old_name = required_str(&old.name, &act_path.key("name"))?;
                check_name(old_name, d, &act_path.key("name"), NameKind::Table)?;
                let from = QualifiedName {
                    schema: to.schema.clone(),
                    name: Rc::from(old_name),
                };
                self.push(index, id, Op::RenameTable { from, to });
            }
            "missing_column" => {
                let table = self.table_name(diff, None, path)?;
                let payload = require(&diff.expected, &exp_path, "a Column")?;
                if let Some(name) = object_column(diff) {
                    check_name(name, d, &obj_path.key("column"), NameKind::Column)?;
                }
                let column = self.column(&payload.column(), object_column(diff), &exp_path)?;
                self.push(
                    index,
                    id,
                    Op::AddColumn {
                        table,
                        column: Rc::new(column),
                        with_primary_key: None,
                    },
                );
            }
            "extra_column" => {
                let table = self.table_name(diff, None, path)?;
                let payload = require(&diff.actual, &act_path, "a Column")?;
                if let Some(name) = object_column(diff) {
                    check_name(name, d, &obj_path.key("column"), NameKind::Column)?;
                }
                let column = self.column(&payload.column(), object_column(diff), &act_path)?;
                self.push(
                    index,
                    id,
                    Op::DropColumn {
                        table,
                        column: Rc::new(column),
                    },
                );
            }
            "renamed_column" => {
                let table = self.table_name(diff, None, path)?;
                let to = match object_column(diff)
                    .or(diff.expected.as_deref().and_then(|p| p.name.as_deref()))
                {
                    Some(n) => Name::new(n),
                    None => {
                        return Err(obj_path.key("column").err(
                            ErrorCode::MissingField,
                            "renamed_column needs the new column name",
                        ))
                    }
                };
                check_name(&to, d, &obj_path.key("column"), NameKind::Column)?;
                let old = require(&diff.actual, &act_path, "`{name}` (the old name)")?;
                let from = Name::new(required_str(&old.name, &act_path.key("name"))?);
                check_name(&from, d, &act_path.key("name"), NameKind::Column)?;
                self.push(index, id, Op::RenameColumn { table, from, to });
            }
            "type_mismatch" | "nullability_mismatch" | "default_mismatch" => {
                let change = match kind {
                    "type_mismatch" => ColumnChange::Type,
                    "nullability_mismatch" => ColumnChange::Nullability,
                    _ => ColumnChange::Default,
                };
                let table = self.table_name(diff, None, path)?;
                let column = self.column_name(diff, path)?;
                let states = self.column_states(id, change, diff, path)?;
                if change == ColumnChange::Type {
                    if let (Some(from), Some(to)) = (&states.from.ty, &states.to.ty) {
                        types::conversion(from, to, d).map_err(|why| {
                            exp_path.key("type").err(
                                ErrorCode::ImpossibleTypeChange,
                                format!(
                                    "{}.{} cannot change type: {}, even on an empty table",
                                    table.display(),
                                    &*column,
                                    why
                                ),
                            )
                        })?;
                    }
                }
                self.push(
                    index,
                    id,
                    Op::AlterColumn {
                        table,
                        column,
                        change,
                        states: Box::new(states),
                        with_key: None,
                    },
                );
            }
            "primary_key_mismatch" => {
                let table = self.table_name(diff, None, path)?;
                if let Some(old) = &diff.actual {
                    let pk = self.primary_key(old, &act_path)?;
                    self.push(
                        index,
                        id,
                        Op::DropPrimaryKey {
                            table: table.clone(),
                            pk,
                            replaced_by: None,
                            auto_off: Vec::new(),
                        },
                    );
                }
                if let Some(new) = &diff.expected {
                    let pk = self.primary_key(new, &exp_path)?;
                    self.push(index, id, Op::AddPrimaryKey { table, pk });
                }
            }
            "missing_foreign_key" | "extra_foreign_key" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_foreign_key" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "a ForeignKey")?;
                let raw = report::ForeignKey {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.constraint.clone())),
                    columns: payload.columns.clone(),
                    references: payload.references.clone(),
                    on_delete: payload.on_delete.clone(),
                    on_update: payload.on_update.clone(),
                };
                self.check_object_name(
                    payload,
                    raw.name.as_deref(),
                    &obj_path,
                    "constraint",
                    NameKind::ForeignKey,
                )?;
                let fk = self.foreign_key(&table, &raw, p)?;
                let op = if kind == "missing_foreign_key" {
                    Op::AddForeignKey {
                        table,
                        fk: fk.into(),
                    }
                } else {
                    Op::DropForeignKey {
                        table,
                        fk: fk.into(),
                    }
                };
                self.push(index, id, op);
            }
            "missing_unique" | "extra_unique" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_unique" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "a Unique")?;
                let key = report::Key {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.constraint.clone())),
                    columns: payload.columns.clone(),
                };
                self.check_object_name(
                    payload,
                    key.name.as_deref(),
                    &obj_path,
                    "constraint",
                    NameKind::Unique,
                )?;
                let unique = self.unique(&table, &key, p)?;
                let op = if kind == "missing_unique" {
                    Op::AddUnique { table, unique }
                } else {
                    Op::DropUnique {
                        table,
                        unique,
                        replaced_by: None,
                    }
                };
                self.push(index, id, op);
            }
            "missing_index" | "extra_index" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_index" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "an Index")?;
                let raw = report::Index {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.index.clone())),
                    columns: payload.columns.clone(),
                    unique: payload.unique,
                };
                self.check_object_name(
                    payload,
                    raw.name.as_deref(),
                    &obj_path,
                    "index",
                    NameKind::Index,
                )?;
                let index_def = self.index(&table, &raw, p)?;
                let op = if kind == "missing_index" {
                    Op::CreateIndex {
                        table,
                        index: index_def.into(),
                        concurrently: false,
                    }
                } else {
                    Op::DropIndex {
                        table,
                        index: index_def.into(),
                        replaced_by: None,
                    }
                };
                self.push(index, id, op);
            }
            "missing_check" | "extra_check" => {
                let table = self.table_name(diff, None, path)?;
                let (side, p) = if kind == "missing_check" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "a Check")?;
                let raw = report::Check {
                    name: payload
                        .name
                        .clone()
                        .or(diff.object.as_ref().and_then(|o| o.constraint.clone())),
                    expression: payload.expression.clone(),
                };
                self.check_object_name(
                    payload,
                    raw.name.as_deref(),
                    &obj_path,
                    "constraint",
                    NameKind::Check,
                )?;
                let check = self.check(&table, &raw, p)?;
                let op = if kind == "missing_check" {
                    Op::AddCheck { table, check }
                } else {
                    Op::DropCheck { table, check }
                };
                self.push(index, id, op);
            }
            "missing_enum" | "extra_enum" => {
                let (side, p) = if kind == "missing_enum" {
                    (&diff.expected, &exp_path)
                } else {
                    (&diff.actual, &act_path)
                };
                let payload = require(side, p, "an Enum")?;
                let en = self.enum_def(diff, payload, p, path)?;
                match d {
                    Dialect::Postgres => {
                        let op = if kind == "missing_enum" {
                            Op::CreateEnum { en }
                        } else {
                            Op::DropEnum { en }
                        };
                        self.push(index, id, op);
                    }
                    // MySQL enums live on their columns, SQLite's are checks on their columns:
                    // the column's own diff carries the change.
                    Dialect::MySql | Dialect::Sqlite => {}
                }
            }
            "enum_values_mismatch" => self.enum_values(index, id, diff, path)?,
            other => {
                self.warn(
                    "unknown_diff_kind",
                    format!(
                        "diff kind {:?} is not known to this generator; the diff is skipped",
                        crate::text::preview(other)
                    ),
                    Some(id),
                    Some(&path.key("kind")),
                );
            }
        }
        Ok(())
    }

    pub(crate) fn enum_values(
        &mut self,
        index: usize,
        id: &str,
        diff: &report::Diff,
        path: &Path,
    ) -> Result<()> {
        let exp_path = path.key("expected");
        let act_path = path.key("actual");
        let expected = require(&diff.expected, &exp_path, "`{values}`")?;
        let actual = require(&diff.actual, &act_path, "`{values}`")?;
        let new_values = self.values(
            expected.values.as_ref().or(expected.enum_values.as_ref()),
            &exp_path.key("values"),
        )?;
        let old_values = self.values(
            actual.values.as_ref().or(actual.enum_values.as_ref()),
            &act_path.key("values"),
        )?;
        match self.dialect {
            Dialect::Postgres => {
                let en = self.enum_name(diff, Some(expected), path)?;
                // Added values keep their place: each goes after its predecessor in the new list
                // (or before the first old value when it comes first).
                let old: HashSet<&str> = old_values.iter().map(String::as_str).collect();
                // The values as PostgreSQL holds them after each addition.
                let mut state = old_values.clone();
                for (i, v) in new_values.iter().enumerate() {
                    if old.contains(v.as_str()) {
                        continue;
                    }
                    let (before, after) = if i == 0 {
                        (
                            new_values
                                .iter()
                                .find(|x| old.contains(x.as_str()))
                                .cloned(),
                            None,
                        )
                    } else {
                        (None, Some(new_values[i - 1].clone()))
                    };
                    let restore = state.clone();
                    let at = match (&before, &after) {
                        (Some(b), _) => state.iter().position(|x| x == b).unwrap_or(0),
                        (None, Some(a)) => state
                            .iter()
                            .position(|x| x == a)
                            .map_or(state.len(), |p| p + 1),
                        (None, None) => state.len(),
                    };
                    state.insert(at, v.clone());
                    self.push(
                        index,
                        id,
                        Op::AddEnumValue {
                            en: en.name.clone(),
                            value: v.clone(),
                            before,
                            after,
                            restore,
                        },
                    );
                }
                let new: HashSet<&str> = new_values.iter().map(String::as_str).collect();
                let kept_in_order: Vec<&String> = old_values
                    .iter()
                    .filter(|v| new.contains(v.as_str()))
                    .collect();
                let new_kept: Vec<&String> = new_values
                    .iter()
                    .filter(|v| old.contains(v.as_str()))
                    .collect();
                if old_values.iter().any(|v| !new.contains(v.as_str())) || kept_in_order != new_kept
                {
                    self.push(
                        index,
                        id,
                        Op::RemoveEnumValues {
                            en: en.name,
                            from: old_values,
                            to: new_values,
                        },
                    );
                }
            }
            Dialect::MySql | Dialect::Sqlite => {
                if object_column(diff).is_none() {
                    self.warn(
                        "enum_without_column",
                        format!("{} keeps enum values on columns and this diff names no column (object.table and object.column): \
                         columns this migration creates get the new values; existing columns are left as they are", self.dialect.name()),
                        Some(id),
                        Some(&path.key("object")),
                    );
                    return Ok(());
                }
                let table = self.table_name(diff, None, path)?;
                let column = self.column_name(diff, path)?;
                let mut states = self.column_states(id, ColumnChange::EnumValues, diff, path)?;
                states.to.ty = Some(SqlType::MySqlEnum(new_values));
                states.from.ty = Some(SqlType::MySqlEnum(old_values));
                self.push(
                    index,
                    id,
                    Op::AlterColumn {
                        table,
                        column,
                        change: ColumnChange::EnumValues,
                        states: Box::new(states),
                        with_key: None,
                    },
                );
            }
        }
        Ok(())
    }

    pub(crate) fn values(
        &self,
        values: Option<&Vec<report::Str>>,
        path: &Path,
    ) -> Result<Vec<String>> {
        let values = values
            .ok_or_else(|| path.err(ErrorCode::MissingField, "the enum's `values` are missing"))?;
        let mut seen = HashSet::default();
        for (i, v) in values.iter().enumerate() {
            check_enum_value(v, self.dialect, &path.index(i))?;
            if !seen.insert(&**v) {
                return Err(path.index(i).err(
                    ErrorCode::InvalidValue,
                    format!("enum value {:?} is listed twice", crate::text::preview(v)),
                ));
            }
        }
        Ok(values.iter().map(|v| v.to_string()).collect())
    }

    pub(crate) fn enum_name(
        &self,
        diff: &report::Diff,
        payload: Option<&Payload>,
        path: &Path,
    ) -> Result<Enum> {
        let object = diff.object.as_ref();
        let name = object
            .and_then(|o| o.enum_name.as_deref())
            .or(payload.and_then(|p| p.name.as_deref()))
            .ok_or_else(|| {
                path.key("object").key("enum").err(
                    ErrorCode::MissingField,
                    "the diff does not name its enum (`object.enum`)",
                )
            })?;
        check_name(
            name,
            self.dialect,
            &path.key("object").key("enum"),
            NameKind::Enum,
        )?;
        let schema = self.schema_of(
            object.and_then(|o| o.schema.as_deref()),
            &path.key("object").key("schema"),
        )?;
        Ok(Enum {
            name: QualifiedName {
                schema,
                name: Rc::from(name),
            },
            values: Vec::new(),
        })
    }

    pub(crate) fn enum_def(
        &self,
        diff: &report::Diff,
        payload: &Payload,
        p: &Path,
        path: &Path,
    ) -> Result<Enum> {
        let mut en = self.enum_name(diff, Some(payload), path)?;
        en.values = self.values(
            payload.values.as_ref().or(payload.enum_values.as_ref()),
            &p.key("values"),
        )?;
        Ok(en)
    }
}
