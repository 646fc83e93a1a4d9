//! The migration's version and description, which make its file name.

use crate::error::{Error, ErrorCode, Result};
use crate::plan::{Op, Step};

/// `YYYYMMDDHHmm` in UTC from an RFC 3339 timestamp (`2024-01-01T12:00:00Z`,
/// `2024-01-01T13:00:00+01:00`, fractions of a second allowed).
pub fn version_from_rfc3339(ts: &str) -> Option<String> {
    let b = ts.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = ts.get(r)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let h = num(i + 1..i + 3)?;
            let m = num(i + 4..i + 6)?;
            if h > 23 || m > 59 {
                return None;
            }
            let o = h * 60 + m;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    let minutes = days_from_civil(year, month, day) * 1440 + hour * 60 + minute - offset_minutes;
    let days = minutes.div_euclid(1440);
    let rem = minutes.rem_euclid(1440);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!(
        "{:04}{:02}{:02}{:02}{:02}",
        y,
        m,
        d,
        rem / 60,
        rem % 60
    ))
}

/// `YYYYMMDDHHmm` from a run id that starts with `YYYYMMDD-HHMMSSZ`.
pub fn version_from_run_id(run_id: &str) -> Option<String> {
    let b = run_id.as_bytes();
    if b.len() < 16 || b[8] != b'-' || b[15] != b'Z' {
        return None;
    }
    if !b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit) {
        return None;
    }
    let ts = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &run_id[0..4],
        &run_id[4..6],
        &run_id[6..8],
        &run_id[9..11],
        &run_id[11..13],
        &run_id[13..15]
    );
    version_from_rfc3339(&ts)
}

/// A version given by the caller: digits separated by single dots or underscores (Flyway's rule).
pub fn check_version(v: &str) -> Result<()> {
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.split(['.', '_'])
            .all(|part| !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidOption,
            format!(
                "version {:?} must be digits separated by dots or underscores (for example 202401011200 or 1.2.3)",
                crate::text::preview(v)
            ),
        )
        .at("options.version"))
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil calendar algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Lower-case ASCII letters and digits, every other run of characters one `_`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_slug(text, &mut out);
    out
}

pub const MAX_DESCRIPTION: usize = 60;

/// Appends `slug(text)` to `out`.
fn push_slug(text: &str, out: &mut String) {
    let start = out.len();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if out.len() > start && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.len() > start && out.ends_with('_') {
        out.pop();
    }
}

