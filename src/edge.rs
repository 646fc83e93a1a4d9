//! The output packed for the JavaScript edge, so that it crosses the boundary in a few large
//! pieces instead of one JSON value per field: `src/edge.js` builds the result object from them.
//!
//! - `contents`: each file's text, as a string of its own, or what of it was not handed out as
//!   pieces while it was written (`crate::format::Pieces`); `piece_files`: the file of each
//!   piece, in the order they were handed out (a file's text is its pieces, then its content);
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
//! - `sql` is `[0]` null, `[1, text, start, end]` a slice of a text, where text `k` is
//!   `contents[k]` for `k` below the number of files and piece `k - files` above, `[2, start, end]` in `blob`,
//!   or `[3, k]` the `reverse_sql` of statement `k`;
//! - `risks` is `[n]` then `n` pairs `[code, category]`; `flags` is `destructive | blocked << 1`;
//!   `reverse_sql` is `[0]` null or `[2, start, end]`.
//!
//! The lists are preceded by their lengths: `[statements, …, undo steps, …]`.

use crate::format::Loc;
use crate::{Output, Written};

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
    /// The file each piece handed out belongs to (pieces are ASCII).
    pub piece_files: Vec<u32>,
}

impl Packed {
    /// The text of file `file`, from `pieces`, the pieces handed out as the files were written
    /// (in order): its pieces, then its content.
    pub fn file_text(&self, file: usize, pieces: &[String]) -> String {
        let mut text: String = pieces
            .iter()
            .zip(&self.piece_files)
            .filter(|(_, &f)| f as usize == file)
            .map(|(piece, _)| piece.as_str())
            .collect();
        text.push_str(&self.contents[file]);
        text
    }
}

pub const SQL_NULL: u32 = 0;
pub const SQL_FILE: u32 = 1;
pub const SQL_BLOB: u32 = 2;
pub const SQL_REVERSE_OF: u32 = 3;

