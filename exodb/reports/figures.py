"""Figures (need the optional matplotlib): the evidence matrix as an annotated heatmap, and the
reporting items of the EV preparations as a heatmap of three states."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

INSTALL_HINT = "the figure needs matplotlib: pip install 'exodb[figures]'"
FIGURE_FORMATS = (".png", ".svg")
# The reporting-quality figure is also wanted in a manuscript's supplement, as vector PDF.
REPORTING_FORMATS = (".png", ".svg", ".pdf")


class FigureUnavailable(RuntimeError):
    """matplotlib is not installed."""


def _checked(path: str | Path, formats: tuple[str, ...]) -> Path:
    path = Path(path)
    if path.suffix.lower() not in formats:
        names = [f.lstrip(".") for f in formats]
        listed = ", ".join(f".{n}" for n in names[:-1]) + f" or .{names[-1]}"
        raise ValueError(f"the figure must be a {listed} file, not '{path.name}'")
    return path


def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend (no display needed), or FigureUnavailable."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise FigureUnavailable(INSTALL_HINT) from None
    return plt


def _save(plt: Any, fig: Any, path: Path, protect: Iterable[Path], *, tight: bool = True) -> Path:
    """Write ``fig`` to ``path`` atomically, never over a file in ``protect``, and close it
    (laid out tightly unless the figure placed its own margins)."""
    from exodb.io.safefile import atomic_output

    if tight:
        fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_output(path, protect=protect) as handle:
            fig.savefig(handle, format=path.suffix.lower().lstrip("."))
    finally:
        plt.close(fig)
    return path


def heatmap(report: Any, path: str | Path, *, protect: Iterable[Path] = ()) -> Path:
    """Draw an evidence-matrix report as a heatmap with each cell's count, to PNG or SVG.

    The file is written atomically, never over a file in ``protect`` (the database).
    """
    path = _checked(path, FIGURE_FORMATS)
    plt = _pyplot()
    row_key = report.columns[0]
    columns = report.columns[2:]
    labels = [str(r[row_key]) for r in report.rows]
    counts = [[r[c].count for c in columns] for r in report.rows]
    width = max(6.0, 1.1 * len(columns) + 3)
    height = max(3.0, 0.4 * len(labels) + 1.5)
    fig, ax = plt.subplots(figsize=(width, height))
    image = ax.imshow(counts or [[0]], cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(
        range(len(columns)), [c.replace("_", " ") for c in columns], rotation=35, ha="right"
    )
    ax.set_yticks(range(len(labels)), labels)
    top = max((max(row) for row in counts if row), default=0)
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if value:
                ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    color="white" if value > top / 2 else "black",
                    fontsize=8,
                )
    ax.set_title(report.title)
    fig.colorbar(image, ax=ax, label="studies")
    return _save(plt, fig, path, protect)


def reporting_heatmap(report: Any, path: str | Path, *, protect: Iterable[Path] = ()) -> Path:
    """Draw a reporting-quality report (:func:`exodb.reports.misev_reporting`) as a heatmap:
    one row per study preparation (with its score), one column per reporting item, each cell
    reported, not reported or not applicable, with a legend; to PNG, SVG or PDF.

    The file is written atomically, never over a file in ``protect`` (the database).
    """
    from exodb.names.misev import ITEM_KEYS
    from exodb.reports.reporting_quality import MISSING, NOT_APPLICABLE, REPORTED

    # Each state's cell value, colour (the three apart in grey too) and legend label.
    states = (
        (REPORTED, "#2166ac", "reported"),
        (MISSING, "#f4a582", "not reported"),
        (NOT_APPLICABLE, "#e0e0e0", "not applicable"),
    )
    path = _checked(path, REPORTING_FORMATS)
    if not report.rows:
        raise ValueError("there is no EV preparation to draw")
    plt = _pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    state = {value: number for number, (value, _, _) in enumerate(states)}
    cells = [[state[r[key]] for key in ITEM_KEYS] for r in report.rows]
    labels = [_preparation_label(r) for r in report.rows]
    width = max(6.0, 0.7 * len(ITEM_KEYS) + 0.09 * max(map(len, labels)) + 2.5)
    height = max(3.0, 0.35 * len(labels) + 2.2)
    fig, ax = plt.subplots(figsize=(width, height))
    colours = ListedColormap([colour for _, colour, _ in states])
    ax.imshow(cells, cmap=colours, aspect="auto", vmin=-0.5, vmax=len(states) - 0.5)
    headers = [report.header(key) for key in ITEM_KEYS]
    ax.set_xticks(range(len(ITEM_KEYS)), headers, rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    # White lines between the cells, so that neighbours of one state still read as cells.
    ax.set_xticks([x - 0.5 for x in range(1, len(ITEM_KEYS))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(labels))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title(report.title)
    handles = [Patch(facecolor=colour, label=label) for _, colour, label in states]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return _save(plt, fig, path, protect)


def _preparation_label(row: dict[str, Any]) -> str:
    score = "n/a" if row["score"] is None else f"{row['score']}%"
    return f"{row['study']} / {row['preparation']} ({score})"
