#!/usr/bin/env python3
"""Builds the SQLite part of the migration corpus (tests/corpus/*-sqlite, see its README.md).

    python3 scripts/corpus/build_sqlite_corpus.py --sqldef <git-dir> --sakila <git-dir> \
        --chinook <git-dir> [--out tests/corpus]

Each --<source> is a clone (bare or not) of sqldef/sqldef, jOOQ/sakila and lerocha/chinook-database;
files are read at the commits named below with `git show`. Reading the sqldef YAML files needs PyYAML
(Debian python3-yaml); the report writer and the oracle need only the standard library.

Writes every kept case (before.sqlite.sql, desired.sqlite.sql, summary.json, SOURCE.md) and prints
the counts of kept cases per source and of tests left out per reason.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sqlite_report import NotKept, build_report, render  # noqa: E402

SQLDEF_COMMIT = "29164effe8e11e583aec6b439cd3ec7434c8e289"
SAKILA_COMMIT = "e089a5b1ec9af0df7a9c6a5d47d49fa1736a4e84"
CHINOOK_COMMIT = "7f67772503d71ba90f19283c38e93923addb43fa"
EMPTY = "-- empty database: nothing exists yet\n"
SQLDEF_SOURCES = [
    ("sqldef-sqlite", "cmd/sqlite3def"),
    ("sqldef-pg-sqlite", "cmd/psqldef"),
    ("sqldef-mysql-sqlite", "cmd/mysqldef"),
]


def git_show(repo, commit, path):
    return subprocess.check_output(["git", "-C", repo, "show", f"{commit}:{path}"]).decode("utf-8")


def git_ls(repo, commit, folder):
    out = subprocess.check_output(["git", "-C", repo, "ls-tree", "--name-only", f"{commit}", f"{folder}/"])
    return sorted(p for p in out.decode().split() if re.search(r"/tests[^/]*\.yml$", p))


def norm(sql):
    return re.sub(r"\s+", " ", sql or "").strip()


def write_case(out, source, case, before_sql, desired_sql, source_md):
    report = build_report(before_sql, desired_sql, source, case)
    d = os.path.join(out, source, case)
    os.makedirs(d, exist_ok=True)
    for name, text in (("before.sqlite.sql", before_sql), ("desired.sqlite.sql", desired_sql),
                       ("summary.json", render(report)), ("SOURCE.md", source_md)):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    return report


def sqldef(repo, out, counts, kept, seen):
    import yaml  # only this part needs PyYAML

    for source, folder in SQLDEF_SOURCES:
        names = set()
        for path in git_ls(repo, SQLDEF_COMMIT, folder):
            tests = yaml.safe_load(git_show(repo, SQLDEF_COMMIT, path))
            for name, t in tests.items():
                reason = None
                cur, des = t.get("current") or "", t.get("desired") or ""
                if "@renamed" in cur + des:
                    reason = "rename annotation"
                elif "up" in t and not (t.get("up") or "").strip():
                    reason = "sqldef treats both states as equal (empty `up`)"
                elif any(k in t for k in ("config", "managed_roles", "manage", "user")):
                    reason = "sqldef-specific config / managed roles / user"
                elif "tidb" in str(t.get("flavor", "")) or "pgvector" in str(t.get("flavor", "")):
                    reason = "flavor (tidb, pgvector)"
                elif "error" in t:
                    reason = "expected error"
                elif name in names:
                    reason = "duplicate"
                elif (norm(cur), norm(des)) in seen:
                    reason = "duplicate"
                if reason is None:
                    before_sql = cur if cur.strip() else EMPTY
                    source_md = (
                        f"sqldef/sqldef {path} @ {SQLDEF_COMMIT}\n\n"
                        f"Test case `{name}`: its `desired` DDL is desired.sqlite.sql and its `current` DDL is "
                        f"before.sqlite.sql, both verbatim.\n"
                    )
                    if not cur.strip():
                        source_md = source_md.replace("and its `current` DDL is before.sqlite.sql, both verbatim.",
                                                      "verbatim; the test has no `current`, so before is empty.")
                    try:
                        write_case(out, source, name, before_sql, des, source_md)
                    except NotKept as e:
                        reason = str(e)
                if reason is None:
                    names.add(name)
                    seen.add((norm(cur), norm(des)))
                    kept[source] += 1
                else:
                    key = reason.split(":")[0]
                    key = {"load": "a DDL does not load into SQLite", "outside": "outside the contract",
                           "equal": "the two states are equal",
                           "case": "names differ only in case"}.get(key, key)
                    counts[source][key] += 1
                    counts[source]["_detail"].append(f"{name}: {reason}")


# --- sakila ----------------------------------------------------------------------------------------

SAKILA_EXTRACTION = """Extraction from the upstream file:
Kept: CREATE TABLE (columns, PRIMARY KEY, FOREIGN KEY, CHECK), CREATE INDEX.
Dropped: comments, the triggers that set last_update, the views, the film_text table's missing FK (there is none upstream).
Edited: `DEFAULT NULL` removed (the same as no default; the contract has no NULL default expression);
film.description and film_text.description `BLOB SUB_TYPE TEXT` became `TEXT`;
the upstream's empty-line-separated `;` terminators joined to their statements.
"""


def sakila_base(repo):
    text = git_show(repo, SAKILA_COMMIT, "sqlite-sakila-db/sqlite-sakila-schema.sql")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    stmts = [s.strip() for s in text.split(";")]
    keep = []
    for s in stmts:
        s = "\n".join(line for line in s.splitlines() if not line.strip().startswith("--")).strip()
        if not s:
            continue
        if re.match(r"CREATE\s+TRIGGER", s, re.I):
            continue
        if re.match(r"(CREATE\s+TABLE|CREATE\s+(UNIQUE\s+)?INDEX)", s, re.I):
            keep.append(s)
            continue
        if re.match(r"CREATE\s+VIEW", s, re.I) or re.match(r"BEGIN|END|UPDATE", s, re.I):
            continue
        raise SystemExit(f"sakila: unexpected statement {s[:60]!r}")
    # Trigger bodies hold `;` too: drop what is left of them (their UPDATE ... and END lines).
    sql = ";\n\n".join(keep) + ";\n"
    sql = re.sub(r"\s+DEFAULT NULL", "", sql)
    sql = sql.replace("BLOB SUB_TYPE TEXT", "TEXT")
    sql = re.sub(r"CREATE\s+INDEX", "CREATE INDEX", sql)
    return sql


def sub1(sql, old, new):
    assert sql.count(old) == 1, old
    return sql.replace(old, new)


def drop_line(sql, marker):
    """Removes the one line holding marker, and a comma left dangling before a closing parenthesis."""
    lines = sql.split("\n")
    hits = [i for i, line in enumerate(lines) if marker in line]
    assert len(hits) == 1, marker
    del lines[hits[0]]
    return re.sub(r"\s*,\s*\n\)", "\n)", "\n".join(lines))


def sakila(repo, out, kept):
    src = f"jOOQ/sakila sqlite-sakila-db/sqlite-sakila-schema.sql @ {SAKILA_COMMIT}\n\n"
    full = sakila_base(repo)
    cases = []
    cases.append(("sakila-from-empty", EMPTY, full, "before is an empty database; desired is the whole sakila table schema."))
    d = sub1(full, "  original_language_id INT,\n", "  original_language_id INT,\n  imdb_id VARCHAR(16),\n")
    d = sub1(d, "  active CHAR(1) DEFAULT 'Y' NOT NULL,\n", "  active CHAR(1) DEFAULT 'Y' NOT NULL,\n  loyalty_points INTEGER NOT NULL DEFAULT 0,\n")
    cases.append(("sakila-add-column", full, d,
                  "desired adds film.imdb_id VARCHAR(16) NULL and customer.loyalty_points INTEGER NOT NULL DEFAULT 0."))
    d = sub1(full, "  phone VARCHAR(20) NOT NULL,", "  phone VARCHAR(32) NOT NULL,")
    d = sub1(d, "  length SMALLINT,", "  length INTEGER,")
    d = sub1(d, "  amount DECIMAL(5,2) NOT NULL,", "  amount DECIMAL(7,2) NOT NULL,")
    d = sub1(d, "  email VARCHAR(50),\n  address_id INT NOT NULL,", "  email VARCHAR(50) NOT NULL,\n  address_id INT NOT NULL,")
    d = sub1(d, "CHECK(rating in ('G','PG','PG-13','R','NC-17'))", "CHECK(rating in ('G','PG','PG-13','R','NC-17','NR'))")
    cases.append(("sakila-change-type", full, d,
                  "desired widens address.phone to VARCHAR(32), film.length to INTEGER, payment.amount to DECIMAL(7,2), "
                  "makes customer.email NOT NULL, and adds the value 'NR' to the CHECK on film.rating "
                  "(SQLite has no enums: upstream's rating check stands for the enum of the other dialects)."))
    b = full
    for fk in ("fk_rental_staff", "fk_rental_inventory", "fk_rental_customer", "fk_film_language_original"):
        b = drop_line(b, f"CONSTRAINT {fk} ")
    cases.append(("sakila-add-foreign-key", b, full,
                  "before lacks the three FKs of rental and film.original_language_id's FK; desired has them."))
    d = drop_line(full, "  picture BLOB,")
    d = drop_line(d, "  active CHAR(1) DEFAULT 'Y' NOT NULL,")
    cases.append(("sakila-drop-column", full, d, "desired drops staff.picture and customer.active."))
    d = full + "\nCREATE INDEX idx_payment_date ON payment(payment_date);\n"
    d = sub1(d, "  username VARCHAR(16) NOT NULL,", "  username VARCHAR(16) NOT NULL UNIQUE,")
    d = sub1(d, "  PRIMARY KEY  (payment_id),", "  PRIMARY KEY  (payment_id),\n  CONSTRAINT payment_amount_check CHECK (amount >= 0),")
    cases.append(("sakila-add-index", full, d,
                  "desired adds index idx_payment_date on payment(payment_date), a unique constraint on staff(username) "
                  "and a CHECK payment_amount_check on payment.amount."))
    for name, b, d, what in cases:
        write_case(out, "sakila-sqlite", name, b, d, src + what + "\n\n" + SAKILA_EXTRACTION)
        kept["sakila-sqlite"] += 1


# --- chinook ---------------------------------------------------------------------------------------

CHINOOK_EXTRACTION = """Extraction from the upstream file:
Kept: CREATE TABLE (columns, PRIMARY KEY, FOREIGN KEY), CREATE INDEX.
Dropped: the comment header, DROP TABLE IF EXISTS, the INSERT data.
Edited: nothing.
"""


def chinook_base(repo, path):
    text = re.sub(r"/\*.*?\*/", "", git_show(repo, CHINOOK_COMMIT, path).lstrip("\ufeff"), flags=re.S)
    stmts, cur = [], []
    for line in text.splitlines():
        if not cur and (line.startswith("INSERT INTO") or line.startswith("--") or not line.strip()
                        or line.startswith("DROP TABLE")):
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            stmts.append("\n".join(cur))
            cur = []
    keep = [s for s in stmts if re.match(r"CREATE\s+(TABLE|(UNIQUE\s+)?INDEX)", s)]
    return "\n\n".join(keep) + "\n"


def chinook(repo, out, kept):
    base = "ChinookDatabase/DataSources/"
    plain = chinook_base(repo, base + "Chinook_Sqlite.sql")
    auto = chinook_base(repo, base + "Chinook_Sqlite_AutoIncrementPKs.sql")
    write_case(out, "chinook-sqlite", "chinook-from-empty", EMPTY, plain,
               f"lerocha/chinook-database {base}Chinook_Sqlite.sql @ {CHINOOK_COMMIT}\n\n"
               "before is an empty database; desired holds the Chinook tables, foreign keys and indexes.\n\n"
               + CHINOOK_EXTRACTION)
    write_case(out, "chinook-sqlite", "chinook-add-autoincrement", plain, auto,
               f"lerocha/chinook-database {base}Chinook_Sqlite_AutoIncrementPKs.sql @ {CHINOOK_COMMIT}\n\n"
               "before has plain INTEGER keys; desired makes every single-column key INTEGER PRIMARY KEY AUTOINCREMENT.\n"
               f"before.sqlite.sql comes from {base}Chinook_Sqlite.sql at the same commit.\n\n" + CHINOOK_EXTRACTION)
    kept["chinook-sqlite"] += 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqldef", required=True)
    ap.add_argument("--sakila", required=True)
    ap.add_argument("--chinook", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "corpus"))
    ap.add_argument("--details", action="store_true", help="print every test left out and why")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    for source in ["sakila-sqlite", "chinook-sqlite"] + [s for s, _ in SQLDEF_SOURCES]:
        shutil.rmtree(os.path.join(out, source), ignore_errors=True)
    kept = collections.Counter()
    counts = collections.defaultdict(lambda: collections.Counter({"_detail": []}))
    seen = set()
    sakila(a.sakila, out, kept)
    chinook(a.chinook, out, kept)
    sqldef(a.sqldef, out, counts, kept, seen)
    for s, n in kept.items():
        print(f"kept {s}: {n}")
    print(f"kept total: {sum(kept.values())}")
    for s, c in counts.items():
        for k, n in sorted(c.items()):
            if k != "_detail":
                print(f"left out {s}: {k}: {n}")
        if a.details:
            for line in c["_detail"]:
                print(f"  {s} {line}")


if __name__ == "__main__":
    main()
