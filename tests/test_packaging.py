"""A wheel installed in a fresh virtual environment builds the database from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def _build_wheel(out: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)]
    try:
        import hatchling  # noqa: F401

        command.insert(5, "--no-build-isolation")
    except ImportError:
        pass
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("exodb-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("dist"))


def test_wheel_carries_migrations_and_seeds(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "exodb/_data/alembic/env.py" in names
    assert any(n.startswith("exodb/_data/alembic/versions/") and n.endswith(".py") for n in names)
    assert "exodb/_data/seeds/cell_source_profiles.csv" in names
    assert "exodb/_data/seeds/README.md" in names
    # The web UI's canned queries are the cookbook's (exodb.web.cookbook).
    assert "exodb/_data/cookbook.md" in names
    assert "exodb/py.typed" in names


def test_installed_wheel_runs_init_in_an_empty_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    # The dependencies (SQLAlchemy, Alembic, click, tabulate) come from this test's own
    # environment, so the test needs no network; exodb itself comes only from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    workdir = tmp_path / "empty"
    workdir.mkdir()
    env = {**os.environ, "EXODB_HOME": str(tmp_path / "home")}
    env.pop("EXODB_URL", None)
    exodb = str(env_dir / "bin" / "exodb")
    init = subprocess.run(
        [exodb, "--db", "here.sqlite", "init"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stderr
    assert "loaded" in init.stdout
    assert (workdir / "here.sqlite").exists()
    where = subprocess.run(
        [str(python), "-c", "import exodb.io.resources as r; print(r.migrations_dir())"],
        cwd=workdir,
        capture_output=True,
        text=True,
    ).stdout
    assert "site-packages" in where and "_data" in where
    trials = subprocess.run(
        [exodb, "--db", "here.sqlite", "trials", "--format", "json"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert json.loads(trials.stdout)[0]["registry_id"] == "IRCT20200502047277N1"
    # The installed exodb reads its own copy of the cookbook for the web UI's canned queries.
    metadata = subprocess.run(
        [exodb, "--db", "here.sqlite", "serve", "--metadata-only", "metadata.json"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    assert metadata.returncode == 0, metadata.stderr
    queries = json.loads((workdir / "metadata.json").read_text())["databases"]["here"]["queries"]
    assert queries["q02-which-studies-deliver-a-mirna-of"]["params"] == ["family"]
