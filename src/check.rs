//! Check expressions. A check comes from the report as SQL text, so it is untrusted: it is split
//! into tokens with the dialect's own lexical rules, refused if it holds anything that could end
//! the statement, open a comment or leave the `CHECK ( … )` parentheses, and written again from
//! the tokens (strings and quoted names re-quoted by [`Dialect`]). What reaches the migration is
//! therefore always one balanced parenthesised token sequence with no `;` and no comment.

use crate::dialect::Dialect;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    QuotedIdent(String),
    Str(String),
    Number(String),
    Op(String),
    Punct(char),
}

/// Re-renders `expr` for `dialect`, or says why it is refused.
pub fn sanitize(expr: &str, dialect: Dialect) -> Result<String, String> {
    if expr.len() > 10_000 {
        return Err("check expression is longer than 10000 bytes".to_string());
    }
    let tokens = tokenize(expr, dialect)?;
    if tokens.is_empty() {
        return Err("check expression is empty".to_string());
    }
    let mut depth: i32 = 0;
    for (_, t) in &tokens {
        match t {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => {
                depth -= 1;
                if depth < 0 {
                    return Err("check expression closes a parenthesis it did not open".to_string());
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("check expression leaves a parenthesis open".to_string());
    }
    let mut out = String::with_capacity(expr.len() + 8);
    for (i, (space, t)) in tokens.iter().enumerate() {
        if *space && i > 0 {
            out.push(' ');
        }
        match t {
            Token::Word(w) | Token::Number(w) | Token::Op(w) => out.push_str(w),
            Token::QuotedIdent(name) => dialect.quote_ident(name, &mut out),
            Token::Str(value) => dialect.quote_str(value, &mut out),
            Token::Punct(c) => out.push(*c),
        }
    }
    Ok(out)
}

const OP_CHARS: &str = "+-*/<>=~!@%^&|#?";

fn tokenize(expr: &str, dialect: Dialect) -> Result<Vec<(bool, Token)>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let mut space = false;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
            space = true;
            i += 1;
            continue;
        }
        if c.is_control() || crate::text::is_unsafe_in_comment(c) {
            return Err(format!(
                "check expression holds the control character U+{:04X}",
                c as u32
            ));
        }
        let token = if c.is_alphabetic() || c == '_' {
            // E'…' (PostgreSQL escape string)
            if (c == 'E' || c == 'e')
                && dialect == Dialect::Postgres
                && chars.get(i + 1) == Some(&'\'')
            {
                i += 1;
                let (s, next) = read_quoted(&chars, i, '\'', true)?;
                i = next;
                Token::Str(s)
            } else {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if chars.get(i) == Some(&'\'') {
                    // A typed literal (DATE '…'), a bit or hex string, or a MySQL charset
                    // introducer: the prefix is kept, the string re-quoted.
                    let (s, next) = read_quoted(&chars, i, '\'', dialect == Dialect::MySql)?;
                    i = next;
                    check_prefixed(&word, &s, dialect)?;
                    out.push((space, Token::Word(word)));
                    space = false;
                    Token::Str(s)
                } else {
                    Token::Word(word)
                }
            }
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            Token::Number(chars[start..i].iter().collect())
        } else if c == '\'' {
            let (s, next) = read_quoted(&chars, i, '\'', dialect == Dialect::MySql)?;
            i = next;
            Token::Str(s)
        } else if c == '"' {
            let (s, next) = read_quoted(&chars, i, '"', dialect == Dialect::MySql)?;
            i = next;
            match dialect {
                Dialect::Postgres => Token::QuotedIdent(s),
                // MySQL's default SQL mode reads "…" as a string.
                Dialect::MySql => Token::Str(s),
            }
        } else if c == '`' && dialect == Dialect::MySql {
            let (s, next) = read_quoted(&chars, i, '`', false)?;
            i = next;
            Token::QuotedIdent(s)
        } else if matches!(c, '(' | ')' | ',' | '[' | ']' | '.') {
            i += 1;
            Token::Punct(c)
        } else if c == ':' && chars.get(i + 1) == Some(&':') && dialect == Dialect::Postgres {
            i += 2;
            Token::Op("::".to_string())
        } else if OP_CHARS.contains(c) {
            let start = i;
            while i < chars.len() && OP_CHARS.contains(chars[i]) {
                i += 1;
            }
            let op: String = chars[start..i].iter().collect();
            if op.contains("--") || op.contains("/*") || op.contains("*/") {
                return Err("check expression contains a comment".to_string());
            }
            if dialect == Dialect::MySql && op.contains('#') {
                return Err("check expression contains a comment (#)".to_string());
            }
            Token::Op(op)
        } else if c == ';' {
            return Err("check expression contains ';'".to_string());
        } else if c == '$' {
            return Err(
                "check expression contains '$' (dollar quoting is not accepted)".to_string(),
            );
        } else {
            return Err(format!("check expression contains the character {:?}", c));
        };
        out.push((space, token));
        space = false;
    }
    Ok(out)
}

