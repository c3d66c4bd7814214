"""Reports for review writing, built on :mod:`exodb.queries`.

Each report is a :class:`Report`: a title, ordered columns with their headings, rows and
footnotes. :mod:`exodb.render` turns it into text, Markdown, LaTeX, CSV or JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from exodb import queries
from exodb import vocabulary as v
from exodb.models import (
    CellSource,
    Mechanism,
    Molecule,
    Outcome,
    PathwayNode,
    Reference,
    Species,
    Study,
    StudyModel,
    StudyMolecule,
    StudyPathway,
    study_mechanism,
)
from exodb.reportcache import kept


@dataclass
class Report:
    title: str
    columns: list[str]
    headers: dict[str, str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    key: str = ""

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


@dataclass(frozen=True)
class Count:
    """One cell of a cross-tab: how many studies, and the reference numbers behind them."""

    count: int
    refs: tuple[int, ...]

    def __str__(self) -> str:
        if not self.count:
            return ""
        return f"{self.count} ({cite(self.refs)})" if self.refs else str(self.count)

    def as_json(self) -> dict[str, Any]:
        return {"count": self.count, "refs": list(self.refs)}


def cite(numbers: Any) -> str:
    """Reference numbers the way the review cites them: runs of three or more compressed.

    >>> cite([111, 155, 156, 157])
    '111, 155–157'
    >>> cite([5, 6])
    '5, 6'
    """
    ordered = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{ordered[i]}–{ordered[j]}")
        else:
            parts.extend(str(n) for n in ordered[i : j + 1])
        i = j + 1
    return ", ".join(parts)


def _words(code: str | None) -> str:
    return (code or "").replace("_", " ").capitalize()


def _with_note(code: str | None, note: str | None) -> str:
    label = _words(code)
    return f"{label}: {note}" if note else label


# --- the review's three tables ----------------------------------------------------------------


def table1_cell_sources(session: Session) -> Report:
    """Table 1 regenerated: the nine compared sources and their seven attributes."""
    rows = []
    for s in queries.cell_sources(session, profiled=True):
        abbreviation = f" ({s.abbreviation})" if s.abbreviation else ""
        rows.append(
            {
                "source": f"{s.name}{abbreviation} ({cite(s.refs)})",
                "main_functions": s.main_functions,
                "acquisition": _with_note(s.acquisition, s.acquisition_note),
                "expansion": _with_note(s.expansion, s.expansion_note),
                "immunogenicity": _with_note(s.immunogenicity, s.immunogenicity_note),
                "advantages": s.advantages,
                "limitations": s.limitations,
                "clinical_potential": _with_note(s.clinical_potential, s.clinical_potential_note),
            }
        )
    headers = {
        "source": "Cell source",
        "main_functions": "Main functions / research directions",
        "acquisition": "Source and acquisition difficulty",
        "expansion": "In vitro preparation and expansion",
        "immunogenicity": "Immunogenicity",
        "advantages": "Primary advantages",
        "limitations": "Main limitations",
        "clinical_potential": "Clinical translational potential",
    }
    return Report(
        "Table 1. Exosome cell sources compared",
        list(headers),
        headers,
        rows,
        notes=[
            "Ordinal grades (easy ... difficult, limited ... high, low ... high) are exodb's "
            "reading of the review's wording; the text after each grade paraphrases the table."
        ],
        key="cell-sources",
    )


def _numbered(groups: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{g['position']}. {g['group']}: {', '.join(i['key'] for i in g['items'])}" for g in groups
    )


def table2_mechanisms(session: Session) -> Report:
    """Table 2 regenerated: mechanisms, core functions, key molecules, pathways."""
    rows = []
    for m in queries.mechanisms(session):
        rows.append(
            {
                "mechanism": m.name,
                "functions": "; ".join(
                    f"{f['position']}. {f['name']}: {f['description']}" for f in m.function_details
                ),
                "molecules": _numbered(m.molecule_groups),
                "pathways": _numbered(m.pathway_groups),
            }
        )
    headers = {
        "mechanism": "Mechanism of action",
        "functions": "Core function",
        "molecules": "Key molecules / components",
        "pathways": "Signalling pathways",
    }
    return Report(
        "Table 2. Mechanisms of exosome therapy for spinal cord injury",
        list(headers),
        headers,
        rows,
        key="mechanisms",
    )


def table3_delivery_systems(session: Session) -> Report:
    """Table 3 regenerated: the seven nano-delivery systems."""
    diseases = {d.key: d.name for d in _diseases(session)}
    rows = [
        {
            "system": f"{d.name} ({cite(d.refs)})",
            "payloads": ", ".join(d.payloads),
            "indications": ", ".join(diseases[i] for i in d.indications),
            "advantages": d.advantages,
            "disadvantages": d.disadvantages,
        }
        for d in queries.delivery_systems(session)
    ]
    headers = {
        "system": "Nano-delivery system",
        "payloads": "Loaded drug types",
        "indications": "Therapeutic goal",
        "advantages": "Advantages",
        "disadvantages": "Disadvantages",
    }
    return Report(
        "Table 3. Exosome-based nano-delivery systems",
        list(headers),
        headers,
        rows,
        notes=[
            "Row 5's disadvantages repeat row 4's in the review (curation note "
            "t3_hydrogel_disadvantages_duplicated)."
        ],
        key="delivery-systems",
    )


def _diseases(session: Session) -> list[Any]:
    from exodb.models import Disease

    return list(session.scalars(select(Disease)))


# --- cross-tabs ---------------------------------------------------------------------------------

ROW_DIMENSIONS = ("cell-source", "species", "cargo-kind")
COLUMN_DIMENSIONS = ("mechanism", "pathway-node")


def _row_pairs(dimension: str, ids: Any, rollup: dict[str, str] | None = None) -> Any:
    # (study, row value, the study's reference): carrying the reference here spares the count a
    # second visit to every study row.
    if dimension == "cell-source":
        source = CellSource.key
        if rollup:
            source = case(rollup, value=CellSource.key, else_=CellSource.key)
        return (
            select(Study.id, source, Study.reference_id)
            .join(CellSource)
            .where(queries.among(Study.id, ids))
        )
    if dimension == "species":
        return (
            select(StudyModel.study_id, Species.key, Study.reference_id)
            .join(Species)
            .join(Study, Study.id == StudyModel.study_id)
            .where(queries.among(StudyModel.study_id, ids))
        )
    if dimension == "cargo-kind":
        return (
            select(StudyMolecule.study_id, Molecule.kind, Study.reference_id)
            .join(Molecule)
            .join(Study, Study.id == StudyMolecule.study_id)
            .where(
                queries.among(StudyMolecule.study_id, ids),
                StudyMolecule.role.in_(("cargo", "loaded")),
            )
        )
    raise ValueError(f"rows must be one of {', '.join(ROW_DIMENSIONS)}")


def _column_pairs(dimension: str, ids: Any) -> Any:
    if dimension == "mechanism":
        return (
            select(study_mechanism.c.study_id, Mechanism.key)
            .join(Mechanism)
            .where(queries.among(study_mechanism.c.study_id, ids))
        )
    if dimension == "pathway-node":
        return (
            select(StudyPathway.study_id, Molecule.key)
            .join(PathwayNode, PathwayNode.pathway_id == StudyPathway.pathway_id)
            .join(Molecule, Molecule.id == PathwayNode.molecule_id)
            .where(queries.among(StudyPathway.study_id, ids))
        )
    raise ValueError(f"cols must be one of {', '.join(COLUMN_DIMENSIONS)}")


def _refs(session: Session, ids: Any) -> dict[int, int | None]:
    """Study id -> reference number, for the studies selected by ``ids``."""
    stmt = (
        select(Study.id, Reference.number)
        .outerjoin(Reference, Study.reference_id == Reference.id)
        .where(queries.among(Study.id, ids))
    )
    return dict(session.execute(stmt).all())


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


def _distinct_list(column: Any, dialect: str) -> Any:
    """The distinct values of a group as a JSON array (keys may hold commas)."""
    if dialect == "postgresql":
        return func.json_agg(column.distinct())
    return func.json_group_array(column.distinct())


def _values(aggregated: Any) -> list[Any]:
    """A JSON array from _distinct_list as a Python list, without NULLs."""
    if aggregated is None:
        return []
    items = json.loads(aggregated) if isinstance(aggregated, str) else aggregated
    return [item for item in items if item is not None]


def _sorted_ints(aggregated: Any) -> tuple[int, ...]:
    # The database already removed duplicates (DISTINCT); only the order is left to do.
    return tuple(sorted(int(x) for x in _values(aggregated)))


def _split(aggregated: Any) -> set[str]:
    return set(_values(aggregated))


def _counted(session: Session, pairs: Any, group: list[Any]) -> dict[tuple, Count]:
    """For each group of ``pairs`` (a subquery with a study_id column, and a reference_id column
    where it has one): the number of distinct studies and their reference numbers, both computed
    by the database."""
    dialect = session.get_bind().dialect.name
    stmt = select(
        *group,
        func.count(pairs.c.study_id.distinct()),
        _distinct_list(Reference.number, dialect),
    ).select_from(pairs)
    if "reference_id" in pairs.c:
        stmt = stmt.outerjoin(Reference, Reference.id == pairs.c.reference_id)
    else:
        stmt = stmt.join(Study, Study.id == pairs.c.study_id).outerjoin(
            Reference, Reference.id == Study.reference_id
        )
    width = len(group)
    return {
        tuple(row[:width]): Count(row[width], _sorted_ints(row[width + 1]))
        for row in session.execute(stmt.group_by(*group))
    }


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
    Counting and listing references is done by the database, with GROUP BY. The result is kept
    until the data change (see :mod:`exodb.reportcache`); ``cache=False`` computes afresh.
    """
    ids = queries.study_ids(session, **filters)
    up = _profiled_ancestors(session) if rows == "cell-source" and rollup else None
    row_pairs = _row_pairs(rows, ids, up).subquery("row_pairs")
    col_pairs = _column_pairs(cols, ids).subquery("col_pairs")
    both = (
        select(
            row_pairs.c[0].label("study_id"),
            row_pairs.c[1].label("row_value"),
            col_pairs.c[1].label("col_value"),
            row_pairs.c[2].label("reference_id"),
        )
        .join(col_pairs, col_pairs.c[0] == row_pairs.c[0])
        .subquery("cells")
    )
    single = select(
        row_pairs.c[0].label("study_id"),
        row_pairs.c[1].label("row_value"),
        row_pairs.c[2].label("reference_id"),
    ).subquery("totals")
    cells = _counted(session, both, [both.c.row_value, both.c.col_value])
    totals = _counted(session, single, [single.c.row_value])
    if cols == "mechanism":
        col_values = [k for k in v.MECHANISM_KEYS if any(c == k for _, c in cells)]
    else:
        per_column = _counted(session, both, [both.c.col_value])
        col_values = sorted(
            (c for (c,) in per_column), key=lambda c: (-per_column[(c,)].count, c.casefold())
        )
    row_values = sorted((r for (r,) in totals), key=lambda r: (-totals[(r,)].count, r.casefold()))
    empty = Count(0, ())
    row_label = rows.replace("-", "_")
    table = []
    for r in row_values:
        entry: dict[str, Any] = {row_label: r, "studies": totals[(r,)]}
        for c in col_values:
            entry[c] = cells.get((r, c), empty)
        table.append(entry)
    columns = [row_label, "studies", *col_values]
    headers = {row_label: rows.replace("-", " "), "studies": "all studies"}
    title = f"Evidence matrix: {rows.replace('-', ' ')} by {cols.replace('-', ' ')}"
    active = {k: val for k, val in filters.items() if val not in (None, False)}
    notes = ["Each cell: number of studies (reference numbers)."]
    if active:
        notes.append("Filters: " + ", ".join(f"{k}={val}" for k, val in active.items()))
    return Report(title, columns, headers, table, notes=notes, key="evidence-matrix")


