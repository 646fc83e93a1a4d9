// MySQL 8.0 syntax, checked without a MySQL server: MySQL Workbench's grammar (npm
// ts-mysql-parser, ANTLR) with its server version set to 8.0, so forms MariaDB accepts and MySQL
// rejects are errors. It checks whole files as the tools run them (Flyway and raw SQL split on `;`,
// Liquibase's formatted SQL with its `--rollback` lines) and, for every `PREPARE … FROM`, each
// statement the prepared string can hold: string literals are read as the server reads them,
// `IF`/`CASE`/`IFNULL`/`COALESCE` give every branch, `CONCAT`, `CONCAT_WS`, `REPLACE`, `QUOTE` and
// `GROUP_CONCAT` are evaluated, and values only known at run time (a column of information_schema)
// take representative values; `SET @v = …` and `SELECT … INTO @v` are followed. What it cannot
// evaluate is reported, never skipped.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  require.resolve('ts-mysql-parser');
} catch {
  throw new Error('the npm package ts-mysql-parser is missing: run npm ci (scripts/setup.sh does)');
}
const G = require('ts-mysql-parser/dist/grammar/MySQLParser.js');
const { MySQLLexer: L } = require('ts-mysql-parser/dist/grammar/MySQLLexer.js');
const { SqlMode } = require('ts-mysql-parser/dist/grammar/common.js');
const { versionToNumber } = require('ts-mysql-parser/dist/lib/version.js');
const { ParserErrorListener } = require('ts-mysql-parser/dist/listeners/parser-error-listener.js');
const { LexerErrorListener } = require('ts-mysql-parser/dist/listeners/lexer-error-listener.js');
const { default: Splitter } = require('ts-mysql-parser');
const {
  ANTLRInputStream, BailErrorStrategy, CommonTokenStream, DefaultErrorStrategy, ParserRuleContext, Token,
} = require('antlr4ts');
const { PredictionMode } = require('antlr4ts/atn/PredictionMode');

/**
 * The server version the grammar checks against: 8.0.19, the first release with everything the
 * generator writes (`ALTER TABLE … DROP CONSTRAINT` came in 8.0.19, expression defaults in
 * 8.0.13). The grammar knows releases up to 8.0.18; nothing it gates is newer.
 */
export const MYSQL_VERSION = '8.0.19';
const SERVER_VERSION = versionToNumber(MYSQL_VERSION);

/** MySQL 8.0's character sets (`SHOW CHARACTER SET`), for `_utf8mb4'…'` introducers. */
const CHARSETS = ['armscii8', 'ascii', 'big5', 'binary', 'cp1250', 'cp1251', 'cp1256', 'cp1257', 'cp850',
  'cp852', 'cp866', 'cp932', 'dec8', 'eucjpms', 'euckr', 'gb18030', 'gb2312', 'gbk', 'geostd8', 'greek',
  'hebrew', 'hp8', 'keybcs2', 'koi8r', 'koi8u', 'latin1', 'latin2', 'latin5', 'latin7', 'macce', 'macroman',
  'sjis', 'swe7', 'tis620', 'ucs2', 'ujis', 'utf16', 'utf16le', 'utf32', 'utf8', 'utf8mb3', 'utf8mb4']
  .map((c) => `_${c}`);

/**
 * The grammar's lexer, with one correction: MySQL reads a backtick doubled inside a quoted name as
 * one backtick (`` `a``b` `` is the name a`b), where the grammar's lexer sees two names, `` `a` ``
 * and `` `b` ``, side by side. Two quoted names with nothing between them are made one token again.
 */
class Lexer extends L {
  #held = null;

  nextToken() {
    let t = this.#held ?? super.nextToken();
    this.#held = null;
    while (t.type === L.BACK_TICK_QUOTED_ID) {
      const next = super.nextToken();
      if (next.type !== L.BACK_TICK_QUOTED_ID || next.startIndex !== t.stopIndex + 1) {
        this.#held = next;
        break;
      }
      t.stopIndex = next.stopIndex;
    }
    return t;
  }
}

