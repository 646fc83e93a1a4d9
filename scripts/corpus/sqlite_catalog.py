"""Reads a SQLite database's catalog into the report contract's Table objects.

Used by the report writer (sqlite_report.py) and by the SQLite oracle (tests/support/sqlite_oracle.py).
Everything comes from the engine: `sqlite_schema`, `pragma_table_xinfo`, `pragma_foreign_key_list`,
`pragma_index_list`, `pragma_index_xinfo`. What the pragmas do not show (constraint names, checks,
AUTOINCREMENT, COLLATE, ON CONFLICT, DEFERRABLE) is read from the table's own SQL text as the engine
stores it, with a small tokenizer that only splits the statement into its column and constraint items.

read_catalog(conn) -> (tables: {name: Table}, outside: [reason, ...])

`outside` lists every feature outside the report contract (see tests/corpus/README.md); a case whose
`before` or `desired` has any is not kept in the corpus.
"""

import re

TYPE_RE = re.compile(r"^[a-z_][a-z0-9_]*( [a-z_][a-z0-9_]*)*(\(\d+(,-?\d+)?\))?$")
CONSTRAINT_WORDS = {
    "constraint", "primary", "not", "null", "unique", "check", "default", "collate",
    "references", "generated", "as",
}
TABLE_CONSTRAINT_WORDS = {"constraint", "primary", "unique", "check", "foreign"}
ACTIONS = {
    "CASCADE": "cascade", "SET NULL": "set_null", "SET DEFAULT": "set_default",
    "RESTRICT": "restrict", "NO ACTION": "no_action",
}
EXPRESSION_DEFAULTS = {"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"}


class Tok:
    __slots__ = ("kind", "text", "start", "end")

    def __init__(self, kind, text, start, end):
        self.kind, self.text, self.start, self.end = kind, text, start, end

    @property
    def word(self):
        """The lower-cased keyword for a bare word, else None."""
        return self.text.lower() if self.kind == "word" else None

    @property
    def ident(self):
        """The identifier this token names (quotes removed), or None."""
        if self.kind == "word":
            return self.text
        if self.kind == "quoted":
            q = self.text[0]
            close = "]" if q == "[" else q
            return self.text[1:-1].replace(close * 2, close) if q != "[" else self.text[1:-1]
        if self.kind == "string":  # SQLite accepts 'name' where an identifier is expected
            return self.text[1:-1].replace("''", "'")
        return None


def tokenize(sql):
    toks, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while True:
                k = sql.find(close, j)
                if k < 0:
                    raise ValueError("unterminated quote")
                if close != "]" and k + 1 < n and sql[k + 1] == close:
                    j = k + 2
                    continue
                break
            toks.append(Tok("string" if c == "'" else "quoted", sql[i:k + 1], i, k + 1))
            i = k + 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            toks.append(Tok("word", sql[i:j], i, j))
            i = j
        elif c.isdigit() or (c == "." and i + 1 < n and sql[i + 1].isdigit()):
            m = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?").match(sql, i)
            toks.append(Tok("number", m.group(0), i, m.end()))
            i = m.end()
        else:
            toks.append(Tok("punct", c, i, i + 1))
            i += 1
    return toks


def split_items(toks, start):
    """Items between the parenthesis at toks[start] and its match, split at depth-0 commas.
    Returns (items, index after the closing parenthesis)."""
    depth, items, cur = 0, [], []
    i = start
    while i < len(toks):
        t = toks[i]
        if t.text == "(" and t.kind == "punct":
            depth += 1
            if depth > 1:
                cur.append(t)
        elif t.text == ")" and t.kind == "punct":
            depth -= 1
            if depth == 0:
                items.append(cur)
                return items, i + 1
            cur.append(t)
        elif t.text == "," and t.kind == "punct" and depth == 1:
            items.append(cur)
            cur = []
        else:
            cur.append(t)
        i += 1
    raise ValueError("unbalanced parentheses")


