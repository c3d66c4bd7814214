"""Render rows as text tables, Markdown, LaTeX, CSV or JSON: the one formatter every command uses.

Rows are dataclasses or mappings. JSON keeps every field with its type (lists stay lists);
the tabular formats show the chosen columns, with lists joined by ", " (";" in CSV, so a cell
round-trips into the seed format's list convention).

Bytes (a BLOB or bytea from ``exodb sql``) are written as lowercase hex in every format: the
JSON string ``"00ff"``, and the same ``00ff`` in tables and CSV. JSON is always standard JSON:
a float that is not finite is written as the string ``"Infinity"``, ``"-Infinity"`` or
``"NaN"`` (the tabular formats show Python's ``inf``, ``-inf``, ``nan``). The other values a
server database returns to ``exodb sql`` become JSON too: a decimal (PostgreSQL's numeric) a
number (whole ones exactly, others as a double), a date or time its ISO 8601 text, anything
else (an interval, a UUID) the text the tables show.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from exodb.io import escape
from exodb.io.escape import latex_escape, markdown_cell, one_line

FORMATS = ("table", "markdown", "latex", "csv", "json")
EXTENSIONS = {".txt": "table", ".md": "markdown", ".tex": "latex", ".csv": "csv", ".json": "json"}


def as_dict(row: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        # Not dataclasses.asdict: that would also flatten cell objects (Count) into dicts.
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if isinstance(row, Mapping):
        return dict(row)
    raise TypeError(f"cannot render {type(row).__name__}")


_BYTES = (bytes, bytearray, memoryview)


def _cell(value: Any, joiner: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, _BYTES):
        return bytes(value).hex()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return joiner.join(str(_cell(v, joiner)) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "as_json"):
        return str(value)
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "as_json"):
        return value.as_json()
    if isinstance(value, _BYTES):
        return bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return "NaN" if value.is_nan() else _NOT_FINITE[float(value)]
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) or isinstance(value, Mapping | set | frozenset):
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return str(value)


_NOT_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def _finite(value: Any) -> Any:
    """``value`` with every float that is not finite replaced by its name, as a string."""
    if isinstance(value, float) and not math.isfinite(value):
        return _NOT_FINITE.get(value, "NaN")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "as_json"):
        return _finite(value.as_json())
    return value


def _to_json(payload: Any) -> str:
    """``payload`` as indented standard JSON (see the module docstring for bytes and
    infinities)."""
    options: dict[str, Any] = {"ensure_ascii": False, "indent": 2, "default": _json_default}
    try:
        # The common case costs one pass; only a payload with an infinity takes the second.
        return json.dumps(payload, allow_nan=False, **options) + "\n"
    except ValueError:
        return json.dumps(_finite(payload), allow_nan=False, **options) + "\n"


def render(
    rows: Iterable[Any],
    fmt: str = "table",
    columns: Sequence[str] | None = None,
    *,
    spreadsheet_safe: bool = False,
) -> str:
    """Render ``rows`` in ``fmt``; ``columns`` chooses and orders the tabular columns.

    JSON always holds every field of every row, whatever ``columns`` says: it is the
    machine-readable contract. CSV holds every value as it is, unless ``spreadsheet_safe``
    puts a ``'`` before each cell a spreadsheet would run as a formula.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    dicts = [as_dict(r) for r in rows]
    if fmt == "json":
        return _to_json(dicts)
    if columns is None:
        columns = list(dicts[0]) if dicts else []
    columns = list(columns)
    if fmt == "csv":
        cell = _safe_cell if spreadsheet_safe else _cell
        body = ([cell(d.get(c), ";") for c in columns] for d in dicts)
        return escape.csv_text(chain([[cell(c, ";") for c in columns]], body))
    table = [[_cell(d.get(c), ", ") for c in columns] for d in dicts]
    if fmt == "latex":
        return latex_table(columns, table)
    if fmt == "markdown":
        return markdown_table(columns, table) + "\n"
    from tabulate import tabulate

    return tabulate(table, headers=columns, tablefmt="simple", disable_numparse=True) + "\n"


def _safe_cell(value: Any, joiner: str) -> Any:
    return escape.spreadsheet_safe(_cell(value, joiner))


