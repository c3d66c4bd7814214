"""The listings of the review's other facts: cell sources (Table 1), mechanisms (Table 2),
delivery systems (Table 3), clinical trials, molecules and pathways with their usage counts,
curation notes, exosome components and epidemiology."""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import Select, Table, case, func, select
from sqlalchemy.orm import Session

from exodb.errors import UnknownName
from exodb.names import vocabulary as v
from exodb.names.vocabulary import fold
from exodb.queries.arguments import check_arguments, check_choice, check_ordinal
from exodb.queries.identifiers import identifiers_by_id
from exodb.queries.records import (
    CellSourceRow,
    ComponentRow,
    CurationNoteRow,
    DeliverySystemRow,
    EpidemiologyRow,
    MechanismRow,
    MoleculeRow,
    PathwayRow,
    TrialRow,
)
from exodb.queries.related import by_parent, reference_numbers, values_by_parent
from exodb.queries.resolve import (
    cell_source_subtree,
    pathways_matching,
    resolve_disease,
    resolve_molecule,
)
from exodb.schema import tables as t

# --- cell sources (Table 1) -------------------------------------------------------------------


def _rank(column: Any, ordinal: str) -> Any:
    values = v.ORDINALS[ordinal]
    return case({value: i for i, value in enumerate(values)}, value=column)