function lexer(sql, version = SERVER_VERSION) {
  const lex = new Lexer(new ANTLRInputStream(sql));
  lex.serverVersion = version;
  lex.sqlMode = SqlMode.NoMode;
  lex.charsets = CHARSETS;
  lex.removeErrorListeners();
  return lex;
}

/**
 * Parses one statement as ts-mysql-parser's parse() does (fast SLL prediction first, full LL when
 * it fails), restarting the second pass from the first token, and without its reference listener.
 * Returns { tree, error } where error is the grammar's message or null. `version` is the server's
 * as a number (80019), for the test's own check that the version matters.
 */
function parse(sql, version = SERVER_VERSION) {
  const lex = lexer(sql, version);
  const tokens = new CommonTokenStream(lex);
  const parser = new G.MySQLParser(tokens);
  parser.serverVersion = version;
  parser.sqlMode = SqlMode.NoMode;
  parser.removeErrorListeners();
  const lexErrors = new LexerErrorListener(lex);
  const parseErrors = new ParserErrorListener();
  lex.addErrorListener(lexErrors);
  parser.addErrorListener(parseErrors);
  parser.interpreter.setPredictionMode(PredictionMode.SLL);
  parser.errorHandler = new BailErrorStrategy();
  let tree;
  try {
    tree = parser.query();
  } catch {
    lexErrors.error = undefined;
    parseErrors.error = undefined;
    parser.reset();
    parser.errorHandler = new DefaultErrorStrategy();
    parser.interpreter.setPredictionMode(PredictionMode.LL);
    tree = parser.query();
  }
  const e = lexErrors.error ?? parseErrors.error;
  if (e) {
    const tok = e.data?.offendingToken;
    const where = tok && tok.startIndex >= 0
      ? ` (at ${JSON.stringify(sql.slice(Math.max(0, tok.startIndex - 30), tok.stopIndex + 1))})` : '';
    return { tree, error: `${e.message}${where}` };
  }
  if (tokens.LA(1) !== Token.EOF) {
    return { tree, error: `more than one statement: the grammar stopped at offset ${tokens.get(tokens.index).startIndex}` };
  }
  return { tree, error: null };
}

/** The grammar's message for `sql` at another server version (`'5.7.7'`), without workarounds. */
export function errorAtVersion(sql, version) {
  return parse(sql, versionToNumber(version)).error;
}

/** Values the server supplies at run time, by the name of the column they come from. */
const RUN_TIME = (() => {
  // A reserved word, and a name with a space and a backtick: both need quoting, the second
  // escaping, wherever a statement is assembled from names.
  const names = ['order', 'a b`c'];
  const v = {};
  for (const c of ['table_schema', 'table_name', 'column_name', 'constraint_schema', 'constraint_name',
    'index_name', 'referenced_table_schema', 'referenced_table_name', 'referenced_column_name',
    'unique_constraint_schema', 'unique_constraint_name']) v[c] = names;
  // SET DEFAULT is left out: InnoDB refuses it, so the catalog never holds it.
  for (const c of ['delete_rule', 'update_rule']) v[c] = ['RESTRICT', 'CASCADE', 'SET NULL', 'NO ACTION'];
  v.column_type = ['int', 'bigint unsigned', 'varchar(255)', "enum('a','b''c')", 'decimal(10,2)'];
  // A foreign key set aside while its columns change type (smartspec_saved_foreign_keys): the
  // definition the migration's INSERT … SELECT assembles from key_column_usage and
  // referential_constraints, quoted and escaped as it quotes them; one column and two, a key to
  // the same database and to another.
  v.definition = [
    'CONSTRAINT `order` FOREIGN KEY (`a b``c`) REFERENCES `order` (`order`) ON DELETE SET NULL ON UPDATE CASCADE',
    'CONSTRAINT `a b``c` FOREIGN KEY (`order`, `a b``c`) REFERENCES `order`.`a b``c` (`order`, `a b``c`) ON DELETE NO ACTION ON UPDATE RESTRICT',
  ];
  v.is_nullable = ['YES', 'NO'];
  return v;
})();

