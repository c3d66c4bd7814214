"""The records added to the bibliography in the second pass, each from a page that was seen
(references.csv, checked_at), and the contradiction one of them shows."""

from __future__ import annotations

from sqlalchemy import text


def _reference(session, number):
    return (
        session.execute(
            text(
                "SELECT first_author, year, title, journal, doi, check_status, checked_at "
                "FROM reference WHERE number = :n"
            ),
            {"n": number},
        )
        .mappings()
        .one()
    )


def test_kochan_79_is_the_preprint_that_was_seen(session):
    ref = _reference(session, 79)
    assert ref["doi"] == "10.1101/2023.05.11.540324"
    assert ref["year"] == 2023 and ref["journal"] is None
    assert ref["check_status"] == "confirmed"
    assert ref["checked_at"] == "https://ouci.dntb.gov.ua/works/l1wLW8y7"


def test_sullivan_86_and_what_its_title_says_against_the_review(session):
    ref = _reference(session, 86)
    assert ref["doi"] == "10.7554/elife.92757.2" and ref["journal"] == "eLife"
    assert ref["title"].startswith("Commissureless acts as a substrate adapter")
    note = session.execute(
        text("SELECT kind, problem FROM curation_note WHERE key = 's3_2_ref86_contradicts_source'")
    ).one()
    assert note.kind == "contradicts_source" and "Drosophila" in note.problem


def test_years_completed_where_a_page_gave_them(session):
    assert _reference(session, 126)["year"] == 2024
    assert _reference(session, 146)["year"] == 2024


def test_a_first_author_and_its_note_agree(session):
    rows = session.execute(
        text("SELECT number, first_author, note FROM reference WHERE first_author IS NOT NULL")
    ).all()
    assert rows
    for number, _, note in rows:
        assert "first_author left empty" not in (note or ""), number
    notes = dict((n, note) for n, _, note in rows)
    for number in (46, 74, 88, 124):  # the text names no author: the checked record's
        assert "first_author is the checked record's" in notes[number], number
    assert "first_author is the surname the passage names" in notes[55]
