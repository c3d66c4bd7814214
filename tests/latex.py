"""Compile LaTeX the way a review's manuscript would include exodb's tables."""

from __future__ import annotations

import subprocess
from pathlib import Path

PREAMBLE = (
    r"\documentclass{article}",
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage[landscape,margin=1.5cm]{geometry}",
    r"\usepackage{booktabs,array,longtable}",
    # A character the font lacks is an error, not a warning lost in the log.
    r"\tracinglostchars=2",
)


def compile_tables(folder: Path, name: str, parts: list[str]) -> str:
    """Compile ``parts`` in one document with pdflatex; return its log. Fails the calling test
    (with the end of pdflatex's output) unless a PDF was made."""
    document = "\n".join([*PREAMBLE, r"\begin{document}", *parts, r"\end{document}"])
    (folder / f"{name}.tex").write_text(document, encoding="utf-8")
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        errors="replace",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (folder / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    return (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
