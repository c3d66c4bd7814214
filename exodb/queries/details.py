"""One study in full (what ``exodb show`` prints as a card): every part, the lineage of its cell
source, its reference's bibliography and the curation notes about it."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Row, String, cast, literal, select
from sqlalchemy.orm import Session

from exodb.errors import UnknownName
from exodb.queries.arguments import MAX_REFERENCE_NUMBER, REFERENCE_NUMBER, check_type
from exodb.queries.arms import arms_of_studies, measurements_of_studies
from exodb.queries.filters import is_reference_number
from exodb.queries.identifiers import identifiers_by_key
from exodb.queries.records import StudyDetail
from exodb.queries.related import by_parent, chunks, parts_of_studies, studies_with_keys
from exodb.schema import tables as t

# The bibliographic fields of a reference, as a study's details give them.
BIBLIOGRAPHY = (
    "number",
    "first_author",
    "year",
    "title",
    "journal",
    "doi",
    "pmid",
    "check_status",
    "checked_at",
)


def study_details(session: Session, key_or_ref: str) -> list[StudyDetail]:
    """Everything about one study (by key), or about each study under a reference number.

    ``key_or_ref`` is a reference number when it is ASCII digits only; a number beyond any
    reference number (2**63 - 1) is an unknown study like any other. Curation notes about the
    study, or about its reference, come with it.
    """
    if isinstance(key_or_ref, int) and not isinstance(key_or_ref, bool):
        key_or_ref = str(key_or_ref)  # a reference number, as the text of one would be
    if key_or_ref is None:
        raise TypeError("key_or_ref must be a study key or a reference number, not None")
    check_type("key_or_ref", key_or_ref)  # a NUL is refused below, in this function's words
    text = key_or_ref.strip()
    if "\0" in text:
        raise ValueError("a study key or reference number must not contain a NUL character")
    found: list[Row] = []
    if REFERENCE_NUMBER.fullmatch(text):
        number = int(text)
        if number <= MAX_REFERENCE_NUMBER:
            found = _studies(session, is_reference_number(number))
    else:
        found = _studies(session, t.study.c.key == text)
    if not found:
        keys = session.scalars(select(t.study.c.key)).all()
        raise UnknownName("study", text, difflib.get_close_matches(text, keys, n=3, cutoff=0.5))
    return _details(session, found)


def study_details_by_id(session: Session, study_ids: list[int]) -> list[StudyDetail]:
    """Full details of the given studies, ordered by key."""
    return _details(session, _studies(session, t.study.c.id.in_(study_ids)))


def _studies(session: Session, condition: Any) -> list[Row]:
    """The studies that meet ``condition``, by key, each with its reference's bibliography and
    the keys of its section, cell source and route."""
    reference = t.reference
    stmt = (
        studies_with_keys(
            t.study.c.theme,
            t.study.c.doi,
            t.study.c.pmid,
            t.study.c.cell_source_id,
            reference.c.id.label("reference_id"),
            *(reference.c[f].label(f"reference_{f}") for f in BIBLIOGRAPHY),
        )
        .where(condition)
        .order_by(t.study.c.key)
    )
    return list(session.execute(stmt).all())


def _details(session: Session, found: list[Row]) -> list[StudyDetail]:
    ids = [s.id for s in found]
    parts = parts_of_studies(session, ids)
    notes = by_parent(session, _notes_statement(), t.study.c.id, ids)
    lineages = _lineages(session, [s.cell_source_id for s in found])
    arms, measurements = arms_of_studies(session, ids), measurements_of_studies(session, ids)
    details = [
        replace(
            _detail(
                s,
                {part: rows.get(s.id, []) for part, rows in parts.items()},
                lineages.get(s.cell_source_id, []),
                notes.get(s.id, []),
            ),
            doi=s.doi,
            pmid=s.pmid,
            arms=arms.get(s.id, []),
            measurements=measurements.get(s.id, []),
        )
        for s in found
    ]
    return _with_identifiers(session, details)


def _with_identifiers(session: Session, details: list[StudyDetail]) -> list[StudyDetail]:
    """Each study with the identifiers of what it names, read once per kind for all studies."""
    named = {
        "cell_source": lambda d: [d.cell_source] if d.cell_source else [],
        "species": lambda d: [m["species"] for m in d.models],
        "molecule": lambda d: (
            [c["molecule"] for c in d.cargo]
            + [x for i in d.interactions for x in (i["regulator"], i["target"])]
        ),
        "mechanism": lambda d: list(d.mechanisms),
    }
    found = {
        kind: identifiers_by_key(session, kind, (k for d in details for k in keys_of(d)))
        for kind, keys_of in named.items()
    }
    return [
        replace(
            d,
            identifiers={
                key: found[kind][key]
                for kind, keys_of in named.items()
                for key in dict.fromkeys(keys_of(d))
                if key in found.get(kind, {})
            },
        )
        for d in details
    ]


def _notes_statement() -> Any:
    """Each study's curation notes, by key: the notes about the study (``studies:KEY``), about
    its reference (``references:N``) or tied to that reference."""
    study, reference, note = t.study, t.reference, t.curation_note
    about = (
        (note.c.subject == literal("studies:") + study.c.key)
        | (note.c.subject == literal("references:") + cast(reference.c.number, String))
        | (note.c.reference_id == reference.c.id)
    )
    return (
        select(
            study.c.id, note.c.key, note.c.kind, note.c.review_text, note.c.problem, note.c.source
        )
        .select_from(study)
        .outerjoin(reference, reference.c.id == study.c.reference_id)
        .join(note, about)
        .order_by(note.c.key)
    )


def _lineages(session: Session, source_ids: Sequence[int | None]) -> dict[int, list[str]]:
    """The keys of each cell source and of the sources above it, nearest first."""
    source = t.cell_source
    wanted = sorted({i for i in source_ids if i is not None})
    above: dict[int, tuple[str, int | None]] = {}
    for chunk in chunks(wanted):
        up = (
            select(source.c.id, source.c.key, source.c.parent_id)
            .where(source.c.id.in_(chunk))
            .cte("up", recursive=True)
        )
        up = up.union(
            select(source.c.id, source.c.key, source.c.parent_id).join(
                up, source.c.id == up.c.parent_id
            )
        )
        above.update((i, (key, parent)) for i, key, parent in session.execute(select(up)))
    lineages = {}
    for start in wanted:
        keys: list[str] = []
        seen: set[int] = set()
        at: int | None = start
        while at is not None and at in above and at not in seen:
            seen.add(at)
            key, at = above[at]
            keys.append(key)
        lineages[start] = keys
    return lineages


def _detail(
    s: Row, parts: dict[str, list[Row]], lineage: list[str], notes: list[Row]
) -> StudyDetail:
    bibliography = None
    if s.reference_id is not None:
        bibliography = {f: getattr(s, f"reference_{f}") for f in BIBLIOGRAPHY}
    return StudyDetail(
        key=s.key,
        ref=s.reference_number,
        first_author=s.first_author,
        section=s.section,
        design=s.design,
        exosome_based=s.exosome_based,
        theme=s.theme,
        cell_source=s.cell_source,
        cell_source_lineage=lineage,
        route=s.route,
        summary=s.summary,
        cargo=[
            {"molecule": m.molecule, "role": m.role, "inferred": m.inferred, "note": m.note}
            for m in parts["molecules"]
        ],
        interactions=[
            {"regulator": i.regulator, "target": i.target, "effect": i.effect, "note": i.note}
            for i in parts["interactions"]
        ],
        pathways=[
            {"pathway": p.pathway, "effect": p.effect, "note": p.note} for p in parts["pathways"]
        ],
        mechanisms=[m.key for m in parts["mechanisms"]],
        models=[{"species": m.species, "model": m.model, "note": m.note} for m in parts["models"]],
        materials=[m.key for m in parts["materials"]],
        modifications=[
            {"kind": m.kind, "molecule": m.molecule, "note": m.note} for m in parts["modifications"]
        ],
        outcomes=[
            {
                "measure": o.measure,
                "direction": o.direction,
                "value": o.value,
                "unit": o.unit,
                "relative_to": o.relative_to,
                "species": o.species,
                "note": o.note,
            }
            for o in parts["outcomes"]
        ],
        reference=bibliography,
        curation_notes=[
            {
                "key": n.key,
                "kind": n.kind,
                "review_text": n.review_text,
                "problem": n.problem,
                "source": n.source,
            }
            for n in notes
        ],
    )
