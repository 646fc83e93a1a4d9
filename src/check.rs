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
    /// SQLite: a name quoted with backticks, as the table's SQL wrote it; written so again
    /// (backticks doubled), so that the check reads back as it was written.
    BacktickIdent(String),
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
    ExprParser {
        tokens: &tokens,
        pos: 0,
        depth: 0,
        dialect,
    }
    .whole()?;
    let mut out = String::with_capacity(expr.len() + 8);
    for (i, (space, t)) in tokens.iter().enumerate() {
        if *space && i > 0 {
            out.push(' ');
        }
        match t {
            Token::Word(w) | Token::Number(w) | Token::Op(w) => out.push_str(w),
            Token::QuotedIdent(name) | Token::BacktickIdent(name) => {
                if name.contains("${") {
                    return Err("check expression names a column holding \"${\", which Flyway would read as a placeholder".to_string());
                }
                if matches!(t, Token::BacktickIdent(_)) {
                    Dialect::MySql.quote_ident(name, &mut out)
                } else {
                    dialect.quote_ident(name, &mut out)
                }
            }
            Token::Str(value) => dialect.quote_str(value, &mut out),
            Token::Punct(c) => out.push(*c),
        }
    }
    Ok(out)
}

/// Checks that the tokens form exactly one SQL expression: literals, column names, function
/// calls, unary and binary operators, `IS [NOT] …`, `[NOT] IN (…)`, `[NOT] BETWEEN … AND …`,
/// `[NOT] LIKE …`, `CASE … END`, `CAST(… AS type)`, `x::type`, `ARRAY[…]`, `ANY/ALL (…)`,
/// `COLLATE`, parentheses and row lists. No subqueries (no SQL engine accepts them in a check).
/// The forms only PostgreSQL has are refused for MySQL, where the statement would fail on the
/// server (a PostgreSQL report generated for MySQL brings them).
struct ExprParser<'t> {
    tokens: &'t [(bool, Token)],
    pos: usize,
    depth: usize,
    dialect: Dialect,
}

const MAX_DEPTH: usize = 200;

/// Words that cannot start or continue an operand: they belong to the grammar around it.
const RESERVED: &[&str] = &[
    "and", "or", "not", "is", "in", "between", "like", "ilike", "similar", "regexp", "rlike",
    "escape", "case", "when", "then", "else", "end", "as", "select", "from", "where", "collate",
    "distinct", "union", "with", "having", "group", "order", "limit", "into", "values",
];

