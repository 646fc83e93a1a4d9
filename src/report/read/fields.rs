//! The report's fields, key by key: which reader reads each value, and where it goes.

use super::{Reader, Res, AN_OBJECT, A_COLUMN, EOF_VALUE, EXPECTED_VALUE};
use crate::report::{
    Check, Column, ColumnEntry, Default, Diff, ForeignKey, Index, Key, Object, Payload, References,
    Report, Scope, Str, Timestamps, Value,
};
use serde::de::IgnoredAny;

impl<'a> Reader<'a> {
    pub(super) fn report(&mut self) -> Res<Report<'a>> {
        let mut report = Report::default();
        match self.ws() {
            Some(b'{') => self.fill(&mut report, Self::report_fields)?,
            None => return Err(self.eof(EOF_VALUE)),
            Some(_) => return Err(self.invalid_type(AN_OBJECT)),
        }
        Ok(report)
    }

    fn report_fields(&mut self, x: &mut Report<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"workflow" => self.field(seen, 0, "workflow", &mut x.workflow, Self::opt_str),
            b"version" => self.field(seen, 1, "version", &mut x.version, Self::opt_str),
            b"report_format" => self.field(
                seen,
                2,
                "report_format",
                &mut x.report_format,
                Self::opt_str,
            ),
            b"run_id" => self.field(seen, 3, "run_id", &mut x.run_id, Self::opt_str),
            b"status" => self.field(seen, 4, "status", &mut x.status, Self::opt_str),
            b"timestamps" => self.field_in(seen, 5, "timestamps", &mut x.timestamps, |r, s| {
                r.opt_record(s, Timestamps::default, |r, x, seen, key| {
                    match key.as_bytes() {
                        b"finished_at" => {
                            r.field(seen, 0, "finished_at", &mut x.finished_at, Self::opt_str)
                        }
                        _ => r.ignore_field(),
                    }
                })
            }),
            b"scope" => self.field_in(seen, 6, "scope", &mut x.scope, |r, s| {
                r.opt_record(s, Scope::default, Self::scope_fields)
            }),
            b"results" => self.field(seen, 7, "results", &mut x.results, |r| {
                r.opt_list(|r| r.ignore().map(|()| IgnoredAny))
            }),
            b"diffs" => self.field_in(seen, 8, "diffs", &mut x.diffs, |r, s| {
                r.record_list(s, Diff::default, Self::diff_fields)
            }),
            b"actual_tables" => {
                self.field_in(seen, 9, "actual_tables", &mut x.actual_tables, |r, s| {
                    r.record_list(s, Payload::default, Self::payload_fields)
                })
            }
            _ => self.ignore_field(),
        }
    }

    fn scope_fields(&mut self, x: &mut Scope<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"spec_path" => self.field(seen, 0, "spec_path", &mut x.spec_path, Self::opt_str),
            b"spec_id" => self.field(seen, 1, "spec_id", &mut x.spec_id, Self::opt_str),
            b"dialect" => self.field(seen, 2, "dialect", &mut x.dialect, Self::opt_str),
            b"default_schema" => self.field(
                seen,
                3,
                "default_schema",
                &mut x.default_schema,
                Self::opt_str,
            ),
            _ => self.ignore_field(),
        }
    }

    fn diff_fields(&mut self, x: &mut Diff<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"id" => self.field(seen, 0, "id", &mut x.id, Self::opt_str),
            b"kind" => self.field(seen, 1, "kind", &mut x.kind, Self::opt_str),
            b"object" => self.field_in(seen, 2, "object", &mut x.object, |r, s| {
                r.opt_record(s, Box::<Object<'a>>::default, |r, x, seen, key| {
                    r.object_fields(x, seen, key)
                })
            }),
            b"expected" => self.field_in(seen, 3, "expected", &mut x.expected, Self::boxed_payload),
            b"actual" => self.field_in(seen, 4, "actual", &mut x.actual, Self::boxed_payload),
            _ => self.ignore_field(),
        }
    }

    fn object_fields(&mut self, x: &mut Object<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"schema" => self.field(seen, 0, "schema", &mut x.schema, Self::opt_str),
            b"table" => self.field(seen, 1, "table", &mut x.table, Self::opt_str),
            b"column" => self.field(seen, 2, "column", &mut x.column, Self::opt_str),
            b"enum" => self.field(seen, 3, "enum", &mut x.enum_name, Self::opt_str),
            b"constraint" => self.field(seen, 4, "constraint", &mut x.constraint, Self::opt_str),
            b"index" => self.field(seen, 5, "index", &mut x.index, Self::opt_str),
            _ => self.ignore_field(),
        }
    }

    /// [`Reader::payload`], boxed (`field_in` has refused a second one already).
    fn boxed_payload(&mut self, slot: &mut Option<Box<Payload<'a>>>) -> Res<()> {
        let mut read = None;
        let result = self.payload(&mut read);
        *slot = read.map(Box::new);
        result
    }

    fn payload(&mut self, slot: &mut Option<Payload<'a>>) -> Res<()> {
        self.opt_record(slot, Payload::default, Self::payload_fields)
    }

    fn payload_fields(&mut self, x: &mut Payload<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"comment" => self.field(seen, 1, "comment", &mut x.comment, Self::opt_str),
            b"columns" => self.field(seen, 2, "columns", &mut x.columns, Self::columns),
            b"primary_key" => self.field_in(seen, 3, "primary_key", &mut x.primary_key, |r, s| {
                r.opt_record(s, Key::default, Self::key_fields)
            }),
            b"foreign_keys" => {
                self.field_in(seen, 4, "foreign_keys", &mut x.foreign_keys, |r, s| {
                    r.record_list(s, ForeignKey::default, Self::fk_fields)
                })
            }
            b"unique_constraints" => self.field_in(
                seen,
                5,
                "unique_constraints",
                &mut x.unique_constraints,
                |r, s| r.record_list(s, Key::default, Self::key_fields),
            ),
            b"indexes" => self.field_in(seen, 6, "indexes", &mut x.indexes, |r, s| {
                r.record_list(s, Index::default, Self::index_fields)
            }),
            b"checks" => self.field_in(seen, 7, "checks", &mut x.checks, |r, s| {
                r.record_list(s, Check::default, Self::check_fields)
            }),
            b"type" => self.field(seen, 8, "type", &mut x.type_name, Self::opt_str),
            b"nullable" => self.field(seen, 9, "nullable", &mut x.nullable, Self::opt_bool),
            b"default" => self.field_in(seen, 10, "default", &mut x.default, Self::default_in),
            b"identity" => self.field(seen, 11, "identity", &mut x.identity, Self::opt_str),
            b"auto_increment" => self.field(
                seen,
                12,
                "auto_increment",
                &mut x.auto_increment,
                Self::opt_bool,
            ),
            b"serial" => self.field(seen, 13, "serial", &mut x.serial, Self::opt_bool),
            b"enum" => self.field(seen, 14, "enum", &mut x.enum_name, Self::opt_str),
            b"enum_values" => self.field(seen, 15, "enum_values", &mut x.enum_values, |r| {
                r.opt_list(Self::str_value)
            }),
            b"references" => self.field_in(seen, 16, "references", &mut x.references, |r, s| {
                r.opt_record(s, References::default, Self::refs_fields)
            }),
            b"on_delete" => self.field(seen, 17, "on_delete", &mut x.on_delete, Self::opt_str),
            b"on_update" => self.field(seen, 18, "on_update", &mut x.on_update, Self::opt_str),
            b"unique" => self.field(seen, 19, "unique", &mut x.unique, Self::opt_bool),
            b"expression" => self.field(seen, 20, "expression", &mut x.expression, Self::opt_str),
            b"values" => self.field(seen, 21, "values", &mut x.values, |r| {
                r.opt_list(Self::str_value)
            }),
            _ => self.ignore_field(),
        }
    }

    /// A `default`: present (`Some`), a Default or `null`.
    fn default_in(&mut self, slot: &mut Option<Option<Default<'a>>>) -> Res<()> {
        let empty = || Default {
            kind: None,
            value: None,
        };
        self.opt_record(slot.insert(None), empty, |r, x, seen, key| {
            match key.as_bytes() {
                b"kind" => r.field(seen, 0, "kind", &mut x.kind, Self::opt_str),
                b"value" => r.field(seen, 1, "value", &mut x.value, |r| r.value().map(Some)),
                _ => r.ignore_field(),
            }
        })
    }

    fn key_fields(&mut self, x: &mut Key<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"columns" => self.field(seen, 1, "columns", &mut x.columns, Self::columns),
            _ => self.ignore_field(),
        }
    }

    fn fk_fields(&mut self, x: &mut ForeignKey<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"columns" => self.field(seen, 1, "columns", &mut x.columns, Self::columns),
            b"references" => self.field_in(seen, 2, "references", &mut x.references, |r, s| {
                r.opt_record(s, References::default, Self::refs_fields)
            }),
            b"on_delete" => self.field(seen, 3, "on_delete", &mut x.on_delete, Self::opt_str),
            b"on_update" => self.field(seen, 4, "on_update", &mut x.on_update, Self::opt_str),
            _ => self.ignore_field(),
        }
    }

    fn refs_fields(&mut self, x: &mut References<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"schema" => self.field(seen, 0, "schema", &mut x.schema, Self::opt_str),
            b"table" => self.field(seen, 1, "table", &mut x.table, Self::opt_str),
            b"columns" => self.field(seen, 2, "columns", &mut x.columns, Self::columns),
            _ => self.ignore_field(),
        }
    }

    fn index_fields(&mut self, x: &mut Index<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"columns" => self.field(seen, 1, "columns", &mut x.columns, Self::columns),
            b"unique" => self.field(seen, 2, "unique", &mut x.unique, Self::opt_bool),
            _ => self.ignore_field(),
        }
    }

    fn check_fields(&mut self, x: &mut Check<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"expression" => self.field(seen, 1, "expression", &mut x.expression, Self::opt_str),
            _ => self.ignore_field(),
        }
    }

    fn columns(&mut self) -> Res<Option<Vec<ColumnEntry<'a>>>> {
        self.opt_list(Self::column_entry)
    }

    /// A column name or a Column object.
    fn column_entry(&mut self) -> Res<ColumnEntry<'a>> {
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string().map(ColumnEntry::Name)
            }
            Some(b'{') => {
                let mut column = Box::<Column<'a>>::default();
                self.fill(&mut *column, Self::column_fields)?;
                Ok(ColumnEntry::Column(column))
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.invalid_type(A_COLUMN)),
        }
    }

    fn column_fields(&mut self, x: &mut Column<'a>, seen: &mut u32, key: &Str<'a>) -> Res<()> {
        match key.as_bytes() {
            b"name" => self.field(seen, 0, "name", &mut x.name, Self::opt_str),
            b"comment" => self.field(seen, 1, "comment", &mut x.comment, Self::opt_str),
            b"type" => self.field(seen, 2, "type", &mut x.type_name, Self::opt_str),
            b"nullable" => self.field(seen, 3, "nullable", &mut x.nullable, Self::opt_bool),
            b"default" => self.field_in(seen, 4, "default", &mut x.default, Self::default_in),
            b"identity" => self.field(seen, 5, "identity", &mut x.identity, Self::opt_str),
            b"auto_increment" => self.field(
                seen,
                6,
                "auto_increment",
                &mut x.auto_increment,
                Self::opt_bool,
            ),
            b"serial" => self.field(seen, 7, "serial", &mut x.serial, Self::opt_bool),
            b"enum" => self.field(seen, 8, "enum", &mut x.enum_name, Self::opt_str),
            b"enum_values" => self.field(seen, 9, "enum_values", &mut x.enum_values, |r| {
                r.opt_list(Self::str_value)
            }),
            b"values" => self.field(seen, 10, "values", &mut x.values, |r| {
                r.opt_list(Self::str_value)
            }),
            _ => self.ignore_field(),
        }
    }

    /// Any JSON value, read whole; nesting counts toward [`MAX_DEPTH`].
    fn value(&mut self) -> Res<Value<'a>> {
        match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                self.string().map(Value::String)
            }
            Some(b'n') => {
                self.pos += 1;
                self.ident(b"ull").map(|()| Value::Null)
            }
            Some(b't') => {
                self.pos += 1;
                self.ident(b"rue").map(|()| Value::Bool(true))
            }
            Some(b'f') => {
                self.pos += 1;
                self.ident(b"alse").map(|()| Value::Bool(false))
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                if self.bytes[start] == b'-' {
                    self.pos += 1;
                }
                self.number(start)?;
                Ok(Value::Number(&self.text[start..self.pos]))
            }
            Some(b'[') => {
                self.enter()?;
                let mut list = Vec::new();
                self.elements(|r| {
                    list.push(r.value()?);
                    Ok(())
                })?;
                self.depth -= 1;
                Ok(Value::Array(list))
            }
            Some(b'{') => {
                self.enter()?;
                let mut entries = Vec::new();
                self.members(|r, key| {
                    r.colon()?;
                    let v = r.value()?;
                    entries.push((key.clone(), v));
                    Ok(())
                })?;
                self.depth -= 1;
                Ok(Value::Object(entries))
            }
            None => Err(self.eof(EOF_VALUE)),
            Some(_) => Err(self.peek_fail(EXPECTED_VALUE)),
        }
    }
}
