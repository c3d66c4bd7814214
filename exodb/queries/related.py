"""Rows that hang from other rows (a study's cargo, a profile's references), read for many
parents at once: one statement per relation for every ``CHUNK`` parent ids, each parent's rows
in the relation's own order. Also the SELECT of studies with the keys of what they point to."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from exodb.schema import tables as t

# Parent ids per statement, each a bound parameter: well below the 999 variables of SQLite
# before 3.32 (32766 after, 65535 on PostgreSQL).
CHUNK = 500


def chunks(ids: Sequence[Any]) -> list[Sequence[Any]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def by_parent(
    session: Session, stmt: Select, parent: Any, ids: Sequence[int]
) -> dict[int, list[Row]]:
    """The rows of ``stmt`` whose ``parent`` column is one of ``ids``, grouped by it, in the
    order of ``stmt``. The parent's id is the first column of every row."""
    found: dict[int, list[Row]] = {}
    for chunk in chunks(ids):
        for row in session.execute(stmt.where(parent.in_(chunk))):
            found.setdefault(row[0], []).append(row)
    return found


def values_by_parent(
    session: Session, parent: Any, value: Any, order: Any, ids: Sequence[int], on: Any = None
) -> dict[int, list[Any]]:
    """The ``value`` of the rows under each of ``ids`` (``parent`` is their parent's column), in
    ``order``; ``on`` joins the table of ``value`` where it is another one."""
    stmt = select(parent, value).order_by(order)
    if on is not None:
        stmt = stmt.join(value.table, on)
    found = by_parent(session, stmt, parent, ids)
    return {key: [v for _, v in rows] for key, rows in found.items()}


def reference_numbers(session: Session, owner: Any, ids: Sequence[int]) -> dict[int, list[int]]:
    """The reference numbers each of ``ids`` cites, in number order. ``owner`` is the owner's
    column of a ``*_reference`` link table (``t.epidemiology_reference.c.epidemiology_id``)."""
    number = t.reference.c.number
    on = t.reference.c.id == owner.table.c.reference_id
    return values_by_parent(session, owner, number, number, ids, on)


def studies_with_keys(*columns: Any) -> Select:
    """SELECT each study's own fields, the keys of its section, cell source and route, and
    ``columns`` (of the study or of its reference, joined when it has one)."""
    study, reference, source, route = t.study, t.reference, t.cell_source, t.route
    return (
        select(
            study.c.id,
            study.c.key,
            study.c.first_author,
            study.c.design,
            study.c.exosome_based,
            study.c.summary,
            t.section.c.key.label("section"),
            source.c.key.label("cell_source"),
            route.c.key.label("route"),
            *columns,
        )
        .outerjoin(reference, reference.c.id == study.c.reference_id)
        .outerjoin(t.section, t.section.c.id == study.c.section_id)
        .outerjoin(source, source.c.id == study.c.cell_source_id)
        .outerjoin(route, route.c.id == study.c.route_id)
    )


@functools.cache
def study_parts() -> dict[str, tuple[Select, Any]]:
    """What a study links to, by part: the statement (the study's id first) and its study column,
    each in the order a study lists that part. Built on first use, then kept."""
    molecule, species = t.molecule, t.species
    cargo, interaction, pathway, model = (
        t.study_molecule,
        t.study_interaction,
        t.study_pathway,
        t.study_model,
    )
    regulator, target = molecule.alias("regulator"), molecule.alias("target")
    mechanism, material = t.study_mechanism, t.study_material
    modification, outcome = t.study_modification, t.outcome
    statements = {
        "molecules": select(
            cargo.c.study_id,
            molecule.c.key.label("molecule"),
            cargo.c.role,
            cargo.c.inferred,
            cargo.c.note,
        )
        .join(molecule, molecule.c.id == cargo.c.molecule_id)
        .order_by(cargo.c.id),
        "interactions": select(
            interaction.c.study_id,
            regulator.c.key.label("regulator"),
            target.c.key.label("target"),
            interaction.c.effect,
            interaction.c.note,
        )
        .join(regulator, regulator.c.id == interaction.c.regulator_id)
        .join(target, target.c.id == interaction.c.target_id)
        .order_by(interaction.c.id),
        "pathways": select(
            pathway.c.study_id, t.pathway.c.key.label("pathway"), pathway.c.effect, pathway.c.note
        )
        .join(t.pathway, t.pathway.c.id == pathway.c.pathway_id)
        .order_by(pathway.c.id),
        "mechanisms": select(mechanism.c.study_id, t.mechanism.c.key)
        .join(t.mechanism, t.mechanism.c.id == mechanism.c.mechanism_id)
        .order_by(t.mechanism.c.position),
        "models": select(
            model.c.study_id, species.c.key.label("species"), model.c.model, model.c.note
        )
        .join(species, species.c.id == model.c.species_id)
        .order_by(model.c.id),
        "materials": select(material.c.study_id, t.material.c.key)
        .join(t.material, t.material.c.id == material.c.material_id)
        .order_by(t.material.c.key),
        "modifications": select(
            modification.c.study_id,
            modification.c.kind,
            molecule.c.key.label("molecule"),
            modification.c.note,
        )
        .outerjoin(molecule, molecule.c.id == modification.c.molecule_id)
        .order_by(modification.c.id),
        "outcomes": select(
            outcome.c.study_id,
            outcome.c.measure,
            outcome.c.direction,
            outcome.c.value,
            outcome.c.unit,
            outcome.c.relative_to,
            species.c.key.label("species"),
            outcome.c.note,
        )
        .outerjoin(species, species.c.id == outcome.c.species_id)
        .order_by(outcome.c.id),
    }
    return {part: (stmt, stmt.selected_columns[0]) for part, stmt in statements.items()}


def parts_of_studies(session: Session, ids: Sequence[int]) -> dict[str, dict[int, list[Row]]]:
    """Every part of each of the studies ``ids``: ``parts["outcomes"][study_id]``, and so on."""
    return {
        part: by_parent(session, stmt, study, ids) for part, (stmt, study) in study_parts().items()
    }