/// Packs `output` (its statement and undo lists empty) from the steps as the formatter wrote them.
pub fn pack(mut output: Output, w: Written) -> Packed {
    let contents: Vec<String> = output
        .files
        .iter_mut()
        .map(|f| std::mem::take(&mut f.content))
        .collect();
    let meta = crate::json::output(&output);
    drop(output);
    let spans = &w.spans;

    let ascii: Vec<bool> = contents.iter().map(|c| crate::text::is_ascii(c)).collect();
    // Where the files hold each step: which text (a file's content or a piece), which UTF-16 units.
    let forward_locs = in_texts(&spans.forward, spans, &contents);
    let undo_locs = in_texts(&spans.undo, spans, &contents);
    let forward = utf16_ranges(&contents, &ascii, &forward_locs);
    let backward = utf16_ranges(&contents, &ascii, &undo_locs);
    // Room for all, measured: these are among the largest blocks the module holds. The blob
    // holds each statement's diff id, target and reverse, and the SQL no file holds.
    let statements_len = |sql: &[String]| sql.iter().map(|st| st.len() + 2).sum::<usize>();
    let in_file = |locs: &[Option<Loc>], i: usize| locs.get(i).copied().flatten().is_some();
    let blob_len: usize = w
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let sql = match &s.sql {
                Some(sql) if !in_file(&forward_locs, i) => statements_len(sql),
                _ => 0,
            };
            s.diff_id.len() + s.target.len() + s.reverse.as_deref().map_or(0, statements_len) + sql
        })
        .sum::<usize>()
        + w.undo
            .iter()
            .enumerate()
            .filter(|&(i, _)| {
                !in_file(&undo_locs, i)
                    && spans.undo_as_reverse_of.get(i).copied().flatten().is_none()
            })
            .map(|(_, u)| u.sql.as_deref().map_or(0, statements_len))
            .sum::<usize>();
    let nums_len = 2
        + w.steps
            .iter()
            .map(|s| 18 + 2 * s.risks.len())
            .sum::<usize>()
        + 9 * w.undo.len();
    let mut p = Packer {
        table: Vec::new(),
        blob: String::with_capacity(blob_len),
        units: 0,
        ascii: true,
        nums: Vec::with_capacity(nums_len),
    };
    p.nums.push(w.steps.len() as u32);
    for (i, s) in w.steps.iter().enumerate() {
        match (forward_locs.get(i).copied().flatten(), forward.get(i)) {
            (Some(loc), Some(&Some((start, end)))) => {
                p.nums.extend([SQL_FILE, loc.file as u32, start, end])
            }
            _ => {
                // Every step is written to a file (`format::files`); kept for a step that would
                // not be, with the statements it holds (one rendered as its file is written
                // holds none: it is always written).
                debug_assert!(s.sql.is_some(), "step {} is in no file", s.index);
                p.nums.push(SQL_BLOB);
                p.statements(s.sql.as_deref().unwrap_or_default());
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
            .push(u32::from(s.destructive()) | u32::from(s.blocked) << 1);
        match &s.reverse {
            None => p.nums.push(SQL_NULL),
            Some(sql) => {
                p.nums.push(SQL_BLOB);
                p.statements(sql);
            }
        }
        p.opt_name(s.reverse_note);
        p.name(s.part.name());
    }
    p.nums.push(w.undo.len() as u32);
    for (i, u) in w.undo.iter().enumerate() {
        // Its diff id and target are its statement's.
        debug_assert!(
            *w.steps[u.statement].diff_id == *u.diff_id && w.steps[u.statement].target == u.target
        );
        p.nums.push(u.statement as u32);
        let loc = undo_locs.get(i).copied().flatten();
        let of = spans.undo_as_reverse_of.get(i).copied().flatten();
        match (&u.sql, loc, backward.get(i), of) {
            (None, ..) => p.nums.push(SQL_NULL),
            (Some(_), Some(loc), Some(&Some((start, end))), _) => {
                p.nums.extend([SQL_FILE, loc.file as u32, start, end])
            }
            (Some(_), _, _, Some(k)) => p.nums.extend([SQL_REVERSE_OF, k as u32]),
            (Some(sql), ..) => {
                p.nums.push(SQL_BLOB);
                p.statements(sql);
            }
        }
        p.name(u.operation);
        p.opt_name(u.note);
        p.name(u.part.name());
    }
    let mut table = String::from("[");
    for (i, name) in p.table.iter().enumerate() {
        if i > 0 {
            table.push(',');
        }
        // The generator's own names: letters, digits, `_`, `-`, spaces and punctuation, never a
        // quote, a backslash or a control character.
        table.push('"');
        table.push_str(name);
        table.push('"');
    }
    table.push(']');
    Packed {
        meta,
        table,
        blob: p.blob,
        blob_ascii: p.ascii,
        nums: p.nums,
        contents,
        ascii,
        piece_files: spans.pieces.iter().map(|p| p.file as u32).collect(),
    }
}

/// `locs` as places in the texts handed over: `file` is the index of the text (`contents[k]`, or
/// piece `k - contents.len()`), `start` and `end` bytes of it. A step is written whole into one
/// piece or into what the file kept.
fn in_texts<'l>(
    locs: &'l [Option<Loc>],
    spans: &crate::format::Spans,
    contents: &[String],
) -> std::borrow::Cow<'l, [Option<Loc>]> {
    let pieces = &spans.pieces;
    if pieces.is_empty() {
        return std::borrow::Cow::Borrowed(locs);
    }
    // Where what each file kept begins: after its pieces.
    let mut kept_from = vec![0usize; contents.len()];
    for p in pieces {
        kept_from[p.file] = kept_from[p.file].max(p.start + p.len);
    }
    locs.iter()
        .map(|l| {
            l.map(|l| {
                let (text, from) = if l.start >= kept_from[l.file] {
                    (l.file, kept_from[l.file])
                } else {
                    let k = pieces.partition_point(|p| (p.file, p.start) <= (l.file, l.start)) - 1;
                    debug_assert!(
                        pieces[k].file == l.file && l.end <= pieces[k].start + pieces[k].len
                    );
                    (contents.len() + k, pieces[k].start)
                };
                Loc {
                    file: text,
                    start: l.start - from,
                    end: l.end - from,
                }
            })
        })
        .collect::<Vec<_>>()
        .into()
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

    /// Statements as [`crate::format::statements_sql`] joins them, each ended by `;`.
    fn statements(&mut self, statements: &[String]) {
        let from = self.blob.len();
        crate::format::write_statements(statements, &mut self.blob);
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

    /// The output `p` packs, as JSON (the form `src/edge.js` builds, read back independently);
    /// `pieces`: the pieces handed out as the files were written, in order.
    pub(crate) fn unpack(p: &Packed, pieces: &[String]) -> Value {
        assert_eq!(p.piece_files.len(), pieces.len());
        let table: Vec<String> = serde_json::from_str(&p.table).unwrap();
        let blob: Vec<u16> = p.blob.encode_utf16().collect();
        let files: Vec<Vec<u16>> = p
            .contents
            .iter()
            .chain(pieces)
            .map(|c| c.encode_utf16().collect())
            .collect();
        let mut meta: Value = serde_json::from_str(&p.meta).unwrap();
        for (i, f) in meta["files"].as_array_mut().unwrap().iter_mut().enumerate() {
            f["content"] = json!(p.file_text(i, pieces));
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
                    slice(&files[f], s, e)
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
                    json!(slice(&files[f], s, e))
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
            include_str!("../tests/fixtures/postgres/non-ascii/summary.json"),
            include_str!("../tests/fixtures/mysql/non-ascii/summary.json"),
            include_str!("../tests/fixtures/postgres/extra-table/summary.json"),
            include_str!("../tests/fixtures/postgres/enum-values-removed/summary.json"),
            include_str!("../tests/fixtures/postgres/changed-key-referenced/summary.json"),
            include_str!("../tests/fixtures/mysql/primary-key/summary.json"),
        ];
        // A file that is ASCII up to its last step, whose name is not.
        let late_non_ascii = include_str!("../tests/fixtures/postgres/extra-column/summary.json")
            .replace("old_name", "old_n\u{e4}me");
        let examples = examples.iter().copied().chain([late_non_ascii.as_str()]);
        let mut kinds = [0usize; 4];
        let (mut cut_files, mut kept_after_cut) = (0, 0);
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
                    let report = crate::report::from_json(text).unwrap();
                    let whole = crate::generate(&report, &options).unwrap();
                    let (_, spans) = crate::generate_located(&report, None, &options).unwrap();
                    let packed = crate::generate_packed(&report, None, &options, None).unwrap();
                    for (i, k) in kinds.iter_mut().enumerate() {
                        *k += spans.undo.iter().filter(|l| l.is_some()).count()
                            * usize::from(i == 1)
                            + spans
                                .undo_as_reverse_of
                                .iter()
                                .filter(|l| l.is_some())
                                .count()
                                * usize::from(i == 3);
                    }
                    let whole = serde_json::to_value(&whole).unwrap();
                    assert_eq!(unpack(&packed, &[]), whole, "{tool} {undo}");
                    assert_eq!(packed.blob_ascii, packed.blob.is_ascii(), "{tool} {undo}");
                    blob_kinds[usize::from(packed.blob_ascii)] += 1;
                    // From the text, which is dropped once the plan is made.
                    let from_text =
                        crate::generate_packed_text(text.to_string(), &options, None).unwrap();
                    assert_eq!(
                        unpack(&from_text, &[]),
                        whole,
                        "{tool} {undo} from the text"
                    );
                    // The files handed out in pieces as they are written: after every step
                    // (size 1), and once they hold a few steps.
                    for size in [1, 700] {
                        let mut pieces: Vec<String> = Vec::new();
                        let mut take = |piece: &str| pieces.push(piece.to_string());
                        let mut cut = crate::format::Pieces {
                            size,
                            take: &mut take,
                        };
                        let packed =
                            crate::generate_packed(&report, None, &options, Some(&mut cut))
                                .unwrap();
                        assert!(
                            pieces.iter().all(|p| p.is_ascii() && p.len() >= size),
                            "{tool} {undo} {size}"
                        );
                        cut_files += usize::from(!pieces.is_empty());
                        kept_after_cut += packed
                            .contents
                            .iter()
                            .zip(&packed.ascii)
                            .filter(|(c, &ascii)| !ascii && !c.is_empty())
                            .count()
                            * usize::from(!pieces.is_empty());
                        assert_eq!(unpack(&packed, &pieces), whole, "{tool} {undo} {size}");
                    }
                }
            }
        }
        assert!(
            kinds[1] > 0 && kinds[3] > 0,
            "undo steps both in files and shared: {kinds:?}"
        );
        assert!(blob_kinds[0] > 0 && blob_kinds[1] > 0, "{blob_kinds:?}");
        // Files were cut into pieces, and some kept their non-ASCII rest whole.
        assert!(
            cut_files > 0 && kept_after_cut > 0,
            "{cut_files} {kept_after_cut}"
        );
    }
}
