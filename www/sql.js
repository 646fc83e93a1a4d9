// A small SQL tokenizer for highlighting the generated migrations (PostgreSQL and MySQL 8).
//
// tokenize(text, {dialect}) splits `text` into tokens whose texts, joined, give `text` back
// exactly: nothing is dropped, changed or reordered, so what is shown is what is downloaded.
// Token types:
//   comment   -- to the end of the line, /* ... */
//   string    '...' ('' doubled; MySQL also \-escapes, PostgreSQL with an E prefix); "..." on MySQL
//   ident     a quoted identifier: "..." on PostgreSQL, `...` on MySQL
//   keyword   an SQL keyword (any case)
//   type      a data type name
//   number    123, 1.5, 2e10
//   dollar    a PostgreSQL dollar-quote delimiter ($tag$); the body between two is tokenized
//             as SQL (it is PL/pgSQL in the generator's DO blocks)
//   variable  a MySQL user or system variable (@name, @@name)
//   word      any other name
//   space     white space
//   punct     anything else, one character at a time
// It is a highlighter, not a parser: unterminated strings, comments and quotes run to the end of
// the text (or of the dollar-quoted body they are in).
//
// segment(content, statements) splits a migration file into its header and one block per
// statement of generate()'s `statements`, so that each block can be shown with its risks.

export const KEYWORDS = new Set(`
ACTION ADD AFTER ALL ALTER ALWAYS AND ARRAY AS ASC BEFORE BEGIN BETWEEN BY CASCADE CASE CHANGE
CHECK COLLATE COLUMN COMMENT CONCURRENTLY CONSTRAINT CREATE CROSS CURRENT_DATE CURRENT_TIME
CURRENT_TIMESTAMP DEALLOCATE DECLARE DEFAULT DEFERRABLE DELETE DESC DISTINCT DO DROP DUAL ELSE
ELSIF END ENUM EXCEPTION EXECUTE EXISTS FALSE FIRST FOR FOREIGN FROM FULL GENERATED GROUP HAVING
IDENTITY IF IN INDEX INNER INSERT INTO IS JOIN KEY LAST LEFT LIKE LIMIT LOOP MODIFY NOT NOTICE
NULL NULLS OF OFFSET ON OR ORDER OUTER PERFORM PREPARE PRIMARY RAISE RECORD REFERENCES RENAME
REPLACE RESTRICT RETURN RETURNS RIGHT SCHEMA SELECT SET TABLE TEMPORARY THEN TO TRUE TYPE UNION
UNIQUE UPDATE USING VALUE VALUES WHEN WHERE WITH WITHOUT ZONE AUTO_INCREMENT UNSIGNED
`.trim().split(/\s+/));

export const TYPES = new Set(`
BIGINT BIGSERIAL BINARY BIT BLOB BOOL BOOLEAN BYTEA CHAR CHARACTER CITEXT DATE DATETIME DEC
DECIMAL DOUBLE FLOAT FLOAT4 FLOAT8 INET INT INT2 INT4 INT8 INTEGER INTERVAL JSON JSONB LONGBLOB
LONGTEXT MEDIUMBLOB MEDIUMINT MEDIUMTEXT MONEY NUMERIC PRECISION REAL REGCLASS REGTYPE SERIAL
SMALLINT SMALLSERIAL TEXT TIME TIMESTAMP TIMESTAMPTZ TIMETZ TINYBLOB TINYINT TINYTEXT UUID
VARBINARY VARCHAR VARYING XML YEAR
`.trim().split(/\s+/));

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const DIGIT = /[0-9]/;
const SPACE = /\s/;

/**
 * Splits `text` into [{type, text}]. `dialect`: 'PostgreSQL' (default) or 'MySQL' (any case).
 */
export function tokenize(text, { dialect = 'PostgreSQL' } = {}) {
  const mysql = String(dialect).toLowerCase() === 'mysql';
  const out = [];
  scan(String(text), 0, String(text).length, mysql, out);
  return out;
}

function push(out, type, text) {
  if (text === '') return;
  const last = out[out.length - 1];
  // Runs of white space become one token, so the DOM stays small.
  if (last && last.type === type && type === 'space') {
    last.text += text;
    return;
  }
  out.push({ type, text });
}