/// Prefixes a string literal may carry: SQL typed literals, bit and hex strings, national
/// strings and MySQL charset introducers. Bit and hex strings may hold only their digits.
fn check_prefixed(prefix: &str, value: &str, dialect: Dialect) -> Result<(), String> {
    let p = prefix.to_ascii_lowercase();
    let ok = match p.as_str() {
        "date" | "time" | "timestamp" | "interval" | "n" => true,
        "x" => value.chars().all(|c| c.is_ascii_hexdigit()),
        "b" => value.chars().all(|c| c == '0' || c == '1'),
        _ => {
            dialect == Dialect::MySql
                && p.starts_with('_')
                && p.len() > 1
                && p[1..].chars().all(|c| c.is_ascii_alphanumeric())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "check expression uses the string prefix {:?}, which is not a typed literal, bit or hex string",
            crate::text::preview(prefix)
        ))
    }
}

/// Reads a quoted token starting at `chars[start] == quote`; doubled quotes stand for one, and
/// with `backslash` a backslash escapes the next character (MySQL strings, PostgreSQL E'').
fn read_quoted(
    chars: &[char],
    start: usize,
    quote: char,
    backslash: bool,
) -> Result<(String, usize), String> {
    let mut i = start + 1;
    let mut s = String::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(format!(
                "check expression has an unterminated {} quote",
                quote
            ));
        };
        if c == '\0' {
            return Err("check expression holds a NUL character".to_string());
        }
        if backslash && c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err("check expression ends inside an escape".to_string());
            };
            s.push(match n {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => return Err("check expression holds a NUL character".to_string()),
                other => other,
            });
            i += 2;
            continue;
        }
        if c == quote {
            if chars.get(i + 1) == Some(&quote) {
                s.push(quote);
                i += 2;
                continue;
            }
            return Ok((s, i + 1));
        }
        s.push(c);
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_rendered_checks_pass_through() {
        let pg = Dialect::Postgres;
        for e in [
            "(total_cents >= 0)",
            "((price > (0)::numeric))",
            "(status = ANY (ARRAY['a'::text, 'b'::text]))",
            "((release_year >= 1901) AND (release_year <= 2155))",
            "(char_length((name)::text) > 0)",
        ] {
            assert_eq!(sanitize(e, pg).unwrap(), e);
        }
        let my = Dialect::MySql;
        assert_eq!(
            sanitize("`status` in ('a','b') and `n` >= -1.5e3", my).unwrap(),
            "`status` in ('a','b') and `n` >= -1.5e3"
        );
    }

    #[test]
    fn nothing_escapes_the_parentheses_or_opens_a_comment() {
        for d in [Dialect::Postgres, Dialect::MySql] {
            for e in [
                "a > 0); DROP TABLE canary; --",
                "a > 0) OR (1 = 1",
                "a > 0 -- comment",
                "a > 0 /* x */",
                "a > 0 ;",
                "(a > 0",
                "'unterminated",
                "a > 0\u{0}",
                "",
            ] {
                assert!(sanitize(e, d).is_err(), "{e:?} on {d}");
            }
        }
        assert!(sanitize("$$x$$ = a", Dialect::Postgres).is_err());
        assert!(sanitize("a > 0 # c", Dialect::MySql).is_err());
    }

    #[test]
    fn typed_literals_keep_their_prefix() {
        assert_eq!(
            sanitize(
                "`d` >= DATE'2020-01-01' and x = _utf8mb4'a'",
                Dialect::MySql
            )
            .unwrap(),
            "`d` >= DATE'2020-01-01' and x = _utf8mb4'a'"
        );
        assert_eq!(
            sanitize("b = B'0101'", Dialect::Postgres).unwrap(),
            "b = B'0101'"
        );
        assert!(sanitize("b = X'zz'", Dialect::Postgres).is_err());
        assert!(sanitize("b = evil'x'", Dialect::Postgres).is_err());
    }

    #[test]
    fn strings_are_requoted_so_escapes_cannot_break_out() {
        // MySQL reads \' as an escaped quote: the string continues, and is re-rendered whole.
        assert_eq!(
            sanitize(r"a = 'x\' OR 1=1'", Dialect::MySql).unwrap(),
            r"a = 'x'' OR 1=1'"
        );
        // On PostgreSQL a backslash is an ordinary character in a plain string.
        assert_eq!(
            sanitize(r"a = 'x\'", Dialect::Postgres).unwrap(),
            r"a = E'x\\'"
        );
        assert_eq!(
            sanitize("\"we\"\"ird\" > 0", Dialect::Postgres).unwrap(),
            "\"we\"\"ird\" > 0"
        );
    }
}
