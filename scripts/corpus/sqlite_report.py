#!/usr/bin/env python3
"""Writes the validation report (summary.json) for one SQLite corpus case.

    python3 scripts/corpus/sqlite_report.py <case-dir>            writes <case-dir>/summary.json
    python3 scripts/corpus/sqlite_report.py --check <case-dir>... exits 1 when a summary.json differs

Loads before.sqlite.sql and desired.sqlite.sql into fresh in-memory databases (Python's sqlite3, the
same SQLite library as the Debian sqlite3 CLI), reads both catalogs (sqlite_catalog.py), diffs them and
writes the report in the contract of tests/corpus/README.md ("How the reports are written") plus the
SQLite part: `scope.dialect: "sqlite"` and `actual_tables`, the full current definition of every existing
table a diff touches. Output is deterministic: the same two files always give the same bytes.
"""

import json
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sqlite_catalog import read_catalog  # noqa: E402

KIND_ORDER = [
    "missing_table", "missing_column", "type_mismatch", "nullability_mismatch", "default_mismatch",
    "primary_key_mismatch", "missing_unique", "missing_index", "missing_foreign_key", "missing_check",
    "extra_foreign_key", "extra_check", "extra_index", "extra_unique", "extra_column", "extra_table",
]
INT_RANK = {"tinyint": 1, "smallint": 2, "mediumint": 3, "int": 4, "integer": 4, "bigint": 5}


class NotKept(Exception):
    """The case is not kept in the corpus; the message says why (its first word is the reason key)."""


def load(sql, label):
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.executescript(sql)
    except sqlite3.Error as e:
        raise NotKept(f"load: {label} does not load: {e}")
    return conn


def catalog(sql, label):
    conn = load(sql, label)
    try:
        tables, outside = read_catalog(conn)
    finally:
        conn.close()
    if outside:
        raise NotKept(f"outside: {label}: {'; '.join(outside)}")
    return tables


def lossy(old, new):
    """A type change that may not keep every value (the LOSSY_CAST hazard), judged on the names."""
    if old == new:
        return False
    if new in ("text", "blob"):
        return False
    mo = re.fullmatch(r"([a-z_ ]+?)(?:\((\d+)(?:,(\d+))?\))?", old)
    mn = re.fullmatch(r"([a-z_ ]+?)(?:\((\d+)(?:,(\d+))?\))?", new)
    if not mo or not mn:
        return True
    bo, bn = mo.group(1), mn.group(1)
    if bo in INT_RANK and bn in INT_RANK:
        return INT_RANK[bn] < INT_RANK[bo]
    if bo == bn or {bo, bn} <= {"varchar", "character varying", "nvarchar", "varchar2"}:
        if mn.group(2) is None:
            return False
        if mo.group(2) is None:
            return True
        p_o, p_n = int(mo.group(2)), int(mn.group(2))
        s_o, s_n = int(mo.group(3) or 0), int(mn.group(3) or 0)
        return p_n < p_o or s_n < s_o or (p_n - s_n) < (p_o - s_o)
    return True


def column_diffs(table, before_t, desired_t):
    out = []
    bcols = {c["name"]: c for c in before_t["columns"]}
    dcols = {c["name"]: c for c in desired_t["columns"]}
    for pos, c in enumerate(desired_t["columns"]):
        if c["name"] not in bcols:
            hz = [] if (c["nullable"] or c["default"] is not None or c.get("auto_increment")) else ["REQUIRES_DEFAULT_OR_BACKFILL"]
            out.append(("missing_column", table, pos, {"table": table, "column": c["name"]}, c, None, hz, False))
            continue
        b = bcols[c["name"]]
        obj = {"table": table, "column": c["name"]}
        if b["type"] != c["type"]:
            lo = lossy(b["type"], c["type"])
            out.append(("type_mismatch", table, pos, obj, c, b, ["LOSSY_CAST"] if lo else [], lo))
        if b["nullable"] != c["nullable"]:
            out.append(("nullability_mismatch", table, pos, obj, c, b, [] if c["nullable"] else ["REQUIRES_BACKFILL"], False))
        if b["default"] != c["default"] or bool(b.get("auto_increment")) != bool(c.get("auto_increment")):
            out.append(("default_mismatch", table, pos, obj, c, b, [], False))
    for pos, c in enumerate(before_t["columns"]):
        if c["name"] not in dcols:
            out.append(("extra_column", table, pos, {"table": table, "column": c["name"]}, None, c, ["DELETES_DATA"], True))
    return out


def keyed(items, key):
    return {json.dumps(key(x), sort_keys=True): x for x in items}


