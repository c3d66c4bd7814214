"""Ctrl-C stops a running query at once, in the console and in commands that query through a
session: exit status 130, one line on stderr, and on PostgreSQL the server stops too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from .conftest import BACKEND

SLOW = {
    # Each runs for a minute or forever; a distinct number finds it in pg_stat_activity.
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(61.{n})",
}


def _running_on_server(url: str, marker: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                "AND query LIKE :q AND pid <> pg_backend_pid()"
            ),
            {"q": f"%{marker}%"},
        ).scalar()
    engine.dispose()
    return count


def _interrupt(command: list[str], url: str, marker: str) -> tuple[int, str, float]:
    """Start ``command``, press Ctrl-C once its query runs; (status, stderr, seconds to stop).

    The command writes "querying" on stderr just before its query starts (see the scripts
    below), so a loaded machine's slow start-up is never mistaken for the query."""
    env = {k: v for k, v in os.environ.items() if k != "EXODB_URL"}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stderr.readline() == "querying\n"
        deadline = time.monotonic() + 20
        if BACKEND == "postgresql":
            while not _running_on_server(url, marker) and time.monotonic() < deadline:
                time.sleep(0.05)
        else:
            time.sleep(0.5)  # well inside a query that never ends
        assert process.poll() is None
        pressed = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
        return process.returncode, stderr, time.monotonic() - pressed
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# The console as the exodb command runs it, saying when its query starts.
CONSOLE = """
import sys
import exodb.console.sql
from exodb.cli import main

run = exodb.console.sql.stream_sql

def announced(*args, **kwargs):
    sys.stderr.write("querying\\n")
    sys.stderr.flush()
    return run(*args, **kwargs)

exodb.console.sql.stream_sql = announced
main(sys.argv[1:])
"""


def test_ctrl_c_stops_the_console(seeded_url):
    sql = SLOW[BACKEND].format(n=1)
    command = [sys.executable, "-c", CONSOLE, "--db", seeded_url, "sql", "--timeout", "0", sql]
    status, stderr, seconds = _interrupt(command, seeded_url, "61.1")
    assert (status, stderr) == (130, "exodb: interrupted\n")
    assert seconds < 2
    if BACKEND == "postgresql":
        assert _running_on_server(seeded_url, "61.1") == 0


# A command that queries through its session, with the library function replaced by one
# that runs the slow query there: what the command wraps around it is the real one.
PATCHED = """
import sys
from sqlalchemy import text
import exodb.{module}
from exodb.cli import main

def slow(session, *args, **kwargs):
    sys.stderr.write("querying\\n")
    sys.stderr.flush()
    session.execute(text(sys.argv[1])).all()

exodb.{module}.{function} = slow
main(sys.argv[2:])
"""


@pytest.mark.parametrize(
    ("module", "function", "arguments", "n"),
    [
        ("console.search", "search", ["search", "ferroptosis"], 2),
        ("reports", "gaps", ["report", "gaps"], 3),
    ],
)
def test_ctrl_c_stops_a_command_that_queries(seeded_url, module, function, arguments, n):
    script = PATCHED.format(module=module, function=function)
    sql = SLOW[BACKEND].format(n=n)
    command = [sys.executable, "-c", script, sql, "--db", seeded_url, *arguments]
    status, stderr, seconds = _interrupt(command, seeded_url, f"61.{n}")
    assert (status, stderr) == (130, "exodb: interrupted\n")
    assert seconds < 2
    if BACKEND == "postgresql":
        assert _running_on_server(seeded_url, f"61.{n}") == 0
