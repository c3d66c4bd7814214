"""Meta-analysis where users meet it: ``exodb meta-analysis FILE.csv``, ``exodb report
meta-analysis`` on the example extraction, ``exodb export meta``, the forest and funnel plots,
and the refusals of impossible input.

The example's numbers are worked by hand here from examples/extraction/ (BBB at day 28: ev_high
13.4 ± 2.1, n 9; ev_low 10.9 ± 2.2, n 10; vehicle 8.7 ± 2.0, n 8, shared by both; BMS at day
28: ev 5.1 ± SEM 0.4, n 9; vehicle 3.4 ± SEM 0.4, n 10)."""

from __future__ import annotations

import csv
import io
import json
import math
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from exodb import reports, synthesis
from exodb.cli import main
from exodb.render import render_report

from .conftest import REPO

REFERENCE = REPO / "tests" / "data" / "reference"
NORMAND = "study,m1i,sd1i,n1i,m2i,sd2i,n2i\n" + "\n".join(
    [
        "Edinburgh,55,47,155,75,64,156",
        "Orpington-Mild,27,7,31,29,4,32",
        "Orpington-Moderate,64,17,75,119,29,71",
        "Orpington-Severe,66,20,18,137,48,18",
    ]
)


def run(runner, *args):
    result = runner.invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def normand_csv(tmp_path):
    path = tmp_path / "normand.csv"
    path.write_text(NORMAND + "\n", encoding="utf-8")
    return path


# --- exodb meta-analysis FILE.csv ----------------------------------------------------------


def test_csv_smd_json_carries_the_pooled_numbers_and_per_study_ones(runner, normand_csv):
    # The first four rows of metafor's dat.normand1999: test_misc_escalc.r and
    # test_misc_rma_uni.r expect these g values and a REML tau² of 1.0090.
    result = run(runner, "meta-analysis", str(normand_csv), "--measure", "SMD", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    keys = {"k", "estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "tau2", "I2", "H2"}
    assert keys | {"Q", "Q_p", "yi", "vi", "weights"} <= set(doc)
    assert doc["k"] == 4 and doc["measure"] == "SMD" and doc["method"] == "REML"
    assert [round(y, 4) for y in doc["yi"]] == [-0.3552, -0.3479, -2.3176, -1.888]
    assert round(doc["tau2"], 4) == 1.009
    assert sum(doc["weights"]) == pytest.approx(100)
    assert [s["study"] for s in doc["studies"]] == [
        "Edinburgh",
        "Orpington-Mild",
        "Orpington-Moderate",
        "Orpington-Severe",
    ]
    # I² in percent, from tau² (REML): 100 tau² / (tau² + typical variance)
    assert 0 < doc["I2"] < 100 and doc["H2"] == pytest.approx(1 / (1 - doc["I2"] / 100))


def test_csv_yi_vi_with_knha_and_pm_matches_the_engine(runner, tmp_path):
    yi = [-0.581, 0.530, 0.771, 1.031, 0.553, 0.295, 0.078, 0.573, -0.176, -0.232]
    vi = [0.023, 0.052, 0.060, 0.115, 0.095, 0.203, 0.200, 0.211, 0.051, 0.040]
    path = tmp_path / "given.csv"
    path.write_text(
        "study,yi,vi\n"
        + "".join(f"s{i},{y},{v}\n" for i, (y, v) in enumerate(zip(yi, vi, strict=True)))
    )
    result = run(runner, "meta-analysis", str(path), "--method", "PM", "--knha", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    engine = synthesis.pool(yi, vi, method="PM", knha=True)
    assert doc["measure"] == "GEN" and doc["knha"] is True and doc["df"] == 9
    assert doc["estimate"] == engine.estimate and doc["pi_lb"] == engine.pi_lb
    assert doc["tau2"] == engine.tau2


def test_csv_table_shows_comparisons_pooled_and_leave_one_out(runner, normand_csv):
    result = run(runner, "meta-analysis", str(normand_csv), "--measure", "MD", "--method", "DL")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "comparisons (MD)" in out and "pooled" in out and "leave one out" in out
    assert "random-effects model, DerSimonian-Laird tau²" in out
    assert "Edinburgh" in out and "-20" in out


def test_csv_subgroups_by_a_column(runner, tmp_path):
    path = tmp_path / "by.csv"
    path.write_text(
        "study,yi,vi,species\na,0.5,0.04,rat\nb,0.7,0.05,rat\nc,0.1,0.04,mouse\nd,0.2,0.06,mouse\n"
    )
    result = run(runner, "meta-analysis", str(path), "--by", "species", "--format", "json")
    doc = json.loads(result.output)
    groups = {g["subgroup"]: g for g in doc["subgroups"]["groups"]}
    assert sorted(groups) == ["mouse", "rat"] and groups["rat"]["k"] == 2
    assert doc["subgroups"]["df"] == 1 and doc["subgroups"]["by"] == "species"
    rat = synthesis.pool([0.5, 0.7], [0.04, 0.05])
    assert groups["rat"]["estimate"] == rat.estimate


def test_csv_output_as_csv_is_one_tidy_table(runner, normand_csv):
    result = run(runner, "meta-analysis", str(normand_csv), "--measure", "SMD", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["row"] for r in rows] == ["comparison"] * 4 + ["pooled"]
    assert rows[-1]["study"] == "overall (REML)" and rows[-1]["k"] == "4"
    assert round(float(rows[0]["estimate"]), 4) == -0.3552


BAD_ROWS = [
    ("A,55,-47,155,75,64,156", "sd1i", "-47: a standard deviation cannot be negative"),
    ("A,55,47,1,75,64,156", "n1i", "1: a group needs at least 2 animals for an SD"),
    ("A,55,47,155,seventy,64,156", "m2i", "'seventy' is not a number"),
    ("A,55,47,155,,64,156", "m2i", "empty; a number is needed"),
    ("A,55,47,155,75,64,15.5", "n2i", "15.5: must be a whole number >= 0"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_impossible_values_are_refused_with_file_line_and_column(
    runner, tmp_path, row, column, message
):
    path = tmp_path / "bad.csv"
    path.write_text(NORMAND + "\n" + row + "\n")
    result = run(runner, "meta-analysis", str(path), "--measure", "MD")
    assert result.exit_code == 1
    assert f"{path}:6: {column}: {message}" in result.output
    assert "nothing was computed" in result.output


def test_fewer_than_two_studies_and_missing_columns(runner, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("study,yi,vi\nonly,0.3,0.01\n")
    result = run(runner, "meta-analysis", str(one))
    assert result.exit_code == 1
    assert f"{one}:2: study: 1 row(s); pooling needs at least two" in result.output
    cols = tmp_path / "cols.csv"
    cols.write_text("study,m1i,sd1i,n1i\na,1,1,5\nb,2,1,5\n")
    result = run(runner, "meta-analysis", str(cols), "--measure", "SMD")
    assert f"{cols}:1: m2i: missing column (needed for SMD)" in result.output
    result = run(runner, "meta-analysis", str(one), "--by", "dose")
    assert f"{one}:1: dose: missing column (named by --by)" in result.output


def test_rom_and_nmd_refuse_what_they_cannot_compute(runner, tmp_path):
    rom = tmp_path / "rom.csv"
    rom.write_text("study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,2,1,5,0,1,5\nb,2,1,5,1,1,5\n")
    result = run(runner, "meta-analysis", str(rom), "--measure", "ROM")
    assert f"{rom}:2: m2i: 0: ROM needs means greater than 0" in result.output
    nmd = tmp_path / "nmd.csv"
    nmd.write_text("study,m1i,sd1i,n1i,m2i,sd2i,n2i,m0i\na,2,1,5,3,1,5,3\nb,2,1,5,1,1,5,9\n")
    result = run(runner, "meta-analysis", str(nmd), "--measure", "NMD")
    message = "m0i: equals m2i: the control shows no deficit to recover"
    assert f"{nmd}:2: {message}" in result.output


def test_a_file_that_is_not_utf8_is_refused(runner, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("study,yi,vi\nM\xfcller,0.1,0.01\nb,0.2,0.02\n".encode("latin-1"))
    result = run(runner, "meta-analysis", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: -: byte 0xfc is not UTF-8 text" in result.output


# --- the engine's own checks -----------------------------------------------------------------


def test_sd_from_sem_ci_and_iqr():
    assert synthesis.sd_from("sem", 9, dispersion=0.4).sd == pytest.approx(1.2)
    # a 95% CI of a mean of 10 animals: sqrt(10) * width / (2 t(0.975, 9))
    ci = synthesis.sd_from("ci95", 10, lower=1.0, upper=3.0)
    assert ci.sd == pytest.approx(math.sqrt(10) * 2 / (2 * 2.2621571627409915))
    assert ci.derived_from == "ci95"
    assert synthesis.sd_from("iqr", 6, lower=0.35, upper=0.51).sd == pytest.approx(0.16 / 1.35)
    reported = synthesis.sd_from("sd", 5, dispersion=2.0)
    assert reported.derived_from is None and reported.how == "reported"
    from exodb.synthesis.dispersion import NoStandardDeviation

    with pytest.raises(NoStandardDeviation, match="a range gives no SD"):
        synthesis.sd_from("range", 5, lower=1, upper=2)


def test_shared_control_split_and_flag():
    n, shared = synthesis.shared_control_adjusted(["v", "v", "w"], [8, 8, 10])
    assert list(n) == [4, 4, 10] and shared == {"v": 2}
    n, shared = synthesis.shared_control_adjusted(["v", "v", "w"], [8, 8, 10], "flag")
    assert list(n) == [8, 8, 10] and shared == {"v": 2}


def test_nmd_is_the_share_of_the_deficit_recovered_whichever_way_the_scale_counts():
    # BBB counts up (normal 21): 13.4 against 8.7 recovers 4.7 of a 12.3-point deficit.
    up = synthesis.effect_sizes(
        "NMD",
        {
            "m1i": [13.4],
            "sd1i": [2.1],
            "n1i": [9],
            "m2i": [8.7],
            "sd2i": [2.0],
            "n2i": [8],
            "m0i": [21],
        },
    )
    assert up.yi[0] == pytest.approx(100 * 4.7 / 12.3)
    assert up.vi[0] == pytest.approx((100 * 2.1 / 12.3) ** 2 / 9 + (100 * 2.0 / 12.3) ** 2 / 8)
    # A lesion volume counts down (normal 0): 0.42 against 0.71 recovers 0.29 of 0.71.
    down = synthesis.effect_sizes(
        "NMD",
        {
            "m1i": [0.42],
            "sd1i": [0.1],
            "n1i": [6],
            "m2i": [0.71],
            "sd2i": [0.1],
            "n2i": [6],
            "m0i": [0],
        },
    )
    assert down.yi[0] == pytest.approx(100 * 0.29 / 0.71)


def test_pooling_refuses_what_cannot_be_pooled():
    with pytest.raises(ValueError, match="every sampling variance must be greater than 0"):
        synthesis.pool([0.1, 0.2], [0.01, 0])
    with pytest.raises(ValueError, match="unknown method 'XX'"):
        synthesis.pool([0.1, 0.2], [0.01, 0.02], method="XX")
    with pytest.raises(ValueError, match="more studies than coefficients"):
        synthesis.meta_regression([0.1, 0.2], [0.01, 0.02], {"x": [1.0, 2.0]})


# --- exodb report meta-analysis, on the example extraction -----------------------------------


def test_report_bbb_day_28_splits_the_shared_vehicle_group(example_extraction_session):
    result = reports.meta_analysis(example_extraction_session, ["BBB"], timepoint=28)
    doc = result.payload
    assert doc["measure"] == "MD" and doc["k"] == 2
    assert doc["yi"] == pytest.approx([4.7, 2.2])
    # vehicle's n of 8 split between the two doses: 4 each
    assert doc["vi"] == pytest.approx([2.1**2 / 9 + 2.0**2 / 4, 2.2**2 / 10 + 2.0**2 / 4])
    engine = synthesis.pool([4.7, 2.2], doc["vi"])
    assert doc["estimate"] == pytest.approx(engine.estimate)
    assert [s["n2i"] for s in doc["studies"]] == [4, 4]
    notes = " ".join(doc["notes"])
    assert (
        "Shared control groups: example_rat_contusion vehicle (BBB, day 28) (2 comparisons)"
        in notes
    )
    assert "Filters: timepoint=28" in notes


def test_report_flagging_the_shared_control_keeps_its_n(example_extraction_session):
    result = reports.meta_analysis(
        example_extraction_session, ["BBB"], timepoint=28, shared_control="flag"
    )
    assert result.payload["vi"] == pytest.approx([0.49 + 0.5, 0.484 + 0.5])
    assert "pooled standard error is too small" in " ".join(result.payload["notes"])


def test_report_nmd_across_scales_by_species(example_extraction_session):
    result = reports.meta_analysis(
        example_extraction_session, ["BBB", "BMS"], measure="NMD", timepoint=28, by="species"
    )
    doc = result.payload
    by_study = {s["study"]: s for s in doc["studies"]}
    mouse = by_study["example_mouse_compression: ev vs vehicle, BMS"]
    # BMS normal value 9 (no sham arm); SDs from SEMs: 0.4 sqrt(9), 0.4 sqrt(10)
    assert mouse["yi"] == pytest.approx(100 * 1.7 / 5.6)
    sd1, sd2 = 0.4 * 3, 0.4 * math.sqrt(10)
    assert mouse["vi"] == pytest.approx((100 * sd1 / 5.6) ** 2 / 9 + (100 * sd2 / 5.6) ** 2 / 10)
    assert mouse["derived"] == [
        "ev SD from sem",
        "vehicle SD from sem",
        "normal = BMS's normal value 9",
    ]
    rat = by_study["example_rat_contusion: ev_high vs vehicle, BBB"]
    # the sham arm (BBB 21 at day 28) is the normal value
    assert rat["yi"] == pytest.approx(100 * 4.7 / (21 - 8.7)) and rat["derived"] == []
    groups = {g["subgroup"]: g["k"] for g in doc["subgroups"]["groups"]}
    assert groups == {"mouse": 1, "rat": 2}


def test_report_md_across_two_scales_is_refused(example_extraction_session):
    with pytest.raises(
        ValueError, match="MD pools one scale, and these comparisons are on BBB, BMS"
    ):
        reports.meta_analysis(example_extraction_session, ["BBB", "BMS"], measure="MD")


def test_report_without_timepoint_takes_each_last_one_and_by_timepoint_keeps_all(
    example_extraction_session,
):
    last = reports.meta_analysis(example_extraction_session, ["BBB"])
    assert [s["day"] for s in last.payload["studies"]] == [28, 28]
    assert "each comparison contributes its last time point (day 28)" in " ".join(
        last.payload["notes"]
    )
    every = reports.meta_analysis(example_extraction_session, ["BBB"], by="timepoint")
    labels = [g["subgroup"] for g in every.payload["subgroups"]["groups"]]
    assert labels == ["day 1", "day 7", "day 14", "day 28"]
    assert "same animals measured again" in " ".join(every.payload["notes"])


def test_report_subgroups_by_dose_band_and_cell_source(example_extraction_session):
    banded = reports.meta_analysis(
        example_extraction_session, ["BBB"], timepoint=28, by="dose", dose_breaks=[100]
    )
    assert [s["subgroup"] for s in banded.payload["studies"]] == [">= 100 ug", "< 100 ug"]
    plain = reports.meta_analysis(example_extraction_session, ["BBB"], timepoint=28, by="dose")
    assert [s["subgroup"] for s in plain.payload["studies"]] == ["200 ug", "50 ug"]
    source = reports.meta_analysis(
        example_extraction_session, ["BBB"], timepoint=28, by="cell-source"
    )
    assert {s["subgroup"] for s in source.payload["studies"]} == {"bmsc"}


def test_report_with_one_comparison_or_an_unknown_scale_says_why(example_extraction_session):
    with pytest.raises(ValueError, match="1 comparison on BMS to pool"):
        reports.meta_analysis(example_extraction_session, ["BMS"], timepoint=28)
    from exodb.errors import UnknownName

    with pytest.raises(UnknownName, match="unknown outcome scale 'BBBB'"):
        reports.meta_analysis(example_extraction_session, ["BBBB"])


def test_report_from_the_command_line(runner, example_extraction_url):
    result = run(
        runner, "--db", example_extraction_url, "report", "meta-analysis", "--outcome", "BBB",
        "--timepoint", "28", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["yi"] == pytest.approx([4.7, 2.2])
    result = run(
        runner, "--db", example_extraction_url, "report", "meta-analysis", "--outcome", "BMS",
        "--timepoint", "28",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Error: 1 comparison on BMS to pool" in result.output
    result = run(
        runner, "--db", example_extraction_url, "report", "meta-analysis", "--outcome", "BBB",
        "--species", "mouse",
    )  # fmt: skip
    assert "Error: 0 comparisons on BBB to pool" in result.output


def test_export_meta_round_trips_through_the_csv_command(runner, example_extraction_url, tmp_path):
    exported = tmp_path / "meta.csv"
    result = run(
        runner, "--db", example_extraction_url, "export", "meta", "--outcome", "BBB", "--outcome",
        "BMS", "--measure", "NMD", "--timepoint", "28", "-o", str(exported),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(exported.open()))
    assert list(rows[0])[:8] == ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "m0i"]
    rat = next(r for r in rows if r["study"].endswith("ev_high vs vehicle, BBB"))
    assert (rat["n2i"], rat["n2i_reported"], rat["m0i"]) == ("4", "8", "21")
    pooled_file = run(
        runner, "meta-analysis", str(exported), "--measure", "NMD", "--format", "json"
    )
    pooled_db = run(
        runner, "--db", example_extraction_url, "report", "meta-analysis", "--outcome", "BBB",
        "--outcome", "BMS", "--measure", "NMD", "--timepoint", "28", "--format", "json",
    )  # fmt: skip
    from_file, from_db = json.loads(pooled_file.output), json.loads(pooled_db.output)
    for key in ("estimate", "se", "tau2", "I2", "Q", "pi_lb", "pi_ub"):
        assert from_file[key] == pytest.approx(from_db[key], rel=1e-12), key


# --- figures --------------------------------------------------------------------------------


def test_forest_and_funnel_plots_keep_their_labels_as_text(runner, normand_csv, tmp_path):
    pytest.importorskip("matplotlib")
    forest, funnel = tmp_path / "forest.svg", tmp_path / "funnel.svg"
    result = run(
        runner, "meta-analysis", str(normand_csv), "--measure", "SMD", "--forest", str(forest),
        "--funnel", str(funnel),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    texts = [
        "".join(node.itertext()) for node in ET.parse(forest).iter() if node.tag.endswith("}text")
    ]
    assert "Edinburgh" in texts and "Orpington-Severe" in texts
    assert any(t.startswith("Overall, REML (k = 4)") for t in texts)
    assert "Standardized mean difference (Hedges' g)" in texts
    funnel_texts = [
        "".join(n.itertext()) for n in ET.parse(funnel).iter() if n.tag.endswith("}text")
    ]
    assert "Standard error" in funnel_texts


def test_a_figure_with_an_unsupported_extension_is_refused(runner, normand_csv, tmp_path):
    pytest.importorskip("matplotlib")
    result = run(
        runner, "meta-analysis", str(normand_csv), "--forest", str(tmp_path / "forest.jpg")
    )
    assert result.exit_code == 1
    assert "the figure must be a .png, .svg or .pdf file, not 'forest.jpg'" in result.output


def test_text_rendering_rounds_to_metafors_printed_digits(normand_csv):
    report = reports.meta_analysis_of_file(str(normand_csv), measure="SMD")
    text = render_report(report, "table")
    assert "-0.3552" in text and "-2.3176" in text
    assert np.isclose(report.payload["yi"][0], -0.35517, atol=5e-5)


# --- meta-regression where users meet it ------------------------------------------------------


def test_csv_meta_regression_reproduces_metafors_mixed_effects_model(runner, tmp_path):
    # test_analysis_example_raudenbush1985.r: rma(yi, vi, mods = ~ weeks.c), weeks capped at 3
    lines = (REFERENCE / "dat.raudenbush1985.txt").read_text().splitlines()
    header = lines[0].split()
    rows = [dict(zip(header, line.split()[-len(header) :], strict=True)) for line in lines[1:]]
    path = tmp_path / "teachers.csv"
    path.write_text(
        "study,yi,vi,weeks_c\n"
        + "".join(f"{r['study']},{r['yi']},{r['vi']},{min(int(r['weeks']), 3)}\n" for r in rows)
    )
    result = run(runner, "meta-analysis", str(path), "--moderator", "weeks_c", "--format", "json")
    assert result.exit_code == 0, result.output
    regression = json.loads(result.output)["meta_regression"]
    coefficients = regression["coefficients"]
    assert [c["name"] for c in coefficients] == ["intrcpt", "weeks_c"]
    assert [round(c["estimate"], 4) for c in coefficients] == [0.4072, -0.1572]
    assert [round(c["statistic"], 4) for c in coefficients] == [4.6782, -4.3884]
    assert round(regression["QE"], 4) == 16.5708 and regression["QM_df"] == 1
    text = run(runner, "meta-analysis", str(path), "--moderator", "weeks_c").output
    assert "meta-regression on weeks_c" in text and "Test of the moderator weeks_c: QM" in text


def test_csv_meta_regression_on_a_text_column_is_categorical(runner, tmp_path):
    path = tmp_path / "cat.csv"
    path.write_text(
        "study,yi,vi,route\na,0.5,0.04,iv\nb,0.7,0.05,iv\nc,0.1,0.04,local\nd,0.2,0.06,local\n"
    )
    doc = json.loads(
        run(runner, "meta-analysis", str(path), "--moderator", "route", "--format", "json").output
    )
    names = [c["name"] for c in doc["meta_regression"]["coefficients"]]
    assert names == ["intrcpt", "route[local]"]


def test_report_meta_regression_on_time_point(example_extraction_session):
    result = reports.meta_analysis(
        example_extraction_session, ["BBB"], by="timepoint", moderator="timepoint"
    )
    regression = result.payload["meta_regression"]
    assert regression["moderator"] == "timepoint"
    days = [s["day"] for s in result.payload["studies"]]
    expected = synthesis.meta_regression(
        result.payload["yi"], result.payload["vi"], {"timepoint": days}
    )
    assert regression["coefficients"][1]["estimate"] == pytest.approx(
        expected.coefficients[1].estimate
    )
    with pytest.raises(ValueError, match="unknown moderator 'weight'"):
        reports.meta_analysis(example_extraction_session, ["BBB"], moderator="weight")


def test_the_synthesis_benchmark_measures_against_its_floor():
    from benchmarks import synthesis as benchmark

    results = []
    benchmark.bench_pooling(1, results, sizes=(100, 1_000))
    assert [r.scale for r in results] == ["k = 100", "k = 1,000"]
    assert all(r.exodb > 0 and r.baseline > 0 and r.ratio for r in results)


HOSTILE_FILES = [
    ("study,yi,vi,yi\na,0.5,0.04,9\nb,0.3,0.02,9\n", [], "1: yi: the column appears twice"),
    ("study,yi,vi\na,0.5,0.04\nb,0.3,0.02,7\n", [], "3: -: 4 cells; the header has 3"),
    ("study,yi,vi\na,0.5,0.04\nb,0.3\n", [], "3: -: 2 cells; the header has 3"),
    ("study;yi;vi\na;0.5;0.04\nb;0.3;0.02\n", [], "1: -: the columns are separated by ';'"),
    ("study,yi,vi\na,0.5,0.04\nb,1e308,0.02\n", [], "3: yi: 1e308: too large to pool"),
    (
        "study,ai,n1i,ci,n2i\na,30,20,5,20\nb,3,25,8,25\n",
        ["--measure", "RR"],
        "2: ai: 30 events out of n1i = 20",
    ),
    (
        "study,ai,bi,ci,di\na,0,0,0,0\nb,3,22,8,17\n",
        ["--measure", "OR"],
        "2: bi: group 1 has no animals (ai + bi = 0)",
    ),
    (
        "study,ai,bi,ci,di\na,1,20,5,15\nb,3,22,8,17\n",
        [],
        "1: ai: counts of events: choose --measure RR or --measure OR",
    ),
    (
        "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,10,0,20,8,0,20\nb,11,3,25,9,3,25\n",
        ["--measure", "SMD"],
        "2: SMD: both SDs are 0, so this row gives no effect size with a variance above 0",
    ),
]


@pytest.mark.parametrize(("content", "options", "message"), HOSTILE_FILES)
def test_files_that_cannot_be_read_as_meant_are_refused(
    runner, tmp_path, content, options, message
):
    path = tmp_path / "hostile.csv"
    path.write_text(content)
    result = run(runner, "meta-analysis", str(path), *options)
    assert result.exit_code == 1
    assert f"{path}:{message}" in result.output


def test_paule_mandel_finds_a_tau2_above_metafors_bracket():
    # metafor's uniroot searches [0, 100]; a tau² of about 111 (yi -7.5, 7.5) is still found
    # and solves the estimating equation Q(tau²) = k - 1.
    from exodb.synthesis import tau2 as estimators

    yi, vi = np.array([-7.5, 7.5]), np.array([1.0, 1.2])
    tau2 = synthesis.pool(yi, vi, method="PM").tau2
    assert tau2 > 100
    assert estimators.generalised_q(yi, vi, np.ones((2, 1)), tau2) == pytest.approx(1, abs=1e-3)


def test_egger_is_skipped_with_a_note_when_every_standard_error_is_the_same(runner, tmp_path):
    path = tmp_path / "equal.csv"
    path.write_text("study,yi,vi\na,0.1,0.05\nb,0.4,0.05\nc,0.9,0.05\nd,0.3,0.05\n")
    doc = json.loads(run(runner, "meta-analysis", str(path), "--format", "json").output)
    assert doc["egger"] is None
    assert (
        "Egger's test is not run: the standard errors are all the same, so there is no slope "
        "to test." in doc["notes"]
    )


def test_variances_too_far_apart_and_a_forest_too_large_are_refused(runner, tmp_path):
    with pytest.raises(ValueError, match="more than 1e\\+12 apart"):
        synthesis.pool([0.1, 0.2], [1e-8, 1e6])
    pytest.importorskip("matplotlib")
    path = tmp_path / "many.csv"
    path.write_text("study,yi,vi\n" + "".join(f"s{i},{i % 7 / 10},0.05\n" for i in range(301)))
    result = run(runner, "meta-analysis", str(path), "--forest", str(tmp_path / "f.png"))
    assert result.exit_code == 1
    assert "a forest plot of 301 comparisons is not readable; it is drawn for up to 300" in (
        result.output
    )
