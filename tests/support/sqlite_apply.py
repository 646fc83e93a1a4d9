#!/usr/bin/env python3
"""Runs generated SQLite migrations on the real engine (Python's sqlite3 module, the library
Debian's sqlite3 shell is built on) and prints what happened as JSON, for the Node tests.

usage: sqlite_apply.py <case.json>

case.json: {"before": sql, "rows": sql, "desired": sql, "up": sql, "down": sql|null,
            "foreign_keys": "on" | "off" | "in-transaction"}

"in-transaction" runs the file inside a transaction opened with foreign keys on, as a tool
that wraps each file in one (or Cloudflare D1, which ignores PRAGMA foreign_keys) would.

The schema is read from the catalog (pragma_table_info, pragma_foreign_key_list,
pragma_index_list / pragma_index_info, and the CHECK clauses of sqlite_schema.sql), each
table's rows in full, ordered, so that the test can compare them: nothing here knows what the
generator wrote.
"""
import json
import re
import sqlite3
import sys
import tempfile
import os


def connect(path):
    db = sqlite3.connect(path, isolation_level=None)
    return db


def tables(db):
    return [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def checks_of(sql):
    """The CHECK expressions of a CREATE TABLE, whitespace collapsed, quotes dropped."""
    out = []
    i = 0
    up = sql.upper()
    while True:
        j = up.find("CHECK", i)
        if j < 0:
            break
        k = sql.find("(", j)
        depth, m = 0, k
        while m < len(sql):
            if sql[m] == "(":
                depth += 1
            elif sql[m] == ")":
                depth -= 1
                if depth == 0:
                    break
            m += 1
        expr = sql[k + 1:m]
        out.append(re.sub(r"\s+", "", expr.replace('"', "").replace("`", "")).lower())
        i = m
    return sorted(out)


def schema(db):
    out = {}
    for t in tables(db):
        cols = [
            {"name": r[1], "type": r[2].lower(), "notnull": r[3], "default": r[4], "pk": r[5]}
            for r in db.execute("SELECT * FROM pragma_table_info(?)", (t,))
        ]
        fks = sorted(
            [list(map(str, r[2:7])) for r in db.execute("SELECT * FROM pragma_foreign_key_list(?)", (t,))]
        )
        indexes = []
        for r in db.execute("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", (t,)):
            name, unique, origin, partial = r
            if origin == "pk":
                continue
            cols_ix = [c[2] for c in db.execute("SELECT * FROM pragma_index_info(?)", (name,))]
            indexes.append([name if origin == "c" else "", unique, origin, cols_ix])
        sql = db.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (t,)).fetchone()[0]
        autoinc = "AUTOINCREMENT" in sql.upper()
        out[t] = {"columns": cols, "foreign_keys": fks, "indexes": sorted(indexes),
                  "checks": checks_of(sql), "autoincrement": autoinc}
    return out


def rows(db):
    out = {}
    for t in tables(db):
        cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (t,))]
        data = db.execute('SELECT * FROM "%s" ORDER BY rowid' % t.replace('"', '""')).fetchall() \
            if db.execute("SELECT 1 FROM sqlite_schema WHERE name = ? AND sql NOT LIKE '%WITHOUT ROWID%'", (t,)).fetchone() \
            else db.execute('SELECT * FROM "%s"' % t.replace('"', '""')).fetchall()
        out[t] = [dict(zip(cols, [v if not isinstance(v, bytes) else v.hex() for v in r])) for r in data]
    return out


def run(db, sql, mode):
    """Runs a file as a tool would; returns the error message, or None."""
    try:
        if mode == "on":
            db.execute("PRAGMA foreign_keys = ON")
        elif mode == "off":
            db.execute("PRAGMA foreign_keys = OFF")
        elif mode == "in-transaction":
            # executescript commits a pending transaction before it starts: the BEGIN goes
            # into the script.
            db.execute("PRAGMA foreign_keys = ON")
            sql = "BEGIN;\n" + sql
        db.executescript(sql)
        if mode == "in-transaction" and db.in_transaction:
            db.execute("COMMIT")
        return None
    except sqlite3.Error as e:
        if db.in_transaction:
            db.execute("ROLLBACK")
        return str(e)


def main():
    case = json.load(open(sys.argv[1]))
    mode = case.get("foreign_keys", "on")
    with tempfile.TemporaryDirectory() as d:
        db = connect(os.path.join(d, "db.sqlite"))
        db.executescript(case["before"])
        if case.get("rows"):
            db.executescript(case["rows"])
        before_schema, before_rows = schema(db), rows(db)
        first = run(db, case["up"], mode)
        after_schema, after_rows = schema(db), rows(db)
        second = run(db, case["up"], mode)
        again_schema, again_rows = schema(db), rows(db)
        violations = db.execute("SELECT count(*) FROM pragma_foreign_key_check").fetchone()[0]
        down = None
        down_schema = down_rows = None
        if case.get("down") and first is None:
            down = run(db, case["down"], mode)
            down_schema, down_rows = schema(db), rows(db)
        db.close()
        want = connect(os.path.join(d, "desired.sqlite"))
        want.executescript(case["desired"])
        desired_schema = schema(want)
        want.close()
    json.dump({
        "before_schema": before_schema, "before_rows": before_rows,
        "first_error": first, "after_schema": after_schema, "after_rows": after_rows,
        "second_error": second, "again_schema": again_schema, "again_rows": again_rows,
        "violations": violations,
        "down_error": down, "down_schema": down_schema, "down_rows": down_rows,
        "desired_schema": desired_schema,
        "sqlite_version": sqlite3.sqlite_version,
    }, sys.stdout)


if __name__ == "__main__":
    main()
