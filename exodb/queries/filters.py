"""The study filters: the ids of the studies that pass them, as a SELECT that listings and
reports build on."""

from __future__ import annotations

import difflib
import functools
import inspect
from typing import Any

from sqlalchemy import BigInteger, Select, exists, func, literal, select, true
from sqlalchemy.orm import Session

from exodb.errors import UnknownName
from exodb.names import vocabulary as v
from exodb.names.vocabulary import fold
from exodb.queries.arguments import (
    check_arguments,
    check_choice,
    check_days,
    check_reference_number,
)
from exodb.queries.resolve import (
    cell_source_subtree,
    material_set,
    molecule_set,
    named,
    pathways_matching,
    vocabulary_id,
    vocabulary_ids,
)
from exodb.schema import tables as t

STUDY_FILTERS = (
    "cell_source",
    "cargo",
    "target",
    "molecule",
    "pathway",
    "mechanism",
    "species",
    "injury_model",
    "route",
    "material",
    "modification",
    "separation",
    "has_outcome",
    "quantitative",
    "scale",
    "timepoint",
    "exosome_based",
    "design",
    "ref",
)


def is_reference_number(number: Any) -> Any:
    """``reference.number == number``, the number bound as a BIGINT: PostgreSQL's column is a
    32-bit INTEGER, and a larger number cast to it would be an error instead of no match."""
    return t.reference.c.number == literal(number, BigInteger)


def _check_cited(session: Session, ref: int) -> None:
    """A number the review does not cite is an unknown name, as it is for ``exodb show N``: a
    filter on it would answer "no studies" for a question that has no subject."""
    if session.scalar(select(t.reference.c.id).where(is_reference_number(ref))) is None:
        raise UnknownName("reference", str(ref), [])


def check_filters(function: str, filters: dict[str, Any]) -> None:
    """An unknown filter is a TypeError naming it (and the filters there are), as a misspelt
    keyword argument of any function is."""
    known = list(inspect.signature(study_ids).parameters)[1:]
    for name in filters:
        if name not in known:
            raise TypeError(
                f"{function}() got an unexpected keyword argument '{name}'; the filters are "
                f"{', '.join(known)}"
            )