impl<'t> ExprParser<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn word(&self) -> Option<String> {
        match self.peek() {
            Some(Token::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.word().as_deref() == Some(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, c: char) -> Result<(), String> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{}'", c)))
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), String> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.unexpected(&w.to_ascii_uppercase()))
        }
    }

    /// `what` is PostgreSQL syntax: refused when the expression is for MySQL.
    fn postgres_only(&self, what: &str) -> Result<(), String> {
        match self.dialect {
            Dialect::Postgres => Ok(()),
            Dialect::MySql => Err(format!(
                "check expression uses {}, which PostgreSQL has and MySQL 8 does not",
                what
            )),
            Dialect::Sqlite => Err(format!(
                "check expression uses {}, which PostgreSQL has and SQLite does not",
                what
            )),
        }
    }

    fn unexpected(&self, wanted: &str) -> String {
        match self.peek() {
            None => format!("check expression ends where {} was expected", wanted),
            Some(t) => format!(
                "check expression is not one SQL expression: {} where {} was expected",
                describe(t),
                wanted
            ),
        }
    }

    fn whole(mut self) -> Result<(), String> {
        self.expr()?;
        if self.pos != self.tokens.len() {
            return Err(self.unexpected("the end of the expression"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("check expression is nested too deeply".to_string());
        }
        self.and_expr()?;
        while self.eat_word("or") {
            self.and_expr()?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn and_expr(&mut self) -> Result<(), String> {
        self.not_expr()?;
        while self.eat_word("and") {
            self.not_expr()?;
        }
        Ok(())
    }

    fn not_expr(&mut self) -> Result<(), String> {
        while self.eat_word("not") {}
        self.predicate()
    }

    fn predicate(&mut self) -> Result<(), String> {
        self.binary()?;
        loop {
            if self.eat_word("is") {
                self.eat_word("not");
                if self.eat_word("distinct") {
                    // SQLite has it since 3.39.
                    if self.dialect != Dialect::Sqlite {
                        self.postgres_only(
                            "IS DISTINCT FROM (MySQL's null-safe comparison is <=>)",
                        )?;
                    }
                    self.expect_word("from")?;
                    self.binary()?;
                } else if !(self.eat_word("null")
                    || self.eat_word("true")
                    || self.eat_word("false")
                    || self.eat_word("unknown"))
                {
                    return Err(self.unexpected("NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM"));
                }
                continue;
            }
            let negated = self.eat_word("not");
            if self.eat_word("in") {
                self.expect_punct('(')?;
                self.list(')')?;
            } else if self.eat_word("between") {
                if self.eat_word("symmetric") {
                    self.postgres_only("BETWEEN SYMMETRIC")?;
                }
                self.binary()?;
                self.expect_word("and")?;
                self.binary()?;
            } else if let Some(op) = self.word().filter(|w| {
                matches!(
                    w.as_str(),
                    "like" | "ilike" | "similar" | "regexp" | "rlike"
                )
            }) {
                self.pos += 1;
                match op.as_str() {
                    "ilike" => self.postgres_only("ILIKE")?,
                    "similar" => {
                        self.postgres_only("SIMILAR TO")?;
                        self.expect_word("to")?;
                    }
                    _ => {}
                }
                self.binary()?;
                if self.eat_word("escape") {
                    self.binary()?;
                }
            } else if negated {
                return Err(self.unexpected("IN, BETWEEN, LIKE or SIMILAR TO after NOT"));
            } else {
                return Ok(());
            }
        }
    }

    /// Operands joined by binary operators (comparison, arithmetic, string and JSON operators
    /// alike: only the structure is checked here).
    fn binary(&mut self) -> Result<(), String> {
        self.unary()?;
        loop {
            match self.peek() {
                Some(Token::Op(op)) if op != "::" => self.pos += 1,
                // Operators spelled as words.
                Some(Token::Word(w))
                    if matches!(
                        w.to_ascii_lowercase().as_str(),
                        "overlaps" | "div" | "mod" | "xor"
                    ) =>
                {
                    if w.eq_ignore_ascii_case("overlaps") {
                        self.postgres_only("OVERLAPS")?;
                    }
                    self.pos += 1
                }
                _ => break,
            }
            if self.eat_word("any") || self.eat_word("all") || self.eat_word("some") {
                self.postgres_only(
                    "ANY, ALL or SOME over a list (MySQL takes them only before a subquery, which a check cannot hold)",
                )?;
                self.expect_punct('(')?;
                self.expr()?;
                self.expect_punct(')')?;
            } else {
                self.unary()?;
            }
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<(), String> {
        while let Some(Token::Op(op)) = self.peek() {
            if matches!(op.as_str(), "-" | "+" | "~" | "!" | "@") {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<(), String> {
        self.primary()?;
        loop {
            if self.peek() == Some(&Token::Op("::".to_string())) {
                self.pos += 1;
                self.type_name()?;
            } else if self.eat_punct('[') {
                self.postgres_only("an array subscript")?;
                self.expr()?;
                if self.eat_punct(':') {
                    self.expr()?;
                }
                self.expect_punct(']')?;
            } else if self.eat_word("collate") {
                self.name()?;
            } else if self.word().as_deref() == Some("at")
                && matches!(self.tokens.get(self.pos + 1), Some((_, Token::Word(w))) if w.eq_ignore_ascii_case("time"))
            {
                self.postgres_only("AT TIME ZONE")?;
                self.pos += 2;
                self.expect_word("zone")?;
                self.primary()?;
            } else {
                return Ok(());
            }
        }
    }

    fn primary(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(Token::Number(_)) | Some(Token::Str(_)) => {
                self.pos += 1;
                // Adjacent strings ('a' 'b') concatenate in SQL.
                while matches!(self.peek(), Some(Token::Str(_))) {
                    self.pos += 1;
                }
                Ok(())
            }
            Some(Token::Punct('(')) => {
                self.pos += 1;
                self.list(')')
            }
            Some(Token::QuotedIdent(_) | Token::BacktickIdent(_)) => self.name_or_call(),
            Some(Token::Word(w)) => {
                let w = w.to_ascii_lowercase();
                match w.as_str() {
                    "case" => self.case(),
                    "cast" | "try_cast" | "convert" => {
                        self.pos += 1;
                        self.expect_punct('(')?;
                        self.expr()?;
                        // CAST(x AS t), CONVERT(x, t), CONVERT(x USING charset)
                        if self.eat_word("as") || self.eat_punct(',') || self.eat_word("using") {
                            self.type_name()?;
                        }
                        self.expect_punct(')')
                    }
                    "array" => {
                        self.postgres_only("ARRAY")?;
                        self.pos += 1;
                        if self.eat_punct('[') {
                            self.list(']')
                        } else {
                            self.expect_punct('(')?;
                            self.list(')')
                        }
                    }
                    "exists" | "select" => Err("check expression holds a subquery".to_string()),
                    // Typed literals: DATE '…', INTERVAL '…' (the prefix stands before a string).
                    _ if matches!(self.tokens.get(self.pos + 1), Some((_, Token::Str(_)))) => {
                        self.pos += 2;
                        Ok(())
                    }
                    _ if RESERVED.contains(&w.as_str()) => Err(self.unexpected("an operand")),
                    _ => self.name_or_call(),
                }
            }
            _ => Err(self.unexpected("an operand")),
        }
    }

    /// `a`, `t.a`, `f(…)`, `schema.f(…)`.
    fn name_or_call(&mut self) -> Result<(), String> {
        self.name()?;
        if self.eat_punct('(') {
            // f(), f(*), f(DISTINCT x), f(a, b)
            if self.eat_punct(')') {
                return Ok(());
            }
            if self.peek() == Some(&Token::Op("*".to_string())) {
                self.pos += 1;
                return self.expect_punct(')');
            }
            self.eat_word("distinct");
            self.list(')')?;
        }
        Ok(())
    }

    fn name(&mut self) -> Result<(), String> {
        loop {
            match self.peek() {
                Some(Token::Word(w)) if !RESERVED.contains(&w.to_ascii_lowercase().as_str()) => {
                    self.pos += 1
                }
                Some(Token::QuotedIdent(_) | Token::BacktickIdent(_)) => self.pos += 1,
                _ => return Err(self.unexpected("a name")),
            }
            if !self.eat_punct('.') {
                return Ok(());
            }
        }
    }

    /// Comma-separated expressions up to the closing `close`.
    fn list(&mut self, close: char) -> Result<(), String> {
        if self.eat_punct(close) {
            return Ok(());
        }
        loop {
            self.expr()?;
            if self.eat_punct(close) {
                return Ok(());
            }
            self.expect_punct(',')?;
        }
    }

    fn case(&mut self) -> Result<(), String> {
        self.pos += 1;
        if self.word().as_deref() != Some("when") {
            self.expr()?;
        }
        let mut arms = 0;
        while self.eat_word("when") {
            self.expr()?;
            self.expect_word("then")?;
            self.expr()?;
            arms += 1;
        }
        if arms == 0 {
            return Err(self.unexpected("WHEN"));
        }
        if self.eat_word("else") {
            self.expr()?;
        }
        self.expect_word("end")
    }

    /// A type after `::` or `AS`: words, optional `(n[, m])`, optional `[]`s.
    fn type_name(&mut self) -> Result<(), String> {
        let mut words = 0;
        while let Some(Token::Word(_) | Token::QuotedIdent(_) | Token::BacktickIdent(_)) =
            self.peek()
        {
            let is_keyword_after = matches!(self.word().as_deref(), Some(w) if RESERVED.contains(&w) && w != "collate");
            if is_keyword_after && words > 0 {
                break;
            }
            self.pos += 1;
            words += 1;
            if self.eat_punct('.') {
                continue;
            }
        }
        if words == 0 {
            return Err(self.unexpected("a type name"));
        }
        if self.eat_punct('(') {
            loop {
                match self.peek() {
                    Some(Token::Number(_)) => self.pos += 1,
                    _ => return Err(self.unexpected("a number")),
                }
                if self.eat_punct(')') {
                    break;
                }
                self.expect_punct(',')?;
            }
            // `timestamp(3) with time zone`
            while let Some(Token::Word(w)) = self.peek() {
                if matches!(
                    w.to_ascii_lowercase().as_str(),
                    "with" | "without" | "time" | "zone"
                ) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        while self.eat_punct('[') {
            self.expect_punct(']')?;
        }
        Ok(())
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Word(w) => format!("{:?}", crate::text::preview(w)),
        Token::QuotedIdent(n) | Token::BacktickIdent(n) => {
            format!("the name {:?}", crate::text::preview(n))
        }
        Token::Str(_) => "a string".to_string(),
        Token::Number(n) => format!("the number {}", n),
        Token::Op(o) => format!("'{}'", o),
        Token::Punct(c) => format!("'{}'", c),
    }
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
                Dialect::Postgres | Dialect::Sqlite => Token::QuotedIdent(s),
                // MySQL's default SQL mode reads "…" as a string.
                Dialect::MySql => Token::Str(s),
            }
        } else if c == '`' && dialect != Dialect::Postgres {
            // SQLite reads `…` as a quoted name too (as MySQL does).
            let (s, next) = read_quoted(&chars, i, '`', false)?;
            i = next;
            if dialect == Dialect::Sqlite {
                Token::BacktickIdent(s)
            } else {
                Token::QuotedIdent(s)
            }
        } else if matches!(c, '(' | ')' | ',' | '[' | ']' | '.')
            || (c == ':' && chars.get(i + 1) != Some(&':'))
        {
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
    fn postgres_only_forms_are_refused_for_mysql() {
        // Each runs on PostgreSQL 15 and fails on MySQL 8 (a PostgreSQL report generated as
        // MySQL brings them: sqldef's PostgreSQL suite has each).
        for (e, says) in [
            ("(level = ANY (ARRAY[1, 2, 3]))", "ANY, ALL or SOME"),
            ("(n = ALL (ARRAY[2, 3]))", "ANY, ALL or SOME"),
            ("(a IS DISTINCT FROM b)", "IS DISTINCT FROM"),
            ("(a IS NOT DISTINCT FROM b)", "IS DISTINCT FROM"),
            ("((s, e) OVERLAPS (s, e))", "OVERLAPS"),
            ("(name ILIKE 'a%')", "ILIKE"),
            ("(name SIMILAR TO 'a%')", "SIMILAR TO"),
            ("(n BETWEEN SYMMETRIC 1 AND 2)", "BETWEEN SYMMETRIC"),
            ("(t AT TIME ZONE 'UTC' > '2020-01-01')", "AT TIME ZONE"),
            ("(cardinality(ARRAY[1]) > 0)", "ARRAY"),
        ] {
            assert!(sanitize(e, Dialect::Postgres).is_ok(), "{}", e);
            let err = sanitize(e, Dialect::MySql).unwrap_err();
            assert!(
                err.contains(says) && err.contains("MySQL 8"),
                "{}: {}",
                e,
                err
            );
        }
        // What both have stays accepted for MySQL.
        for e in [
            "(`a` <=> `b`)",
            "(`n` NOT BETWEEN 1 AND 2)",
            "(`name` LIKE 'a%' ESCAPE '!')",
            "(`n` IN (1, 2, 3))",
            "(`s` NOT REGEXP '^a')",
        ] {
            assert!(sanitize(e, Dialect::MySql).is_ok(), "{}", e);
        }
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
    fn only_one_expression_is_accepted() {
        let pg = Dialect::Postgres;
        for e in [
            "a > 0, b > 0",
            "a > 0 b",
            "(SELECT 1) > 0",
            "EXISTS (SELECT 1)",
            "a >",
            "CASE WHEN a THEN b",
            "a IS",
            "a NOT 5",
            "a > 0 AND",
            "f(a,)",
            "a > 0 OR SELECT",
        ] {
            assert!(sanitize(e, pg).is_err(), "{e:?}");
        }
        for e in [
            "a IS NOT NULL",
            "a NOT IN (1, 2)",
            "a BETWEEN 1 AND 10 AND b NOT LIKE 'x%'",
            "CASE WHEN a > 0 THEN 1 ELSE 0 END = 1",
            "CAST(a AS numeric(10,2)) > 0",
            "a::text ~ '^[a-z]+$'",
            "(a, b) IS DISTINCT FROM (1, 2)",
            "-a < +b",
            "lower(name) <> ''",
            "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
            "c[1] > 0",
            "x ~~ 'a%'",
            "count(*) > 0",
            "ts > now() - INTERVAL '1 day'",
            "'a' 'b' = c",
            "(a, b) OVERLAPS (c, d)",
            "ts AT TIME ZONE 'UTC' > now()",
        ] {
            assert!(sanitize(e, pg).is_ok(), "{e:?}: {:?}", sanitize(e, pg));
        }
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
