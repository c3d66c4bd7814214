"""The CSV that ``exodb meta-analysis`` pools, in metafor's column names: ``study``, then the
arm columns (``m1i, sd1i, n1i, m2i, sd2i, n2i``, with ``m0i`` for NMD; ``ai, bi, ci, di`` or
``ai, n1i, ci, n2i`` for RR and OR) or ``yi`` with ``vi`` (or ``sei``), and any other columns
a subgroup analysis can be run by.

Every impossible value is reported with its file, line and column, all of them at once, before
anything is computed."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exodb.errors import InputFileError, Problem
from exodb.synthesis.effects import ARM_MEASURES, COLUMNS, COUNT_MEASURES

# Which columns must hold what: sizes at least 2 (an SD needs two animals), counts whole and
# not negative, spreads not negative, variances positive.
SIZES = ("n1i", "n2i")
COUNTS = ("ai", "bi", "ci", "di")
SPREADS = ("sd1i", "sd2i")
POSITIVE = ("vi", "sei")
# Beyond this, squares and weighted sums overflow a double: no real outcome is this large.
LARGEST = 1e100


@dataclass(frozen=True)
class ComparisonTable:
    """The rows of a meta-analysis CSV: ``labels`` (the study column), ``columns`` the numbers
    the measure needs, ``groups`` the values of the ``--by`` column."""

    path: str
    measure: str
    labels: tuple[str, ...]
    columns: dict[str, list[float]]
    groups: tuple[str, ...] | None
    moderator: tuple[float | str, ...] | None = None
    lines: tuple[int, ...] = ()


def measure_of(header: list[str], measure: str | None) -> str:
    """The measure asked for, or the one the columns imply: GEN for yi/vi, else SMD."""
    if measure:
        return measure
    return "GEN" if "yi" in header else "SMD"


def read_comparisons(
    path: str | Path,
    *,
    measure: str | None = None,
    by: str | None = None,
    moderator: str | None = None,
) -> ComparisonTable:
    """Read ``path``; raise :class:`InputFileError` listing every problem found."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError([Problem(name, 0, "-", f"cannot read it: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            [Problem(name, line, "-", f"byte {data[exc.start]:#04x} is not UTF-8 text")]
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputFileError([Problem(name, 1, "-", "the file is empty (no header)")])
    header = [h.strip() for h in rows[0]]
    problems = _header_problems(name, header, measure)
    if problems:
        raise InputFileError(problems)
    chosen = measure_of(header, measure)
    needed = _needed_columns(chosen, header)
    problems = [
        Problem(name, 1, column, f"missing column (needed for {chosen})")
        for column in ["study", *needed]
        if column not in header
    ]
    for option, column in (("--by", by), ("--moderator", moderator)):
        if column is not None and column not in header:
            problems.append(Problem(name, 1, column, f"missing column (named by {option})"))
    if problems:
        raise InputFileError(problems)
    at = {column: header.index(column) for column in header}
    labels: list[str] = []
    lines: list[int] = []
    columns: dict[str, list[float]] = {column: [] for column in needed}
    groups: list[str] = []
    moderated: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(name, line, "-", f"{len(row)} cells; the header has {len(header)}")
            )
            continue
        cells = {column: row[i].strip() for column, i in at.items()}
        if not cells["study"]:
            problems.append(Problem(name, line, "study", "empty; every row names its study"))
        labels.append(cells["study"])
        lines.append(line)
        for column in needed:
            value, problem = _number(cells[column], column, chosen)
            if problem:
                problems.append(Problem(name, line, column, problem))
            columns[column].append(value)
        if chosen in ("ROM", "NMD"):
            problems += _ratio_problems(name, line, chosen, columns)
        if chosen in ("RR", "OR"):
            problems += _count_problems(name, line, columns)
        if by is not None:
            if not cells[by]:
                problems.append(Problem(name, line, by, "empty; every row needs a subgroup"))
            groups.append(cells[by])
        if moderator is not None:
            if not cells[moderator]:
                problems.append(Problem(name, line, moderator, "empty; every row needs a value"))
            moderated.append(cells[moderator])
    if not problems and len(labels) < 2:
        last = max(len(rows), 1)
        problems.append(
            Problem(name, last, "study", f"{len(labels)} row(s); pooling needs at least two")
        )
    if problems:
        raise InputFileError(problems)
    if "sei" in columns:
        columns["vi"] = [se**2 for se in columns.pop("sei")]
    for cell, total, events in (("bi", "n1i", "ai"), ("di", "n2i", "ci")):
        if events in columns and total in columns and cell not in columns:
            columns[cell] = [
                t - e for t, e in zip(columns.pop(total), columns[events], strict=True)
            ]
    return ComparisonTable(
        name,
        chosen,
        tuple(labels),
        columns,
        tuple(groups) if by else None,
        _moderator_values(moderated) if moderator else None,
        tuple(lines),
    )


