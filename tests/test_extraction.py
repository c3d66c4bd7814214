"""A study as a systematic reviewer extracts it: the example extraction imports, validates and
round-trips; every bad value is refused with its file, line and column and leaves the database
as it was; the database itself refuses what the loader would; the views give one row per
measurement and per appraised study; the migration keeps every earlier row."""

from __future__ import annotations

import csv
import filecmp
import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from exodb.cli import main
from exodb.curation import seedspec
from exodb.io.resources import seeds_dir
from exodb.schema import migrations
from exodb.storage.connection import make_engine
from exodb.workflows.database import upgrade

from .conftest import REPO, snapshot

EXAMPLE = REPO / "examples" / "extraction"


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    return result


def rows(url: str, sql: str, **params) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as connection:
        result = [tuple(r) for r in connection.execute(text(sql), params)]
    engine.dispose()
    return result


# --- the example ------------------------------------------------------------------------------


def test_the_example_is_marked_as_illustrative():
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert "illustrative numbers, not evidence" in readme
    assert "Nothing in this folder comes from a paper." in readme
    with open(EXAMPLE / "studies.csv", encoding="utf-8", newline="") as handle:
        studies = list(csv.DictReader(handle))
    assert [s["key"] for s in studies] == ["example_mouse_compression", "example_rat_contusion"]
    for study in studies:
        assert study["summary"].startswith("ILLUSTRATIVE EXAMPLE, NOT A REAL STUDY")
        assert study["ref"] == study["doi"] == study["pmid"] == ""


def test_the_example_validates(runner, seeded_url):
    result = run(runner, seeded_url, "validate", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert result.output == f"exodb: {EXAMPLE}: 51 rows valid, nothing written\n"


def test_the_example_imports_with_its_new_vocabulary(runner, example_url):
    assert rows(
        example_url,
        "SELECT key, minimum, maximum, higher_is_better, unit FROM outcome_scale ORDER BY key",
    ) == [
        ("BBB", 0.0, 21.0, True, "points"),
        ("BMS", 0.0, 9.0, True, "points"),
        ("BMS_subscore", 0.0, 11.0, True, "points"),
        ("lesion_volume", 0.0, None, False, "mm3"),
    ]
    assert rows(
        example_url,
        "SELECT m.key, e.category, e.detected FROM ev_marker e "
        "JOIN molecule m ON m.id = e.molecule_id ORDER BY lower(m.key)",
    ) == [
        ("calnexin", "non_ev", False),
        ("CD63", "transmembrane", True),
        ("TSG101", "cytosolic", True),
    ]
    assert rows(
        example_url,
        "SELECT s.key, m.label, m.injury_model, m.spinal_level, m.height_mm, m.clip_force_g "
        "FROM animal_model m JOIN study s ON s.id = m.study_id ORDER BY s.key",
    ) == [
        ("example_mouse_compression", "compression", "compression", "T9", None, 30.0),
        ("example_rat_contusion", "contusion", "contusion", "T10", 25.0, None),
    ]


def test_arm_measurement_gives_one_row_per_measurement_with_its_context(example_url):
    assert rows(example_url, "SELECT count(*) FROM arm_measurement") == [(20,)]
    assert rows(
        example_url,
        "SELECT study, arm, role, control_arm, cell_source, preparation, separation, species, "
        "animal_model, injury_model, dose_amount, dose_unit, first_dose_hours, doses, route, "
        "scale, higher_is_better, timepoint_days, n, central, central_kind, dispersion_kind, "
        "dispersion, unit, source_location FROM arm_measurement "
        "WHERE scale = 'BBB' AND timepoint_days = 28 ORDER BY arm",
    ) == [
        ("example_rat_contusion", "ev_high", "treatment", "vehicle", "bmsc", "bmsc_ev", "duc",
         "rat", "contusion", "contusion", 200.0, "ug", 24.0, 2, "intravenous", "BBB", True,
         28.0, 9, 13.4, "mean", "sd", 2.1, "points", "Fig. 1B"),
        ("example_rat_contusion", "ev_low", "treatment", "vehicle", "bmsc", "bmsc_ev", "duc",
         "rat", "contusion", "contusion", 50.0, "ug", 24.0, 2, "intravenous", "BBB", True,
         28.0, 10, 10.9, "mean", "sd", 2.2, "points", "Fig. 1B"),
        # The sham arm had no animal model row of its own; its species is the study's only one,
        # and it takes no route from the study (it was given nothing).
        ("example_rat_contusion", "sham", "control", None, "bmsc", None, None, "rat", None,
         None, None, None, None, None, None, "BBB", True, 28.0, 6, 21.0, "mean", "sd", 0.0,
         "points", "Fig. 1B"),
        ("example_rat_contusion", "vehicle", "control", None, "bmsc", None, None, "rat",
         "contusion", "contusion", None, None, 24.0, 2, "intravenous", "BBB", True, 28.0, 8,
         8.7, "mean", "sd", 2.0, "points", "Fig. 1B"),
    ]  # fmt: skip
    assert rows(
        example_url,
        "SELECT arm, central, dispersion_kind, lower, upper, unit, separation FROM "
        "arm_measurement WHERE scale = 'lesion_volume' ORDER BY arm",
    ) == [
        ("ev", 0.42, "iqr", 0.35, 0.51, "mm3", "sec;ultrafiltration"),
        ("vehicle", 0.71, "iqr", 0.6, 0.83, "mm3", None),
    ]


def test_study_risk_of_bias_pivots_syrcle_domains(example_url):
    assert rows(
        example_url,
        "SELECT study, sequence_generation, baseline_characteristics, blinding_assessors, "
        "incomplete_outcome_data, low, high, unclear FROM study_risk_of_bias ORDER BY study",
    ) == [
        ("example_mouse_compression", "unclear", None, "low", None, 1, 0, 1),
        ("example_rat_contusion", "low", "low", "low", "high", 5, 1, 4),
    ]


def test_schema_lists_the_new_views_with_their_comments(runner, seeded_url):
    result = run(runner, seeded_url, "schema", "--format", "csv")
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.startswith("arm_measurement,")]
    assert lines[0].startswith("arm_measurement,view,study,")
    assert "One row per arm-level outcome measurement" in result.output
    assert "One row per study appraised with SYRCLE" in result.output


