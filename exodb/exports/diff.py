"""What changed between two versions of the evidence: two databases, or two folders of seed
files (an ``exodb export csv`` or a data package), compared entity by entity and key by key.

A database is first written out in the seed format (one read, canonical order, into a
temporary folder), so both sides are compared as the same text a release would publish: a row
is identified by its file's natural key, and a change names the fields whose values differ.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exodb.curation import seedspec as spec

DIFF_FORMATS = ("text", "markdown", "json")


@dataclass
class EntityDiff:
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _rows(text: str, seed: spec.SeedFile) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    return {" / ".join(row[k] for k in seed.key): row for row in reader}


def _folder_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for seed in spec.SEED_FILES:
        path = folder / seed.filename
        texts[seed.name] = path.read_text(encoding="utf-8") if path.exists() else ""
    return texts


def _texts(source: str, work: Path) -> dict[str, str]:
    """The seed files of ``source``: a folder of them as they are, a database written out."""
    path = Path(source)
    if path.is_dir():
        return _folder_texts(path)
    from exodb.curation.seedexport import export_folder
    from exodb.storage.connection import make_engine

    if not (path.exists() or "://" in source):
        raise ValueError(f"{source}: no such database or folder")
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(source, create_parent=False)
    try:
        target = work / f"side{len(list(work.iterdir()))}"
        export_folder(engine, target)
    except DBAPIError as exc:
        # Said of this side: the command's own --db is not what failed.
        reason = str(exc.orig).strip().splitlines()[0]
        raise ValueError(f"{source}: cannot read it as an exodb database ({reason})") from None
    finally:
        engine.dispose()
    return _folder_texts(target)


def compare(first: str, second: str) -> list[EntityDiff]:
    """The differences from ``first`` to ``second`` (databases or folders), by seed file."""
    with tempfile.TemporaryDirectory(prefix="exodb-diff-") as scratch:
        work = Path(scratch)
        before, after = _texts(first, work), _texts(second, work)
    diffs = []
    for seed in spec.SEED_FILES:
        old, new = _rows(before[seed.name], seed), _rows(after[seed.name], seed)
        entity = EntityDiff(seed.name)
        entity.added = sorted(set(new) - set(old))
        entity.removed = sorted(set(old) - set(new))
        for key in sorted(set(old) & set(new)):
            fields = {
                name: {"from": old[key].get(name, ""), "to": value}
                for name, value in new[key].items()
                if old[key].get(name, "") != value
            }
            if fields:
                entity.changed.append({"key": key, "fields": fields})
        if entity:
            diffs.append(entity)
    return diffs


def render_diff(diffs: list[EntityDiff], fmt: str, first: str, second: str) -> str:
    if fmt == "json":
        payload = {
            "from": first,
            "to": second,
            "identical": not diffs,
            "entities": [
                {"file": f"{d.name}.csv", "added": d.added, "removed": d.removed,
                 "changed": d.changed}
                for d in diffs
            ],
        }  # fmt: skip
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if not diffs:
        return f"{first} and {second} hold the same evidence.\n"
    markdown = fmt == "markdown"
    lines = [f"## Changes from {first} to {second}", ""] if markdown else []
    for d in diffs:
        counts = f"+{len(d.added)} -{len(d.removed)} ~{len(d.changed)}"
        lines.append(f"### {d.name}.csv ({counts})" if markdown else f"{d.name}.csv: {counts}")
        bullet = "- " if markdown else "  "
        lines += [f"{bullet}added {_code(k, markdown)}" for k in d.added]
        lines += [f"{bullet}removed {_code(k, markdown)}" for k in d.removed]
        for change in d.changed:
            detail = "; ".join(
                f"{name}: {_code(v['from'], markdown)} -> {_code(v['to'], markdown)}"
                for name, v in change["fields"].items()
            )
            lines.append(f"{bullet}changed {_code(change['key'], markdown)}: {detail}")
        if markdown:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _code(text: str, markdown: bool) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return f"`{shown}`" if markdown else f"'{shown}'"
