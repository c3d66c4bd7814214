"""The library API: typed query functions over a Session, returning plain dataclasses.

Every CLI listing is one of these functions; nothing here prints or formats.

>>> import exodb
>>> from exodb import queries
>>> with exodb.connect() as session:                                    # doctest: +SKIP
...     [d.key for d in queries.delivery_systems(session, indication="glioma")]
['exosome_polymer_nanoparticle', 'exosome_inorganic_nanoparticle', ...]
"""

from __future__ import annotations

import difflib
import functools
import inspect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Select,
    Table,
    bindparam,
    case,
    func,
    literal,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.sql import visitors

from exodb.errors import UnknownName
from exodb.names import vocabulary as v
from exodb.names.mirna import MirnaName
from exodb.names.mirna import names_in as mirna_names
from exodb.names.vocabulary import fold
from exodb.schema.models import (
    CellSource,
    CellSourceProfile,
    ClinicalTrial,
    CurationNote,
    DeliverySystem,
    Disease,
    Epidemiology,
    ExosomeComponent,
    Material,
    Mechanism,
    MechanismMolecule,
    MechanismPathway,
    Molecule,
    Outcome,
    Pathway,
    PathwayNode,
    Reference,
    Route,
    Section,
    Species,
    Study,
    StudyInteraction,
    StudyModel,
    StudyModification,
    StudyMolecule,
    StudyPathway,
    cell_source_name,
    delivery_system_indication,
    material_name,
    molecule_name,
    study_material,
    study_mechanism,
)
from exodb.storage.connection import plain_rows

# --- result types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellSourceRow:
    key: str
    name: str
    abbreviation: str | None
    parent: str | None
    category: str
    immunogenicity: str | None = None
    clinical_potential: str | None = None
    acquisition: str | None = None
    expansion: str | None = None
    refs: list[int] = field(default_factory=list)
    main_functions: str | None = None
    advantages: str | None = None
    limitations: str | None = None
    aliases: list[str] = field(default_factory=list)
    acquisition_note: str | None = None
    expansion_note: str | None = None
    immunogenicity_note: str | None = None
    clinical_potential_note: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class DeliverySystemRow:
    key: str
    name: str
    payloads: list[str]
    indications: list[str]
    advantages: str
    disadvantages: str
    refs: list[int]


@dataclass(frozen=True)
class TrialRow:
    registry_id: str
    registry: str
    phase: str
    source: str
    route: str | None
    population: str
    summary: str
    ref: int


@dataclass(frozen=True)
class MechanismRow:
    key: str
    name: str
    functions: list[str]
    molecules: list[str]
    pathways: list[str]
    section: str
    function_details: list[dict[str, Any]] = field(default_factory=list)
    molecule_groups: list[dict[str, Any]] = field(default_factory=list)
    pathway_groups: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class MoleculeRow:
    key: str
    kind: str
    full_name: str | None
    parent: str | None
    aliases: list[str]
    studies: int


@dataclass(frozen=True)
class PathwayRow:
    key: str
    nodes: list[str]
    studies: int


@dataclass(frozen=True)
class StudyOutcome:
    """One outcome of a study: a table cell shows its measure, JSON every field."""

    measure: str
    direction: str
    value: float | None
    unit: str | None
    relative_to: str | None
    species: str | None

    @classmethod
    def of(cls, outcome: Outcome) -> StudyOutcome:
        species = outcome.species.key if outcome.species else None
        columns = ("measure", "direction", "value", "unit", "relative_to")
        return cls(**{c: getattr(outcome, c) for c in columns}, species=species)

    def __str__(self) -> str:
        return self.measure

    def as_json(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True)
class StudyRow:
    key: str
    ref: int | None
    first_author: str | None
    cell_source: str | None
    cargo: list[str]
    # Molecules given beside the exosomes (methylprednisolone in one patch), and those studied
    # without exosomes (the findings proposed for combination).
    co_administered: list[str]
    agents: list[str]
    targets: list[str]
    pathways: list[str]
    mechanisms: list[str]
    species: list[str]
    route: str | None
    materials: list[str]
    modifications: list[str]
    outcomes: list[StudyOutcome]
    section: str
    design: str
    exosome_based: bool
    summary: str


@dataclass(frozen=True)
class CurationNoteRow:
    key: str
    kind: str
    section: str
    subject: str | None
    review_text: str
    problem: str
    source: str | None
    ref: int | None


@dataclass(frozen=True)
class ComponentRow:
    molecule: str
    component_class: str
    group: str | None
    is_marker: bool
    refs: list[int]


@dataclass(frozen=True)
class EpidemiologyRow:
    key: str
    measure: str
    condition: str
    value: float | None
    unit: str | None
    region: str | None
    note: str | None
    refs: list[int]


# --- name look-up and hierarchies ---------------------------------------------------------------


def _unknown(session: Session, names: Table, owner: Any, kind: str, text: str) -> UnknownName:
    """The error for a name that matches nothing, with the closest known keys."""
    folded = fold(text)
    owner_col = names.c[f"{owner.__tablename__}_id"]
    known = session.execute(select(names.c.folded, owner.key).join(owner, owner.id == owner_col))
    key_of = dict(known.all())
    close = difflib.get_close_matches(folded, list(key_of), n=6, cutoff=0.6)
    return UnknownName(kind, text, list(dict.fromkeys(key_of[c] for c in close))[:3])


def _resolve(session: Session, names: Table, owner: Any, kind: str, text: str) -> list[int]:
    """Ids of the ``owner`` rows that ``text`` names; on no match, suggest the closest keys."""
    roots = _name_roots(names, owner.__table__)
    ids = session.scalars(roots, {"folded": fold(text)}).all()
    if ids:
        return list(ids)
    raise _unknown(session, names, owner, kind, text)


def resolve_cell_source(session: Session, text: str) -> int:
    """The id of the cell source a user's name means (key, name, abbreviation or alias)."""
    check_arguments(text=text)
    return _resolve(session, cell_source_name, CellSource, "cell source", text)[0]


