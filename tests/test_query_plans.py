"""The canonical study queries use indexes: no full scan of a large table (SQLite's plans)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from exodb import migrations, queries
from exodb.db import make_engine, session_factory
from exodb.loader import import_path
from exodb.synthetic import generate

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
    migrations.upgrade(engine)
    import_path(engine, folder)
    with session_factory(engine)() as session:
        yield session, engine
    engine.dispose()


def plans_of(session, engine, filters: dict) -> list[tuple[str, list[str]]]:
    """Run the library query, capturing each SELECT it sends, and explain each one."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        queries.study_keys(session, **filters)
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
