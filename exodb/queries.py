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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CTE, Select, Table, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from exodb import vocabulary as v
from exodb.models import (
    CellSource,
    CellSourceProfile,
    ClinicalTrial,
    CurationNote,
    DeliverySystem,
    Disease,
    Epidemiology,
    ExosomeComponent,
    Mechanism,
    MechanismMolecule,
    MechanismPathway,
    Molecule,
    Pathway,
    PathwayNode,
    Reference,
    Section,
    Study,
    StudyModel,
    StudyMolecule,
    StudyPathway,
    cell_source_name,
    delivery_system_indication,
    molecule_name,
    study_mechanism,
)
from exodb.vocabulary import fold


class UnknownName(LookupError):
    """A name the user typed matches nothing; ``suggestions`` holds the closest known names."""

    def __init__(self, kind: str, text: str, suggestions: list[str]):
        self.kind, self.text, self.suggestions = kind, text, suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {kind} '{text}'{hint}")


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
class StudyRow:
    key: str
    ref: int | None
    first_author: str | None
    cell_source: str | None
    cargo: list[str]
    targets: list[str]
    pathways: list[str]
    mechanisms: list[str]
    species: list[str]
    route: str | None
    materials: list[str]
    modifications: list[str]
    outcomes: list[str]
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


def _resolve(session: Session, names: Table, owner: Any, kind: str, text: str) -> list[int]:
    """Ids of the ``owner`` rows that ``text`` names; on no match, suggest the closest keys."""
    folded = fold(text)
    owner_col = names.c[f"{owner.__tablename__}_id"]
    ids = session.scalars(select(owner_col).where(names.c.folded == folded)).all()
    if ids:
        return list(ids)
    known = session.execute(select(names.c.folded, owner.key).join(owner, owner.id == owner_col))
    key_of = dict(known.all())
    close = difflib.get_close_matches(folded, list(key_of), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(key_of[c] for c in close))[:3]
    raise UnknownName(kind, text, suggestions)


def resolve_cell_source(session: Session, text: str) -> int:
    """The id of the cell source a user's name means (key, name, abbreviation or alias)."""
    return _resolve(session, cell_source_name, CellSource, "cell source", text)[0]


def resolve_molecule(session: Session, text: str) -> int:
    """The id of the molecule a user's name means (key, full name or alias, folded)."""
    return _resolve(session, molecule_name, Molecule, "molecule", text)[0]


def _subtree(table: Table, root_id: int, name: str) -> CTE:
    """A recursive CTE of ``root_id`` and every row below it in ``table``'s parent hierarchy."""
    tree = select(table.c.id).where(table.c.id == root_id).cte(name, recursive=True)
    return tree.union_all(select(table.c.id).where(table.c.parent_id == tree.c.id))


def cell_source_subtree(session: Session, text: str) -> CTE:
    """The named source and all its descendants (``MSC`` -> UC-MSC, AD-MSC, BMSC, ...)."""
    return _subtree(CellSource.__table__, resolve_cell_source(session, text), "source_tree")


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
        tree = cell_source_subtree(session, within)
        stmt = stmt.where(CellSource.id.in_(select(tree.c.id)))
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
        )
        for m in session.scalars(stmt)
    ]


# --- vocabularies with usage counts -----------------------------------------------------------


def molecules(
    session: Session, *, kind: str | None = None, name: str | None = None
) -> list[MoleculeRow]:
    """Molecules, each with the number of studies that involve it (as cargo, drug, regulator,
    target or modification). ``name`` is any name or alias; ``kind`` a molecule kind."""
    if kind is not None and kind not in v.MOLECULE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(v.MOLECULE_KINDS)}")
    from exodb.models import StudyInteraction, StudyModification

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

    ``node`` keeps the pathways that contain that molecule (any name or alias).
    """
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
        molecule_id = resolve_molecule(session, node)
        stmt = stmt.where(
            Pathway.id.in_(
                select(PathwayNode.pathway_id).where(PathwayNode.molecule_id == molecule_id)
            )
        )
    return [
        PathwayRow(key=p.key, nodes=[n.molecule.key for n in p.nodes], studies=n)
        for p, n in session.execute(stmt).all()
    ]


# --- studies ------------------------------------------------------------------------------------


def studies(
    session: Session,
    *,
    cell_source: str | None = None,
    mechanism: str | None = None,
    ref: int | None = None,
) -> list[StudyRow]:
    """Primary studies the review describes, filtered (all filters combine with AND).

    ``cell_source`` includes the source's descendants (``MSC`` finds UC-MSC studies).
    """
    stmt = select(Study.id)
    if cell_source is not None:
        tree = cell_source_subtree(session, cell_source)
        stmt = stmt.where(Study.cell_source_id.in_(select(tree.c.id)))
    if mechanism is not None:
        mechanism_id = session.scalar(select(Mechanism.id).where(Mechanism.key == mechanism))
        if mechanism_id is None:
            raise UnknownName("mechanism", mechanism, list(v.MECHANISM_KEYS))
        stmt = stmt.where(
            Study.id.in_(
                select(study_mechanism.c.study_id).where(
                    study_mechanism.c.mechanism_id == mechanism_id
                )
            )
        )
    if ref is not None:
        stmt = stmt.where(Study.reference.has(Reference.number == ref))
    return study_rows(session, session.scalars(stmt).all())


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
            selectinload(Study.outcomes),
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
                targets=[i.target.key for i in s.interactions],
                pathways=[p.pathway.key for p in s.pathways],
                mechanisms=[m.key for m in s.mechanisms],
                species=[m.species.key for m in s.models],
                route=s.route.key if s.route else None,
                materials=[m.key for m in s.materials],
                modifications=[m.kind for m in s.modifications],
                outcomes=[o.measure for o in s.outcomes],
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
