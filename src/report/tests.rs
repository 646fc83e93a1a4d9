use super::*;
use crate::ErrorCode;

fn err(text: &str) -> crate::Error {
    match from_json(text) {
        Ok(r) => panic!("{text:?} read: {r:?}"),
        Err(e) => e,
    }
}

fn err_path(text: &str) -> String {
    err(text).path.unwrap()
}

/// The error's code, message and path, checked together.
#[track_caller]
fn fails(text: &str, code: ErrorCode, message: &str, path: &str) {
    let e = err(text);
    assert_eq!(
        (e.code, e.message.as_str(), e.path.as_deref()),
        (code, message, Some(path)),
        "{text:?}"
    );
}

/// `f` of the Default value of a report whose diff has `"default": {"kind": "literal",
/// "value": <value>}`.
fn with_default<R>(value: &str, f: impl FnOnce(&Value) -> R) -> R {
    let text = format!(
        r#"{{"run_id": "x", "diffs": [{{"id": "D1", "expected": {{"default": {{"kind": "literal", "value": {value}}}}}}}]}}"#
    );
    let report = from_json(&text).unwrap();
    let diffs = report.diffs.unwrap();
    let expected = diffs[0].expected.as_ref().unwrap();
    f(expected
        .default
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .value
        .as_ref()
        .unwrap())
}

