//! Atlas migration directory: one `<version>_<description>.sql` per part. Atlas reads a file's
//! leading comment lines, when a blank line follows them, as its directives; a part that runs
//! outside a transaction starts with `-- atlas:txmode none` (Atlas then sends its statements one
//! by one, each committed on its own). Atlas keeps no down files in the directory. The
//! directory's `atlas.sum` covers every file of the folder, so it is written where the folder is
//! known: when the migration is applied (the Node package's `migrate()`).

use super::{blocked_notice, header, nth_version, parts, FileOut, Header, StepOut, Text, Writing};

/// The directive that runs a file's statements outside a transaction.
const TXMODE_NONE: &str = "-- atlas:txmode none\n";

const NON_TRANSACTIONAL_NOTE: &str =
    "-- Runs outside a transaction (the txmode directive above): PostgreSQL does not allow these statements inside one, or commits them before the next migration uses what they add.\n";

/// The files; `version` is a whole number (checked with the options) when there are several
/// parts, versioned `version`, `version + 1`, … as wide as `version`, so that Atlas's order (by
/// file name) is theirs.
pub(super) fn files(
    h: &Header,
    version: &str,
    description: &str,
    steps: &[StepOut],
    plan: &[crate::plan::Step],
    w: &mut Writing,
) -> Vec<FileOut> {
    let parts = parts(steps);
    let numbered = parts.len() > 1;
    let mut out = Vec::new();
    for (i, (part, part_steps)) in parts.iter().enumerate() {
        let (ver, suffix) = if numbered {
            (nth_version(version, i), part.suffix())
        } else {
            (version.to_string(), "")
        };
        let mut t = Text::for_steps(out.len(), part_steps, plan);
        if !part.in_transaction() {
            t.content.push_str(TXMODE_NONE);
        }
        let mut head = String::new();
        header(h, &mut head);
        t.content.push_str(&no_directives(&head));
        if !part.in_transaction() {
            t.content.push_str(NON_TRANSACTIONAL_NOTE);
        }
        blocked_notice(part_steps, &mut t.content);
        // The steps begin with a blank line: the comments above are the file's own.
        t.write_steps(part_steps, plan, &mut w.spans);
        out.push(FileOut {
            name: format!("{}_{}{}.sql", ver, description, suffix),
            content: t.content,
            role: "migration",
        });
    }
    out
}

/// The header's lines, where text from the report (its run id, spec path, validator version)
/// can never read as one of Atlas's directives (`atlas:<name>` in a leading comment line).
fn no_directives(head: &str) -> std::borrow::Cow<'_, str> {
    if head.contains("atlas:") {
        std::borrow::Cow::Owned(head.replace("atlas:", "atlas :"))
    } else {
        std::borrow::Cow::Borrowed(head)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn report_text_in_the_header_is_never_a_directive() {
        assert_eq!(
            super::no_directives("-- Spec: a atlas:txmode none\n"),
            "-- Spec: a atlas :txmode none\n"
        );
        assert_eq!(super::no_directives("-- Spec: a\n"), "-- Spec: a\n");
    }
}