def constraint_diffs(table, before_t, desired_t):
    out = []
    bpk, dpk = before_t.get("primary_key"), desired_t.get("primary_key")
    if (bpk or {}).get("columns") != (dpk or {}).get("columns"):
        out.append(("primary_key_mismatch", table, 0, {"table": table}, dpk, bpk, [], False))
    specs = [
        ("unique", "unique_constraints", "constraint", lambda u: u),
        ("index", "indexes", "index", lambda i: i),
        ("foreign_key", "foreign_keys", "constraint", lambda f: f),
        ("check", "checks", "constraint", lambda c: c),
    ]
    for suffix, field, objkey, key in specs:
        b = keyed(before_t.get(field, []), key)
        d = keyed(desired_t.get(field, []), key)
        for pos, (k, x) in enumerate(d.items()):
            if k not in b:
                obj = {"table": table}
                if x.get("name") is not None:
                    obj[objkey] = x["name"]
                out.append((f"missing_{suffix}", table, pos, obj, x, None, [], False))
        for pos, (k, x) in enumerate(b.items()):
            if k not in d:
                obj = {"table": table}
                if x.get("name") is not None:
                    obj[objkey] = x["name"]
                out.append((f"extra_{suffix}", table, pos, obj, None, x, [], False))
    return out


def case_only(before, desired):
    """SQLite's names are case-insensitive: a table or column whose name differs only in case between
    the two states is the same object under a new spelling, which no diff kind says."""
    for name, t in desired.items():
        other = next((b for b in before if b.lower() == name.lower()), None)
        if other is not None and other != name:
            raise NotKept(f"case: table {other} is {name} in desired")
        if other is None:
            continue
        bcols = {c["name"].lower(): c["name"] for c in before[other]["columns"]}
        for c in t["columns"]:
            if bcols.get(c["name"].lower(), c["name"]) != c["name"]:
                raise NotKept(f"case: column {name}.{bcols[c['name'].lower()]} is {c['name']} in desired")


def build_report(before_sql, desired_sql, source, case):
    before = catalog(before_sql, "before")
    desired = catalog(desired_sql, "desired")
    case_only(before, desired)
    raw = []
    for name in sorted(desired):
        if name not in before:
            raw.append(("missing_table", name, 0, {"table": name}, desired[name], None, [], False))
        else:
            raw.extend(column_diffs(name, before[name], desired[name]))
            raw.extend(constraint_diffs(name, before[name], desired[name]))
    for name in sorted(before):
        if name not in desired:
            raw.append(("extra_table", name, 0, {"table": name}, None, before[name], ["DELETES_DATA"], True))
    if not raw:
        raise NotKept("equal: the two states are equal")
    raw.sort(key=lambda r: (KIND_ORDER.index(r[0]), r[1], r[2]))
    diffs = []
    for n, (kind, table, _pos, obj, expected, actual, hazards, destructive) in enumerate(raw, 1):
        diffs.append({
            "id": f"D{n:03d}", "kind": kind, "destructive": destructive, "hazards": hazards,
            "object": obj, "expected": expected, "actual": actual,
        })
    by_table = {}
    for d in diffs:
        by_table.setdefault(d["object"]["table"], []).append(d["id"])
    kinds = {}
    for d in diffs:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    touched = sorted({d["object"]["table"] for d in diffs if d["object"]["table"] in before})
    return {
        "workflow": "smartspec_data_model_validator",
        "version": "schema-oracle/1",
        "report_format": "smartspec.dmv.summary/1",
        "run_id": f"corpus-{source}-{case}",
        "status": "fail",
        "strict": False,
        "timestamps": {"finished_at": "2025-01-01T00:00:00Z"},
        "scope": {
            "spec_path": f"{source}/{case}/desired.sqlite.sql",
            "spec_id": case,
            "dialect": "sqlite",
            "direction": "spec_is_expected",
        },
        "summary": {
            "entities_total": len(desired),
            "entities_covered": len([t for t in desired if t in before]),
            "errors": len(diffs),
            "warnings": 0,
            "reduced_coverage": False,
            "diffs_total": len(diffs),
            "diffs_by_kind": dict(sorted(kinds.items())),
            "destructive_diffs": len([d for d in diffs if d["destructive"]]),
        },
        "results": [
            {
                "check_id": "ORACLE-001", "entity": t, "status": "fail", "severity": "high", "confidence": "high",
                "why": f"Table {t} differs between the database and the desired schema.",
                "evidence": [], "diff_ids": ids,
            }
            for t, ids in sorted(by_table.items())
        ],
        "diffs": diffs,
        "actual_tables": [before[t] for t in touched],
        "warnings": [],
        "writes": {"reports": []},
    }


def render(report):
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def case_report(case_dir):
    case_dir = os.path.abspath(case_dir)
    case, source = os.path.basename(case_dir), os.path.basename(os.path.dirname(case_dir))
    with open(os.path.join(case_dir, "before.sqlite.sql"), encoding="utf-8") as f:
        before_sql = f.read()
    with open(os.path.join(case_dir, "desired.sqlite.sql"), encoding="utf-8") as f:
        desired_sql = f.read()
    return render(build_report(before_sql, desired_sql, source, case))


def main(argv):
    check = argv[:1] == ["--check"]
    dirs = argv[1:] if check else argv
    if not dirs:
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for d in dirs:
        try:
            text = case_report(d)
        except NotKept as e:
            print(f"{d}: not a corpus case: {e}", file=sys.stderr)
            bad += 1
            continue
        path = os.path.join(d, "summary.json")
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    print(f"{path}: differs from a fresh run", file=sys.stderr)
                    bad += 1
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
