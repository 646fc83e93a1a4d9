//! The output as JSON text, written by hand into one buffer: what the JavaScript edge hands to
//! `JSON.parse`. Same fields, order and values as the output's `Serialize` form (a test holds the
//! two equal), without serde's per-value machinery, which made this the slowest step of large
//! runs.

use crate::{File, Output, ReportInfo, Statement, UndoStatement, Warning};

/// `output` as compact JSON text.
pub fn output(output: &Output) -> String {
    let sql: usize = output.files.iter().map(|f| f.content.len()).sum();
    let mut w = Writer(String::with_capacity(
        1024 + sql + 256 * (output.statements.len() + output.undo.len()),
    ));
    w.open('{');
    w.field("generator").str(output.generator);
    w.field("generator_version").str(output.generator_version);
    w.field("run_id").str(&output.run_id);
    w.field("dialect").str(output.dialect);
    w.field("migration_tool").str(output.migration_tool);
    w.field("version").opt_str(output.version.as_deref());
    w.field("description")
        .opt_str(output.description.as_deref());
    w.field("files").list(&output.files, file);
    w.field("statements").list(&output.statements, statement);
    w.field("undo").list(&output.undo, undo);
    w.field("warnings").list(&output.warnings, warning);
    w.field("operations").open('{');
    for (op, n) in &output.operations {
        w.field(op).num(*n);
    }
    w.close('}');
    w.field("destructive_operations_found")
        .bool(output.destructive_operations_found);
    w.field("blocked").bool(output.blocked);
    w.field("nothing_to_do")
        .opt_str(output.nothing_to_do.as_deref());
    w.field("report");
    report(&mut w, &output.report);
    w.close('}');
    w.0
}

fn file(w: &mut Writer, f: &File) {
    w.open('{');
    w.field("name").str(&f.name);
    w.field("content").str(&f.content);
    w.field("role").str(f.role);
    w.close('}');
}

fn statement(w: &mut Writer, s: &Statement) {
    w.open('{');
    w.field("sql").str(&s.sql);
    w.field("diff_id").str(&s.diff_id);
    w.field("operation").str(s.operation);
    w.field("target").str(&s.target);
    w.field("risks").list(&s.risks, |w, r| {
        w.open('{');
        w.field("code").str(r.code);
        w.field("category").str(r.category.as_str());
        w.close('}');
    });
    w.field("destructive").bool(s.destructive);
    w.field("blocked").bool(s.blocked);
    w.field("reverse_sql").opt_str(s.reverse_sql.as_deref());
    w.field("reverse_note").opt_str(s.reverse_note);
    w.field("part").str(s.part);
    w.close('}');
}

fn undo(w: &mut Writer, u: &UndoStatement) {
    w.open('{');
    w.field("sql").opt_str(u.sql.as_deref());
    w.field("diff_id").str(&u.diff_id);
    w.field("operation").str(u.operation);
    w.field("target").str(&u.target);
    w.field("note").opt_str(u.note);
    w.field("part").str(u.part);
    w.close('}');
}

fn warning(w: &mut Writer, x: &Warning) {
    w.open('{');
    w.field("code").str(x.code);
    w.field("message").str(&x.message);
    w.field("diff_id").opt_str(x.diff_id.as_deref());
    w.field("path").opt_str(x.path.as_deref());
    w.close('}');
}

fn report(w: &mut Writer, r: &ReportInfo) {
    w.open('{');
    w.field("workflow").opt_str(r.workflow.as_deref());
    w.field("validator_version")
        .opt_str(r.validator_version.as_deref());
    w.field("status").opt_str(r.status.as_deref());
    w.field("spec_path").opt_str(r.spec_path.as_deref());
    w.field("spec_id").opt_str(r.spec_id.as_deref());
    w.field("diffs").num(r.diffs);
    w.field("results").num(r.results);
    w.close('}');
}

/// Appends JSON to a string. `field` writes the separator and the key; the value follows.
struct Writer(String);

impl Writer {
    fn open(&mut self, c: char) -> &mut Self {
        self.0.push(c);
        self
    }

    fn close(&mut self, c: char) {
        self.0.push(c);
    }

    fn comma(&mut self) {
        if !self.0.ends_with(['{', '[']) {
            self.0.push(',');
        }
    }

    /// A key: the output's own names, which need no escaping.
    fn field(&mut self, key: &str) -> &mut Self {
        self.comma();
        self.0.push('"');
        self.0.push_str(key);
        self.0.push_str("\":");
        self
    }

    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.0.push('[');
        for item in items {
            self.comma();
            each(self, item);
        }
        self.0.push(']');
    }

    fn num(&mut self, n: usize) {
        self.0.push_str(&n.to_string());
    }

    fn bool(&mut self, b: bool) {
        self.0.push_str(if b { "true" } else { "false" });
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.0.push_str("null"),
        }
    }

    /// A string literal (see [`write_str`]).
    fn str(&mut self, s: &str) {
        write_str(&mut self.0, s);
    }
}

/// Writes `s` as a JSON string literal, as serde_json writes one: `"` and `\` escaped, control
/// characters as `\n`, `\t` … or `\u00XX`; runs of other characters copied whole, found eight
/// bytes at a time.
pub fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let clean = clean_prefix(bytes);
    for (i, &b) in bytes.iter().enumerate().skip(clean) {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// How many leading bytes need no escape, counted a word at a time: stops at the first word
/// holding `"`, `\` or a byte below 0x20 (the byte loop takes it from there).
fn clean_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    for chunk in bytes.chunks_exact(8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // A byte below 0x20, a quote or a backslash.
        let special = (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
            | has_zero(w ^ (ONES * u64::from(b'"')))
            | has_zero(w ^ (ONES * u64::from(b'\\')));
        if special != 0 {
            break;
        }
        i += 8;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_long_and_short_are_escaped_wherever_the_special_byte_is() {
        for len in 0..40 {
            for at in 0..len {
                for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', 'é'] {
                    let mut text: String = "x".repeat(len);
                    text.replace_range(at..at + 1, &special.to_string());
                    let mut w = Writer(String::new());
                    w.str(&text);
                    assert_eq!(w.0, serde_json::to_string(&text).unwrap(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn strings_are_escaped_as_json_reads_them() {
        let mut w = Writer(String::new());
        let text = "a\"b\\c\nd\re\tf\u{8}\u{c}\u{1}\u{1f}é€😀\u{7f}";
        w.str(text);
        assert_eq!(serde_json::from_str::<String>(&w.0).unwrap(), text);
        assert_eq!(w.0, serde_json::to_string(text).unwrap());
    }

    #[test]
    fn the_output_reads_back_as_its_serde_form() {
        // Non-ASCII names, destructive steps (risks, blocked), an irreversible undo, MySQL.
        let examples = [
            include_str!("../tests/fixtures/postgres/non-ascii/summary.json"),
            include_str!("../tests/fixtures/postgres/extra-table/summary.json"),
            include_str!("../tests/fixtures/postgres/enum-values-removed/summary.json"),
            include_str!("../tests/fixtures/mysql/type-mismatch/summary.json"),
        ];
        for text in examples {
            for tool in [
                "flyway",
                "liquibase",
                "raw-sql",
                "golang-migrate",
                "dbmate",
                "goose",
                "atlas",
                "sqitch",
            ] {
                let options = crate::Options {
                    migration_tool: Some(tool.to_string()),
                    undo: true,
                    ..Default::default()
                };
                let out = crate::generate_json(text, &options).unwrap();
                let ours: serde_json::Value = serde_json::from_str(&output(&out)).unwrap();
                assert_eq!(ours, serde_json::to_value(&out).unwrap());
                assert!(!out.statements.is_empty());
            }
        }
    }
}