def resolve_molecule(session: Session, text: str) -> int:
    """The id of the molecule a user's name means (key, full name or alias, folded)."""
    check_arguments(text=text)
    return _resolve(session, molecule_name, Molecule, "molecule", text)[0]


# Beyond this many ids, a subtree stays in the database as a subquery instead of travelling as
# a list of bound parameters (SQLite allows 32766 per statement, PostgreSQL 65535).
MAX_LISTED_IDS = 500
_tree_names = itertools.count(1)


def _subtree(table: Table, roots: Select, name: str) -> Select:
    """``roots`` and every row below them in ``table``'s parent hierarchy, as a SELECT of ids."""
    tree = roots.cte(name, recursive=True)
    tree = tree.union_all(select(table.c.id).where(table.c.parent_id == tree.c.id))
    return select(tree.c.id).distinct()


def _with_descendants(
    session: Session,
    table: Table,
    roots: Select,
    parameters: dict[str, Any],
    unknown: Callable[[], Exception],
) -> list[int] | Select:
    """The ids ``roots`` selects with its bound ``parameters``, and every row below them in
    ``table``'s parent hierarchy.

    One round trip; the caller's query then filters on a plain list of ids, which is simpler
    for the database to plan than a recursive CTE inside it. A large subtree comes back as the
    subquery itself, which ``column.in_()`` accepts too. No ids at all raises ``unknown()``.
    """
    ids = list(session.connection().execute(_lookup(table, roots), parameters).scalars())
    if not ids:
        raise unknown()
    if len(ids) <= MAX_LISTED_IDS:
        return ids

    # One statement may hold several subtrees (a chain's nodes, cargo and source): unique names
    # for the subtree and for its parameters, with their values bound in.
    def bound(element: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in parameters:
            return bindparam(element.key, parameters[element.key], unique=True)
        return None

    roots = visitors.replacement_traverse(roots, {}, bound)
    return _subtree(table, roots, f"{table.name}_tree_{next(_tree_names)}")


# Look-up statements are built once per kind of name (``roots`` are cached too) and take the
# name as a bound parameter: building a recursive CTE costs about as much as running it.
@functools.cache
def _lookup(table: Table, roots: Select) -> Select:
    return _subtree(table, roots, "tree")


@functools.cache
def _name_roots(names: Table, owner: Table) -> Select:
    """The rows of ``owner`` whose key, name or alias, folded, is the parameter ``folded``."""
    return select(names.c[f"{owner.name}_id"].label("id")).where(
        names.c.folded == bindparam("folded")
    )


def _named_subtree(
    session: Session, names: Table, owner: Any, kind: str, text: str
) -> list[int] | Select:
    """The rows ``text`` names (key, name or alias, folded) with every row below them."""
    return _with_descendants(
        session,
        owner.__table__,
        _name_roots(names, owner.__table__),
        {"folded": fold(text)},
        lambda: _unknown(session, names, owner, kind, text),
    )


def cell_source_subtree(session: Session, text: str) -> list[int] | Select:
    """Ids of the named source and all its descendants (``MSC`` -> UC-MSC, AD-MSC, BMSC, ...)."""
    check_arguments(text=text)
    return _named_subtree(session, cell_source_name, CellSource, "cell source", text)


def _rank(column: Any, ordinal: str) -> Any:
    values = v.ORDINALS[ordinal]
    return case({value: i for i, value in enumerate(values)}, value=column)


def _check(ordinal: str, value: str | None) -> None:
    if value is not None and value not in v.ORDINALS[ordinal]:
        raise ValueError(f"{ordinal} must be one of {', '.join(v.ORDINALS[ordinal])}")


# --- cell sources (Table 1) -------------------------------------------------------------------


def cell_sources(
    session: Session,
    *,
    immunogenicity: str | None = None,
    max_immunogenicity: str | None = None,
    clinical_potential: str | None = None,
    min_clinical_potential: str | None = None,
    max_acquisition: str | None = None,
    min_expansion: str | None = None,
    category: str | None = None,
    within: str | None = None,
    profiled: bool = False,
) -> list[CellSourceRow]:
    """Exosome cell sources, with their Table 1 profile where the review compares them.

    Ordinal filters compare by rank: ``max_immunogenicity="moderate"`` keeps low and moderate;
    ``min_clinical_potential="relatively_high"`` keeps relatively high and high. Any profile
    filter (or ``profiled=True``) restricts the list to Table 1's nine sources. ``within``
    keeps a source and its descendants (``within="MSC"``).

    >>> rows = cell_sources(session, immunogenicity="low",                # doctest: +SKIP
    ...                     min_clinical_potential="relatively_high")
    """
    check_arguments(
        immunogenicity=immunogenicity,
        max_immunogenicity=max_immunogenicity,
        clinical_potential=clinical_potential,
        min_clinical_potential=min_clinical_potential,
        max_acquisition=max_acquisition,
        min_expansion=min_expansion,
        category=category,
        within=within,
        profiled=profiled,
    )
    for ordinal, value in (
        ("immunogenicity", immunogenicity),
        ("immunogenicity", max_immunogenicity),
        ("clinical_potential", clinical_potential),
        ("clinical_potential", min_clinical_potential),
        ("acquisition", max_acquisition),
        ("expansion", min_expansion),
    ):
        _check(ordinal, value)
    parent = aliased(CellSource)
    profile = CellSourceProfile
    stmt: Select = (
        select(CellSource, parent.key, profile)
        .outerjoin(parent, CellSource.parent_id == parent.id)
        .outerjoin(profile, profile.cell_source_id == CellSource.id)
        .options(selectinload(profile.refs))
    )
    profile_filters = [
        (immunogenicity, profile.immunogenicity == immunogenicity),
        (clinical_potential, profile.clinical_potential == clinical_potential),
        (
            max_immunogenicity,
            _rank(profile.immunogenicity, "immunogenicity")
            <= v.rank("immunogenicity", max_immunogenicity or "low"),
        ),
        (
            min_clinical_potential,
            _rank(profile.clinical_potential, "clinical_potential")
            >= v.rank("clinical_potential", min_clinical_potential or "moderate"),
        ),
        (
            max_acquisition,
            _rank(profile.acquisition, "acquisition")
            <= v.rank("acquisition", max_acquisition or "easy"),
        ),
        (
            min_expansion,
            _rank(profile.expansion, "expansion") >= v.rank("expansion", min_expansion or "high"),
        ),
    ]
    for value, condition in profile_filters:
        if value is not None:
            stmt = stmt.where(condition)
    if profiled:
        stmt = stmt.where(profile.id.is_not(None))
    if category is not None:
        stmt = stmt.where(CellSource.category == category)
    if within is not None:
        stmt = stmt.where(CellSource.id.in_(cell_source_subtree(session, within)))
    stmt = stmt.order_by(profile.position.is_(None), profile.position, CellSource.key)
    aliases = _aliases(session, cell_source_name, "cell_source_id")
    rows = []
    for source, parent_key, prof in session.execute(stmt).all():
        extra: dict[str, Any] = {}
        if prof is not None:
            extra = {
                "immunogenicity": prof.immunogenicity,
                "clinical_potential": prof.clinical_potential,
                "acquisition": prof.acquisition,
                "expansion": prof.expansion,
                "refs": [r.number for r in prof.refs],
                "main_functions": prof.main_functions,
                "advantages": prof.advantages,
                "limitations": prof.limitations,
                "acquisition_note": prof.acquisition_note,
                "expansion_note": prof.expansion_note,
                "immunogenicity_note": prof.immunogenicity_note,
                "clinical_potential_note": prof.clinical_potential_note,
                "position": prof.position,
            }
        rows.append(
            CellSourceRow(
                key=source.key,
                name=source.name,
                abbreviation=source.abbreviation,
                parent=parent_key,
                category=source.category,
                aliases=aliases.get(source.id, []),
                **extra,
            )
        )
    return rows


def _aliases(session: Session, names: Table, owner_col: str) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    stmt = select(names.c[owner_col], names.c.name).where(names.c.is_alias).order_by(names.c.id)
    for owner, name in session.execute(stmt):
        result.setdefault(owner, []).append(name)
    return result


# --- Table 3, trials, Table 2 -----------------------------------------------------------------


def delivery_systems(
    session: Session, *, indication: str | None = None, payload: str | None = None
) -> list[DeliverySystemRow]:
    """Table 3's nano-delivery systems.

    ``indication`` is a disease key or name (``glioma``, ``SCI``); ``payload`` matches the
    loaded drug types by substring (``siRNA``).
    """
    check_arguments(indication=indication, payload=payload)
    stmt = (
        select(DeliverySystem)
        .options(
            selectinload(DeliverySystem.payloads),
            selectinload(DeliverySystem.indications),
            selectinload(DeliverySystem.refs),
        )
        .order_by(DeliverySystem.position)
    )
    if indication is not None:
        disease_id = _resolve_disease(session, indication)
        stmt = stmt.where(
            DeliverySystem.id.in_(
                select(delivery_system_indication.c.delivery_system_id).where(
                    delivery_system_indication.c.disease_id == disease_id
                )
            )
        )
    rows = [
        DeliverySystemRow(
            key=d.key,
            name=d.name,
            payloads=[p.payload for p in d.payloads],
            indications=[x.key for x in d.indications],
            advantages=d.advantages,
            disadvantages=d.disadvantages,
            refs=[r.number for r in d.refs],
        )
        for d in session.scalars(stmt)
    ]
    if payload is not None:
        wanted = fold(payload)
        rows = [r for r in rows if any(wanted in fold(p) for p in r.payloads)]
    return rows


def _resolve_disease(session: Session, text: str) -> int:
    folded = fold(text)
    known = session.execute(select(Disease.id, Disease.key, Disease.name)).all()
    for disease_id, key, name in known:
        if folded in (fold(key), fold(name)):
            return disease_id
    names = {fold(k): k for _, k, _ in known}
    close = difflib.get_close_matches(folded, list(names), n=3, cutoff=0.5)
    raise UnknownName("indication", text, [names[c] for c in close])


def trials(session: Session) -> list[TrialRow]:
    """Clinical trials of exosomes in SCI, as the review reports them."""
    stmt = (
        select(ClinicalTrial)
        .options(
            selectinload(ClinicalTrial.cell_source),
            selectinload(ClinicalTrial.route),
            selectinload(ClinicalTrial.reference),
        )
        .order_by(ClinicalTrial.registry_id)
    )
    return [
        TrialRow(
            registry_id=t.registry_id,
            registry=t.registry_name,
            phase=t.phase,
            source=t.cell_source.key,
            route=t.route.key if t.route else None,
            population=t.population,
            summary=t.summary,
            ref=t.reference.number,
        )
        for t in session.scalars(stmt)
    ]


def mechanisms(session: Session, *, key: str | None = None) -> list[MechanismRow]:
    """Table 2's mechanism categories with their core functions, key molecules and pathways."""
    check_arguments(key=key)
    stmt = (
        select(Mechanism)
        .options(
            selectinload(Mechanism.functions),
            selectinload(Mechanism.molecules).selectinload(MechanismMolecule.molecule),
            selectinload(Mechanism.pathways).selectinload(MechanismPathway.pathway),
            selectinload(Mechanism.section),
        )
        .order_by(Mechanism.position)
    )
    if key is not None:
        if key not in v.MECHANISM_KEYS:
            close = difflib.get_close_matches(key, v.MECHANISM_KEYS, n=3)
            raise UnknownName("mechanism", key, close or list(v.MECHANISM_KEYS))
        stmt = stmt.where(Mechanism.key == key)
    return [
        MechanismRow(
            key=m.key,
            name=m.name,
            functions=[f.name for f in m.functions],
            molecules=[mm.molecule.key for mm in m.molecules],
            pathways=[mp.pathway.key for mp in m.pathways],
            section=m.section.key,
            function_details=[
                {"position": f.position, "name": f.name, "description": f.description}
                for f in m.functions
            ],
            molecule_groups=_groups(
                [(x.group_position, x.group_name, x.molecule.key, x.note) for x in m.molecules]
            ),
            pathway_groups=_groups(
                [(x.group_position, x.group_name, x.pathway.key, x.note) for x in m.pathways]
            ),
        )
        for m in session.scalars(stmt)
    ]


def _groups(items: list[tuple[int, str, str, str | None]]) -> list[dict[str, Any]]:
    """Table 2's numbered groups of a cell: [{position, group, items: [{key, note}]}]."""
    groups: dict[int, dict[str, Any]] = {}
    for position, group, key, note in items:
        entry = groups.setdefault(position, {"position": position, "group": group, "items": []})
        entry["items"].append({"key": key, "note": note})
    return [groups[p] for p in sorted(groups)]


# --- vocabularies with usage counts -----------------------------------------------------------


def molecules(
    session: Session, *, kind: str | None = None, name: str | None = None
) -> list[MoleculeRow]:
    """Molecules, each with the number of studies that involve it (as cargo, drug, regulator,
    target or modification). ``name`` is any name or alias; ``kind`` a molecule kind."""
    check_arguments(kind=kind, name=name)
    if kind is not None and kind not in v.MOLECULE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(v.MOLECULE_KINDS)}")
    uses = (
        select(StudyMolecule.molecule_id.label("molecule_id"), StudyMolecule.study_id)
        .union(
            select(StudyInteraction.regulator_id, StudyInteraction.study_id),
            select(StudyInteraction.target_id, StudyInteraction.study_id),
            select(StudyModification.molecule_id, StudyModification.study_id),
        )
        .subquery()
    )
    counts = (
        select(uses.c.molecule_id, func.count(func.distinct(uses.c.study_id)).label("n"))
        .group_by(uses.c.molecule_id)
        .subquery()
    )
    parent = aliased(Molecule)
    stmt = (
        select(Molecule, parent.key, func.coalesce(counts.c.n, 0))
        .outerjoin(parent, Molecule.parent_id == parent.id)
        .outerjoin(counts, counts.c.molecule_id == Molecule.id)
        .order_by(Molecule.kind, Molecule.key)
    )
    if kind is not None:
        stmt = stmt.where(Molecule.kind == kind)
    if name is not None:
        stmt = stmt.where(Molecule.id == resolve_molecule(session, name))
    aliases = _aliases(session, molecule_name, "molecule_id")
    return [
        MoleculeRow(
            key=m.key,
            kind=m.kind,
            full_name=m.full_name,
            parent=parent_key,
            aliases=aliases.get(m.id, []),
            studies=n,
        )
        for m, parent_key, n in session.execute(stmt).all()
    ]