# --- convergence, gaps, outcomes -----------------------------------------------------------------


def molecule_ancestry() -> Any:
    """A recursive CTE (molecule_id, ancestor_id): each molecule with itself and every family
    above it, except the generic classes (``miRNA``) that would lump every miRNA together."""
    from sqlalchemy.orm import aliased

    up = select(Molecule.id.label("molecule_id"), Molecule.id.label("ancestor_id")).cte(
        "ancestry", recursive=True
    )
    parent = aliased(Molecule)
    step = (
        select(up.c.molecule_id, parent.id)
        .join(Molecule, Molecule.id == up.c.ancestor_id)
        .join(parent, parent.id == Molecule.parent_id)
        .where(parent.kind != "nucleic_acid")
    )
    return up.union_all(step)


@kept("convergence")
def convergence(session: Session, *, chains: bool = False, **filters: Any) -> Report:
    """For each pathway node (or two-node chain such as PI3K/Akt), the studies converging on it,
    from which sources, through which cargo, with which effect, most evidence first.

    A member counts for its family too (NF-κB p65 for NF-κB). The database does the counting;
    the result is kept until the data change, and ``cache=False`` computes afresh.
    """
    from sqlalchemy.orm import aliased

    dialect = session.get_bind().dialect.name
    ids = queries.study_ids(session, **filters)
    first = aliased(PathwayNode)
    node = aliased(Molecule)
    stmt = (
        select(StudyPathway.study_id.label("study_id"), StudyPathway.effect.label("effect"))
        .join(first, first.pathway_id == StudyPathway.pathway_id)
        .where(queries.among(StudyPathway.study_id, ids))
    )
    if chains:
        second = aliased(PathwayNode)
        second_node = aliased(Molecule)
        stmt = (
            stmt.add_columns((node.key + "/" + second_node.key).label("unit"))
            .join(node, node.id == first.molecule_id)
            .join(
                second,
                (second.pathway_id == first.pathway_id) & (second.position == first.position + 1),
            )
            .join(second_node, second_node.id == second.molecule_id)
        )
    else:
        ancestry = molecule_ancestry()
        stmt = (
            stmt.add_columns(node.key.label("unit"))
            .join(ancestry, ancestry.c.molecule_id == first.molecule_id)
            .join(node, node.id == ancestry.c.ancestor_id)
        )
    units = stmt.subquery("units")
    totals = _counted(session, units, [units.c.unit])
    effects: dict[str, list[str]] = defaultdict(list)
    for (unit, effect), count in sorted(
        _counted(session, units, [units.c.unit, units.c.effect]).items()
    ):
        effects[unit].append(f"{effect} {count.count}")
    sources = dict(
        session.execute(
            select(units.c.unit, _distinct_list(CellSource.key, dialect))
            .join(Study, Study.id == units.c.study_id)
            .join(CellSource, CellSource.id == Study.cell_source_id)
            .group_by(units.c.unit)
        ).all()
    )
    cargo = dict(
        session.execute(
            select(units.c.unit, _distinct_list(Molecule.key, dialect))
            .join(StudyMolecule, StudyMolecule.study_id == units.c.study_id)
            .join(Molecule, Molecule.id == StudyMolecule.molecule_id)
            .where(StudyMolecule.role.in_(("cargo", "loaded")))
            .group_by(units.c.unit)
        ).all()
    )
    rows = [
        {
            "node": unit,
            "studies": count.count,
            "sources": sorted(_split(sources.get(unit))),
            "cargo": sorted(_split(cargo.get(unit))),
            "effects": effects[unit],
            "refs": cite(count.refs),
        }
        for (unit,), count in totals.items()
    ]
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


