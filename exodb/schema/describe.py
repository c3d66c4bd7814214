"""The schema described by exodb itself: tables, views, columns, keys and comments.

Tables come from the Core tables (which carry the comments, whatever the backend keeps); views come
from the database, since migrations create them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, inspect

from exodb.schema.migrations import FTS_TABLE
from exodb.schema.tables import metadata

VIEW_COMMENTS = {
    "study_cargo_pathway": "One row per study x cargo x pathway, with readable names and the "
    "reference number.",
    "cell_source_comparison": "Table 1: each compared source with its graded attributes, their "
    "ranks (1 = lowest) and its references.",
    "outcome_detail": "Every outcome with its study, reference and species.",
    "cell_source_ancestry": "Each cell source with itself and every ancestor, and the distance "
    "to it (0 = itself).",
    "arm_measurement": "One row per arm-level outcome measurement, with its study, source, "
    "species, dose, time point and scale.",
    "study_risk_of_bias": "One row per study appraised with SYRCLE: its judgement in each of the "
    "ten domains, and how many are low, high and unclear.",
    "study_mechanism_link": "One row per study x mechanism (Table 2), by key and name, with the "
    "study's reference, first author, cell source and whether it is exosome-based.",
    "study_species_link": "One row per study x species, with its injury model and the study's "
    "reference, first author, cell source and whether it is exosome-based.",
    "study_cargo_link": "One row per study x cargo molecule (carried or loaded), with its kind, "
    "role, whether the role is inferred, and the study's reference and cell source.",
    "study_pathway_node_link": "One row per study x node of a pathway the study reports: the "
    "pathway, its effect, the node's position and molecule, and the study's reference.",
    "study_dimensions": "One row per study: its design, cell source and route, and its "
    "mechanisms, species, cargo and pathway nodes as JSON arrays of keys.",
}


@dataclass(frozen=True)
class ColumnDoc:
    table: str
    kind: str
    column: str
    type: str
    nullable: bool
    key: str
    references: str | None
    comment: str | None


def describe(engine: Engine, table: str | None = None) -> list[ColumnDoc]:
    """One row per column of every table and view (or of ``table`` only)."""
    docs: list[ColumnDoc] = []
    for t in sorted(metadata.tables.values(), key=lambda t: t.name):
        if table and t.name != table:
            continue
        unique = {
            c.name
            for u in t.constraints
            if u.__class__.__name__ == "UniqueConstraint" and len(u.columns) == 1
            for c in u.columns
        }
        unique |= {c.name for c in t.columns if c.unique}
        for c in t.columns:
            fk = next(iter(c.foreign_keys), None)
            keys = [
                k
                for k, on in (
                    ("PK", c.primary_key),
                    ("FK", fk is not None),
                    ("UK", c.name in unique),
                )
                if on
            ]
            docs.append(
                ColumnDoc(
                    table=t.name,
                    kind="table",
                    column=c.name,
                    type=str(c.type.compile(dialect=engine.dialect)),
                    nullable=bool(c.nullable),
                    key=" ".join(keys),
                    references=fk.target_fullname if fk is not None else None,
                    comment=c.comment if c.comment else (t.comment if c.name == "id" else None),
                )
            )
    inspector = inspect(engine)
    for view in sorted(inspector.get_view_names()):
        if (table and view != table) or view.startswith(FTS_TABLE):
            continue
        for c in inspector.get_columns(view):
            docs.append(
                ColumnDoc(
                    view,
                    "view",
                    c["name"],
                    str(c["type"]),
                    True,
                    "",
                    None,
                    VIEW_COMMENTS.get(view) if not docs or docs[-1].table != view else None,
                )
            )
    if table and not docs:
        raise ValueError(f"no table or view named '{table}'")
    return docs


def mermaid(engine: Engine) -> str:
    """An entity-relationship diagram in Mermaid syntax (renders on GitHub)."""
    lines = ["erDiagram"]
    for t in sorted(metadata.tables.values(), key=lambda t: t.name):
        lines.append(f"    {t.name} {{")
        for c in t.columns:
            type_name = re.sub(r"\W.*", "", str(c.type.compile(dialect=engine.dialect))) or "TEXT"
            marks = ",".join(
                m for m, on in (("PK", c.primary_key), ("FK", bool(c.foreign_keys))) if on
            )
            lines.append(f"        {type_name} {c.name}{' ' + marks if marks else ''}")
        lines.append("    }")
    for t in sorted(metadata.tables.values(), key=lambda t: t.name):
        for c in t.columns:
            for fk in c.foreign_keys:
                parent = fk.column.table.name
                left = "|o" if c.nullable else "||"
                lines.append(f'    {parent} {left}--o{{ {t.name} : "{c.name}"')
    return "\n".join(lines) + "\n"
