#!/usr/bin/env python3
"""The SQLite oracle's engine side (tests/sqlite-convergence.test.mjs drives it).

Reads one JSON job per line on stdin and answers one JSON line on stdout. Runs on Python's sqlite3
module, which links the system's SQLite library (Debian's libsqlite3 3.40.1, the one the sqlite3 CLI
uses), so each connection's `PRAGMA foreign_keys` and each transaction are under exact control.

A job:
  {"before": sql, "desired": sql, "fk": "on" | "off" | "d1",
   "up": [File], "down": [File] | null, "rows": 3}
  File = {"name", "sql", "tx": true | false}   tx: run inside BEGIN ... COMMIT (a failure rolls back)

What it does (each step's result is in the answer; the test judges):
  1. Builds the reference catalogs from `before` and `desired` in fresh in-memory databases.
  2. Loads `before` into a fresh database, inserts `rows` rows in every table (respecting types,
     NOT NULL, checks, uniques and foreign keys; children point at their parents' rows), then sets
     PRAGMA foreign_keys as asked ("d1": ON, and every file runs inside a transaction, where SQLite
     ignores PRAGMA foreign_keys, as Cloudflare D1 does).
  3. up: applies the files in order; compares the catalog with `desired`'s; checks that every row is
     still there with its values (columns that exist in `before` and in `desired`); runs
     PRAGMA foreign_key_check.
  4. rerun: applies the files again; it must either succeed and change nothing, or fail and change
     nothing (catalog and rows).
  5. down: applies the down files; compares the catalog with `before`'s, and the rows again.
"""

import json
import os
import re
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "corpus"))
from sqlite_catalog import read_catalog  # noqa: E402


def q(name):
    return '"' + name.replace('"', '""') + '"'


def connect():
    return sqlite3.connect(":memory:", isolation_level=None)


def catalog_of(conn):
    tables, outside = read_catalog(conn)
    return {"tables": tables, "outside": sorted(outside)}


def reference(sql):
    conn = connect()
    try:
        conn.executescript(sql)
        return catalog_of(conn)
    finally:
        conn.close()


# --- comparing catalogs ----------------------------------------------------------------------------


def strip_name(x):
    return {k: v for k, v in x.items() if k != "name"}


def compare_lists(where, got, want):
    """Constraint lists: the definitions must match one for one; a name is compared where the
    reference (`want`) gives one, since an unnamed constraint's name is the generator's choice."""
    out = []
    g = sorted(json.dumps(strip_name(x), sort_keys=True) for x in got)
    w = sorted(json.dumps(strip_name(x), sort_keys=True) for x in want)
    if g != w:
        out.append(f"{where}: {json.dumps(g)} != {json.dumps(w)}")
        return out
    for x in want:
        if x.get("name") is not None:
            if not any(y.get("name") == x["name"] and strip_name(y) == strip_name(x) for y in got):
                out.append(f"{where}: {x['name']} missing or renamed")
    return out


def compare(got, want):
    """Differences between two catalogs (what equal means: tests/README.md, SQLite)."""
    out = []
    if got["outside"] != want["outside"]:
        out.append(f"objects outside the contract: {got['outside']} != {want['outside']}")
    gt, wt = got["tables"], want["tables"]
    for name in sorted(set(gt) | set(wt)):
        if name not in gt:
            out.append(f"table {name} is missing")
            continue
        if name not in wt:
            out.append(f"table {name} should not exist")
            continue
        a, b = gt[name], wt[name]
        acols = {c["name"]: c for c in a["columns"]}
        bcols = {c["name"]: c for c in b["columns"]}
        for c in sorted(set(acols) | set(bcols)):
            if c not in acols:
                out.append(f"{name}.{c} is missing")
            elif c not in bcols:
                out.append(f"{name}.{c} should not exist")
            elif acols[c] != bcols[c]:
                out.append(f"{name}.{c}: {json.dumps(acols[c])} != {json.dumps(bcols[c])}")
        if a.get("primary_key") != b.get("primary_key"):
            out.append(f"{name} primary key: {a.get('primary_key')} != {b.get('primary_key')}")
        for field in ("foreign_keys", "unique_constraints", "checks"):
            out.extend(compare_lists(f"{name} {field}", a.get(field, []), b.get(field, [])))
        if a.get("indexes") != b.get("indexes"):
            out.append(f"{name} indexes: {json.dumps(a.get('indexes'))} != {json.dumps(b.get('indexes'))}")
    return out


# --- rows ------------------------------------------------------------------------------------------


def literals(expressions):
    out = []
    for e in expressions:
        for m in re.finditer(r"'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)", e):
            if m.group(1) is not None:
                out.append(m.group(1).replace("''", "'"))
            else:
                n = float(m.group(2))
                for v in (n, n + 1, n - 1, n * 2 + 1):
                    out.append(int(v) if v == int(v) else v)
    return out