GAP_SPECIES = ("mouse", "rat", "monkey", "human")


def gaps(session: Session, **filters: Any) -> list[Report]:
    """The evidence gap map: what no study covers, as four small reports."""
    ids = queries.study_ids(session, **filters)
    up = _profiled_ancestors(session)
    profiled = [s.key for s in queries.cell_sources(session, profiled=True)]
    source_of = {
        study: up.get(key, key)
        for study, key, _ in session.execute(_row_pairs("cell-source", ids)).all()
    }
    mechanisms_of: dict[int, set[str]] = defaultdict(set)
    for study, key in session.execute(_column_pairs("mechanism", ids)).all():
        mechanisms_of[study].add(key)
    refs = _refs(session, ids)
    species_tree = _species_ancestors(session)
    species_of: dict[int, set[str]] = defaultdict(set)
    for study, key, _ in session.execute(_row_pairs("species", ids)).all():
        species_of[study] |= species_tree[key]
    sources = profiled + sorted(
        {s for s in source_of.values() if s not in profiled}, key=str.casefold
    )

    missing_mechanisms = []
    missing_species = []
    primate_human = []
    for source in sources:
        studies = [s for s, src in source_of.items() if src == source]
        covered = set().union(*(mechanisms_of[s] for s in studies)) if studies else set()
        absent = [m for m in v.MECHANISM_KEYS if m not in covered]
        missing_mechanisms.append(
            {"source": source, "studies": len(studies), "no_study_for": absent}
        )
        seen = set().union(*(species_of[s] for s in studies)) if studies else set()
        missing_species.append(
            {
                "source": source,
                "studies": len(studies),
                "no_study_in": [sp for sp in GAP_SPECIES if sp not in seen],
            }
        )
        evidence = {s for s in studies if species_of[s] & {"monkey", "human"}}
        if evidence:
            primate_human.append(
                {
                    "source": source,
                    "primate": any("monkey" in species_of[s] for s in evidence),
                    "human": any("human" in species_of[s] for s in evidence),
                    "refs": cite(refs[s] for s in evidence if refs.get(s) is not None),
                }
            )
    designs = dict(
        session.execute(select(Study.id, Study.design).where(queries.among(Study.id, ids))).all()
    )
    by_mechanism = []
    for mechanism in v.MECHANISM_KEYS:
        studies = [s for s, ms in mechanisms_of.items() if mechanism in ms]
        counted = defaultdict(int)
        for s in studies:
            counted[designs[s]] += 1
        whole_organism = counted["in_vivo"] + counted["clinical"] + counted["mixed"]
        by_mechanism.append(
            {
                "mechanism": mechanism,
                "studies": len(studies),
                "in_vivo": counted["in_vivo"],
                "mixed": counted["mixed"],
                "clinical": counted["clinical"],
                "in_vitro": counted["in_vitro"],
                "not_stated": counted["not_stated"],
                "in_vitro_only": bool(studies) and whole_organism == 0,
            }
        )
    return [
        Report(
            "Sources x mechanisms with no study",
            ["source", "studies", "no_study_for"],
            {"no_study_for": "mechanisms without a study"},
            missing_mechanisms,
            notes=["Subtypes count under the Table 1 source above them."],
            key="gaps-mechanisms",
        ),
        Report(
            "Sources x species with no study",
            ["source", "studies", "no_study_in"],
            {"no_study_in": "species without a study"},
            missing_species,
            key="gaps-species",
        ),
        Report(
            "Sources with primate or human evidence",
            ["source", "primate", "human", "refs"],
            {},
            primate_human,
            key="gaps-primate-human",
        ),
        Report(
            "Mechanisms by study design",
            [
                "mechanism",
                "studies",
                "in_vivo",
                "mixed",
                "clinical",
                "in_vitro",
                "not_stated",
                "in_vitro_only",
            ],
            {"in_vitro_only": "in vitro only"},
            by_mechanism,
            key="gaps-designs",
        ),
    ]