def pathways(session: Session, *, node: str | None = None) -> list[PathwayRow]:
    """Pathways as written, with their ordered nodes and the number of studies citing them.

    ``node`` keeps the pathways that contain that molecule (any name or alias, members of a
    family included) or that contiguous chain of nodes (``PI3K/Akt``).
    """
    check_arguments(node=node)
    counts = (
        select(StudyPathway.pathway_id, func.count(StudyPathway.study_id).label("n"))
        .group_by(StudyPathway.pathway_id)
        .subquery()
    )
    stmt = (
        select(Pathway, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.pathway_id == Pathway.id)
        .options(selectinload(Pathway.nodes).selectinload(PathwayNode.molecule))
        .order_by(Pathway.key)
    )
    if node is not None:
        stmt = stmt.where(Pathway.id.in_(pathways_matching(session, node)))
    return [
        PathwayRow(key=p.key, nodes=[n.molecule.key for n in p.nodes], studies=n)
        for p, n in session.execute(stmt).all()
    ]


# --- studies ------------------------------------------------------------------------------------


# The optional parts of a parsed miRNA name, beside its stem and family.
MIRNA_DETAILS = ("letter", "paralog", "arm")


def molecule_set(session: Session, text: str) -> list[int] | Select:
    """Ids of the molecules a user's name stands for (a subquery when there are very many).

    A miRNA name is matched by its parsed parts (``miR-21`` -> miR-21a-3p, never miR-210;
    ``miR-199a/b`` -> both), as pasted text writes it too (``microRNA\u201321``); any other
    name by key, full name or alias (folded), together with the molecules below it
    (``MAPK`` -> ERK, JNK, p38; ``NF-κB`` -> NF-κB p65).
    """
    check_arguments(text=text)
    names = mirna_names(text)
    if not names:
        return _named_subtree(session, molecule_name, Molecule, "molecule", text)

    def unknown() -> UnknownName:
        known = session.scalars(select(Molecule.key).where(Molecule.kind == "mirna")).all()
        return UnknownName("miRNA", text, difflib.get_close_matches(text, known, n=3, cutoff=0.5))

    found: list[list[int] | Select] = []
    for name in names:
        try:
            found.append(_mirna_members(session, name, unknown))
        except UnknownName:
            continue
    if not found:
        raise unknown()
    if len(found) == 1:
        return found[0]
    if all(isinstance(ids, list) for ids in found):
        return sorted({i for ids in found for i in ids})  # type: ignore[union-attr]
    return union(
        *(
            ids if isinstance(ids, Select) else select(Molecule.id).where(Molecule.id.in_(ids))
            for ids in found
        )
    )


