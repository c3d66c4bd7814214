"""Input at the edges of what the database can hold: one clear line, never a traceback.

Integers beyond 64 bits, digits from other scripts, NUL characters, BLOBs and infinities in
output.
"""

from __future__ import annotations

import json
import re

import pytest

from exodb import queries, reports
from exodb.cli import main
from exodb.console.sql import parse_param, run_sqlite
from exodb.errors import UnknownName
from exodb.render import render, render_report

from .conftest import BACKEND

TOO_BIG = "99999999999999999999999"
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def invoke(runner, url, *args, **kwargs):
    result = runner.invoke(main, ["--db", url, *args], **kwargs)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result


def strict_json(text: str):
    """JSON as the standard has it: no NaN or Infinity tokens."""

    def refuse(token: str):
        raise AssertionError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


# --- --ref: a reference number, 1 to 2**63 - 1 -----------------------------------------------

FILTERED_COMMANDS = [
    ["studies"],
    ["report", "gaps"],
    ["report", "outcomes"],
    ["report", "evidence-matrix"],
    ["report", "convergence"],
    ["export", "network"],
]


@pytest.mark.parametrize("command", FILTERED_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("value", [TOO_BIG, str(INT64_MAX + 1), "0", "-1"])
def test_ref_outside_the_reference_numbers_is_a_usage_error(runner, seeded_url, command, value):
    result = invoke(runner, seeded_url, *command, "--ref", value)
    assert result.exit_code == 2
    assert (
        f"Error: Invalid value for '--ref': {value} is not in the range "
        "1<=x<=9223372036854775807.\n"
    ) in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", FILTERED_COMMANDS, ids=" ".join)
def test_largest_ref_is_accepted_and_is_a_reference_the_review_does_not_cite(
    runner, seeded_url, command
):
    result = invoke(runner, seeded_url, *command, "--ref", str(INT64_MAX))
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: unknown reference '{INT64_MAX}'\n"


@pytest.mark.parametrize("ref", [10**23, INT64_MAX + 1, 0, -1])
def test_studies_ref_out_of_range_from_python_is_a_value_error(session, ref):
    message = f"ref must be a reference number from 1 to {INT64_MAX}, got {ref}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        queries.studies(session, ref=ref)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        reports.gaps(session, ref=ref)
    with pytest.raises(UnknownName, match=f"^unknown reference '{INT64_MAX}'$"):
        queries.studies(session, ref=INT64_MAX)
    assert [s.key for s in queries.studies(session, ref=46)] == ["huang_46", "ref46_hypoxia"]


# --- show N: only ASCII digits are a reference number --------------------------------------


@pytest.mark.parametrize("command", [["show"], ["report", "study"]], ids=" ".join)
@pytest.mark.parametrize("number", [TOO_BIG, str(INT64_MAX + 1), str(INT64_MAX), "3000000000"])
def test_show_reference_beyond_64_bits_is_an_unknown_study(runner, seeded_url, command, number):
    result = invoke(runner, seeded_url, *command, number)
    assert result.exit_code == 1
    assert result.stderr == f"Error: unknown study '{number}'\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    "digits",
    ["١٢٣", "٤٦", "１２３", "१२३", "²"],
    ids=["arabic-indic", "arabic-indic-46", "fullwidth", "devanagari", "superscript"],
)
def test_show_digits_of_other_scripts_are_not_a_reference_number(runner, seeded_url, digits):
    result = invoke(runner, seeded_url, "show", digits)
    assert result.exit_code == 1
    assert result.stderr == f"Error: unknown study '{digits}'\n"
    assert result.stdout == ""


def test_study_details_takes_only_ascii_digits_as_a_reference_number(session):
    with pytest.raises(UnknownName, match="^unknown study '١٢٣'$"):
        queries.study_details(session, "١٢٣")
    with pytest.raises(UnknownName, match=f"^unknown study '{TOO_BIG}'$"):
        queries.study_details(session, TOO_BIG)
    assert [d.key for d in queries.study_details(session, " 046 ")] == ["huang_46", "ref46_hypoxia"]


# --- --param: numbers the database can hold ----------------------------------------------------


@pytest.mark.parametrize("value", [TOO_BIG, str(INT64_MAX + 1), str(INT64_MIN - 1), "+" + TOO_BIG])
def test_param_beyond_64_bits_is_one_clear_line(runner, seeded_url, value):
    result = invoke(runner, seeded_url, "sql", "SELECT :n AS n", "--param", f"n={value}")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: --param n: {value} does not fit a 64-bit integer; "
        "quote it in SQL as text if you meant a string\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize("value", [INT64_MAX, INT64_MIN])