def _species_ancestors(session: Session) -> dict[str, set[str]]:
    """Each species key -> itself and every broader species above it."""
    return _ancestors(session, Species)


def _ancestors(session: Session, model: Any) -> dict[str, set[str]]:
    rows = session.execute(select(model.id, model.key, model.parent_id)).all()
    by_id = {row_id: (key, parent_id) for row_id, key, parent_id in rows}
    result: dict[str, set[str]] = {}
    for key, parent_id in by_id.values():
        seen = {key}
        while parent_id is not None:
            parent_key, parent_id = by_id[parent_id]
            seen.add(parent_key)
        result[key] = seen
    return result


def outcomes(session: Session, **filters: Any) -> Report:
    """Every quantitative outcome: study, species, measure, value, unit, what it is relative to."""
    ids = queries.study_ids(session, **filters)
    stmt = (
        select(Study.key, Reference.number, Species.key, Outcome)
        .join(Study, Study.id == Outcome.study_id)
        .outerjoin(Reference, Study.reference_id == Reference.id)
        .outerjoin(Species, Species.id == Outcome.species_id)
        .where(Outcome.value.is_not(None), queries.among(Study.id, ids))
        .order_by(Reference.number, Study.key, Outcome.measure)
    )
    rows = [
        {
            "study": key,
            "ref": number,
            "species": species,
            "measure": o.measure,
            "value": o.value,
            "unit": o.unit,
            "relative_to": o.relative_to,
        }
        for key, number, species, o in session.execute(stmt)
    ]
    return Report(
        "Quantitative outcomes",
        ["study", "ref", "species", "measure", "value", "unit", "relative_to"],
        {"relative_to": "relative to"},
        rows,
        key="outcomes",
    )


