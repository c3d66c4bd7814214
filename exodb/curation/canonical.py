"""The canonical form of a seed file: spec column order, rows sorted by key, values written one
way (numbers without trailing zeros, reference lists in numeric order, minimal quoting).

Export writes this form, and the bundled seeds are kept in it, so a diff of seeds/ shows only real
changes of evidence. ``rewrite_canonical`` puts a folder into that form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain
from pathlib import Path
from typing import Any

from exodb.curation import seedspec as spec
from exodb.curation.seedread import parse_text
from exodb.errors import Problem, SeedError
from exodb.io.escape import csv_text
from exodb.io.escape import spreadsheet_safe as mark_formula
from exodb.io.safefile import write_text


def format_value(column: spec.Column, value: Any) -> str:
    """One parsed value as the seed files write it."""
    if value is None:
        return ""
    if column.kind in (spec.TEXT_LIST, spec.REF_LIST):
        items = list(value)
        if column.kind == spec.REF_LIST and column.target == "references":
            items = sorted(items)
        return ";".join(str(item) for item in items)
    if column.kind == spec.BOOL:
        return "true" if value else "false"
    if column.kind == spec.FLOAT:
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip()


def canonical_rows(
    seed: spec.SeedFile, rows: Iterable[Mapping[str, Any]], *, spreadsheet_safe: bool = False
) -> str:
    """Rows of parsed values (as the loader reads them) in canonical CSV form: every value as it
    is, unless ``spreadsheet_safe`` marks the cells a spreadsheet would run as formulas."""
    keyed = sorted(rows, key=lambda r: spec.canonical_key(tuple(r.get(k) for k in seed.key)))

    def cells(row: Mapping[str, Any]) -> list[str]:
        values = [format_value(c, row.get(c.name)) for c in seed.columns]
        return [mark_formula(v) for v in values] if spreadsheet_safe else values

    return csv_text(chain([[c.name for c in seed.columns]], map(cells, keyed)))


def canonical_text(seed: spec.SeedFile, text: str, path: str = "<text>") -> str:
    """``text`` (one seed file's content) in canonical form."""
    problems: list[Problem] = []
    rows = parse_text(seed, text.lstrip("\ufeff"), path, problems)
    if problems:
        raise SeedError(problems)
    return canonical_rows(seed, (row.values for row in rows))


def rewrite_canonical(folder: Path) -> list[str]:
    """Rewrite every seed file in ``folder`` in canonical form; returns the files changed."""
    changed = []
    for seed in spec.SEED_FILES:
        path = Path(folder) / seed.filename
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        canonical = canonical_text(seed, text, str(path))
        if canonical != text:
            write_text(path, canonical)  # whole or not at all: these are the curated seeds
            changed.append(seed.filename)
    return changed
