"""Datasette's metadata for an exodb database, generated from exodb's own schema.

Everything here comes from what exodb already declares once: the tables' and columns' comments
(what `exodb schema` shows), the views' comments, the enumerations and foreign keys of the Core
tables, and the SQL cookbook. A new column or view is described in the web UI as soon as it is
described in the schema; nothing is written twice.

The result is plain JSON (Datasette's ``metadata.json``), so it can be written for users who run
or publish Datasette themselves (``exodb serve --metadata-only FILE``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Enum, Table, inspect
from sqlalchemy.engine import Engine

from exodb.exports.bibliography import REVIEW, REVIEW_CITATION, REVIEW_URL
from exodb.schema.describe import VIEW_COMMENTS, describe, view_column_comment
from exodb.schema.migrations import FTS_TABLE, STUDY_FTS_TABLE
from exodb.schema.tables import metadata as schema_metadata
from exodb.version import __version__
from exodb.web.cookbook import Recipe, recipes

TITLE = "exodb: exosome therapies for spinal cord injury"
DESCRIPTION = (
    "Cell sources, exosome cargo, targets, signalling pathways, mechanisms, species, delivery "
    "systems, outcomes and extracted primary studies, each row traceable to the reference "
    "number and section of the review it was curated from. Read-only. The views named "
    "*_link and study_dimensions join the many-to-many links with readable names for facets; "
    "the canned queries below the tables are the questions of exodb's SQL cookbook."
)
# The curated seeds are distributed with exodb's code under its licence (pyproject.toml); the
# review's own licence is not claimed, and its words quoted in curation notes stay its own.
LICENSE = (
    "MIT, as exodb (pyproject.toml); the facts are curated from the source review, and the "
    "quotations in curation notes are the review's own words"
)
SOURCE = f"{REVIEW_CITATION} doi:{REVIEW['doi']}"
SOURCE_URL = REVIEW_URL

# Bookkeeping that says nothing about the evidence: hidden from the table list (still reachable
# by URL and by SQL, as Datasette's hidden tables are).
INTERNAL_TABLES = ("alembic_version", "data_version", "report_cache", "import_log")
# Columns whose name carries their unit, as Datasette's (pint's) unit names.
UNIT_SUFFIXES = (("_hours", "hour"), ("_days", "day"), ("_nm", "nanometer"))
# Default facets of the views, where a column's values are few and worth counting.
VIEW_FACETS: dict[str, list[Any]] = {
    "study_mechanism_link": ["mechanism", "cell_source", "exosome_based"],
    "study_species_link": ["species", "cell_source", "is_primate"],
    "study_cargo_link": ["cargo_kind", "role", "cell_source"],
    "study_pathway_node_link": ["node", "pathway_effect", "cell_source"],
    "study_dimensions": [
        {"array": "mechanisms"},
        {"array": "species"},
        "cell_source",
        "design",
    ],
    "study_cargo_pathway": ["cargo_kind", "pathway_effect", "cell_source"],
    "cell_source_comparison": ["immunogenicity", "clinical_potential"],
    "outcome_detail": ["direction", "species"],
    "arm_measurement": ["scale", "role", "species"],
}
# Foreign keys whose target has few rows, so that a facet on them stays short and useful.
FACET_TARGETS = {"cell_source", "species", "route", "mechanism", "outcome_scale"}
MAX_FACETS = 4


def _label_column(table: Table) -> str | None:
    """The column that names a row where a foreign key points at it (Datasette would find
    ``name`` and ``title`` itself, and nothing for a table keyed by ``key``)."""
    names = set(table.columns.keys())
    if table.name == "reference":
        return "number"  # reviewers cite by reference number
    if names & {"name", "title"}:
        return "name" if "name" in names else "title"
    for candidate in ("label", "key", "curie"):
        if candidate in names:
            return candidate
    return None


def _sort(table: Table) -> str | None:
    names = table.columns.keys()
    for candidate in ("number", "position", "key", "label"):
        if candidate in names:
            return candidate
    return None


def _facets(table: Table) -> list[str]:
    """Enumerations and flags first, then foreign keys to short lists (cell sources, species)."""
    graded = [c.name for c in table.columns if isinstance(c.type, Enum | Boolean)]
    linked = [
        c.name
        for c in table.columns
        if any(fk.column.table.name in FACET_TARGETS for fk in c.foreign_keys)
    ]
    return (graded + linked)[:MAX_FACETS]


def _units(columns: list[str]) -> dict[str, str]:
    return {
        name: unit for name in columns for suffix, unit in UNIT_SUFFIXES if name.endswith(suffix)
    }


def _name_the_codes(table: Table, columns: dict[str, str]) -> None:
    """A graded or coded column shows its codes (``relatively_high``); its description lists
    every code in the vocabulary's order (grades from lowest), unless it already does."""
    for column in table.columns:
        if isinstance(column.type, Enum) and column.name in columns:
            codes = list(column.type.enums)
            if not all(code in columns[column.name] for code in codes):
                columns[column.name] = f"{columns[column.name]} Codes: {', '.join(codes)}."