def test_param_at_the_64_bit_limits_is_a_number(runner, seeded_url, value):
    result = invoke(
        runner, seeded_url, "sql", "SELECT :n AS n", "--param", f"n={value}", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout) == [{"n": value}]


def test_param_decimal_beyond_a_double_is_one_clear_line(runner, seeded_url):
    result = invoke(runner, seeded_url, "sql", "SELECT :f AS f", "--param", "f=1.0e999")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --param f: 1.0e999 does not fit a 64-bit float; "
        "quote it in SQL as text if you meant a string\n"
    )


@pytest.mark.parametrize("value", ["١٢٣", "١.٥", "１２"])
def test_param_digits_of_other_scripts_stay_text(runner, seeded_url, value):
    result = invoke(
        runner, seeded_url, "sql", "SELECT :n AS n", "--param", f"n={value}", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout) == [{"n": value}]
    assert parse_param(f"n={value}") == ("n", value)


def test_parse_param_reads_an_exponent_without_a_point():
    assert parse_param("n=1e5") == ("n", 100000.0)
    with pytest.raises(ValueError, match="1e999 does not fit a 64-bit float"):
        parse_param("n=1e999")


def test_parse_param_limits():
    assert parse_param(f"n={INT64_MAX}") == ("n", INT64_MAX)
    assert parse_param(f"n={INT64_MIN}") == ("n", INT64_MIN)
    with pytest.raises(ValueError, match="^--param n: 9223372036854775808 does not fit a 64-bit"):
        parse_param("n=9223372036854775808")
    with pytest.raises(ValueError, match="^--param expects name=value, got '=1'$"):
        parse_param("=1")


@pytest.mark.sqlite_only
def test_run_sqlite_refuses_an_integer_beyond_64_bits(seeded_path):
    with pytest.raises(ValueError, match=f"^parameter n: {TOO_BIG} does not fit a 64-bit integer"):
        run_sqlite(seeded_path, "SELECT :n", {"n": int(TOO_BIG)})
    assert run_sqlite(seeded_path, "SELECT :n", {"n": INT64_MIN}).rows == [(INT64_MIN,)]


def test_param_with_an_empty_name_is_one_clear_line(runner, seeded_url):
    result = invoke(runner, seeded_url, "sql", "SELECT 1 AS n", "--param", "=1")
    assert result.exit_code == 1
    assert result.stderr == "Error: --param expects name=value, got '=1'\n"


def test_param_with_a_nul_character(runner, seeded_url):
    """SQLite keeps the NUL; PostgreSQL's text cannot hold one and says so in one line."""
    result = invoke(
        runner, seeded_url, "sql", "SELECT :n AS n", "--param", "n=a\0b", "--format", "json"
    )
    if BACKEND == "sqlite":
        assert result.exit_code == 0, result.output
        assert strict_json(result.stdout) == [{"n": "a\0b"}]
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: SQL error: ")
        assert "NUL" in result.stderr and len(result.stderr.splitlines()) == 1


# --- NUL characters in the names and words of study filters -----------------------------------


@pytest.mark.parametrize(
    ("option", "name"),
    [("--has-outcome", "has_outcome"), ("--cargo", "cargo"), ("--cell-source", "cell_source")],
)
def test_nul_in_a_study_filter_is_one_clear_line(runner, seeded_url, option, name):
    result = invoke(runner, seeded_url, "studies", option, "a\0b")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {name} must not contain a NUL character\n"
    assert result.stdout == ""


def test_nul_in_a_study_key_is_one_clear_line(runner, seeded_url):
    result = invoke(runner, seeded_url, "show", "huang_46\0")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: a study key or reference number must not contain a NUL character\n"
    )


# --- BLOBs and infinities in output ------------------------------------------------------------

BLOB = {"sqlite": "SELECT x'00ff' AS b", "postgresql": "SELECT '\\x00ff'::bytea AS b"}[BACKEND]


def test_blob_as_json_is_lowercase_hex(runner, seeded_url):
    result = invoke(runner, seeded_url, "sql", BLOB, "--format", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout) == [{"b": "00ff"}]