/** Tokenizes s[start, end) into out. */
function scan(s, start, end, mysql, out) {
  let i = start;
  while (i < end) {
    const c = s[i];
    const next = i + 1 < end ? s[i + 1] : '';

    if (SPACE.test(c)) {
      let j = i + 1;
      while (j < end && SPACE.test(s[j])) j++;
      push(out, 'space', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === '-' && next === '-') {
      let j = s.indexOf('\n', i);
      if (j === -1 || j > end) j = end;
      push(out, 'comment', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === '#' && mysql) {
      let j = s.indexOf('\n', i);
      if (j === -1 || j > end) j = end;
      push(out, 'comment', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === '/' && next === '*') {
      let j = s.indexOf('*/', i + 2);
      j = j === -1 || j + 2 > end ? end : j + 2;
      push(out, 'comment', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === "'") {
      const j = quoted(s, i, end, "'", mysql);
      push(out, 'string', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === '"') {
      const j = quoted(s, i, end, '"', mysql);
      push(out, mysql ? 'string' : 'ident', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === '`') {
      const j = quoted(s, i, end, '`', false);
      push(out, 'ident', s.slice(i, j));
      i = j;
      continue;
    }
    if (c === '$' && !mysql) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(s.slice(i, Math.min(end, i + 66)));
      if (m) {
        const tag = m[0];
        const bodyStart = i + tag.length;
        let close = s.indexOf(tag, bodyStart);
        if (close === -1 || close + tag.length > end) close = -1;
        push(out, 'dollar', tag);
        if (close === -1) {
          scan(s, bodyStart, end, mysql, out);
          i = end;
        } else {
          scan(s, bodyStart, close, mysql, out);
          push(out, 'dollar', tag);
          i = close + tag.length;
        }
        continue;
      }
      if (DIGIT.test(next)) {
        let j = i + 1;
        while (j < end && DIGIT.test(s[j])) j++;
        push(out, 'variable', s.slice(i, j));
        i = j;
        continue;
      }
    }
    if (c === '@' && mysql) {
      let j = i + 1;
      if (s[j] === '@') j++;
      while (j < end && (WORD_PART.test(s[j]) || s[j] === '.')) j++;
      push(out, j > i + 1 ? 'variable' : 'punct', s.slice(i, j));
      i = j;
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(next) && !wordBefore(s, i, start))) {
      if (!wordBefore(s, i, start)) {
        const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(s.slice(i, Math.min(end, i + 400)));
        let j = i + m[0].length;
        // A number runs into a name (`1abc`): treat the whole run as a word.
        if (j < end && WORD_PART.test(s[j])) {
          while (j < end && WORD_PART.test(s[j])) j++;
          push(out, 'word', s.slice(i, j));
        } else {
          push(out, 'number', s.slice(i, j));
        }
        i = j;
        continue;
      }
    }
    if (WORD_START.test(c)) {
      // E'...' (PostgreSQL escape string), N'...', X'...', B'...': a prefix glued to a string.
      if ((next === "'") && /^[EeNnXxBb]$/.test(c)) {
        const escapes = mysql || c === 'E' || c === 'e';
        const j = quoted(s, i + 1, end, "'", escapes);
        push(out, 'string', s.slice(i, j));
        i = j;
        continue;
      }
      let j = i + 1;
      while (j < end && WORD_PART.test(s[j])) j++;
      const word = s.slice(i, j);
      const upper = word.toUpperCase();
      push(out, KEYWORDS.has(upper) ? 'keyword' : TYPES.has(upper) ? 'type' : 'word', word);
      i = j;
      continue;
    }
    // One character, or a surrogate pair kept whole.
    const code = s.codePointAt(i);
    const len = code > 0xffff ? 2 : 1;
    push(out, 'punct', s.slice(i, Math.min(end, i + len)));
    i += len;
  }
}

function wordBefore(s, i, start) {
  return i > start && WORD_PART.test(s[i - 1]);
}

/** The end (exclusive) of a quoted run starting at s[i] === q; doubled quotes stay inside. */
function quoted(s, i, end, q, backslash) {
  let j = i + 1;
  while (j < end) {
    const ch = s[j];
    if (backslash && ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === q) {
      if (j + 1 < end && s[j + 1] === q) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return end;
}

/**
 * Splits a file's content into the header, each statement's block (its comment lines and SQL)
 * and what lies between, by finding each statement's SQL in order. Joined, the parts give the
 * content back; null when a statement cannot be found.
 */
export function segment(content, statements) {
  const bounds = statementBounds(content, statements);
  if (!bounds) return null;
  const segs = [];
  let cursor = 0;
  statements.forEach((stmt, k) => {
    const start = bounds[2 * k];
    const end = bounds[2 * k + 1];
    if (start > cursor) segs.push({ kind: segs.length ? 'gap' : 'text', text: content.slice(cursor, start) });
    segs.push({ kind: 'stmt', text: content.slice(start, end), stmt });
    cursor = end;
  });
  if (cursor < content.length) segs.push({ kind: 'gap', text: content.slice(cursor) });
  return segs;
}

/**
 * Where segment() puts each statement: [start, end) of statement k's block at 2k and 2k + 1 (from
 * the blank line before its comment to the end of its SQL), in order; null when a statement is
 * not in the text, in order. The blocks and the text between them make up `content`.
 */
export function statementBounds(content, statements) {
  const bounds = new Int32Array(statements.length * 2);
  let cursor = 0;
  for (let k = 0; k < statements.length; k++) {
    const sql = statements[k].sql;
    if (!sql) return null;
    const at = content.indexOf(sql, cursor);
    if (at === -1) return null;
    // The last blank line after the previous block that starts no later than this statement
    // (searched in a slice: a file without blank lines is not searched back to its start).
    const blank = content.slice(cursor, at + 2).lastIndexOf('\n\n');
    bounds[2 * k] = blank === -1 ? cursor : cursor + blank + 2;
    cursor = at + sql.length;
    bounds[2 * k + 1] = cursor;
  }
  return bounds;
}
