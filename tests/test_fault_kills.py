"""exodb's write guarantees under SIGKILL, concurrent writers and a full disk.

Every check here looks at content, not only at exit codes:

1. ``exodb import`` of a 50,000-study synthetic corpus, killed at points spread over a measured
   full import (and just after its commit): the database is intact and holds exactly what it
   held before, or exactly what a complete import gives; ``init`` and queries work on it; the
   import, run again, either completes or answers in one line that it already has.
2. ``exodb seed``, ``exodb --db NEW init`` and the first-run build of the default database,
   killed the same way: the database is as before or complete, a new file is absent or
   complete under its final name (never half-built), and ``exodb init`` always leaves a working
   database.
3. Four concurrent importers and two readers: the result equals the imports applied one after
   another, and no reader ever sees part of an import. A seed that moves every molecule id, run
   concurrently with an import that links a study to BDNF, never links it to anything else.
4. A full disk (a small tmpfs): a failed import, output file, export, backup or new database
   leaves the database unchanged and no empty or half-written file under the target name.

Each test prints what it saw (kill points, outcomes, leftover temporary files); ``pytest -s`` or
``-rP`` shows it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from exodb.cli import main
from exodb.curation import seedspec
from exodb.io.resources import seeds_dir
from exodb.schema import migrations
from exodb.schema.models import Base
from exodb.storage.config import sqlite_path, sqlite_url
from exodb.storage.connection import make_engine
from exodb.workflows.load import import_path, load_folder

from .conftest import BACKEND, POSTGRES_ADMIN_URL, POSTGRES_URL, snapshot

EXODB = [sys.executable, "-m", "exodb"]
LIMIT = 240.0  # seconds: no child process, and no wait, may take longer than this
LOW = ["uc_msc", "ad_msc", "bmsc", "schwann_cell", "ipsc"]  # --immunogenicity low, in order
SEEDED_STUDIES = 57
BIG = 50_000
REF_OFFSET = 1000  # synthetic references move above the review's 194


# --- processes ---------------------------------------------------------------------------------


# The children keep compiled bytecode (outside the repository): each one starts faster.
PYCACHE = Path(tempfile.gettempdir()) / "exodb-test-fault-kills-pycache"


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of an exodb child: no EXODB_URL, its own EXODB_HOME."""
    drop = ("EXODB_URL", "EXODB_BUSY_TIMEOUT", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["EXODB_HOME"] = str(home)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


def invoke(args: list, home: Path) -> subprocess.CompletedProcess:
    """``exodb ARGS`` in this process, reported as a child's would be: an exception that the
    command let escape shows as the traceback the real command would print."""
    result = CliRunner().invoke(
        main, [str(a) for a in args], env={"EXODB_HOME": str(home), "EXODB_URL": None}
    )
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(
            traceback.format_exception(result.exception)
        )
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


def finish(processes: list[subprocess.Popen]) -> list[tuple[str, str, int]]:
    """(stdout, stderr, exit status) of each child, waiting LIMIT at most for each."""
    return [p.communicate(timeout=LIMIT) + (p.returncode,) for p in processes]


def kill_all(processes: list[subprocess.Popen]) -> None:
    """Kill whatever child is still running (after a failure or a time-out)."""
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)


def db(url: str) -> str:
    """What ``--db`` gets: the file of a SQLite database, else the URL."""
    return str(sqlite_path(url) or url)


@dataclass
class Run:
    seconds: float  # from the start to the kill (or to its own end)
    killed: bool
    returncode: int
    stdout: str
    stderr: str
    marked: float | None = None  # when ``mark()`` first held, from the start


def run_until(
    args: list,
    env: dict[str, str],
    *,
    at: float | None = None,
    when: Callable[[], bool] | None = None,
    mark: Callable[[], bool] | None = None,
    poll: float = 0.002,
) -> Run:
    """Run ``exodb ARGS``; SIGKILL it ``at`` seconds after its start, or as soon as ``when()``
    is true. Without either, let it finish (noting when ``mark()`` first holds). Never waits
    longer than LIMIT."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        process = subprocess.Popen(EXODB + [str(a) for a in args], env=env, stdout=out, stderr=err)
        sent = marked = None
        try:
            if at is None and when is None and mark is None:
                process.wait(timeout=LIMIT)
            while process.poll() is None:
                elapsed = time.monotonic() - start
                assert elapsed <= LIMIT, f"exodb {args} ran for over {LIMIT:g} s"
                if mark is not None and marked is None and mark():
                    marked = elapsed
                if (at is not None and elapsed >= at) or (when is not None and when()):
                    process.send_signal(signal.SIGKILL)
                    sent = elapsed
                    break
                time.sleep(poll if at is None else max(0.0, min(0.01, at - elapsed)))
        finally:
            if process.poll() is None:
                process.kill()  # killed on purpose (or over time): make sure it is gone
            process.wait(timeout=60)
        killed = process.returncode == -signal.SIGKILL
        out.seek(0)
        err.seek(0)
        return Run(
            sent if killed and sent is not None else time.monotonic() - start,
            killed,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            marked,
        )


def cli(*args: object, env: dict[str, str | None] | None = None):
    """The exodb command in this process (for the quick checks after a kill)."""
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def low_sources(url: str | None = None, env: dict[str, str | None] | None = None) -> list[str]:
    """The keys ``exodb cell-sources --immunogenicity low`` prints (the database must work)."""
    where = ["--db", url] if url else []
    result = cli(*where, "cell-sources", "--immunogenicity", "low", "--format", "csv", env=env)
    assert result.exit_code == 0, result.output
    return [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]


def one_error_line(result: subprocess.CompletedProcess | Run) -> str:
    """A failure's stderr: exactly one line, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- database content ----------------------------------------------------------------------------

# Columns that differ between two loads of the same data, left out of every comparison: when
# they ran. (The search documents' ids are compared: the same data must give the same rows,
# see test_the_search_index_of_the_same_data_is_the_same.)
VOLATILE = {"import_log": ("imported_at",), "report_cache": ("computed_at",)}
TABLES = [t for t in Base.metadata.sorted_tables if t.name != "report_cache"]


def _columns(table) -> str:
    return ", ".join(
        f'"{c.name}"' for c in table.columns if c.name not in VOLATILE.get(table.name, ())
    )


