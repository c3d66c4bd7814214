"""Data tests that guard the curated studies: completeness, resolution, no ambiguity."""

from __future__ import annotations

import csv
import re
from collections import Counter

from sqlalchemy import func, select

from exodb.curation import seedspec
from exodb.io.resources import seeds_dir
from exodb.schema.models import (
    CurationNote,
    Molecule,
    Outcome,
    Reference,
    Study,
    molecule_name,
    study_mechanism,
)

from .conftest import REPO

REVIEW = REPO.parent / "shared" / "review"


def test_every_exosome_study_names_a_source(session):
    missing = session.scalars(
        select(Study.key).where(Study.exosome_based, Study.cell_source_id.is_(None))
    ).all()
    assert missing == [], "use cell_source=not_stated where the review names no source"


def test_every_study_has_a_mechanism_or_a_theme(session):
    with_mechanism = select(study_mechanism.c.study_id)
    orphans = session.scalars(
        select(Study.key).where(Study.id.not_in(with_mechanism), Study.theme.is_(None))
    ).all()
    assert orphans == []


def test_every_numeric_outcome_has_a_unit(session):
    assert (
        session.scalars(
            select(Outcome.id).where(Outcome.value.is_not(None), Outcome.unit.is_(None))
        ).all()
        == []
    )


def test_the_review_figures_are_numeric_outcomes(session):
    rows = session.execute(
        select(Study.key, Outcome.measure, Outcome.value, Outcome.unit).join(
            Study, Study.id == Outcome.study_id
        )
    ).all()
    figures = {(k, v, u) for k, _, v, u in rows if v is not None}
    assert figures == {
        ("huang_46", 67.0, "%"),
        ("huang_46", 8.0, "fold"),
        ("zhang_75", 2.1, "fold"),
        ("zhang_75", 40.0, "%"),
        ("cheng_77", 68.0, "%"),
        ("ref77_macaque", 58.0, "%"),
    }


def test_no_alias_names_two_molecules(session):
    counts = session.execute(
        select(molecule_name.c.folded, func.count(func.distinct(molecule_name.c.molecule_id)))
        .group_by(molecule_name.c.folded)
        .having(func.count(func.distinct(molecule_name.c.molecule_id)) > 1)
    ).all()
    assert counts == []


def test_every_mirna_name_parses(session):
    unparsed = session.scalars(
        select(Molecule.key).where(Molecule.kind == "mirna", Molecule.mirna_family.is_(None))
    ).all()
    assert unparsed == []


def test_study_count_is_in_the_expected_range(session):
    count = session.scalar(select(func.count(Study.id)))
    assert 50 <= count <= 70


def test_non_exosome_findings_are_marked(session):
    agents = dict(
        session.execute(
            select(Study.key, Study.exosome_based).where(
                Study.key.in_(["wei_56", "ding_57", "torabi_104", "yu_105", "fu_54"])
            )
        ).all()
    )
    assert agents == {
        "wei_56": False,
        "ding_57": False,
        "torabi_104": False,
        "yu_105": False,
        "fu_54": True,
    }


def _experiment_citations(text: str) -> set[int]:
    """Reference numbers cited in sentences of sections 2-5 that describe someone's experiment."""
    body = text[text.index("\n2 Exosomes") : text.index("6 The challenges")]
    body = body.replace("et al.", "et al")
    marker = re.compile(r"et al|'s team|another group|another study|animal experiment", re.I)
    numbers: set[int] = set()
    for sentence in re.split(r"(?<=[.])\s+", body):
        if not marker.search(sentence):
            continue
        for group in re.findall(r"\((\d[\d,–\- ]*)\)", sentence):
            for part in group.split(","):
                bounds = [int(x) for x in re.split(r"[–-]", part.strip()) if x]
                numbers.update(range(bounds[0], bounds[-1] + 1))
    return numbers


def test_every_cited_experiment_has_a_study_or_a_note(session):
    review = REVIEW / "review.txt"
    if not review.exists():
        import pytest

        pytest.skip("the review text is not beside this checkout")
    cited = _experiment_citations(review.read_text(encoding="utf-8"))
    assert len(cited) > 25
    with_study = set(
        session.scalars(select(Reference.number).join(Study, Study.reference_id == Reference.id))
    )
    explained = {
        int(s.split(":")[1])
        for s in session.scalars(
            select(CurationNote.subject).where(CurationNote.subject.like("references:%"))
        )
    }
    assert sorted(cited - with_study - explained) == []


def test_checked_references_carry_only_the_checked_fields(session):
    path = REVIEW / "references-checked.csv"
    if not path.exists():
        import pytest

        pytest.skip("the checked references are not beside this checkout")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    stored = {r.number: r for r in session.scalars(select(Reference))}
    for row in rows:
        ref = stored[int(row["ref_number"])]
        for field in ("year", "title", "journal", "doi", "pmid"):
            expected = row[field] or None
            actual = getattr(ref, field)
            if field == "year" and expected is None and actual is not None:
                # A year completed later names the page it was seen on.
                assert "Year seen on http" in (ref.note or ""), row
                continue
            assert (str(actual) if actual is not None else None) == expected, (row, field)
        assert ref.check_status == row["status"]
        assert ref.checked_at == row["checked_at"]
    checked = {int(r["ref_number"]) for r in rows}
    # Records confirmed since (the second bibliography pass) say where they were seen.
    later = [r for n, r in stored.items() if r.doi and n not in checked]
    assert sorted(r.number for r in later) == [79, 86]
    for ref in later:
        assert ref.check_status == "confirmed" and ref.checked_at.startswith("https://")


def test_listed_contradictions_are_notes_with_sources(session):
    notes = session.scalars(
        select(CurationNote).where(CurationNote.kind == "contradicts_source")
    ).all()
    by_ref = Counter()
    for note in notes:
        assert note.source and note.source.startswith("http")
        assert note.reference is not None
        by_ref[note.reference.number] += 1
    assert {146, 98, 110, 101, 103, 71, 46, 64} <= set(by_ref)


def test_seed_link_files_point_at_studies_that_exist():
    studies = {
        r["key"] for r in csv.DictReader((seeds_dir() / "studies.csv").open(encoding="utf-8"))
    }
    for seed in seedspec.SEED_FILES:
        if seed.name.startswith("study_") or seed.name == "outcomes":
            rows = csv.DictReader((seeds_dir() / seed.filename).open(encoding="utf-8"))
            assert {r["study"] for r in rows} <= studies, seed.filename