def _mirna_members(
    session: Session, name: MirnaName, unknown: Callable[[], Exception]
) -> list[int] | Select:
    given = {"stem": name.stem, "family": name.family}
    given |= {a: getattr(name, a) for a in MIRNA_DETAILS if getattr(name, a) is not None}
    roots = _mirna_roots(tuple(given))
    return _with_descendants(session, Molecule.__table__, roots, given, unknown)


@functools.cache
def _mirna_roots(parts: tuple[str, ...]) -> Select:
    """The molecules whose parsed miRNA name has the ``parts`` given (bound by name)."""
    return select(Molecule.id).where(
        *(getattr(Molecule, f"mirna_{part}") == bindparam(part) for part in parts)
    )


# Each node of a chain is one more join, nested in the last: SQLite joins at most 64 tables,
# SQLAlchemy compiles the nesting recursively, and the review's longest pathway has 6 nodes.
MAX_CHAIN_NODES = 32


def pathways_matching(session: Session, text: str) -> Select:
    """Ids of the pathways that contain ``text`` as a node or a contiguous chain of nodes.

    ``NF-κB`` finds every axis with NF-κB (or a member such as NF-κB p65); ``PI3K/Akt`` finds
    PI3K/Akt/mTOR and PTEN/PI3K/Akt/mTOR, but not Akt/PI3K.
    """
    from exodb.names.pathways import split_pathway

    check_arguments(text=text)
    nodes = [n for n in split_pathway(text) if n]
    if not nodes:
        raise ValueError("a pathway needs at least one node, e.g. PI3K/Akt")
    if len(nodes) > MAX_CHAIN_NODES:
        raise ValueError(
            f"a pathway chain to look for has at most {MAX_CHAIN_NODES} nodes; this one has "
            f"{len(nodes)}"
        )
    # The first node needs no alias (building one costs more than the look-up it serves).
    steps = [PathwayNode] + [aliased(PathwayNode, name=f"node_{i}") for i in range(1, len(nodes))]
    first = steps[0]
    stmt = select(first.pathway_id).distinct()
    for i, (step, node) in enumerate(zip(steps, nodes, strict=True)):
        members = molecule_set(session, node)
        if i:
            previous = steps[i - 1]
            stmt = stmt.join(
                step,
                (step.pathway_id == first.pathway_id) & (step.position == previous.position + 1),
            )
        stmt = stmt.where(step.molecule_id.in_(members))
    return stmt


