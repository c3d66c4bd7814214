"""Listing studies: full rows of the studies that pass the filters (:func:`studies`) or of given
studies, and the light (key, reference number) listing for large databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from exodb.queries.filters import check_filters, study_ids
from exodb.queries.records import StudyOutcome, StudyRow
from exodb.queries.related import parts_of_studies, studies_with_keys
from exodb.schema import tables as t
from exodb.storage.connection import plain_rows


def studies(session: Session, **filters: Any) -> list[StudyRow]:
    """Primary studies the review describes; every filter given must hold (AND).

    - ``cell_source``: a source and its subtypes (``MSC`` finds UC-MSC and CD271+CD56+ BMSC).
    - ``cargo``: molecules carried or loaded; a miRNA family (``miR-21``) or any molecule name,
      with its members (``NF-kB``). ``target``: the target of a regulator -> target interaction.
    - ``pathway``: a node or a contiguous chain (``PI3K/Akt``) of the pathways a study reports.
    - ``molecule``: a molecule in any part of a study (cargo, loaded, co-administered drug,
      agent, regulator, target, modification), with its members as for ``cargo``.
    - ``mechanism``: a Table 2 category key. ``species``: a species and the species below it
      (``monkey`` finds rhesus monkeys and macaques). ``route``: by name, the study's own or
      that of any of its arms.
    - ``material``: by name or alias, or a category (``hydrogel`` finds every hydrogel).
    - ``modification``: a kind (``hypoxic_preconditioning``) or the molecule involved (``BDNF``).
    - ``has_outcome``: words in an outcome's measure; ``quantitative``: a numeric outcome.
    - ``exosome_based``: False keeps the non-exosome findings the review proposes to combine.
    - ``design``: in_vivo, in_vitro, clinical, mixed, not_stated. ``ref``: a reference number.
    - On extracted studies: ``injury_model`` (contusion, compression, ...); ``scale``, a
      measurement on that outcome scale (key, name or alias: ``BBB``); ``timepoint``, a
      measurement at that many days after injury (with ``scale``: the same measurement);
      ``separation``, an EV preparation separated by that method (``sec``, ``UC``).

    Unknown names raise :class:`UnknownName` with the closest known names; a ``ref`` outside
    1 to 2**63 - 1, or a NUL character in any text, raises :class:`ValueError`.

    >>> [s.ref for s in studies(session, cargo="miR-21")]               # doctest: +SKIP
    [54, 129]
    """
    check_filters("studies", filters)
    # The filters' WHERE clauses go straight onto the rows' SELECT, as in study_keys.
    return _study_rows(session, study_ids(session, **filters).whereclause)


def _by_reference(session: Session) -> tuple[Any, ...]:
    """ORDER BY reference number, studies without one last, then key.

    NULLS LAST is one sort key instead of two ("number IS NULL", number): a few milliseconds on
    a listing of 20k studies. SQLite understands it from 3.30 on; older ones get the two keys.
    """
    number, key = t.reference.c.number, t.study.c.key
    dialect = session.get_bind().dialect
    if dialect.name != "sqlite" or dialect.dbapi.sqlite_version_info >= (3, 30):
        return (number.asc().nulls_last(), key)
    return (number.is_(None), number, key)


def study_keys(session: Session, **filters: Any) -> list[tuple[str, int | None]]:
    """(key, reference number) of every study passing ``filters``, by reference then key.

    The light twin of :func:`studies` for large databases: one query, no per-study objects.
    """
    check_filters("study_keys", filters)
    # The filters' WHERE clauses go straight onto this SELECT: no extra level of nesting.
    conditions = study_ids(session, **filters).whereclause
    study, reference = t.study, t.reference
    stmt = (
        select(study.c.key, reference.c.number)
        .outerjoin(reference, reference.c.id == study.c.reference_id)
        .order_by(*_by_reference(session))
    )
    if conditions is not None:
        stmt = stmt.where(conditions)
    return plain_rows(session, stmt)


def study_rows(session: Session, study_ids: list[int]) -> list[StudyRow]:
    """Full rows for the given studies, ordered by reference number, then key."""
    if not study_ids:
        return []
    return _study_rows(session, t.study.c.id.in_(study_ids))


def _study_rows(session: Session, condition: Any) -> list[StudyRow]:
    """Full rows of the studies that meet ``condition`` (None: every study), by reference
    number, then key: one statement for the studies, then one per part for every 500."""
    study, reference = t.study, t.reference
    stmt = studies_with_keys(reference.c.number).order_by(
        reference.c.number.is_(None), reference.c.number, study.c.key
    )
    if condition is not None:
        stmt = stmt.where(condition)
    found = session.execute(stmt).all()
    parts = parts_of_studies(session, [s.id for s in found])
    return [_row(s, {part: rows.get(s.id, []) for part, rows in parts.items()}) for s in found]


def _row(s: Row, parts: dict[str, list[Row]]) -> StudyRow:
    molecules = parts["molecules"]
    return StudyRow(
        key=s.key,
        ref=s.number,
        first_author=s.first_author,
        cell_source=s.cell_source,
        cargo=[m.molecule for m in molecules if m.role in ("cargo", "loaded")],
        co_administered=[m.molecule for m in molecules if m.role == "co_administered"],
        agents=[m.molecule for m in molecules if m.role == "agent"],
        targets=[i.target for i in parts["interactions"]],
        pathways=[p.pathway for p in parts["pathways"]],
        mechanisms=[m.key for m in parts["mechanisms"]],
        species=[m.species for m in parts["models"]],
        route=s.route,
        materials=[m.key for m in parts["materials"]],
        modifications=[m.kind for m in parts["modifications"]],
        outcomes=[StudyOutcome.of(o) for o in parts["outcomes"]],
        section=s.section,
        design=s.design,
        exosome_based=s.exosome_based,
        summary=s.summary,
    )