def _pg_fingerprint(url: str) -> dict[str, tuple]:
    engine = make_engine(url)
    found = {}
    with engine.connect() as connection:
        for table in TABLES:
            found[table.name] = tuple(
                connection.execute(
                    text(
                        "SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY "
                        f"r::text), '')) FROM (SELECT {_columns(table)} FROM \"{table.name}\") r"
                    )
                ).one()
            )
    engine.dispose()
    return found


def _pg_rows(url: str, table) -> set[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(f'SELECT {_columns(table)} FROM "{table.name}"')).all()
    engine.dispose()
    return {tuple(r) for r in rows}


def _cache_rows(url: str) -> set[tuple]:
    table = Base.metadata.tables["report_cache"]
    engine = make_engine(url, create_parent=False)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {_columns(table)} FROM report_cache")).all()
    engine.dispose()
    return {tuple(r) for r in rows}


def differences(url: str, reference: str, *, cache_may_lag: bool = False) -> dict[str, object]:
    """How the content of ``url`` differs from ``reference`` (empty: the same data).

    Every row of every exodb table is compared (the VOLATILE columns aside). With ``cache_may_lag``
    the kept reports may be missing: a load killed after its commit has not kept them yet.
    """
    found: dict[str, object] = {}
    path = sqlite_path(url)
    if path is not None:
        connection = sqlite3.connect(path, timeout=60)
        try:
            connection.execute("ATTACH DATABASE ? AS ref", (str(sqlite_path(reference)),))
            for table in TABLES:
                columns = _columns(table)
                keyed = table.primary_key.columns and all(
                    c.name not in VOLATILE.get(table.name, ()) for c in table.primary_key.columns
                )
                # Without its key, a row may repeat: then compare rows with their multiplicity.
                select = columns if keyed else f"{columns}, count(*)"
                group = "" if keyed else f" GROUP BY {columns}"
                mine = f'SELECT {select} FROM main."{table.name}"{group}'
                theirs = f'SELECT {select} FROM ref."{table.name}"{group}'
                counts = connection.execute(
                    f'SELECT (SELECT count(*) FROM main."{table.name}"), '
                    f'(SELECT count(*) FROM ref."{table.name}"), '
                    f"(SELECT count(*) FROM ({mine} EXCEPT {theirs})), "
                    f"(SELECT count(*) FROM ({theirs} EXCEPT {mine}))"
                ).fetchone()
                if counts[0] != counts[1] or counts[2] or counts[3]:
                    found[table.name] = counts
        finally:
            connection.close()
    else:
        mine, theirs = _pg_fingerprint(url), _pg_fingerprint(reference)
        for name in mine:
            if mine[name] != theirs[name]:  # show a few of the rows that differ
                table = Base.metadata.tables[name]
                here, there = _pg_rows(url, table), _pg_rows(reference, table)
                found[name] = (mine[name], theirs[name], sorted(here - there, key=repr)[:3])
                found[name] += (sorted(there - here, key=repr)[:3],)
    cache, expected = _cache_rows(url), _cache_rows(reference)
    if not (cache == expected or (cache_may_lag and cache <= expected)):
        found["report_cache"] = (len(cache), len(expected))
    return found


def scalar(url: str, sql: str) -> object:
    engine = make_engine(url, create_parent=False)
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar()
    engine.dispose()
    return value


def integrity(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path, timeout=60)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def wait_until_rolled_back(url: str) -> None:
    """PostgreSQL: wait until the killed client's server process has gone (and with it its
    transaction). SQLite has no server: nothing to wait for."""
    if sqlite_path(url) is not None:
        return
    engine = make_engine(url)
    deadline = time.monotonic() + LIMIT
    try:
        while True:
            with engine.connect() as connection:
                others = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar()
            if not others:
                return
            assert time.monotonic() < deadline, "the server kept the killed client's session"
            time.sleep(0.05)
    finally:
        engine.dispose()


class Watch:
    """``SELECT``s ``sql`` on the database again and again while a child writes to it; true
    once the value is no longer ``initial`` (for example, once an import has committed)."""

    def __init__(self, url: str, sql: str, initial: object):
        self.url, self.sql, self.initial = url, sql, initial
        self.path = sqlite_path(url)
        self.connection = sqlite3.connect(self.path, timeout=60) if self.path else None
        self.engine = None if self.path else make_engine(url)

    def __call__(self) -> bool:
        try:
            if self.connection is not None:
                value = self.connection.execute(self.sql).fetchone()[0]
            else:
                with self.engine.connect() as connection:
                    value = connection.execute(text(self.sql)).scalar()
        except Exception:  # not readable at this instant: ask again at the next poll
            return False
        return value != self.initial

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.engine is not None:
            self.engine.dispose()