/// What one diff does, in words for a file name (`add_last_login_at_to_users`): the verb
/// (`add_last_login_at_to`) is written to `verb`, the object (`users`) to `object`.
fn describe_step(op: &Op, verb: &mut String, object: &mut String) {
    let mut named = |before: &str, name: &str, after: &str, table: &str| {
        verb.push_str(before);
        push_slug(name, verb);
        verb.push_str(after);
        push_slug(table, object);
    };
    match op {
        Op::CreateTable { table } => named("create", "", "", &table.name.name),
        Op::DropTable { table } => named("drop", "", "", &table.name.name),
        Op::RenameTable { from, to } => named("rename_", &from.name, "_to", &to.name),
        Op::AddColumn { table, column, .. } => named("add_", &column.name, "_to", &table.name),
        Op::DropColumn { table, column } => named("drop_", &column.name, "_from", &table.name),
        Op::RenameColumn { table, from, to } => {
            verb.push_str("rename_");
            push_slug(from, verb);
            verb.push_str("_to_");
            push_slug(to, verb);
            verb.push_str("_in");
            push_slug(&table.name, object);
        }
        Op::AlterColumn {
            table,
            column,
            change,
            ..
        } => {
            let what = match change {
                crate::plan::ColumnChange::Type => "_type_in",
                crate::plan::ColumnChange::Nullability => "_nullability_in",
                crate::plan::ColumnChange::Default => "_default_in",
                crate::plan::ColumnChange::EnumValues => "_values_in",
            };
            named("change_", column, what, &table.name)
        }
        Op::AddPrimaryKey { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::ReplacePrimaryKey { table, .. } => {
            named("change_primary_key_of", "", "", &table.name)
        }
        Op::AddForeignKey { table, fk } => named("add_", &fk.name, "_to", &table.name),
        Op::DropForeignKey { table, fk } => named("drop_", &fk.name, "_from", &table.name),
        Op::AddUnique { table, unique } => named("add_", &unique.name, "_to", &table.name),
        Op::DropUnique { table, unique, .. } => named("drop_", &unique.name, "_from", &table.name),
        Op::AddCheck { table, check } => named("add_", &check.name, "_to", &table.name),
        Op::DropCheck { table, check } => named("drop_", &check.name, "_from", &table.name),
        Op::CreateIndex { table, index, .. } => named("add_", &index.name, "_to", &table.name),
        Op::DropIndex { table, index, .. } => named("drop_", &index.name, "_from", &table.name),
        Op::CreateEnum { en } => named("create_type", "", "", &en.name.name),
        Op::DropEnum { en } => named("drop_type", "", "", &en.name.name),
        Op::AddEnumValue { en, .. } | Op::RemoveEnumValues { en, .. } => {
            named("change_values_of", "", "", &en.name)
        }
        Op::RebuildTable { rebuild } => named("change", "", "", &rebuild.to.name.name),
        Op::SqliteForeignKeys { .. } => named("check_foreign_keys", "", "", ""),
        // Never a diff's own step (see `describe`); named after its first table all the same.
        Op::SetAsideForeignKeys { columns, .. } => named(
            "keep_foreign_keys_of",
            "",
            "",
            columns.tables.first().map_or("", |t| &t.name),
        ),
    }
}

/// The word a diff's verb adds to its object's group.
fn group_word(verb: &str) -> &'static str {
    match verb {
        "create" => "create",
        "drop" => "drop",
        "create_type" => "create_type",
        "drop_type" => "drop_type",
        v if v.ends_with("type") || v.contains("values_of") => "alter_type",
        _ => "alter",
    }
}

fn cap(s: &str) -> String {
    let mut s = s[..s.len().min(MAX_DESCRIPTION)].to_string();
    while s.ends_with('_') {
        s.pop();
    }
    s
}

