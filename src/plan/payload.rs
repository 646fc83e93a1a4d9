//! What a diff's payload says — tables, columns, types, defaults, keys — read and checked
//! into the model.

use crate::hash::{Map as HashMap, Set as HashSet};
use std::rc::Rc;

use crate::dialect::Dialect;
use crate::error::{ErrorCode, Path, Result};
use crate::model::*;
use crate::naming::{check_name, derive_name, NameKind};
use crate::report::{self, ColumnEntry, Payload};
use crate::types::{self, SqlType, TypeSpec};

use super::op::*;
pub(crate) struct EnumInfo {
    pub(crate) schema: Option<String>,
    pub(crate) values: Vec<String>,
}

pub(crate) struct Reader {
    pub(crate) dialect: Dialect,
    /// Whether `object.schema` and `references.schema` are used.
    pub(crate) use_schemas: bool,
    pub(crate) default_schema: Option<String>,
    /// Enums named in the report (missing_enum, enum_values_mismatch, extra_enum): the values
    /// the spec wants, by name.
    pub(crate) enums: HashMap<String, EnumInfo>,
    /// Types already resolved, by their text, for columns that name no enum: a report repeats a
    /// few types many times.
    pub(crate) types: std::cell::RefCell<Vec<(String, SqlType)>>,
    /// The entry of `types` last used: tables list their columns' types in the same order, so
    /// the next lookup starts after it.
    pub(crate) last_type: std::cell::Cell<usize>,
    /// Schema names, shared by every object that names them.
    pub(crate) names: std::cell::RefCell<Vec<Rc<str>>>,
    /// SQLite: the report's `actual_tables`, for the tables a migration rebuilds.
    pub(crate) actual: Vec<Table>,
    pub(crate) plan: Plan,
}

impl Reader {
    pub(crate) fn schema_of(&self, schema: Option<&str>, path: &Path) -> Result<Option<Rc<str>>> {
        if self.dialect == Dialect::Sqlite {
            // One database per file: `main` is the only schema a SQLite report names.
            return match schema {
                Some(s) if self.use_schemas && s != "main" => Err(path.err(
                    ErrorCode::InvalidValue,
                    format!(
                        "SQLite has no schemas: {:?} is not \"main\" (leave `schema` out or give \"main\")",
                        crate::text::preview(s)
                    ),
                )),
                _ => Ok(None),
            };
        }
        if !self.use_schemas {
            return Ok(None);
        }
        match schema.or(self.default_schema.as_deref()) {
            Some(s) => {
                check_name(s, self.dialect, path, NameKind::Schema)?;
                Ok(Some(self.shared(s)))
            }
            None => Ok(None),
        }
    }

    /// `name` as a shared string: the same one each time for the few names a report repeats on
    /// every object (schemas).
    pub(crate) fn shared(&self, name: &str) -> Rc<str> {
        let mut names = self.names.borrow_mut();
        if let Some(n) = names.iter().find(|n| &***n == name) {
            return n.clone();
        }
        let n: Rc<str> = Rc::from(name);
        if names.len() < 16 {
            names.push(n.clone());
        }
        n
    }

    pub(crate) fn table_name(
        &self,
        diff: &report::Diff,
        payload: Option<&Payload>,
        path: &Path,
    ) -> Result<QualifiedName> {
        let object = diff.object.as_ref();
        let obj_path = path.key("object");
        let name = object
            .and_then(|o| o.table.as_deref())
            .or(payload.and_then(|p| p.name.as_deref()))
            .ok_or_else(|| {
                obj_path.key("table").err(
                    ErrorCode::MissingField,
                    "the diff does not name its table (`object.table`)",
                )
            })?;
        check_name(name, self.dialect, &obj_path.key("table"), NameKind::Table)?;
        let schema = self.schema_of(
            object.and_then(|o| o.schema.as_deref()),
            &obj_path.key("schema"),
        )?;
        Ok(QualifiedName {
            schema,
            name: Rc::from(name),
        })
    }

    pub(crate) fn column_name(&self, diff: &report::Diff, path: &Path) -> Result<Name> {
        let name = object_column(diff)
            .or(diff.expected.as_deref().and_then(|p| p.name.as_deref()))
            .or(diff.actual.as_deref().and_then(|p| p.name.as_deref()))
            .ok_or_else(|| {
                path.key("object").key("column").err(
                    ErrorCode::MissingField,
                    "the diff does not name its column (`object.column`)",
                )
            })?;
        check_name(
            name,
            self.dialect,
            &path.key("object").key("column"),
            NameKind::Column,
        )?;
        Ok(Name::new(name))
    }

