"""The cross-tab reports agree with a naive count over the raw link rows.

The reports count with posting lists and set algebra (exodb.reports.postings). Here the same
numbers are computed the slow, obvious way, study by study, from plain SELECTs of the link
tables, on a generated corpus large enough to have overlapping sources, nested species, families
of molecules and studies without a reference. Runs on both backends.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from exodb import queries, reports
from exodb.curation.synthetic import generate
from exodb.names import vocabulary as v
from exodb.schema.models import (
    CellSource,
    Mechanism,
    Molecule,
    PathwayNode,
    Reference,
    Species,
    Study,
    StudyModel,
    StudyMolecule,
    StudyPathway,
    study_mechanism,
)
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows.database import upgrade
from exodb.workflows.load import import_path

FILTERS = [{}, {"species": "monkey"}, {"cell_source": "src_3", "design": "in_vivo"}]
FILTER_IDS = ["unfiltered", "monkey", "src_3-in_vivo"]


@pytest.fixture(scope="module")
def corpus(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crosstab-corpus")
    generate(folder, 1500, seed=11)
    url = databases.empty()
    engine = make_engine(url)
    upgrade(engine)
    import_path(engine, folder)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


class Naive:
    """Every link row in memory, counted one study at a time."""

    def __init__(self, session, filters):
        self.ids = set(session.scalars(queries.study_ids(session, **filters)))
        refs = dict(
            session.execute(
                select(Study.id, Reference.number).outerjoin(
                    Reference, Reference.id == Study.reference_id
                )
            ).all()
        )
        self.ref = {s: n for s, n in refs.items() if s in self.ids}
        self.source = {
            s: key
            for s, key in session.execute(select(Study.id, CellSource.key).join(CellSource))
            if s in self.ids
        }
        self.mechanism = self._pairs(
            session, select(study_mechanism.c.study_id, Mechanism.key).join(Mechanism)
        )
        self.species = self._pairs(session, select(StudyModel.study_id, Species.key).join(Species))
        cargo = select(StudyMolecule.study_id, Molecule.key, Molecule.kind).join(Molecule)
        self.cargo = [
            row
            for row in session.execute(cargo.where(StudyMolecule.role.in_(("cargo", "loaded"))))
            if row[0] in self.ids
        ]
        self.pathway = [
            tuple(row)
            for row in session.execute(
                select(StudyPathway.study_id, StudyPathway.pathway_id, StudyPathway.effect)
            )
            if row[0] in self.ids
        ]
        self.nodes = session.execute(
            select(PathwayNode.pathway_id, PathwayNode.position, Molecule.id).join(Molecule)
        ).all()
        self.molecules = {
            m.id: (m.key, m.parent_id, m.kind)
            for m in session.execute(
                select(Molecule.id, Molecule.key, Molecule.parent_id, Molecule.kind)
            )
        }

    def _pairs(self, session, stmt):
        return [(s, key) for s, key in session.execute(stmt) if s in self.ids]

    def count(self, studies):
        refs = sorted({self.ref[s] for s in studies if self.ref.get(s) is not None})
        return reports.Count(len(studies), tuple(refs))

    def families(self, molecule_id):
        """A molecule's key and those of its families, up to a generic class."""
        key, parent, _ = self.molecules[molecule_id]
        found = [key]
        while parent is not None and self.molecules[parent][2] != "nucleic_acid":
            key, parent, _ = self.molecules[parent]
            found.append(key)
        return found


def _row_pairs(naive, rows, rollup_to):
    if rows == "cell-source":
        return [(s, rollup_to.get(k, k)) for s, k in naive.source.items()]
    if rows == "species":
        return naive.species
    return [(s, kind) for s, _, kind in naive.cargo]


