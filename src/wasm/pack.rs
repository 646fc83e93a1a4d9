//! The output packed for the JavaScript edge, so that it crosses the boundary in a few large
//! pieces instead of one JSON value per field: `edge.js` builds the result object from them.
//!
//! - `contents`: each file's text, as a string of its own;
//! - `meta`: the output as JSON, with empty `statements`, `undo` and file contents;
//! - `table`: a JSON array of the names that recur (operations, parts, notes, risk codes);
//! - `blob`: one string holding every other string of the statements and undo steps;
//! - `nums`: numbers read in order (layout below): indexes into `table`, UTF-16 ranges of `blob`
//!   and of file contents (a statement's SQL is a slice of the file that holds it).
//!
//! Statement: `sql` `diff_id` `operation` `target` `risks` `flags` `reverse_sql` `reverse_note`
//! `part`; undo step: `statement` `sql` `operation` `note` `part`, where `statement` is `[k]`, the
//! statement it undoes, whose `diff_id` and `target` it has, and
//! - a text is `[start, end]` in `blob`, a name is `[index]` in `table`, an optional name is `[0]`
//!   for null or `[index + 1]`;
//! - `sql` is `[0]` null, `[1, file, start, end]` a slice of `contents[file]`, `[2, start, end]`
//!   in `blob`, or `[3, k]` the `reverse_sql` of statement `k`;
//! - `risks` is `[n]` then `n` pairs `[code, category]`; `flags` is `destructive | blocked << 1`;
//!   `reverse_sql` is `[0]` null or `[2, start, end]`.
//!
//! The lists are preceded by their lengths: `[statements, …, undo steps, …]`.

use crate::output::{Generated, Loc};

pub struct Packed {
    pub meta: String,
    pub table: String,
    pub blob: String,
    pub nums: Vec<u32>,
    pub contents: Vec<String>,
    /// Whether each of `contents` is ASCII (JavaScript then reads it byte for byte).
    pub ascii: Vec<bool>,
    /// Whether `blob` is ASCII.
    pub blob_ascii: bool,
}

pub const SQL_NULL: u32 = 0;
pub const SQL_FILE: u32 = 1;
pub const SQL_BLOB: u32 = 2;
pub const SQL_REVERSE_OF: u32 = 3;

/// Packs what [`crate::generate`] made.
pub fn pack(generated: Generated) -> Packed {
    pack_as(generated, false)
}

