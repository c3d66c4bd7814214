"""The cross-tab reports: the evidence matrix (studies by two dimensions, with the references
behind each cell) and the convergence report (studies converging on each pathway node or chain).

Both count with posting lists (:mod:`exodb.reports.dimensions`, :mod:`exodb.reports.postings`)
and are kept until the data change (:mod:`exodb.reports.cache`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.names import vocabulary as v
from exodb.queries.filters import given_filters
from exodb.reports import postings as p
from exodb.reports.cache import kept
from exodb.reports.dimensions import (
    COLUMN_DIMENSIONS,
    ROW_DIMENSIONS,
    _by_pathway,
    _column_postings,
    _count,
    _molecule_postings,
    _names,
    _pathway_postings,
    _reference_numbers,
    _row_postings,
    _source_postings,
)
from exodb.reports.report import Count, Report, cite
from exodb.schema import tables as t
from exodb.storage.connection import plain_rows


@kept("evidence-matrix")
def evidence_matrix(
    session: Session,
    *,
    rows: str = "cell-source",
    cols: str = "mechanism",
    rollup: bool = False,
    **filters: Any,
) -> Report:
    """A cross-tab of study counts, with the reference numbers behind each cell.

    ``rows``: cell-source, species or cargo-kind; ``cols``: mechanism or pathway-node.
    ``rollup`` counts each source under the Table 1 source above it (CD271+CD56+ BMSC under
    BMSC, M2 macrophage under macrophage). ``filters`` are those of :func:`queries.studies`.
    Each dimension is read once as posting lists (:mod:`exodb.reports.postings`) and each cell
    is the intersection of a row's and a column's studies. The result is kept until the data change
    (see :mod:`exodb.reports.cache`); ``cache=False`` computes afresh.
    """
    if rows not in ROW_DIMENSIONS:
        raise ValueError(f"rows must be one of {', '.join(ROW_DIMENSIONS)}")
    if cols not in COLUMN_DIMENSIONS:
        raise ValueError(f"cols must be one of {', '.join(COLUMN_DIMENSIONS)}")
    ids = queries.study_ids(session, **filters)
    by_row = _row_postings(session, rows, ids, rollup)
    by_column = _column_postings(session, cols, ids)
    reference_of = _reference_numbers(session, ids)
    cells = {}
    for r, row_studies in by_row.items():
        for c, column_studies in by_column.items():
            both = row_studies & column_studies
            if both:
                cells[r, c] = _count(both, reference_of)
    if cols == "mechanism":
        col_values = [k for k in v.MECHANISM_KEYS if any(c == k for _, c in cells)]
    else:
        # A column's weight: its studies that also have a row value (they are the ones shown).
        with_row = p.union(by_row.values())
        weight = {c: len(s & with_row) for c, s in by_column.items()}
        col_values = sorted({c for _, c in cells}, key=lambda c: (-weight[c], c.casefold()))
    row_values = sorted(by_row, key=lambda r: (-len(by_row[r]), r.casefold()))
    empty = Count(0, ())
    row_label = rows.replace("-", "_")
    table = []
    for r in row_values:
        entry: dict[str, Any] = {row_label: r, "studies": _count(by_row[r], reference_of)}
        for c in col_values:
            entry[c] = cells.get((r, c), empty)
        table.append(entry)
    columns = [row_label, "studies", *col_values]
    headers = {row_label: rows.replace("-", " "), "studies": "all studies"}
    title = f"Evidence matrix: {rows.replace('-', ' ')} by {cols.replace('-', ' ')}"
    active = given_filters(filters)
    notes = ["Each cell: number of studies (reference numbers)."]
    if active:
        notes.append("Filters: " + ", ".join(f"{k}={val}" for k, val in active.items()))
    return Report(title, columns, headers, table, notes=notes, key="evidence-matrix")


# --- convergence ----------------------------------------------------------------------------------


def molecule_ancestry() -> Any:
    """A recursive CTE (molecule_id, ancestor_id): each molecule with itself and every family
    above it, except the generic classes (``miRNA``) that would lump every miRNA together."""
    molecule = t.molecule
    up = select(molecule.c.id.label("molecule_id"), molecule.c.id.label("ancestor_id")).cte(
        "ancestry", recursive=True
    )
    parent = molecule.alias()
    step = (
        select(up.c.molecule_id, parent.c.id)
        .join(molecule, molecule.c.id == up.c.ancestor_id)
        .join(parent, parent.c.id == molecule.c.parent_id)
        .where(parent.c.kind != "nucleic_acid")
    )
    return up.union_all(step)


def _pathway_units(session: Session, chains: bool) -> dict[str, set[int]]:
    """Each convergence unit -> the pathways it belongs to. A unit is a node (a member also
    counts for its families), or with ``chains`` two consecutive nodes ("PI3K/Akt")."""
    first = t.pathway_node.alias()
    node = t.molecule.alias()
    if chains:
        second = t.pathway_node.alias()
        second_node = t.molecule.alias()
        stmt = (
            select(first.c.pathway_id, node.c.key + "/" + second_node.c.key)
            .join(node, node.c.id == first.c.molecule_id)
            .join(
                second,
                (second.c.pathway_id == first.c.pathway_id)
                & (second.c.position == first.c.position + 1),
            )
            .join(second_node, second_node.c.id == second.c.molecule_id)
        )
    else:
        ancestry = molecule_ancestry()
        stmt = (
            select(first.c.pathway_id, node.c.key)
            .join(ancestry, ancestry.c.molecule_id == first.c.molecule_id)
            .join(node, node.c.id == ancestry.c.ancestor_id)
        )
    units: dict[str, set[int]] = defaultdict(set)
    for pathway, unit in plain_rows(session, stmt):
        units[unit].add(pathway)
    return units


@kept("convergence")
def convergence(session: Session, *, chains: bool = False, **filters: Any) -> Report:
    """For each pathway node (or two-node chain such as PI3K/Akt), the studies converging on it,
    from which sources, through which cargo, with which effect, most evidence first.

    A member counts for its family too (NF-κB p65 for NF-κB). A unit is a set of pathways, so
    everything is first gathered per pathway, from posting lists
    (:mod:`exodb.reports.postings`), and each unit then joins the sets of its pathways. The
    result is kept until the data change, and ``cache=False`` computes afresh.
    """
    ids = queries.study_ids(session, **filters)
    by_effect = _pathway_postings(session, ids)
    by_pathway = _by_pathway(by_effect)
    effects = sorted({effect for _, effect in by_effect})
    reference_of = _reference_numbers(session, ids)
    source_of = p.inverted(_source_postings(session, ids))
    molecule_names = _names(session, t.molecule)
    cargo_of = p.layered(
        {molecule_names[m]: s for m, s in _molecule_postings(session, ids).items()}
    )
    # Per pathway first: a pathway belongs to several units (each node and its families).
    refs = {k: p.values_of(s, reference_of) for k, s in by_pathway.items()}
    sources = {k: p.values_of(s, source_of) for k, s in by_pathway.items()}
    cargo = {k: p.all_values_of(s, cargo_of) for k, s in by_pathway.items()}
    rows = []
    for unit, pathways in _pathway_units(session, chains).items():
        present = [k for k in pathways if k in by_pathway]
        if not present:
            continue
        counted = []
        for effect in effects:
            n = len(p.union(by_effect.get((k, effect), set()) for k in present))
            if n:
                counted.append(f"{effect} {n}")
        rows.append(
            {
                "node": unit,
                "studies": len(p.union(by_pathway[k] for k in present)),
                "sources": sorted(p.union(sources[k] for k in present)),
                "cargo": sorted(p.union(cargo[k] for k in present)),
                "effects": counted,
                "refs": cite(p.union(refs[k] for k in present)),
            }
        )
    rows.sort(key=lambda r: (-r["studies"], r["node"].casefold()))
    label = "chain" if chains else "node"
    headers = {"node": f"pathway {label}", "studies": "studies"}
    return Report(
        f"Convergence on pathway {label}s",
        ["node", "studies", "sources", "cargo", "effects", "refs"],
        headers,
        rows,
        notes=["Effects count studies by the effect they report on the whole axis."],
        key="convergence",
    )
