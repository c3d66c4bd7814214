"""Reports for review writing, built on :mod:`exodb.queries`.

Each report is a :class:`Report`: a title, ordered columns with their headings, rows and
footnotes. :mod:`exodb.render` turns it into text, Markdown, LaTeX, CSV or JSON.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.names import vocabulary as v
from exodb.reports import postings as p
from exodb.reports.cache import kept
from exodb.schema.models import (
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
from exodb.storage.connection import plain_rows


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
    ordered = sorted(numbers if isinstance(numbers, set | frozenset) else set(numbers))
    # One byte per neighbouring pair, 1 where the two are consecutive: a run of three or more
    # numbers is then two or more 1-bytes in a row, which a regular expression finds in C. At
    # 100k studies a report cites 700k numbers; a loop over them in Python took a second.
    consecutive = bytes(map((1).__eq__, map(operator.sub, ordered[1:], ordered)))
    parts: list[str] = []
    done = 0
    for run in _RUN.finditer(consecutive):
        first, last = run.start(), run.end()
        if first > done:
            parts.append(_listed(ordered[done:first]))
        parts.append(f"{ordered[first]}–{ordered[last]}")
        done = last + 1
    if done < len(ordered):
        parts.append(_listed(ordered[done:]))
    return ", ".join(parts)


_RUN = re.compile(b"\x01{2,}")


def _listed(numbers: list[int]) -> str:
    # "1, 5, 9": a list's own repr formats its integers in C, faster than joining str()s.
    return repr(numbers)[1:-1]


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
    from exodb.schema.models import Disease

    return list(session.scalars(select(Disease)))


# --- cross-tabs ---------------------------------------------------------------------------------

ROW_DIMENSIONS = ("cell-source", "species", "cargo-kind")
COLUMN_DIMENSIONS = ("mechanism", "pathway-node")
CARGO_ROLES = ("cargo", "loaded")


def _names(session: Session, model: Any, column: str = "key") -> dict[int, Any]:
    """id -> ``column`` for a vocabulary table (a few thousand rows at most)."""
    return dict(plain_rows(session, select(model.id, getattr(model, column))))


def _named(lists: p.Postings, names: dict[int, Any]) -> p.Postings:
    # Posting lists are read by id, in the order of the link table's index, and named here:
    # grouping by a joined name column would make the database sort every link row.
    return p.merged({k: v for k, v in lists.items() if k is not None}, names)


def _source_postings(session: Session, ids: Any) -> p.Postings:
    lists = p.postings(session, select(Study.cell_source_id), Study.id, ids)
    return _named(lists, _names(session, CellSource))


def _molecule_postings(session: Session, ids: Any) -> p.Postings:
    """Molecule id -> the studies carrying it as cargo."""
    return p.postings(
        session,
        select(StudyMolecule.molecule_id).where(StudyMolecule.role.in_(CARGO_ROLES)),
        StudyMolecule.study_id,
        ids,
    )


def _pathway_postings(session: Session, ids: Any) -> p.Postings:
    """(pathway id, effect) -> the studies reporting that effect on the pathway."""
    return p.postings(
        session,
        select(StudyPathway.pathway_id, StudyPathway.effect),
        StudyPathway.study_id,
        ids,
    )


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
        lists = p.postings(session, select(StudyModel.species_id), StudyModel.study_id, ids)
        return _named(lists, _names(session, Species))
    if dimension == "cargo-kind":
        return _named(_molecule_postings(session, ids), _names(session, Molecule, "kind"))
    raise ValueError(f"rows must be one of {', '.join(ROW_DIMENSIONS)}")


def _column_postings(session: Session, dimension: str, ids: Any) -> p.Postings:
    if dimension == "mechanism":
        link = study_mechanism.c
        lists = p.postings(session, select(link.mechanism_id), link.study_id, ids)
        return _named(lists, _names(session, Mechanism))
    if dimension == "pathway-node":
        by_pathway = _by_pathway(_pathway_postings(session, ids))
        nodes = plain_rows(
            session,
            select(PathwayNode.pathway_id, Molecule.key).join(
                Molecule, Molecule.id == PathwayNode.molecule_id
            ),
        )
        lists: p.Postings = defaultdict(set)
        for pathway, node in nodes:
            if pathway in by_pathway:
                lists[node] |= by_pathway[pathway]
        return dict(lists)
    raise ValueError(f"cols must be one of {', '.join(COLUMN_DIMENSIONS)}")


def _reference_numbers(session: Session, ids: Any) -> dict[int, int]:
    """Study id -> the number of its reference, for the studies selected by ``ids`` that have
    a numbered reference."""
    stmt = (
        select(Study.id, Reference.number)
        .join(Reference, Reference.id == Study.reference_id)
        .where(queries.among(Study.id, ids), Reference.number.is_not(None))
    )
    return dict(plain_rows(session, stmt))


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


def _count(studies: set[int], reference_of: dict[int, int]) -> Count:
    return Count(len(studies), tuple(sorted(p.values_of(studies, reference_of))))


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


def _pathway_units(session: Session, chains: bool) -> dict[str, set[int]]:
    """Each convergence unit -> the pathways it belongs to. A unit is a node (a member also
    counts for its families), or with ``chains`` two consecutive nodes ("PI3K/Akt")."""
    from sqlalchemy.orm import aliased

    first = aliased(PathwayNode)
    node = aliased(Molecule)
    if chains:
        second = aliased(PathwayNode)
        second_node = aliased(Molecule)
        stmt = (
            select(first.pathway_id, node.key + "/" + second_node.key)
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
            select(first.pathway_id, node.key)
            .join(ancestry, ancestry.c.molecule_id == first.molecule_id)
            .join(node, node.id == ancestry.c.ancestor_id)
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
    molecule_names = _names(session, Molecule)
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


GAP_SPECIES = ("mouse", "rat", "monkey", "human")


def gaps(session: Session, **filters: Any) -> list[Report]:
    """The evidence gap map: what no study covers, as four small reports."""
    ids = queries.study_ids(session, **filters)
    profiled = [s.key for s in queries.cell_sources(session, profiled=True)]
    by_source = p.merged(_source_postings(session, ids), _profiled_ancestors(session))
    by_mechanism = _column_postings(session, "mechanism", ids)
    by_species = _row_postings(session, "species", ids, rollup=False)
    reference_of = _reference_numbers(session, ids)
    # A study in a species counts for every broader species too (macaque for monkey).
    species_tree = _species_ancestors(session)
    under: p.Postings = defaultdict(set)
    for key, studies in by_species.items():
        for broader in species_tree[key]:
            under[broader] |= studies
    sources = profiled + sorted((s for s in by_source if s not in profiled), key=str.casefold)

    missing_mechanisms = []
    missing_species = []
    primate_human = []
    for source in sources:
        studies = by_source.get(source, set())
        absent = [m for m in v.MECHANISM_KEYS if by_mechanism.get(m, set()).isdisjoint(studies)]
        missing_mechanisms.append(
            {"source": source, "studies": len(studies), "no_study_for": absent}
        )
        missing_species.append(
            {
                "source": source,
                "studies": len(studies),
                "no_study_in": [sp for sp in GAP_SPECIES if under[sp].isdisjoint(studies)],
            }
        )
        primate = studies & under["monkey"]
        human = studies & under["human"]
        if primate or human:
            primate_human.append(
                {
                    "source": source,
                    "primate": bool(primate),
                    "human": bool(human),
                    "refs": cite(p.values_of(primate | human, reference_of)),
                }
            )
    by_design = p.postings(session, select(Study.design), Study.id, ids)
    by_mechanism_design = []
    for mechanism in v.MECHANISM_KEYS:
        studies = by_mechanism.get(mechanism, set())
        counted = {d: len(studies & by_design.get(d, set())) for d in v.STUDY_DESIGNS}
        whole_organism = counted["in_vivo"] + counted["clinical"] + counted["mixed"]
        by_mechanism_design.append(
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
            by_mechanism_design,
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

    from exodb.schema.models import Base

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