def base_value(col, i):
    t = col["type"]
    n = i + 1
    if "int" in t:
        return n
    if "bool" in t:
        return i % 2
    if "blob" in t or "binary" in t or "bytea" in t:
        return bytes([n, 0, 255])
    if "real" in t or "floa" in t or "doub" in t:
        return n + 0.5
    if "dec" in t or "numeric" in t or "money" in t:
        return n + 0.25
    if "uuid" in t:
        return f"00000000-0000-4000-8000-{n:012d}"
    if "json" in t:
        return json.dumps({"k": n})
    if "datetime" in t or "timestamp" in t:
        return f"2024-01-{n:02d} 10:00:00"
    if "date" in t:
        return f"2024-01-{n:02d}"
    if "time" in t:
        return f"10:{n:02d}:00"
    return f"{col['name'][:12]} {n}"


def topo(tables):
    order, state = [], {}

    def visit(n):
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            return  # a cycle: the caller's values are predicted, checked after
        state[n] = 1
        for fk in tables[n]["foreign_keys"]:
            if fk["references"]["table"] in tables and fk["references"]["table"] != n:
                visit(fk["references"]["table"])
        state[n] = 2
        order.append(n)

    for n in sorted(tables):
        visit(n)
    return order


def seed(conn, tables, count, desired_sql=None):
    """Inserts `count` rows in every table, foreign keys off while seeding (cycles), then checks them.
    Where it can, it picks values that `desired`'s constraints accept too (a new CHECK, a new NOT NULL):
    each row is also inserted into a scratch database built from `desired`, and a value that fails
    there is replaced by one that passes both, when one of the candidates does."""
    conn.execute("PRAGMA foreign_keys = OFF")
    other = None
    if desired_sql is not None:
        other = connect()
        other.executescript(desired_sql)
        other.execute("PRAGMA foreign_keys = OFF")
        other_tables = read_catalog(other)[0]
    try:
        return seed_tables(conn, tables, count, other, other_tables if other else {})
    finally:
        if other:
            other.close()


def seed_tables(conn, tables, count, other, other_tables):
    inserted = {}
    for name in topo(tables):
        t = tables[name]
        cols = t["columns"]
        keycols = set(t.get("primary_key", {}).get("columns", []))
        for u in t["unique_constraints"]:
            keycols.update(u["columns"])
        fkcols = {}
        for fk in t["foreign_keys"]:
            for c, r in zip(fk["columns"], fk["references"]["columns"]):
                fkcols[c] = (fk["references"]["table"], r)
        ot = other_tables.get(name)
        cands = literals([c["expression"] for c in t["checks"]] + [c["expression"] for c in (ot or {}).get("checks", [])])
        osql = None
        if ot:
            shared = [c["name"] for c in cols if any(c["name"] == x["name"] for x in ot["columns"])]
            extra = [x for x in ot["columns"] if x["name"] not in shared]
            onames = shared + [x["name"] for x in extra]
            osql = (f"INSERT INTO {q(name)} ({', '.join(q(n) for n in onames)}) "
                    f"VALUES ({', '.join('?' for _ in onames)})")
        rows = []
        for i in range(count):
            row, full = {}, {}
            for c in cols:
                v = base_value(c, i)
                if c["name"] in fkcols:
                    parent, pcol = fkcols[c["name"]]
                    prow = inserted.get(parent)
                    if prow:
                        v = prow[i % len(prow)][pcol]
                    elif parent == name and rows:
                        v = rows[0][pcol]
                    elif parent == name:
                        v = None
                    else:
                        ptable = tables.get(parent)
                        pc = next((x for x in ptable["columns"] if x["name"] == pcol), None) if ptable else None
                        v = base_value(pc, i) if pc else v
                    if v is None and not c["nullable"]:
                        v = base_value(c, i)
                elif i == count - 1 and c["nullable"] and c["name"] not in keycols and count > 1:
                    full[c["name"]] = v
                    v = None
                row[c["name"]] = v
            names = [c["name"] for c in cols]
            sql = f"INSERT INTO {q(name)} ({', '.join(q(n) for n in names)}) VALUES ({', '.join('?' for _ in names)})"
            probe = None
            if osql:
                def probe(r, _i=i, _extra=extra, _shared=shared, _osql=osql):
                    vals = [r[n] for n in _shared] + [base_value(x, _i) for x in _extra]
                    other.execute("SAVEPOINT probe")
                    try:
                        other.execute(_osql, vals)
                        return True
                    except sqlite3.Error:
                        return False
                    finally:
                        other.execute("ROLLBACK TO probe")
                        other.execute("RELEASE probe")
            row_cands = cands + [v + 2 + i + count for v in cands if isinstance(v, (int, float))]
            err = try_insert(conn, sql, names, row, row_cands, cols, fkcols, {**row, **full}, probe)
            if err:
                return f"seeding {name} row {i + 1}: {err}"
            rows.append(row)
        inserted[name] = rows
    bad = conn.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        return f"seeding left foreign key violations: {bad[:3]}"
    return None


