"""`exodb sql` is bounded: a time limit enforced by the database, streamed rows, --limit, and a
cap on one value's size."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from exodb.cli import console as cli_console
from exodb.cli import main
from exodb.cli.console import TABLE_ROWS
from exodb.console.sql import BATCH_BYTES, DEFAULT_TIMEOUT_SECONDS, next_batch, run_sql, value_bytes
from exodb.errors import QueryTimeout, ValueTooLarge

from .conftest import BACKEND

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
TIMED_OUT = (
    "Error: the query ran longer than the {} s limit and was stopped; give it more time with "
    "--timeout SECONDS (0 for no limit)\n"
)


def test_a_runaway_query_stops_at_the_time_limit(runner, seeded_url):
    started = time.monotonic()
    result = runner.invoke(main, ["--db", seeded_url, "sql", "--timeout", "0.5", RUNAWAY])
    assert result.exit_code == 1
    assert result.stderr == TIMED_OUT.format("0.5")
    assert time.monotonic() - started < 5


@pytest.mark.skipif(BACKEND != "postgresql", reason="pg_sleep is PostgreSQL's")
def test_a_sleeping_query_stops_at_the_time_limit(runner, seeded_url):
    result = runner.invoke(
        main, ["--db", seeded_url, "sql", "--timeout", "0.3", "SELECT pg_sleep(60)"]
    )
    assert result.stderr == TIMED_OUT.format("0.3")


def test_the_library_takes_the_time_limit(seeded_url):
    with pytest.raises(QueryTimeout, match="longer than the 0.3 s limit"):
        run_sql(seeded_url, RUNAWAY, timeout=0.3)
    assert run_sql(seeded_url, "SELECT 1 AS one", timeout=0).rows == [(1,)]


def test_the_default_time_limit_is_stated_in_the_help(runner):
    assert DEFAULT_TIMEOUT_SECONDS == 30
    result = runner.invoke(main, ["sql", "--help"])
    assert "Stop the query after SECONDS (default: 30; 0: no limit)." in " ".join(
        result.stdout.split()
    )


def test_limit_stops_an_endless_query_and_says_so(runner, seeded_url):
    started = time.monotonic()
    result = runner.invoke(
        main, ["--db", seeded_url, "sql", "--limit", "3", "--format", "csv", ENDLESS]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "x\n1\n2\n3\n"
    assert result.stderr == (
        "exodb: showed the first 3 rows; the query has more (--limit N shows more)\n"
    )
    assert time.monotonic() - started < 5


def test_limit_in_the_library(seeded_url):
    result = run_sql(seeded_url, ENDLESS, limit=2)
    assert (result.rows, result.truncated) == ([(1,), (2,)], True)
    whole = run_sql(seeded_url, "SELECT count(*) AS n FROM study", limit=1)
    assert (whole.rows, whole.truncated) == ([(57,)], False)


def test_json_streams_the_same_document_as_before(runner, seeded_url):
    result = runner.invoke(
        main,
        ["--db", seeded_url, "sql", "--format", "json", "--limit", "2", ENDLESS],
    )
    assert result.stdout == '[\n  {\n    "x": 1\n  },\n  {\n    "x": 2\n  }\n]\n'
    empty = runner.invoke(
        main, ["--db", seeded_url, "sql", "--format", "json", "SELECT 1 AS x WHERE 1 = 0"]
    )
    assert empty.stdout == "[]\n"


def test_text_tables_show_at_most_the_table_cap(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "sql", "--timeout", "20", ENDLESS])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + TABLE_ROWS and lines[-1].strip() == str(TABLE_ROWS)
    assert result.stderr == (
        f"exodb: showed the first {TABLE_ROWS:,} rows; the query has more "
        "(--format csv or json streams all)\n"
    )


def test_an_endless_result_streams_in_bounded_memory(seeded_url, tmp_path):
    """Rows reach the output while the query runs, and memory does not grow with them: the
    endless query peaks within a margin of the same command asking for one row (measured in
    the same run, so the libraries' own size does not count)."""
    script = (
        "import resource, sys\n"
        "from exodb.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "finally:\n"
        "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    sys.stderr.write(f'maxrss {kb}\\n')\n"
    )

    def peak_mb(sql: str, output) -> tuple[float, str]:
        with open(output, "wb") as handle:
            result = subprocess.run(
                [sys.executable, "-c", script, "--db", seeded_url, "sql", "--timeout", "1"]
                + ["--format", "csv", sql],
                stdout=handle,
                stderr=subprocess.PIPE,
                text=True,
                env={k: v for k, v in os.environ.items() if k != "EXODB_URL"},
                timeout=60,
            )
        return int(result.stderr.rsplit("maxrss ", 1)[1]) / 1024, result.stderr

    output = tmp_path / "rows.csv"
    endless, stderr = peak_mb(ENDLESS, output)
    assert TIMED_OUT.format("1") in stderr
    rows = output.stat().st_size
    assert rows > 100_000  # many rows of rows were written before the limit stopped it
    one_row, _ = peak_mb("SELECT 1 AS x", tmp_path / "one.csv")
    assert endless - one_row < 40, (endless, one_row)


HUGE = {
    "sqlite": ("randomblob(100000000)", 100_000_000, ""),
    "postgresql": ("repeat('x', 2000000)", 2_000_000, " in row 1, column b (2,000,000 bytes)"),
}


def test_a_huge_value_is_refused_with_the_cap(runner, seeded_url):
    value, size, where = HUGE[BACKEND]
    sql = f"SELECT {value} AS b"
    started = time.monotonic()
    result = runner.invoke(main, ["--db", seeded_url, "sql", sql])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: a value{where} is larger than the 1 MB that exodb sql returns; select a part "
        "of it (substr) or its length\n"
    )
    assert time.monotonic() - started < 5
    with pytest.raises(ValueTooLarge):
        run_sql(seeded_url, sql)
    # Without the cap, the same value is built (and only its length returned here).
    assert run_sql(seeded_url, f"SELECT length({value})", max_value_bytes=None).rows == [(size,)]


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_the_console_honours_spreadsheet_safe(runner, seeded_url, fmt):
    query = "SELECT '=1+1' AS f, '-2.5' AS n, '@x' AS a"
    plain = runner.invoke(main, ["--db", seeded_url, "sql", "--format", "csv", query])
    safe = runner.invoke(
        main, ["--db", seeded_url, "sql", "--format", "csv", "--spreadsheet-safe", query]
    )
    assert plain.stdout == "f,n,a\n=1+1,-2.5,@x\n"  # lossless by default
    assert safe.stdout == "f,n,a\n'=1+1,-2.5,'@x\n"  # a number stays a number
    if fmt == "table":  # the flag changes nothing outside CSV
        shown = runner.invoke(main, ["--db", seeded_url, "sql", "--spreadsheet-safe", query])
        assert "=1+1" in shown.stdout and "'=1+1" not in shown.stdout