def markdown_table(headers: Sequence[Any], table: Sequence[Sequence[Any]]) -> str:
    """A GitHub Markdown table (without a final newline) whose every row has as many cells as
    the header, whatever the cells hold."""
    from tabulate import tabulate

    return tabulate(
        [[markdown_cell(c) for c in row] for row in table],
        headers=[markdown_cell(h) for h in headers],
        tablefmt="github",
        disable_numparse=True,
    )


def latex_table(
    headers: Sequence[str], table: Sequence[Sequence[Any]], colspec: str | None = None
) -> str:
    """A booktabs ``tabular`` with every cell escaped."""
    lines = [
        r"\begin{tabular}{" + (colspec or "l" * len(headers)) + "}",
        r"\toprule",
        " & ".join(latex_escape(str(h)) for h in headers) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(latex_escape(str(c)) for c in row) + r" \\" for row in table]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def _outcome_text(o: Mapping[str, Any]) -> str:
    text = f"{o['measure']}: {o['direction'].replace('_', ' ')}"
    if o.get("value") is not None:
        text += f" {_cell(o['value'], ', ')} {o['unit']}"
    if o.get("relative_to"):
        text += f" (relative to {o['relative_to']})"
    if o.get("species"):
        text += f" [{o['species']}]"
    return text


def _reference_text(r: Mapping[str, Any]) -> str:
    parts = [f"({r['number']})"]
    if r.get("first_author"):
        parts.append(f"{r['first_author']} et al.")
    if r.get("title"):
        parts.append(f"{r['title'].rstrip('.')}.")
    venue = ", ".join(str(r[k]) for k in ("journal", "year") if r.get(k))
    if venue:
        parts.append(f"{venue}.")
    if r.get("doi"):
        parts.append(f"doi:{r['doi']}")
    if r.get("pmid"):
        parts.append(f"PMID {r['pmid']}")
    if r.get("check_status"):
        parts.append(f"[{r['check_status']}, seen at {r['checked_at']}]")
    return " ".join(parts)


def study_card(detail: Any, fmt: str = "table") -> str:
    """One study as a citation-ready card: plain text, Markdown, or JSON (every field)."""
    d = as_dict(detail)
    if fmt == "json":
        return _to_json(d)
    bullet = "- " if fmt == "markdown" else "  - "
    ref = f"reference {d['ref']}" if d["ref"] is not None else "no reference number"
    title = f"{d['key']} ({ref}{', ' + d['first_author'] + ' et al.' if d['first_author'] else ''})"
    lines = [f"## {title}" if fmt == "markdown" else title, ""]
    fields = [
        ("Summary", d["summary"]),
        ("Section", d["section"]),
        ("DOI", d.get("doi")),
        ("PMID", d.get("pmid")),
        ("Design", d["design"].replace("_", " ")),
        ("Exosome-based", "yes" if d["exosome_based"] else "no"),
        ("Theme", d["theme"]),
        ("Source", " < ".join(d["cell_source_lineage"]) or None),
        ("Route", d["route"]),
        ("Mechanisms", ", ".join(d["mechanisms"]) or None),
        ("Materials", ", ".join(d["materials"]) or None),
    ]
    # Markdown needs a blank line between paragraphs; plain text reads better without.
    gap = [""] if fmt == "markdown" else []
    for label, value in fields:
        if value:
            lines += [f"**{label}:** {value}" if fmt == "markdown" else f"{label}: {value}", *gap]
    lists = [
        (
            "Cargo",
            [
                f"{c['molecule']} ({c['role']}{', inferred' if c.get('inferred') else ''})"
                for c in d["cargo"]
            ],
        ),
        (
            "Interactions",
            [f"{i['regulator']} {i['effect']} {i['target']}" for i in d["interactions"]],
        ),
        ("Pathways", [f"{p['pathway']} ({p['effect']})" for p in d["pathways"]]),
        ("Models", [m["species"] + (f": {m['model']}" if m["model"] else "") for m in d["models"]]),
        (
            "Modifications",
            [
                m["kind"] + (f" ({m['molecule']})" if m["molecule"] else "")
                for m in d["modifications"]
            ],
        ),
        ("Outcomes", [_outcome_text(o) for o in d["outcomes"]]),
        ("Arms", [_arm_text(a) for a in d.get("arms", [])]),
        ("Measurements", [_measurement_text(m) for m in d.get("measurements", [])]),
        (
            "Identifiers",
            [f"{name}: {', '.join(curies)}" for name, curies in d.get("identifiers", {}).items()],
        ),
        ("Reference", [_reference_text(d["reference"])] if d["reference"] else []),
        (
            "Curation notes",
            [
                f'{n["key"]} [{n["kind"]}]: "{n["review_text"]}" - {n["problem"]}'
                for n in d["curation_notes"]
            ],
        ),
    ]
    for label, items in lists:
        if items:
            lines += [f"**{label}:**", *gap] if fmt == "markdown" else [f"{label}:"]
            lines += [f"{bullet}{item}" for item in items] + gap
    return "\n".join(lines) + "\n"