def given_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters in ``filters`` that change the answer: those not at :func:`study_ids`'s
    default. Compared by identity, so ``timepoint=0`` and ``exosome_based=False`` are filters
    (``0 == False`` and ``False in (None, False)`` would drop them), while ``quantitative=False``
    is the default it is.

    >>> given_filters({"timepoint": 0, "exosome_based": False, "quantitative": False})
    {'timepoint': 0, 'exosome_based': False}
    """
    defaults = _filter_defaults()
    return {k: v for k, v in filters.items() if v is not defaults.get(k)}


@functools.cache
def _filter_defaults() -> dict[str, Any]:
    return {
        name: parameter.default
        for name, parameter in inspect.signature(study_ids).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


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
    injury_model: str | None = None,
    route: str | None = None,
    material: str | None = None,
    modification: str | None = None,
    separation: str | None = None,
    has_outcome: str | None = None,
    quantitative: bool = False,
    scale: str | None = None,
    timepoint: float | None = None,
    exosome_based: bool | None = None,
    design: str | None = None,
    ref: int | None = None,
) -> Select:
    """The ids of the studies that pass every filter given, as a SELECT to build on.

    The filters are those of :func:`studies`; reports use this to honour the same filters.
    Those on what a systematic reviewer extracts from a study:

    - ``injury_model``: one of :data:`~exodb.names.vocabulary.INJURY_MODELS`, the injury of any
      of the study's animal models (``contusion``).
    - ``route``: the study's route, or the route of any of its arms.
    - ``separation``: a separation method by key, name or alias, folded (``sec``, ``UC``), used
      in any of the study's EV preparations.
    - ``scale``: an outcome scale by key, name or alias, folded (``BBB``, ``bbb score``), of any
      of the study's outcome measurements. ``timepoint``: days after injury (0 or more, whole
      or not) of any of its measurements. Given together, they must hold for one and the same
      measurement: ``scale="BMS", timepoint=14`` is a BMS score taken on day 14, not a study
      with a BMS score on some day and another measure on day 14.
    """
    check_arguments(
        cell_source=cell_source,
        cargo=cargo,
        target=target,
        molecule=molecule,
        pathway=pathway,
        mechanism=mechanism,
        species=species,
        injury_model=injury_model,
        route=route,
        material=material,
        modification=modification,
        separation=separation,
        has_outcome=has_outcome,
        quantitative=quantitative,
        scale=scale,
        timepoint=timepoint,
        exosome_based=exosome_based,
        design=design,
        ref=ref,
    )
    check_choice("injury_model", injury_model, v.INJURY_MODELS)
    days = check_days("timepoint", timepoint)
    if ref is not None:
        check_reference_number(ref)
        _check_cited(session, ref)
    study = t.study
    cargo_link, interaction, outcome = t.study_molecule, t.study_interaction, t.outcome
    stmt = select(study.c.id)

    def having(link: Any, condition: Any) -> None:
        nonlocal stmt
        stmt = stmt.where(study.c.id.in_(select(link).where(condition)))

    if cell_source is not None:
        stmt = stmt.where(study.c.cell_source_id.in_(cell_source_subtree(session, cell_source)))
    if cargo is not None:
        having(
            cargo_link.c.study_id,
            cargo_link.c.role.in_(("cargo", "loaded"))
            & cargo_link.c.molecule_id.in_(molecule_set(session, cargo)),
        )
    if target is not None:
        targets = molecule_set(session, target)
        having(interaction.c.study_id, interaction.c.target_id.in_(targets))
    if molecule is not None:
        stmt = stmt.where(study.c.id.in_(_studies_involving(molecule_set(session, molecule))))
    if pathway is not None:
        having(
            t.study_pathway.c.study_id,
            t.study_pathway.c.pathway_id.in_(pathways_matching(session, pathway)),
        )
    if mechanism is not None:
        having(
            t.study_mechanism.c.study_id,
            t.study_mechanism.c.mechanism_id
            == vocabulary_id(session, t.mechanism, "mechanism", mechanism),
        )
    if species is not None:
        subtree = vocabulary_ids(session, t.species, "species", species)
        having(t.study_model.c.study_id, t.study_model.c.species_id.in_(subtree))
    if injury_model is not None:
        animals = t.animal_model
        having(animals.c.study_id, animals.c.injury_model == injury_model)
    if route is not None:
        # One list of ids from two index look-ups: an OR of the two would read every study on
        # PostgreSQL, which tests the arms' subquery against each row.
        route_id = vocabulary_id(session, t.route, "route", route)
        stmt = stmt.where(
            study.c.id.in_(
                select(study.c.id)
                .where(study.c.route_id == route_id)
                .correlate(None)
                .union(select(t.arm.c.study_id).where(t.arm.c.route_id == route_id))
            )
        )
    if material is not None:
        having(
            t.study_material.c.study_id,
            t.study_material.c.material_id.in_(material_set(session, material)),
        )
    if modification is not None:
        having(t.study_modification.c.study_id, _modification_condition(session, modification))
    if separation is not None:
        stmt = stmt.where(study.c.id.in_(_separated_by(session, separation)))
    if has_outcome is not None:
        words = has_outcome.strip().lower()
        having(outcome.c.study_id, func.lower(outcome.c.measure).contains(words, autoescape=True))
    if quantitative:
        having(outcome.c.study_id, outcome.c.value.is_not(None))
    if scale is not None or days is not None:
        having(t.outcome_measurement.c.study_id, _measured(session, scale, days))
    if exosome_based is not None:
        stmt = stmt.where(study.c.exosome_based.is_(exosome_based))
    if design is not None:
        check_choice("design", design, v.STUDY_DESIGNS)
        stmt = stmt.where(study.c.design == design)
    if ref is not None:
        stmt = stmt.where(_cites(ref))
    return stmt


def _separated_by(session: Session, text: str) -> Select:
    """Ids of the studies with an EV preparation separated by the method ``text`` names."""
    (method,) = named(
        session, t.separation_method_name, t.separation_method, "separation method", text
    )
    preparation, used = t.ev_preparation, t.ev_preparation_separation
    return (
        select(preparation.c.study_id)
        .join(used, used.c.ev_preparation_id == preparation.c.id)
        .where(used.c.separation_method_id == method)
    )


def _measured(session: Session, scale: str | None, days: float | None) -> Any:
    """An outcome measurement on the scale ``scale`` names, at ``days`` after injury, or both
    (then of one measurement). Without a scale, every scale is named all the same: the index
    on (scale, time point, study) then finds each scale's measurements at that time point,
    where a time point alone would read every measurement."""
    measurement = t.outcome_measurement.c
    if scale is None:
        on_scale = measurement.outcome_scale_id.in_(select(t.outcome_scale.c.id))
    else:
        (scale_id,) = named(session, t.outcome_scale_name, t.outcome_scale, "outcome scale", scale)
        on_scale = measurement.outcome_scale_id == scale_id
    if days is None:
        return on_scale
    return on_scale & (measurement.timepoint_days == days)


def _cites(ref: int) -> Any:
    """The study cites reference number ``ref``: EXISTS over the reference table, which stays
    in the subquery even where the enclosing SELECT joins it too."""
    reference = t.reference
    return (
        exists(1)
        .where(reference.c.id == t.study.c.reference_id, is_reference_number(ref))
        .select_from(reference)
        .correlate_except(reference)
    )


def _studies_involving(members: list[int] | Select) -> Select:
    """Ids of the studies that involve any of ``members`` in any part: the uses that
    :func:`molecules` counts."""
    cargo, interaction = t.study_molecule, t.study_interaction
    modification = t.study_modification
    return (
        select(cargo.c.study_id)
        .where(cargo.c.molecule_id.in_(members))
        .union(
            select(interaction.c.study_id).where(interaction.c.regulator_id.in_(members)),
            select(interaction.c.study_id).where(interaction.c.target_id.in_(members)),
            select(modification.c.study_id).where(modification.c.molecule_id.in_(members)),
        )
    )


def _modification_condition(session: Session, text: str) -> Any:
    modification = t.study_modification
    folded = fold(text)
    for kind in v.MODIFICATION_KINDS:
        if folded == fold(kind) or (len(folded) >= 4 and fold(kind).startswith(folded)):
            return modification.c.kind == kind
    try:
        members = molecule_set(session, text)
    except UnknownName:
        close = difflib.get_close_matches(text, v.MODIFICATION_KINDS, n=3, cutoff=0.4)
        raise UnknownName("modification", text, close or list(v.MODIFICATION_KINDS)) from None
    return modification.c.molecule_id.in_(members)


def among(column: Any, ids: Select) -> Any:
    """``column IN (ids)``, or no condition at all when ``ids`` selects every study: an unfiltered
    report should not make the database build and probe a list of all study ids."""
    if ids.whereclause is None:
        return true()
    return column.in_(ids)