def _vocabulary_ids(session: Session, model: Any, kind: str, text: str) -> list[int]:
    """Id of a row of a small vocabulary (species, route) named by key or name, folded, then the
    ids of the rows below it where the vocabulary has a hierarchy. The vocabulary is read whole:
    it is small, and one round trip answers both."""
    hierarchy = "parent_id" in model.__table__.c
    columns = [model.id, model.key, model.name]
    if hierarchy:
        columns.append(model.parent_id)
    rows = session.connection().execute(select(*columns)).all()
    folded = fold(text)
    root = next((r[0] for r in rows if folded in (fold(r[1]), fold(r[2]))), None)
    if root is None:
        names = {fold(r[1]): r[1] for r in rows} | {fold(r[2]): r[1] for r in rows}
        close = difflib.get_close_matches(folded, list(names), n=5, cutoff=0.5)
        raise UnknownName(kind, text, list(dict.fromkeys(names[c] for c in close))[:3])
    ids = [root]
    if hierarchy:
        for row_id in ids:  # grows as children are found: breadth first
            ids.extend(r[0] for r in rows if r[3] == row_id)
    return ids


def _vocabulary_id(session: Session, model: Any, kind: str, text: str) -> int:
    return _vocabulary_ids(session, model, kind, text)[0]


def _mechanism_id(session: Session, text: str) -> int:
    return _vocabulary_id(session, Mechanism, "mechanism", text)


def _modification_condition(session: Session, text: str) -> Any:
    folded = fold(text)
    for kind in v.MODIFICATION_KINDS:
        if folded == fold(kind) or (len(folded) >= 4 and fold(kind).startswith(folded)):
            return StudyModification.kind == kind
    try:
        members = molecule_set(session, text)
    except UnknownName:
        close = difflib.get_close_matches(text, v.MODIFICATION_KINDS, n=3, cutoff=0.4)
        raise UnknownName("modification", text, close or list(v.MODIFICATION_KINDS)) from None
    return StudyModification.molecule_id.in_(members)


def studies(session: Session, **filters: Any) -> list[StudyRow]:
    """Primary studies the review describes; every filter given must hold (AND).

    - ``cell_source``: a source and its subtypes (``MSC`` finds UC-MSC and CD271+CD56+ BMSC).
    - ``cargo``: molecules carried or loaded; a miRNA family (``miR-21``) or any molecule name,
      with its members (``NF-kB``). ``target``: the target of a regulator -> target interaction.
    - ``pathway``: a node or a contiguous chain (``PI3K/Akt``) of the pathways a study reports.
    - ``molecule``: a molecule in any part of a study (cargo, loaded, co-administered drug,
      agent, regulator, target, modification), with its members as for ``cargo``.
    - ``mechanism``: a Table 2 category key. ``species``: a species and the species below it
      (``monkey`` finds rhesus monkeys and macaques). ``route``: by name.
    - ``material``: by name or alias, or a category (``hydrogel`` finds every hydrogel).
    - ``modification``: a kind (``hypoxic_preconditioning``) or the molecule involved (``BDNF``).
    - ``has_outcome``: words in an outcome's measure; ``quantitative``: a numeric outcome.
    - ``exosome_based``: False keeps the non-exosome findings the review proposes to combine.
    - ``design``: in_vivo, in_vitro, clinical, mixed, not_stated. ``ref``: a reference number.

    Unknown names raise :class:`UnknownName` with the closest known names; a ``ref`` outside
    1 to 2**63 - 1, or a NUL character in any text, raises :class:`ValueError`.

    >>> [s.ref for s in studies(session, cargo="miR-21")]               # doctest: +SKIP
    [54, 129]
    """
    _check_filters("studies", filters)
    return study_rows(session, list(session.scalars(study_ids(session, **filters))))


STUDY_FILTERS = (
    "cell_source",
    "cargo",
    "target",
    "molecule",
    "pathway",
    "mechanism",
    "species",
    "route",
    "material",
    "modification",
    "has_outcome",
    "quantitative",
    "exosome_based",
    "design",
    "ref",
)


