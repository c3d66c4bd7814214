"""Filters that find what a review writer means, validation that stays quick on a large database,
values that XML can hold, and a package whose tests and help say what they should."""

from __future__ import annotations

import json

from exodb import queries
from exodb.cli import main
from exodb.render import render


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
