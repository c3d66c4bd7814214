"""The second curation pass (issue 17): each correction of the seeds, as the database built from
them now holds it. The test of each correction fails on the seeds before the pass; the one that
asks the cargo filter for inferred cargo guards what the pass keeps (inferred cargo still
counts)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from exodb import queries
from exodb.cli import main
from exodb.schema.models import (
    CurationNote,
    Molecule,
    Outcome,
    Study,
    StudyMolecule,
)


def study(session, key: str) -> Study:
    return session.scalars(select(Study).where(Study.key == key)).one()


def note(session, key: str) -> CurationNote:
    return session.scalars(select(CurationNote).where(CurationNote.key == key)).one()


def outcomes(session, key: str) -> dict[str, tuple[str, str | None]]:
    """measure -> (direction, note) of one study's outcomes (none of them here has a species)."""
    rows = session.execute(
        select(Outcome.measure, Outcome.direction, Outcome.note)
        .join(Study, Study.id == Outcome.study_id)
        .where(Study.key == key)
    ).all()
    return {measure: (direction, text) for measure, direction, text in rows}


def studies_with_outcome(session, measure: str) -> set[str]:
    return set(
        session.scalars(
            select(Study.key)
            .join(Outcome, Outcome.study_id == Study.id)
            .where(Outcome.measure == measure)
        )
    )


def molecules_of(session, key: str) -> dict[tuple[str, str], StudyMolecule]:
    links = study(session, key).molecules
    return {(link.molecule.key, link.role): link for link in links}


# --- 4. cargo the review does not say is carried -------------------------------------------

INFERRED = {
    ("fu_54", "miR-21a-3p"),
    ("gao_70", "miR-26a"),
    ("gao_110", "miR-210"),
    ("huang_71", "miR-199-5p"),
    ("liu_24", "miR-216a-5p"),
    ("ref94", "miR-23a-3p"),
    ("sun_72", "miR-431-3p"),
    ("xie_111", "miR-501-5p"),
    ("xiong_103", "miR-709"),
}


def test_inferred_cargo_is_marked_with_a_note(session):
    rows = session.execute(
        select(Study.key, Molecule.key, StudyMolecule.role, StudyMolecule.note)
        .join(Study, Study.id == StudyMolecule.study_id)
        .join(Molecule, Molecule.id == StudyMolecule.molecule_id)
        .where(StudyMolecule.inferred)
    ).all()
    assert {(s, m) for s, m, _, _ in rows} == INFERRED
    assert {role for _, _, role, _ in rows} == {"cargo"}
    assert all(text.startswith("Inferred: ") for *_, text in rows)
    # Cargo the review says is carried stays as it was.
    assert molecules_of(session, "liang_47")[("miR-146a-5p", "cargo")].inferred is False
    assert molecules_of(session, "kong_102")[("miR-2861", "cargo")].inferred is False


@pytest.mark.parametrize(("key", "molecule"), sorted(INFERRED))
def test_inferred_cargo_still_answers_the_cargo_filter(session, key, molecule):
    assert key in {r.key for r in queries.studies(session, cargo=molecule)}


def test_show_marks_inferred_cargo(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "show", "fu_54", "--format", "json"])
    assert result.exit_code == 0, result.output
    (detail,) = json.loads(result.output)
    (cargo,) = detail["cargo"]
    assert (cargo["molecule"], cargo["role"], cargo["inferred"]) == ("miR-21a-3p", "cargo", True)
    text = runner.invoke(main, ["--db", seeded_url, "show", "fu_54"])
    assert "miR-21a-3p (cargo, inferred)" in text.output
    stated = runner.invoke(main, ["--db", seeded_url, "show", "liang_47"])
    assert "miR-146a-5p (cargo)" in stated.output


def test_the_inferred_coding_is_a_curation_note(session):
    found = note(session, "study_molecules_inferred_cargo")
    assert found.kind == "coding_choice"
    assert all(key in found.problem for key, _ in INFERRED)
