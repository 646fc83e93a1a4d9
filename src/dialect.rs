//! The three dialects and what every stage needs to know of them: their names, identifier limits,
//! and quoting. A leaf: the plan, the type rules and the renderers all depend on it, and it on
//! nothing of theirs, so that quoting lives in exactly one place.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

impl Dialect {
    /// Reads a dialect name as callers and reports spell it (case-insensitive).
    pub fn parse(name: &str) -> Option<Dialect> {
        match name.trim().to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" | "pg" => Some(Dialect::Postgres),
            "mysql" => Some(Dialect::MySql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    /// The name used in output (`PostgreSQL`, `MySQL`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL",
            Dialect::Sqlite => "SQLite",
        }
    }

    /// Longest identifier the dialect keeps, and the unit it is counted in.
    pub fn max_identifier(self) -> (usize, &'static str) {
        match self {
            Dialect::Postgres => (63, "bytes"),
            Dialect::MySql => (64, "characters"),
            // SQLite sets no limit; this one keeps generated files readable.
            Dialect::Sqlite => (1024, "bytes"),
        }
    }

    /// The length of `name` in the unit of [`Dialect::max_identifier`].
    pub fn identifier_len(self, name: &str) -> usize {
        match self {
            Dialect::Postgres | Dialect::Sqlite => name.len(),
            Dialect::MySql => name.chars().count(),
        }
    }

    /// Writes `name` as a quoted identifier, doubling the quote character. Names have been
    /// checked for control characters when the report was read; this is the only place
    /// identifiers are quoted.
    pub fn quote_ident(self, name: &str, out: &mut String) {
        let q = match self {
            Dialect::Postgres | Dialect::Sqlite => '"',
            Dialect::MySql => '`',
        };
        out.reserve(name.len() + 2);
        out.push(q);
        // Names are short: a plain loop over the bytes (the quote is ASCII) is quicker here than
        // the standard search, which in wasm is set up for long texts.
        if !name.bytes().any(|b| b == q as u8) {
            out.push_str(name);
            out.push(q);
            return;
        }
        for c in name.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
    }