# Reference numbers are positive and, like every integer SQLite stores, fit in 64 bits.
MAX_REFERENCE_NUMBER = 2**63 - 1


# The arguments of the public functions that are not text: flags, and reference numbers.
_FLAGS = frozenset({"quantitative", "exosome_based", "profiled", "markers_only"})
_NUMBERS = frozenset({"ref"})


def check_arguments(**arguments: Any) -> None:
    """The one check of the public functions' arguments, each named as the caller wrote it:
    a flag must be a bool, ``ref`` an int, anything else text (or None, for "not given").

    A wrong type raises :class:`TypeError`: ``within=123`` would otherwise fail deep inside a
    name look-up, or quietly match nothing. Text must not hold a NUL character
    (:class:`ValueError`): SQLite's LIKE and string functions stop at one (so a search would
    quietly match on the text before it), and PostgreSQL's text cannot hold one at all.
    """
    for name, value in arguments.items():
        _check_type(name, value)
        if isinstance(value, str) and "\0" in value:
            raise ValueError(f"{name} must not contain a NUL character")


def _check_type(name: str, value: Any) -> None:
    if value is None:
        return
    if name in _FLAGS:
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, not {value!r}")
    elif name in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    elif not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")


def _check_filters(function: str, filters: dict[str, Any]) -> None:
    """An unknown filter is a TypeError naming it (and the filters there are), as a misspelt
    keyword argument of any function is."""
    known = list(inspect.signature(study_ids).parameters)[1:]
    for name in filters:
        if name not in known:
            raise TypeError(
                f"{function}() got an unexpected keyword argument '{name}'; the filters are "
                f"{', '.join(known)}"
            )


def _is_reference_number(number: Any) -> Any:
    """``Reference.number == number``, the number bound as a BIGINT: PostgreSQL's column is a
    32-bit INTEGER, and a larger number cast to it would be an error instead of no match."""
    return Reference.number == literal(number, BigInteger)


def _check_reference_number(ref: Any) -> None:
    if isinstance(ref, int) and not 1 <= ref <= MAX_REFERENCE_NUMBER:
        raise ValueError(
            f"ref must be a reference number from 1 to {MAX_REFERENCE_NUMBER}, got {ref}"
        )


def _check_cited(session: Session, ref: int) -> None:
    """A number the review does not cite is an unknown name, as it is for ``exodb show N``: a
    filter on it would answer "no studies" for a question that has no subject."""
    if session.scalar(select(Reference.id).where(_is_reference_number(ref))) is None:
        raise UnknownName("reference", str(ref), [])


def study_ids(
    session: Session,
    *,
    cell_source: str | None = None,
    cargo: str | None = None,
    target: str | None = None,
    molecule: str | None = None,
    pathway: str | None = None,
    mechanism: str | None = None,
    species: str | None = None,
    route: str | None = None,
    material: str | None = None,
    modification: str | None = None,
    has_outcome: str | None = None,
    quantitative: bool = False,
    exosome_based: bool | None = None,
    design: str | None = None,
    ref: int | None = None,
) -> Select:
    """The ids of the studies that pass every filter given, as a SELECT to build on.

    The filters are those of :func:`studies`; reports use this to honour the same filters.
    """
    check_arguments(
        cell_source=cell_source,
        cargo=cargo,
        target=target,
        molecule=molecule,
        pathway=pathway,
        mechanism=mechanism,
        species=species,
        route=route,
        material=material,
        modification=modification,
        has_outcome=has_outcome,
        quantitative=quantitative,
        exosome_based=exosome_based,
        design=design,
        ref=ref,
    )
    if ref is not None:
        _check_reference_number(ref)
        _check_cited(session, ref)
    stmt = select(Study.id)

    def having(link: Any, condition: Any) -> None:
        nonlocal stmt
        stmt = stmt.where(Study.id.in_(select(link).where(condition)))

    if cell_source is not None:
        stmt = stmt.where(Study.cell_source_id.in_(cell_source_subtree(session, cell_source)))
    if cargo is not None:
        having(
            StudyMolecule.study_id,
            StudyMolecule.role.in_(("cargo", "loaded"))
            & StudyMolecule.molecule_id.in_(molecule_set(session, cargo)),
        )
    if target is not None:
        targets = molecule_set(session, target)
        having(StudyInteraction.study_id, StudyInteraction.target_id.in_(targets))
    if molecule is not None:
        stmt = stmt.where(Study.id.in_(_studies_involving(molecule_set(session, molecule))))
    if pathway is not None:
        having(
            StudyPathway.study_id,
            StudyPathway.pathway_id.in_(pathways_matching(session, pathway)),
        )
    if mechanism is not None:
        having(
            study_mechanism.c.study_id,
            study_mechanism.c.mechanism_id == _mechanism_id(session, mechanism),
        )
    if species is not None:
        subtree = _vocabulary_ids(session, Species, "species", species)
        having(StudyModel.study_id, StudyModel.species_id.in_(subtree))
    if route is not None:
        stmt = stmt.where(Study.route_id == _vocabulary_id(session, Route, "route", route))
    if material is not None:
        having(
            study_material.c.study_id,
            study_material.c.material_id.in_(_materials(session, material)),
        )
    if modification is not None:
        having(StudyModification.study_id, _modification_condition(session, modification))
    if has_outcome is not None:
        words = has_outcome.strip().lower()
        having(Outcome.study_id, func.lower(Outcome.measure).contains(words, autoescape=True))
    if quantitative:
        having(Outcome.study_id, Outcome.value.is_not(None))
    if exosome_based is not None:
        stmt = stmt.where(Study.exosome_based.is_(exosome_based))
    if design is not None:
        if design not in v.STUDY_DESIGNS:
            raise ValueError(f"design must be one of {', '.join(v.STUDY_DESIGNS)}")
        stmt = stmt.where(Study.design == design)
    if ref is not None:
        stmt = stmt.where(Study.reference.has(_is_reference_number(ref)))
    return stmt