def _column_pairs(naive, cols):
    if cols == "mechanism":
        return naive.mechanism
    node_keys = defaultdict(set)
    for pathway, _, molecule in naive.nodes:
        node_keys[pathway].add(naive.molecules[molecule][0])
    return [(s, key) for s, pathway, _ in naive.pathway for key in node_keys[pathway]]


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
@pytest.mark.parametrize("rows", reports.ROW_DIMENSIONS)
@pytest.mark.parametrize("cols", reports.COLUMN_DIMENSIONS)
def test_evidence_matrix_matches_naive_count(corpus, filters, rows, cols):
    rollup = rows == "cell-source"
    naive = Naive(corpus, filters)
    rollup_to = reports._profiled_ancestors(corpus) if rollup else {}
    row_studies = defaultdict(set)
    for s, value in _row_pairs(naive, rows, rollup_to):
        row_studies[value].add(s)
    column_studies = defaultdict(set)
    for s, value in _column_pairs(naive, cols):
        column_studies[value].add(s)

    matrix = reports.evidence_matrix(
        corpus, rows=rows, cols=cols, rollup=rollup, cache=False, **filters
    )
    label = matrix.columns[0]
    assert [r[label] for r in matrix.rows] == sorted(
        row_studies, key=lambda r: (-len(row_studies[r]), r.casefold())
    )
    shown = set(matrix.columns[2:])
    assert shown == {
        c for c, cs in column_studies.items() if any(cs & rs for rs in row_studies.values())
    }
    assert matrix.rows and shown
    for entry in matrix.rows:
        studies = row_studies[entry[label]]
        assert entry["studies"] == naive.count(studies)
        for column in shown:
            assert entry[column] == naive.count(studies & column_studies[column]), (
                entry[label],
                column,
            )


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
@pytest.mark.parametrize("chains", [False, True], ids=["nodes", "chains"])
def test_convergence_matches_naive_count(corpus, filters, chains):
    naive = Naive(corpus, filters)
    units = defaultdict(set)
    if chains:
        at = {(pathway, position): m for pathway, position, m in naive.nodes}
        for (pathway, position), m in at.items():
            after = at.get((pathway, position + 1))
            if after is not None:
                key = f"{naive.molecules[m][0]}/{naive.molecules[after][0]}"
                units[key].add(pathway)
    else:
        for pathway, _, m in naive.nodes:
            for key in naive.families(m):
                units[key].add(pathway)
    cargo_of = defaultdict(set)
    for s, key, _ in naive.cargo:
        cargo_of[s].add(key)

    expected = {}
    for unit, pathways in units.items():
        rows = [(s, e) for s, pathway, e in naive.pathway if pathway in pathways]
        if not rows:
            continue
        studies = {s for s, _ in rows}
        by_effect = defaultdict(set)
        for s, e in rows:
            by_effect[e].add(s)
        expected[unit] = {
            "node": unit,
            "studies": len(studies),
            "sources": sorted({naive.source[s] for s in studies if s in naive.source}),
            "cargo": sorted(set().union(*(cargo_of[s] for s in studies))),
            "effects": [f"{e} {len(by_effect[e])}" for e in sorted(by_effect)],
            "refs": reports.cite(naive.count(studies).refs),
        }

    report = reports.convergence(corpus, chains=chains, cache=False, **filters)
    assert {r["node"]: r for r in report.rows} == expected
    assert len(expected) > 10
    assert [r["node"] for r in report.rows] == sorted(
        expected, key=lambda u: (-expected[u]["studies"], u.casefold())
    )


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
def test_gaps_match_naive_count(corpus, filters):
    naive = Naive(corpus, filters)
    rollup_to = reports._profiled_ancestors(corpus)
    tree = reports._species_ancestors(corpus)
    by_source = defaultdict(set)
    for s, key in naive.source.items():
        by_source[rollup_to.get(key, key)].add(s)
    mechanisms = defaultdict(set)
    for s, key in naive.mechanism:
        mechanisms[s].add(key)
    species = defaultdict(set)
    for s, key in naive.species:
        species[s] |= tree[key]

    mechanism_gaps, species_gaps, primate_human, designs = reports.gaps(corpus, **filters)
    rows = {r["source"]: r for r in mechanism_gaps.rows}
    assert set(rows) >= set(by_source)
    for source, studies in by_source.items():
        covered = set().union(*(mechanisms[s] for s in studies))
        assert rows[source]["studies"] == len(studies)
        assert rows[source]["no_study_for"] == [m for m in v.MECHANISM_KEYS if m not in covered]
    seen_rows = {r["source"]: r for r in species_gaps.rows}
    for source, studies in by_source.items():
        seen = set().union(*(species[s] for s in studies))
        assert seen_rows[source]["no_study_in"] == [
            sp for sp in reports.GAP_SPECIES if sp not in seen
        ]
    expected = {}
    for source, studies in by_source.items():
        evidence = {s for s in studies if species[s] & {"monkey", "human"}}
        if evidence:
            expected[source] = {
                "source": source,
                "primate": any("monkey" in species[s] for s in evidence),
                "human": any("human" in species[s] for s in evidence),
                "refs": reports.cite(naive.count(evidence).refs),
            }
    assert {r["source"]: r for r in primate_human.rows} == expected
    design_of = dict(corpus.execute(select(Study.id, Study.design)).all())
    for row in designs.rows:
        studies = {s for s, key in naive.mechanism if key == row["mechanism"]}
        assert row["studies"] == len(studies)
        assert row["in_vivo"] == sum(design_of[s] == "in_vivo" for s in studies)
        assert row["in_vitro"] == sum(design_of[s] == "in_vitro" for s in studies)
