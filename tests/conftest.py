"""Shared fixtures: databases built by migrating and seeding, never by create_all."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from exodb.config import sqlite_url
from exodb.database import init_database
from exodb.db import make_engine, session_factory
from exodb.resources import seeds_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test may touch the user's own default database or inherit their EXODB_URL."""
    monkeypatch.delenv("EXODB_URL", raising=False)
    monkeypatch.setenv("EXODB_HOME", str(tmp_path_factory.mktemp("exodb-home")))


@pytest.fixture(scope="session")
def seeded_path(tmp_path_factory) -> Path:
    """A seeded SQLite file shared by read-only tests."""
    path = tmp_path_factory.mktemp("seeded") / "exodb.sqlite"
    engine = make_engine(sqlite_url(path))
    init_database(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def seeded_url(seeded_path) -> str:
    return sqlite_url(seeded_path)


@pytest.fixture(scope="session")
def session(seeded_url):
    engine = make_engine(seeded_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def fresh_path(tmp_path, seeded_path) -> Path:
    """A private copy of the seeded database, for tests that write."""
    path = tmp_path / "copy.sqlite"
    shutil.copy(seeded_path, path)
    return path


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A private copy of the bundled seed folder, for tests that corrupt files."""
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def dump(path: Path) -> str:
    """The full SQL dump of a SQLite file: equal dumps mean identical databases."""
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())
