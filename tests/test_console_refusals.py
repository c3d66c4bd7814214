"""`exodb sql` runs queries only: what each backend refuses, and what stays possible."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from exodb.cli import main
from exodb.console.sql import ReadOnlyError, refused_functions, run_sql

from .conftest import BACKEND, snapshot
from .test_sql import checksum

QUERIES_ONLY = "exodb sql runs queries only (SELECT, WITH, VALUES, TABLE)"

SQLITE_REFUSED = [
    ("DROP TABLE IF EXISTS x", f"DROP is refused; {QUERIES_ONLY}"),
    ("DROP VIEW IF EXISTS x", f"DROP is refused; {QUERIES_ONLY}"),
    ("CREATE TEMP VIEW v AS SELECT 1", f"CREATE TEMP VIEW is refused; {QUERIES_ONLY}"),
    ("CREATE TEMP TABLE t (x)", f"CREATE TEMP TABLE is refused; {QUERIES_ONLY}"),
    ("REINDEX", f"REINDEX is refused; {QUERIES_ONLY}"),
    ("ANALYZE", f"writing SQLite's statistics (ANALYZE) is refused; {QUERIES_ONLY}"),
    ("PRAGMA optimize", "PRAGMA optimize is refused; only pragmas that read are allowed"),
    ("PRAGMA data_version = 3", "PRAGMA data_version = 3 is refused; only pragmas that read"),
    ("SELECT fts3_tokenizer('simple')", "fts3_tokenizer() is refused"),
    ("BEGIN", f"BEGIN is refused; {QUERIES_ONLY}"),
    ("SAVEPOINT s", f"SAVEPOINT is refused; {QUERIES_ONLY}"),
    ("DROP TABLE study", f"DROP TABLE is refused; {QUERIES_ONLY}"),
    ("DELETE FROM study", f"DELETE is refused; {QUERIES_ONLY}"),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("statement", "message"), SQLITE_REFUSED, ids=[s for s, _ in SQLITE_REFUSED]
)
def test_sqlite_refuses_every_statement_that_is_not_a_query(runner, fresh_path, statement, message):
    before = checksum(fresh_path)
    result = runner.invoke(main, ["--db", str(fresh_path), "sql", statement])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: exodb sql is read-only: {message}")
    assert "Traceback" not in result.output
    assert checksum(fresh_path) == before


@pytest.mark.sqlite_only
def test_load_extension_stays_off(seeded_path):
    with pytest.raises(ReadOnlyError, match=r"load_extension\(\) is refused"):
        run_sql(str(seeded_path), "SELECT load_extension('/nonexistent')")


def test_full_text_tables_can_be_queried(seeded_url):
    if BACKEND == "sqlite":
        sql = (
            "SELECT key FROM search_fts WHERE search_fts MATCH 'ferroptosis' "
            "AND entity = 'study' ORDER BY key"
        )
        assert run_sql(seeded_url, sql).rows == [("chen_65",), ("zhang_64",)]
        assert run_sql(seeded_url, "PRAGMA data_version").columns == ["data_version"]
    else:
        sql = (
            "SELECT key FROM search_document WHERE entity = 'study' "
            "AND to_tsvector('english', text) @@ plainto_tsquery('english', 'ferroptosis') "
            "ORDER BY key"
        )
        assert run_sql(seeded_url, sql).rows == [("chen_65",), ("zhang_64",)]


# --- PostgreSQL -----------------------------------------------------------------------------

ADMINISTRATION = "; the console calls no function that administers the server"
POSTGRES_REFUSED = [
    ("COPY (SELECT 1) TO PROGRAM 'touch {tmp}/program'", f"COPY is refused; {QUERIES_ONLY}"),
    ("COPY (SELECT 1) TO '{tmp}/copied'", f"COPY is refused; {QUERIES_ONLY}"),
    ("COPY study TO STDOUT", f"COPY is refused; {QUERIES_ONLY}"),
    ("DO $$ BEGIN LOCK study; END $$", f"DO is refused; {QUERIES_ONLY}"),
    ("LOCK study", f"LOCK is refused; {QUERIES_ONLY}"),
    ("ANALYZE study", f"ANALYZE is refused; {QUERIES_ONLY}"),
    ("SET statement_timeout = 0", f"SET is refused; {QUERIES_ONLY}"),
    ("EXPLAIN ANALYZE SELECT 1", f"EXPLAIN is refused; {QUERIES_ONLY}"),
    ("SELECT pg_read_file('/etc/hostname')", f"pg_read_file() is refused{ADMINISTRATION}"),
    ("SELECT * FROM pg_ls_dir('.')", f"pg_ls_dir() is refused{ADMINISTRATION}"),
    ("SELECT pg_reload_conf()", f"pg_reload_conf() is refused{ADMINISTRATION}"),
    ("SELECT pg_cancel_backend(pg_backend_pid())", "pg_cancel_backend() is refused"),
    ("SELECT set_config('work_mem', '1GB', false)", f"set_config() is refused{ADMINISTRATION}"),
    ("SELECT pg_advisory_lock(1)", f"pg_advisory_lock() is refused{ADMINISTRATION}"),
    ("SELECT lo_import('/etc/hostname')", f"lo_import() is refused{ADMINISTRATION}"),
    ("SELECT key FROM study WHERE pg_stat_file('.') IS NULL", "pg_stat_file() is refused"),
    ("SELECT query_to_xml('SELECT pg_reload_conf()', true, true, '')", "query_to_xml() is"),
    # A quoted identifier holding a quote: the call between its two mentions is seen.
    (
        "SELECT \"q'\".a || set_config(\"q'\".b, 'x', true) AS r "
        "FROM (SELECT random()::text AS a, 'application_name' AS b) \"q'\"",
        f"set_config() is refused{ADMINISTRATION}",
    ),
    (
        'SELECT "q\'".a || pg_advisory_xact_lock("q\'".k)::text AS r '
        "FROM (SELECT ''::text AS a, 1::bigint AS k OFFSET 0) \"q'\"",
        f"pg_advisory_xact_lock() is refused{ADMINISTRATION}",
    ),
    # ts_rewrite runs the query it is given as text, out of the plan's sight.
    (
        "SELECT ts_rewrite('a'::tsquery, $$SELECT 'a'::tsquery, 'b'::tsquery$$)::text",
        f"ts_rewrite() is refused{ADMINISTRATION}",
    ),
]


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's statements")
@pytest.mark.parametrize(
    ("statement", "message"), POSTGRES_REFUSED, ids=[s[:40] for s, _ in POSTGRES_REFUSED]
)
def test_postgres_refuses_what_is_not_a_plain_query(
    runner, fresh_url, tmp_path, statement, message
):
    before = snapshot(fresh_url)
    result = runner.invoke(main, ["--db", fresh_url, "sql", statement.format(tmp=tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: exodb sql is read-only: {message}")
    assert "Traceback" not in result.output
    assert snapshot(fresh_url) == before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's sessions")
def test_postgres_console_cannot_terminate_a_session_of_its_own_role(runner, seeded_url):
    other = create_engine(seeded_url)
    with other.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        result = runner.invoke(
            main, ["--db", seeded_url, "sql", f"SELECT pg_terminate_backend({pid})"]
        )
        assert result.stderr.startswith(
            "Error: exodb sql is read-only: pg_terminate_backend() is refused"
        )
        assert connection.execute(text("SELECT 1")).scalar() == 1
    other.dispose()


ADMIN_URL = os.environ.get("EXODB_TEST_POSTGRES_ADMIN_URL")


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's roles")
def test_the_test_role_is_an_application_role(seeded_url):
    engine = create_engine(seeded_url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user")
        ).one()
    engine.dispose()
    assert tuple(row) == (False, True)


@pytest.mark.skipif(BACKEND != "postgresql" or not ADMIN_URL, reason="needs the admin role")
def test_a_superuser_console_is_warned(runner, seeded_url):
    admin = make_url(seeded_url).set(username=make_url(ADMIN_URL).username)
    result = runner.invoke(
        main, ["--db", admin.render_as_string(hide_password=False), "sql", "SELECT 1 AS one"]
    )
    assert result.exit_code == 0
    assert result.stderr == (
        f"exodb: warning: the role '{admin.username}' is a superuser; exodb sql refuses what it "
        "can, but a role for the console should have none of these rights (README: the "
        "console's limits)\n"
    )
    plain = runner.invoke(main, ["--db", seeded_url, "sql", "SELECT 1 AS one"])
    assert plain.stderr == ""


def test_a_quoted_identifier_holding_a_quote_hides_no_call():
    plan = [{"Plan": {"Output": ["((\"q'\".a || set_config(\"q'\".b, 'x'::text, true)))"]}}]
    assert refused_functions(plan) == ["set_config"]
    # A literal that spells a refused call is refused with it: a lexer's guess could be wrong.
    assert refused_functions([{"Output": ["'pg_reload_conf()'::text"]}]) == ["pg_reload_conf"]
    assert refused_functions([{"Output": ["lower('set_config'::text)"]}]) == []


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's messages")
def test_postgres_says_what_a_nul_character_is(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "sql", "SELECT chr(0) AS c"])
    assert result.exit_code == 1
    assert result.stderr == "Error: SQL error: null character not permitted\n"


@pytest.mark.sqlite_only
def test_a_pragma_function_given_too_many_arguments_is_an_sql_error(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "sql", "SELECT * FROM pragma_query_only(0)"])
    assert result.stderr == (
        "Error: SQL error: too many arguments on pragma_query_only() - max 0\n"
    )


def test_a_long_constant_in_the_plan_is_read_in_one_pass():
    # PostgreSQL folds repeat('x', 2000000) into a 2 MB literal in the plan.
    folded = "'" + "x" * 2_000_000 + "'::text"
    assert refused_functions([{"Output": [folded, folded + " || pg_reload_conf()"]}]) == [
        "pg_reload_conf"
    ]
