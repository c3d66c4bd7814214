"""Read seed CSV files into parsed rows: encoding, CSV syntax, columns, types and limits.

Reading is the first half of every load and of ``exodb validate``; it touches no database. Each
problem is reported as ``file:line: column: problem``, and reading goes on so that one run lists
every problem in a file.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exodb import seedspec as spec
from exodb.errors import Problem
from exodb.models import Base

_INT = re.compile(r"^[+-]?\d+$")


class Row:
    """One parsed CSV record: its line and its values, in the spec's column order.

    A tuple per row (and one shared column index per file) keeps a million-row import small;
    ``row.values`` reads like the mapping it stands for (``row.values["key"]``).
    """

    __slots__ = ("line", "data", "index")

    def __init__(self, line: int, data: tuple, index: dict[str, int]):
        self.line, self.data, self.index = line, data, index

    @property
    def values(self) -> Row:
        return self

    def get(self, name: str, default: Any = None) -> Any:
        position = self.index.get(name)
        return default if position is None else self.data[position]

    def __getitem__(self, name: str) -> Any:
        return self.data[self.index[name]]

    def keys(self) -> list[str]:
        return list(self.index)


@dataclass
class SeedSet:
    """Parsed seed files, keyed by file name (``cell_sources``), before any database work."""

    folder: Path
    files: dict[str, list[Row]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)


# --- reading ---------------------------------------------------------------------------------


BOM = b"\xef\xbb\xbf"
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024


def _decode(path: Path, problems: list[Problem]) -> str | None:
    raw = path.read_bytes()
    if raw.startswith(BOM):
        problems.append(
            Problem(
                str(path),
                1,
                "-",
                "the file starts with a byte-order mark (BOM), as 'CSV UTF-8' in spreadsheet "
                "programs writes; save it as plain UTF-8 without a BOM",
            )
        )
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                str(path),
                line,
                "-",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        )
        return None


def _convert(col: spec.Column, raw: str, where: tuple[str, int], problems: list[Problem]) -> Any:
    path, line = where
    value = raw.strip()
    if "\x00" in value:
        problems.append(Problem(path, line, col.name, "contains a NUL character"))
        return None
    if value == "":
        if col.required:
            problems.append(Problem(path, line, col.name, "required value is empty"))
        return [] if col.kind in (spec.TEXT_LIST, spec.REF_LIST) else None

    def bad(message: str) -> None:
        problems.append(Problem(path, line, col.name, message))

    if col.kind == spec.INT or (col.kind == spec.REF and col.target == "references"):
        if not _INT.match(value):
            bad(f"'{value}' is not a whole number")
            return None
        return _in_range(col, int(value), bad)
    if col.kind == spec.FLOAT:
        try:
            number = float(value)
        except ValueError:
            bad(f"'{value}' is not a number")
            return None
        if not math.isfinite(number):
            bad(f"'{value}' is not a finite number")
            return None
        return _in_range(col, number, bad)
    if col.kind == spec.BOOL:
        lowered = value.lower()
        if lowered not in ("true", "false"):
            bad(f"'{value}' is not a boolean; write true or false")
            return None
        return lowered == "true"
    if col.kind == spec.ENUM:
        if value not in col.values:
            close = difflib.get_close_matches(value, col.values, n=1, cutoff=0.75)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            bad(f"'{value}' is not one of: {', '.join(col.values)}{hint}")
            return None
        return value
    if col.kind in (spec.TEXT_LIST, spec.REF_LIST):
        items = [item.strip() for item in value.split(";") if item.strip()]
        if col.kind == spec.REF_LIST and col.target == "references":
            numbers = []
            for item in items:
                if not _INT.match(item):
                    bad(f"'{item}' is not a reference number")
                    return []
                numbers.append(int(item))
            items = numbers
        seen: set[Any] = set()
        for item in items:
            if item in seen:
                bad(f"'{item}' is listed twice")
            seen.add(item)
        return items
    return value


def _in_range(col: spec.Column, number: float, bad: Any) -> float | None:
    if col.minimum is not None and number < col.minimum:
        bad(f"{number:g} is below the smallest sensible value, {col.minimum:g}")
        return None
    if col.maximum is not None and number > col.maximum:
        bad(f"{number:g} is above the largest sensible value, {col.maximum:g}")
        return None
    return number


# What a value may be in each unit: a percentage or an incidence is never negative, a fold
# change is never zero or negative.
def read_file(seed: spec.SeedFile, path: Path, problems: list[Problem]) -> list[Row]:
    """Parse one CSV file against its spec; problems are appended, good rows returned."""
    text = _decode(path, problems)
    if text is None:
        return []
    return parse_text(seed, text, str(path), problems)


def _converter(col: spec.Column, path: str, problems: list[Problem], pool: dict, limit: int | None):
    """A function raw-cell -> value for ``col``, appending any problem; the common cases (plain
    text, keys, enumeration values) take a short path, everything else goes to _convert."""
    required, name = col.required, col.name
    simple = col.kind in (spec.TEXT, spec.ENUM) or (
        col.kind == spec.REF and col.target != "references"
    )
    allowed = frozenset(col.values) if col.kind == spec.ENUM else None
    shared = col.kind in (spec.ENUM, spec.REF)  # repeated values: keep one copy of each

    def convert(raw: str, line: int) -> Any:
        value = raw.strip()
        if simple and value and "\x00" not in value and (allowed is None or value in allowed):
            if limit is not None and len(value) > limit:
                problems.append(Problem(path, line, name, f"longer than {limit} characters"))
                return None
            return pool.setdefault(value, value) if shared else value
        if not value and not required:
            return [] if col.kind in (spec.TEXT_LIST, spec.REF_LIST) else None
        return _convert(col, value, (path, line), problems)

    return convert


def _length_limit(seed: spec.SeedFile, col: spec.Column) -> int | None:
    if col.kind not in (spec.TEXT, spec.ENUM):
        return None
    column = Base.metadata.tables[seed.table].c[col.db or col.name]
    return getattr(column.type, "length", None)


def parse_text(
    seed: spec.SeedFile, text: str, where_path: str, problems: list[Problem]
) -> list[Row]:
    """Parse the content of one seed file (see :func:`read_file`)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    try:
        header = next(reader, None)
        if header is None:
            problems.append(Problem(where_path, 1, "-", "the file is empty; it needs a header row"))
            return []
        header = [h.strip() for h in header]
        known = {c.name for c in seed.columns}
        expected = ", ".join(c.name for c in seed.columns)
        for name in header:
            if name not in known:
                problems.append(
                    Problem(
                        where_path,
                        1,
                        name or "(empty)",
                        f"unknown column; {seed.filename} has: {expected}",
                    )
                )
        for name in sorted({h for h in header if header.count(h) > 1}):
            problems.append(Problem(where_path, 1, name, "column appears twice in the header"))
        for col in seed.columns:
            if col.required and col.name not in header:
                problems.append(Problem(where_path, 1, col.name, "required column is missing"))
        if any(p.path == where_path and p.line == 1 for p in problems):
            return []
        pool: dict[str, str] = {}
        plan = [
            (
                header.index(col.name) if col.name in header else None,
                _converter(col, where_path, problems, pool, _length_limit(seed, col)),
            )
            for col in seed.columns
        ]
        index = {col.name: i for i, col in enumerate(seed.columns)}
        width = len(header)
        start = reader.line_num + 1
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(record):
                continue
            if len(record) != width:
                problems.append(
                    Problem(
                        where_path,
                        line,
                        "-",
                        f"expected {width} fields, found {len(record)} "
                        "(check for a stray comma or an unquoted value)",
                    )
                )
                continue
            data = tuple(
                [
                    convert(record[position] if position is not None else "", line)
                    for position, convert in plan
                ]
            )
            rows.append(Row(line, data, index))
    except csv.Error as exc:
        problems.append(
            Problem(where_path, reader.line_num, "-", f"malformed CSV: {exc} (unbalanced quotes?)")
        )
    return rows


