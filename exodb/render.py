"""Render rows as text tables, Markdown, LaTeX, CSV or JSON: the one formatter every command uses.

Rows are dataclasses or mappings. JSON keeps every field with its type (lists stay lists);
the tabular formats show the chosen columns, with lists joined by ", " (";" in CSV, so a cell
round-trips into the seed format's list convention).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMATS = ("table", "markdown", "latex", "csv", "json")
EXTENSIONS = {".txt": "table", ".md": "markdown", ".tex": "latex", ".csv": "csv", ".json": "json"}


def as_dict(row: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return dataclasses.asdict(row)
    if isinstance(row, Mapping):
        return dict(row)
    raise TypeError(f"cannot render {type(row).__name__}")


def _cell(value: Any, joiner: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return joiner.join(str(_cell(v, joiner)) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _json_default(value: Any) -> Any:
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def render(
    rows: Iterable[Any],
    fmt: str = "table",
    columns: Sequence[str] | None = None,
) -> str:
    """Render ``rows`` in ``fmt``; ``columns`` chooses and orders the tabular columns.

    JSON always holds every field of every row, whatever ``columns`` says: it is the
    machine-readable contract.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    dicts = [as_dict(r) for r in rows]
    if fmt == "json":
        return json.dumps(dicts, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if columns is None:
        columns = list(dicts[0]) if dicts else []
    columns = list(columns)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for d in dicts:
            writer.writerow([_cell(d.get(c), ";") for c in columns])
        return out.getvalue()
    from tabulate import tabulate

    table = [[_cell(d.get(c), ", ") for c in columns] for d in dicts]
    if fmt == "latex":
        return latex_table(columns, table)
    tablefmt = "github" if fmt == "markdown" else "simple"
    return tabulate(table, headers=columns, tablefmt=tablefmt, disable_numparse=True) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_GREEK = {
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "γ": r"$\gamma$",
    "δ": r"$\delta$",
    "ε": r"$\epsilon$",
    "κ": r"$\kappa$",
    "λ": r"$\lambda$",
    "μ": r"$\mu$",
    "σ": r"$\sigma$",
    "τ": r"$\tau$",
    "ω": r"$\omega$",
    "–": "--",
    "—": "---",
}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters and spell Greek letters as math."""
    return "".join(_LATEX_SPECIAL.get(ch) or _LATEX_GREEK.get(ch) or ch for ch in text)


def latex_table(headers: Sequence[str], table: Sequence[Sequence[Any]]) -> str:
    """A booktabs ``tabular`` with every cell escaped."""
    lines = [
        r"\begin{tabular}{" + "l" * len(headers) + "}",
        r"\toprule",
        " & ".join(latex_escape(str(h)) for h in headers) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(latex_escape(str(c)) for c in row) + r" \\" for row in table]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"