def canned_query(recipe: Recipe) -> dict[str, Any]:
    """One cookbook question as a Datasette canned query."""
    description = f"Question {recipe.number} of exodb's SQL cookbook."
    if recipe.parameters:
        example = ", ".join(f"{name} = {value}" for name, value in recipe.parameters)
        description += f" The cookbook's table is for {example}."
    if recipe.on_example:
        description += (
            " It reads the extraction tables, which the bundled database leaves empty; it "
            "returns rows once primary studies are extracted."
        )
    query: dict[str, Any] = {
        "title": f"{recipe.number}. {recipe.question}",
        "description": description,
        "sql": recipe.sql.strip(),
    }
    if recipe.names:
        query["params"] = recipe.names
    return query


def _table_metadata(
    name: str, description: str | None, columns: dict[str, str], table: Table | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if description:
        entry["description"] = description
    if columns:
        entry["columns"] = columns
    units = _units(list(columns))
    if units:
        entry["units"] = units
    if table is not None:
        label = _label_column(table)
        if label:
            entry["label_column"] = label
        sort = _sort(table)
        if sort:
            entry["sort"] = sort
        facets = _facets(table)
        if facets:
            entry["facets"] = facets
    elif name in VIEW_FACETS:
        entry["facets"] = VIEW_FACETS[name]
    return entry


def datasette_metadata(engine: Engine, database: str) -> dict[str, Any]:
    """Datasette's metadata for the exodb database ``engine`` reaches, served as ``database``
    (Datasette names a database by its file name without the suffix)."""
    docs = describe(engine)
    by_table: dict[str, dict[str, str]] = {}
    for doc in docs:
        # A view's first row in `exodb schema` also carries the view's comment; here the view
        # has its own description, so a column says only what it means.
        meaning = view_column_comment(doc.table, doc.column) if doc.kind == "view" else doc.comment
        by_table.setdefault(doc.table, {})[doc.column] = meaning or ""
    tables: dict[str, Any] = {}
    for name, columns in sorted(by_table.items()):
        table = schema_metadata.tables.get(name)
        if table is not None:
            _name_the_codes(table, columns)
        description = table.comment if table is not None else VIEW_COMMENTS.get(name)
        tables[name] = _table_metadata(name, description, columns, table)
    present = inspect(engine).get_table_names()
    for name in present:
        if name in INTERNAL_TABLES or name.startswith(FTS_TABLE) or name == "search_document":
            tables.setdefault(name, {})["hidden"] = True
    if STUDY_FTS_TABLE in present:
        tables["study"].update(fts_table=STUDY_FTS_TABLE, fts_pk="id")
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "license": LICENSE,
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "about": f"exodb {__version__}",
        "databases": {
            database: {
                "description": DESCRIPTION,
                "tables": tables,
                "queries": {recipe.slug: canned_query(recipe) for recipe in recipes()},
            }
        },
    }