/// [`pack`], with the statements' spans of files as byte ranges (`bytes`) instead of UTF-16
/// ranges: for a caller that reads the files as bytes of the module's memory.
pub fn pack_as(generated: Generated, bytes: bool) -> Packed {
    let Generated { mut output, spans } = generated;
    let contents: Vec<String> = output
        .files
        .iter_mut()
        .map(|f| std::mem::take(&mut f.content))
        .collect();
    let statements = std::mem::take(&mut output.statements);
    let undo = std::mem::take(&mut output.undo);
    let meta = serde_json::to_string(&output).expect("the output serializes");
    drop(output);

    let ascii: Vec<bool> = contents.iter().map(|c| c.is_ascii()).collect();
    let ranges = |locs: &[Option<Loc>]| {
        if bytes {
            locs.iter()
                .map(|l| l.map(|l| (l.start as u32, l.end as u32)))
                .collect()
        } else {
            utf16_ranges(&contents, &ascii, locs)
        }
    };
    let forward = ranges(&spans.forward);
    let backward = ranges(&spans.undo);
    let mut p = Packer {
        table: Vec::new(),
        blob: String::new(),
        units: 0,
        ascii: true,
        nums: Vec::new(),
    };
    p.nums.push(statements.len() as u32);
    for (i, s) in statements.into_iter().enumerate() {
        match (spans.forward.get(i).copied().flatten(), forward.get(i)) {
            (Some(loc), Some(&Some((start, end)))) => {
                p.nums.extend([SQL_FILE, loc.file as u32, start, end])
            }
            _ => {
                p.nums.push(SQL_BLOB);
                p.text(&s.sql);
            }
        }
        p.text(&s.diff_id);
        p.name(s.operation);
        p.text(&s.target);
        p.nums.push(s.risks.len() as u32);
        for r in s.risks {
            p.name(r.code);
            p.name(r.category.as_str());
        }
        p.nums
            .push(u32::from(s.destructive) | u32::from(s.blocked) << 1);
        match &s.reverse_sql {
            None => p.nums.push(SQL_NULL),
            Some(sql) => {
                p.nums.push(SQL_BLOB);
                p.text(sql);
            }
        }
        p.opt_name(s.reverse_note);
        p.name(s.part);
    }
    p.nums.push(undo.len() as u32);
    for (i, u) in undo.into_iter().enumerate() {
        // Its diff id and target are its statement's.
        p.nums.push(u.statement as u32);
        let loc = spans.undo.get(i).copied().flatten();
        let of = spans.undo_as_reverse_of.get(i).copied().flatten();
        match (&u.sql, loc, backward.get(i), of) {
            (None, ..) => p.nums.push(SQL_NULL),
            (Some(_), Some(loc), Some(&Some((start, end))), _) => {
                p.nums.extend([SQL_FILE, loc.file as u32, start, end])
            }
            (Some(_), _, _, Some(k)) => p.nums.extend([SQL_REVERSE_OF, k as u32]),
            (Some(sql), ..) => {
                p.nums.push(SQL_BLOB);
                p.text(sql);
            }
        }
        p.name(u.operation);
        p.opt_name(u.note);
        p.name(u.part);
    }
    let table = serde_json::to_string(&p.table).expect("names serialize");
    Packed {
        meta,
        table,
        blob: p.blob,
        blob_ascii: p.ascii,
        nums: p.nums,
        contents,
        ascii,
    }
}

struct Packer {
    table: Vec<&'static str>,
    blob: String,
    /// The length of `blob` in UTF-16 units.
    units: u32,
    /// Whether `blob` is ASCII so far.
    ascii: bool,
    nums: Vec<u32>,
}

impl Packer {
    fn text(&mut self, s: &str) {
        let from = self.blob.len();
        self.blob.push_str(s);
        self.range_from(from);
    }

    /// Notes the text appended to `blob` since byte `from` as a UTF-16 range.
    fn range_from(&mut self, from: usize) {
        let start = self.units;
        let added = &self.blob[from..];
        self.units += if added.is_ascii() {
            added.len() as u32
        } else {
            self.ascii = false;
            added.encode_utf16().count() as u32
        };
        self.nums.extend([start, self.units]);
    }

    fn index(&mut self, name: &'static str) -> u32 {
        let found = self
            .table
            .iter()
            .position(|t| (t.as_ptr() == name.as_ptr() && t.len() == name.len()) || *t == name);
        found.unwrap_or_else(|| {
            debug_assert!(!name.contains(['"', '\\']) && !name.contains(char::is_control));
            self.table.push(name);
            self.table.len() - 1
        }) as u32
    }

    fn name(&mut self, name: &'static str) {
        let i = self.index(name);
        self.nums.push(i);
    }

    fn opt_name(&mut self, name: Option<&'static str>) {
        let v = name.map_or(0, |n| self.index(n) + 1);
        self.nums.push(v);
    }
}