def try_insert(conn, sql, names, row, cands, cols, fkcols, full, probe=None):
    """Inserts row, or the first variation of it that the table (and `probe`, when given) accepts;
    without one that both accept, the first that the table accepts. Returns the error, or None."""
    if probe is not None:
        if not search(conn, sql, names, row, cands, cols, fkcols, full, probe):
            return None
    return search(conn, sql, names, row, cands, cols, fkcols, full, lambda r: True)


def search(conn, sql, names, row, cands, cols, fkcols, full, probe):
    def attempt(r):
        if not probe(r):
            return "the desired state's constraints reject it"
        try:
            conn.execute(sql, [r[n] for n in names])
            return None
        except sqlite3.Error as e:
            return str(e)

    err = attempt(row)
    if not err:
        return None
    if full != row and not attempt(full):  # the last row's NULLs are not allowed by a check
        row.update(full)
        return None
    free = [c for c in cols if c["name"] not in fkcols]
    # one column at a time, then two at a time, with the checks' own literals
    for start in (row, full):
        for c in free:
            for v in cands + ([None] if c["nullable"] else []):
                r = dict(start)
                r[c["name"]] = v
                if not attempt(r):
                    row.update(r)
                    return None
    for a in free:
        for b in free:
            if a is b:
                continue
            for va in cands:
                for vb in cands:
                    r = dict(row)
                    r[a["name"]], r[b["name"]] = va, vb
                    if not attempt(r):
                        row.update(r)
                        return None
    return err


def canon(v):
    if v is None:
        return None
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def snapshot_rows(conn, tables):
    out = {}
    for name, t in tables.items():
        cols = [c["name"] for c in t["columns"]]
        rows = conn.execute(f"SELECT {', '.join(q(c) for c in cols)} FROM {q(name)}").fetchall()
        out[name] = {"columns": cols, "rows": [[canon(v) for v in r] for r in rows]}
    return out


def same_rows(a, b):
    """Two row snapshots hold the same tables, columns and rows (in any order)."""
    norm = lambda s: {n: (t["columns"], sorted(json.dumps(r) for r in t["rows"])) for n, t in s.items()}  # noqa: E731
    return norm(a) == norm(b)


def lost_rows(before_rows, after_rows, desired):
    """Rows of `before` that are not in `after`, on the columns `before` and `desired` share (a table
    that shares none has no value left to keep)."""
    out = []
    for name, b in before_rows.items():
        if name not in desired["tables"] or name not in after_rows:
            continue
        a = after_rows[name]
        dcols = {c["name"] for c in desired["tables"][name]["columns"]}
        common = [c for c in b["columns"] if c in dcols and c in a["columns"]]
        if not common:
            continue  # every column replaced: no value of a row is left to keep
        bi = [b["columns"].index(c) for c in common]
        ai = [a["columns"].index(c) for c in common]
        bs = sorted(json.dumps([r[i] for i in bi]) for r in b["rows"])
        as_ = sorted(json.dumps([r[i] for i in ai]) for r in a["rows"])
        if bs != as_:
            missing = [x for x in bs if x not in as_]
            out.append(f"{name}: {len(b['rows'])} rows before, {len(a['rows'])} after; "
                       f"on {common}: missing {missing[:2]}")
    return out


# --- a reference migration, for testing the oracle itself ----------------------------------------


