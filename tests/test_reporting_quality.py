"""The reporting-quality report: the MISEV items each EV preparation reports, on the worked
example of examples/extraction/, its formats, filters and figure, and the bundled seeds (which
extract no preparation)."""

from __future__ import annotations

import csv
import io
import json
import sys
from xml.etree import ElementTree as ET

import pytest

from exodb import queries, reports
from exodb.cli import main
from exodb.names import misev
from exodb.render import render_report
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows.load import import_path

from .conftest import REPO

EXAMPLE = REPO / "examples" / "extraction"
HEADER = (
    "study,ref,preparation,source_amount,separation,quantification,ratio,transmembrane_marker,"
    "cytosolic_marker,non_ev_marker,imaging,single_particle,reported,applicable,score,missing"
)
MOUSE_MISSING = [
    "source_amount",
    "quantification",
    "ratio",
    "transmembrane_marker",
    "cytosolic_marker",
    "non_ev_marker",
    "imaging",
]


def invoke(runner, url, *args):
    result = runner.invoke(main, ["--db", url, "report", "reporting-quality", *args])
    assert "Traceback" not in result.output, result.output
    return result


def by_preparation(report):
    return {(r["study"], r["preparation"]): r for r in report.rows}


# --- the library function -------------------------------------------------------------------


def test_preparations_with_their_separation_markers_and_methods(example_extraction_session):
    found = {p.study: p for p in queries.ev_preparations(example_extraction_session)}
    assert sorted(found) == ["example_mouse_compression", "example_rat_contusion"]
    rat, mouse = found["example_rat_contusion"], found["example_mouse_compression"]
    assert (rat.preparation, rat.cell_source, rat.ref) == ("bmsc_ev", "bmsc", None)
    assert rat.separation == ["duc"]
    assert (rat.protein_method, rat.particle_method, rat.lipid_method) == ("BCA", "NTA", None)
    assert (rat.particles_per_ug, rat.imaging_method, rat.single_particle_method) == (
        2.4e9,
        "TEM",
        "NTA",
    )
    assert rat.size_nm == 105
    assert rat.markers == [
        ("calnexin", "non_ev", False),
        ("CD63", "transmembrane", True),
        ("TSG101", "cytosolic", True),
    ]
    assert rat.markers[0].molecule == "calnexin" and rat.markers[0].detected is False
    assert rat.not_applicable == []
    assert mouse.separation == ["sec", "ultrafiltration"]
    assert (mouse.preparation, mouse.cell_source, mouse.source_amount) == (
        "ucmsc_ev",
        "uc_msc",
        None,
    )
    assert (mouse.protein_method, mouse.particle_method) == (None, "NTA")
    assert mouse.markers == []


def test_preparations_honour_the_study_filters(example_extraction_session):
    assert [
        p.study for p in queries.ev_preparations(example_extraction_session, species="mouse")
    ] == ["example_mouse_compression"]
    assert queries.ev_preparations(example_extraction_session, design="clinical") == []
    with pytest.raises(TypeError, match="ev_preparations.*'speces'"):
        queries.ev_preparations(example_extraction_session, speces="rat")


# --- the report -------------------------------------------------------------------------------


def test_a_preparation_reporting_every_item_scores_100(example_extraction_session):
    row = by_preparation(reports.misev_reporting(example_extraction_session))[
        "example_rat_contusion", "bmsc_ev"
    ]
    assert [row[key] for key in misev.ITEM_KEYS] == ["yes"] * 9
    assert (row["reported"], row["applicable"], row["score"], row["missing"]) == (9, 9, 100, [])


def test_a_preparation_reporting_two_items_scores_22(example_extraction_session):
    row = by_preparation(reports.misev_reporting(example_extraction_session))[
        "example_mouse_compression", "ucmsc_ev"
    ]
    reported = [key for key in misev.ITEM_KEYS if row[key] == "yes"]
    assert reported == ["separation", "single_particle"]
    assert row["missing"] == MOUSE_MISSING
    assert all(row[key] == "no" for key in MOUSE_MISSING)
    assert (row["reported"], row["applicable"], row["score"]) == (2, 9, 22)