def _moderator_values(texts: list[str]) -> tuple[float | str, ...]:
    """Numbers when every value is one (a continuous moderator), else the text (categorical)."""
    try:
        numbers = tuple(float(t) for t in texts)
    except ValueError:
        return tuple(texts)
    return numbers if all(math.isfinite(n) for n in numbers) else tuple(texts)


def _needed_columns(measure: str, header: list[str]) -> list[str]:
    if measure == "GEN":
        return ["yi", "sei" if "vi" not in header and "sei" in header else "vi"]
    if measure in COUNT_MEASURES and "bi" not in header and "n1i" in header:
        return ["ai", "n1i", "ci", "n2i"]
    return list(COLUMNS[measure])


def _number(text: str, column: str, measure: str) -> tuple[float, str | None]:
    if not text:
        return math.nan, "empty; a number is needed"
    try:
        value = float(text)
    except ValueError:
        return math.nan, f"'{text}' is not a number"
    if not math.isfinite(value):
        return math.nan, f"'{text}' is not a finite number"
    if abs(value) > LARGEST:
        return math.nan, f"{text}: too large to pool (at most {LARGEST:g} in size)"
    if column in SIZES and measure in ARM_MEASURES and value < 2:
        return value, f"{text}: a group needs at least 2 animals for an SD"
    if column in SIZES + COUNTS and (value < 0 or not value.is_integer()):
        return value, f"{text}: must be a whole number >= 0"
    if column in SPREADS and value < 0:
        return value, f"{text}: a standard deviation cannot be negative"
    if column in POSITIVE and value <= 0:
        return value, f"{text}: must be greater than 0"
    return value, None


def _ratio_problems(name: str, line: int, measure: str, columns: dict) -> list[Problem]:
    """ROM takes logs of the means; NMD divides by the distance from normal to control."""
    m1, m2 = columns["m1i"][-1], columns["m2i"][-1]
    if measure == "ROM":
        return [
            Problem(name, line, column, f"{value:g}: ROM needs means greater than 0")
            for column, value in (("m1i", m1), ("m2i", m2))
            if value <= 0
        ]
    m0 = columns["m0i"][-1]
    if m0 == m2:
        return [Problem(name, line, "m0i", "equals m2i: the control shows no deficit to recover")]
    return []


def _header_problems(name: str, header: list[str], measure: str | None) -> list[Problem]:
    """A header exodb cannot read as meant: another delimiter, a column twice, counts with no
    measure to compute from them."""
    if len(header) == 1 and any(mark in header[0] for mark in ";\t|"):
        mark = next(m for m in ";\t|" if m in header[0])
        shown = {"\t": "tabs"}.get(mark, f"'{mark}'")
        return [Problem(name, 1, "-", f"the columns are separated by {shown}; exodb reads commas")]
    seen: set[str] = set()
    problems = []
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, "the column appears twice"))
        seen.add(column)
    if measure is None and "yi" not in header and "ai" in header and "m1i" not in header:
        problems.append(
            Problem(name, 1, "ai", "counts of events: choose --measure RR or --measure OR")
        )
    return problems


def _count_problems(name: str, line: int, columns: dict) -> list[Problem]:
    """Events cannot outnumber their group, and a group needs animals."""
    problems = []
    for events, other, group in (("ai", "bi", 1), ("ci", "di", 2)):
        total = "n1i" if group == 1 else "n2i"
        count = columns[events][-1]
        if total in columns:
            n = columns[total][-1]
            if count > n:
                problems.append(
                    Problem(name, line, events, f"{count:g} events out of {total} = {n:g}")
                )
            elif n == 0:
                problems.append(Problem(name, line, total, f"group {group} has no animals"))
        elif count + columns[other][-1] == 0:
            problems.append(
                Problem(name, line, other, f"group {group} has no animals ({events} + {other} = 0)")
            )
    return problems


def effect_problems(table: ComparisonTable, yi: Any, vi: Any) -> list[Problem]:
    """The rows whose effect size cannot be pooled once computed (both SDs 0, say), located."""
    problems = []
    for i, line in enumerate(table.lines):
        if math.isfinite(yi[i]) and math.isfinite(vi[i]) and vi[i] > 0:
            continue
        zero_sd = all(table.columns.get(sd, [1])[i] == 0 for sd in ("sd1i", "sd2i"))
        why = "both SDs are 0, so " if zero_sd else ""
        problems.append(
            Problem(table.path, line, table.measure, f"{why}this row gives no effect size with a "
                    "variance above 0")
        )  # fmt: skip
    return problems