    /// Writes `value` as a string literal that holds no line break or control character, so a
    /// literal can never start a new line of the file (which line-based readers such as
    /// Liquibase's formatted SQL would take as a directive), whatever the value.
    /// PostgreSQL: standard `'…'`, or `E'…'` with backslash escapes when the value holds a
    /// backslash or a control character, so it means the same whatever
    /// `standard_conforming_strings` says. MySQL: `'…'` with `'` doubled and `\`, line breaks and
    /// tabs escaped, which is what the default SQL mode reads (`NO_BACKSLASH_ESCAPES` is
    /// documented as unsupported). SQLite: `'…'` with `'` doubled, its only escape; a control
    /// character, or a `{` after `$` (a Flyway placeholder), is written as `char(n)` joined with
    /// `||` to the parts around it, the whole in parentheses so that it stays one expression (a
    /// column's `DEFAULT (…)`). NUL never gets here: values holding it are refused.
    pub fn quote_str(self, value: &str, out: &mut String) {
        // Most values are printable ASCII with nothing to escape: copied whole.
        if crate::text::is_plain_literal(value) {
            out.reserve(value.len() + 2);
            out.push('\'');
            out.push_str(value);
            out.push('\'');
            return;
        }
        match self {
            Dialect::Postgres => {
                let escaped =
                    value.chars().any(|c| c == '\\' || c.is_control()) || value.contains("${");
                if escaped {
                    out.push('E');
                }
                out.push('\'');
                for c in value.chars() {
                    match c {
                        '\'' => out.push_str("''"),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                        // Flyway reads `${…}` anywhere as a placeholder: `\{` is `{` to the engine.
                        '{' if out.ends_with('$') => out.push_str("\\{"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
            }
            Dialect::Sqlite => sqlite_string(value, out),
            Dialect::MySql => {
                out.push('\'');
                for c in value.chars() {
                    match c {
                        '\'' => out.push_str("''"),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        '\u{1a}' => out.push_str("\\Z"),
                        '{' if out.ends_with('$') => out.push_str("\\{"),
                        // Other control characters cannot end a line; MySQL has no escape for them.
                        c => out.push(c),
                    }
                }
                out.push('\'');
            }
        }
    }

    pub fn ident(self, name: &str) -> String {
        let mut s = String::new();
        self.quote_ident(name, &mut s);
        s
    }

    pub fn string(self, value: &str) -> String {
        let mut s = String::new();
        self.quote_str(value, &mut s);
        s
    }
}

/// [`Dialect::quote_str`] for SQLite, for a value that is not plain ASCII.
fn sqlite_string(value: &str, out: &mut String) {
    let special = |prev: Option<char>, c: char| c.is_control() || (c == '{' && prev == Some('$'));
    let mut prev = None;
    let plain = value.chars().all(|c| {
        let s = special(prev, c);
        prev = Some(c);
        !s
    });
    if plain {
        out.push('\'');
        for c in value.chars() {
            if c == '\'' {
                out.push('\'');
            }
            out.push(c);
        }
        out.push('\'');
        return;
    }
    out.push('(');
    let mut open = false;
    let mut first = true;
    let mut prev = None;
    for c in value.chars() {
        if special(prev, c) {
            if open {
                out.push('\'');
                open = false;
            }
            if !first {
                out.push_str(" || ");
            }
            out.push_str("char(");
            out.push_str(&(c as u32).to_string());
            out.push(')');
        } else {
            if !open {
                if !first {
                    out.push_str(" || ");
                }
                out.push('\'');
                open = true;
            }
            if c == '\'' {
                out.push('\'');
            }
            out.push(c);
        }
        first = false;
        prev = Some(c);
    }
    if open {
        out.push('\'');
    }
    out.push(')');
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_quote_character() {
        assert_eq!(Dialect::Postgres.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::MySql.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::MySql.ident("a\"b"), "`a\"b`");
    }

    #[test]
    fn strings_are_escaped_for_any_server_setting() {
        assert_eq!(Dialect::Postgres.string("it's"), "'it''s'");
        assert_eq!(Dialect::Postgres.string("a\\b"), "E'a\\\\b'");
        assert_eq!(Dialect::MySql.string("a\\'b"), "'a\\\\''b'");
    }

    #[test]
    fn literals_never_hold_a_line_break() {
        let v = "a\nb\r\n--rollback DROP TABLE x;\tc\u{7}";
        let pg = Dialect::Postgres.string(v);
        let my = Dialect::MySql.string(v);
        for s in [&pg, &my] {
            assert!(!s.contains('\n') && !s.contains('\r'), "{s}");
        }
        assert_eq!(pg, "E'a\\nb\\r\\n--rollback DROP TABLE x;\\tc\\u0007'");
        assert_eq!(my, "'a\\nb\\r\\n--rollback DROP TABLE x;\\tc\u{7}'");
    }

    #[test]
    fn literals_never_hold_a_flyway_placeholder() {
        assert_eq!(Dialect::Postgres.string("a${b}"), "E'a$\\{b}'");
        assert_eq!(Dialect::MySql.string("a${b}"), "'a$\\{b}'");
        assert_eq!(Dialect::Postgres.string("a$b{c}"), "'a$b{c}'");
    }

    #[test]
    fn dialect_names_are_case_insensitive() {
        assert_eq!(Dialect::parse("PostgreSQL"), Some(Dialect::Postgres));
        assert_eq!(Dialect::parse("postgres"), Some(Dialect::Postgres));
        assert_eq!(Dialect::parse("MYSQL"), Some(Dialect::MySql));
        assert_eq!(Dialect::parse("oracle"), None);
        assert_eq!(Dialect::parse("SQLite"), Some(Dialect::Sqlite));
    }

    #[test]
    fn sqlite_quotes_by_doubling_and_writes_control_characters_as_char() {
        assert_eq!(Dialect::Sqlite.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Sqlite.string("it's"), "'it''s'");
        assert_eq!(Dialect::Sqlite.string("a\\b"), "'a\\b'");
        assert_eq!(
            Dialect::Sqlite.string("a\n'b"),
            "('a' || char(10) || '''b')"
        );
        assert_eq!(Dialect::Sqlite.string("\t"), "(char(9))");
        assert_eq!(
            Dialect::Sqlite.string("a${b}"),
            "('a$' || char(123) || 'b}')"
        );
    }
}