def test_rows_by_score_and_the_notes_say_what_they_mean(example_extraction_session):
    report = reports.misev_reporting(example_extraction_session)
    assert [(r["study"], r["score"]) for r in report.rows] == [
        ("example_rat_contusion", 100),
        ("example_mouse_compression", 22),
    ]
    assert report.columns == HEADER.split(",")
    assert report.header("imaging") == "single-vesicle imaging"
    notes = "\n".join(report.notes)
    for item in misev.ITEMS:
        assert item.meaning in notes
    assert "share of the applicable items" in notes
    assert "sorted by score, highest first" in notes
    not_extracted = len(queries.study_keys(example_extraction_session)) - 2
    assert f"Not extracted: {not_extracted} of the {not_extracted + 2} studies" in notes


NOT_APPLICABLE_IMPORT = {
    "studies.csv": "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,"
    "summary\nexempt_study,,,,in_vivo,true,bmsc,,,A study whose ratio does not apply.\n",
    "ev_preparations.csv": "study,preparation,cell_source,source_amount,separation,"
    "separation_detail,protein_method,particle_method,lipid_method,particles_per_ug,"
    "imaging_method,single_particle_method,size_nm,not_applicable,note\n"
    "exempt_study,ev,bmsc,,duc,,BCA,NTA,,,TEM,,,ratio,\n"
    "exempt_study,nothing_applies,bmsc,,,,,,,,,,," + ";".join(misev.ITEM_KEYS) + ",\n",
}


def test_an_item_marked_not_applicable_leaves_the_denominator(fresh_url, tmp_path):
    for name, content in NOT_APPLICABLE_IMPORT.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    engine = make_engine(fresh_url)
    import_path(engine, tmp_path)
    with session_factory(engine)() as session:
        report = reports.misev_reporting(session)
    engine.dispose()
    rows = by_preparation(report)
    row = rows["exempt_study", "ev"]
    assert row["ratio"] == "n/a"
    assert [key for key in misev.ITEM_KEYS if row[key] == "yes"] == [
        "separation",
        "quantification",
        "imaging",
    ]
    # 3 of the 8 applicable items: 37.5%, a whole percent rounded half up.
    assert (row["reported"], row["applicable"], row["score"]) == (3, 8, 38)
    assert "ratio" not in row["missing"] and len(row["missing"]) == 5
    # With no item applicable there is no score (not 0%), and the row comes last.
    nothing = rows["exempt_study", "nothing_applies"]
    assert [nothing[key] for key in misev.ITEM_KEYS] == ["n/a"] * 9
    assert (nothing["applicable"], nothing["score"], nothing["missing"]) == (0, None, [])
    assert report.rows[-1] is nothing


# --- the command: formats, filters, the figure, no preparations --------------------------------


def test_every_format_renders(runner, example_extraction_url, example_extraction_session):
    table = invoke(runner, example_extraction_url)
    assert table.exit_code == 0, table.output
    assert table.stdout.startswith("Reporting quality of the EV preparations")
    assert "single-particle analysis" in table.stdout and "Note: Score:" in table.stdout
    markdown = invoke(runner, example_extraction_url, "--format", "markdown").stdout
    assert markdown.startswith("### Reporting quality")
    assert "| example_rat_contusion " in markdown
    latex = invoke(runner, example_extraction_url, "--format", "latex").stdout
    assert r"\begin{longtable}" in latex and r"score (\%)" in latex
    assert r"non\_ev\_marker" in latex  # the missing items, escaped
    text = invoke(runner, example_extraction_url, "--format", "csv").stdout
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["study"] for r in rows] == ["example_rat_contusion", "example_mouse_compression"]
    assert rows[1]["missing"] == ";".join(MOUSE_MISSING)
    payload = json.loads(invoke(runner, example_extraction_url, "--format", "json").stdout)
    assert payload["columns"] == HEADER.split(",")
    mouse = payload["rows"][1]
    assert mouse["separation"] == "yes" and mouse["imaging"] == "no"
    assert (mouse["reported"], mouse["applicable"], mouse["score"]) == (2, 9, 22)
    assert mouse["missing"] == MOUSE_MISSING
    assert payload["rows"][0]["score"] == 100
    # The library's report renders the same JSON.
    assert (
        json.loads(render_report(reports.misev_reporting(example_extraction_session), "json"))
        == payload
    )


