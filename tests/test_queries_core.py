"""The library's read path is SQLAlchemy Core: no query builds or configures the ORM mappers,
which cost a short command most of its start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from exodb import queries

# Runs in a fresh interpreter: every public function of exodb.queries, then what was loaded.
PROBE = r"""
import importlib.abc
import json
import sys

import exodb.schema
from exodb.schema import tables  # the Core tables, however that module builds them

# From here on the models cannot be imported: a query that reached for them fails. Where the
# tables are still taken from the models, the module is already loaded: it is set aside, and
# its mappers must stay unconfigured.
models = sys.modules.pop("exodb.schema.models", None)
if hasattr(exodb.schema, "models"):
    del exodb.schema.models


class NoModels(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "exodb.schema.models":
            raise ImportError("exodb.queries imported the ORM models")
        return None


sys.meta_path.insert(0, NoModels())

from exodb import queries
from exodb.storage.connection import make_engine, session_factory

engine = make_engine(sys.argv[1], create_parent=False)
counts = {}
with session_factory(engine)() as session:
    q = queries
    calls = {
        "cell_sources": lambda: q.cell_sources(session),
        "cell_sources within": lambda: q.cell_sources(session, within="MSC", profiled=True),
        "cell_sources ranked": lambda: q.cell_sources(
            session, max_immunogenicity="moderate", min_clinical_potential="relatively_high"
        ),
        "studies": lambda: q.studies(session, cargo="miR-21"),
        "studies, every filter": lambda: q.studies(
            session,
            cell_source="MSC",
            target="PTEN",
            molecule="miR-21",
            pathway="PI3K/Akt",
            mechanism="neuroprotection",
            species="rat",
            injury_model="contusion",
            route="intravenous",
            material="hydrogel",
            modification="BDNF",
            separation="sec",
            has_outcome="recovery",
            quantitative=True,
            scale="BBB",
            timepoint=28,
            exosome_based=True,
            design="in_vivo",
            ref=46,
        ),
        "study_keys": lambda: q.study_keys(session, pathway="NF-κB"),
        "study_rows": lambda: q.study_rows(session, list(session.scalars(q.study_ids(session)))),
        "study_details": lambda: q.study_details(session, "46"),
        "study_details_by_id": lambda: q.study_details_by_id(
            session, list(session.scalars(q.study_ids(session, species="monkey")))
        ),
        "mechanisms": lambda: q.mechanisms(session),
        "delivery_systems": lambda: q.delivery_systems(session, indication="glioma"),
        "trials": lambda: q.trials(session),
        "molecules": lambda: q.molecules(session),
        "molecules by name": lambda: q.molecules(session, name="MAPK"),
        "pathways": lambda: q.pathways(session),
        "pathways by chain": lambda: q.pathways(session, node="PI3K/Akt"),
        "curation_notes": lambda: q.curation_notes(session),
        "exosome_components": lambda: q.exosome_components(session),
        "epidemiology": lambda: q.epidemiology(session),
        "resolve_cell_source": lambda: [q.resolve_cell_source(session, "UC-MSC")],
        "resolve_molecule": lambda: [q.resolve_molecule(session, "miR-21a-3p")],
    }
    for name, call in calls.items():
        counts[name] = len(call())
    for call in (
        lambda: q.studies(session, cargo="miR-99999"),
        lambda: q.studies(session, cell_source="no such source"),
        lambda: q.study_details(session, "no_such_study"),
    ):
        try:
            call()
        except q.UnknownName:
            pass
engine.dispose()
configured = models is not None and any(m.configured for m in models.Base.registry.mappers)
print(json.dumps({
    "counts": counts,
    "models loaded": "exodb.schema.models" in sys.modules,
    "mappers configured": configured,
}))
"""


def test_no_query_touches_the_orm(seeded_url):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, seeded_url], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert not report["models loaded"]
    assert not report["mappers configured"]
    empty = [name for name, n in report["counts"].items() if n == 0]
    assert empty == ["studies, every filter"]  # no study is all of that; each filter still ran


def test_no_module_of_the_package_names_the_models():
    package = Path(queries.__file__).parent
    for module in package.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "schema.models" not in text, module.name
        assert "schema import models" not in text, module.name
        for orm in ("selectinload", "aliased", "joinedload", "relationship"):
            assert orm not in text, (module.name, orm)