def test_blob_as_csv_is_lowercase_hex(runner, seeded_url):
    result = invoke(runner, seeded_url, "sql", BLOB, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "b\n00ff\n"


def test_blob_as_a_table_is_lowercase_hex(runner, seeded_url):
    result = invoke(runner, seeded_url, "sql", BLOB)
    assert result.exit_code == 0, result.output
    assert result.stdout == "b\n----\n00ff\n"
    markdown = invoke(runner, seeded_url, "sql", BLOB, "--format", "markdown")
    assert markdown.stdout == "| b    |\n|------|\n| 00ff |\n"
    latex = invoke(runner, seeded_url, "sql", BLOB, "--format", "latex")
    assert "\n00ff \\\\\n" in latex.stdout


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fmt", ["json", "csv", "table", "markdown", "latex"])
def test_sqlite_blob_functions_render_as_hex(runner, seeded_url, fmt):
    sql = "SELECT randomblob(4) AS r, zeroblob(3) AS z, x'' AS e"
    result = invoke(runner, seeded_url, "sql", sql, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        (row,) = strict_json(result.stdout)
        assert re.fullmatch("[0-9a-f]{8}", row["r"]) and row["z"] == "000000" and row["e"] == ""
    else:
        assert "000000" in result.stdout
        assert re.search(r"(^|[ ,|])[0-9a-f]{8}([ ,|]|$)", result.stdout, re.M)
        assert "\\x" not in result.stdout and "b'" not in result.stdout


def test_render_writes_bytes_as_hex_everywhere():
    rows = [{"b": b"\x00\xffA", "m": memoryview(b"\x10"), "l": [b"\x01", bytearray(b"\xab")]}]
    assert strict_json(render(rows, "json")) == [{"b": "00ff41", "m": "10", "l": ["01", "ab"]}]
    assert render(rows, "csv") == "b,m,l\n00ff41,10,01;ab\n"
    assert render(rows, "table").splitlines()[2].split() == ["00ff41", "10", "01,", "ab"]


INFINITE = {
    "sqlite": "SELECT 1e999 AS f, -1e999 AS g",
    "postgresql": "SELECT 'Infinity'::float8 AS f, '-Infinity'::float8 AS g",
}[BACKEND]


def test_infinite_float_as_json_is_still_json(runner, seeded_url):
    result = invoke(runner, seeded_url, "sql", INFINITE, "--format", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout) == [{"f": "Infinity", "g": "-Infinity"}]


def test_render_json_never_writes_nan_or_infinity_tokens():
    from exodb.reports import Report

    rows = [{"x": float("nan"), "y": [float("inf")], "z": {"w": -float("inf")}, "n": 1.5}]
    expected = [{"x": "NaN", "y": ["Infinity"], "z": {"w": "-Infinity"}, "n": 1.5}]
    assert strict_json(render(rows, "json")) == expected
    report = Report(title="t", columns=["x"], headers={}, rows=[{"x": float("inf")}])
    assert strict_json(render_report(report, "json"))["rows"] == [{"x": "Infinity"}]


def test_server_values_as_json(runner, seeded_url):
    """PostgreSQL answers avg() of integers with a numeric and CURRENT_DATE with a date; SQLite
    with a float and text. The JSON is the same."""
    sql = "SELECT avg(number) AS a, CURRENT_DATE AS d FROM reference"
    result = invoke(runner, seeded_url, "sql", sql, "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = strict_json(result.stdout)
    assert row["a"] == 97.5
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["d"])


def test_render_json_of_decimals_dates_and_other_server_values():
    import datetime
    import uuid
    from decimal import Decimal

    rows = [
        {
            "whole": Decimal("12345678901234567890123"),
            "exact": Decimal("2.000"),
            "part": Decimal("97.5000000000000000"),
            "nan": Decimal("NaN"),
            "inf": Decimal("-Infinity"),
            "date": datetime.date(2025, 1, 2),
            "time": datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "interval": datetime.timedelta(days=1),
            "uuid": uuid.UUID(int=1),
        }
    ]
    assert strict_json(render(rows, "json")) == [
        {
            "whole": 12345678901234567890123,
            "exact": 2,
            "part": 97.5,
            "nan": "NaN",
            "inf": "-Infinity",
            "date": "2025-01-02",
            "time": "2025-01-02T03:04:05+00:00",
            "interval": "1 day, 0:00:00",
            "uuid": "00000000-0000-0000-0000-000000000001",
        }
    ]
