"""Figures: the evidence matrix as an annotated heatmap (needs the optional matplotlib)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

INSTALL_HINT = "the figure needs matplotlib: pip install 'exodb[figures]'"
FIGURE_FORMATS = (".png", ".svg")


class FigureUnavailable(RuntimeError):
    """matplotlib is not installed."""


def heatmap(report: Any, path: str | Path, *, protect: Iterable[Path] = ()) -> Path:
    """Draw an evidence-matrix report as a heatmap with each cell's count, to PNG or SVG.

    The file is written atomically, never over a file in ``protect`` (the database).
    """
    path = Path(path)
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise ValueError(f"the figure must be a .png or .svg file, not '{path.name}'")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise FigureUnavailable(INSTALL_HINT) from None

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
    fig.tight_layout()
    from exodb.io.safefile import atomic_output

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_output(path, protect=protect) as handle:
            fig.savefig(handle, format=path.suffix.lower().lstrip("."))
    finally:
        plt.close(fig)
    return path
