"""The canonical study queries use indexes: no full scan of a large table (SQLite's plans)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from exodb import queries, reports
from exodb.curation.synthetic import generate
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows.database import upgrade
from exodb.workflows.load import import_path

pytestmark = pytest.mark.sqlite_only

LARGE = (
    "study",
    "study_molecule",
    "study_pathway",
    "study_mechanism",
    "study_model",
    "outcome",
    "study_interaction",
    "reference",
)

CANONICAL = [
    ("cargo family", {"cargo": "miR-1010"}),
    ("pathway node", {"pathway": "SYN5"}),
    ("sub-chain", {"pathway": "SYN4/SYN5"}),
    ("source subtree", {"cell_source": "src_3"}),
    ("species and mechanism", {"species": "monkey", "mechanism": "ecm_regulation"}),
    ("target", {"target": "SYN2"}),
    ("material", {"material": "hydrogel"}),
]


@pytest.fixture(scope="module")
def corpus_session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan-corpus")
    generate(folder, 2000, seed=3)
    path = tmp_path_factory.mktemp("plan-db") / "plans.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    import_path(engine, folder)
    with session_factory(engine)() as session:
        yield session, engine
    engine.dispose()


def plans_of(session, engine, filters: dict, call=None) -> list[tuple[str, list[str]]]:
    """Run the library query (``call``, by default the study listing), capturing each SELECT it
    sends, and explain each one."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        (call or queries.study_keys)(session, **filters)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    raw = engine.raw_connection()
    try:
        return [
            (sql, [row[3] for row in raw.cursor().execute(f"EXPLAIN QUERY PLAN {sql}", params)])
            for sql, params in captured
        ]
    finally:
        raw.close()


@pytest.mark.parametrize(("name", "filters"), CANONICAL, ids=[c[0] for c in CANONICAL])
def test_canonical_query_uses_indexes(corpus_session, name, filters):
    session, engine = corpus_session
    explained = plans_of(session, engine, filters)
    assert explained, "the query sent nothing"
    main_sql, main_plan = explained[-1]
    assert "study" in main_sql
    full_scans = [
        line
        for _, plan in explained
        for line in plan
        if re.match(r"SCAN (\w+)", line) and re.match(r"SCAN (\w+)", line).group(1) in LARGE
    ]
    assert full_scans == [], "\n".join(main_plan)
    assert any("USING" in line for line in main_plan), "\n".join(main_plan)


def _large_table_scans(explained) -> list[str]:
    """Plan lines that read a large table row by row: a SCAN not answered by a covering index."""
    return [
        line
        for _, plan in explained
        for line in plan
        if (m := re.match(r"SCAN (\w+)", line))
        and m.group(1) in LARGE
        and "COVERING INDEX" not in line
    ]


CROSS_TABS = [
    *(
        (f"evidence matrix {rows} x {cols}", reports.evidence_matrix, {"rows": rows, "cols": cols})
        for rows in reports.ROW_DIMENSIONS
        for cols in reports.COLUMN_DIMENSIONS
    ),
    ("convergence on nodes", reports.convergence, {}),
    ("convergence on chains", reports.convergence, {"chains": True}),
]


@pytest.mark.parametrize(("name", "report", "options"), CROSS_TABS, ids=[c[0] for c in CROSS_TABS])
@pytest.mark.parametrize("filters", [{}, {"cargo": "miR-1010"}], ids=["all", "filtered"])
def test_cross_tab_reads_large_tables_through_covering_indexes(
    corpus_session, name, report, options, filters
):
    """A cross-tab must read every link row when unfiltered; it does so in the order of an
    index that holds all it needs, so the grouping needs no sort of its own."""
    session, engine = corpus_session
    explained = plans_of(session, engine, {**options, **filters, "cache": False}, report)
    assert len(explained) >= 3
    assert _large_table_scans(explained) == []
    if not filters:
        sorts = [
            line for _, plan in explained for line in plan if "TEMP B-TREE FOR GROUP BY" in line
        ]
        assert sorts == []
