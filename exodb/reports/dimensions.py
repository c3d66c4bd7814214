"""The dimensions the cross-tabs count over, each read as posting lists (value -> studies).

A row dimension (cell source, species, cargo kind) or a column dimension (mechanism, pathway
node) is read once, by id in the order of the link table's index, and named afterwards; see
:mod:`exodb.reports.postings` for why. The vocabularies' hierarchies (the Table 1 source above a
subtype, the broader species above a species) are read here too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.reports import postings as p
from exodb.reports.report import Count
from exodb.schema import tables as t
from exodb.storage.connection import plain_rows

ROW_DIMENSIONS = ("cell-source", "species", "cargo-kind")
COLUMN_DIMENSIONS = ("mechanism", "pathway-node")
CARGO_ROLES = ("cargo", "loaded")


def _names(session: Session, table: Table, column: str = "key") -> dict[int, Any]:
    """id -> ``column`` for a vocabulary table (a few thousand rows at most)."""
    return dict(plain_rows(session, select(table.c.id, table.c[column])))


def _named(lists: p.Postings, names: dict[int, Any]) -> p.Postings:
    # Posting lists are read by id, in the order of the link table's index, and named here:
    # grouping by a joined name column would make the database sort every link row.
    return p.merged({k: v for k, v in lists.items() if k is not None}, names)


def _source_postings(session: Session, ids: Any) -> p.Postings:
    study = t.study.c
    lists = p.postings(session, select(study.cell_source_id), study.id, ids)
    return _named(lists, _names(session, t.cell_source))


def _molecule_postings(session: Session, ids: Any) -> p.Postings:
    """Molecule id -> the studies carrying it as cargo."""
    link = t.study_molecule.c
    return p.postings(
        session, select(link.molecule_id).where(link.role.in_(CARGO_ROLES)), link.study_id, ids
    )


def _pathway_postings(session: Session, ids: Any) -> p.Postings:
    """(pathway id, effect) -> the studies reporting that effect on the pathway."""
    link = t.study_pathway.c
    return p.postings(session, select(link.pathway_id, link.effect), link.study_id, ids)


def _by_pathway(by_effect: p.Postings) -> p.Postings:
    result: p.Postings = defaultdict(set)
    for (pathway, _), studies in by_effect.items():
        result[pathway] |= studies
    return result


def _row_postings(session: Session, dimension: str, ids: Any, rollup: bool) -> p.Postings:
    if dimension == "cell-source":
        lists = _source_postings(session, ids)
        return p.merged(lists, _profiled_ancestors(session)) if rollup else lists
    if dimension == "species":
        link = t.study_model.c
        lists = p.postings(session, select(link.species_id), link.study_id, ids)
        return _named(lists, _names(session, t.species))
    if dimension == "cargo-kind":
        return _named(_molecule_postings(session, ids), _names(session, t.molecule, "kind"))
    raise ValueError(f"rows must be one of {', '.join(ROW_DIMENSIONS)}")


def _column_postings(session: Session, dimension: str, ids: Any) -> p.Postings:
    if dimension == "mechanism":
        link = t.study_mechanism.c
        lists = p.postings(session, select(link.mechanism_id), link.study_id, ids)
        return _named(lists, _names(session, t.mechanism))
    if dimension == "pathway-node":
        by_pathway = _by_pathway(_pathway_postings(session, ids))
        node, molecule = t.pathway_node.c, t.molecule.c
        nodes = plain_rows(
            session,
            select(node.pathway_id, molecule.key).join(t.molecule, molecule.id == node.molecule_id),
        )
        lists: p.Postings = defaultdict(set)
        for pathway, key in nodes:
            if pathway in by_pathway:
                lists[key] |= by_pathway[pathway]
        return dict(lists)
    raise ValueError(f"cols must be one of {', '.join(COLUMN_DIMENSIONS)}")


def _reference_numbers(session: Session, ids: Any) -> dict[int, int]:
    """Study id -> the number of its reference, for the studies selected by ``ids`` that have
    a numbered reference."""
    study, reference = t.study.c, t.reference.c
    stmt = (
        select(study.id, reference.number)
        .join(t.reference, reference.id == study.reference_id)
        .where(queries.among(study.id, ids), reference.number.is_not(None))
    )
    return dict(plain_rows(session, stmt))


def _count(studies: set[int], reference_of: dict[int, int]) -> Count:
    return Count(len(studies), tuple(sorted(p.values_of(studies, reference_of))))


# --- hierarchies ----------------------------------------------------------------------------------


def _profiled_ancestors(session: Session) -> dict[str, str]:
    """Each source -> its nearest ancestor that Table 1 profiles (itself if profiled)."""
    sources = {s.key: s for s in queries.cell_sources(session)}
    result = {}
    for key in sources:
        node: str | None = key
        while node is not None and sources[node].immunogenicity is None:
            node = sources[node].parent
        result[key] = node or key
    return result


def _species_ancestors(session: Session) -> dict[str, set[str]]:
    """Each species key -> itself and every broader species above it."""
    return _ancestors(session, t.species)


def _ancestors(session: Session, table: Table) -> dict[str, set[str]]:
    rows = session.execute(select(table.c.id, table.c.key, table.c.parent_id)).all()
    by_id = {row_id: (key, parent_id) for row_id, key, parent_id in rows}
    result: dict[str, set[str]] = {}
    for key, parent_id in by_id.values():
        seen = {key}
        while parent_id is not None:
            parent_key, parent_id = by_id[parent_id]
            seen.add(parent_key)
        result[key] = seen
    return result