    pub(crate) fn table(
        &self,
        name: QualifiedName,
        payload: &Payload,
        path: &Path,
    ) -> Result<Table> {
        let cols_path = path.key("columns");
        let entries = payload
            .columns
            .as_ref()
            .ok_or_else(|| cols_path.err(ErrorCode::MissingField, "a Table needs `columns`"))?;
        let mut columns: Vec<Column> = Vec::with_capacity(entries.len());
        // Few columns are compared one by one; many, through a set (no quadratic time).
        let mut names: HashSet<&str> = HashSet::default();
        for (i, entry) in entries.iter().enumerate() {
            let p = cols_path.index(i);
            let ColumnEntry::Column(c) = entry else {
                return Err(p.err(
                    ErrorCode::InvalidValue,
                    "a Table's columns must be Column objects, not names",
                ));
            };
            let column = self.column(c, None, &p)?;
            let seen = if entries.len() <= 16 {
                columns.iter().any(|x| x.name == column.name)
            } else {
                !names.insert(c.name.as_deref().unwrap_or_default())
            };
            if seen {
                return Err(p.key("name").err(
                    ErrorCode::InvalidValue,
                    format!("column {:?} appears twice", column.name),
                ));
            }
            columns.push(column);
        }
        if columns.is_empty() && self.dialect == Dialect::MySql {
            return Err(cols_path.err(
                ErrorCode::InvalidValue,
                "MySQL tables need at least one column",
            ));
        }
        let primary_key = match &payload.primary_key {
            Some(pk) => Some(self.primary_key_key(pk, &path.key("primary_key"))?),
            None => None,
        };
        let mut foreign_keys = Vec::new();
        for (i, fk) in payload.foreign_keys.iter().flatten().enumerate() {
            foreign_keys.push(self.foreign_key(&name, fk, &path.key("foreign_keys").index(i))?);
        }
        let mut uniques = Vec::new();
        for (i, u) in payload.unique_constraints.iter().flatten().enumerate() {
            uniques.push(self.unique(&name, u, &path.key("unique_constraints").index(i))?);
        }
        let mut indexes = Vec::new();
        for (i, ix) in payload.indexes.iter().flatten().enumerate() {
            indexes.push(self.index(&name, ix, &path.key("indexes").index(i))?);
        }
        let mut checks = Vec::new();
        for (i, c) in payload.checks.iter().flatten().enumerate() {
            checks.push(self.check(&name, c, &path.key("checks").index(i))?);
        }
        Ok(Table {
            name,
            columns,
            primary_key,
            foreign_keys,
            uniques,
            indexes,
            checks,
            comment: check_comment(&payload.comment, self.dialect, 2048, &path.key("comment"))?,
        })
    }

    pub(crate) fn column(
        &self,
        c: &report::Column,
        object_column: Option<&str>,
        path: &Path,
    ) -> Result<Column> {
        if let (Some(o), Some(n)) = (object_column, c.name.as_deref()) {
            if o != n {
                return Err(path.key("name").err(
                    ErrorCode::InvalidValue,
                    format!(
                        "the diff names two columns: object.column {:?} and expected.name {:?}",
                        crate::text::preview(o),
                        crate::text::preview(n)
                    ),
                ));
            }
        }
        let name = object_column.or(c.name.as_deref()).ok_or_else(|| {
            path.key("name")
                .err(ErrorCode::MissingField, "a Column needs a `name`")
        })?;
        check_name(name, self.dialect, &path.key("name"), NameKind::Column)?;
        let ty_text = required_str(&c.type_name, &path.key("type"))?;
        let ty = self.resolve_type(ty_text, c, path)?;
        let default = match &c.default {
            Some(Some(d)) => Some(self.default_value(d, &path.key("default"))?),
            _ => None,
        };
        number_fits(&ty, default.as_ref(), &path.key("default"))?;
        let identity = self.identity(c, &path.key("identity"))?;
        Ok(Column {
            name: Name::new(name),
            ty,
            nullable: c.nullable.unwrap_or(true),
            default,
            identity,
            auto_increment: c.auto_increment.unwrap_or(false),
            comment: check_comment(&c.comment, self.dialect, 1024, &path.key("comment"))?,
        })
    }

