"""Shared fixtures: databases built by migrating and seeding, never by create_all.

The backend comes from one environment variable, ``EXODB_TEST_BACKEND``: ``sqlite`` (default)
or ``postgresql``. The PostgreSQL run needs ``EXODB_TEST_POSTGRES_URL`` (a server URL whose
user may create databases, e.g. from ``scripts/test-postgres.sh start``). Without a reachable
server the PostgreSQL run is skipped locally; in CI (``CI=true``) it fails instead.

Tests marked ``sqlite_only`` concern SQLite files or do not depend on the backend at all, and run
in the SQLite run only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from exodb.io.resources import seeds_dir
from exodb.schema.models import Base
from exodb.storage.config import sqlite_path, sqlite_url
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows.database import init_database

REPO = Path(__file__).resolve().parent.parent
BACKEND = os.environ.get("EXODB_TEST_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get("EXODB_TEST_POSTGRES_URL")
# The cluster's superuser, for clean-up only (scripts/test-postgres.sh exports it).
POSTGRES_ADMIN_URL = os.environ.get("EXODB_TEST_POSTGRES_ADMIN_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"


def postgres_reachable() -> bool:
    if not POSTGRES_URL:
        return False
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: SQLite files, or backend-independent")
    config.addinivalue_line("markers", "needs_postgres: needs a PostgreSQL server in any run")


def pytest_collection_modifyitems(config, items):
    reachable = (
        postgres_reachable()
        if (BACKEND == "postgresql" or any("needs_postgres" in item.keywords for item in items))
        else False
    )
    if BACKEND == "postgresql":
        if not reachable:
            if IN_CI:
                raise pytest.UsageError(
                    "EXODB_TEST_BACKEND=postgresql but no server answers at "
                    f"EXODB_TEST_POSTGRES_URL={POSTGRES_URL!r}"
                )
            skip = pytest.mark.skip(reason="no PostgreSQL server (EXODB_TEST_POSTGRES_URL)")
            for item in items:
                item.add_marker(skip)
            return
        skip = pytest.mark.skip(reason="SQLite-only or backend-independent: runs with SQLite")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)
    for item in items:
        if "needs_postgres" in item.keywords and not reachable:
            if IN_CI:
                raise pytest.UsageError(
                    "a test needs PostgreSQL but EXODB_TEST_POSTGRES_URL does not answer"
                )
            item.add_marker(pytest.mark.skip(reason="no PostgreSQL server"))


class Databases:
    """Creates throwaway databases on the test backend and removes them afterwards."""

    def __init__(self, folder: Path, backend: str = BACKEND):
        self.folder = folder
        self.backend = backend
        self.created: list[str] = []

    def _admin(self):
        return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def _superuser(self):
        # DROP DATABASE ... WITH (FORCE) ends the other sessions on the database, which the
        # application role may do only to its own: a test that connected as the cluster's
        # admin role would otherwise keep its database from being dropped.
        return create_engine(POSTGRES_ADMIN_URL or POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def empty(self) -> str:
        """The URL of a new database with nothing in it."""
        if self.backend == "sqlite":
            return sqlite_url(self.folder / f"db-{uuid.uuid4().hex[:8]}.sqlite")
        return self._create_postgres("")

    def copy(self, url: str) -> str:
        """A new database with the same content as ``url`` (which must have no open
        connections on PostgreSQL)."""
        if self.backend == "sqlite":
            target = self.folder / f"copy-{uuid.uuid4().hex[:8]}.sqlite"
            source = sqlite3.connect(sqlite_path(url))
            destination = sqlite3.connect(target)
            source.backup(destination)
            destination.close()
            source.close()
            return sqlite_url(target)
        return self._create_postgres(f' TEMPLATE "{make_url(url).database}"')

    def _create_postgres(self, clause: str) -> str:
        name = f"exodb_test_{uuid.uuid4().hex[:12]}"
        admin = self._admin()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        admin.dispose()
        self.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self.backend != "postgresql" or not self.created:
            return
        admin = self._superuser()
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test may touch the user's own default database or inherit their EXODB_URL."""
    monkeypatch.delenv("EXODB_URL", raising=False)
    monkeypatch.setenv("EXODB_HOME", str(tmp_path_factory.mktemp("exodb-home")))


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    factory = Databases(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


def _seed(url: str) -> None:
    engine = make_engine(url)
    init_database(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def template_url(databases) -> str:
    """A seeded database that no test connects to: the source of every copy."""
    url = databases.empty()
    _seed(url)
    return url


@pytest.fixture(scope="session")
def seeded_url(databases, template_url) -> str:
    """A seeded database shared by the tests that only read."""
    return databases.copy(template_url)


EXAMPLE_EXTRACTION = REPO / "examples" / "extraction"


@pytest.fixture(scope="session")
def example_template_url(databases, template_url) -> str:
    """The bundled seeds with examples/extraction imported, as a curator would: the source of
    the copies below, which no test connects to."""
    from exodb.workflows.load import import_path

    url = databases.copy(template_url)
    engine = make_engine(url)
    import_path(engine, EXAMPLE_EXTRACTION)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def example_extraction_url(databases, example_template_url) -> str:
    """The example extraction, shared by the tests that only read."""
    return databases.copy(example_template_url)


@pytest.fixture(scope="session")
def example_extraction_session(example_extraction_url):
    engine = make_engine(example_extraction_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def example_url(databases, example_template_url) -> str:
    """A private copy of the example extraction, for tests that write."""
    return databases.copy(example_template_url)


@pytest.fixture
def fresh_url(databases, template_url) -> str:
    """A private seeded database, for tests that write."""
    return databases.copy(template_url)


@pytest.fixture
def empty_url(databases) -> str:
    """A private database with no schema."""
    return databases.empty()


@pytest.fixture(scope="session")
def seeded_path(seeded_url) -> Path:
    """The shared seeded database as a SQLite file (SQLite runs only)."""
    path = sqlite_path(seeded_url)
    if path is None:
        pytest.skip("needs a SQLite file")
    return path


@pytest.fixture
def fresh_path(fresh_url) -> Path:
    path = sqlite_path(fresh_url)
    if path is None:
        pytest.skip("needs a SQLite file")
    return path


@pytest.fixture(scope="session")
def session(seeded_url):
    engine = make_engine(seeded_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A private copy of the bundled seed folder, for tests that corrupt files."""
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every exodb table, in a stable order: equal snapshots, equal content."""
    engine = make_engine(url, create_parent=False)
    result = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = [c for c in table.columns]
            rows = connection.execute(select(table).order_by(*order)).all()
            result[table.name] = [tuple(r) for r in rows]
    engine.dispose()
    return result


def dump(path: Path) -> str:
    """The full SQL dump of a SQLite file: equal dumps mean identical databases."""
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())
