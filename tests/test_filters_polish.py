"""Filters that find what a review writer means, validation that stays quick on a large database,
values that XML can hold, and a package whose tests and help say what they should."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET

import pytest

from exodb import queries
from exodb.cli import main
from exodb.curation import seedspec as spec
from exodb.curation.load import check_import
from exodb.curation.validate import SUGGESTED_NAMES, _label
from exodb.io.resources import seeds_dir
from exodb.names.closekeys import CloseKeys
from exodb.render import render
from exodb.storage.connection import make_engine

from .conftest import REPO, snapshot


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    return result


def refs_of(runner, url, *args) -> list[tuple[str, int]]:
    result = run(runner, url, "studies", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [(r["key"], r["ref"]) for r in json.loads(result.stdout)]


# --- materials by category ----------------------------------------------------------------------


def test_a_material_category_finds_every_material_in_it(runner, seeded_url):
    # The review's hydrogels: the generic hydrogel (72, 73, 125-127) and the hyaluronic acid
    # hydrogel patch of ref 55, which the name alone missed.
    assert refs_of(runner, seeded_url, "--material", "hydrogel") == [
        ("zhu_55", 55),
        ("sun_72", 72),
        ("fan_73", 73),
        ("han_125", 125),
        ("guan_126", 126),
        ("li_127", 127),
    ]
    assert refs_of(runner, seeded_url, "--material", "scaffold") == [
        ("cheng_122", 122),
        ("liu_129", 129),
        ("zhang_130", 130),
    ]


def test_a_material_name_still_finds_that_material_only(runner, seeded_url, session):
    assert refs_of(runner, seeded_url, "--material", "HA hydrogel patch") == [("zhu_55", 55)]
    assert [s.key for s in queries.studies(session, material="physical therapy")] == ["ref74"]
    result = run(runner, seeded_url, "studies", "--material", "hydrogle")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown material 'hydrogle'; did you mean:")


# --- molecules in any role ----------------------------------------------------------------------


def test_a_co_administered_drug_is_found_by_the_molecule_filter(runner, seeded_url, session):
    assert refs_of(runner, seeded_url, "--molecule", "methylprednisolone") == [("zhu_55", 55)]
    (row,) = queries.studies(session, molecule="Methylprednisolone")
    assert (row.key, row.cargo, row.co_administered) == ("zhu_55", [], ["methylprednisolone"])
    assert session.scalars(queries.study_ids(session, molecule="methylprednisolone")).all() == [
        session.scalars(queries.study_ids(session, ref=55)).one()
    ]


def test_the_molecule_filter_covers_agents_and_interactions(runner, seeded_url):
    # NEDD4 and its isoforms: studied as agents (82-85, 87) and as the target of Comm (86).
    assert [ref for _, ref in refs_of(runner, seeded_url, "--molecule", "NEDD4")] == [
        82,
        83,
        84,
        85,
        86,
        87,
    ]
    help_text = run(runner, seeded_url, "studies", "--help").stdout
    assert "--molecule MOLECULE" in help_text and "co-administered drug" in help_text


# --- outcomes in JSON ---------------------------------------------------------------------------


def test_studies_json_gives_each_outcome_in_full(runner, seeded_url):
    result = run(runner, seeded_url, "studies", "--ref", "46", "--format", "json")
    (study,) = [s for s in json.loads(result.stdout) if s["key"] == "huang_46"]
    assert {
        "measure": "motor function recovery",
        "direction": "increase",
        "value": 67.0,
        "unit": "%",
        "relative_to": None,
        "species": "rhesus_monkey",
    } in study["outcomes"]
    assert {
        "measure": "neurotrophic factor concentration",
        "direction": "increase",
        "value": 8.0,
        "unit": "fold",
        "relative_to": "natural secretion",
        "species": None,
    } in study["outcomes"]


def test_outcomes_in_a_table_cell_are_their_measures(session):
    rows = queries.studies(session, ref=55)
    assert render(rows, "csv", ["key", "outcomes"]) == (
        "key,outcomes\nzhu_55,inflammation;neuronal apoptosis;neuronal survival\n"
    )


# --- validation messages and suggestions --------------------------------------------------------


def test_every_seed_file_names_its_rows_in_the_singular():
    assert {seed.name: _label(seed.name) for seed in spec.SEED_FILES} == {
        "sections": "section",
        "references": "reference",
        "species": "species",
        "routes": "route",
        "diseases": "disease",
        "cell_sources": "cell source",
        "molecules": "molecule",
        "pathways": "pathway",
        "mechanisms": "mechanism",
        "mechanism_functions": "mechanism function",
        "mechanism_molecules": "mechanism molecule",
        "mechanism_pathways": "mechanism pathway",
        "materials": "material",
        "delivery_systems": "delivery system",
        "cell_source_profiles": "cell source profile",
        "exosome_components": "exosome component",
        "clinical_trials": "clinical trial",
        "epidemiology": "epidemiology",
        "studies": "study",
        "study_molecules": "study molecule",
        "study_interactions": "study interaction",
        "study_pathways": "study pathway",
        "study_mechanisms": "study mechanism",
        "study_models": "study model",
        "study_materials": "study material",
        "study_modifications": "study modification",
        "outcomes": "outcome",
        "outcome_scales": "outcome scale",
        "separation_methods": "separation method",
        "bias_domains": "bias domain",
        "animal_models": "animal model",
        "ev_preparations": "EV preparation",
        "ev_markers": "EV marker",
        "arms": "arm",
        "outcome_measurements": "outcome measurement",
        "risk_of_bias": "risk of bias",
        "cell_source_identifiers": "cell source identifier",
        "species_identifiers": "species identifier",
        "molecule_identifiers": "molecule identifier",
        "pathway_identifiers": "pathway identifier",
        "mechanism_identifiers": "mechanism identifier",
        "curation_notes": "curation note",
    }


def test_an_unknown_study_is_named_in_the_singular(runner, seeded_url, tmp_path):
    (tmp_path / "study_mechanisms.csv").write_text(
        "study,mechanism\nzhu_5,neuroprotection\nZHU_55,neuroprotection\n", encoding="utf-8"
    )
    result = run(runner, seeded_url, "validate", str(tmp_path))
    assert result.exit_code == 1
    path = tmp_path / "study_mechanisms.csv"
    assert result.stderr.splitlines() == [
        f"{path}:2: study: unknown study 'zhu_5' (not a key of studies.csv); did you mean "
        "'zhu_55', 'zhang_75', 'fu_54'?",
        f"{path}:3: study: unknown study 'ZHU_55' (not a key of studies.csv); did you mean "
        "'zhu_55'?",
        "exodb: 2 problem(s) found; nothing was written",
    ]


def test_close_matches_are_looked_for_in_the_first_unknown_names_only(seeded_url, tmp_path):
    keys = [r["key"] for r in csv.DictReader((seeds_dir() / "studies.csv").open(encoding="utf-8"))]
    slips = [f"{key}{letter}" for letter in "xy" for key in keys]  # 114 distinct unknown names
    lines = ["study,mechanism"] + [f"{slip},neuroprotection" for slip in slips]
    lines += [f"{slips[0]},axon_regeneration", "AKHLAGHPASAND_146,neuroprotection"]
    (tmp_path / "study_mechanisms.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = make_engine(seeded_url)
    try:
        _, problems = check_import(engine, tmp_path)
    finally:
        engine.dispose()
    messages = [p.message for p in problems]
    assert len(messages) == len(slips) + 2
    hinted = ["did you mean" in m for m in messages[: len(slips)]]
    assert hinted == [True] * SUGGESTED_NAMES + [False] * (len(slips) - SUGGESTED_NAMES)
    assert messages[0] == (
        "unknown study 'akhlaghpasand_146x' (not a key of studies.csv); did you mean "
        "'akhlaghpasand_146'?"
    )
    assert messages[SUGGESTED_NAMES] == (
        f"unknown study '{slips[SUGGESTED_NAMES]}' (not a key of studies.csv)"
    )
    # A name met again keeps its hint; a key that differs only in case is always named.
    assert messages[-2] == messages[0]
    assert messages[-1] == (
        "unknown study 'AKHLAGHPASAND_146' (not a key of studies.csv); did you mean "
        "'akhlaghpasand_146'?"
    )


def test_close_matches_among_many_keys_find_a_one_character_slip():
    keys = CloseKeys(f"syn_{i:07d}" for i in range(50_000))
    assert "syn_0012345" in keys.close("syn_0012345x")
    # What difflib finds comparing every key, from a shortlist of 200.
    assert keys.close("syn_0O12345") == ["syn_0012345", "syn_0042345", "syn_0041345"]
    assert keys.close("zhang_999") == []
    assert keys.same_fold("SYN-0000042") == ["syn_0000042"]


def test_the_validation_benchmark_writes_rows_of_known_and_unknown_studies():
    from benchmarks import validation

    assert validation.clean_rows(2) == (
        "study,molecule,role,note\n"
        "syn_0000000,miR-1000a-3p,co_administered,\n"
        "syn_0000001,miR-1000a-3p,co_administered,\n"
    )
    assert validation.unknown_rows(1).splitlines()[1] == "syn_000000,miR-1000a-3p,co_administered,"


# --- values XML can hold ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("\x01", "U+0001 (a control character) at character 7, which XML (and so the GraphML "),
        ("\x1b", "U+001B (a control character) at character 7, which XML (and so the GraphML "),
        ("\uffff", "U+FFFF (a noncharacter) at character 7, which XML (and so the GraphML "),
        ("\x85", "U+0085 (a control character) at character 7, which is not text (often left "),
    ],
)
def test_a_control_character_in_a_value_is_refused_at_import(
    runner, fresh_url, tmp_path, char, expected
):
    path = tmp_path / "diseases.csv"
    path.write_text(f"key,name\nsci_2,spinal{char} cord injury\n", encoding="utf-8")
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "import", str(tmp_path))
    assert result.exit_code == 1
    tail = (
        "export) cannot hold; remove it"
        if "XML" in expected
        else "by a file read in the wrong encoding); remove it"
    )
    assert result.stderr.splitlines() == [
        f"{path}:2: name: contains {expected}{tail}",
        "exodb: 1 problem(s) found; nothing was written",
    ]
    assert snapshot(fresh_url) == before


def test_tabs_and_line_breaks_in_text_still_load_and_graphml_stays_xml(runner, fresh_url, tmp_path):
    (tmp_path / "molecules.csv").write_text(
        'key,kind,full_name,parent,aliases,note\nXYZ1,protein,"x\ty\nz protein",,,\n',
        encoding="utf-8",
    )
    (tmp_path / "study_interactions.csv").write_text(
        "study,regulator,target,effect,note\nzhu_55,methylprednisolone,XYZ1,inhibits,\n",
        encoding="utf-8",
    )
    assert run(runner, fresh_url, "import", str(tmp_path)).exit_code == 0
    graphml = run(runner, fresh_url, "export", "network", "--molecule", "XYZ1").stdout
    labels = [e.text for e in ET.fromstring(graphml).iter() if e.get("key") == "n_label"]
    assert labels  # parsed: well-formed XML, with the new molecule's study in it


# --- packaging and help -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_the_sdist_holds_what_its_tests_read(tmp_path):
    code = "import sys; from hatchling.build import build_sdist; print(build_sdist(sys.argv[1]))"
    built = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    archive = tmp_path / built.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
        tar.extractall(tmp_path / "unpacked", filter="data")
    for needed in (
        "docs/cookbook.md",
        ".ci/run",
        "benchmarks/validation.py",
        "tests/golden/table1.md",
        "seeds/README.md",
        "alembic.ini",
    ):
        assert needed in names, needed
    (root,) = (tmp_path / "unpacked").iterdir()
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stdout[-2000:]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("columns", ["80", "200"])
def test_cached_help_is_what_click_prints_on_a_terminal(columns):
    from exodb.cli.helptext import MAIN_HELP

    code = (
        "import sys\nsys.argv = ['exodb', '--help']\nfrom exodb.cli import main\n"
        "main(prog_name='exodb')\n"
    )
    env = {**os.environ, "COLUMNS": columns}
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == MAIN_HELP


def test_report_summary_help_gives_its_own_default(runner, seeded_url):
    text = run(runner, seeded_url, "report", "summary", "--help").stdout
    flat = " ".join(text.split())
    assert "Output format (default: from -o's extension, else markdown)." in flat
    assert "else table" not in flat
    assert run(runner, seeded_url, "report", "summary").stdout.startswith("#")


@pytest.mark.parametrize(
    ("command", "option", "expected"),
    [
        (["cell-sources"], "--category", "What kind of source it is."),
        (["molecules"], "--kind", "One kind of molecule."),
        (["notes"], "--kind", "One kind of problem."),
        (["studies"], "--design", "How the study was done."),
        (["report", "gaps"], "--design", "How the study was done."),
    ],
)
def test_choice_options_say_what_they_choose(command, option, expected):
    target = main
    for name in command:
        target = target.get_command(None, name)
    (param,) = [p for p in target.params if option in p.opts]
    assert param.help == expected


def test_init_and_export_csv_say_what_they_count(runner, empty_url, tmp_path):
    init = run(runner, empty_url, "init")
    assert init.exit_code == 0, init.output
    found = re.search(
        r"; loaded (\d+) database rows from seeds \(the records with their names, links and "
        r"search documents\)\n\Z",
        init.stdout,
    )
    assert found, init.stdout
    records = sum(
        sum(1 for _ in csv.reader(path.open(encoding="utf-8", newline=""))) - 1
        for path in seeds_dir().glob("*.csv")
    )
    assert int(found.group(1)) > records
    out = tmp_path / "out"
    exported = run(runner, empty_url, "export", "csv", str(out))
    assert exported.stdout == (
        f"exodb: wrote {records} records (header rows not counted) in "
        f"{len(spec.SEED_FILES)} files to {out}\n"
    )
