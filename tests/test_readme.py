"""Every example in README.md prints what the README says it prints."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exodb.storage.config import sqlite_url
from exodb.storage.connection import make_engine
from exodb.workflows.database import init_database

from .conftest import REPO

# Backend-independent: runs once, in the SQLite run.
pytestmark = pytest.mark.sqlite_only

README = (REPO / "README.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str]]:
    """(command, expected stdout) pairs from the README's ```console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(expected)))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            examples.append((command, "\n".join(expected)))
    return examples


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A home folder whose default database already exists, as after the set-up command."""
    home = tmp_path_factory.mktemp("home")
    default = home / ".local" / "share" / "exodb" / "exodb.sqlite"
    engine = make_engine(sqlite_url(default))
    init_database(engine)
    engine.dispose()
    return home


def readme_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EXODB_URL", "EXODB_HOME")}
    env.pop("XDG_DATA_HOME", None)
    env["HOME"] = str(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    return env


@pytest.mark.parametrize(("command", "expected"), console_examples(), ids=lambda x: x[:60])
def test_console_example(command, expected, home, tmp_path):
    if command.startswith("sqlite3") and not shutil.which("sqlite3"):
        pytest.skip("the sqlite3 command-line tool is not installed")
    if "examples/" in command:  # run from a checkout: the examples folder is there
        shutil.copytree(REPO / "examples", tmp_path / "examples")
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=readme_env(home),
        capture_output=True,
        text=True,
    )
    assert result.stdout.rstrip("\n") == expected.rstrip("\n"), result.stderr


def test_python_examples(home, monkeypatch):
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("EXODB_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    blocks = re.findall(r"```pycon\n(.*?)```", README, re.S)
    assert blocks
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README pycon block {number}", "README.md", 0)
        runner.run(test)
    assert runner.failures == 0


def test_setup_commands_are_what_ci_runs():
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    install_and_query, install_and_test = blocks[0].strip(), blocks[1].strip()
    assert install_and_query.startswith("python3 -m venv .venv && .venv/bin/pip install . &&")
    assert "exodb cell-sources" in install_and_query
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci
