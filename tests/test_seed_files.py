"""The seed folder is documented, canonical, and the code is lint-clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from exodb.curation import seedspec
from exodb.curation.canonical import canonical_text
from exodb.io.resources import seeds_dir

from .conftest import REPO

# Backend-independent: runs once, in the SQLite run.
pytestmark = pytest.mark.sqlite_only


def readme_sections() -> dict[str, str]:
    text = (seeds_dir() / "README.md").read_text(encoding="utf-8")
    return {
        m.group(1): m.group(0) for m in re.finditer(r"### (\w+)\.csv.*?(?=\n### |\Z)", text, re.S)
    }


def test_every_seed_file_is_bundled():
    present = {p.name for p in seeds_dir().glob("*.csv")}
    assert present == {f.filename for f in seedspec.SEED_FILES}


@pytest.mark.parametrize("seed", seedspec.SEED_FILES, ids=lambda s: s.name)
def test_readme_documents_every_file_and_column(seed):
    text = (seeds_dir() / "README.md").read_text(encoding="utf-8")
    sections = readme_sections()
    # Study link files share one table in the README; the others have a section each.
    section = sections.get(seed.name, text)
    assert seed.filename in text
    # A column is documented in a table cell ("| name |", "| a, name, b |") or in backticks.
    cells = set(re.findall(r"(?:^|\|)\s*([a-z_]+(?:,\s*[a-z_]+)*)\s*(?=\|)", section, re.M))
    in_cells = {name.strip() for cell in cells for name in cell.split(",")}
    in_code = set(re.findall(r"`([a-z_]+)`", section))
    for column in seed.columns:
        assert column.name in in_cells | in_code, f"{seed.filename}: {column.name} undocumented"


@pytest.mark.parametrize("seed", seedspec.SEED_FILES, ids=lambda s: s.name)
def test_seed_files_are_in_canonical_form(seed):
    path = seeds_dir() / seed.filename
    text = path.read_text(encoding="utf-8")
    assert canonical_text(seed, text, str(path)) == text, (
        f'{seed.filename} is not canonical; run: python -c "from exodb.curation.canonical import '
        f"rewrite_canonical; rewrite_canonical('seeds')\""
    )


def test_canonical_order_is_natural():
    keys = ["3.10", "3.2", "Table 1", "miR-199", "miR-21", "10", "9"]
    ordered = sorted(keys, key=lambda k: seedspec.canonical_key((k,)))
    assert ordered == ["3.2", "3.10", "9", "10", "miR-21", "miR-199", "Table 1"]


def test_ruff_is_clean():
    beside_python = REPO / "ruff"
    for candidate in (sys.executable.rsplit("/", 1)[0] + "/ruff", shutil.which("ruff")):
        if candidate and shutil.os.path.exists(candidate):
            beside_python = candidate
            break
    else:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run([beside_python, "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