/// The byte ranges of `locs` as UTF-16 ranges, which is how JavaScript strings count.
fn utf16_ranges(
    contents: &[String],
    ascii: &[bool],
    locs: &[Option<Loc>],
) -> Vec<Option<(u32, u32)>> {
    let mut out: Vec<Option<(u32, u32)>> = locs
        .iter()
        .map(|l| l.map(|l| (l.start as u32, l.end as u32)))
        .collect();
    for (f, content) in contents.iter().enumerate() {
        if ascii[f] {
            continue;
        }
        // Byte offsets of this file, sorted, counted in UTF-16 units in one walk.
        let mut marks: Vec<(usize, usize, bool)> = Vec::new();
        for (i, l) in locs.iter().enumerate() {
            if let Some(l) = l.filter(|l| l.file == f) {
                marks.push((l.start, i, false));
                marks.push((l.end, i, true));
            }
        }
        marks.sort_unstable();
        let mut units = 0u32;
        let mut chars = content.char_indices().peekable();
        for (at, i, is_end) in marks {
            while let Some(&(b, c)) = chars.peek() {
                if b >= at {
                    break;
                }
                units += c.len_utf16() as u32;
                chars.next();
            }
            if let Some((start, end)) = out[i].as_mut() {
                if is_end {
                    *end = units;
                } else {
                    *start = units;
                }
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    //! A reader of the packed form, written from the layout above, turns it back into the
    //! output's JSON; it must equal the output's serde form.

    use super::*;
    use serde_json::{json, Map, Value};

    /// The output `p` packs, as JSON (the form `edge.js` builds, read back independently).
    pub(crate) fn unpack(p: &Packed) -> Value {
        unpack_in(p, false)
    }

    /// [`unpack`] of [`pack_as`]`(…, true)`: file spans as byte ranges.
    pub(crate) fn unpack_bytes(p: &Packed) -> Value {
        unpack_in(p, true)
    }

    fn unpack_in(p: &Packed, bytes: bool) -> Value {
        let table: Vec<String> = serde_json::from_str(&p.table).unwrap();
        let blob: Vec<u16> = p.blob.encode_utf16().collect();
        let files: Vec<Vec<u16>> = p
            .contents
            .iter()
            .map(|c| c.encode_utf16().collect())
            .collect();
        // A file span: UTF-16 units of the file, or its bytes.
        let from_file = |f: usize, s: usize, e: usize| {
            if bytes {
                String::from_utf8(p.contents[f].as_bytes()[s..e].to_vec()).unwrap()
            } else {
                String::from_utf16(&files[f][s..e]).unwrap()
            }
        };
        let mut meta: Value = serde_json::from_str(&p.meta).unwrap();
        for (i, f) in meta["files"].as_array_mut().unwrap().iter_mut().enumerate() {
            f["content"] = json!(p.contents[i]);
        }
        let mut n = p.nums.iter().copied();
        let mut next = || n.next().unwrap() as usize;
        let slice = |units: &[u16], s: usize, e: usize| String::from_utf16(&units[s..e]).unwrap();
        let mut statements: Vec<Value> = Vec::new();
        for _ in 0..next() {
            let mut o = Map::new();
            let sql = match next() as u32 {
                SQL_FILE => {
                    let (f, s, e) = (next(), next(), next());
                    from_file(f, s, e)
                }
                SQL_BLOB => slice(&blob, next(), next()),
                k => panic!("statement sql kind {k}"),
            };
            o.insert("sql".into(), json!(sql));
            o.insert("diff_id".into(), json!(slice(&blob, next(), next())));
            o.insert("operation".into(), json!(table[next()]));
            o.insert("target".into(), json!(slice(&blob, next(), next())));
            let risks: Vec<Value> = (0..next())
                .map(|_| json!({"code": table[next()], "category": table[next()]}))
                .collect();
            o.insert("risks".into(), json!(risks));
            let flags = next();
            o.insert("destructive".into(), json!(flags & 1 != 0));
            o.insert("blocked".into(), json!(flags & 2 != 0));
            let reverse = match next() as u32 {
                SQL_NULL => Value::Null,
                SQL_BLOB => json!(slice(&blob, next(), next())),
                k => panic!("reverse kind {k}"),
            };
            o.insert("reverse_sql".into(), reverse);
            let note = next();
            o.insert(
                "reverse_note".into(),
                if note == 0 {
                    Value::Null
                } else {
                    json!(table[note - 1])
                },
            );
            o.insert("part".into(), json!(table[next()]));
            statements.push(Value::Object(o));
        }
        let mut undo: Vec<Value> = Vec::new();
        for _ in 0..next() {
            let mut o = Map::new();
            let k = next();
            let sql = match next() as u32 {
                SQL_NULL => Value::Null,
                SQL_FILE => {
                    let (f, s, e) = (next(), next(), next());
                    json!(from_file(f, s, e))
                }
                SQL_BLOB => json!(slice(&blob, next(), next())),
                SQL_REVERSE_OF => statements[next()]["reverse_sql"].clone(),
                k => panic!("undo sql kind {k}"),
            };
            o.insert("sql".into(), sql);
            o.insert("diff_id".into(), statements[k]["diff_id"].clone());
            o.insert("operation".into(), json!(table[next()]));
            o.insert("target".into(), statements[k]["target"].clone());
            let note = next();
            o.insert(
                "note".into(),
                if note == 0 {
                    Value::Null
                } else {
                    json!(table[note - 1])
                },
            );
            o.insert("part".into(), json!(table[next()]));
            undo.push(Value::Object(o));
        }
        assert!(n.next().is_none(), "numbers left over");
        meta["statements"] = json!(statements);
        meta["undo"] = json!(undo);
        meta
    }

    #[test]
    fn the_packed_output_reads_back_as_the_output() {
        // Non-ASCII names and comments, destructive steps, irreversible undo steps, MySQL, and
        // every tool (undo files or not).
        let examples = [
            include_str!("../../tests/fixtures/postgres/non-ascii/summary.json"),
            include_str!("../../tests/fixtures/mysql/non-ascii/summary.json"),
            include_str!("../../tests/fixtures/postgres/extra-table/summary.json"),
            include_str!("../../tests/fixtures/postgres/enum-values-removed/summary.json"),
            include_str!("../../tests/fixtures/postgres/changed-key-referenced/summary.json"),
            include_str!("../../tests/fixtures/mysql/primary-key/summary.json"),
        ];
        // A file that is ASCII up to its last step, whose name is not.
        let late_non_ascii =
            include_str!("../../tests/fixtures/postgres/extra-column/summary.json")
                .replace("old_name", "old_n\u{e4}me");
        let examples = examples.iter().copied().chain([late_non_ascii.as_str()]);
        let mut kinds = [0usize; 4];
        // Packed text that is ASCII, and that is not.
        let mut blob_kinds = [0usize; 2];
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
                for undo in [false, true] {
                    let options = crate::Options {
                        migration_tool: Some(tool.to_string()),
                        undo,
                        allow_destructive: undo,
                        ..Default::default()
                    };
                    let generated = crate::generate(text.to_string(), &options).unwrap();
                    let spans = &generated.spans;
                    kinds[1] += spans.undo.iter().filter(|l| l.is_some()).count();
                    kinds[3] += spans
                        .undo_as_reverse_of
                        .iter()
                        .filter(|l| l.is_some())
                        .count();
                    let whole = crate::generate_json(text, &options).unwrap();
                    let whole = serde_json::to_value(&whole).unwrap();
                    let again = crate::generate(text.to_string(), &options).unwrap();
                    let packed = pack(generated);
                    assert_eq!(unpack(&packed), whole, "{tool} {undo}");
                    // With byte ranges: the same output, read from the files' bytes.
                    let by_bytes = pack_as(again, true);
                    assert_eq!(unpack_bytes(&by_bytes), whole, "{tool} {undo} (bytes)");
                    assert_eq!(packed.blob_ascii, packed.blob.is_ascii(), "{tool} {undo}");
                    blob_kinds[usize::from(packed.blob_ascii)] += 1;
                }
            }
        }
        assert!(
            kinds[1] > 0 && kinds[3] > 0,
            "undo steps both in files and shared: {kinds:?}"
        );
        assert!(blob_kinds[0] > 0 && blob_kinds[1] > 0, "{blob_kinds:?}");
    }
}