    pub(crate) fn identity(&self, c: &report::Column, path: &Path) -> Result<Option<Identity>> {
        if c.serial == Some(true) {
            return Ok(Some(Identity::Serial));
        }
        match c.identity.as_deref() {
            None => Ok(None),
            Some("always") => Ok(Some(Identity::Always)),
            Some("by_default") => Ok(Some(Identity::ByDefault)),
            Some(other) => Err(path.err(
                ErrorCode::InvalidValue,
                format!(
                    "identity must be \"always\" or \"by_default\", not {:?}",
                    crate::text::preview(other)
                ),
            )),
        }
    }

    /// `column` is the JSON path of the Column; errors name its `type`, `enum` or `enum_values`.
    pub(crate) fn resolve_type(
        &self,
        ty_text: &str,
        c: &report::Column,
        column: &Path,
    ) -> Result<SqlType> {
        let enum_name = c.enum_name.as_deref();
        let plain = enum_name.is_none() && c.enum_values.is_none() && c.values.is_none();
        if plain {
            let cache = self.types.borrow();
            let n = cache.len();
            let mut i = self.last_type.get();
            for _ in 0..n {
                i = if i + 1 >= n { 0 } else { i + 1 };
                if cache[i].0 == ty_text {
                    self.last_type.set(i);
                    return Ok(cache[i].1.clone());
                }
            }
        }
        // A SQLite report gives the declared types: they are written as they are.
        if plain && self.dialect == Dialect::Sqlite && self.use_schemas {
            return types::sqlite_declared(ty_text)
                .map_err(|m| column.key("type").err(ErrorCode::InvalidType, m));
        }
        let info = enum_name.and_then(|n| self.enums.get(n));
        if let Some(n) = enum_name {
            check_name(n, self.dialect, &column.key("enum"), NameKind::Enum)?;
        }
        // MySQL's enum_values_mismatch carries a whole Column plus its `values` on each side.
        let values: Option<Vec<&str>> = c
            .enum_values
            .as_deref()
            .or(c.values.as_deref())
            .map(|vs| vs.iter().map(|v| &**v).collect())
            .or_else(|| info.map(|i| i.values.iter().map(String::as_str).collect()));
        if let Some(vs) = &values {
            let key = if c.enum_values.is_some() {
                "enum_values"
            } else {
                "values"
            };
            for (i, v) in vs.iter().enumerate() {
                check_enum_value(v, self.dialect, &column.key(key).index(i))?;
            }
        }
        let spec = TypeSpec {
            type_name: ty_text,
            enum_name,
            enum_values: values.as_deref(),
            enum_schema: info.and_then(|i| i.schema.as_deref()),
        };
        let t = types::resolve(&spec, self.dialect)
            .map_err(|m| column.key("type").err(ErrorCode::InvalidType, m))?;
        if plain {
            let mut cache = self.types.borrow_mut();
            // A few, looked up one by one: a report repeats a handful of types.
            if cache.len() < 16 {
                cache.push((ty_text.to_string(), t.clone()));
                self.last_type.set(cache.len() - 1);
            }
        }
        Ok(t)
    }

    pub(crate) fn default_value(&self, d: &report::Default, path: &Path) -> Result<DefaultValue> {
        let kind = required_str(&d.kind, &path.key("kind"))?;
        let vpath = path.key("value");
        let Some(value) = d.value.as_ref() else {
            return Err(vpath.err(ErrorCode::MissingField, "a Default needs a `value`"));
        };
        match kind {
            "literal" => match value {
                report::Value::Null => Ok(DefaultValue::Null),
                report::Value::Bool(b) => Ok(DefaultValue::Bool(*b)),
                report::Value::Number(n) => Ok(DefaultValue::Number(n.to_string())),
                report::Value::String(s) => {
                    if s.contains('\0') {
                        return Err(vpath.err(
                            ErrorCode::InvalidDefault,
                            "a default value cannot hold a NUL character",
                        ));
                    }
                    Ok(DefaultValue::Str(s.to_string()))
                }
                other => Ok(DefaultValue::Str(other.to_json())),
            },
            "expression" => {
                let report::Value::String(text) = value else {
                    return Err(vpath.err(
                        ErrorCode::InvalidDefault,
                        "an expression default's `value` must be a string",
                    ));
                };
                known_expr(text, self.dialect)
                    .filter(|e| self.dialect != Dialect::Sqlite || sqlite_expr(*e))
                    .map(DefaultValue::Expr)
                    .ok_or_else(|| {
                        vpath.err(
                            ErrorCode::InvalidDefault,
                            format!(
                                "default expression {:?} is not in the known set for {} ({})",
                                crate::text::preview(text),
                                self.dialect.name(),
                                known_expr_list(self.dialect)
                            ),
                        )
                    })
            }
            other => Err(path.key("kind").err(
                ErrorCode::InvalidDefault,
                format!(
                    "a Default's kind must be \"literal\" or \"expression\", not {:?}",
                    crate::text::preview(other)
                ),
            )),
        }
    }