_DOSE_UNITS = {"ug": "µg", "ug_per_kg": "µg/kg", "particles_per_kg": "particles/kg", "ul": "µL"}


def _arm_text(a: dict[str, Any]) -> str:
    """``ev_high (treatment): bmsc_ev 200 µg x2 every 72 h from 24 h, intravenous, n=10, vs
    vehicle``"""
    head = f"{a['arm']} ({a['control_kind'] + ' control' if a['control_kind'] else a['role']})"
    parts = []
    if a["preparation"]:
        parts.append(a["preparation"])
    if a["dose_amount"] is not None:
        unit = _DOSE_UNITS.get(a["dose_unit"], (a["dose_unit"] or "").replace("_per_", "/"))
        dose = f"{a['dose_amount']:g} {unit}"
        if a["doses"] and a["doses"] > 1:
            dose += f" x{a['doses']}"
            if a["interval_hours"] is not None:
                dose += f" every {a['interval_hours']:g} h"
        parts.append(dose)
    if a["first_dose_hours"] is not None:
        parts.append(f"from {a['first_dose_hours']:g} h after injury")
    parts += [a["route"]] if a["route"] else []
    parts += [f"n={a['n_allocated']}"] if a["n_allocated"] else []
    parts += [f"vs {a['control_arm']}"] if a["control_arm"] else []
    return head + (": " + ", ".join(parts) if parts else "")


def _measurement_text(m: dict[str, Any]) -> str:
    """``ev_high, BBB day 28: mean 13.4 (SD 2.1), n=9``"""
    spread = ""
    if m["dispersion_kind"] in ("sd", "sem"):
        spread = f" ({m['dispersion_kind'].upper()} {m['dispersion']:g})"
    elif m["dispersion_kind"]:
        label = {"ci95": "95% CI", "iqr": "IQR", "range": "range"}[m["dispersion_kind"]]
        spread = f" ({label} {m['lower']:g} to {m['upper']:g})"
    unit = f" {m['unit']}" if m["unit"] else ""
    return (
        f"{m['arm']}, {m['scale']} day {m['timepoint_days']:g}: {m['central_kind']} "
        f"{m['central']:g}{unit}{spread}, n={m['n']}"
    )


def render_report(report: Any, fmt: str = "table", *, spreadsheet_safe: bool = False) -> str:
    """Render a :class:`exodb.reports.Report` (or a list of them) in ``fmt`` (for
    ``spreadsheet_safe``, see :func:`render`).

    A meta-analysis (:class:`exodb.reports.pooled.MetaAnalysisReport`) is its JSON document
    in JSON, its tidy table in CSV, and its parts in the other formats."""
    if hasattr(report, "payload") and hasattr(report, "parts"):
        if fmt == "json":
            return _to_json(report.payload)
        if fmt == "csv":
            return _one_report(report.tidy, "csv", spreadsheet_safe)
        report = report.parts
    reports = report if isinstance(report, list) else [report]
    if fmt == "json":
        payload = [
            {"title": r.title, "columns": r.columns, "rows": r.rows, "notes": r.notes}
            for r in reports
        ]
        body = payload if isinstance(report, list) else payload[0]
        return _to_json(body)
    return "\n".join(_one_report(r, fmt, spreadsheet_safe) for r in reports)