def matching(toks, i):
    """Index of the parenthesis that closes toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == "punct" and toks[j].text == "(":
            depth += 1
        elif toks[j].kind == "punct" and toks[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced parentheses")


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def ident_list(toks):
    return [t.ident for t in toks if t.ident is not None and t.kind != "punct"]


def parse_table_sql(sql):
    """What the pragmas do not say: names, checks, AUTOINCREMENT, and features outside the
    contract. Returns dict(checks, uniques, fks, autoincrement, outside)."""
    toks = tokenize(sql)
    out = {"checks": [], "uniques": [], "fks": [], "autoincrement": set(), "outside": []}
    i = next(k for k, t in enumerate(toks) if t.kind == "punct" and t.text == "(")
    items, after = split_items(toks, i)
    if toks[i - 1].word == "as":
        out["outside"].append("CREATE TABLE ... AS SELECT")
        return out
    tail = {t.word for t in toks[after:] if t.word}
    if "without" in tail:
        out["outside"].append("WITHOUT ROWID table")
    if "strict" in tail:
        out["outside"].append("STRICT table")
    words = {t.word for t in toks if t.word}
    if "collate" in words:
        out["outside"].append("COLLATE")
    if "conflict" in words:
        out["outside"].append("ON CONFLICT clause")
    if "deferrable" in words:
        out["outside"].append("DEFERRABLE foreign key")
    if "match" in words:
        out["outside"].append("foreign key MATCH clause")
    for item in items:
        if not item:
            raise ValueError("empty item")
        table_level = item[0].word in TABLE_CONSTRAINT_WORDS
        column = None if table_level else item[0].ident
        k = 0 if table_level else 1
        name = None
        while k < len(item):
            t = item[k]
            w = t.word
            if w == "constraint":
                name = item[k + 1].ident
                k += 2
                continue
            if w == "check":
                j = matching(item, k + 1)
                out["checks"].append({"name": name, "expression": collapse(sql[item[k + 1].end:item[j].start])})
                name, k = None, j + 1
                continue
            if w == "unique":
                if table_level:
                    j = matching(item, k + 1)
                    cols = ident_list(item[k + 2:j])
                    k = j + 1
                else:
                    cols, k = [column], k + 1
                out["uniques"].append({"name": name, "columns": cols})
                name = None
                continue
            if w == "primary":
                k += 2
                if table_level:
                    k = matching(item, k) + 1
                while k < len(item) and item[k].word in ("asc", "desc", "autoincrement"):
                    if item[k].word == "desc":
                        out["outside"].append("PRIMARY KEY DESC")
                    if item[k].word == "autoincrement":
                        out["autoincrement"].add(column)
                    k += 1
                name = None
                continue
            if w in ("foreign", "references"):
                if w == "foreign":
                    j = matching(item, k + 2)
                    cols = ident_list(item[k + 3:j])
                    k = j + 1  # at REFERENCES
                else:
                    cols = [column]
                ref = item[k + 1].ident
                k += 2
                ref_cols = None
                if k < len(item) and item[k].kind == "punct" and item[k].text == "(":
                    j = matching(item, k)
                    ref_cols = ident_list(item[k + 1:j])
                    k = j + 1
                while k < len(item) and item[k].word in ("on", "set", "null", "default", "cascade", "restrict", "no", "action", "delete", "update"):
                    k += 1
                out["fks"].append({"name": name, "columns": cols, "table": ref, "ref_columns": ref_cols})
                name = None
                continue
            if w == "default":
                k += 1
                if k < len(item) and item[k].kind == "punct" and item[k].text == "(":
                    k = matching(item, k) + 1
                elif k < len(item) and item[k].kind == "punct" and item[k].text in "+-":
                    k += 2
                else:
                    k += 1
                name = None
                continue
            k += 1
    return out


def normalize_type(declared):
    """The declared type, lower-cased, whitespace collapsed, no spaces inside its parentheses."""
    t = collapse(declared.lower())
    t = re.sub(r"\s*\(\s*", "(", t)
    t = re.sub(r"\s*,\s*", ",", t)
    t = re.sub(r"\s*\)", ")", t)
    return t


def parse_default(dflt):
    """pragma_table_info.dflt_value -> (Default or None, outside reason or None)."""
    if dflt is None:
        return None, None
    s = dflt.strip()
    if len(s) >= 2 and s[0] == "'" and s[-1] == "'" and "'" not in s[1:-1].replace("''", ""):
        return {"kind": "literal", "value": s[1:-1].replace("''", "'")}, None
    if re.fullmatch(r"[+-]?\d+", s):
        return {"kind": "literal", "value": int(s)}, None
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+", s):
        v = float(s)
        return {"kind": "literal", "value": v}, None
    if s.upper() in EXPRESSION_DEFAULTS:
        return {"kind": "expression", "value": s.upper()}, None
    return None, f"default {s}"


def q(name):
    return '"' + name.replace('"', '""') + '"'


def read_catalog(conn):
    tables, outside = {}, []
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    for typ, name, _tbl, sql in rows:
        if typ in ("view", "trigger"):
            outside.append(f"{typ} {name}")
        elif typ == "table" and sql and re.match(r"\s*CREATE\s+VIRTUAL", sql, re.I):
            outside.append(f"virtual table {name}")
    lower_names = {}
    for typ, name, _tbl, sql in rows:
        if typ != "table" or re.match(r"\s*CREATE\s+VIRTUAL", sql or "", re.I):
            continue
        lower_names.setdefault(name.lower(), []).append(name)
        try:
            parsed = parse_table_sql(sql)
        except (ValueError, IndexError, StopIteration) as e:
            outside.append(f"table {name}: SQL not understood ({e})")
            continue
        outside.extend(f"table {name}: {r}" for r in parsed["outside"])
        cols, pk = [], []
        for cid, cname, ctype, notnull, dflt, pkpos, hidden in conn.execute(
            f"SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo({lit(name)}) ORDER BY cid"
        ):
            if hidden:
                outside.append(f"table {name}: hidden or generated column {cname}")
                continue
            t = normalize_type(ctype or "")
            if not t:
                outside.append(f"table {name}: column {cname} has no declared type")
            elif not TYPE_RE.match(t):
                outside.append(f"table {name}: column {cname} type {t}")
            default, why = parse_default(dflt)
            if why:
                outside.append(f"table {name}: column {cname} {why}")
            col = {"name": cname, "type": t, "nullable": not notnull, "default": default}
            if cname in parsed["autoincrement"]:
                col["auto_increment"] = True
            cols.append(col)
            if pkpos:
                pk.append((pkpos, cname))
        table = {"name": name, "columns": cols}
        if pk:
            table["primary_key"] = {"columns": [c for _, c in sorted(pk)]}
        fks = {}
        for fid, seq, ref, frm, to, on_update, on_delete, match in conn.execute(
            f"SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, match FROM pragma_foreign_key_list({lit(name)}) ORDER BY id, seq"
        ):
            fk = fks.setdefault(fid, {"columns": [], "table": ref, "to": [], "on_delete": ACTIONS[on_delete], "on_update": ACTIONS[on_update]})
            fk["columns"].append(frm)
            fk["to"].append(to)
        table["_fks"] = fks
        table["_parsed"] = parsed
        uniques, indexes = [], []
        for _seq, iname, unique, origin, partial in conn.execute(
            f"SELECT seq, name, \"unique\", origin, partial FROM pragma_index_list({lit(name)})"
        ):
            icols = []
            for _s, cid, cname, desc, coll, key in conn.execute(
                f"SELECT seqno, cid, name, \"desc\", coll, key FROM pragma_index_xinfo({lit(iname)}) ORDER BY seqno"
            ):
                if not key:
                    continue
                if cid < 0 or cname is None:
                    outside.append(f"index {iname}: expression or rowid column")
                if desc:
                    outside.append(f"index {iname}: DESC column")
                if coll and coll.upper() != "BINARY":
                    outside.append(f"index {iname}: collation {coll}")
                icols.append(cname)
            if partial:
                outside.append(f"index {iname}: partial index")
            if origin == "u":
                uniques.append(icols)
            elif origin == "c":
                indexes.append({"name": iname, "columns": icols, "unique": bool(unique)})
        table["_uniques"] = uniques
        table["indexes"] = sorted(indexes, key=lambda x: x["name"])
        tables[name] = table
    for low, names in lower_names.items():
        if len(names) > 1:
            outside.append(f"tables differ only in case: {names}")
    for table in tables.values():
        finish_table(table, tables, outside)
    return tables, outside


def finish_table(table, tables, outside):
    name = table["name"]
    parsed = table.pop("_parsed")
    # foreign keys: columns and actions from the pragma, names from the SQL
    named = list(parsed["fks"])
    fks = []
    pragma = [fk for _, fk in sorted(table.pop("_fks").items())]
    used = [False] * len(named)
    for fk in pragma:
        parent = find_table(tables, fk["table"])
        to = fk["to"]
        if parent is None:
            outside.append(f"table {name}: foreign key to missing table {fk['table']}")
            continue
        if any(t is None for t in to):
            pkcols = parent.get("primary_key", {}).get("columns")
            if not pkcols or len(pkcols) != len(fk["columns"]):
                outside.append(f"table {name}: foreign key to {fk['table']} without columns and no matching primary key")
                continue
            to = pkcols
        parent_cols = {c["name"].lower(): c["name"] for c in parent["columns"]}
        if any(t.lower() not in parent_cols for t in to):
            outside.append(f"table {name}: foreign key to missing columns {fk['table']}{to}")
            continue
        fname = None
        for k, d in enumerate(named):
            if not used[k] and [c.lower() for c in d["columns"]] == [c.lower() for c in fk["columns"]] and d["table"].lower() == fk["table"].lower():
                used[k] = True
                fname = d["name"]
                break
        out = {}
        if fname is not None:
            out["name"] = fname
        out["columns"] = fk["columns"]
        out["references"] = {"table": parent["name"], "columns": [parent_cols[t.lower()] for t in to]}
        out["on_delete"] = fk["on_delete"]
        out["on_update"] = fk["on_update"]
        fks.append(out)
    table["foreign_keys"] = sorted(fks, key=fk_key)
    # unique constraints: column lists from the pragma, names from the SQL
    uniques = []
    declared = list(parsed["uniques"])
    dused = [False] * len(declared)
    for cols in table.pop("_uniques"):
        uname = None
        for k, d in enumerate(declared):
            if not dused[k] and [c.lower() for c in d["columns"]] == [c.lower() for c in cols]:
                dused[k] = True
                uname = d["name"]
                break
        u = {}
        if uname is not None:
            u["name"] = uname
        u["columns"] = cols
        uniques.append(u)
    table["unique_constraints"] = sorted(uniques, key=lambda u: (u.get("name") or "", u["columns"]))
    checks = []
    for c in parsed["checks"]:
        ch = {}
        if c["name"] is not None:
            ch["name"] = c["name"]
        ch["expression"] = c["expression"]
        checks.append(ch)
    table["checks"] = sorted(checks, key=lambda c: (c.get("name") or "", c["expression"]))
    order = ["name", "columns", "primary_key", "foreign_keys", "unique_constraints", "indexes", "checks"]
    for k in list(table):
        if k not in order:
            del table[k]
    items = {k: table[k] for k in order if k in table}
    table.clear()
    table.update(items)


def fk_key(fk):
    return (fk.get("name") or "", fk["columns"], fk["references"]["table"], fk["references"]["columns"], fk["on_delete"], fk["on_update"])


def find_table(tables, name):
    if name in tables:
        return tables[name]
    for t in tables.values():
        if t["name"].lower() == name.lower():
            return t
    return None


def lit(s):
    return "'" + s.replace("'", "''") + "'"
