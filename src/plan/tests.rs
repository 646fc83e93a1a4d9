use super::payload::known_expr;
use crate::dialect::Dialect;
use crate::error::Path;
use crate::model::*;
use crate::naming::{check_name, check_name_fully, derive_name, NameKind, PLAIN_NAME};

#[test]
fn derived_names_fit_the_limit_with_a_stable_hash() {
    let cols = vec![
        Name::new("a_very_long_column_name_that_goes_on"),
        Name::new("and_another_one_here"),
    ];
    let n = derive_name(
        "some_rather_long_table_name",
        &cols,
        "fkey",
        Dialect::Postgres,
    );
    assert!(n.len() <= 63, "{n}");
    assert!(n.ends_with("_fkey"));
    assert_eq!(
        n,
        derive_name(
            "some_rather_long_table_name",
            &cols,
            "fkey",
            Dialect::Postgres
        )
    );
    assert_eq!(
        derive_name("t", &[Name::new("c")], "idx", Dialect::MySql),
        "t_c_idx"
    );
    // Multi-byte names are cut on character boundaries, in bytes for PostgreSQL.
    let wide = "é".repeat(40);
    let n = derive_name(&wide, &[Name::new("x")], "key", Dialect::Postgres);
    assert!(n.len() <= 63);
    let n = derive_name(&wide, &[Name::new(&wide)], "key", Dialect::MySql);
    assert!(n.chars().count() <= 64);
}