def test_output_file_picks_the_format(runner, example_extraction_url, tmp_path):
    target = tmp_path / "quality.csv"
    result = invoke(runner, example_extraction_url, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").splitlines()[0] == HEADER


def test_filters_keep_only_the_studies_they_select(
    runner, example_extraction_url, example_extraction_session
):
    result = invoke(runner, example_extraction_url, "--species", "mouse", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [r["study"] for r in payload["rows"]] == ["example_mouse_compression"]
    mice = len(queries.study_keys(example_extraction_session, species="mouse"))
    assert f"Not extracted: {mice - 1} of the {mice} studies" in " ".join(payload["notes"])
    assert "Filters: species=mouse" in payload["notes"]
    rats = reports.misev_reporting(example_extraction_session, species="rat")
    assert [r["study"] for r in rats.rows] == ["example_rat_contusion"]
    others = reports.misev_reporting(
        example_extraction_session, exosome_based=False, quantitative=False
    )
    assert others.rows == []
    assert others.notes[0].startswith("No EV preparation is extracted for the ")
    assert others.notes[-1] == "Filters: exosome_based=False"
    unknown = invoke(runner, example_extraction_url, "--species", "quokka")
    assert unknown.exit_code == 1
    assert "unknown species 'quokka'" in unknown.stderr


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_figure_is_written(runner, example_extraction_url, tmp_path, suffix):
    pytest.importorskip("matplotlib")
    target = tmp_path / f"quality{suffix}"
    result = invoke(runner, example_extraction_url, "--figure", str(target), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert f"exodb: wrote {target}" in result.stderr
    assert result.stdout.splitlines()[0] == HEADER
    data = target.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == ".pdf":
        assert data.startswith(b"%PDF-")
    else:
        assert ET.fromstring(data).tag.endswith("svg")
        for text in (b"single-particle analysis", b"not applicable", b"(22%)"):
            assert text in data


def test_figure_without_matplotlib_says_how_to_install(
    runner, example_extraction_url, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    target = tmp_path / "quality.png"
    result = invoke(runner, example_extraction_url, "--figure", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the figure needs matplotlib: pip install 'exodb[figures]'"
    )
    assert not target.exists()


def test_figure_of_another_kind_is_refused(runner, example_extraction_url, tmp_path):
    result = invoke(runner, example_extraction_url, "--figure", str(tmp_path / "quality.jpg"))
    assert result.exit_code == 1
    assert "the figure must be a .png, .svg or .pdf file, not 'quality.jpg'" in result.stderr


def test_the_bundled_seeds_extract_no_preparation(runner, seeded_url, session, tmp_path):
    studies = len(queries.study_keys(session))
    message = f"No EV preparation is extracted for the {studies} studies in the selection"
    result = invoke(runner, seeded_url)
    assert result.exit_code == 0, result.output
    assert f"Note: {message}" in result.stdout
    assert "not a score of 0%" in result.stdout
    payload = json.loads(invoke(runner, seeded_url, "--format", "json").stdout)
    assert payload["rows"] == [] and payload["notes"][0].startswith(message)
    assert invoke(runner, seeded_url, "--format", "csv").stdout == HEADER + "\n"
    target = tmp_path / "quality.png"
    drawn = invoke(runner, seeded_url, "--figure", str(target))
    assert drawn.exit_code == 0
    assert f"exodb: no EV preparation in the selection; {target} not drawn" in drawn.stderr
    assert not target.exists()