    pub(crate) fn name_list(
        &self,
        cols: &Option<Vec<ColumnEntry>>,
        path: &Path,
    ) -> Result<Vec<Name>> {
        let cols = cols
            .as_ref()
            .ok_or_else(|| path.err(ErrorCode::MissingField, "`columns` is missing"))?;
        if cols.is_empty() {
            return Err(path.err(ErrorCode::InvalidValue, "`columns` is empty"));
        }
        let mut out = Vec::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            let name = match c {
                ColumnEntry::Name(n) => &**n,
                ColumnEntry::Column(c) => c.name.as_deref().unwrap_or_default(),
            };
            check_name(name, self.dialect, &path.index(i), NameKind::Column)?;
            out.push(Name::new(name));
        }
        Ok(out)
    }

    /// Checks a key's, index's or check's name where the diff's `object` gave it (`object.<key>`)
    /// because its payload has none, so that an error points at the field that holds it.
    pub(crate) fn check_object_name(
        &self,
        payload: &Payload,
        name: Option<&str>,
        obj_path: &Path,
        key: &'static str,
        kind: NameKind,
    ) -> Result<()> {
        match name {
            Some(n) if payload.name.is_none() => {
                check_name(n, self.dialect, &obj_path.key(key), kind)
            }
            _ => Ok(()),
        }
    }

    /// The name of a unique constraint, index, foreign key or check: the report's, checked, or
    /// one derived from the table and columns when the report gives none.
    pub(crate) fn constraint_name(
        &self,
        name: Option<&str>,
        table: &QualifiedName,
        columns: &[Name],
        kind: NameKind,
        path: &Path,
    ) -> Result<Name> {
        match name {
            Some(n) => {
                check_name(n, self.dialect, path, kind)?;
                Ok(Name::new(n))
            }
            None => {
                let suffix = match kind {
                    NameKind::Unique => "key",
                    NameKind::Index => "idx",
                    NameKind::ForeignKey => "fkey",
                    _ => "check",
                };
                Ok(derive_name(&table.name, columns, suffix, self.dialect))
            }
        }
    }

    pub(crate) fn primary_key(&self, payload: &Payload, path: &Path) -> Result<PrimaryKey> {
        let key = report::Key {
            name: payload.name.clone(),
            columns: payload.columns.clone(),
        };
        self.primary_key_key(&key, path)
    }

    pub(crate) fn primary_key_key(&self, key: &report::Key, path: &Path) -> Result<PrimaryKey> {
        let columns = self.name_list(&key.columns, &path.key("columns"))?;
        if let Some(n) = &key.name {
            check_name(n, self.dialect, &path.key("name"), NameKind::PrimaryKey)?;
        }
        Ok(PrimaryKey {
            name: key.name.as_deref().map(Name::new),
            columns,
        })
    }

    pub(crate) fn foreign_key(
        &self,
        table: &QualifiedName,
        fk: &report::ForeignKey,
        path: &Path,
    ) -> Result<ForeignKey> {
        let columns = self.name_list(&fk.columns, &path.key("columns"))?;
        let rpath = path.key("references");
        let r = fk
            .references
            .as_ref()
            .ok_or_else(|| rpath.err(ErrorCode::MissingField, "a ForeignKey needs `references`"))?;
        let rtable = required_str(&r.table, &rpath.key("table"))?;
        check_name(rtable, self.dialect, &rpath.key("table"), NameKind::Table)?;
        let rschema = match r.schema.as_deref().filter(|_| self.use_schemas) {
            Some(s) => {
                check_name(s, self.dialect, &rpath.key("schema"), NameKind::Schema)?;
                Some(self.shared(s))
            }
            None => table.schema.clone(),
        };
        let ref_columns = self.name_list(&r.columns, &rpath.key("columns"))?;
        if ref_columns.len() != columns.len() {
            return Err(rpath.key("columns").err(
                ErrorCode::InvalidValue,
                format!(
                    "the foreign key has {} columns but references {}",
                    columns.len(),
                    ref_columns.len()
                ),
            ));
        }
        let name = self.constraint_name(
            fk.name.as_deref(),
            table,
            &columns,
            NameKind::ForeignKey,
            &path.key("name"),
        )?;
        Ok(ForeignKey {
            name,
            columns,
            ref_table: QualifiedName {
                schema: rschema,
                name: Rc::from(rtable),
            },
            ref_columns,
            on_delete: self.fk_action(fk.on_delete.as_deref(), &path.key("on_delete"))?,
            on_update: self.fk_action(fk.on_update.as_deref(), &path.key("on_update"))?,
        })
    }

    pub(crate) fn fk_action(&self, action: Option<&str>, path: &Path) -> Result<Option<FkAction>> {
        let a = fk_action(action, path)?;
        if self.dialect == Dialect::MySql && a == Some(FkAction::SetDefault) {
            return Err(path.err(
                ErrorCode::Unsupported,
                "MySQL's InnoDB rejects SET DEFAULT as a foreign-key action (MySQL 8.0 manual, FOREIGN KEY constraints)",
            ));
        }
        Ok(a)
    }

    pub(crate) fn unique(
        &self,
        table: &QualifiedName,
        key: &report::Key,
        path: &Path,
    ) -> Result<Unique> {
        let columns = self.name_list(&key.columns, &path.key("columns"))?;
        let name = self.constraint_name(
            key.name.as_deref(),
            table,
            &columns,
            NameKind::Unique,
            &path.key("name"),
        )?;
        Ok(Unique { name, columns })
    }

    pub(crate) fn index(
        &self,
        table: &QualifiedName,
        ix: &report::Index,
        path: &Path,
    ) -> Result<Index> {
        let columns = self.name_list(&ix.columns, &path.key("columns"))?;
        let name = self.constraint_name(
            ix.name.as_deref(),
            table,
            &columns,
            NameKind::Index,
            &path.key("name"),
        )?;
        Ok(Index {
            name,
            columns,
            unique: ix.unique.unwrap_or(false),
        })
    }

    pub(crate) fn check(
        &self,
        table: &QualifiedName,
        c: &report::Check,
        path: &Path,
    ) -> Result<Check> {
        let expr = required_str(&c.expression, &path.key("expression"))?;
        let expression = crate::check::sanitize(expr, self.dialect)
            .map_err(|m| path.key("expression").err(ErrorCode::InvalidCheck, m))?;
        let name = self.constraint_name(
            c.name.as_deref(),
            table,
            &[],
            NameKind::Check,
            &path.key("name"),
        )?;
        Ok(Check { name, expression })
    }

    /// Reads both sides of a column-level diff. Attributes `expected` leaves out are taken from
    /// `actual` (they did not change); MySQL restates the whole column, so there a missing
    /// attribute is a warning, and one missing on both sides an error.
    pub(crate) fn column_states(
        &mut self,
        id: &str,
        change: ColumnChange,
        diff: &report::Diff,
        path: &Path,
    ) -> Result<ColumnStates> {
        let exp_path = path.key("expected");
        let act_path = path.key("actual");
        let expected = require(&diff.expected, &exp_path, "a Column")?;
        let actual = require(&diff.actual, &act_path, "a Column")?;
        let from = self.partial(&actual.column(), &act_path)?;
        let mut to = self.partial(&expected.column(), &exp_path)?;
        let mysql = self.dialect == Dialect::MySql;
        let mut missing = Vec::new();
        let mut inherited = Vec::new();
        if to.ty.is_none() {
            if from.ty.is_some() {
                to.ty = from.ty.clone();
                inherited.push("type");
            } else {
                missing.push("type");
            }
        }
        if to.nullable.is_none() {
            if from.nullable.is_some() {
                to.nullable = from.nullable;
                inherited.push("nullable");
            } else {
                missing.push("nullable");
            }
        }
        if to.default.is_none() {
            if from.default.is_some() {
                to.default = from.default.clone();
                inherited.push("default");
            } else {
                missing.push("default");
            }
        }
        if to.comment.is_none() {
            to.comment = from.comment.clone();
        }
        let needed: &[&str] = match (mysql, change) {
            (true, _) => &["type", "nullable", "default"],
            (false, ColumnChange::Type) => &["type"],
            (false, ColumnChange::Nullability) => &["nullable"],
            (false, _) => &[],
        };
        if let Some(m) = missing.iter().find(|m| needed.contains(m)) {
            return Err(exp_path.key(m).err(
                ErrorCode::MissingField,
                format!(
                    "`{}` is absent on both sides of the diff; {} needs it to restate the column",
                    m,
                    self.dialect.name()
                ),
            ));
        }
        if mysql && !inherited.is_empty() {
            self.warn(
                "attribute_from_actual",
                format!(
                    "MySQL restates the whole column; {} taken from `actual` (unchanged)",
                    inherited.join(", ")
                ),
                Some(id),
                Some(&exp_path),
            );
        }
        Ok(ColumnStates { to, from })
    }

    pub(crate) fn partial(&self, c: &report::Column, path: &Path) -> Result<PartialColumn> {
        let ty = match c.type_name.as_deref() {
            Some(t) => Some(self.resolve_type(t, c, path)?),
            None => None,
        };
        let default = match &c.default {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => Some(Some(self.default_value(d, &path.key("default"))?)),
        };
        if let (Some(t), Some(Some(d))) = (&ty, &default) {
            number_fits(t, Some(d), &path.key("default"))?;
        }
        Ok(PartialColumn {
            ty,
            nullable: c.nullable,
            default,
            identity: self.identity(c, &path.key("identity"))?,
            auto_increment: c.auto_increment.unwrap_or(false),
            comment: check_comment(&c.comment, self.dialect, 1024, &path.key("comment"))?,
        })
    }
}