def test_the_example_round_trips_byte_for_byte(runner, example_url, fresh_url, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(runner, example_url, "export", "csv", str(first)).exit_code == 0
    # The export, seeded into an empty database and exported again, gives the same bytes.
    assert run(runner, fresh_url, "seed", "--replace-imports", str(first)).exit_code == 0
    assert run(runner, fresh_url, "export", "csv", str(second)).exit_code == 0
    names = [seed.filename for seed in seedspec.SEED_FILES]
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    exported = (first / "outcome_measurements.csv").read_text(encoding="utf-8").splitlines()
    assert exported[0] == (
        "study,arm,scale,timepoint_days,n,central,central_kind,dispersion_kind,dispersion,"
        "lower,upper,unit,source_location,note"
    )
    assert (
        "example_rat_contusion,ev_high,BBB,28,9,13.4,mean,sd,2.1,,,,Fig. 1B,Illustrative "
        "numbers." in exported
    )
    # The bundled files are untouched by the example: seeds/ and the export agree on them.
    for name in ("arms.csv", "outcome_scales.csv", "bias_domains.csv"):
        bundled = (seeds_dir() / name).read_text(encoding="utf-8").splitlines()
        assert set(bundled) <= set((first / name).read_text(encoding="utf-8").splitlines())


def test_the_bundled_arms_repeat_only_the_routes_the_review_states():
    with open(seeds_dir() / "studies.csv", encoding="utf-8", newline="") as handle:
        routes = {s["key"]: s["route"] for s in csv.DictReader(handle) if s["route"]}
    with open(seeds_dir() / "arms.csv", encoding="utf-8", newline="") as handle:
        arms = list(csv.DictReader(handle))
    assert {a["study"]: a["route"] for a in arms} == routes
    for arm in arms:
        assert arm["role"] == "treatment"
        assert arm["dose_amount"] == arm["n_allocated"] == arm["preparation"] == ""
    for name in ("animal_models", "ev_preparations", "ev_markers", "outcome_measurements"):
        lines = (seeds_dir() / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1, f"{name}.csv: the review states none of this"


def test_the_bias_domains_are_syrcles_ten_and_the_camarades_checklist():
    with open(seeds_dir() / "bias_domains.csv", encoding="utf-8", newline="") as handle:
        domains = list(csv.DictReader(handle))
    syrcle = sorted((int(d["position"]), d["key"]) for d in domains if d["tool"] == "syrcle")
    assert [key for _, key in syrcle] == list(migrations_syrcle_keys())
    assert [p for p, _ in syrcle] == list(range(1, 11))
    camarades = sorted(int(d["position"]) for d in domains if d["tool"] == "camarades")
    assert camarades == list(range(1, 11))


def migrations_syrcle_keys() -> tuple[str, ...]:
    """The domain keys the study_risk_of_bias view pivots on (migration 0009)."""
    import importlib.util

    path = REPO / "alembic" / "versions" / "0009_extraction.py"
    spec = importlib.util.spec_from_file_location("revision_0009", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SYRCLE_DOMAINS


# --- bad values -------------------------------------------------------------------------------


def edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "extraction"
    shutil.copytree(EXAMPLE, folder)
    path = folder / name
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return folder


RAT_BBB_28 = "example_rat_contusion,ev_high,BBB,28,9,13.4,mean,sd,2.1,,,,"
BAD = [
    ("n of zero", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,28,0,13.4,mean,sd,2.1,,,,",
     "outcome_measurements.csv:11: n: 0 is below the smallest sensible value, 1"),
    ("negative SD", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,28,9,13.4,mean,sd,-2.1,,,,",
     "outcome_measurements.csv:11: dispersion: -2.1 is below the smallest sensible value, 0"),
    ("BBB above 21", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,28,9,25,mean,sd,2.1,,,,",
     "outcome_measurements.csv:11: central: 25 lies outside the range of BBB (0 to 21)"),
    ("negative time point", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,-3,9,13.4,mean,sd,2.1,,,,",
     "outcome_measurements.csv:11: timepoint_days: -3 is below the smallest sensible value, 0"),
    ("text for n", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,28,nine,13.4,mean,sd,2.1,,,,",
     "outcome_measurements.csv:11: n: 'nine' is not a whole number"),
    ("SD without its value", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,28,9,13.4,mean,sd,,,,,",
     "outcome_measurements.csv:11: dispersion: sd needs its value in dispersion"),
    ("IQR with one bound", "outcome_measurements.csv", "iqr,,0.35,0.51,", "iqr,,0.35,,",
     "outcome_measurements.csv:4: upper: iqr needs both bounds (lower and upper)"),
    ("median outside its IQR", "outcome_measurements.csv", "0.42,median,iqr,,0.35,0.51",
     "0.62,median,iqr,,0.35,0.51",
     "outcome_measurements.csv:4: central: 0.62 lies outside its own interval 0.35 to 0.51"),
    ("bounds the wrong way", "outcome_measurements.csv", "iqr,,0.35,0.51,", "iqr,,0.51,0.35,",
     "outcome_measurements.csv:4: upper: 0.35 is below lower (0.51)"),
    ("a unit the scale does not use", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_high,BBB,28,9,13.4,mean,sd,2.1,,,%,",
     "outcome_measurements.csv:11: unit: '%': BBB is measured in points"),
    ("an arm of no study", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev_hihg,BBB,28,9,13.4,mean,sd,2.1,,,,",
     "outcome_measurements.csv:11: arm: unknown arm 'ev_hihg' of study 'example_rat_contusion' "
     "(not in arms.csv); did you mean 'ev_high'?"),
    ("another study's arm", "outcome_measurements.csv", RAT_BBB_28,
     "example_rat_contusion,ev,BBB,28,9,13.4,mean,sd,2.1,,,,",
     "outcome_measurements.csv:11: arm: unknown arm 'ev' of study 'example_rat_contusion' "
     "(not in arms.csv); 'ev' is an arm of study 'example_mouse_compression', not of this one"),
    ("dose without a unit", "arms.csv", "200,ug,24", "200,,24",
     "arms.csv:4: dose_unit: a dose needs a unit: ug, ug_per_kg, particles, particles_per_kg, "
     "ul, mg_per_kg"),
    ("a dose unit that is not one", "arms.csv", "200,ug,24", "200,mg,24",
     "arms.csv:4: dose_unit: 'mg' is not one of: ug, ug_per_kg, particles, particles_per_kg, "
     "ul, mg_per_kg"),
    ("control without its kind", "arms.csv", "vehicle,control,vehicle,,contusion",
     "vehicle,control,,,contusion",
     "arms.csv:7: control_kind: a control arm needs its kind: vehicle, sham, untreated, "
     "other_preparation"),
    ("compared with a treatment arm", "arms.csv", "72,intravenous,vehicle,10,Illustrative "
     "example.\nexample_rat_contusion,sham", "72,intravenous,ev_high,10,Illustrative "
     "example.\nexample_rat_contusion,sham",
     "arms.csv:5: control_arm: 'ev_high' is a treatment arm; the arm compared with must be a "
     "control"),
    ("another study's preparation", "arms.csv", "ev,treatment,,ucmsc_ev", "ev,treatment,,bmsc_ev",
     "arms.csv:2: preparation: unknown EV preparation 'bmsc_ev' of study "
     "'example_mouse_compression' (not in ev_preparations.csv); did you mean 'ucmsc_ev'? "
     "'bmsc_ev' is an EV preparation of study 'example_rat_contusion', not of this one"),
    ("a judgement of another tool", "risk_of_bias.csv",
     "blinding_assessors,low,Illustrative example: BBB",
     "blinding_assessors,yes,Illustrative example: BBB",
     "risk_of_bias.csv:6: judgement: 'yes' is not a syrcle judgement; blinding_assessors takes "
     "low, high, unclear"),
    ("an unknown reporting item", "ev_preparations.csv", ",105,,", ",105,ratios,",
     "ev_preparations.csv:3: not_applicable: 'ratios' is not a reporting item; expected one of "
     "source_amount, separation, quantification, ratio, transmembrane_marker, cytosolic_marker, "
     "non_ev_marker, imaging, single_particle"),
    ("an unknown separation method", "ev_preparations.csv", ",sec;ultrafiltration,",
     ",sec;ultrafiltation,",
     "ev_preparations.csv:2: separation: unknown separation method 'ultrafiltation' (not a key "
     "of separation_methods.csv); did you mean 'ultrafiltration'?"),
    ("a species the study does not name", "animal_models.csv",
     "example_rat_contusion,contusion,rat,", "example_rat_contusion,contusion,mouse,",
     "animal_models.csv:3: species: study 'example_rat_contusion' has no study_models.csv row "
     "for species 'mouse'; add one, so that species filters find the study"),
    ("weights the wrong way", "animal_models.csv", ",220,250,", ",250,220,",
     "animal_models.csv:3: weight_g_max: 220 is below weight_g_min (250)"),
    ("a scale whose range is reversed", "outcome_scales.csv", ",0,,false,", ",5,1,false,",
     "outcome_scales.csv:2: maximum: 1 is below minimum (5)"),
    ("a DOI that is not one", "studies.csv", "noted in its summary.,,", "x,doi:10.1/x,",
     None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file_name", "old", "new", "expected"),
    [case[1:] for case in BAD if case[4]],
    ids=[case[0] for case in BAD if case[4]],
)
def test_bad_values_are_refused_with_file_line_and_column(
    runner, fresh_url, tmp_path, file_name, old, new, expected
):
    folder = edited(tmp_path, file_name, old, new)
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "import", str(folder))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{folder / file_name.split(':')[0]}:{expected.split(':', 1)[1]}" in lines, lines
    assert lines[-1].endswith("nothing was written")
    assert snapshot(fresh_url) == before


def test_a_paper_identifier_must_have_its_form(runner, fresh_url, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "studies.csv").write_text(
        "key,design,exosome_based,summary,doi,pmid\n"
        "mine_1,in_vivo,true,A study of my own.,doi:10.1000/xyz,PMC123\n"
        "mine_2,in_vivo,true,Another.,10.1000/xyz,123456\n",
        encoding="utf-8",
    )
    result = run(runner, fresh_url, "import", str(folder))
    assert result.exit_code == 1
    path = folder / "studies.csv"
    assert result.stderr.splitlines() == [
        f"{path}:2: doi: 'doi:10.1000/xyz' is not a DOI (10.<registrant>/<suffix>)",
        f"{path}:2: pmid: 'PMC123' is not a PubMed id (digits)",
        "exodb: 2 problem(s) found; nothing was written",
    ]


def test_a_study_the_review_cites_needs_its_section(runner, fresh_url, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "studies.csv").write_text(
        "key,ref,design,exosome_based,summary\nmine_1,23,in_vivo,true,Cited without a section.\n",
        encoding="utf-8",
    )
    result = run(runner, fresh_url, "validate", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{folder / 'studies.csv'}:2: section: a study the review cites (ref) needs the section "
        "where the review describes it"
    )


def test_rows_of_the_database_are_used_by_a_later_import(runner, example_url, tmp_path):
    """A second import measures an arm and uses a scale that only the database holds."""
    folder = tmp_path / "later"
    folder.mkdir()
    header = (seeds_dir() / "outcome_measurements.csv").read_text(encoding="utf-8")
    (folder / "outcome_measurements.csv").write_text(
        header + "example_rat_contusion,ev_high,BBB,42,9,14.9,mean,sd,2.0,,,,Fig. 1B,\n"
        "example_rat_contusion,sham,lesion_volume,42,6,-1,mean,sd,0.1,,,,,\n",
        encoding="utf-8",
    )
    result = run(runner, example_url, "import", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == [
        f"{folder / 'outcome_measurements.csv'}:3: central: -1 lies outside the range of "
        "lesion_volume (0 to inf)"
    ]
    (folder / "outcome_measurements.csv").write_text(
        header + "example_rat_contusion,ev_high,BBB,42,9,14.9,mean,sd,2.0,,,,Fig. 1B,\n",
        encoding="utf-8",
    )
    assert run(runner, example_url, "import", str(folder)).exit_code == 0
    assert rows(
        example_url,
        "SELECT n, central FROM arm_measurement WHERE arm = 'ev_high' AND timepoint_days = 42",
    ) == [(9, 14.9)]


# --- the database keeps the same rules -----------------------------------------------------


def _ids(url: str) -> dict[str, int]:
    return dict(
        rows(
            url,
            "SELECT 'study', id FROM study WHERE key = 'example_rat_contusion' UNION ALL "
            "SELECT 'other', id FROM study WHERE key = 'example_mouse_compression' UNION ALL "
            "SELECT 'arm', a.id FROM arm a JOIN study s ON s.id = a.study_id "
            "WHERE s.key = 'example_rat_contusion' AND a.label = 'ev_high' UNION ALL "
            "SELECT 'bbb', id FROM outcome_scale WHERE key = 'BBB' UNION ALL "
            "SELECT 'prep', p.id FROM ev_preparation p WHERE p.label = 'ucmsc_ev' UNION ALL "
            "SELECT 'domain', id FROM bias_domain WHERE key = 'sequence_generation'",
        )
    )


RAW = [
    ("a measurement outside its scale",
     "INSERT INTO outcome_measurement (study_id, arm_id, outcome_scale_id, timepoint_days, n, "
     "central, central_kind) VALUES (:study, :arm, :bbb, 60, 5, 22, 'mean')"),
    ("n of zero",
     "INSERT INTO outcome_measurement (study_id, arm_id, outcome_scale_id, timepoint_days, n, "
     "central, central_kind) VALUES (:study, :arm, :bbb, 60, 0, 10, 'mean')"),
    ("a negative time point",
     "INSERT INTO outcome_measurement (study_id, arm_id, outcome_scale_id, timepoint_days, n, "
     "central, central_kind) VALUES (:study, :arm, :bbb, -1, 5, 10, 'mean')"),
    ("a negative SD",
     "INSERT INTO outcome_measurement (study_id, arm_id, outcome_scale_id, timepoint_days, n, "
     "central, central_kind, dispersion_kind, dispersion) "
     "VALUES (:study, :arm, :bbb, 60, 5, 10, 'mean', 'sd', -1)"),
    ("an SEM with bounds",
     "INSERT INTO outcome_measurement (study_id, arm_id, outcome_scale_id, timepoint_days, n, "
     "central, central_kind, dispersion_kind, dispersion, lower, upper) "
     "VALUES (:study, :arm, :bbb, 60, 5, 10, 'mean', 'sem', 1, 8, 12)"),
    ("another study's arm",
     "INSERT INTO outcome_measurement (study_id, arm_id, outcome_scale_id, timepoint_days, n, "
     "central, central_kind) VALUES (:other, :arm, :bbb, 60, 5, 10, 'mean')"),
    ("a dose without a unit",
     "INSERT INTO arm (study_id, label, role, dose_amount) VALUES (:study, 'x', 'treatment', 5)"),
    ("a control without its kind",
     "INSERT INTO arm (study_id, label, role) VALUES (:study, 'x', 'control')"),
    ("another study's preparation",
     "INSERT INTO arm (study_id, label, role, ev_preparation_id) "
     "VALUES (:study, 'x', 'treatment', :prep)"),
    ("a judgement of another tool",
     "INSERT INTO risk_of_bias (study_id, bias_domain_id, tool, judgement) "
     "VALUES (:other, :domain, 'syrcle', 'yes')"),
    ("a judgement under the wrong tool",
     "INSERT INTO risk_of_bias (study_id, bias_domain_id, tool, judgement) "
     "VALUES (:other, :domain, 'camarades', 'yes')"),
    ("a scale narrowed under its measurements",
     "UPDATE outcome_scale SET maximum = 10 WHERE id = :bbb"),
    ("a measurement moved outside its scale",
     "UPDATE outcome_measurement SET central = 30 WHERE arm_id = :arm"),
]  # fmt: skip


@pytest.mark.parametrize("statement", [sql for _, sql in RAW], ids=[name for name, _ in RAW])
def test_the_database_refuses_what_the_loader_refuses(example_url, statement):
    ids = _ids(example_url)
    before = snapshot(example_url)
    engine = make_engine(example_url)
    with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as connection:
        connection.execute(text(statement), ids)
    engine.dispose()
    assert snapshot(example_url) == before


def test_the_scale_trigger_names_the_rule(example_url):
    engine = make_engine(example_url)
    ids = _ids(example_url)
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(
            text("UPDATE outcome_measurement SET central = 30 WHERE arm_id = :arm"), ids
        )
    engine.dispose()
    assert "the central value lies outside its scale's range" in str(caught.value)


def test_deleting_a_study_takes_its_extraction_with_it(example_url):
    engine = make_engine(example_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM study WHERE key = 'example_rat_contusion'"))
    engine.dispose()
    assert rows(example_url, "SELECT DISTINCT study FROM arm_measurement") == [
        ("example_mouse_compression",)
    ]
    assert rows(example_url, "SELECT count(*) FROM ev_marker") == [(0,)]


# --- the migration -------------------------------------------------------------------------


def test_upgrading_to_0009_keeps_every_imported_row(runner, fresh_url, tmp_path):
    """A seeded database holding an import, taken down to 0008 (the state a database of the
    previous release is in) and upgraded again: every row comes back as it was, the bundled
    vocabularies and arms included, and the example extraction can be imported."""
    from tests.test_import import USER_FILES  # the user's records the import tests use

    user = tmp_path / "user"
    user.mkdir()
    for name, content in USER_FILES.items():
        (user / name).write_text(content, encoding="utf-8")
    assert run(runner, fresh_url, "import", str(user)).exit_code == 0
    before = _content(fresh_url)
    engine = make_engine(fresh_url)
    migrations.downgrade(engine, "0008")
    assert migrations.current_revision(engine) == "0008"
    tables = set(inspect(engine).get_table_names())
    assert "arm" not in tables and "study" in tables
    upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    engine.dispose()
    assert _content(fresh_url) == before
    assert rows(fresh_url, "SELECT count(*) FROM outcome_scale") == [(3,)]
    assert rows(fresh_url, "SELECT count(*) FROM arm") == [(7,)]
    assert rows(fresh_url, "SELECT key FROM study WHERE key = 'newman_195'") == [("newman_195",)]
    assert run(runner, fresh_url, "import", str(EXAMPLE)).exit_code == 0
    assert rows(fresh_url, "SELECT count(*) FROM arm_measurement") == [(20,)]


def _content(url: str) -> dict[str, list[tuple]]:
    """Every row but the data generation and the kept reports, which an upgrade renews."""
    content = snapshot(url)
    for name in ("data_version", "report_cache"):
        content.pop(name)
    return content


def test_a_downgrade_that_would_drop_imported_extraction_rows_is_refused(example_url):
    engine = make_engine(example_url)
    before = snapshot(example_url)
    with pytest.raises(migrations.ImportLogWouldBeLost) as refused:
        migrations.downgrade(engine, "0008")
    engine.dispose()
    assert str(refused.value).startswith(
        "downgrading to 0008 would drop the study extraction tables, which hold imported rows "
        "(2 in animal_model, 2 in ev_preparation, 3 in ev_marker, 6 in arm, 20 in "
        "outcome_measurement, 12 in risk_of_bias, 1 in outcome_scale, 2 studies with a DOI or "
        "PMID or without a section)"
    )
    assert snapshot(example_url) == before


# --- a study's card --------------------------------------------------------------------------


def test_show_gives_a_studys_arms_and_measurements(runner, example_url):
    result = run(runner, example_url, "show", "example_rat_contusion")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Arms:")
    assert lines[start : start + 6] == [
        "Arms:",
        "  - ev_high (treatment): bmsc_ev, 200 µg x2 every 72 h, from 24 h after injury, "
        "intravenous, n=10, vs vehicle",
        "  - ev_low (treatment): bmsc_ev, 50 µg x2 every 72 h, from 24 h after injury, "
        "intravenous, n=10, vs vehicle",
        "  - sham (sham control): n=6",
        "  - vehicle (vehicle control): from 24 h after injury, intravenous, n=10",
        "Measurements:",
    ]
    assert "  - ev_high, BBB day 28: mean 13.4 points (SD 2.1), n=9" in lines
    mouse = run(runner, example_url, "show", "example_mouse_compression").output.splitlines()
    assert "  - ev, lesion_volume day 28: median 0.42 mm3 (IQR 0.35 to 0.51), n=6" in mouse
    assert "  - ev, BMS day 7: mean 2.6 points (SEM 0.3), n=10" in mouse


def test_show_json_carries_the_extraction_and_the_papers_identifiers(runner, fresh_url, tmp_path):
    import json

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "studies.csv").write_text(
        "key,design,exosome_based,summary,doi,pmid\n"
        "mine_1,in_vivo,true,A study of my own.,10.1000/xyz123,123456\n",
        encoding="utf-8",
    )
    (folder / "arms.csv").write_text(
        "study,arm,role,control_kind,dose_amount,dose_unit,route\n"
        "mine_1,ev,treatment,,1e9,particles_per_kg,intrathecal\n",
        encoding="utf-8",
    )
    assert run(runner, fresh_url, "import", str(folder)).exit_code == 0
    card = json.loads(run(runner, fresh_url, "show", "mine_1", "--format", "json").output)[0]
    assert (card["doi"], card["pmid"], card["section"]) == ("10.1000/xyz123", "123456", None)
    assert card["arms"] == [
        {
            "arm": "ev",
            "role": "treatment",
            "control_kind": None,
            "preparation": None,
            "model": None,
            "dose_amount": 1e9,
            "dose_unit": "particles_per_kg",
            "first_dose_hours": None,
            "doses": None,
            "interval_hours": None,
            "route": "intrathecal",
            "control_arm": None,
            "n_allocated": None,
            "note": None,
        }
    ]
    assert card["measurements"] == []
    text = run(runner, fresh_url, "show", "mine_1").output.splitlines()
    assert "DOI: 10.1000/xyz123" in text and "PMID: 123456" in text
    assert "  - ev (treatment): 1e+09 particles/kg, intrathecal" in text


def test_a_new_separation_method_and_scale_arrive_with_the_rows_that_use_them(
    runner, fresh_url, tmp_path
):
    folder = tmp_path / "mine"
    shutil.copytree(EXAMPLE, folder)
    (folder / "separation_methods.csv").write_text(
        "key,name,aliases,note\naf4,asymmetric flow field-flow fractionation,AF4,\n",
        encoding="utf-8",
    )
    path = folder / "ev_preparations.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",sec;ultrafiltration,", ",af4,"), "utf-8"
    )
    result = run(runner, fresh_url, "import", str(folder))
    assert result.exit_code == 0, result.output
    assert rows(
        fresh_url,
        "SELECT study, separation FROM arm_measurement WHERE arm = 'ev' AND scale = 'BMS' "
        "AND timepoint_days = 7",
    ) == [("example_mouse_compression", "af4")]
    import json

    found = run(runner, fresh_url, "studies", "--separation", "AF4", "--format", "json").output
    assert [study["key"] for study in json.loads(found)] == ["example_mouse_compression"]


def test_a_row_of_an_unknown_study_is_reported_once(runner, example_url, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "outcome_measurements.csv").write_text(
        "study,arm,scale,timepoint_days,n,central,central_kind\nnope,x,BBB,1,2,3,mean\n",
        encoding="utf-8",
    )
    result = run(runner, example_url, "import", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{folder / 'outcome_measurements.csv'}:2: study: unknown study 'nope' (not a key of "
        "studies.csv)",
        "exodb: 1 problem(s) found; nothing was written",
    ]
