"""Every export stays readable by the tools it is meant for, whatever the data hold.

A copy of the seeded database gets rows with hostile text (LaTeX and BibTeX specials, an
unbalanced brace, line breaks and tabs, pipes, Greek letters and symbols, a forged RIS record,
formula-like cells); each export of it is then read back with the tool, or the parser, it is for.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from exodb import exports
from exodb.cli import main
from exodb.io.escape import one_line
from exodb.render import render, render_report
from exodb.reports import Report
from exodb.schema.models import CurationNote, Reference, Section
from exodb.storage.connection import make_engine, session_factory

from .latex import compile_tables

# Each hostile piece with what a reader of the typeset text must see (None: the piece itself).
PIECES = [
    ("a lone { brace", None),
    ("a lone } brace", None),
    ("back\\slash", None),
    ("50% & $5 #1 snake_case ~tilde ^caret", None),
    ("line\nbreak\ttab\r\nend", "line break tab end"),
    ("a | pipe", None),
    ("NFκB ζ θ", None),
    ("CD4⁺ ≈ 5 µm", "CD4^+ ≈ 5 μm"),
    ("en – em — é ß", None),
    ("中", "[U+4E2D]"),
]
HOSTILE = " ".join(raw for raw, _ in PIECES)
HOSTILE_MEANING = " ".join(meaning or raw for raw, meaning in PIECES)
FORGED = "Forged\nER  -\nTY  - JOUR\nTI  - injected record"

REFERENCES = {
    9001: {
        "first_author": "Ünal & O'Brien_{x}, J.-P. and Smith",
        "title": HOSTILE,
        "journal": "J. {Neuro}trauma & Repair\n50%",
        "doi": "10.1000/x_y%z#{w}~^\\&$",
        "pmid": "12_3",
        "checked_at": "https://example.org/?a=1&b=2#c{",
    },
    9002: {
        "first_author": "Lee, A., B., C.",
        "title": FORGED,
        "journal": None,
        "doi": None,
        "pmid": None,
        "checked_at": "https://example.org/2",
    },
}
NOTE = {
    "key": "hostile_note",
    "subject": '=HYPERLINK("http://x","y")',
    "review_text": HOSTILE,
    "problem": "+1 | two\nlines",
    "source": "@SUM(A1)",
}


def _add_hostile_rows(url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        for number, fields in REFERENCES.items():
            s.add(Reference(number=number, year=2024, check_status="confirmed", **fields))
        section = s.scalars(select(Section).order_by(Section.key)).first()
        s.add(CurationNote(kind="typo", section_id=section.id, **NOTE))
        s.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def hostile_url(databases, template_url) -> str:
    url = databases.copy(template_url)
    _add_hostile_rows(url)
    return url


@pytest.fixture(scope="module")
def hostile_session(hostile_url):
    engine = make_engine(hostile_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _cli(runner, url, *args) -> str:
    result = runner.invoke(main, ["--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")  # as written: .stdout turns \r\n into \n


# --- BibTeX -----------------------------------------------------------------------------------


def _decode_latex(text: str) -> str:
    """What a reader sees of ``text`` once LaTeX typesets it."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category(
        "exodb-test",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("ensuremath", "%(1)s"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text").latex_to_text(text)


def test_bibtex_export_parses_with_pybtex_and_keeps_every_field(runner, hostile_url):
    from pybtex.database import parse_string

    text = _cli(runner, hostile_url, "export", "references", "--format", "bibtex")
    data = parse_string(text, "bibtex")
    assert len(data.entries) == 31 + len(REFERENCES)
    assert not re.search(r"[^\x00-\x7f]", text), "every character outside ASCII spelled as LaTeX"
    (entry,) = [e for e in data.entries.values() if "Reference 9001" in e.fields["note"]]
    assert _decode_latex(entry.fields["title"]) == HOSTILE_MEANING
    assert _decode_latex(entry.fields["journal"]) == "J. {Neuro}trauma & Repair 50%"
    assert _decode_latex(entry.fields["doi"]) == REFERENCES[9001]["doi"]
    assert _decode_latex(entry.fields["pmid"]) == "12_3"
    assert "https://example.org/?a=1&b=2#c{" in _decode_latex(entry.fields["note"])
    # One author (the "and" in the name does not split it), then "others".
    first, others = entry.persons["author"]
    assert str(others) == "others"
    assert _decode_latex(" ".join(first.last_names)) == "Ünal & O'Brien_{x}"
    assert _decode_latex(" ".join(first.first_names + first.middle_names)) == "J.-P. and Smith"
    (lee,) = [e for e in data.entries.values() if "Reference 9002" in e.fields["note"]]
    assert _decode_latex(str(lee.persons["author"][0])) == "Lee, A., B., C."
    assert _decode_latex(lee.fields["title"]) == "Forged ER - TY - JOUR TI - injected record"


def test_bibtex_export_parses_with_bibtexparser(hostile_session):
    import bibtexparser

    text = exports.export_references(hostile_session, "bibtex")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == 31 + len(REFERENCES)
    titles = {_decode_latex(e.fields_dict["title"].value) for e in library.entries}
    assert HOSTILE_MEANING in titles


def test_bibtex_and_latex_spell_characters_alike(hostile_session):
    """One mapping: NFκB is $\\kappa$ in the bibliography as in the tables."""
    text = exports.export_references(hostile_session, "bibtex")
    table = render([{"t": "NFκB ζ"}], "latex")
    assert r"NF$\kappa$B {\ensuremath{\zeta}}" in text
    assert r"NF$\kappa$B {\ensuremath{\zeta}}" in table


# --- RIS --------------------------------------------------------------------------------------


def test_ris_line_break_cannot_forge_a_record(hostile_session):
    text = exports.export_references(hostile_session, "ris")
    lines = text.splitlines()
    assert sum(line.startswith("TY  - ") for line in lines) == 31 + len(REFERENCES)
    assert sum(line.startswith("ER  - ") for line in lines) == 31 + len(REFERENCES)
    # Every line of a record is a tag and its value.
    assert all(re.match(r"[A-Z][A-Z0-9]  - ", line) for line in lines if line)
    titles = [line[6:] for line in lines if line.startswith("TI  - ")]
    assert "Forged ER  - TY  - JOUR TI  - injected record" in titles
    assert one_line(HOSTILE) in titles
    assert "JO  - J. {Neuro}trauma & Repair 50%" in lines


# --- Markdown ---------------------------------------------------------------------------------


def _markdown_rows(text: str) -> list[list[str]]:
    """The cells of every row of the Markdown table(s) in ``text``, split as GitHub does."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert cells[0] == "" and cells[-1] == "", line
            rows.append([c.strip() for c in cells[1:-1]])
    return rows


def test_markdown_listing_keeps_one_cell_per_column(runner, hostile_url):
    text = _cli(runner, hostile_url, "notes", "--format", "markdown")
    rows = _markdown_rows(text)
    assert len(rows) == len(text.splitlines())  # no line of the table is a broken-off piece
    assert {len(r) for r in rows} == {5}
    (hostile,) = [r for r in rows if r[0] == "hostile_note"]
    assert hostile[4] == (
        HOSTILE.replace("|", r"\|").replace("\r\n", "<br>").replace("\n", "<br>").replace("\t", " ")
    )


def test_markdown_report_keeps_one_cell_per_column():
    report = Report(
        title="Hostile\nreport",
        columns=["a", "b"],
        headers={"a": "x | y", "b": "two\nlines"},
        rows=[{"a": "1 | 2", "b": HOSTILE}, {"a": "", "b": "|"}],
        notes=["a note\nwith a | pipe"],
    )
    text = render_report(report, "markdown")
    assert text.splitlines()[0] == "### Hostile report"
    rows = _markdown_rows(text)
    assert len(rows) == 4 and {len(r) for r in rows} == {2}
    assert rows[0] == [r"x \| y", "two<br>lines"]
    assert "_a note<br>with a \\| pipe_" in text


# --- LaTeX ------------------------------------------------------------------------------------


def _hostile_report() -> Report:
    return Report(
        title=f"Table 9. {HOSTILE}",
        columns=["a", "b"],
        headers={"a": "x & y", "b": "ζ_1"},
        rows=[{"a": HOSTILE, "b": "≈ µ ⁺ – — \u200b ☃"}, {"a": "\\", "b": "{"}],
        notes=[HOSTILE],
    )


def test_latex_holds_no_raw_character():
    text = render_report(_hostile_report(), "latex") + render([{"t": HOSTILE}], "latex")
    assert not re.search(r"[^\x20-\x7e\n]", text)
    body = text.split(r"\endfoot", 1)[1].split(r"\end{longtable}", 1)[0]
    assert all(len(re.findall(r"(?<!\\)&", row)) == 1 for row in body.strip().splitlines())


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="no LaTeX engine installed")
def test_latex_with_hostile_text_compiles(runner, hostile_url, tmp_path):
    listing = _cli(runner, hostile_url, "notes", "--format", "latex")
    log = compile_tables(tmp_path, "hostile", [render_report(_hostile_report(), "latex"), listing])
    assert "Missing character" not in log
    assert "Undefined control sequence" not in log


# --- CSV --------------------------------------------------------------------------------------


def _csv_cells(text: str) -> dict[str, str]:
    """The hostile note's row of a ``notes --format csv`` listing, by column."""
    rows = list(csv.DictReader(io.StringIO(text)))
    (row,) = [r for r in rows if r["key"] == "hostile_note"]
    return row


def test_csv_is_lossless_by_default(runner, hostile_url):
    row = _csv_cells(_cli(runner, hostile_url, "notes", "--format", "csv"))
    assert row["subject"] == NOTE["subject"]
    assert row["review_text"] == HOSTILE


def test_csv_spreadsheet_safe_marks_formula_cells(runner, hostile_url):
    text = _cli(runner, hostile_url, "notes", "--format", "csv", "--spreadsheet-safe")
    row = _csv_cells(text)
    assert row["subject"] == "'" + NOTE["subject"]
    assert row["review_text"] == HOSTILE  # not a formula: as it is
    cells = [c for r in csv.reader(io.StringIO(text)) for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_spreadsheet_safe_keeps_numbers_and_reaches_reports():
    rows = [{"a": "-2.5", "b": -3, "c": "+1e5", "d": "-x", "e": "\tTAB", "f": "@a", "g": "\r=1"}]
    text = render(rows, "csv", spreadsheet_safe=True)
    header, safe = csv.reader(io.StringIO(text, newline=""))
    assert safe == ["-2.5", "-3", "+1e5", "'-x", "'\tTAB", "'@a", "'\r=1"]
    report = Report(title="r", columns=["a"], headers={}, rows=[{"a": "=1+1"}])
    assert render_report(report, "csv").splitlines()[1] == "=1+1"
    assert render_report(report, "csv", spreadsheet_safe=True).splitlines()[1] == "'=1+1"


FORMULA_NOTE = {
    "key": "formula_note",
    "subject": "cell_sources:bmsc",
    "review_text": "=1+2",
    "problem": "+starts with a plus",
    "source": "-starts with a minus\tand a tab",
}


def test_export_csv_round_trips_formula_cells_and_offers_a_safe_copy(
    runner, databases, template_url, tmp_path
):
    from exodb.workflows.database import init_database

    url = databases.copy(template_url)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        section = s.scalars(select(Section).order_by(Section.key)).first()
        s.add(CurationNote(kind="typo", section_id=section.id, **FORMULA_NOTE))
        s.commit()
    engine.dispose()
    first, second, safe = tmp_path / "first", tmp_path / "second", tmp_path / "safe"
    _cli(runner, url, "export", "csv", str(first))
    row = _note_row(first / "curation_notes.csv")
    assert row == {k: v for k, v in row.items() if k not in FORMULA_NOTE} | FORMULA_NOTE

    # The default export is seeds: loaded into a new database, it exports the same files.
    reloaded = databases.empty()
    engine = make_engine(reloaded)
    init_database(engine, seeds=first)
    engine.dispose()
    _cli(runner, reloaded, "export", "csv", str(second))
    for path in sorted(first.glob("*.csv")):
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name

    _cli(runner, url, "export", "csv", str(safe), "--spreadsheet-safe")
    row = _note_row(safe / "curation_notes.csv")
    assert {k: row[k] for k in FORMULA_NOTE} == {
        "key": "formula_note",
        "subject": "cell_sources:bmsc",
        "review_text": "'=1+2",
        "problem": "'+starts with a plus",
        "source": "'-starts with a minus\tand a tab",
    }
    assert json.loads((safe / "exodb-export.json").read_text())["spreadsheet_safe"] is True


def _note_row(path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["key"] == "formula_note"]
    return row


# --- GraphML ----------------------------------------------------------------------------------


def test_graphml_holds_no_character_xml_forbids():
    net = exports.Network()

    class Study:
        key = "study\x01key"
        ref = 1

    source = net.node("cell_source", "bad\x0bsource & <x>")
    target = net.node("molecule", "NF-κB\x00\x1f")
    net.edge(source, target, "carries", "", Study())
    text = exports.to_graphml(net)
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = {d.text for d in root.iter(f"{{{ns['g']}}}data") if d.get("key") == "n_label"}
    assert labels == {"bad\ufffdsource & <x>", "NF-κB\ufffd\ufffd"}
    (edge,) = root.iter(f"{{{ns['g']}}}edge")
    assert edge.get("source") == "cell_source:bad\ufffdsource & <x>"


def test_csv_quotes_a_lone_carriage_return():
    from exodb.curation import seedspec
    from exodb.curation.canonical import canonical_rows

    text = render([{"a": "one\rtwo", "b": "x"}], "csv")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a", "b"], ["one\rtwo", "x"]]
    seed = seedspec.BY_NAME["curation_notes"]
    row = {"key": "k", "kind": "typo", "section": "s", "review_text": "a\rb", "problem": "p"}
    (read,) = csv.DictReader(io.StringIO(canonical_rows(seed, [row]), newline=""))
    assert read["review_text"] == "a\rb"