def reference_migration(from_sql, to_sql):
    """The rebuild of SQLite's manual ("Making Other Kinds Of Table Schema Changes") from one state to
    the other, written from the two DDL texts alone: every table of `to` is built anew and the shared
    columns copied. It proves the oracle, not the generator. Returns a list of Files."""
    from sqlite_catalog import tokenize

    def schema(sql):
        conn = connect()
        try:
            conn.executescript(sql)
            return conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "AND sql IS NOT NULL ORDER BY rowid").fetchall(), read_catalog(conn)[0]
        finally:
            conn.close()

    old, old_tables = schema(from_sql)
    new, new_tables = schema(to_sql)
    body = []
    for typ, name, _t, sql in old:
        if typ == "index":
            body.append(f"DROP INDEX {q(name)};")
    for typ, name, _t, sql in new:
        if typ != "table":
            continue
        if name not in old_tables:
            body.append(sql + ";")
            continue
        toks = tokenize(sql)
        k = next(i for i, t in enumerate(toks) if t.kind == "punct" and t.text == "(")
        tmp = "__rebuild_" + name
        body.append("CREATE TABLE " + q(tmp) + " " + sql[toks[k].start:] + ";")
        shared = [c["name"] for c in new_tables[name]["columns"] if c["name"] in {x["name"] for x in old_tables[name]["columns"]}]
        cols = ", ".join(q(c) for c in shared)
        if shared:
            body.append(f"INSERT INTO {q(tmp)} ({cols}) SELECT {cols} FROM {q(name)};")
        body.append(f"DROP TABLE {q(name)};")
        body.append(f"ALTER TABLE {q(tmp)} RENAME TO {q(name)};")
    for name in old_tables:
        if name not in new_tables:
            body.append(f"DROP TABLE {q(name)};")
    for typ, name, _t, sql in new:
        if typ == "index":
            body.append(sql + ";")
    return [
        {"name": "foreign keys off", "sql": "PRAGMA foreign_keys = OFF;", "tx": False},
        {"name": "rebuild", "sql": "\n".join(body) + "\nPRAGMA foreign_key_check;", "tx": True},
        {"name": "foreign keys on", "sql": "PRAGMA foreign_keys = ON;", "tx": False},
    ]


# --- running files ---------------------------------------------------------------------------------


def statements(sql):
    """The script's statements, cut where SQLite's own sqlite3_complete() says one ends."""
    out, buf = [], ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            out.append(buf)
            buf = ""
    return out


def run_script(conn, sql):
    """Runs the statements one by one, as a tool's connection does. (executescript() would commit
    a transaction a previous file left open, which neither a tool nor the sqlite3 shell does.)"""
    for stmt in statements(sql):
        conn.execute(stmt)


def run_files(conn, files, force_tx=False):
    """Runs the files in order as the tool would; returns the first error (None when all ran)."""
    for f in files:
        try:
            if f["tx"] or force_tx:
                conn.execute("BEGIN")
                run_script(conn, f["sql"])
                conn.execute("COMMIT")
            else:
                run_script(conn, f["sql"])
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return f"{f['name']}: {e}"
    return None


def state(conn):
    cat = catalog_of(conn)
    return cat, snapshot_rows(conn, cat["tables"])


def run_job(job, cache):
    def ref(sql):
        if sql not in cache:
            cache[sql] = reference(sql)
        return cache[sql]

    res = {}
    want_before, want_desired = ref(job["before"]), ref(job["desired"])
    conn = connect()
    try:
        conn.executescript(job["before"])
        err = seed(conn, want_before["tables"], job.get("rows", 3), job["desired"])
        if err:
            res["seed_error"] = err
            return res
        def session():  # each tool run is a session of its own, with the connection's setting
            conn.execute(f"PRAGMA foreign_keys = {'OFF' if job['fk'] == 'off' else 'ON'}")

        session()
        d1 = job["fk"] == "d1"
        start_cat, start_rows = state(conn)
        res["rows_seeded"] = sum(len(t["rows"]) for t in start_rows.values())
        err = run_files(conn, job["up"], force_tx=d1)
        cat, rows = state(conn)
        up = {"error": err, "differences": compare(cat, want_desired),
              "lost_rows": lost_rows(start_rows, rows, want_desired),
              "fk_violations": [list(x) for x in conn.execute("PRAGMA foreign_key_check").fetchall()[:5]]}
        up["unchanged"] = not compare(cat, start_cat) and same_rows(rows, start_rows)
        res["up"] = up
        if err or up["differences"]:
            return res
        session()
        err = run_files(conn, job["up"], force_tx=d1)
        cat2, rows2 = state(conn)
        changes = compare(cat2, cat) + ([] if same_rows(rows2, rows) else ["rows changed"])
        res["rerun"] = {"error": err, "changes": changes}
        if job.get("down") is None:
            return res
        session()
        err = run_files(conn, job["down"], force_tx=d1)
        cat3, rows3 = state(conn)
        res["down"] = {"error": err, "differences": compare(cat3, want_before),
                       "lost_rows": lost_rows(start_rows, rows3, want_desired)}
        return res
    finally:
        conn.close()


def main():
    cache = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            if job.get("op") == "version":
                out = {"sqlite_version": sqlite3.sqlite_version}
            elif job.get("op") == "tables":
                tables = reference(job["sql"])["tables"]
                out = {"tables": {n: [c["name"] for c in t["columns"]] for n, t in sorted(tables.items())}}
            elif job.get("op") == "reference":
                out = {"files": reference_migration(job["from"], job["to"])}
            else:
                out = run_job(job, cache)
        except Exception as e:  # the test reports it as the case's failure
            out = {"oracle_error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