#[test]
fn errors_name_the_json_path_of_the_bad_value() {
    assert_eq!(err_path(r#"{"run_id": 5}"#), "$.run_id");
    assert_eq!(
        err_path(
            r#"{"run_id": "x", "diffs": [{"id": "a"}, {"id": "b", "expected": {"columns": [{"name": "c"}, {"nullable": "no"}]}}]}"#
        ),
        "$.diffs[1].expected.columns[1].nullable"
    );
    assert_eq!(
        err_path("{\n  \"run_id\": \"x\",\n  \"scope\": {\n    \"dialect\": [1]\n  }\n}"),
        "$.scope.dialect"
    );
    assert_eq!(
        err_path(r#"{"a\"b": {"c": [1, 2, {"d": nul}]}}"#),
        r#"$["a\"b"].c[2].d"#
    );
    assert_eq!(err_path(r#"{"run_id": "x","#), "$");
    assert_eq!(err_path("[1, 2]"), "$");
    assert_eq!(err_path(""), "$");
    // Inside values that are skipped, found by a scan of the skipped text.
    assert_eq!(
        err_path(r#"{"extra": {"a": [1, 2, {"b": tru}]}}"#),
        "$.extra.a[2].b"
    );
    assert_eq!(
        err_path(r#"{"results": [1, {"a": [}]}"#),
        "$.results[1].a[0]"
    );
    // The element that is wrong, counted by its commas.
    assert_eq!(
        err_path(r#"{"diffs": [{"expected": {"enum_values": ["x",[1]]}}]}"#),
        "$.diffs[0].expected.enum_values[1]"
    );
}

#[test]
fn malformed_json_is_invalid_json_in_plain_words() {
    use ErrorCode::InvalidJson as J;
    fails(
        r#"{"run_id": "#,
        J,
        "the text ends where a value should be at line 1 column 11",
        "$",
    );
    fails(
        r#"{"run_id": "x""#,
        J,
        "the text ends inside an object at line 1 column 14",
        "$",
    );
    fails(
        r#"{"diffs": ["#,
        J,
        "the text ends inside an array at line 1 column 11",
        "$",
    );
    fails(
        r#"{"run_id": "abc"#,
        J,
        "the text ends inside a string at line 1 column 15",
        "$",
    );
    fails(
        r#"{"run_id": "x" "y"}"#,
        J,
        "expected `,` or `}` at line 1 column 16",
        "$.run_id",
    );
    fails(
        r#"{"diffs": [{} {}]}"#,
        J,
        "expected `,` or `]` at line 1 column 15",
        "$.diffs[0]",
    );
    fails(
        r#"{"run_id" "x"}"#,
        J,
        "expected `:` after a key at line 1 column 11",
        "$.run_id",
    );
    fails(
        "{} x",
        J,
        "more text after the report's closing `}` at line 1 column 4",
        "$",
    );
    fails(
        r#"{"run_id": "x",}"#,
        J,
        "a comma before a closing bracket at line 1 column 16",
        "$",
    );
    fails(
        r#"{"diffs": [{},]}"#,
        J,
        "a comma before a closing bracket at line 1 column 15",
        "$.diffs[1]",
    );
    fails(
        r#"{"run_id": "x", 5: 1}"#,
        J,
        "expected a key in double quotes at line 1 column 17",
        "$",
    );
    fails(
        "{\"run_id\": \"a\u{1}b\"}",
        J,
        "a control character (U+0000 to U+001F) in a string; write it as an escape at line 1 column 14",
        "$.run_id",
    );
    fails(
        r#"{"run_id": "a\qb"}"#,
        J,
        "an invalid escape in a string at line 1 column 15",
        "$.run_id",
    );
    fails(
        r#"{"run_id": "\u12G4"}"#,
        J,
        "an invalid escape in a string at line 1 column 18",
        "$.run_id",
    );
    fails(
        r#"{"run_id": nul}"#,
        J,
        "expected true, false or null at line 1 column 15",
        "$.run_id",
    );
    fails(
        r#"{"run_id": @}"#,
        J,
        "expected a JSON value at line 1 column 12",
        "$.run_id",
    );
    let value = |v: &str| {
        format!(
            r#"{{"diffs": [{{"expected": {{"default": {{"kind": "literal", "value": {v}}}}}}}]}}"#
        )
    };
    let at = "$.diffs[0].expected.default.value";
    fails(&value("01"), J, "an invalid number at line 1 column 67", at);
    fails(&value("1."), J, "an invalid number at line 1 column 68", at);
    fails(&value("-"), J, "an invalid number at line 1 column 67", at);
    fails(
        &value("1e400"),
        J,
        "a number too large for a 64-bit float at line 1 column 70",
        at,
    );
    fails(
        &value("-2e308"),
        J,
        "a number too large for a 64-bit float at line 1 column 71",
        at,
    );
    // A UTF-8 byte order mark is not JSON whitespace.
    fails(
        "\u{feff}{\"run_id\": \"x\"}",
        J,
        "expected a JSON value at line 1 column 1",
        "$",
    );
    fails(
        "this is not JSON",
        J,
        "expected true, false or null at line 1 column 2",
        "$",
    );
    // Lines and columns count from the last newline.
    fails(
        "{\n  \"run_id\": x\n}",
        J,
        "expected a JSON value at line 2 column 13",
        "$.run_id",
    );
}

#[test]
fn unpaired_surrogates_are_refused_where_strings_are_read() {
    use ErrorCode::InvalidJson as J;
    fails(
        r#"{"run_id": "\udc00"}"#,
        J,
        "a \\u escape of half a surrogate pair at line 1 column 18",
        "$.run_id",
    );
    fails(
        r#"{"run_id": "\ud800\u0041"}"#,
        J,
        "a \\u escape of half a surrogate pair at line 1 column 24",
        "$.run_id",
    );
    fails(
        r#"{"run_id": "\ud800"}"#,
        J,
        "a \\u escape of half a surrogate pair at line 1 column 19",
        "$.run_id",
    );
    // Skipped strings are checked for form only.
    assert!(from_json(r#"{"run_id": "x", "extra": "\ud800"}"#).is_ok());
    fails(
        r#"{"extra": "\q"}"#,
        J,
        "an invalid escape in a string at line 1 column 13",
        "$.extra",
    );
}

#[test]
fn values_of_the_wrong_type_say_what_was_expected_and_found() {
    use ErrorCode::InvalidValue as V;
    fails(
        r#"{"run_id": 5}"#,
        V,
        "expected a string, found the number 5 at line 1 column 12",
        "$.run_id",
    );
    fails(
        r#"{"run_id": -5}"#,
        V,
        "expected a string, found the number -5 at line 1 column 13",
        "$.run_id",
    );
    fails(
        r#"{"run_id": 1.50}"#,
        V,
        "expected a string, found the number 1.50 at line 1 column 15",
        "$.run_id",
    );
    fails(
        r#"{"run_id": true}"#,
        V,
        "expected a string, found true at line 1 column 15",
        "$.run_id",
    );
    fails(
        r#"{"run_id": [1]}"#,
        V,
        "expected a string, found an array at line 1 column 11",
        "$.run_id",
    );
    fails(
        r#"{"run_id": {}}"#,
        V,
        "expected a string, found an object at line 1 column 11",
        "$.run_id",
    );
    fails(
        r#"{"diffs": [{"expected": {"nullable": "x"}}]}"#,
        V,
        "expected true, false or null, found the string \"x\" at line 1 column 40",
        "$.diffs[0].expected.nullable",
    );
    fails(
        r#"{"diffs": [null]}"#,
        V,
        "expected an object, found null at line 1 column 15",
        "$.diffs[0]",
    );
    fails(
        r#"{"diffs": {}}"#,
        V,
        "expected an array, found an object at line 1 column 10",
        "$.diffs",
    );
    fails(
        r#"{"diffs": [{"expected": {"columns": [5]}}]}"#,
        V,
        "expected a column name or a column object, found the number 5 at line 1 column 38",
        "$.diffs[0].expected.columns[0]",
    );
    fails(
        r#"{"diffs": [{"expected": {"columns": [[]]}}]}"#,
        V,
        "expected a column name or a column object, found an array at line 1 column 37",
        "$.diffs[0].expected.columns[0]",
    );
    fails(
        r#"{"diffs": [{"expected": {"enum_values": [null]}}]}"#,
        V,
        "expected a string, found null at line 1 column 45",
        "$.diffs[0].expected.enum_values[0]",
    );
    // An array where an object is expected is refused.
    fails(
        r#"{"scope": ["a"]}"#,
        V,
        "expected an object, found an array at line 1 column 10",
        "$.scope",
    );
}

#[test]
fn a_field_given_twice_is_refused() {
    use ErrorCode::InvalidValue as V;
    fails(
        r#"{"run_id": "x", "run_id": "y"}"#,
        V,
        "`run_id` is given twice in one object at line 1 column 24",
        "$.run_id",
    );
    // Even when the first was null.
    fails(
        r#"{"run_id": null, "run_id": "y"}"#,
        V,
        "`run_id` is given twice in one object at line 1 column 25",
        "$.run_id",
    );
    fails(
        r#"{"diffs": [{"expected": {"columns": [{"name": "a", "name" : "b"}]}}]}"#,
        V,
        "`name` is given twice in one object at line 1 column 58",
        "$.diffs[0].expected.columns[0].name",
    );
    // Unknown keys may repeat.
    assert!(from_json(r#"{"extra": 1, "extra": 2, "run_id": "x"}"#).is_ok());
}

#[test]
fn the_top_level_must_be_an_object() {
    fails("", ErrorCode::InvalidJson, "the report is empty", "$");
    fails(" \n\t", ErrorCode::InvalidJson, "the report is empty", "$");
    for text in ["[1, 2]", "42", "\"x\"", "null", " [] "] {
        fails(
            text,
            ErrorCode::InvalidValue,
            "the report must be a JSON object",
            "$",
        );
    }
    // Not JSON at all: the error of reading it as a report.
    fails(
        "\"x\" y",
        ErrorCode::InvalidValue,
        "expected an object, found the string \"x\" at line 1 column 3",
        "$",
    );
}

#[test]
fn strings_borrow_from_the_text_unless_they_hold_escapes() {
    let text = r#"{"run_id": "plain", "workflow": "a\nb\"c\\d\/e", "version": "caf\u00e9 \ud83d\ude00", "status": "é😀"}"#;
    let r = from_json(text).unwrap();
    let run_id = r.run_id.unwrap();
    assert!(matches!(run_id.0, Cow::Borrowed("plain")));
    let workflow = r.workflow.unwrap();
    assert_eq!(&*workflow, "a\nb\"c\\d/e");
    assert!(matches!(workflow.0, Cow::Owned(_)));
    assert_eq!(&*r.version.unwrap(), "café 😀");
    let status = r.status.unwrap();
    assert!(matches!(status.0, Cow::Borrowed("é😀")));
    // Escaped keys are the keys they spell.
    let r = from_json(r#"{"run\u005fid": "x", "diffs": [{"id": "a\tb"}]}"#).unwrap();
    assert_eq!(r.run_id.as_deref(), Some("x"));
    assert_eq!(r.diffs.unwrap()[0].id.as_deref(), Some("a\tb"));
}

#[test]
fn fields_read_into_the_types() {
    let text = r#"{
      "run_id": "r", "timestamps": {"finished_at": "2024-01-01T00:00:00Z", "started_at": 1},
      "scope": {"dialect": "mysql", "default_schema": null, "orm": {"x": [1]}},
      "results": [{"a": [[[]]]}, 2, "three", null],
      "diffs": [{"id": "D1", "kind": "missing_table", "severity": "high",
        "object": {"schema": "s", "table": "t", "enum": "e"},
        "expected": {"name": "t", "columns": ["a", {"name": "b", "type": "int", "nullable": false,
            "default": null}, {"name": "c", "default": {"kind": "expression", "value": "now()"}}],
          "primary_key": {"columns": ["a"]}, "unique": true,
          "foreign_keys": [{"columns": ["b"], "references": {"table": "u", "columns": ["id"]}}],
          "unique_constraints": [], "indexes": [{"columns": ["c"], "unique": false}],
          "checks": [{"expression": "a > 0"}], "enum_values": ["x"], "values": null},
        "actual": null}]
    }"#;
    let r = from_json(text).unwrap();
    assert_eq!(r.results.as_ref().map(Vec::len), Some(4));
    assert_eq!(r.scope.as_ref().unwrap().dialect.as_deref(), Some("mysql"));
    assert!(r.scope.as_ref().unwrap().default_schema.is_none());
    let d = &r.diffs.as_ref().unwrap()[0];
    assert_eq!(d.object.as_ref().unwrap().enum_name.as_deref(), Some("e"));
    assert!(d.actual.is_none());
    let p = d.expected.as_ref().unwrap();
    assert_eq!(p.unique, Some(true));
    assert!(p.values.is_none());
    assert!(p.default.is_none(), "absent");
    let cols = p.columns.as_ref().unwrap();
    assert!(matches!(&cols[0], ColumnEntry::Name(n) if &**n == "a"));
    let ColumnEntry::Column(b) = &cols[1] else {
        panic!("a Column")
    };
    assert_eq!(
        (b.type_name.as_deref(), b.nullable),
        (Some("int"), Some(false))
    );
    assert!(matches!(b.default, Some(None)), "null");
    let ColumnEntry::Column(c) = &cols[2] else {
        panic!("a Column")
    };
    let dflt = c.default.clone().unwrap().unwrap();
    assert_eq!(dflt.kind.as_deref(), Some("expression"));
    assert_eq!(dflt.value, Some(Value::String(Str(Cow::Borrowed("now()")))));
    assert_eq!(
        p.foreign_keys.as_ref().unwrap()[0]
            .references
            .as_ref()
            .unwrap()
            .table
            .as_deref(),
        Some("u")
    );
    assert_eq!(p.indexes.as_ref().unwrap()[0].unique, Some(false));
    assert_eq!(
        p.checks.as_ref().unwrap()[0].expression.as_deref(),
        Some("a > 0")
    );
    // `"value": null` is a value; an absent `value` is none.
    let r = from_json(r#"{"diffs": [{"expected": {"default": {"kind": "literal", "value": null}}}, {"expected": {"default": {"kind": "literal"}}}]}"#).unwrap();
    let diffs = r.diffs.unwrap();
    let value = |i: usize| {
        diffs[i]
            .expected
            .as_ref()
            .unwrap()
            .default
            .clone()
            .unwrap()
            .unwrap()
            .value
    };
    assert_eq!(value(0), Some(Value::Null));
    assert_eq!(value(1), None);
}

#[test]
fn deep_nesting_is_skipped_or_refused_without_recursion() {
    // Unknown or ignored content is skipped without recursion, however deep.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    let text = format!(
        r#"{{"run_id": "x", "results": [{deep}, {objects}], "extra": {deep}, "more": {objects}}}"#
    );
    assert!(from_json(&text).is_ok());
    // Where a value is read, deep nesting is refused, never recursed into: 128 levels from
    // the report down (here the report, diffs, a diff, expected and its default hold 5).
    let value = |n: usize| {
        format!(
            r#"{{"diffs": [{{"expected": {{"default": {{"value": {}{}}}}}}}]}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    assert!(from_json(&value(122)).is_ok());
    let e = err(&value(123));
    assert_eq!(e.code, ErrorCode::TooLarge);
    assert!(e
        .message
        .starts_with("values nested more than 128 levels deep at line 1 column "));
    let path = e.path.unwrap();
    assert!(
        path.starts_with("$.diffs[0].expected.default.value[0][0]"),
        "{path}"
    );
    assert_eq!(path.matches("[0]").count(), 1 + 122);
    let e = err(&value(100_000));
    assert_eq!(e.code, ErrorCode::TooLarge);
}

#[test]
fn reports_over_the_size_limit_are_too_large() {
    let text = format!(
        r#"{{"run_id": "x", "pad": "{}"}}"#,
        "a".repeat(MAX_REPORT_BYTES)
    );
    assert_eq!(err(&text).code, ErrorCode::TooLarge);
}

#[test]
fn numbers_are_kept_as_the_report_writes_them() {
    for text in [
        "0",
        "-5",
        "1.50",
        "1e3",
        "1E+3",
        "-0",
        "0.1234567890123456789",
        "18446744073709551616",
        "2.5e-324",
    ] {
        with_default(text, |v| assert_eq!(v, &Value::Number(text)));
        assert_eq!(with_default(text, |v| v.to_json()), text);
    }
}

#[test]
fn values_print_as_compact_json_with_sorted_keys() {
    assert_eq!(
        with_default(r#"[1, 2.50, "a", null, true]"#, |v| v.to_json()),
        r#"[1,2.50,"a",null,true]"#
    );
    // Keys sorted, the last of a repeated key kept, strings escaped as JSON escapes them.
    assert_eq!(
        with_default(
            r#"{"b": 1, "a": [true, {}], "b": 2.0, "c\u0001": "\"é\n"}"#,
            |v| v.to_json()
        ),
        r#"{"a":[true,{}],"b":2.0,"c\u0001":"\"é\n"}"#
    );
    assert_eq!(with_default("[]", |v| v.to_json()), "[]");
    assert_eq!(with_default("{}", |v| v.to_json()), "{}");
    with_default(r#""x""#, |v| {
        assert_eq!(v, &Value::String(Str(Cow::Borrowed("x"))));
    });
    with_default("false", |v| assert_eq!(v, &Value::Bool(false)));
}

#[test]
fn no_message_names_a_rust_type() {
    let texts = [
        r#"{"scope": 5}"#,
        r#"{"timestamps": []}"#,
        r#"{"diffs": [5]}"#,
        r#"{"diffs": [{"object": "t"}]}"#,
        r#"{"diffs": [{"expected": []}]}"#,
        r#"{"diffs": [{"actual": 1}]}"#,
        r#"{"diffs": [{"expected": {"primary_key": "id"}}]}"#,
        r#"{"diffs": [{"expected": {"foreign_keys": [1]}}]}"#,
        r#"{"diffs": [{"expected": {"foreign_keys": [{"references": []}]}}]}"#,
        r#"{"diffs": [{"expected": {"unique_constraints": {}}}]}"#,
        r#"{"diffs": [{"expected": {"indexes": [[]]}}]}"#,
        r#"{"diffs": [{"expected": {"checks": [true]}}]}"#,
        r#"{"diffs": [{"expected": {"columns": {}}}]}"#,
        r#"{"diffs": [{"expected": {"columns": [{"default": {"kind": 1}}]}}]}"#,
        r#"{"diffs": [{"expected": {"values": "a"}}]}"#,
        r#"{"diffs": [{"expected": {"unique": 1}}]}"#,
        r#"{"diffs": [{"expected": {"name": {"a": 1}}}]}"#,
        r#"{"results": 5}"#,
        r#"{"diffs": [{"id": 1.5e300}]}"#,
        r#"{"diffs": [{"id": "a", "id": "b"}]}"#,
    ];
    for text in texts {
        let e = err(text);
        assert_eq!(e.code, ErrorCode::InvalidValue, "{text}");
        for word in [
            "struct",
            "sequence",
            "map",
            "Payload",
            "Diff",
            "Option",
            "integer",
            "floating",
            "boolean",
            "invalid type",
        ] {
            assert!(!e.message.contains(word), "{text}: {}", e.message);
        }
        assert!(
            e.message.contains(" at line 1 column "),
            "{text}: {}",
            e.message
        );
        assert!(
            e.path.as_deref().is_some_and(|p| p.starts_with("$.")),
            "{text}: {e:?}"
        );
    }
}

#[test]
fn numbers_past_the_range_of_an_f64_are_refused() {
    let value = |v: &str| {
        format!(
            r#"{{"diffs": [{{"expected": {{"default": {{"kind": "literal", "value": {v}}}}}}}]}}"#
        )
    };
    for text in [
        "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "-1.7976931348623158e308",
        "1.797693134862315807937e308", "1.797693134862315808e308", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
        "0.0017976931348623159e311", "1e309", "2e308", "-2e308", "1e400", "1e-400", "0e999999", "0.0", "12345.678e304",
        "1e99999999999999999999", "1e-99999999999999999999",
    ] {
        let finite = text.parse::<f64>().unwrap().is_finite();
        match from_json(&value(text)) {
            Ok(_) => assert!(finite, "{text} read"),
            Err(e) => {
                assert!(!finite, "{text}: {e}");
                assert!(e.message.starts_with("a number too large for a 64-bit float"), "{e}");
            }
        }
    }
}