# The columns of a Table 1 profile that a cell source's row gives as they are.
_PROFILE_FIELDS = (
    "immunogenicity",
    "clinical_potential",
    "acquisition",
    "expansion",
    "main_functions",
    "advantages",
    "limitations",
    "acquisition_note",
    "expansion_note",
    "immunogenicity_note",
    "clinical_potential_note",
    "position",
)


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
        check_ordinal(ordinal, value)
    source, profile = t.cell_source, t.cell_source_profile
    parent = source.alias("parent")
    stmt: Select = (
        select(
            source.c.id,
            source.c.key,
            source.c.name,
            source.c.abbreviation,
            parent.c.key.label("parent"),
            source.c.category,
            profile.c.id.label("profile_id"),
            *(profile.c[f] for f in _PROFILE_FIELDS),
        )
        .outerjoin(parent, source.c.parent_id == parent.c.id)
        .outerjoin(profile, profile.c.cell_source_id == source.c.id)
    )
    profile_filters = [
        (immunogenicity, profile.c.immunogenicity == immunogenicity),
        (clinical_potential, profile.c.clinical_potential == clinical_potential),
        (
            max_immunogenicity,
            _rank(profile.c.immunogenicity, "immunogenicity")
            <= v.rank("immunogenicity", max_immunogenicity or "low"),
        ),
        (
            min_clinical_potential,
            _rank(profile.c.clinical_potential, "clinical_potential")
            >= v.rank("clinical_potential", min_clinical_potential or "moderate"),
        ),
        (
            max_acquisition,
            _rank(profile.c.acquisition, "acquisition")
            <= v.rank("acquisition", max_acquisition or "easy"),
        ),
        (
            min_expansion,
            _rank(profile.c.expansion, "expansion") >= v.rank("expansion", min_expansion or "high"),
        ),
    ]
    for value, condition in profile_filters:
        if value is not None:
            stmt = stmt.where(condition)
    if profiled:
        stmt = stmt.where(profile.c.id.is_not(None))
    if category is not None:
        stmt = stmt.where(source.c.category == category)
    if within is not None:
        stmt = stmt.where(source.c.id.in_(cell_source_subtree(session, within)))
    stmt = stmt.order_by(profile.c.position.is_(None), profile.c.position, source.c.key)
    found = session.execute(stmt).all()
    profiles = [s.profile_id for s in found if s.profile_id is not None]
    refs = reference_numbers(
        session, t.cell_source_profile_reference.c.cell_source_profile_id, profiles
    )
    aliases = _aliases(session, t.cell_source_name, "cell_source_id")
    curies = identifiers_by_id(session, "cell_source", [s.id for s in found])
    rows = []
    for s in found:
        extra: dict[str, Any] = {}
        if s.profile_id is not None:
            extra = {f: getattr(s, f) for f in _PROFILE_FIELDS}
            extra["refs"] = refs.get(s.profile_id, [])
        rows.append(
            CellSourceRow(
                key=s.key,
                name=s.name,
                abbreviation=s.abbreviation,
                parent=s.parent,
                category=s.category,
                aliases=aliases.get(s.id, []),
                identifiers=curies.get(s.id, []),
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
    system, indications, loaded = (
        t.delivery_system,
        t.delivery_system_indication,
        t.delivery_system_payload,
    )
    stmt = select(
        system.c.id, system.c.key, system.c.name, system.c.advantages, system.c.disadvantages
    ).order_by(system.c.position)
    if indication is not None:
        disease_id = resolve_disease(session, indication)
        stmt = stmt.where(
            system.c.id.in_(
                select(indications.c.delivery_system_id).where(
                    indications.c.disease_id == disease_id
                )
            )
        )
    found = session.execute(stmt).all()
    ids = [d.id for d in found]
    payloads = values_by_parent(
        session, loaded.c.delivery_system_id, loaded.c.payload, loaded.c.position, ids
    )
    goals = values_by_parent(
        session,
        indications.c.delivery_system_id,
        t.disease.c.key,
        indications.c.position,
        ids,
        on=t.disease.c.id == indications.c.disease_id,
    )
    refs = reference_numbers(session, t.delivery_system_reference.c.delivery_system_id, ids)
    rows = [
        DeliverySystemRow(
            key=d.key,
            name=d.name,
            payloads=payloads.get(d.id, []),
            indications=goals.get(d.id, []),
            advantages=d.advantages,
            disadvantages=d.disadvantages,
            refs=refs.get(d.id, []),
        )
        for d in found
    ]
    if payload is not None:
        wanted = fold(payload)
        rows = [r for r in rows if any(wanted in fold(p) for p in r.payloads)]
    return rows


def trials(session: Session) -> list[TrialRow]:
    """Clinical trials of exosomes in SCI, as the review reports them."""
    trial, route = t.clinical_trial, t.route
    stmt = (
        select(
            trial.c.registry_id,
            trial.c.registry,
            trial.c.phase,
            t.cell_source.c.key.label("source"),
            route.c.key.label("route"),
            trial.c.population,
            trial.c.summary,
            t.reference.c.number.label("ref"),
        )
        .join(t.cell_source, t.cell_source.c.id == trial.c.cell_source_id)
        .outerjoin(route, route.c.id == trial.c.route_id)
        .join(t.reference, t.reference.c.id == trial.c.reference_id)
        .order_by(trial.c.registry_id)
    )
    return [TrialRow(**x._asdict()) for x in session.execute(stmt)]


def mechanisms(session: Session, *, key: str | None = None) -> list[MechanismRow]:
    """Table 2's mechanism categories with their core functions, key molecules and pathways."""
    check_arguments(key=key)
    mechanism = t.mechanism
    stmt = (
        select(mechanism.c.id, mechanism.c.key, mechanism.c.name, t.section.c.key.label("section"))
        .join(t.section, t.section.c.id == mechanism.c.section_id)
        .order_by(mechanism.c.position)
    )
    if key is not None:
        if key not in v.MECHANISM_KEYS:
            close = difflib.get_close_matches(key, v.MECHANISM_KEYS, n=3)
            raise UnknownName("mechanism", key, close or list(v.MECHANISM_KEYS))
        stmt = stmt.where(mechanism.c.key == key)
    found = session.execute(stmt).all()
    ids = [m.id for m in found]
    functions = t.mechanism_function
    functions_of = by_parent(
        session,
        select(
            functions.c.mechanism_id,
            functions.c.position,
            functions.c.name,
            functions.c.description,
        ).order_by(functions.c.position),
        functions.c.mechanism_id,
        ids,
    )
    molecules_of = _grouped(session, t.mechanism_molecule, t.molecule, ids)
    pathways_of = _grouped(session, t.mechanism_pathway, t.pathway, ids)
    curies = identifiers_by_id(session, "mechanism", ids)
    rows = []
    for m in found:
        functions_here = functions_of.get(m.id, [])
        molecules_here, pathways_here = molecules_of.get(m.id, []), pathways_of.get(m.id, [])
        rows.append(
            MechanismRow(
                key=m.key,
                name=m.name,
                functions=[f.name for f in functions_here],
                molecules=[x.key for x in molecules_here],
                pathways=[x.key for x in pathways_here],
                section=m.section,
                function_details=[
                    {"position": f.position, "name": f.name, "description": f.description}
                    for f in functions_here
                ],
                molecule_groups=_groups(molecules_here),
                pathway_groups=_groups(pathways_here),
                identifiers=curies.get(m.id, []),
            )
        )
    return rows


def _grouped(session: Session, link: Table, item: Table, ids: list[int]) -> dict[int, list]:
    """A Table 2 cell of each mechanism (its molecules or its pathways): the items by key, in
    their groups' order, each with its group and note."""
    item_id = link.c[f"{item.name}_id"]
    stmt = (
        select(
            link.c.mechanism_id, link.c.group_position, link.c.group_name, item.c.key, link.c.note
        )
        .join(item, item.c.id == item_id)
        .order_by(link.c.group_position, link.c.id)
    )
    return by_parent(session, stmt, link.c.mechanism_id, ids)


def _groups(items: list[Any]) -> list[dict[str, Any]]:
    """Table 2's numbered groups of a cell: [{position, group, items: [{key, note}]}]."""
    groups: dict[int, dict[str, Any]] = {}
    for _, position, group, key, note in items:
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
    check_choice("kind", kind, v.MOLECULE_KINDS)
    cargo, interaction, modification = (
        t.study_molecule,
        t.study_interaction,
        t.study_modification,
    )
    uses = (
        select(cargo.c.molecule_id.label("molecule_id"), cargo.c.study_id)
        .union(
            select(interaction.c.regulator_id, interaction.c.study_id),
            select(interaction.c.target_id, interaction.c.study_id),
            select(modification.c.molecule_id, modification.c.study_id),
        )
        .subquery()
    )
    counts = (
        select(uses.c.molecule_id, func.count(func.distinct(uses.c.study_id)).label("n"))
        .group_by(uses.c.molecule_id)
        .subquery()
    )
    molecule = t.molecule
    parent = molecule.alias("parent")
    stmt = (
        select(
            molecule.c.id,
            molecule.c.key,
            molecule.c.kind,
            molecule.c.full_name,
            parent.c.key,
            func.coalesce(counts.c.n, 0),
        )
        .outerjoin(parent, molecule.c.parent_id == parent.c.id)
        .outerjoin(counts, counts.c.molecule_id == molecule.c.id)
        .order_by(molecule.c.kind, molecule.c.key)
    )
    if kind is not None:
        stmt = stmt.where(molecule.c.kind == kind)
    if name is not None:
        stmt = stmt.where(molecule.c.id == resolve_molecule(session, name))
    aliases = _aliases(session, t.molecule_name, "molecule_id")
    found = session.execute(stmt).all()
    curies = identifiers_by_id(session, "molecule", [row[0] for row in found])
    return [
        MoleculeRow(
            key=key,
            kind=kind_,
            full_name=full_name,
            parent=parent_key,
            aliases=aliases.get(molecule_id, []),
            studies=n,
            identifiers=curies.get(molecule_id, []),
        )
        for molecule_id, key, kind_, full_name, parent_key, n in found
    ]


def pathways(session: Session, *, node: str | None = None) -> list[PathwayRow]:
    """Pathways as written, with their ordered nodes and the number of studies citing them.

    ``node`` keeps the pathways that contain that molecule (any name or alias, members of a
    family included) or that contiguous chain of nodes (``PI3K/Akt``).
    """
    check_arguments(node=node)
    pathway, cited, nodes = t.pathway, t.study_pathway, t.pathway_node
    counts = (
        select(cited.c.pathway_id, func.count(cited.c.study_id).label("n"))
        .group_by(cited.c.pathway_id)
        .subquery()
    )
    stmt = (
        select(pathway.c.id, pathway.c.key, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.pathway_id == pathway.c.id)
        .order_by(pathway.c.key)
    )
    if node is not None:
        stmt = stmt.where(pathway.c.id.in_(pathways_matching(session, node)))
    found = session.execute(stmt).all()
    nodes_of = values_by_parent(
        session,
        nodes.c.pathway_id,
        t.molecule.c.key,
        nodes.c.position,
        [p.id for p in found],
        on=t.molecule.c.id == nodes.c.molecule_id,
    )
    curies = identifiers_by_id(session, "pathway", [p.id for p in found])
    return [
        PathwayRow(
            key=key,
            nodes=nodes_of.get(pathway_id, []),
            studies=count,
            identifiers=curies.get(pathway_id, []),
        )
        for pathway_id, key, count in found
    ]


# --- the rest of the review -------------------------------------------------------------------


def curation_notes(
    session: Session, *, kind: str | None = None, subject: str | None = None
) -> list[CurationNoteRow]:
    """The review's errors and contradictions as recorded by the curators."""
    check_arguments(kind=kind, subject=subject)
    note = t.curation_note
    stmt = (
        select(
            note.c.key,
            note.c.kind,
            t.section.c.key.label("section"),
            note.c.subject,
            note.c.review_text,
            note.c.problem,
            note.c.source,
            t.reference.c.number.label("ref"),
        )
        .join(t.section, note.c.section_id == t.section.c.id)
        .outerjoin(t.reference, note.c.reference_id == t.reference.c.id)
        .order_by(note.c.key)
    )
    if kind is not None:
        check_choice("kind", kind, v.CURATION_KINDS)
        stmt = stmt.where(note.c.kind == kind)
    if subject is not None:
        stmt = stmt.where(note.c.subject == subject)
    return [CurationNoteRow(**n._asdict()) for n in session.execute(stmt)]


def exosome_components(session: Session, *, markers_only: bool = False) -> list[ComponentRow]:
    """Section 2's exosome contents; ``markers_only`` keeps the named markers."""
    check_arguments(markers_only=markers_only)
    component, molecule = t.exosome_component, t.molecule
    stmt = (
        select(
            component.c.id,
            molecule.c.key,
            component.c.component_class,
            component.c.group_name,
            component.c.is_marker,
        )
        .join(molecule, molecule.c.id == component.c.molecule_id)
        .order_by(component.c.component_class, component.c.group_name, molecule.c.key)
    )
    if markers_only:
        stmt = stmt.where(component.c.is_marker)
    found = session.execute(stmt).all()
    refs = reference_numbers(
        session, t.exosome_component_reference.c.exosome_component_id, [c.id for c in found]
    )
    return [
        ComponentRow(
            molecule=c.key,
            component_class=c.component_class,
            group=c.group_name,
            is_marker=c.is_marker,
            refs=refs.get(c.id, []),
        )
        for c in found
    ]


def epidemiology(session: Session) -> list[EpidemiologyRow]:
    """Section 1's incidence figures and observations."""
    figure = t.epidemiology
    columns = ("key", "measure", "condition", "value", "unit", "region", "note")
    found = session.execute(
        select(figure.c.id, *(figure.c[c] for c in columns)).order_by(figure.c.key)
    ).all()
    refs = reference_numbers(
        session, t.epidemiology_reference.c.epidemiology_id, [e.id for e in found]
    )
    return [
        EpidemiologyRow(**{c: getattr(e, c) for c in columns}, refs=refs.get(e.id, []))
        for e in found
    ]
