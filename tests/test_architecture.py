"""The layout docs/architecture.md describes holds: imports run one way, nothing imports in a
circle, and no module grows past what one sitting reads.

The contracts live in pyproject.toml ([tool.importlinter]) and are checked by import-linter;
grimp, the import graph import-linter is built on, finds the cycles. Both read every import
statement of a module, those inside functions included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "exodb"
MAX_MODULE_LINES = 700


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("exodb", include_external_packages=False, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_layer_contracts_hold():
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.fail("import-linter is a test dependency: pip install -e '.[test]'")
    result = subprocess.run(
        [command, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_no_module_imports_in_a_circle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: a graph with a circle in it is caught."""
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    graph.add_import(importer="a.d", imported="a.b")
    assert _cycles(graph) == [["a.b", "a.c", "a.d"]]


def test_imports_inside_functions_are_in_the_graph():
    """The loads import the kept reports inside a function; the graph must see that edge,
    or the contracts would say nothing about lazy imports."""
    graph = _graph()
    imported = graph.find_modules_directly_imported_by("exodb.workflows.load")
    assert "exodb.reports.prepared" in imported


def test_every_subpackage_is_in_a_layer():
    """A new folder must be given its place in the contract, not slip past it."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["id"] == "layers"]
    layered = {name.strip() for line in layers["layers"] for name in line.split("|")}
    present = {f"exodb.{path.parent.name}" for path in PACKAGE.glob("*/__init__.py")} | {
        f"exodb.{path.stem}" for path in PACKAGE.glob("*.py") if not path.stem.startswith("_")
    }
    # The package root's connect(), the `python -m exodb` shim and the alias kept for one
    # release sit above every layer and are imported by no module of exodb.
    unlayered = {"exodb.models"}
    assert present - layered == unlayered


def test_no_module_is_longer_than_one_sitting():
    long = {
        str(path.relative_to(REPO)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_the_old_models_path_still_works_and_says_where_they_went():
    script = (
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from exodb.models import Study, Base\n"
        "from exodb.schema import models, tables\n"
        "print(Study is models.Study, Base.metadata is tables.metadata)\n"
        "print([str(w.message) for w in caught if w.category is DeprecationWarning])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines() == [
        "True True",
        "['exodb.models is now exodb.schema.models; the old name goes in exodb 0.2']",
    ], result.stderr


def test_the_public_api_keeps_its_import_paths():
    """What the README and users import: the connection, the query functions and their
    dataclasses, the reports and the exports, each where it was before the layout changed."""
    import exodb
    from exodb import exports, queries, reports

    assert callable(exodb.connect)
    for name in ("cell_sources", "studies", "study_details", "delivery_systems", "trials"):
        assert callable(getattr(queries, name)), name
    for name in ("StudyRow", "CellSourceRow", "DeliverySystemRow", "TrialRow", "StudyDetail"):
        assert isinstance(getattr(queries, name), type), name
    for name in ("evidence_matrix", "convergence", "gaps", "summary", "Report"):
        assert callable(getattr(reports, name)), name
    assert callable(exports.export_references) and callable(exports.export_network)