pub(crate) fn object_column<'a>(diff: &'a report::Diff) -> Option<&'a str> {
    diff.object.as_ref().and_then(|o| o.column.as_deref())
}

pub(crate) fn require<'a, 'r>(
    side: &'a Option<Box<Payload<'r>>>,
    path: &Path,
    what: &str,
) -> Result<&'a Payload<'r>> {
    side.as_deref().ok_or_else(|| {
        path.err(
            ErrorCode::MissingField,
            format!("this diff kind needs {} here", what),
        )
    })
}

pub(crate) fn required_str<'a>(value: &'a Option<report::Str>, path: &Path) -> Result<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| path.err(ErrorCode::MissingField, "this field is required"))
}

/// A table or column comment: any text but NUL, which no server stores; on MySQL at most
/// `mysql_max` characters (2048 for a table, 1024 for a column).
pub(crate) fn check_comment(
    comment: &Option<report::Str>,
    dialect: Dialect,
    mysql_max: usize,
    path: &Path,
) -> Result<Option<String>> {
    match comment {
        Some(c) if c.contains('\0') => Err(path.err(
            ErrorCode::InvalidValue,
            "a comment cannot hold a NUL character",
        )),
        Some(c) if dialect == Dialect::MySql && c.chars().count() > mysql_max => Err(path.err(
            ErrorCode::InvalidValue,
            format!(
                "this comment is {} characters long; MySQL allows at most {}",
                c.chars().count(),
                mysql_max
            ),
        )),
        other => Ok(other.as_deref().map(str::to_string)),
    }
}

