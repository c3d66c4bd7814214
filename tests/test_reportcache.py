"""Kept reports: served only for the data they were computed from, never instead of fresh data."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from exodb import reports
from exodb.cli import main
from exodb.reports import prepared as prepared_reports
from exodb.reports.cache import decode, encode
from exodb.storage.connection import make_engine, session_factory

from .conftest import BACKEND
from .test_import import USER_FILES


def _session(url: str):
    return session_factory(make_engine(url))()


def _kept(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT report, options, generation FROM report_cache ORDER BY report, options")
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _tamper(url: str, title: str) -> None:
    """Change the kept copies' titles behind exodb's back, to see which copy is served."""
    engine = make_engine(url)
    with engine.begin() as connection:
        for digest, payload in connection.execute(text("SELECT digest, payload FROM report_cache")):
            report = decode(payload)
            report.title = title
            connection.execute(
                text("UPDATE report_cache SET payload = :p WHERE digest = :d"),
                {"p": encode(report), "d": digest},
            )
    engine.dispose()


# What every load keeps: the two cross-tabs with their default options.
MATRIX_DEFAULT = '{"cols": "mechanism", "rollup": false, "rows": "cell-source"}'


def prepared(generation: int) -> list[tuple]:
    return [
        ("convergence", '{"chains": false}', generation),
        ("evidence-matrix", MATRIX_DEFAULT, generation),
    ]


def _akt(report) -> dict:
    return next(row for row in report.rows if row["node"] == "Akt")


def test_a_kept_copy_is_the_computed_report(session):
    for build in (reports.convergence, reports.evidence_matrix):
        computed = build(session, cache=False)
        assert build(session) == computed  # computed and kept
        assert build(session) == computed  # served from the kept copy
    matrix = reports.evidence_matrix(session)
    assert matrix.rows[0]["cell_source"] == "not_stated"
    assert str(matrix.rows[0]["studies"]) == "9 (55, 64, 70, 77, 110, 125, 129, 137)"


def test_a_repeated_request_is_served_from_the_kept_copy(fresh_url):
    with _session(fresh_url) as session:
        first = reports.convergence(session, exosome_based=True)
    assert _kept(fresh_url) == [("convergence", '{"chains": false, "exosome_based": true}', 1)]
    _tamper(fresh_url, "served from report_cache")
    with _session(fresh_url) as session:
        assert reports.convergence(session, exosome_based=True).title == "served from report_cache"
        fresh = reports.convergence(session, exosome_based=True, cache=False)
        assert fresh.title == "Convergence on pathway nodes"
        assert fresh.rows == first.rows


def test_options_and_filters_are_kept_apart(fresh_url):
    with _session(fresh_url) as session:
        nodes = reports.convergence(session)
        assert reports.convergence(session, chains=False) == nodes  # the same options
        chains = reports.convergence(session, chains=True)
        mirna = reports.convergence(session, cargo="miR-21")
        reports.evidence_matrix(session, rows="species")
    assert [row["node"] for row in chains.rows][:1] == ["PI3K/Akt"]
    assert {row["node"] for row in mirna.rows} < {row["node"] for row in nodes.rows}
    assert _kept(fresh_url) == [
        ("convergence", '{"cargo": "miR-21", "chains": false}', 1),
        ("convergence", '{"chains": false}', 1),
        ("convergence", '{"chains": true}', 1),
        ("evidence-matrix", '{"cols": "mechanism", "rollup": false, "rows": "species"}', 1),
    ]


def test_an_import_makes_kept_reports_stale(fresh_url, runner, tmp_path):
    with _session(fresh_url) as session:
        before = _akt(reports.convergence(session))
    _tamper(fresh_url, "stale")
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, content in USER_FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    assert runner.invoke(main, ["--db", fresh_url, "import", str(folder)]).exit_code == 0
    assert _kept(fresh_url) == []
    with _session(fresh_url) as session:
        after = reports.convergence(session)
        assert after == reports.convergence(session, cache=False)
    assert after.title == "Convergence on pathway nodes"
    assert _akt(after)["studies"] == before["studies"] + 1
    assert "195" in _akt(after)["refs"] and "195" not in before["refs"]


@pytest.mark.parametrize("load", ["import", "seed", "reindex"])
def test_a_load_prepares_the_default_reports(fresh_url, runner, tmp_path, load, monkeypatch):
    # The seeded database is small: let it count as large enough to prepare for.
    monkeypatch.setattr(prepared_reports, "PREPARE_FROM_STUDIES", 1)
    with _session(fresh_url) as session:
        reports.evidence_matrix(session)
    _tamper(fresh_url, "stale")
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, content in USER_FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    args = {"import": ["import", str(folder)], "seed": ["seed"], "reindex": ["reindex"]}[load]
    result = runner.invoke(main, ["--db", fresh_url, *args])
    assert result.exit_code == 0, result.output
    assert _kept(fresh_url) == prepared(2)
    # Served from what the load kept, not computed on request: a tampered copy shows.
    _tamper(fresh_url, "kept by the load")
    with _session(fresh_url) as session:
        assert reports.convergence(session).title == "kept by the load"
        assert reports.evidence_matrix(session).title == "kept by the load"
        assert reports.convergence(session, chains=True).title == "Convergence on pathway chains"


def test_only_a_large_database_is_prepared_for(fresh_url, monkeypatch):
    engine = make_engine(fresh_url)
    with _session(fresh_url) as session:
        studies = session.scalar(text("SELECT count(*) FROM study"))
    monkeypatch.setattr(prepared_reports, "PREPARE_FROM_STUDIES", studies + 1)
    assert prepared_reports.prepare(engine) is False
    assert _kept(fresh_url) == []
    monkeypatch.setattr(prepared_reports, "PREPARE_FROM_STUDIES", studies)
    assert prepared_reports.prepare(engine) is True
    assert _kept(fresh_url) == prepared(1)
    engine.dispose()


def test_a_copy_from_an_earlier_generation_is_never_served(fresh_url, runner):
    with _session(fresh_url) as session:
        reports.evidence_matrix(session)
    _tamper(fresh_url, "stale")
    engine = make_engine(fresh_url)
    with engine.begin() as connection:  # as if a load had committed after the copy was kept
        connection.execute(text("UPDATE data_version SET generation = generation + 1"))
    engine.dispose()
    with _session(fresh_url) as session:
        assert reports.evidence_matrix(session).title.startswith("Evidence matrix")


def test_reindex_after_edits_with_other_tools(fresh_url, runner):
    with _session(fresh_url) as session:
        reports.evidence_matrix(session)
    _tamper(fresh_url, "stale")
    result = runner.invoke(main, ["--db", fresh_url, "reindex"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("exodb: search index rebuilt (")
    assert result.output.endswith(" documents); kept reports renewed\n")
    assert _kept(fresh_url) == []
    shown = runner.invoke(main, ["--db", fresh_url, "report", "evidence-matrix", "--format", "csv"])
    assert shown.output.startswith("cell_source,studies,neuroprotection,")


def test_no_cache_computes_and_keeps_nothing(fresh_url, runner):
    result = runner.invoke(
        main, ["--db", fresh_url, "report", "convergence", "--no-cache", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("Akt,10,")
    assert _kept(fresh_url) == []


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite files and their locks")
def test_a_read_only_file_still_reports(fresh_path):
    url = f"sqlite:///file:{fresh_path}?mode=ro&uri=true"
    with _session(url) as session:
        report = reports.convergence(session, exosome_based=True)  # not kept yet: computed
    nfkb = next(row for row in report.rows if row["node"] == "NF-κB")
    assert nfkb["refs"] == "47, 55, 73, 99, 102"
    assert _kept(f"sqlite:///{fresh_path}") == []


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite files and their locks")
def test_a_busy_writer_does_not_hold_up_a_report(fresh_path, fresh_url):
    writer = sqlite3.connect(fresh_path)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as an import in progress would
    try:
        with _session(fresh_url) as session:
            report = reports.evidence_matrix(session, rows="species", design="in_vivo")
        mouse = next(row for row in report.rows if row["species"] == "mouse")
        assert mouse["angiogenesis_bscb"].refs == (23, 102, 110)
    finally:
        writer.rollback()
        writer.close()
    assert _kept(fresh_url) == []