def _studies_involving(members: list[int] | Select) -> Select:
    """Ids of the studies that involve any of ``members`` in any part: the uses that
    :func:`molecules` counts."""
    return (
        select(StudyMolecule.study_id)
        .where(StudyMolecule.molecule_id.in_(members))
        .union(
            select(StudyInteraction.study_id).where(StudyInteraction.regulator_id.in_(members)),
            select(StudyInteraction.study_id).where(StudyInteraction.target_id.in_(members)),
            select(StudyModification.study_id).where(StudyModification.molecule_id.in_(members)),
        )
    )


def _materials(session: Session, text: str) -> list[int] | Select:
    """Ids of the materials ``text`` names (key, name or alias, folded) and, when it is a
    category's name (``hydrogel``), of every material in that category: a writer who asks for
    hydrogels means the hyaluronic acid hydrogel patch too."""
    folded = fold(text)
    category = next((c for c in v.MATERIAL_CATEGORIES if fold(c) == folded), None)
    if category is None:
        return _resolve(session, material_name, Material, "material", text)
    named = _name_roots(material_name, Material.__table__).params(folded=folded)
    return select(Material.id).where((Material.category == category) | Material.id.in_(named))


def among(column: Any, ids: Select) -> Any:
    """``column IN (ids)``, or no condition at all when ``ids`` selects every study: an unfiltered
    report should not make the database build and probe a list of all study ids."""
    if ids.whereclause is None:
        return true()
    return column.in_(ids)


def _by_reference(session: Session) -> tuple[Any, ...]:
    """ORDER BY reference number, studies without one last, then key.

    NULLS LAST is one sort key instead of two ("number IS NULL", number): a few milliseconds on
    a listing of 20k studies. SQLite understands it from 3.30 on; older ones get the two keys.
    """
    dialect = session.get_bind().dialect
    if dialect.name != "sqlite" or dialect.dbapi.sqlite_version_info >= (3, 30):
        return (Reference.number.asc().nulls_last(), Study.key)
    return (Reference.number.is_(None), Reference.number, Study.key)


def study_keys(session: Session, **filters: Any) -> list[tuple[str, int | None]]:
    """(key, reference number) of every study passing ``filters``, by reference then key.

    The light twin of :func:`studies` for large databases: one query, no per-study objects.
    """
    _check_filters("study_keys", filters)
    # The filters' WHERE clauses go straight onto this SELECT: no extra level of nesting.
    conditions = study_ids(session, **filters).whereclause
    stmt = (
        select(Study.key, Reference.number)
        .outerjoin(Reference, Reference.id == Study.reference_id)
        .order_by(*_by_reference(session))
    )
    if conditions is not None:
        stmt = stmt.where(conditions)
    return plain_rows(session, stmt)


def study_rows(session: Session, study_ids: list[int]) -> list[StudyRow]:
    """Full rows for the given studies, ordered by reference number, then key."""
    if not study_ids:
        return []
    stmt = (
        select(Study)
        .where(Study.id.in_(study_ids))
        .outerjoin(Study.reference)
        .options(
            selectinload(Study.reference),
            selectinload(Study.section),
            selectinload(Study.cell_source),
            selectinload(Study.route),
            selectinload(Study.molecules).selectinload(StudyMolecule.molecule),
            selectinload(Study.interactions),
            selectinload(Study.pathways).selectinload(StudyPathway.pathway),
            selectinload(Study.mechanisms),
            selectinload(Study.models).selectinload(StudyModel.species),
            selectinload(Study.materials),
            selectinload(Study.modifications),
            selectinload(Study.outcomes).selectinload(Outcome.species),
        )
        .order_by(Reference.number.is_(None), Reference.number, Study.key)
    )
    rows = []
    for s in session.scalars(stmt):
        rows.append(
            StudyRow(
                key=s.key,
                ref=s.reference.number if s.reference else None,
                first_author=s.first_author,
                cell_source=s.cell_source.key if s.cell_source else None,
                cargo=[m.molecule.key for m in s.molecules if m.role in ("cargo", "loaded")],
                co_administered=[
                    m.molecule.key for m in s.molecules if m.role == "co_administered"
                ],
                agents=[m.molecule.key for m in s.molecules if m.role == "agent"],
                targets=[i.target.key for i in s.interactions],
                pathways=[p.pathway.key for p in s.pathways],
                mechanisms=[m.key for m in s.mechanisms],
                species=[m.species.key for m in s.models],
                route=s.route.key if s.route else None,
                materials=[m.key for m in s.materials],
                modifications=[m.kind for m in s.modifications],
                outcomes=[StudyOutcome.of(o) for o in s.outcomes],
                section=s.section.key,
                design=s.design,
                exosome_based=s.exosome_based,
                summary=s.summary,
            )
        )
    return rows


# --- the rest of the review -------------------------------------------------------------------


def curation_notes(
    session: Session, *, kind: str | None = None, subject: str | None = None
) -> list[CurationNoteRow]:
    """The review's errors and contradictions as recorded by the curators."""
    check_arguments(kind=kind, subject=subject)
    stmt = (
        select(CurationNote, Section.key, Reference.number)
        .join(Section, CurationNote.section_id == Section.id)
        .outerjoin(Reference, CurationNote.reference_id == Reference.id)
        .order_by(CurationNote.key)
    )
    if kind is not None:
        if kind not in v.CURATION_KINDS:
            raise ValueError(f"kind must be one of {', '.join(v.CURATION_KINDS)}")
        stmt = stmt.where(CurationNote.kind == kind)
    if subject is not None:
        stmt = stmt.where(CurationNote.subject == subject)
    return [
        CurationNoteRow(
            key=n.key,
            kind=n.kind,
            section=section,
            subject=n.subject,
            review_text=n.review_text,
            problem=n.problem,
            source=n.source,
            ref=number,
        )
        for n, section, number in session.execute(stmt).all()
    ]