def read_seed_set(
    folder: Path, *, require_all: bool = True, max_bytes: int | None = None
) -> tuple[SeedSet, list[Problem]]:
    """Read every seed file in ``folder``; with ``require_all``, a missing file is a problem."""
    problems: list[Problem] = []
    seeds = SeedSet(Path(folder))
    if not seeds.folder.is_dir():
        problems.append(Problem(str(folder), 0, "-", "no such folder"))
        return seeds, problems
    known = {seed.filename for seed in spec.SEED_FILES}
    if not require_all:
        for path in sorted(seeds.folder.glob("*.csv")):
            if path.name not in known:
                problems.append(
                    Problem(str(path), 0, "-", "not a seed file name; see seeds/README.md")
                )
    for seed in spec.SEED_FILES:
        path = seeds.folder / seed.filename
        if not path.exists():
            if require_all:
                problems.append(Problem(str(path), 0, "-", "file is missing"))
            continue
        _read_into(seeds, seed, path, problems, max_bytes)
    return seeds, problems


def _read_into(
    seeds: SeedSet, seed: spec.SeedFile, path: Path, problems: list[Problem], max_bytes: int | None
) -> None:
    seeds.paths[seed.name] = str(path)
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        problems.append(
            Problem(
                str(path),
                0,
                "-",
                f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit "
                "(raise it with --max-file-size, or split the file)",
            )
        )
        seeds.files[seed.name] = []
        return
    seeds.files[seed.name] = read_file(seed, path, problems)


def read_import(path: Path, max_bytes: int | None = None) -> tuple[SeedSet, list[Problem]]:
    """Read the seed files an import brings: a folder of them, or one file named as a seed."""
    path = Path(path)
    if path.is_dir():
        seeds, problems = read_seed_set(path, require_all=False, max_bytes=max_bytes)
        if not seeds.files and not problems:
            problems.append(Problem(str(path), 0, "-", "no seed files in this folder"))
        return seeds, problems
    seeds = SeedSet(path.parent)
    problems: list[Problem] = []
    if not path.is_file():
        problems.append(Problem(str(path), 0, "-", "no such file or folder"))
        return seeds, problems
    seed = spec.BY_NAME.get(path.stem) if path.suffix == ".csv" else None
    if seed is None:
        names = ", ".join(s.filename for s in spec.SEED_FILES)
        problems.append(
            Problem(str(path), 0, "-", f"not a seed file name; one file must be one of: {names}")
        )
        return seeds, problems
    _read_into(seeds, seed, path, problems, max_bytes)
    return seeds, problems
