"""Reports and exports read the database with SQLAlchemy Core, never through the ORM models.

A fresh interpreter first imports what the two packages build on (exodb.queries, the tables of
exodb.schema.tables, the storage layer), whatever those import in turn. Then it installs an
import guard that refuses, and records, every import that code in exodb.reports or
exodb.exports makes of exodb.schema.models (in any spelling: ``from exodb.schema import
models``, a relative import, inside a function) or of anything from sqlalchemy.orm but the
Session type. Only then are the packages and every submodule imported, and every report built
(Tables 1-3, the evidence matrix for every pair of dimensions, convergence on nodes and
chains, gaps, outcomes, the summary, filtered variants), the kept copies prepared as a load
prepares them and served back, the heatmap drawn, and every reference and network format
written, into memory or a temporary folder.

What passing proves:

- no code under exodb/reports or exodb/exports imported the ORM models or an ORM construct
  (aliased, loader options, ...) while doing all of that, nor holds one as a module global
  (a class of the models reached through another module, say);
- every report and export format was built, and the kept copies were served;
- once nothing imported before the packages loads the models (exodb.queries on Core),
  ``exodb.schema.models`` is not in ``sys.modules`` at the end: the run never loaded the ORM.
  While exodb.queries still imports the models, this last check is reported as not applicable
  rather than failing on a module the two packages do not own.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import builtins, importlib, importlib.util, json, pkgutil, sys, tempfile, types
from pathlib import Path

import exodb.queries
import exodb.schema.tables
from exodb.storage.connection import make_engine, session_factory

MODELS = "exodb.schema.models"
GUARDED = ("exodb.reports", "exodb.exports")
models_before = MODELS in sys.modules
refused = []
real_import = builtins.__import__


def _guarded_importer(globals_):
    name = (globals_ or {}).get("__name__", "")
    return name if any(name == g or name.startswith(g + ".") for g in GUARDED) else None


def _forbidden(name, fromlist):
    asked = [name] + [f"{name}.{item}" for item in fromlist or ()]
    if any(a == MODELS or a.startswith(MODELS + ".") for a in asked):
        return True
    if name == "sqlalchemy" and "orm" in (fromlist or ()):
        return True
    if name == "sqlalchemy.orm" or name.startswith("sqlalchemy.orm."):
        return not fromlist or set(fromlist) != {"Session"}
    return False


def guard(name, globals=None, locals=None, fromlist=(), level=0):
    importer = _guarded_importer(globals)
    if importer is not None:
        absolute = name
        if level:
            package = globals.get("__package__") or importer
            absolute = importlib.util.resolve_name("." * level + name, package)
        if _forbidden(absolute, fromlist):
            refused.append(f"{importer}: {absolute} {list(fromlist or ())}")
            raise ImportError(f"{importer} may not import {absolute} {list(fromlist or ())}")
    return real_import(name, globals, locals, fromlist, level)


builtins.__import__ = guard

import exodb.exports as exports
import exodb.reports as reports

for package in (reports, exports):
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)

from exodb.exports.bibliography import REFERENCE_FORMATS
from exodb.exports.network import NETWORK_FORMATS
from exodb.reports import cache, figures, prepared as preparing
from sqlalchemy import select

built = []
engine = make_engine(sys.argv[1])
with session_factory(engine)() as session:
    def build(name, call, *args, **kwargs):
        result = call(session, *args, **kwargs)
        assert result, name
        built.append(name)
        return result

    build("table1", reports.table1_cell_sources)
    build("table2", reports.table2_mechanisms)
    build("table3", reports.table3_delivery_systems)
    for rows in reports.ROW_DIMENSIONS:
        for cols in reports.COLUMN_DIMENSIONS:
            for rollup in (False, True):
                build(
                    f"matrix {rows} x {cols}{' rollup' if rollup else ''}",
                    reports.evidence_matrix, rows=rows, cols=cols, rollup=rollup, cache=False,
                )
    for chains in (False, True):
        build(f"convergence chains={chains}", reports.convergence, chains=chains, cache=False)
    for filters in ({}, {"exosome_based": True}, {"design": "in_vivo"}, {"species": "rat"},
                    {"mechanism": "immune_regulation"}, {"cell_source": "MSC"}):
        build(f"matrix {filters}", reports.evidence_matrix, cache=False, **filters)
        build(f"convergence {filters}", reports.convergence, cache=False, **filters)
        build(f"gaps {filters}", reports.gaps, **filters)
        build(f"outcomes {filters}", reports.outcomes, **filters)
        build(f"network {filters}", exports.export_network, "json", **filters)
    build("summary", reports.summary)
    for fmt in REFERENCE_FORMATS:
        build(f"references {fmt}", exports.export_references, fmt)
    for fmt in NETWORK_FORMATS:
        build(f"network {fmt}", exports.export_network, fmt)
    figure = "not drawn: no matplotlib"
    with tempfile.TemporaryDirectory() as folder:
        try:
            matrix = reports.evidence_matrix(session, cache=False)
            path = figures.heatmap(matrix, Path(folder, "m.png"))
            figure = "drawn" if path.stat().st_size else "empty"
        except figures.FigureUnavailable:
            pass
    session.rollback()

# The kept copies, as a load prepares them (whatever the corpus size) and then serves them.
preparing.PREPARE_FROM_STUDIES = 0
prepared = preparing.prepare(engine)
with session_factory(engine)() as session:
    table = exodb.schema.tables.report_cache
    kept = sorted(map(list, session.execute(select(table.c.report, table.c.options))))
    served = all(
        call(session) == call(session, cache=False)
        for call in (reports.evidence_matrix, reports.convergence)
    )
engine.dispose()

orm_globals = []
for name, module in sorted(sys.modules.items()):
    if module is None or not any(name == g or name.startswith(g + ".") for g in GUARDED):
        continue
    for attribute, value in vars(module).items():
        source = value.__name__ if isinstance(value, types.ModuleType) else getattr(
            value, "__module__", None
        )
        if not isinstance(source, str):
            continue
        orm = source.startswith("sqlalchemy.orm") and attribute != "Session"
        if source == MODELS or source.startswith(MODELS + ".") or orm:
            orm_globals.append(f"{name}.{attribute} ({source})")

print(json.dumps({
    "models_before": models_before,
    "models_after": MODELS in sys.modules,
    "refused": refused,
    "orm_globals": orm_globals,
    "built": built,
    "figure": figure,
    "prepared": prepared,
    "kept": kept,
    "served": served,
}))
"""


def test_reports_and_exports_never_touch_the_orm_models(fresh_url):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, fresh_url], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["refused"] == []
    assert found["orm_globals"] == []
    assert len(found["built"]) == 3 + 12 + 2 + 6 * 5 + 1 + 3 + 3
    assert found["figure"] in ("drawn", "not drawn: no matplotlib")
    assert found["prepared"] is True
    # The two a load prepares, with their default options (the summary keeps others).
    assert ["convergence", '{"chains": false}'] in found["kept"]
    matrix = '{"cols": "mechanism", "rollup": false, "rows": "cell-source"}'
    assert ["evidence-matrix", matrix] in found["kept"]
    assert found["served"] is True
    if not found["models_before"]:
        assert found["models_after"] is False