def summary(session: Session) -> list[Report]:
    """One page for the whole database: counts, per mechanism, species and source, the trials
    and the curation notes."""
    import dataclasses

    from exodb.models import Base

    entity_tables = [
        ("studies", "study"),
        ("outcomes", "outcome"),
        ("cell sources", "cell_source"),
        ("molecules", "molecule"),
        ("pathways", "pathway"),
        ("mechanisms", "mechanism"),
        ("delivery systems", "delivery_system"),
        ("materials", "material"),
        ("clinical trials", "clinical_trial"),
        ("references cited", "reference"),
        ("references with a checked record", None),
        ("curation notes", "curation_note"),
    ]
    tables = Base.metadata.tables
    counts = []
    for label, table in entity_tables:
        if table is None:
            n = session.scalar(
                select(func.count(Reference.id)).where(Reference.check_status.is_not(None))
            )
        else:
            n = session.scalar(select(func.count()).select_from(tables[table]))
        counts.append({"entity": label, "rows": n})
    matrix = evidence_matrix(session, rows="cell-source", cols="mechanism", rollup=True)
    per_mechanism = []
    for m in queries.mechanisms(session):
        found = queries.study_keys(session, mechanism=m.key)
        refs = cite(ref for _, ref in found if ref is not None)
        per_mechanism.append({"mechanism": m.name, "studies": len(found), "refs": refs})
    species_matrix = evidence_matrix(session, rows="species", cols="mechanism")
    per_species = [
        {"species": r["species"], "studies": r["studies"].count, "refs": cite(r["studies"].refs)}
        for r in species_matrix.rows
    ]
    per_source = [
        {"source": r["cell_source"], "studies": r["studies"].count, "refs": cite(r["studies"].refs)}
        for r in matrix.rows
    ]
    trial_rows = [dataclasses.asdict(t) for t in queries.trials(session)]
    notes = [
        {"key": n.key, "kind": n.kind, "section": n.section, "review_text": n.review_text}
        for n in queries.curation_notes(session)
    ]
    return [
        Report(
            "exodb summary: what the database holds",
            ["entity", "rows"],
            {},
            counts,
            key="summary-counts",
        ),
        Report(
            "Studies per mechanism",
            ["mechanism", "studies", "refs"],
            {},
            per_mechanism,
            key="summary-mechanisms",
        ),
        Report(
            "Studies per species",
            ["species", "studies", "refs"],
            {},
            per_species,
            key="summary-species",
        ),
        Report(
            "Studies per cell source (subtypes under their Table 1 source)",
            ["source", "studies", "refs"],
            {},
            per_source,
            key="summary-sources",
        ),
        Report(
            "Clinical trials",
            ["registry_id", "phase", "source", "route", "population", "ref"],
            {},
            trial_rows,
            key="summary-trials",
        ),
        Report(
            "Curation notes",
            ["key", "kind", "section", "review_text"],
            {"review_text": "what the review says"},
            notes,
            key="summary-notes",
        ),
    ]
