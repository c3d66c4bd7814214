"""The canonical form of a seed file: spec column order, rows sorted by key, minimal quoting.

Keeping seed files canonical makes a diff of seeds/ show only real changes of evidence; a test
checks the bundled files, and ``rewrite_canonical`` puts a folder into that form.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from exodb import seedspec as spec
from exodb.loader import Problem, SeedError, _convert


def canonical_text(seed: spec.SeedFile, text: str, path: str = "<text>") -> str:
    """``text`` (one seed file's content) in canonical form."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    problems: list[Problem] = []
    keyed = []
    for record in reader:
        if not any((value or "").strip() for value in record.values()):
            continue
        key = tuple(
            _convert(seed.column(k), record.get(k) or "", (path, reader.line_num), problems)
            for k in seed.key
        )
        keyed.append((spec.canonical_key(key), record))
    if problems:
        raise SeedError(problems)
    keyed.sort(key=lambda item: item[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [c.name for c in seed.columns]
    writer.writerow(names)
    for _, record in keyed:
        writer.writerow([(record.get(n) or "").strip() for n in names])
    return out.getvalue()


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
            path.write_text(canonical, encoding="utf-8")
            changed.append(seed.filename)
    return changed