#[test]
fn plain_names_pass_as_the_full_check_passes_them() {
    let mut names: Vec<String> = ["", "a", "Users_2", "t{x", "a b", "é", "a\u{7f}", "a\u{85}"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for len in [62, 63, 64, 65] {
        names.push("n".repeat(len));
        names.push(format!("{}é", "n".repeat(len - 2)));
    }
    names.push("${x}".into());
    for b in 0u8..0x80 {
        names.push(format!("a{}b", char::from(b)));
    }
    for n in [
        "PRIMARY",
        "primary",
        "Gen_Clust_Index",
        "PRIMARY_",
        "GEN_CLUST_INDEX_",
    ] {
        names.push(n.into());
    }
    for d in [Dialect::Postgres, Dialect::MySql] {
        for kind in ALL_KINDS {
            for n in &names {
                let fast = check_name(n, d, &Path::Root, kind);
                let full = check_name_fully(n, d, &Path::Root, kind);
                assert_eq!(fast.is_ok(), full.is_ok(), "{n:?} as {kind:?} in {d:?}");
                if let (Err(a), Err(b)) = (fast, full) {
                    assert_eq!(a.message, b.message);
                }
            }
        }
    }
    // The bytes passed at once are exactly these.
    let plain: String = (0u8..=255)
        .filter(|&b| PLAIN_NAME[usize::from(b)])
        .map(char::from)
        .collect();
    assert_eq!(
        plain,
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    );
}

/// `generate_json` on a PostgreSQL report of `diffs` (JSON objects without their ids).
fn generated(diffs: &[&str]) -> crate::Output {
    let diffs: Vec<String> = diffs
        .iter()
        .enumerate()
        .map(|(i, d)| format!(r#"{{"id": "D{}", {}"#, i + 1, &d[1..]))
        .collect();
    let report = format!(
        r#"{{"run_id": "r", "timestamps": {{"finished_at": "2025-01-01T00:00:00Z"}}, "scope": {{"dialect": "postgres", "default_schema": "public"}}, "diffs": [{}]}}"#,
        diffs.join(", ")
    );
    let options = crate::Options {
        undo: true,
        ..crate::Options::default()
    };
    crate::generate_json(&report, &options).expect("generated")
}

#[test]
fn a_columns_identity_goes_before_its_nullability_and_comes_back_after_it() {
    let column = |nullable: bool, identity: &str| {
        format!(
            r#"{{"name": "id", "type": "integer", "nullable": {nullable}, "default": null{identity}}}"#
        )
    };
    let diff = |kind: &str, expected: &str, actual: &str| {
        format!(
            r#"{{"kind": "{kind}", "object": {{"schema": "public", "table": "t", "column": "id"}}, "expected": {expected}, "actual": {actual}}}"#
        )
    };
    let plain = column(true, "");
    let identity = column(false, r#", "identity": "always""#);
    let lose_identity = diff("default_mismatch", &plain, &identity);
    let lose_not_null = diff("nullability_mismatch", &plain, &identity);
    let other = r#"{"kind": "nullability_mismatch", "object": {"schema": "public", "table": "u", "column": "c"}, "expected": {"name": "c", "type": "text", "nullable": true, "default": null}, "actual": {"name": "c", "type": "text", "nullable": false, "default": null}}"#;
    for diffs in [
        [other, &lose_not_null, &lose_identity],
        [other, &lose_identity, &lose_not_null],
        [&lose_not_null, other, &lose_identity],
    ] {
        let out = generated(&diffs);
        let forward: Vec<&str> = out.statements.iter().map(|s| s.operation).collect();
        let at = |op: &str| forward.iter().position(|o| *o == op);
        let drop_identity = at("alter_column_default").unwrap();
        let t_nullability = out
            .statements
            .iter()
            .position(|s| s.operation == "alter_column_nullability" && s.target == "public.t.id")
            .unwrap();
        assert!(drop_identity < t_nullability, "{forward:?}");
        assert!(out.statements[drop_identity].sql.contains("DROP IDENTITY"));
        assert!(out.statements[t_nullability].sql.contains("DROP NOT NULL"));
        // The other column's step keeps its place relative to the report's order.
        let u = out
            .statements
            .iter()
            .position(|s| s.target == "public.u.c")
            .unwrap();
        assert_eq!(u == 0, diffs[0] == other, "{forward:?}");
        // The undo: SET NOT NULL, then the identity.
        let undo: Vec<&str> = out
            .undo
            .iter()
            .filter(|u| u.target == "public.t.id")
            .map(|u| u.sql.as_deref().unwrap())
            .collect();
        assert!(undo[0].contains("SET NOT NULL"), "{undo:?}");
        assert!(
            undo[1].contains("ADD GENERATED ALWAYS AS IDENTITY"),
            "{undo:?}"
        );
    }
}

#[test]
fn known_default_expressions_per_dialect() {
    assert_eq!(known_expr("now()", Dialect::Postgres), Some(KnownExpr::Now));
    assert_eq!(
        known_expr("CURRENT_TIMESTAMP(3)", Dialect::MySql),
        Some(KnownExpr::CurrentTimestamp(Some(3)))
    );
    assert_eq!(
        known_expr("gen_random_uuid()", Dialect::MySql),
        Some(KnownExpr::Uuid)
    );
    assert_eq!(
        known_expr("uuid()", Dialect::Postgres),
        Some(KnownExpr::GenRandomUuid)
    );
    assert_eq!(known_expr("now(); drop table x", Dialect::Postgres), None);
    assert_eq!(known_expr("CURRENT_TIMESTAMP(99)", Dialect::Postgres), None);
}

const ALL_KINDS: [NameKind; 9] = [
    NameKind::Schema,
    NameKind::Table,
    NameKind::Column,
    NameKind::Enum,
    NameKind::PrimaryKey,
    NameKind::Unique,
    NameKind::Index,
    NameKind::ForeignKey,
    NameKind::Check,
];

/// The message of the error `check_name` gives, or `None` when it accepts the name.
fn refusal(name: &str, dialect: Dialect, kind: NameKind) -> Option<String> {
    check_name(name, dialect, &Path::Root, kind)
        .err()
        .map(|e| e.message)
}

#[test]
fn names_over_the_limit_are_errors_not_truncations() {
    let root = Path::Root;
    let t = NameKind::Table;
    assert!(check_name(&"a".repeat(63), Dialect::Postgres, &root, t).is_ok());
    assert!(check_name(&"a".repeat(64), Dialect::Postgres, &root, t).is_err());
    assert!(check_name(&"a".repeat(64), Dialect::MySql, &root, t).is_ok());
    assert!(check_name(&"a".repeat(65), Dialect::MySql, &root, t).is_err());
    // 32 two-byte characters: 64 bytes (too long for PostgreSQL), 32 characters (fine for MySQL).
    let wide = "é".repeat(32);
    assert!(check_name(&wide, Dialect::Postgres, &root, t).is_err());
    assert!(check_name(&wide, Dialect::MySql, &root, t).is_ok());
    // 64 three-byte characters: the most MySQL takes.
    assert!(check_name(&"\u{FFFD}".repeat(64), Dialect::MySql, &root, t).is_ok());
    assert!(check_name(&"\u{FFFD}".repeat(65), Dialect::MySql, &root, t).is_err());
    assert!(check_name("a\u{0}b", Dialect::MySql, &root, t).is_err());
    assert!(check_name("", Dialect::MySql, &root, t).is_err());
}

#[test]
fn mysql_identifiers_hold_only_the_basic_multilingual_plane() {
    for kind in ALL_KINDS {
        for name in ["a\u{1F600}", "\u{10000}", "x\u{10FFFF}y"] {
            let refused = refusal(name, Dialect::MySql, kind);
            // MySQL never writes an enum's or a primary key's name.
            let written = !matches!(kind, NameKind::Enum | NameKind::PrimaryKey);
            assert_eq!(refused.is_some(), written, "{name:?} as {kind:?}");
            if let Some(m) = refused {
                assert!(m.contains("above U+FFFF"), "{m}");
            }
            // PostgreSQL quoted identifiers hold any character but NUL.
            assert_eq!(refusal(name, Dialect::Postgres, kind), None);
        }
        // The last character of the BMP, and characters just below the surrogates.
        for name in ["a\u{FFFF}", "\u{D7FF}", "\u{E000}", "日本語"] {
            assert_eq!(refusal(name, Dialect::MySql, kind), None, "{name:?}");
        }
    }
    let m = refusal("t\u{1F600}", Dialect::MySql, NameKind::Table).unwrap();
    assert_eq!(
        m,
        "table name \"t\u{1F600}\" holds a character above U+FFFF, which MySQL identifiers \
         cannot hold"
    );
}

#[test]
fn names_mysql_never_writes_are_not_held_to_its_identifier_rules() {
    // A MySQL enum lives on its column, named `<table>_<column>` by the reports; a primary
    // key is always PRIMARY. Neither name reaches the SQL.
    let long = format!("{}_{}", "t".repeat(64), "c".repeat(64));
    for kind in [NameKind::Enum, NameKind::PrimaryKey] {
        for name in [&*long, "a ", "a\u{1F600}", "PRIMARY"] {
            assert_eq!(
                refusal(name, Dialect::MySql, kind),
                None,
                "{name:?} as {kind:?}"
            );
        }
        // Still no empty name, control character or Flyway placeholder.
        for name in ["", "a\u{0}", "a\nb", "${x}"] {
            assert!(refusal(name, Dialect::MySql, kind).is_some(), "{name:?}");
        }
        // On PostgreSQL both are identifiers.
        assert!(refusal(&long, Dialect::Postgres, kind).is_some());
    }
    assert!(refusal(&long, Dialect::MySql, NameKind::Table).is_some());
}

#[test]
fn mysql_refuses_a_trailing_space_in_database_table_column_and_index_names() {
    for kind in ALL_KINDS {
        let refused = refusal("a ", Dialect::MySql, kind);
        let expected = !matches!(
            kind,
            NameKind::Check | NameKind::Enum | NameKind::PrimaryKey
        );
        assert_eq!(refused.is_some(), expected, "{kind:?}: {refused:?}");
        if let Some(m) = refused {
            assert!(m.contains("ends with a space"), "{m}");
        }
        assert_eq!(refusal("a ", Dialect::Postgres, kind), None);
        // A space inside, at the start, or a space that is not U+0020 at the end: accepted
        // (MariaDB 10.11 takes them; MySQL tests the last byte with the ASCII space class).
        for name in ["a b", " a", "a\u{A0}", "a\u{3000}"] {
            assert_eq!(refusal(name, Dialect::MySql, kind), None, "{name:?}");
        }
    }
    assert_eq!(
        refusal("users ", Dialect::MySql, NameKind::Table).unwrap(),
        "table name \"users \" ends with a space, which MySQL refuses in database, table and \
         column names"
    );
    assert!(refusal("fk ", Dialect::MySql, NameKind::ForeignKey)
        .unwrap()
        .contains("so in unique and foreign key names"));
    // A name that is only a space: refused where a trailing space is.
    assert!(refusal(" ", Dialect::MySql, NameKind::Column).is_some());
}

#[test]
fn mysql_keeps_two_index_names_for_itself() {
    for name in [
        "PRIMARY",
        "primary",
        "Primary",
        "GEN_CLUST_INDEX",
        "gen_clust_index",
    ] {
        for kind in ALL_KINDS {
            let refused = refusal(name, Dialect::MySql, kind);
            assert_eq!(
                refused.is_some(),
                matches!(
                    kind,
                    NameKind::Index | NameKind::Unique | NameKind::ForeignKey
                ),
                "{name:?} as {kind:?}"
            );
            if let Some(m) = refused {
                assert!(m.contains("MySQL keeps for itself"), "{m}");
            }
            assert_eq!(refusal(name, Dialect::Postgres, kind), None);
        }
    }
    assert_eq!(
        refusal("primary", Dialect::MySql, NameKind::Index).unwrap(),
        "index name \"primary\" is an index name MySQL keeps for itself (PRIMARY, \
         GEN_CLUST_INDEX, in any case), so refuses for an index, a unique or a foreign key"
    );
    for name in ["PRIMARY_", "primary_key", "GEN_CLUST_INDEX2", "PRIMARY "] {
        assert!(
            refusal(name, Dialect::MySql, NameKind::Check).is_none(),
            "{name:?}"
        );
    }
    assert!(refusal("primary_key", Dialect::MySql, NameKind::Index).is_none());
}

#[test]
fn names_the_engines_take_when_quoted_are_accepted() {
    // Only digits, dots, slashes, quotes, reserved words: MySQL and PostgreSQL take them
    // quoted, and every identifier is written quoted.
    for name in [
        "123", "1e3", "a.b", "a/b\\c", "select", "`", "\"", "a-b", "$x",
    ] {
        for d in [Dialect::Postgres, Dialect::MySql] {
            for kind in ALL_KINDS {
                assert_eq!(
                    refusal(name, d, kind),
                    None,
                    "{name:?} as {kind:?} in {d:?}"
                );
            }
        }
    }
}
