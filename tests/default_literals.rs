//! A literal default's JSON value as it reaches the SQL: numbers as the report writes them (a
//! JSON number is an SQL numeric literal), other values quoted.

use smartspec_data_migration_generator::{generate_json, Options};

/// The `DEFAULT` of the column a `missing_column` diff adds, or the error.
fn default_sql(value: &str) -> String {
    let text = format!(
        r#"{{"run_id": "r-1", "timestamps": {{"finished_at": "2024-01-01T12:00:00Z"}}, "diffs": [{{"id": "D1", "kind": "missing_column",
        "object": {{"table": "t", "column": "c"}},
        "expected": {{"name": "c", "type": "text", "default": {{"kind": "literal", "value": {value}}}}}}}]}}"#
    );
    let options = Options {
        dialect: Some("postgresql".to_string()),
        ..Options::default()
    };
    match generate_json(&text, &options) {
        Ok(out) => {
            let sql = &out.statements[0].sql;
            let at = sql.find(" DEFAULT ").expect("a DEFAULT clause") + " DEFAULT ".len();
            let rest = &sql[at..];
            rest[..rest.find(';').unwrap_or(rest.len())].to_string()
        }
        Err(e) => format!("{}: {}", e.code.as_str(), e),
    }
}

#[test]
fn literal_defaults_keep_their_sql() {
    for (value, sql) in [
        ("0", "0"),
        ("5", "5"),
        ("-5", "-5"),
        ("-0", "-0"),
        ("0.0", "0.0"),
        ("1.50", "1.50"),
        ("0.1", "0.1"),
        ("123.456", "123.456"),
        ("1.005", "1.005"),
        ("1e3", "1e3"),
        ("1E3", "1E3"),
        ("1.0e3", "1.0e3"),
        ("1e15", "1e15"),
        ("1e16", "1e16"),
        ("1e300", "1e300"),
        ("1e308", "1e308"),
        ("1.7976931348623157e308", "1.7976931348623157e308"),
        ("1.5e-7", "1.5e-7"),
        ("1e-5", "1e-5"),
        ("0.000001", "0.000001"),
        ("123e-20", "123e-20"),
        ("1e-400", "1e-400"),
        ("0e999999999999", "0e999999999999"),
        ("123456789012345678", "123456789012345678"),
        ("18446744073709551615", "18446744073709551615"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("100000000000000000000", "100000000000000000000"),
        ("\"x\"", "'x'"),
        ("true", "TRUE"),
        ("null", "NULL"),
        ("[1, 2.50, \"a\"]", "'[1,2.50,\"a\"]'"),
        (
            "{\"b\": 1, \"a\": [true, null], \"b\": 2.0}",
            "'{\"a\":[true,null],\"b\":2.0}'",
        ),
        ("[]", "'[]'"),
        ("{}", "'{}'"),
        ("\"a\\u0001\\\"é\"", "E'a\\u0001\"é'"),
    ] {
        assert_eq!(default_sql(value), sql, "{value}");
    }
}

#[test]
fn literal_defaults_that_are_not_numbers_json_reads_are_refused() {
    for (value, error) in [
        (
            "007",
            "invalid_json: $.diffs[0].expected.default.value: an invalid number at line 3 column 92",
        ),
        (
            "1.8e308",
            "invalid_json: $.diffs[0].expected.default.value: a number too large for a 64-bit float at line 3 column 97",
        ),
        (
            "-1e400",
            "invalid_json: $.diffs[0].expected.default.value: a number too large for a 64-bit float at line 3 column 96",
        ),
        (
            "[1e400]",
            "invalid_json: $.diffs[0].expected.default.value[0]: a number too large for a 64-bit float at line 3 column 96",
        ),
    ] {
        assert_eq!(default_sql(value), error, "{value}");
    }
}

/// Past an `f64`'s precision (more than 15 significant digits, or a significand and exponent
/// an `f64` rounds), a number keeps the digits the report gives. Each case: the value, the SQL,
/// and the `f64` nearest to it, as serde_json prints it.
#[test]
fn numbers_past_f64_precision_keep_their_digits() {
    for (value, sql, _f64) in [
        (
            "0.1234567890123456789",
            "0.1234567890123456789",
            "0.12345678901234568",
        ),
        (
            "3.14159265358979323846",
            "3.14159265358979323846",
            "3.141592653589793",
        ),
        (
            "1234567890123456.7",
            "1234567890123456.7",
            "1234567890123456.8",
        ),
        (
            "9007199254740993.0",
            "9007199254740993.0",
            "9007199254740994.0",
        ),
        (
            "18446744073709551616",
            "18446744073709551616",
            "1.8446744073709552e+19",
        ),
        (
            "-9223372036854775809",
            "-9223372036854775809",
            "-9.223372036854776e+18",
        ),
        ("123e-25", "123e-25", "1.2299999999999998e-23"),
        ("2.5e-324", "2.5e-324", "5e-324"),
    ] {
        assert_eq!(default_sql(value), sql, "{value}");
    }
}
