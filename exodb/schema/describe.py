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
    "study_cargo_link": "One row per study x cargo molecule x role (carried or loaded), with "
    "its kind, whether the role is inferred, and the study's reference and cell source.",
    "study_pathway_node_link": "One row per study x node of a pathway the study reports: the "
    "pathway, its effect, the node's position and molecule, and the study's reference.",
    "study_dimensions": "One row per study: its design, cell source and route, and its "
    "mechanisms, species, cargo and pathway nodes as JSON arrays of keys.",
}


# The tables a view's columns come from, in the order a name is looked up: a view column named
# as a column of one of them means what that column means.
VIEW_SOURCES = {
    "study_cargo_pathway": ("study", "study_molecule", "study_pathway"),
    "cell_source_comparison": ("cell_source_profile", "cell_source"),
    "outcome_detail": ("outcome", "study"),
    "cell_source_ancestry": (),
    "arm_measurement": ("arm", "outcome_measurement", "animal_model", "study"),
    "study_risk_of_bias": ("study",),
    "study_mechanism_link": ("study",),
    "study_species_link": ("study", "species"),
    "study_cargo_link": ("study", "study_molecule"),
    "study_pathway_node_link": ("study",),
    "study_dimensions": ("study",),
}
# What the views' columns that are keys of other rows, ranks or counts mean.
VIEW_COLUMNS = {
    "study": "The study's key.",
    "ref": "The review's reference number of the study.",
    "section": "The key of the review section that describes the study.",
    "cell_source": "The key of the cell source of the exosomes.",
    "ancestor": "The key of the cell source itself or of one of its ancestors.",
    "depth": "Steps from the cell source up to the ancestor (0 = itself).",
    "species": "The species' key.",
    "species_name": "The species' name.",
    "cargo": "The key of the molecule the exosomes carry or were loaded with.",
    "cargo_kind": "The kind of the cargo molecule (miRNA, protein, ...).",
    "cargo_role": "Whether the exosomes carry the molecule (cargo) or were loaded with it.",
    "pathway": "The pathway's key: its nodes in order, joined by '/'.",
    "pathway_effect": "What the study reports the exosomes do to the pathway.",
    "mechanism": "The key of the mechanism category (Table 2).",
    "mechanism_name": "The mechanism category's name as Table 2 gives it.",
    "node_position": "The node's position along the pathway (1 = first).",
    "node": "The key of the molecule at that node.",
    "node_kind": "The kind of the node's molecule.",
    "route": "The key of the study's route of administration (its arms may name others).",
    "mechanisms": "A JSON array of the keys of the study's mechanism categories.",
    "pathway_nodes": "A JSON array of the keys of the molecules on the study's pathways.",
    "name": "The cell source's name.",
    "abbreviation": "The cell source's abbreviation, where the review gives one.",
    "refs": "The reference numbers Table 1 cites for the cell source, in order.",
    "acquisition_rank": "The acquisition grade as a rank: 1 = easy ... 4 = difficult.",
    "expansion_rank": "The expansion grade as a rank: 1 = limited ... 3 = high.",
    "immunogenicity_rank": "The immunogenicity grade as a rank: 1 = low ... 3 = high.",
    "clinical_potential_rank": "The clinical potential grade as a rank: 1 = moderate ... 3 = high.",
    "arm": "The arm's label within its study.",
    "control_arm": "The label of the arm this arm is compared with.",
    "preparation": "The label of the EV preparation the arm received.",
    "separation": "The preparation's separation methods, in order, joined by ';'.",
    "animal_model": "The label of the arm's animal model.",
    "scale": "The key of the outcome scale measured.",
    "higher_is_better": "True where a higher score on the scale means a better outcome.",
    "scale_minimum": "The lowest score the scale allows.",
    "scale_maximum": "The highest score the scale allows.",
    "low": "How many SYRCLE domains were judged at low risk of bias.",
    "high": "How many SYRCLE domains were judged at high risk of bias.",
    "unclear": "How many SYRCLE domains were judged unclear.",
}
# Columns that mean one thing in one view (a SYRCLE domain's judgement, say).
VIEW_COLUMNS_BY_VIEW = {
    ("study_dimensions", "species"): "A JSON array of the keys of the species the study names "
    "(as named: a subspecies is not counted under its species).",
    ("study_species_link", "injury_model"): "The study's injury model in that species.",
    ("study_cargo_link", "role"): "Whether the exosomes carry the molecule (cargo) or were "
    "loaded with it (loaded).",
    ("arm_measurement", "route"): "The key of the arm's route of administration (for a treated "
    "arm that names none, the study's).",
    ("arm_measurement", "unit"): "The unit of the value (the measurement's own, else the scale's).",
    ("study_dimensions", "cargo"): "A JSON array of the keys of the study's cargo molecules.",
}


def view_column_comment(view: str, column: str) -> str | None:
    """What ``column`` of ``view`` means: its own entry, else the column of the same name in the
    tables the view reads (``VIEW_SOURCES``), else, for a SYRCLE domain, its judgement."""
    if (view, column) in VIEW_COLUMNS_BY_VIEW:
        return VIEW_COLUMNS_BY_VIEW[view, column]
    if column in VIEW_COLUMNS:
        return VIEW_COLUMNS[column]
    for name in VIEW_SOURCES.get(view, ()):
        source = metadata.tables[name].columns.get(column)
        if source is not None and source.comment:
            return source.comment
    if view == "study_risk_of_bias":
        domain = column.replace("_", " ")
        return f"The SYRCLE judgement (low, high, unclear) in the domain '{domain}'."
    return None


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
        for position, c in enumerate(inspector.get_columns(view)):
            comment = view_column_comment(view, c["name"])
            # The view's own comment leads its first row, as a table's leads its id's row.
            if position == 0 and view in VIEW_COMMENTS:
                lead = VIEW_COMMENTS[view]
                comment = f"{lead} {c['name']}: {comment}" if comment else lead
            docs.append(ColumnDoc(view, "view", c["name"], str(c["type"]), True, "", None, comment))
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
