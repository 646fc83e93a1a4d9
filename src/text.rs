//! Small text helpers shared by messages and comments.

/// A short, single-line form of untrusted text for error messages: at most 60 characters, with
/// control characters shown as `?`.
pub fn preview(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(60)
        .map(|c| if is_unsafe_in_comment(c) { '?' } else { c })
        .collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Characters that must never reach a `--` comment line: anything that could end the line or
/// reorder what a reviewer sees (control characters, Unicode line separators and bidirectional
/// controls).
pub fn is_unsafe_in_comment(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

/// Untrusted text made safe for a `--` comment line: no character that could end the line or
/// reorder it, and no `${` (Flyway replaces placeholders in comments too).
pub fn comment_safe(text: &str) -> String {
    if is_plain(text) {
        return text.to_string();
    }
    let s: String = text
        .chars()
        .map(|c| if is_unsafe_in_comment(c) { '?' } else { c })
        .collect();
    if s.contains("${") {
        s.replace("${", "$ {")
    } else {
        s
    }
}

/// Appends [`comment_safe`]`(text)`.
pub fn push_comment_safe(text: &str, out: &mut String) {
    if is_plain(text) {
        out.push_str(text);
    } else {
        out.push_str(&comment_safe(text));
    }
}

/// Printable ASCII without `${`: safe in a comment as it is.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().all(|b| (0x20..0x7f).contains(b)) && !has_placeholder_start(bytes)
}

/// Whether `bytes` hold `${` (what Flyway reads as the start of a placeholder).
pub fn has_placeholder_start(bytes: &[u8]) -> bool {
    // A `{` preceded by a `$`; most texts hold no `{` at all.
    bytes.contains(&b'{') && bytes.windows(2).any(|w| w == b"${")
}

/// FNV-1a, 32 bits: a stable hash for derived-name suffixes (the same on every platform and in
/// every release).
pub fn fnv1a(text: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Whether `text` is all ASCII: `str::is_ascii`, 32 bytes a step in 64-bit words, which wasm has
/// natively (the standard one takes a pointer-sized word, 4 bytes there). The file contents of a
/// large migration are scanned with it.
pub fn is_ascii(text: &str) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = text.as_bytes().chunks_exact(32);
    for c in &mut chunks {
        let w = |i: usize| u64::from_le_bytes(c[i..i + 8].try_into().unwrap());
        if (w(0) | w(8) | w(16) | w(24)) & HIGH != 0 {
            return false;
        }
    }
    chunks.remainder().is_ascii()
}

/// Bytes a string literal holds as they are, in both dialects: printable ASCII but `'`, `\` and
/// `{` (the start of Flyway's `${`).
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = !matches!(b as u8, b'\'' | b'\\' | b'{');
        b += 1;
    }
    t
};

/// Whether a string literal holds `text` as it is (see [`PLAIN`]).
#[inline]
pub fn is_plain_literal(text: &str) -> bool {
    text.bytes().all(|b| PLAIN[b as usize])
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_literals_are_printable_ascii_without_quote_backslash_or_brace() {
        for b in 0u8..=255 {
            let plain = (0x20..0x7f).contains(&b) && !matches!(b, b'\'' | b'\\' | b'{');
            let s = [b];
            if let Ok(s) = std::str::from_utf8(&s) {
                assert_eq!(super::is_plain_literal(s), plain, "{:?}", s);
            } else {
                assert!(!plain);
            }
        }
        assert!(super::is_plain_literal("VARCHAR(255)"));
        assert!(!super::is_plain_literal("it's"));
        assert!(!super::is_plain_literal("é"));
    }

    #[test]
    fn is_ascii_finds_any_byte_over_127() {
        let base = "x".repeat(100);
        assert!(super::is_ascii(&base));
        assert!(super::is_ascii(""));
        for at in 0..100 {
            let mut s = base.clone();
            s.replace_range(at..at + 1, "é");
            assert!(!super::is_ascii(&s), "{}", at);
        }
    }
}
