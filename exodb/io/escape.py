"""Escaping for the formats exodb writes, so that whatever the data hold, the tool a file is
meant for reads it: LaTeX and BibTeX (one Unicode-to-LaTeX mapping for both), RIS and other
one-line-per-value formats, Markdown table cells, XML text, and spreadsheet-safe CSV cells.

Each function takes text and returns text; none imports anything heavy until it is first used.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# Every character that ends a line for some reader (Python's str.splitlines, RIS and BibTeX
# tools, LaTeX, where a blank line is a paragraph break that a table cell or caption cannot hold),
# and the tab, with the spaces around them.
_BREAKS = re.compile(r"[ ]*[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]+[ ]*")


def one_line(text: str) -> str:
    """``text`` with every run of line breaks and tabs as one space: one value, one line."""
    return _BREAKS.sub(" ", text)


# LaTeX's special characters. The braces are spelled as commands, not \{ and \}: BibTeX counts
# braces without regard to backslashes, so one \{ would leave a field unbalanced and the whole
# file unreadable.
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# The spellings exodb prefers for the characters its data use most (Greek letters as math, ASCII
# dashes and quotes); every other character goes through pylatexenc's table (_unicode_latex).
_LATEX_PREFERRED = {
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
    "→": r"$\rightarrow$",
    "←": r"$\leftarrow$",
    "×": r"$\times$",
    "±": r"$\pm$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "°": r"$^{\circ}$",
    "µ": r"$\mu$",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "\u00a0": "~",
}


@functools.cache
def _encoder() -> Any:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # Braces round every replacement: "{\'e}" is also the form BibTeX needs to sort and
    # abbreviate an accented name.
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="fail",
        unknown_char_warning=False,
    )


@functools.cache
def _unicode_latex(ch: str) -> str:
    """One character that is not ASCII (or an ASCII control character) as LaTeX."""
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn") and ch not in "\u00ad":
        # Invisible format characters (zero-width space, byte-order mark) and combining marks
        # that NFC could not join to a letter: nothing a reader would miss.
        return ""
    if category == "Cc":
        return f"[U+{ord(ch):04X}]"
    try:
        return _encoder().unicode_to_latex(ch)
    except ValueError:
        # No LaTeX spelling (a CJK character, a snowman): its code point, readable and unique.
        return f"[U+{ord(ch):04X}]"


def latex_escape(text: str) -> str:
    """``text`` as LaTeX that pdflatex typesets without a missing character or an undefined
    command: special characters escaped, every other character outside ASCII spelled as LaTeX,
    line breaks and tabs as spaces.

    >>> latex_escape("NF-κB 50% ζ")
    'NF-$\\\\kappa$B 50\\\\% {\\\\ensuremath{\\\\zeta}}'
    """
    out = []
    for ch in unicodedata.normalize("NFC", one_line(text)):
        replacement = _LATEX_SPECIAL.get(ch) or _LATEX_PREFERRED.get(ch)
        if replacement is None:
            replacement = ch if " " <= ch <= "~" else _unicode_latex(ch)
        out.append(replacement)
    return "".join(out)


def bibtex_name(name: str) -> str:
    """One author's name for a BibTeX author list: escaped as text, with a literal "and" kept
    from splitting the list, and a name BibTeX could not parse (more than two commas) kept
    whole."""
    escaped = re.sub(r"(?i)(?<=\s)and(?=\s)", "{and}", latex_escape(name.strip()))
    return "{" + escaped + "}" if escaped.count(",") > 2 else escaped


def markdown_cell(value: Any) -> Any:
    """A Markdown table cell that stays one cell: a pipe escaped, a line break as ``<br>``."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("|", r"\|")
    return re.sub(r"[\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]", "<br>", text).replace("\t", " ")


# XML 1.0 cannot hold these at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids as U+FFFD, so an XML parser reads it."""
    return _NOT_XML.sub("\ufffd", text)


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """``rows`` as CSV with ``\\n`` line ends and minimal quoting.

    Python's csv module quotes a cell only for the characters of its own line end, so with
    ``\\n`` a cell holding a lone carriage return would go out bare, and every reader would
    take it for the end of the record. Such a row is written with ``\\r\\n`` line ends,
    which quotes it, and then ends with ``\\n`` like the rest.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if any(isinstance(cell, str) and "\r" in cell for cell in row):
            one = io.StringIO()
            csv.writer(one, lineterminator="\r\n").writerow(row)
            out.write(one.getvalue()[:-2] + "\n")
        else:
            writer.writerow(row)
    return out.getvalue()


# A cell a spreadsheet would read as a formula (or, after a tab or carriage return, might).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` with a ``'`` before it when a spreadsheet would run it as a formula.

    Numbers, negative ones included, stay numbers.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("-2.5"), spreadsheet_safe(3)
    ("'=HYPERLINK(1)", '-2.5', 3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
