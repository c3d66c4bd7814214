"""SQLite and PostgreSQL built from the same seeds answer every query and report the same."""

from __future__ import annotations

import json

import pytest

from exodb import exports, queries, reports
from exodb.console.sql import parse_param, run_sql
from exodb.render import render, render_report
from exodb.storage.connection import make_engine, session_factory
from exodb.web import cookbook

from .conftest import REPO, Databases
from .test_study_queries import QUESTIONS

pytestmark = [pytest.mark.needs_postgres, pytest.mark.sqlite_only]


def _answers(url: str) -> dict[str, str]:
    """Everything the library can tell, rendered as JSON text, keyed by question."""
    engine = make_engine(url)
    answers: dict[str, str] = {}
    with session_factory(engine)() as s:
        listings = {
            "cell_sources": queries.cell_sources(s),
            "cell_sources_low": queries.cell_sources(s, max_immunogenicity="low"),
            "delivery_systems": queries.delivery_systems(s),
            "trials": queries.trials(s),
            "mechanisms": queries.mechanisms(s),
            "molecules": queries.molecules(s),
            "pathways": queries.pathways(s),
            "pathways_chain": queries.pathways(s, node="PI3K/Akt"),
            "notes": queries.curation_notes(s),
            "components": queries.exosome_components(s),
            "epidemiology": queries.epidemiology(s),
            "all_studies": queries.studies(s),
        }
        for name, rows in listings.items():
            answers[name] = render(rows, "json")
        for question, filters, _ in QUESTIONS:
            answers[f"studies: {question}"] = render(queries.studies(s, **filters), "json")
        keys = [row.key for row in queries.studies(s)]
        for key in keys:
            answers[f"study {key}"] = render(queries.study_details(s, key), "json")
        built = {
            "table1": reports.table1_cell_sources(s),
            "table2": reports.table2_mechanisms(s),
            "table3": reports.table3_delivery_systems(s),
            "matrix": reports.evidence_matrix(s, rollup=True),
            "matrix_species_nodes": reports.evidence_matrix(s, rows="species", cols="pathway-node"),
            "matrix_cargo": reports.evidence_matrix(s, rows="cargo-kind", exosome_based=True),
            "convergence": reports.convergence(s),
            "chains": reports.convergence(s, chains=True),
            "gaps": reports.gaps(s),
            "outcomes": reports.outcomes(s),
            "summary": reports.summary(s),
        }
        for name, report in built.items():
            answers[f"report {name}"] = render_report(report, "json")
            answers[f"report {name} latex"] = render_report(report, "latex")
        for fmt in ("bibtex", "ris", "csl-json"):
            answers[f"references {fmt}"] = exports.export_references(s, fmt)
        for fmt in ("graphml", "dot", "json"):
            answers[f"network {fmt}"] = exports.export_network(s, fmt)
    engine.dispose()
    for recipe in cookbook.recipes(REPO / "docs" / "cookbook.md"):
        params = dict(parse_param(f"{name}={value}") for name, value in recipe.parameters)
        result = run_sql(url, recipe.sql, params)
        answers[f"cookbook {recipe.number}"] = render(result.as_dicts(), "json")
    # The link views, row for row; booleans and JSON arrays compared as values (PostgreSQL
    # spells them true and ["a", "b"], SQLite 1 and ["a","b"]).
    for view in LINK_VIEWS:
        result = run_sql(url, f"SELECT * FROM {view}")
        arrays = JSON_COLUMNS if view == "study_dimensions" else set()
        rows = list(
            tuple(
                json.loads(v) if column in arrays else int(v) if isinstance(v, bool) else v
                for column, v in zip(result.columns, row, strict=True)
            )
            for row in result.rows
        )
        rows.sort(key=lambda r: json.dumps(r, default=str))
        answers[f"view {view}"] = json.dumps(rows, default=str)
    return answers


LINK_VIEWS = (
    "study_mechanism_link",
    "study_species_link",
    "study_cargo_link",
    "study_pathway_node_link",
    "study_dimensions",
)
JSON_COLUMNS = {"mechanisms", "species", "cargo", "pathway_nodes"}


def test_every_query_and_report_agrees(tmp_path_factory):
    from exodb.workflows.database import init_database

    urls = {}
    factories = []
    for backend in ("sqlite", "postgresql"):
        factory = Databases(tmp_path_factory.mktemp(backend), backend)
        factories.append(factory)
        url = factory.empty()
        engine = make_engine(url)
        init_database(engine)
        engine.dispose()
        urls[backend] = url
    try:
        sqlite_answers = _answers(urls["sqlite"])
        postgres_answers = _answers(urls["postgresql"])
    finally:
        for factory in factories:
            factory.drop_all()
    assert len(sqlite_answers) > 100
    assert sqlite_answers.keys() == postgres_answers.keys()
    differing = [k for k in sqlite_answers if sqlite_answers[k] != postgres_answers[k]]
    assert differing == []