def remove_database(url: str) -> None:
    """Free a large test database at once (the session fixture would keep it to the end)."""
    path = sqlite_path(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine

    # The superuser: FORCE must also end autovacuum, which a fresh large database draws.
    admin = create_engine(POSTGRES_ADMIN_URL or POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = make_url(url).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# --- corpora and folders ------------------------------------------------------------------------

# Files of the synthetic corpus that repeat the review's own vocabulary (sections 3.1 to 3.5,
# rat, intravenous, the five mechanisms, hydrogel, ...): the seeded database has them already.
CLASHING = {"sections", "species", "routes", "diseases", "mechanisms", "materials"}


def synthetic_import_folder(folder: Path, studies: int, seed: int) -> int:
    """A synthetic corpus (exodb.curation.synthetic) as an import into a seeded database;
    returns its number of records.

    The generator writes a complete seed set; as an import, its keys must not clash with the
    bundled seeds. So the files of shared vocabulary are left out (the studies use the seeds'
    sections, species, routes, mechanisms and materials), references move above the review's
    (1..194 -> 1001..), and the protein names ``SYN<n>`` become ``XSYN<n>`` (``SYN1`` folds to
    the name of the seeds' ``Syn-1``, synapsin-1). ``metal_nanoparticles`` is the seeds'
    ``metal_nanoparticle``.
    """
    from exodb.curation.synthetic import generate

    raw = folder.with_name(folder.name + "-raw")
    generate(raw, studies, seed=seed)
    folder.mkdir(parents=True)
    records = 0
    for path in sorted(raw.glob("*.csv")):
        if path.stem in CLASHING:
            continue
        content = (
            path.read_text(encoding="utf-8")
            .replace("SYN", "XSYN")
            .replace("syn-", "xsyn-")
            .replace("metal_nanoparticles", "metal_nanoparticle")
        )
        if path.stem in ("references", "studies"):
            rows = list(csv.reader(io.StringIO(content)))
            column = rows[0].index("number" if path.stem == "references" else "ref")
            for row in rows[1:]:
                row[column] = str(int(row[column]) + REF_OFFSET)
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            content = buffer.getvalue()
        lines = content.count("\n") - 1  # no field of the corpus spans lines
        if lines:
            (folder / path.name).write_text(content, encoding="utf-8")
            records += lines
    shutil.rmtree(raw)
    return records


@pytest.fixture(scope="session")
def big_corpus(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("kills") / "corpus50k"
    return folder, synthetic_import_folder(folder, BIG, seed=11)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("kills") / "corpus3k"
    return folder, synthetic_import_folder(folder, 3000, seed=12)


@pytest.fixture(scope="session")
def shifted_seeds(tmp_path_factory) -> Path:
    """The bundled seeds with one more molecule first, so that every molecule id moves."""
    folder = tmp_path_factory.mktemp("kills") / "shifted"
    shutil.copytree(seeds_dir(), folder)
    molecules = folder / "molecules.csv"
    header, rest = molecules.read_text(encoding="utf-8").split("\n", 1)
    molecules.write_text(f"{header}\nAAA-first,protein,,,,\n{rest}", encoding="utf-8")
    return folder


def write_folder(folder: Path, files: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True)
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --- 1. a killed import of 50,000 studies -------------------------------------------------------


class Writing:
    """True once an import is well into its write transaction: on SQLite its write-ahead log
    has grown past ``wal_bytes``; on PostgreSQL another session of the database runs COPY."""

    def __init__(self, url: str, wal_bytes: int = 16_000_000):
        self.path, self.wal_bytes = sqlite_path(url), wal_bytes
        self.engine = None if self.path else make_engine(url)

    def __call__(self) -> bool:
        if self.path is not None:
            try:
                return os.stat(f"{self.path}-wal").st_size > self.wal_bytes
            except FileNotFoundError:
                return False
        with self.engine.connect() as connection:
            return bool(
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid() AND state = 'active' "
                        "AND query ILIKE 'COPY %'"
                    )
                ).scalar()
            )

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def kill_imports(databases, template_url, corpus: Path, records: int, home: Path, fractions):
    """Kill ``exodb import CORPUS`` just after its commit, while it writes, and at ``fractions``
    of the time a full import took to reach its commit (measured once; the rest of a full import
    keeps the default reports of the new data); check each database, then import again on it.

    The timed kills are retries of one another on one database, as a user who is interrupted
    again and again would see them: each run after a kill is the next kill's run, and the run
    after the last kill must complete. The kill after a commit (which needs no timing) runs on
    a database of its own, beside that last run; run again, it must answer that it has nothing
    to do. (An import of 50,000 studies takes about ten seconds: a separate complete re-run
    after every kill would take longer than the whole suite may.)
    """
    env = child_env(home)
    before = databases.copy(template_url)
    reference = databases.copy(template_url)
    urls = [before, reference]
    ref46 = ("studies", "--ref", "46", "--format", "csv")
    low = ("cell-sources", "--immunogenicity", "low", "--format", "csv")
    expected = {args: cli("--db", db(before), *args).stdout for args in (ref46, low)}
    assert expected[ref46].splitlines()[1:] == [
        "huang_46,46,,msc,BDNF,,neuroprotection,rat;rhesus_monkey",
        "ref46_hypoxia,46,,msc,,,neuroprotection;angiogenesis_bscb,",
    ]
    assert [line.split(",")[0] for line in expected[low].splitlines()[1:]] == LOW

    def again(url: str, state: str) -> str:
        """Run the import to its end on a killed database: it completes, or (when the killed
        one had committed) answers in one line that it has nothing to do."""
        result = run_until(["--db", db(url), "import", corpus], env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 1, result.stdout
        if state == "before":
            assert lines[0] == f"exodb: imported {records} records from {corpus}"
        else:
            assert lines[0].startswith(
                f"exodb: every record of {corpus} is already in the database: the same files "
                "were imported on "
            ), lines[0]
            assert lines[0].endswith("nothing was written")
        assert differences(url, reference, cache_may_lag=state == "complete") == {}
        return "completed" if state == "before" else "already imported"

    def kill(url: str, *, at: float | None = None, watch=None) -> Run:
        when = watch(url) if watch else None
        try:
            killed = run_until(["--db", db(url), "import", corpus], env, at=at, when=when)
        finally:
            if when is not None:
                when.close()
        assert killed.killed or killed.returncode == 0, killed.stderr
        return killed

    seen = []

    def check(label: str, url: str, killed: Run) -> str:
        """The database after a kill: intact, as before or complete, and working."""
        wait_until_rolled_back(url)
        path = sqlite_path(url)
        if path is not None:
            assert integrity(path) == ["ok"]
        studies = scalar(url, "SELECT count(*) FROM study")
        if studies == SEEDED_STUDIES:
            state = "before"
            assert differences(url, before) == {}
        else:
            state = "complete"
            assert studies == SEEDED_STUDIES + BIG, studies
            assert differences(url, reference, cache_may_lag=True) == {}
        init = cli("--db", db(url), "init")
        assert init.exit_code == 0, init.output
        assert init.stdout.endswith("; data already present\n"), init.stdout
        for args, output in expected.items():
            result = cli("--db", db(url), *args)
            assert (result.exit_code, result.stdout) == (0, output)
        seen.append((label, killed.seconds, killed.killed, state))
        return state

    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        committing = Watch(reference, "SELECT count(*) FROM import_log", 0)
        try:
            full = run_until(["--db", db(reference), "import", corpus], env, mark=committing)
        finally:
            committing.close()
        assert full.returncode == 0, full.stderr
        assert full.stdout == f"exodb: imported {records} records from {corpus}\n"
        assert scalar(reference, "SELECT count(*) FROM study") == SEEDED_STUDIES + BIG
        assert full.marked is not None, "the commit was never seen"
        duration, committed_at = full.seconds, full.marked
        urls.append(databases.copy(template_url))
        retried = urls[-1]
        points = [(f"{f:.0%}", {"at": f * committed_at}) for f in fractions]
        points.insert((len(points) + 1) // 2, ("writing", {"watch": Writing}))
        for label, how in points:
            state = check(label, retried, kill(retried, **how))
        # The last run on the retried database completes, beside the kill after a commit (which
        # needs no timing) and the run after that.
        last = executor.submit(again, retried, state)
        urls.append(databases.copy(template_url))
        committed = kill(urls[-1], watch=lambda u: Watch(u, "SELECT count(*) FROM import_log", 0))
        answers = ["the next kill"] * (len(points) - 1) + [last]
        answers.append(again(urls[-1], check("after commit", urls[-1], committed)))
        answers[len(points) - 1] = last.result(timeout=LIMIT)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        for url in urls:
            with contextlib.suppress(Exception):
                remove_database(url)
    print(
        f"\nexodb import of {BIG} studies on {BACKEND}: a full import took {duration:.1f} s, "
        f"its commit came at {committed_at:.1f} s (the kills at N% are at N% of that)"
    )
    for (label, seconds, killed, state), answer in zip(seen, answers, strict=True):
        how = f"killed at {seconds:.2f} s" if killed else f"ended by itself at {seconds:.2f} s"
        print(f"  {label:>12}: {how} -> {state}; run again: {answer}")
    states = [s[3] for s in seen]
    print(f"  as before: {states.count('before')}, complete: {states.count('complete')}")
    assert states[0] == "before"  # the earliest kill, at start-up
    assert states[-1] == "complete"  # killed after the commit: the data stay


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_killed_import_of_50k_studies_leaves_before_or_complete_sqlite(
    databases, template_url, big_corpus, tmp_path
):
    corpus, records = big_corpus
    kill_imports(databases, template_url, corpus, records, tmp_path, (0.02, 0.3, 0.6, 0.9, 0.98))


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "postgresql", reason="the PostgreSQL run only")
def test_a_killed_import_of_50k_studies_leaves_before_or_complete_postgres(
    databases, template_url, big_corpus, tmp_path
):
    corpus, records = big_corpus
    kill_imports(databases, template_url, corpus, records, tmp_path, (0.1,))


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "postgresql", reason="the PostgreSQL run only")
def test_the_search_index_of_the_same_data_is_the_same(
    databases, template_url, small_corpus, tmp_path
):
    """The same data give the same search documents, ids included, whatever plan PostgreSQL
    picks: two imports of the same files into two copies of one database with fresh statistics,
    one of them planned without hash and merge joins (the plan a database without statistics
    gets). Before the index was filled in a fixed order, the ids followed the join order."""
    corpus, records = small_corpus
    urls = [databases.copy(template_url), databases.copy(template_url)]
    for url in urls:
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        engine.dispose()
    plans = [child_env(tmp_path), child_env(tmp_path, PGOPTIONS=NESTED_LOOPS)]
    for url, env in zip(urls, plans, strict=True):
        result = run_until(["--db", url, "import", corpus], env)
        assert result.stdout == f"exodb: imported {records} records from {corpus}\n"
    assert differences(urls[0], urls[1]) == {}  # the same data, search documents aside of ids
    first, second = (snapshot(url)["search_document"] for url in urls)
    assert first == second


NESTED_LOOPS = "-c enable_hashjoin=off -c enable_mergejoin=off"


# --- 2. killed seeds, inits and first runs ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("which", ["bundled", "shifted"])
def test_a_killed_seed_leaves_before_or_complete(
    which, databases, template_url, shifted_seeds, tmp_path
):
    """``exodb seed`` replaces everything in one transaction: reloading the bundled seeds into
    a database that holds them (only the data generation moves), or another seed folder
    (every molecule id moves)."""
    env = child_env(tmp_path)
    folder = [] if which == "bundled" else [shifted_seeds]
    before, reference = databases.copy(template_url), databases.copy(template_url)
    full = run_until(["--db", db(reference), "seed", *folder], env)
    assert full.returncode == 0, full.stderr
    assert re.fullmatch(r"exodb: loaded \d+ rows into \d+ tables\n", full.stdout)
    assert set(differences(reference, before)) >= {"data_version"}
    if which == "shifted":
        assert scalar(reference, "SELECT count(*) FROM molecule WHERE key = 'AAA-first'") == 1
    points = [(f"{f:.0%}", {"at": f * full.seconds}) for f in (0.05, 0.4, 0.7, 0.95)]
    points.append(("after commit", {"when": "data_version"}))
    generation = scalar(before, "SELECT generation FROM data_version")
    seen = []
    for label, how in points:
        url = databases.copy(template_url)
        watch = None
        if how.get("when"):
            watch = Watch(url, "SELECT generation FROM data_version", generation)
            how = {"when": watch}
        try:
            killed = run_until(["--db", db(url), "seed", *folder], env, **how)
        finally:
            if watch is not None:
                watch.close()
        assert killed.killed or killed.returncode == 0, killed.stderr
        wait_until_rolled_back(url)
        path = sqlite_path(url)
        if path is not None:
            assert integrity(path) == ["ok"]
        if not differences(url, before):
            state = "before"
        else:
            assert differences(url, reference) == {}, "neither as before nor complete"
            state = "complete"
        init = cli("--db", db(url), "init")
        assert init.exit_code == 0 and init.stdout.endswith("; data already present\n")
        assert low_sources(db(url)) == LOW
        seen.append((label, killed.seconds, killed.killed, state))
    print(f"\nexodb seed ({which}) on {BACKEND}: a full seed took {full.seconds:.2f} s")
    for label, seconds, was_killed, state in seen:
        how = f"killed at {seconds:.2f} s" if was_killed else f"ended by itself at {seconds:.2f} s"
        print(f"  {label:>12}: {how} -> {state}")
    states = [s[3] for s in seen]
    print(f"  as before: {states.count('before')}, complete: {states.count('complete')}")
    assert states[0] == "before"  # killed at start-up
    assert states[-1] == "complete"


def _temporaries(folder: Path, final: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{final.name}."))


@pytest.mark.slow
@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", ["init", "first-run"])
def test_a_killed_build_of_a_new_database_leaves_no_half_built_file(how, tmp_path):
    """``exodb --db NEW init`` and the first use of the default database build the file under
    a temporary name and rename it when complete: after a kill at any point the final name is
    absent or a complete, seeded database at the head revision, and ``exodb init`` mends it."""
    head = migrations.head_revision()

    def start(folder: Path) -> tuple[list, dict[str, str], Path]:
        folder.mkdir()
        if how == "init":
            final = folder / "new.sqlite"
            return ["--db", final, "init"], child_env(folder), final
        final = folder / "exodb.sqlite"  # EXODB_HOME=folder, no --db: the default database
        return (
            ["cell-sources", "--immunogenicity", "low", "--format", "csv"],
            child_env(folder),
            final,
        )

    def fix(folder: Path, final: Path) -> list[str]:
        if how == "init":
            result = cli("--db", final, "init")
            assert result.exit_code == 0, result.output
            return low_sources(str(final))
        result = cli("init", env={"EXODB_HOME": str(folder)})
        assert result.exit_code == 0, result.output
        assert str(final) in result.stdout
        return low_sources(env={"EXODB_HOME": str(folder)})

    args, env, reference = start(tmp_path / "reference")
    full = run_until(args, env)
    assert full.returncode == 0, full.stderr
    if how == "first-run":
        assert [line.split(",")[0] for line in full.stdout.splitlines()[1:]] == LOW
        assert full.stderr.startswith(f"exodb: created the default database at {reference} (")
    assert _temporaries(reference.parent, reference) == []
    reference_url = sqlite_url(reference)
    temporary = re.compile(
        rf"^\.{re.escape(reference.name)}\.[a-z0-9_]+\.tmp(-wal|-shm|-journal)?$"
    )

    points = [(f"{f:.0%}", {"at": f * full.seconds}) for f in (0.15, 0.5, 0.85)]
    points += [("tmp appears", {"when": "tmp"}), ("final appears", {"when": "final"})]
    seen = []
    for number, (label, kill) in enumerate(points):
        folder = tmp_path / f"kill{number}"
        args, env, final = start(folder)
        if kill.get("when") == "tmp":
            kill = {"when": lambda f=folder, n=final.name: any(f.glob(f".{n}.*.tmp"))}
        elif kill.get("when") == "final":
            kill = {"when": final.exists}
        killed = run_until(args, env, **kill)
        assert killed.killed or killed.returncode == 0, killed.stderr
        left = _temporaries(folder, final)
        assert all(temporary.match(name) for name in left), left
        others = {p.name for p in folder.iterdir()} - set(left) - {final.name}
        assert others <= {f"{final.name}-wal", f"{final.name}-shm"}, others
        if final.exists():
            state = "complete"
            assert integrity(final) == ["ok"]
            assert scalar(sqlite_url(final), "SELECT version_num FROM alembic_version") == head
            assert differences(sqlite_url(final), reference_url) == {}
        else:
            state = "absent"
        assert fix(folder, final) == LOW
        assert differences(sqlite_url(final), reference_url) == {}
        seen.append((label, killed.seconds, killed.killed, state, left))
    name = "exodb --db NEW init" if how == "init" else "first run of the default database"
    print(f"\n{name}: a full build took {full.seconds:.2f} s")
    for label, seconds, was_killed, state, left in seen:
        when = f"killed at {seconds:.2f} s" if was_killed else f"ended by itself at {seconds:.2f} s"
        print(f"  {label:>13}: {when} -> {state}; temporary files left: {left or 'none'}")
    states = [s[3] for s in seen]
    print(f"  absent: {states.count('absent')}, complete: {states.count('complete')}")
    assert states[0] == "absent"
    assert states[-1] == "complete"


# --- 3. concurrent writers and readers ---------------------------------------------------------

READER = r"""
import json, os, sys, time
from sqlalchemy import text
from exodb.storage.connection import make_engine

url, ready, stop, out = sys.argv[1:5]
least = float(sys.argv[5])
engine = make_engine(url, create_parent=False)
query = text(
    "SELECT substr(key, 1, 3), count(*) FROM study WHERE key LIKE 'cw%' GROUP BY substr(key, 1, 3)"
)
seen, reads, start = [], 0, time.monotonic()
while reads < 1_000_000:
    elapsed = time.monotonic() - start
    last = elapsed > 120 or (elapsed >= least and os.path.exists(stop))
    with engine.connect() as connection:
        counts = dict(connection.execute(query).all())
    reads += 1
    if not seen or seen[-1] != counts:
        seen.append(counts)
    if reads == 1:
        open(ready, "w").close()
    if last:
        break
    time.sleep(0.002)
with open(out, "w") as handle:
    json.dump({"reads": reads, "seen": seen}, handle)
"""

STUDY_HEADER = "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,summary"


def writer_folder(root: Path, number: int, studies: int) -> Path:
    """Writer ``number``'s import: ``studies`` new studies keyed ``cw<number>_...``. Writer 0
    brings a new miRNA, writer 1 a new cell source, writer 2 both and its own references; the
    studies use them. Writer 3 uses the seeds' vocabulary only."""
    molecule = f"miR-{8000 + number}-5p" if number in (0, 2) else "BDNF"
    source = f"cw{number}_glia" if number in (1, 2) else "msc"
    refs = [7000 + 10 * number + k for k in range(5)] if number == 2 else [46]
    files: dict[str, list[str]] = {
        "studies.csv": [STUDY_HEADER],
        "study_molecules.csv": ["study,molecule,role,note"],
        "study_mechanisms.csv": ["study,mechanism"],
        "study_models.csv": ["study,species,model,note"],
        "outcomes.csv": ["study,measure,direction,value,unit,relative_to,species,note"],
    }
    if number in (0, 2):
        files["molecules.csv"] = ["key,kind,full_name,parent,aliases,note", f"{molecule},mirna,,,,"]
    if number in (1, 2):
        files["cell_sources.csv"] = [
            "key,name,abbreviation,parent,category,aliases,note",
            f"{source},writer {number} glial cell,,microglia,glial_cell,,",
        ]
    if number == 2:
        files["references.csv"] = [
            "number,first_author,year,title,journal,doi,pmid,check_status,checked_at,note"
        ] + [f"{n},Writer,,,,,,,," for n in refs]
    for i in range(studies):
        key = f"cw{number}_{i:05d}"
        files["studies.csv"].append(
            f"{key},{refs[i % len(refs)]},Writer,3.1,in_vivo,true,{source},intranasal,,"
            f"Writer {number} study {i}."
        )
        files["study_molecules.csv"].append(f"{key},{molecule},cargo,")
        files["study_mechanisms.csv"].append(f"{key},neuroprotection")
        files["study_models.csv"].append(f"{key},rat,contusion,")
        files["outcomes.csv"].append(f"{key},motor recovery,increase,{i % 90 + 1},%,sham,rat,")
    return write_folder(root / f"writer{number}", files)


def normalised(url: str) -> dict[str, list[tuple]]:
    """snapshot() with the VOLATILE columns left out."""
    result = snapshot(url)
    for table, columns in VOLATILE.items():
        names = [c.name for c in Base.metadata.tables[table].columns]
        drop = [names.index(c) for c in columns]
        kept = (tuple(v for i, v in enumerate(r) if i not in drop) for r in result[table])
        result[table] = sorted(kept, key=repr)
    return result


@pytest.mark.slow
def test_concurrent_imports_equal_serial_ones_and_readers_never_see_half(
    databases, template_url, tmp_path
):
    writers, per_writer = 4, 1500
    url = databases.copy(template_url)
    folders = [writer_folder(tmp_path, n, per_writer) for n in range(writers)]
    env = child_env(tmp_path)
    stop = tmp_path / "stop"
    readers = []
    for r in range(2):
        files = [tmp_path / f"reader{r}.{kind}" for kind in ("ready", "json", "err")]
        handle = files[2].open("w")
        readers.append(
            (
                subprocess.Popen(
                    [sys.executable, "-c", READER, url, files[0], stop, files[1], "3"],
                    env=env,
                    stderr=handle,
                ),
                files,
                handle,
            )
        )
    started: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 60
        while not all(files[0].exists() for _, files, _ in readers):
            assert time.monotonic() < deadline, "a reader never started"
            assert all(p.poll() is None for p, _, _ in readers), "a reader died"
            time.sleep(0.01)
        started = []
        for folder in folders:
            started.append(
                subprocess.Popen(
                    EXODB + ["--db", db(url), "import", str(folder)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        results = finish(started)
    finally:
        kill_all(started)
        stop.touch()
        for process, _, handle in readers:
            try:
                process.wait(timeout=LIMIT)
            finally:
                if process.poll() is None:
                    process.kill()
                handle.close()
    for folder, (out, err, code) in zip(folders, results, strict=True):
        assert code == 0, err
        assert "Traceback" not in err
        assert out == f"exodb: imported {_records(folder)} records from {folder}\n"
    # The database equals the same imports applied one after another, in the order they
    # committed (which also gives every row the same id).
    sources = [Path(s) for s in _rows(url, "SELECT source FROM import_log ORDER BY id")]
    assert sorted(sources) == sorted(f.resolve() for f in folders)
    serial = databases.copy(template_url)
    engine = make_engine(serial)
    for source in sources:
        import_path(engine, source)
    engine.dispose()
    assert normalised(url) == normalised(serial)
    linked = _rows(
        url,
        "SELECT DISTINCT substr(s.key, 1, 3) || ' ' || m.key || ' ' || c.key FROM study s "
        "JOIN study_molecule sm ON sm.study_id = s.id JOIN molecule m ON m.id = sm.molecule_id "
        "JOIN cell_source c ON c.id = s.cell_source_id WHERE s.key LIKE 'cw%' ORDER BY 1",
    )
    assert linked == [
        "cw0 miR-8000-5p msc",
        "cw1 BDNF cw1_glia",
        "cw2 miR-8002-5p cw2_glia",
        "cw3 BDNF msc",
    ]
    # No reader ever saw part of an import: each writer's count was 0 or all of it.
    observed = []
    for process, files, _ in readers:
        assert process.returncode == 0, files[2].read_text()
        record = json.loads(files[1].read_text())
        observed.append(record)
        for counts in record["seen"]:
            assert set(counts) <= {f"cw{n}" for n in range(writers)}, counts
            assert set(counts.values()) <= {per_writer}, counts
        assert record["seen"][0] == {}  # the readers started first
        assert record["seen"][-1] == {f"cw{n}": per_writer for n in range(writers)}
    print(f"\nconcurrent imports on {BACKEND}: commit order {[s.name for s in sources]}")
    for number, record in enumerate(observed):
        states = [sorted(c) for c in record["seen"]]
        print(f"  reader {number}: {record['reads']} reads, states seen in turn: {states}")


def _records(folder: Path) -> int:
    """The CSV records (lines below the headers) of a folder."""
    return sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in folder.glob("*.csv"))


def _rows(url: str, sql: str) -> list:
    engine = make_engine(url, create_parent=False)
    with engine.connect() as connection:
        rows = [r[0] for r in connection.execute(text(sql)).all()]
    engine.dispose()
    return rows


# A new reference and a study citing it: references.csv, early in an export, changes too.
CHANGE = {
    "references.csv": [
        "number,first_author,year,title,journal,doi,pmid,check_status,checked_at,note",
        "195,Newcomer,,,,,,,,",
    ],
    "studies.csv": [STUDY_HEADER, "newstudy,195,Newcomer,3.1,in_vivo,true,msc,,,Cites 195."],
}

NEWSTUDY = {
    "studies.csv": [STUDY_HEADER, "newstudy,46,Newcomer,3.1,in_vivo,true,msc,,,Linked to BDNF."],
    "study_molecules.csv": ["study,molecule,role,note", "newstudy,BDNF,cargo,"],
}


@pytest.mark.slow
def test_a_seed_that_moves_every_molecule_id_never_misdirects_a_concurrent_import(
    databases, template_url, shifted_seeds, tmp_path
):
    user = write_folder(tmp_path / "user", NEWSTUDY)
    env = child_env(tmp_path)
    references = {}
    for name, steps in {
        "import only": [user],
        "seed only": [shifted_seeds],
        "seed, then import": [shifted_seeds, user],
    }.items():
        references[name] = databases.copy(template_url)
        engine = make_engine(references[name])
        for step in steps:
            (import_path if step == user else load_folder)(engine, step)
        engine.dispose()
        references[name] = normalised(references[name])
    seen = []
    for delay in (0.0, 0.25, 0.5, 0.75, 1.0):
        url = databases.copy(template_url)
        command = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, "env": env}
        started = [subprocess.Popen(EXODB + ["--db", db(url), "seed", shifted_seeds], **command)]
        try:
            time.sleep(delay)
            started.append(subprocess.Popen(EXODB + ["--db", db(url), "import", user], **command))
            seeded, imported = finish(started)
        finally:
            kill_all(started)
        for _, err, code in (seeded, imported):
            assert "Traceback" not in err, err
            if code:
                assert code == 1
                line = err.strip()
                assert len(line.splitlines()) == 1 and line.startswith("Error: "), err
        assert seeded[2] == 0 or imported[2] == 0, (seeded, imported)
        if imported[2] == 0:
            assert imported[0] == f"exodb: imported 2 records from {user}\n"
            assert _rows(
                url,
                "SELECT m.key FROM study_molecule sm JOIN study s ON s.id = sm.study_id "
                "JOIN molecule m ON m.id = sm.molecule_id WHERE s.key = 'newstudy'",
            ) == ["BDNF"]
        if seeded[2]:
            assert "holds records from 1 import(s)" in seeded[1], seeded[1]
        outcome = {
            (0, 0): "seed, then import",
            (1, 0): "import only",
            (0, 1): "seed only",
        }[(seeded[2], imported[2])]
        assert normalised(url) == references[outcome]
        moved = _rows(url, "SELECT count(*) FROM molecule WHERE key = 'AAA-first'")
        assert moved == [0 if outcome == "import only" else 1]
        seen.append((delay, outcome, seeded[1].strip() or seeded[0].strip()))
    print(f"\nseed racing an import on {BACKEND}:")
    for delay, outcome, said in seen:
        print(f"  import started {delay:.2f} s after the seed: {outcome} (seed: {said})")


# --- 4. a full disk ----------------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder``, unmounted afterwards whatever happens."""
    folder.mkdir(parents=True)
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}); the full-disk tests need one")
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({(mounted.stderr or mounted.stdout).strip()}); the "
            "full-disk tests need root (or a tmpfs the user may mount)"
        )
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, timeout=60).returncode:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=60)