/// An enum value: not empty, no NUL, and within the dialect's limit (PostgreSQL labels are at
/// most 63 bytes; MySQL ENUM elements at most 255 characters).
pub(crate) fn check_enum_value(v: &str, dialect: Dialect, path: &Path) -> Result<()> {
    let (len, max, unit) = match dialect {
        Dialect::Postgres => (v.len(), 63, "bytes"),
        Dialect::MySql | Dialect::Sqlite => (v.chars().count(), 255, "characters"),
    };
    if v.is_empty() || v.contains('\0') || len > max {
        return Err(path.err(
            ErrorCode::InvalidValue,
            format!(
                "an enum value must be 1 to {} {} without NUL on {}",
                max,
                unit,
                dialect.name()
            ),
        ));
    }
    Ok(())
}

pub(crate) fn fk_action(action: Option<&str>, path: &Path) -> Result<Option<FkAction>> {
    Ok(match action {
        None => None,
        Some("cascade") => Some(FkAction::Cascade),
        Some("restrict") => Some(FkAction::Restrict),
        Some("set_null") => Some(FkAction::SetNull),
        Some("set_default") => Some(FkAction::SetDefault),
        Some("no_action") => Some(FkAction::NoAction),
        Some(other) => {
            return Err(path.err(
                ErrorCode::InvalidValue,
                format!("a foreign-key action must be cascade, restrict, set_null, set_default or no_action, not {:?}", crate::text::preview(other)),
            ))
        }
    })
}