/** More candidate strings than this for one expression is an error: the script is too clever. */
const MAX_VALUES = 512;

class Unknown extends Error {}

/** A string literal's value as the server reads it (default sql_mode: backslash escapes on). */
function unquote(text) {
  const q = text[0];
  const body = text.slice(1, -1);
  const esc = { 0: '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '%': '\\%', _: '\\_' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      const n = body[++i];
      out += esc[n] ?? n;
    } else if (c === q && body[i + 1] === q) {
      out += q;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** MySQL's QUOTE(): a string literal for the value. */
function quote(s) {
  return `'${s.replace(/[\\'\0\x1a]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\0': '\\0', '\x1a': '\\Z' })[c])}'`;
}

function product(lists, join) {
  let acc = [[]];
  for (const l of lists) {
    const next = [];
    for (const a of acc) for (const v of l) next.push([...a, v]);
    if (next.length > MAX_VALUES) throw new Unknown(`more than ${MAX_VALUES} candidate strings`);
    acc = next;
  }
  return acc.map(join);
}

function unique(values) {
  const u = [...new Set(values)];
  if (u.length > MAX_VALUES) throw new Unknown(`more than ${MAX_VALUES} candidate strings`);
  return u;
}

function childContexts(ctx) {
  const out = [];
  for (let i = 0; i < ctx.childCount; i++) {
    const c = ctx.getChild(i);
    if (c instanceof ParserRuleContext) out.push(c);
  }
  return out;
}

function identifierName(text) {
  return text.startsWith('`') ? text.slice(1, -1).replaceAll('``', '`') : text;
}

/**
 * Every string `ctx` (an expression) can evaluate to. `env` holds the user variables set before.
 * Throws Unknown for anything it cannot evaluate.
 */
function values(ctx, env) {
  if (ctx instanceof G.TextLiteralContext) {
    if (ctx.NCHAR_TEXT()) throw new Unknown(`N'…' literal: ${ctx.text}`);
    return [ctx.textStringLiteral().map((l) => unquote(l.text)).join('')];
  }
  if (ctx instanceof G.TextStringLiteralContext) return [unquote(ctx.text)];
  if (ctx instanceof G.SimpleExprColumnRefContext) {
    const parts = ctx.text.split('.');
    const name = identifierName(parts[parts.length - 1]).toLowerCase();
    const v = RUN_TIME[name];
    if (!v) throw new Unknown(`no representative value for the run-time value \`${ctx.text}\` (add one to RUN_TIME)`);
    return v;
  }
  if (ctx instanceof G.SimpleExprVariableContext) {
    const uv = ctx.variable().userVariable();
    if (!uv || ctx.variable().expr()) throw new Unknown(`variable ${ctx.text}`);
    const name = userVariableName(uv);
    if (!env.has(name)) throw new Unknown(`@${name} is used before any statement sets it`);
    return env.get(name);
  }
  if (ctx instanceof G.SimpleExprCaseContext) {
    const branches = [...ctx.thenExpression().map((t) => t.expr()), ctx.elseExpression()?.expr()].filter(Boolean);
    return unique(branches.flatMap((b) => values(b, env)));
  }
  if (ctx instanceof G.SubqueryContext) {
    const spec = onlySpecification(ctx);
    const items = spec.selectItemList().selectItem();
    if (items.length !== 1 || !items[0].expr()) throw new Unknown(`a subquery that does not select one value: ${ctx.text}`);
    return values(items[0].expr(), env);
  }
  if (ctx instanceof G.NumLiteralContext) return [ctx.text];
  if (ctx instanceof G.RuntimeFunctionCallContext || ctx instanceof G.FunctionCallContext || ctx instanceof G.SumExprContext) {
    return call(ctx, env);
  }
  // Wrappers: expression levels with a single operand, parentheses.
  const kids = childContexts(ctx);
  if (kids.length === 1 && ctx.childCount === 1) return values(kids[0], env);
  if (ctx instanceof G.SimpleExprListContext || ctx instanceof G.ExprWithParenthesesContext) {
    const list = ctx instanceof G.SimpleExprListContext ? ctx.exprList().expr() : [ctx.expr()];
    if (list.length === 1) return values(list[0], env);
  }
  throw new Unknown(`cannot evaluate \`${ctx.text}\` (${ctx.constructor.name})`);
}

/** Every context of class `type` in `ctx`, not looking inside subqueries. */
function findAll(ctx, type) {
  const out = [];
  const walk = (c) => {
    if (c instanceof type) out.push(c);
    else for (const k of childContexts(c)) if (!(k instanceof G.SubqueryContext)) walk(k);
  };
  walk(ctx);
  return out;
}

/** The one SELECT of a query (a UNION cannot be evaluated). */
function onlySpecification(ctx) {
  const specs = findAll(ctx instanceof G.SubqueryContext ? childContexts(ctx)[0] : ctx, G.QuerySpecificationContext);
  if (specs.length !== 1) throw new Unknown(`a query of ${specs.length} SELECTs: ${ctx.text}`);
  return specs[0];
}

function call(ctx, env) {
  let name;
  let args;
  if (ctx instanceof G.FunctionCallContext) {
    if (!ctx.pureIdentifier()) throw new Unknown(`function ${ctx.text}`);
    name = ctx.pureIdentifier().text.toUpperCase();
    args = ctx.udfExprList() ? ctx.udfExprList().udfExpr().map((u) => u.expr())
      : ctx.exprList() ? ctx.exprList().expr() : [];
  } else if (ctx instanceof G.RuntimeFunctionCallContext) {
    name = ctx._name.text.toUpperCase();
    args = ctx.exprList() ? ctx.exprList().expr() : ctx.expr();
    if (name === 'COALESCE') args = ctx.exprListWithParentheses().exprList().expr();
  } else {
    name = ctx._name.text.toUpperCase();
    // MIN and MAX of a text: one of the values the rows hold.
    if ((name === 'MIN' || name === 'MAX') && ctx.inSumExpr() && !ctx.windowingClause()) {
      return values(ctx.inSumExpr().expr(), env);
    }
    if (name !== 'GROUP_CONCAT') throw new Unknown(`aggregate ${ctx.text}`);
    const sep = ctx.textString() ? values(ctx.textString().textStringLiteral(), env)[0] : ',';
    const items = product(ctx.exprList().expr().map((e) => values(e, env)), (p) => p.join(''));
    // One row, and two: the separator between them.
    return unique(items.flatMap((v) => [v, v + sep + v]));
  }
  const all = () => args.map((a) => values(a, env));
  switch (name) {
    case 'IF':
      return unique([...values(args[1], env), ...values(args[2], env)]);
    case 'IFNULL':
    case 'COALESCE':
      return unique(all().flat());
    case 'CONCAT':
      return product(all(), (p) => p.join(''));
    case 'CONCAT_WS': {
      const [sep, ...rest] = all();
      return product([sep, ...rest], ([s, ...p]) => p.join(s));
    }
    case 'REPLACE':
      return product(all(), ([s, from, to]) => s.replaceAll(from, to));
    case 'LEFT': {
      const [str, len] = all();
      if (len.length !== 1 || !/^\d+$/.test(len[0])) throw new Unknown(`LEFT() of a length not a number: ${ctx.text}`);
      // MySQL counts characters; these strings are ASCII.
      return unique(str.map((v) => [...v].slice(0, Number(len[0])).join('')));
    }
    case 'RTRIM':
      return values(args[0], env).map((v) => v.replace(/ +$/, ''));
    case 'QUOTE':
      return values(args[0], env).map(quote);
    case 'UPPER':
    case 'UCASE':
      return values(args[0], env).map((s) => s.toUpperCase());
    case 'LOWER':
    case 'LCASE':
      return values(args[0], env).map((s) => s.toLowerCase());
    default:
      throw new Unknown(`function ${name}() in \`${ctx.text}\``);
  }
}

function userVariableName(uv) {
  const t = uv.text.slice(1);
  return (/^[`'"]/.test(t) ? unquote(t) : t).toLowerCase();
}

function tokens(sql) {
  return lexer(sql).getAllTokens().filter((t) => t.channel === Token.DEFAULT_CHANNEL);
}

/**
 * Where the grammar is behind MySQL 8.0 or wrong, a statement it rejects is parsed again with the
 * form it cannot read replaced by one of the same shape that it can; each replacement is exact, so
 * nothing broader than the form itself is accepted and the rest of the statement is still checked.
 * Each returns the rewritten statement, or null when the form is not there.
 */
const WORKAROUNDS = {
  /**
   * `ALTER TABLE … DROP CHECK name` (MySQL 8.0.16) and `ALTER TABLE … DROP CONSTRAINT name`
   * (8.0.19): the grammar predates both. Exactly these forms: in an ALTER TABLE, outside
   * parentheses, DROP, then CHECK or CONSTRAINT, then one identifier, then `,` or the end. The
   * clause is read as `DROP FOREIGN KEY name`, the same shape; anything else (MariaDB's `DROP
   * CHECK IF EXISTS x`, say) stays an error.
   */
  'DROP CHECK / DROP CONSTRAINT (8.0.16 / 8.0.19)': (sql, t) => {
    if (t[0]?.type !== L.ALTER_SYMBOL || t[1]?.type !== L.TABLE_SYMBOL) return null;
    let depth = 0;
    const edits = [];
    for (let i = 2; i < t.length; i++) {
      if (t[i].type === L.OPEN_PAR_SYMBOL) depth++;
      if (t[i].type === L.CLOSE_PAR_SYMBOL) depth--;
      if (depth !== 0 || t[i].type !== L.DROP_SYMBOL) continue;
      const [kind, name, next] = [t[i + 1], t[i + 2], t[i + 3]];
      if (![L.CHECK_SYMBOL, L.CONSTRAINT_SYMBOL].includes(kind?.type)) continue;
      if (![L.BACK_TICK_QUOTED_ID, L.IDENTIFIER].includes(name?.type)) continue;
      if (next && next.type !== L.COMMA_SYMBOL) continue;
      edits.push([kind, 'FOREIGN KEY']);
    }
    return edit(sql, edits);
  },
  /**
   * Temporal literals, `DATE '2020-01-01'`, `TIME '…'`, `TIMESTAMP '…'` (MySQL 8.0 Reference
   * Manual, Date and Time Literals): the grammar rejects them inside parentheses after an operator
   * (`CHECK (d >= DATE '2020-01-01')`, which MySQL 8 runs: sqldef's TypedLiteralsInCheck, from its
   * MySQL 8 suite). A temporal literal and a string literal are both a `literal` in MySQL's grammar
   * and this one, so the literal is read as its string; not where strings beside it would join it
   * into one (`'a' DATE 'b'`, `DATE 'a' 'b'`, `_utf8mb4 DATE 'a'` are errors and stay errors).
   */
  'temporal literal in parentheses': (sql, t) => {
    const text = [L.SINGLE_QUOTED_TEXT, L.DOUBLE_QUOTED_TEXT, L.NCHAR_TEXT, L.UNDERSCORE_CHARSET];
    const edits = [];
    for (let i = 0; i + 1 < t.length; i++) {
      if (![L.DATE_SYMBOL, L.TIME_SYMBOL, L.TIMESTAMP_SYMBOL].includes(t[i].type)) continue;
      if (t[i + 1].type !== L.SINGLE_QUOTED_TEXT) continue;
      if (text.includes(t[i - 1]?.type) || text.includes(t[i + 2]?.type)) continue;
      edits.push([t[i], '']);
    }
    return edit(sql, edits);
  },
};

/** `sql` with each token replaced by its text, or null when there is nothing to replace. */
function edit(sql, edits) {
  if (!edits.length) return null;
  let out = '';
  let at = 0;
  for (const [token, text] of edits) {
    out += sql.slice(at, token.startIndex) + text;
    at = token.stopIndex + 1;
  }
  return out + sql.slice(at);
}

/** How many statements each workaround let through. */
export const workaroundsUsed = Object.fromEntries(Object.keys(WORKAROUNDS).map((k) => [k, 0]));

/**
 * Checks one statement (no `;`) against the grammar: null when MySQL 8.0 accepts it, else the
 * parser's message, with the WORKAROUNDS above.
 */
export function statementError(sql) {
  const first = parse(sql);
  if (!first.error) return first;
  const t = tokens(sql);
  let rewritten = sql;
  const used = [];
  for (const [name, workaround] of Object.entries(WORKAROUNDS)) {
    const r = workaround(rewritten, rewritten === sql ? t : tokens(rewritten));
    if (r !== null) {
      rewritten = r;
      used.push(name);
    }
  }
  if (used.length) {
    const second = parse(rewritten);
    if (!second.error) {
      for (const name of used) workaroundsUsed[name]++;
      return second;
    }
  }
  return { error: first.error, tree: null };
}

const splitter = new Splitter({ version: MYSQL_VERSION });

/** The statements of a script as the mysql client and Flyway split it (`;` outside quotes and comments). */
export function splitStatements(text) {
  return splitter.splitStatements(text).map((s) => s.text.trim()).filter((s) => s !== '');
}

/** The grammar's verdict on a statement PREPARE runs, by its text (the same ones recur often). */
const preparedErrors = new Map();

function preparedError(sql) {
  if (!preparedErrors.has(sql)) preparedErrors.set(sql, statementError(sql).error);
  return preparedErrors.get(sql);
}

/**
 * What one statement is, by its text, when it does not depend on the variables set before it:
 * { error } for any statement; `set`, the user variables it sets and what each can hold (an
 * Unknown when that cannot be told); `prepare`, the statements a PREPARE runs from a literal,
 * or the variable it runs from.
 */
const analyses = new Map();

function analyse(sql, env) {
  const cached = analyses.get(sql);
  if (cached) return cached;
  const { error, tree } = statementError(sql);
  const out = { error, set: null, prepare: null };
  let readsEnv = false;
  const view = {
    has: (n) => { readsEnv = true; return env.has(n); },
    get: (n) => { readsEnv = true; return env.get(n); },
  };
  const simple = tree?.simpleStatement?.();
  const set = simple?.setStatement?.();
  const prep = simple?.preparedStatement?.();
  if (set) {
    // `SET @var = expr[, …]`; system variables are left alone.
    const start = set.startOptionValueList();
    const assignments = [start?.optionValueNoOptionType?.(),
      ...(start?.optionValueListContinued?.()?.optionValue() ?? []).map((o) => o.optionValueNoOptionType())];
    out.set = [];
    for (const a of assignments) {
      if (!a?.userVariable()) continue;
      let v;
      try {
        v = values(a.expr(), view);
      } catch (e) {
        if (!(e instanceof Unknown)) throw e;
        v = e;
      }
      out.set.push([userVariableName(a.userVariable()), v]);
    }
  } else if (simple?.selectStatement?.()) {
    // `SELECT a, b INTO @x, @y …`: each variable holds what its item can be.
    const into = findAll(simple.selectStatement(), G.IntoClauseContext)[0];
    const vars = into?.userVariable?.() ?? [];
    if (vars.length) {
      out.set = [];
      let items = null;
      try {
        items = onlySpecification(simple.selectStatement()).selectItemList().selectItem();
        if (items.length !== vars.length) throw new Unknown(`${items.length} values INTO ${vars.length} variables`);
      } catch (e) {
        if (!(e instanceof Unknown)) throw e;
        for (const uv of vars) out.set.push([userVariableName(uv), e]);
        items = null;
      }
      vars.forEach((uv, i) => {
        if (!items) return;
        let v;
        try {
          if (!items[i].expr()) throw new Unknown(`${items[i].text} INTO @${userVariableName(uv)}`);
          v = values(items[i].expr(), view);
        } catch (e) {
          if (!(e instanceof Unknown)) throw e;
          v = e;
        }
        out.set.push([userVariableName(uv), v]);
      });
    }
  } else if (prep?.FROM_SYMBOL()) {
    if (prep.textLiteral()) out.prepare = { source: 'the literal', candidates: values(prep.textLiteral(), view) };
    else out.prepare = { variable: userVariableName(prep.userVariable()) };
  }
  if (!readsEnv) analyses.set(sql, out);
  return out;
}

/**
 * A checker that keeps the user variables a script sets, so `PREPARE … FROM @var` can be
 * followed. `check(sql)` returns the problems of one statement: its own syntax, and the syntax
 * of every statement a PREPARE in it can run.
 */
export class Checker {
  constructor() {
    this.env = new Map();
    this.counts = { statements: 0, prepared: 0 };
  }

  check(sql) {
    this.counts.statements++;
    const a = analyse(sql, this.env);
    if (a.error) return [{ statement: sql, message: a.error }];
    for (const [name, v] of a.set ?? []) this.env.set(name, v);
    if (!a.prepare) return [];
    let { source, candidates } = a.prepare;
    if (a.prepare.variable !== undefined) {
      const name = a.prepare.variable;
      source = `@${name}`;
      candidates = this.env.get(name);
      if (candidates instanceof Error) {
        return [{ statement: sql, message: `cannot tell which statement PREPARE runs: @${name} is ${candidates.message}` }];
      }
      if (!candidates) return [{ statement: sql, message: `PREPARE from @${name}, which no statement before it sets` }];
    }
    const problems = [];
    for (const c of candidates) {
      this.counts.prepared++;
      const error = preparedError(c);
      if (error) problems.push({ statement: c, message: `${error} [a statement PREPARE runs from ${source}]` });
    }
    return problems;
  }
}

/** Checks a whole SQL file (Flyway, raw SQL): every statement, in order. */
export function checkScript(text) {
  const checker = new Checker();
  const problems = splitStatements(text).flatMap((s) => checker.check(s));
  return { problems, ...checker.counts };
}

/**
 * Checks a Liquibase formatted-SQL changelog as Liquibase reads it: each changeset's body, its
 * `--rollback` lines joined, and the query of its `--precondition-sql-check`, each split on `;`
 * and checked as a script of its own.
 */
export function checkChangelog(text) {
  const sets = [];
  for (const line of text.split('\n')) {
    if (/^--\s*changeset\s/i.test(line)) sets.push({ body: [], rollback: [], precondition: [] });
    else if (!sets.length) continue;
    else if (/^--\s*rollback\s/i.test(line)) sets.at(-1).rollback.push(line.replace(/^--\s*rollback\s/i, ''));
    else if (/^--\s*precondition-sql-check\s/i.test(line)) {
      sets.at(-1).precondition.push(line.replace(/^--\s*precondition-sql-check\s+(expectedResult:\S+\s+)?/i, ''));
    } else if (!/^--\s*(comment:|preconditions\s)/i.test(line)) sets.at(-1).body.push(line);
  }
  const out = { problems: [], statements: 0, prepared: 0, changesets: sets.length };
  for (const s of sets) {
    for (const [what, lines] of [['changeset', s.body], ['rollback', s.rollback], ['precondition', s.precondition]]) {
      const r = checkScript(lines.join('\n'));
      out.problems.push(...r.problems.map((p) => ({ ...p, message: `${p.message} [${what}]` })));
      out.statements += r.statements;
      out.prepared += r.prepared;
    }
  }
  return out;
}