def resize(folder: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(folder)], check=True, timeout=30)


def fill(folder: Path, *, leave: int = 0) -> Path:
    """Fill the file system of ``folder``, then free about ``leave`` bytes again."""
    filler = folder / "filler"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as handle:
        for size in [65536] * 100_000 + [512] * 1024:  # big blocks, then the last crumbs
            try:
                handle.write(block[:size])
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if size == 512:
                    break
    assert free_bytes(folder) == 0
    make_room(filler, leave)
    return filler


def free_bytes(folder: Path) -> int:
    info = os.statvfs(folder)
    return info.f_bavail * info.f_frsize


def make_room(filler: Path, wanted: int) -> None:
    """Shorten ``filler`` until at least ``wanted`` bytes are free (and less than a page more)."""
    for _ in range(100_000):
        if free_bytes(filler.parent) >= wanted:
            return
        os.truncate(filler, max(0, filler.stat().st_size - 4096))
    raise AssertionError("could not free enough room")


def _seeded_file(databases, template_url, target: Path) -> Path:
    """A copy of the seeded database at ``target`` (no -wal: the copy is closed)."""
    source = sqlite_path(databases.copy(template_url))
    shutil.copyfile(source, target)
    return target


def _zero_or_temporary(folder: Path) -> list[str]:
    """What in ``folder`` (recursively) is an empty file or one of exodb's temporary files or
    folders (``.NAME.*.tmp``, ``.NAME.*.old``, with SQLite's companions)."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name != "filler"
        and (
            (p.is_file() and p.stat().st_size == 0)
            or p.name.endswith((".tmp", ".old"))
            or ".tmp-" in p.name
        )
    )


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_an_import_onto_a_full_disk_changes_nothing(
    databases, template_url, small_corpus, tmp_path
):
    corpus, records = small_corpus
    with tmpfs(tmp_path / "disk", "4m") as disk:
        db = _seeded_file(databases, template_url, disk / "db.sqlite")
        url = sqlite_url(db)
        before = databases.copy(url)
        filler = fill(disk, leave=256 * 1024)
        result = invoke(["--db", db, "import", corpus], tmp_path)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "disk is full" in result.stderr, result.stderr
        assert "nothing was written" in result.stderr.strip().splitlines()[-1]
        assert integrity(db) == ["ok"]
        assert differences(url, before) == {}
        assert normalised(url) == normalised(before)
        print(f"\nimport onto a full disk says: {result.stderr.strip()!r}")
        filler.unlink()  # room again: the same import now goes through
        resize(disk, "64m")
        again = invoke(["--db", db, "import", corpus], tmp_path)
        assert again.returncode == 0, again.stderr
        assert again.stdout == f"exodb: imported {records} records from {corpus}\n"
        assert scalar(url, "SELECT count(*) FROM study") == SEEDED_STUDIES + 3000


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_an_import_onto_a_full_disk_says_so_in_one_line(
    databases, template_url, small_corpus, tmp_path
):
    corpus, _ = small_corpus
    with tmpfs(tmp_path / "disk", "4m") as disk:
        db = _seeded_file(databases, template_url, disk / "db.sqlite")
        fill(disk, leave=256 * 1024)
        result = invoke(["--db", db, "import", corpus], tmp_path)
        assert result.returncode == 1
        line = one_error_line(result)  # a full disk is not a problem with the data
        assert line.startswith("Error: the disk is full (") and "problem(s)" not in line, line
        assert "nothing was written" in line


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_outputs_onto_a_full_disk_leave_no_empty_or_partial_file(databases, template_url, tmp_path):
    url = databases.copy(template_url)
    home = tmp_path / "home"
    outputs = {
        "out.md": ["report", "summary", "-o"],
        "rows.csv": ["sql", "SELECT key, first_author FROM study ORDER BY key", "-o"],
        "b.sqlite": ["backup", "--force"],
        "export": ["export", "csv"],
    }
    complete = tmp_path / "complete"  # what a complete export of the changed database holds
    with tmpfs(tmp_path / "disk", "3m") as disk:
        for name, args in outputs.items():
            result = invoke(["--db", url, *args, disk / name], home)
            assert result.returncode == 0, result.stderr
        earlier = {str(p.relative_to(disk)): p.read_bytes() for p in disk.rglob("*") if p.is_file()}
        # three files, every seed file and the export's manifest
        assert len(earlier) == 3 + len(seedspec.SEED_FILES) + 1
        # New data, so that every new output (and the export's first files) would differ.
        user = write_folder(tmp_path / "user", CHANGE)
        assert invoke(["--db", url, "import", user], home).returncode == 0
        assert invoke(["--db", url, "export", "csv", complete], home).returncode == 0
        filler = fill(disk)
        said = {}
        for name, args in outputs.items():
            for target in (disk / name, disk / f"new-{name}"):
                result = invoke(["--db", url, *args, target], home)
                assert result.returncode == 1, (target, result.stdout)
                line = one_error_line(result)
                assert "No space left on device" in line or "disk is full" in line, line
                said[target.name] = line
        after = {str(p.relative_to(disk)): p.read_bytes() for p in disk.rglob("*") if p.is_file()}
        after.pop("filler")
        new = {k: v for k, v in after.items() if k not in earlier}
        assert {k: v for k, v in after.items() if k in earlier} == earlier  # byte for byte
        assert new == {}, sorted(new)  # nothing under a new name, not even an empty file
        assert not (disk / "new-export").exists() or not any((disk / "new-export").iterdir())
        assert _zero_or_temporary(disk) == []
        # An export that runs out of room half-way: no folder, or an empty one.
        make_room(filler, 48 * 1024)
        result = invoke(["--db", url, "export", "csv", disk / "partial"], home)
        assert result.returncode == 1
        said["partial"] = line = one_error_line(result)
        assert "No space left on device" in line or "disk is full" in line, line
        assert not (disk / "partial").exists() or not any((disk / "partial").iterdir())
        # The same over the earlier export: it stays as it was, file for file.
        make_room(filler, free_bytes(disk) + 20 * 1024)  # room for references.csv, not more
        result = invoke(["--db", url, "export", "csv", disk / "export"], home)
        assert result.returncode == 1
        said["export, part-way"] = one_error_line(result)
        after = {p.name: p.read_bytes() for p in (disk / "export").iterdir()}
        assert after == {k[len("export/") :]: v for k, v in earlier.items() if "/" in k}
        assert _zero_or_temporary(disk) == []
        filler.unlink()  # room again: the export goes through, and is the complete one
        assert invoke(["--db", url, "export", "csv", disk / "export"], home).returncode == 0
        for path in complete.iterdir():
            assert (disk / "export" / path.name).read_bytes() == path.read_bytes(), path.name
        assert _zero_or_temporary(disk) == []
    print("\nfull disk:", json.dumps(said, indent=1))


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_failed_export_over_an_earlier_one_leaves_it_whole(databases, template_url, tmp_path):
    """An export that runs out of room part-way over an earlier export leaves the earlier one
    whole: its files and its manifest agree (before the export was built beside the old one
    and swapped in, the files written before the disk filled were new and the rest old)."""
    url = databases.copy(template_url)
    with tmpfs(tmp_path / "disk", "1m") as disk:
        assert invoke(["--db", url, "export", "csv", disk / "export"], tmp_path).returncode == 0
        earlier = {p.name: p.read_bytes() for p in (disk / "export").iterdir()}
        user = write_folder(tmp_path / "user", CHANGE)
        assert invoke(["--db", url, "import", user], tmp_path).returncode == 0
        filler = fill(disk)
        make_room(filler, 20 * 1024)  # room for the new references.csv, not for every file
        result = invoke(["--db", url, "export", "csv", disk / "export"], tmp_path)
        assert result.returncode == 1
        line = one_error_line(result)
        assert "No space left on device" in line or "disk is full" in line, line
        assert {p.name: p.read_bytes() for p in (disk / "export").iterdir()} == earlier
        manifest = json.loads((disk / "export" / "exodb-export.json").read_text())
        assert len(manifest["files"]) == len(seedspec.SEED_FILES)
        for name, entry in manifest["files"].items():
            data = (disk / "export" / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert _zero_or_temporary(disk) == []


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_backup_onto_a_full_disk_says_so_in_one_line(databases, template_url, tmp_path):
    url = databases.copy(template_url)
    with tmpfs(tmp_path / "disk", "1m") as disk:
        fill(disk)
        result = invoke(["--db", url, "backup", disk / "b.sqlite"], tmp_path)
        assert result.returncode == 1
        assert not (disk / "b.sqlite").exists()
        assert _zero_or_temporary(disk) == []
        line = one_error_line(result)
        assert line.startswith("Error: the disk is full (") and "nothing was written" in line


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_new_database_on_a_too_small_disk_is_not_left_half_built(tmp_path):
    with tmpfs(tmp_path / "disk", "400k") as disk:
        new = disk / "new.sqlite"
        result = invoke(["--db", new, "init"], tmp_path)
        assert result.returncode == 1
        assert "disk is full" in one_error_line(result)
        home = disk / "home"  # the default database, built on first use
        first = invoke(["cell-sources", "--immunogenicity", "low"], home)
        assert first.returncode == 1
        assert "disk is full" in one_error_line(first)
        assert [p for p in disk.rglob("*") if not p.is_dir()] == []  # nothing half-built
        resize(disk, "16m")  # room again
        fixed = invoke(["--db", new, "init"], tmp_path)
        assert fixed.returncode == 0, fixed.stderr
        assert "loaded" in fixed.stdout
        assert integrity(new) == ["ok"]
        assert low_sources(str(new)) == LOW
        assert low_sources(env={"EXODB_HOME": str(home)}) == LOW
        assert (home / "exodb.sqlite").exists()
    print(
        f"\nnew database on a full disk: {result.stderr.strip()!r}; first run: "
        f"{first.stderr.strip()!r}"
    )