def test_the_streamed_csv_quotes_a_lone_carriage_return(runner, seeded_url):
    query = "SELECT 'a' || char(13) || 'b' AS v UNION ALL SELECT 'c'"
    if BACKEND == "postgresql":
        query = "SELECT 'a' || chr(13) || 'b' AS v UNION ALL SELECT 'c'"
    result = runner.invoke(main, ["--db", seeded_url, "sql", "--format", "csv", query])
    assert result.stdout == 'v\n"a\rb"\nc\n'


def test_a_batch_holds_a_bounded_number_of_bytes():
    big = "x" * 990_000
    rows = iter([(big,)] * 40)
    sizes = []
    while batch := next_batch(rows):
        sizes.append(len(batch))
    assert sum(sizes) == 40 and max(sizes) == -(-BATCH_BYTES // 990_000)
    assert value_bytes(("abc", b"de", 7, None)) == 5


def test_text_tables_hold_a_bounded_number_of_bytes(runner, seeded_url, monkeypatch):
    monkeypatch.setattr(cli_console, "TABLE_BYTES", 2_500_000)
    repeat = "hex(zeroblob(450000))" if BACKEND == "sqlite" else "repeat('x', 900000)"
    sql = f"SELECT {repeat} AS v FROM study"
    result = runner.invoke(main, ["--db", seeded_url, "sql", "--format", "markdown", sql])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2 + 2  # header, rule, two rows of 900 kB
    assert result.stderr == (
        "exodb: showed the first 2 rows; the markdown format holds at most 2 MB of values "
        "(--format csv or json streams all)\n"
    )


def test_running_out_of_memory_is_one_line(runner, seeded_url, monkeypatch):
    from exodb import queries

    def exhausted(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(queries, "studies", exhausted)
    result = runner.invoke(main, ["--db", seeded_url, "studies"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: ran out of memory (for exodb sql: --limit N, or --format csv or json, which "
        "stream)\n"
    )