def exosome_components(session: Session, *, markers_only: bool = False) -> list[ComponentRow]:
    """Section 2's exosome contents; ``markers_only`` keeps the named markers."""
    check_arguments(markers_only=markers_only)
    stmt = (
        select(ExosomeComponent)
        .join(ExosomeComponent.molecule)
        .options(selectinload(ExosomeComponent.molecule), selectinload(ExosomeComponent.refs))
        .order_by(ExosomeComponent.component_class, ExosomeComponent.group_name, Molecule.key)
    )
    if markers_only:
        stmt = stmt.where(ExosomeComponent.is_marker)
    return [
        ComponentRow(
            molecule=c.molecule.key,
            component_class=c.component_class,
            group=c.group_name,
            is_marker=c.is_marker,
            refs=[r.number for r in c.refs],
        )
        for c in session.scalars(stmt)
    ]


def epidemiology(session: Session) -> list[EpidemiologyRow]:
    """Section 1's incidence figures and observations."""
    stmt = select(Epidemiology).options(selectinload(Epidemiology.refs)).order_by(Epidemiology.key)
    return [
        EpidemiologyRow(
            key=e.key,
            measure=e.measure,
            condition=e.condition,
            value=e.value,
            unit=e.unit,
            region=e.region,
            note=e.note,
            refs=[r.number for r in e.refs],
        )
        for e in session.scalars(stmt)
    ]


# --- one study in full ------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyDetail:
    key: str
    ref: int | None
    first_author: str | None
    section: str
    design: str
    exosome_based: bool
    theme: str | None
    cell_source: str | None
    cell_source_lineage: list[str]
    route: str | None
    summary: str
    cargo: list[dict[str, Any]]
    interactions: list[dict[str, Any]]
    pathways: list[dict[str, Any]]
    mechanisms: list[str]
    models: list[dict[str, Any]]
    materials: list[str]
    modifications: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    reference: dict[str, Any] | None
    curation_notes: list[dict[str, Any]]


def _lineage(source: CellSource | None) -> list[str]:
    keys = []
    while source is not None:
        keys.append(source.key)
        source = source.parent
    return keys


# Only ASCII digits make a reference number: str.isdigit() and int() also take "١٢٣" or "²".
_REFERENCE_NUMBER = re.compile(r"[0-9]+")


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
    _check_type("key_or_ref", key_or_ref)  # a NUL is refused below, in this function's words
    text = key_or_ref.strip()
    if "\0" in text:
        raise ValueError("a study key or reference number must not contain a NUL character")
    stmt = select(Study).options(
        selectinload(Study.interactions),
        selectinload(Study.outcomes).selectinload(Outcome.species),
        selectinload(Study.modifications).selectinload(StudyModification.molecule),
    )
    found: list[Study] = []
    if _REFERENCE_NUMBER.fullmatch(text):
        number = int(text)
        if number <= MAX_REFERENCE_NUMBER:
            stmt = stmt.join(Study.reference).where(_is_reference_number(number))
            found = list(session.scalars(stmt.order_by(Study.key)))
    else:
        found = list(session.scalars(stmt.where(Study.key == text).order_by(Study.key)))
    if not found:
        keys = session.scalars(select(Study.key)).all()
        raise UnknownName("study", text, difflib.get_close_matches(text, keys, n=3, cutoff=0.5))
    return [_detail(session, s) for s in found]


def study_details_by_id(session: Session, study_ids: list[int]) -> list[StudyDetail]:
    """Full details of the given studies, ordered by key."""
    stmt = (
        select(Study)
        .where(Study.id.in_(study_ids))
        .options(
            selectinload(Study.interactions),
            selectinload(Study.outcomes).selectinload(Outcome.species),
            selectinload(Study.modifications).selectinload(StudyModification.molecule),
        )
        .order_by(Study.key)
    )
    return [_detail(session, s) for s in session.scalars(stmt)]


def _detail(session: Session, s: Study) -> StudyDetail:
    reference = s.reference
    subjects = [f"studies:{s.key}"]
    if reference is not None:
        subjects.append(f"references:{reference.number}")
    notes_stmt = (
        select(CurationNote)
        .where(
            CurationNote.subject.in_(subjects)
            | (
                CurationNote.reference_id == reference.id
                if reference is not None
                else CurationNote.id.is_(None)
            )
        )
        .order_by(CurationNote.key)
    )
    bibliography = None
    if reference is not None:
        bibliography = {
            field_name: getattr(reference, field_name)
            for field_name in (
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
        }
    return StudyDetail(
        key=s.key,
        ref=reference.number if reference else None,
        first_author=s.first_author,
        section=s.section.key,
        design=s.design,
        exosome_based=s.exosome_based,
        theme=s.theme,
        cell_source=s.cell_source.key if s.cell_source else None,
        cell_source_lineage=_lineage(s.cell_source),
        route=s.route.key if s.route else None,
        summary=s.summary,
        cargo=[{"molecule": m.molecule.key, "role": m.role, "note": m.note} for m in s.molecules],
        interactions=[
            {
                "regulator": i.regulator.key,
                "target": i.target.key,
                "effect": i.effect,
                "note": i.note,
            }
            for i in s.interactions
        ],
        pathways=[
            {"pathway": p.pathway.key, "effect": p.effect, "note": p.note} for p in s.pathways
        ],
        mechanisms=[m.key for m in s.mechanisms],
        models=[{"species": m.species.key, "model": m.model, "note": m.note} for m in s.models],
        materials=[m.key for m in s.materials],
        modifications=[
            {"kind": m.kind, "molecule": m.molecule.key if m.molecule else None, "note": m.note}
            for m in s.modifications
        ],
        outcomes=[
            {
                "measure": o.measure,
                "direction": o.direction,
                "value": o.value,
                "unit": o.unit,
                "relative_to": o.relative_to,
                "species": o.species.key if o.species else None,
                "note": o.note,
            }
            for o in s.outcomes
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
            for n in session.scalars(notes_stmt)
        ],
    )