def _one_report(report: Any, fmt: str, spreadsheet_safe: bool = False) -> str:
    if fmt == "csv":
        return render(report.rows, "csv", report.columns, spreadsheet_safe=spreadsheet_safe)
    headers = [report.header(c) for c in report.columns]
    table = [[_cell(row.get(c), ", ") for c in report.columns] for row in report.rows]
    if fmt == "latex":
        return latex_report(report.title, headers, table, report.notes)
    if fmt == "markdown":
        body = markdown_table(headers, table)
        notes = "".join(f"\n_{markdown_cell(n)}_\n" for n in report.notes)
        return f"### {one_line(report.title)}\n\n{body}\n{notes}"
    from tabulate import tabulate

    body = tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)
    notes = "".join(f"\nNote: {n}" for n in report.notes)
    return f"{report.title}\n\n{body}\n{notes}{chr(10) if notes else ''}"


def _colspec(headers: Sequence[str], table: Sequence[Sequence[Any]]) -> str:
    """Paragraph columns whose widths follow the amount of text in each column (but never so
    narrow that a long word would overflow)."""
    texts = [[str(h)] + [str(row[i]) for row in table] for i, h in enumerate(headers)]
    if max(len(t) for column in texts for t in column) <= 24:
        return "l" * len(headers)
    weights = []
    for column in texts:
        average = sum(len(t) for t in column[1:]) / max(len(column) - 1, 1)
        longest_word = max(len(w) for t in column for w in (t.split() or [""]))
        # Square roots keep a column of short labels readable beside columns of long prose.
        weights.append(max(average**0.5, 0.6 * longest_word**0.5 * 2, 3.0))
    total = sum(weights)
    return "".join(
        # Each column's share of the line, less its own padding, so the table fits the line.
        r">{\raggedright\arraybackslash}p{\dimexpr"
        + f"{0.98 * w / total:.3f}"
        + r"\linewidth-2\tabcolsep\relax}"
        for w in weights
    )


def latex_report(
    title: str, headers: Sequence[str], table: Sequence[Sequence[Any]], notes: Sequence[str]
) -> str:
    """A captioned booktabs ``longtable`` (it breaks across pages, as the review's long tables
    must), followed by its notes. Needs the booktabs, array and longtable packages."""
    head = " & ".join(latex_escape(str(h)) for h in headers) + r" \\"
    # LaTeX numbers its captions itself: drop a "Table 2." that the title carries.
    title = re.sub(r"^Table \d+\.\s*", "", title)
    lines = [
        r"{\footnotesize",
        r"\begin{longtable}{" + _colspec(headers, table) + "}",
        r"\caption{" + latex_escape(title) + r"} \\",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    lines += [" & ".join(latex_escape(str(c)) for c in row) + r" \\" for row in table]
    lines.append(r"\end{longtable}")
    lines += [latex_escape(n) + r"\par" for n in notes]
    lines.append("}")
    return "\n".join(lines) + "\n"


_MARKS = {"markdown": ("**", "**"), "json": ("", ""), "csv": ("[", "]"), "latex": ("", "")}


def highlight(snippet: str, fmt: str) -> str:
    """Turn search's match markers into the format's emphasis: [word] in text tables and CSV,
    **word** in Markdown, nothing in JSON and LaTeX."""
    from exodb.console.search import END, START

    start, end = _MARKS.get(fmt, ("[", "]"))
    return snippet.replace(START, start).replace(END, end)


# The formats whose output can be written row by row; the others need every row for widths.
STREAMING_FORMATS = ("csv", "json")


def render_stream(
    batches: Iterable[Sequence[Sequence[Any]]],
    fmt: str,
    columns: Sequence[str],
    write: Callable[[str], None],
    *,
    spreadsheet_safe: bool = False,
) -> None:
    """Write rows (tuples in ``columns`` order, in batches) as CSV or JSON, one batch at a time.

    The text is exactly what :func:`render` gives for the same rows; memory holds one batch.
    """
    if fmt not in STREAMING_FORMATS:
        raise ValueError(f"{fmt} cannot be streamed; choose one of {', '.join(STREAMING_FORMATS)}")
    columns = list(columns)
    if fmt == "csv":
        cell = _safe_cell if spreadsheet_safe else _cell
        write(escape.csv_text([[cell(c, ";") for c in columns]]))
        for batch in batches:
            write(escape.csv_text([cell(v, ";") for v in row] for row in batch))
        return
    write("[")
    first = True
    for batch in batches:
        items = []
        for row in batch:
            item = _to_json(dict(zip(columns, row, strict=True))).rstrip("\n")
            items.append(("\n" if first else ",\n") + textwrap.indent(item, "  "))
            first = False
        write("".join(items))
    write("]\n" if first else "\n]\n")