/// The description of a migration: one change in words (`add_last_login_at_to_users`), or for
/// several a short summary per table (`create_orders_drop_legacy_sessions_alter_users`), at most
/// 60 characters, ending `_and_<n>_more` when not everything fits.
pub fn describe(steps: &[Step]) -> String {
    // One entry per diff (its first step speaks for it).
    // A table's own step speaks for its diff (dropping a table first drops its foreign keys,
    // creating one adds indexes after it); otherwise the diff's first step. Steps sorted by diff
    // keep their order inside a diff, so each diff is one run of the sorted list.
    let mut by_index: Vec<&Step> = steps.iter().collect();
    crate::sort::by_key(&mut by_index, |s| crate::sort::index_key(s.diff_index));
    // Each diff's object, as a range of `objects`, and the word its verb gives its group.
    let mut objects = String::new();
    let mut verb = String::new();
    let mut per_diff: Vec<(&'static str, usize, usize)> = Vec::new();
    for run in by_index.chunk_by(|a, b| a.diff_index == b.diff_index) {
        let main = run
            .iter()
            .find(|x| matches!(x.op, Op::CreateTable { .. } | Op::DropTable { .. }))
            .or_else(|| {
                run.iter().find(|x| {
                    !matches!(
                        x.op,
                        Op::SetAsideForeignKeys { .. } | Op::SqliteForeignKeys { .. }
                    )
                })
            })
            .unwrap_or(&run[0]);
        verb.clear();
        let start = objects.len();
        describe_step(&main.op, &mut verb, &mut objects);
        per_diff.push((group_word(&verb), start, objects.len()));
    }
    let result = match per_diff.as_slice() {
        [] => String::new(),
        [(_, start, end)] => {
            verb.push('_');
            verb.push_str(&objects[*start..*end]);
            cap(&verb)
        }
        many => {
            let object = |d: &(&str, usize, usize)| &objects[d.1..d.2];
            // Group by object, in the order objects first appear: `create_x` / `drop_x` when
            // that is all that happens to it, `alter_x` otherwise. The diffs of one object are
            // found next to each other in a stable sort by object.
            let order =
                crate::sort::positions_by_text(many.len(), &|i| object(&many[i]).as_bytes());
            // (first diff of the group, its word)
            let mut groups: Vec<(usize, &'static str)> = Vec::new();
            for same in order.chunk_by(|&a, &b| object(&many[a]) == object(&many[b])) {
                let mut word = many[same[0]].0;
                for &d in &same[1..] {
                    if many[d].0 != word {
                        word = if word.contains("type") {
                            "alter_type"
                        } else {
                            "alter"
                        };
                    }
                }
                groups.push((same[0], word));
            }
            groups.sort_unstable_by_key(|g| g.0);
            let part_len = |g: &(usize, &str)| g.1.len() + 1 + object(&many[g.0]).len();
            let push_part = |g: &(usize, &str), out: &mut String| {
                out.push_str(g.1);
                out.push('_');
                out.push_str(object(&many[g.0]));
            };
            let all = groups.iter().map(part_len).sum::<usize>() + groups.len() - 1;
            let mut out = String::with_capacity(all.min(MAX_DESCRIPTION + 16));
            if all <= MAX_DESCRIPTION {
                for (i, g) in groups.iter().enumerate() {
                    if i > 0 {
                        out.push('_');
                    }
                    push_part(g, &mut out);
                }
                out
            } else {
                let mut used = 0;
                for (i, g) in groups.iter().enumerate() {
                    let rest = groups.len() - i - 1;
                    let tail = if rest > 0 {
                        "_and__more".len() + rest.to_string().len()
                    } else {
                        0
                    };
                    let candidate = if out.is_empty() {
                        part_len(g)
                    } else {
                        out.len() + 1 + part_len(g)
                    };
                    if candidate + tail <= MAX_DESCRIPTION {
                        if !out.is_empty() {
                            out.push('_');
                        }
                        push_part(g, &mut out);
                        used = i + 1;
                    } else {
                        break;
                    }
                }
                if used == 0 {
                    let mut first = String::new();
                    push_part(&groups[0], &mut first);
                    out = cap(&first[..first.len().min(MAX_DESCRIPTION - 16)]);
                    used = 1;
                }
                let rest = groups.len() - used;
                if rest > 0 {
                    out.push_str(&format!("_and_{}_more", rest));
                }
                out
            }
        }
    };
    if result.is_empty() {
        "migration".to_string()
    } else {
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_utc_minutes() {
        assert_eq!(
            version_from_rfc3339("2024-01-01T12:00:00Z").unwrap(),
            "202401011200"
        );
        assert_eq!(
            version_from_rfc3339("2024-01-01T00:30:59.123+01:00").unwrap(),
            "202312312330"
        );
        assert_eq!(
            version_from_rfc3339("2024-02-29T23:59:00-00:30").unwrap(),
            "202403010029"
        );
        assert_eq!(version_from_rfc3339("2023-02-29T00:00:00Z"), None);
        assert_eq!(version_from_rfc3339("yesterday"), None);
        assert_eq!(
            version_from_run_id("20251213-103000Z-3f9c2a").unwrap(),
            "202512131030"
        );
        assert_eq!(version_from_run_id("run-123"), None);
    }

    #[test]
    fn flyway_versions() {
        assert!(check_version("202401011200").is_ok());
        assert!(check_version("1.2_3").is_ok());
        assert!(check_version("1..2").is_err());
        assert!(check_version("../x").is_err());
        assert!(check_version("").is_err());
    }

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(slug("Users"), "users");
        assert_eq!(slug("order items!"), "order_items");
        assert_eq!(slug("ユーザー"), "");
        assert_eq!(slug("../../etc/passwd"), "etc_passwd");
    }
}
