"""The database as a Frictionless Data Package: the seed-format CSV files (as ``exodb export
csv`` writes them) and a ``datapackage.json`` that describes each one with a Table Schema
(field types, enumerations, required fields, primary keys, foreign keys, descriptions).

The descriptor is generated from the one specification the loader reads
(:mod:`exodb.curation.seedspec`) and the column comments ``exodb schema`` shows, so the data
dictionary cannot drift from what exodb accepts. ``frictionless validate datapackage.json``
checks the files against it, foreign keys included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exodb.curation import seedspec as spec
from exodb.exports.bibliography import REVIEW_CITATION, REVIEW_URL

PROFILE = "tabular-data-package"
LIST_NOTE = "A list, its items separated by ';'."


def _type(col: spec.Column) -> dict[str, Any]:
    if col.kind == spec.INT or (col.kind == spec.REF and col.target == "references"):
        return {"type": "integer"}
    if col.kind == spec.FLOAT:
        return {"type": "number"}
    if col.kind == spec.BOOL:
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    return {"type": "string"}


def _field(seed: spec.SeedFile, col: spec.Column, comments: dict[str, str]) -> dict[str, Any]:
    field: dict[str, Any] = {"name": col.name, **_type(col)}
    description = comments.get(f"{seed.table}.{col.db or col.name}")
    if col.kind in (spec.TEXT_LIST, spec.REF_LIST):
        description = f"{description} {LIST_NOTE}" if description else LIST_NOTE
    if col.kind == spec.REF and not description:
        description = f"A key of {col.target}.csv."
    if description:
        field["description"] = description
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.kind == spec.ENUM:
        constraints["enum"] = list(col.values)
    if col.minimum is not None:
        constraints["minimum"] = col.minimum
    if col.maximum is not None:
        constraints["maximum"] = col.maximum
    if constraints:
        field["constraints"] = constraints
    return field


def _foreign_keys(seed: spec.SeedFile) -> list[dict[str, Any]]:
    keys = []
    for col in seed.columns:
        if col.kind != spec.REF or col.target is None:
            continue
        target = spec.BY_NAME[col.target]
        # A row named within a study is pointed at by (study, its name). Frictionless reads a
        # composite key with an empty part as broken (SQL would skip it), so an optional one
        # checks the name alone: that it names some row (the loader checks it is this study's).
        if col.scope is not None and target.scope is not None and col.required:
            fields, referred = [col.scope, col.name], [target.scope, target.key_column]
        else:
            fields, referred = [col.name], [target.key_column or target.key[0]]
        resource = "" if target.name == seed.name else target.name
        keys.append({"fields": fields, "reference": {"resource": resource, "fields": referred}})
    return keys


def _comments() -> dict[str, str]:
    from exodb.schema import tables as t

    return {
        f"{table.name}.{column.name}": column.comment
        for table in t.metadata.tables.values()
        for column in table.columns
        if column.comment
    }


def descriptor(version: str, stamp: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` of a seed-format export by exodb ``version``."""
    comments = _comments()
    resources = []
    for seed in spec.SEED_FILES:
        schema: dict[str, Any] = {
            "fields": [_field(seed, col, comments) for col in seed.columns],
            "missingValues": [""],
        }
        # A primary key cannot have an empty part; a natural key with an optional column (an
        # outcome's species) is unique in the database all the same, and said so here.
        optional = [name for name in seed.key if not seed.column(name).required]
        if optional:
            schema["description"] = (
                f"Rows are unique by ({', '.join(seed.key)}); {', '.join(optional)} may be empty."
            )
        else:
            schema["primaryKey"] = list(seed.key)
        foreign = _foreign_keys(seed)
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append(
            {
                "name": seed.name,
                "path": seed.filename,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    package: dict[str, Any] = {
        "profile": PROFILE,
        "name": "exodb",
        "title": "exodb: exosome therapies for spinal cord injury, from one curated review",
        "description": (
            "Cell sources, cargo, targets, pathways, mechanisms, species, delivery systems, "
            "outcomes and extracted primary studies, each traceable to the review's reference "
            "numbers, in exodb's seed format."
        ),
        "version": version,
        "sources": [
            {
                "title": REVIEW_CITATION,
                "path": REVIEW_URL,
            }
        ],
        "resources": resources,
    }
    if stamp:
        package["exodb"] = stamp
    return package


def write_descriptor(folder: Path, version: str, stamp: dict[str, Any] | None = None) -> Path:
    """Write ``datapackage.json`` into ``folder`` (atomically)."""
    from exodb.io.safefile import write_text

    path = folder / "datapackage.json"
    write_text(path, json.dumps(descriptor(version, stamp), ensure_ascii=False, indent=2) + "\n")
    return path


def release_stamp(files: dict[str, dict[str, Any]], revision: str) -> dict[str, Any]:
    """The release stamp of the exported ``files`` (as the export's manifest lists them)."""
    from exodb.curation.stamp import content_sha256, stamp

    return stamp(revision, content_sha256({name: f["sha256"] for name, f in files.items()}))


def export_datapackage(engine: Any, folder: Path, progress: Any = None, **options: Any) -> dict:
    """Export the database as seed files with ``datapackage.json`` (one read, one swap of the
    folder: a kill leaves the earlier export or this one). Returns the release stamp."""
    from exodb.curation.seedexport import export_folder
    from exodb.schema import migrations

    revision = migrations.current_revision(engine) or ""
    stamp: dict[str, Any] = {}

    def also(target: Path, files: dict[str, dict[str, Any]]) -> None:
        stamp.update(release_stamp(files, revision))
        write_descriptor(target, stamp["exodb_version"], stamp)

    export_folder(engine, folder, progress, also=also, **options)
    return stamp