/// Reads a default expression if it is in the dialect's known set.
pub fn known_expr(text: &str, dialect: Dialect) -> Option<KnownExpr> {
    // Most expressions are written as they are compared: lower case, no spaces.
    let norm: std::borrow::Cow<str> = if text
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(
            text.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase(),
        )
    };
    let precision = |prefix: &str| -> Option<Option<u8>> {
        let rest = norm.strip_prefix(prefix)?;
        if rest.is_empty() || rest == "()" {
            return Some(None);
        }
        let digits = rest.strip_prefix('(')?.strip_suffix(')')?;
        let n: u8 = digits.parse().ok()?;
        (n <= 6 && digits.len() == 1).then_some(Some(n))
    };
    let pg = dialect == Dialect::Postgres;
    match &*norm {
        "now()" => return Some(KnownExpr::Now),
        "current_date" => return Some(KnownExpr::CurrentDate),
        "curdate()" if !pg => return Some(KnownExpr::CurrentDate),
        // A random UUID, spelled the way the dialect spells it.
        "gen_random_uuid()" | "uuid()" => {
            return Some(if pg {
                KnownExpr::GenRandomUuid
            } else {
                KnownExpr::Uuid
            })
        }
        _ => {}
    }
    if let Some(p) = precision("current_timestamp") {
        return Some(KnownExpr::CurrentTimestamp(p));
    }
    if !pg {
        if let Some(p) = precision("now") {
            return Some(KnownExpr::CurrentTimestamp(p));
        }
    }
    if let Some(p) = precision("current_time") {
        return Some(KnownExpr::CurrentTime(p));
    }
    if let Some(p) = precision("localtimestamp") {
        return Some(KnownExpr::LocalTimestamp(p));
    }
    if let Some(p) = precision("localtime") {
        return Some(KnownExpr::LocalTime(p));
    }
    None
}

/// The expressions SQLite has: its three `CURRENT_…` keywords, without a precision.
fn sqlite_expr(e: KnownExpr) -> bool {
    matches!(
        e,
        KnownExpr::Now
            | KnownExpr::CurrentTimestamp(None)
            | KnownExpr::CurrentDate
            | KnownExpr::CurrentTime(None)
    )
}

pub(crate) fn known_expr_list(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "now(), CURRENT_TIMESTAMP[(n)], CURRENT_DATE, CURRENT_TIME[(n)], LOCALTIMESTAMP[(n)], LOCALTIME[(n)], gen_random_uuid() or uuid()",
        Dialect::MySql => "CURRENT_TIMESTAMP[(n)], NOW([n]), CURRENT_DATE, CURDATE(), CURRENT_TIME[(n)], LOCALTIMESTAMP[(n)], LOCALTIME[(n)], uuid() or gen_random_uuid()",
        Dialect::Sqlite => "CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME or now()",
    }
}

/// A number as the default of a date, time or UUID column is refused: the server would reject it
/// (or, in MySQL, read it as a packed date), and writing it as it came would hide the mistake.
pub(crate) fn number_fits(ty: &SqlType, default: Option<&DefaultValue>, path: &Path) -> Result<()> {
    let (SqlType::Builtin(t), Some(DefaultValue::Number(n))) = (ty, default) else {
        return Ok(());
    };
    const NOT_NUMBERS: [&str; 6] = ["TIMESTAMP", "DATETIME", "DATE", "TIME", "INTERVAL", "UUID"];
    if NOT_NUMBERS.iter().any(|p| t.starts_with(p)) {
        return Err(path.key("value").err(
            ErrorCode::InvalidDefault,
            format!(
                "the number {} is not a default for a {} column (give a string literal or an expression)",
                crate::text::preview(n),
                t
            ),
        ));
    }
    Ok(())
}
