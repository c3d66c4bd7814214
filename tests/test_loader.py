"""Seed loading: all or nothing, idempotent, and every bad row named by file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from exodb.cli import main
from exodb.curation.load import check_folder
from exodb.errors import SeedError
from exodb.storage.connection import make_engine
from exodb.workflows.database import upgrade
from exodb.workflows.load import load_folder

from .conftest import dump, snapshot


def edit(folder: Path, filename: str, old: str, new: str) -> Path:
    path = folder / filename
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not in {filename}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def run_seed(runner, db: str, folder: Path):
    return runner.invoke(main, ["--db", db, "seed", str(folder)])


def test_seed_twice_gives_identical_database(empty_url, runner):
    first = runner.invoke(main, ["--db", empty_url, "seed"])
    assert first.exit_code == 0, first.output
    once = snapshot(empty_url)
    second = runner.invoke(main, ["--db", empty_url, "seed"])
    assert second.exit_code == 0
    again = snapshot(empty_url)
    # The same content; only the count of loads has moved on.
    assert once.pop("data_version") == [(1, 1)]
    assert again.pop("data_version") == [(1, 2)]
    assert again == once
    assert "loaded" in second.output


@pytest.mark.sqlite_only
def test_seed_twice_gives_an_identical_file(tmp_path, runner):
    db = tmp_path / "twice.sqlite"
    runner.invoke(main, ["--db", str(db), "seed"])
    once = dump(db)
    runner.invoke(main, ["--db", str(db), "seed"])
    # Byte for byte the same rows, but for the count of loads.
    counter = 'INSERT INTO "data_version" VALUES(1,{});'
    assert counter.format(1) in once
    assert dump(db) == once.replace(counter.format(1), counter.format(2))


def test_init_twice_leaves_the_database_alone(empty_url, runner):
    first = runner.invoke(main, ["--db", empty_url, "init"])
    assert "loaded" in first.output and first.exit_code == 0
    before = snapshot(empty_url)
    second = runner.invoke(main, ["--db", empty_url, "init"])
    assert second.exit_code == 0
    assert "data already present" in second.output
    assert snapshot(empty_url) == before


def test_bundled_seeds_have_no_problems():
    from exodb.io.resources import seeds_dir

    assert check_folder(seeds_dir()) == []


BAD_ROWS = [
    # (file, old text, new text, line needle, expected message after "file:line: ")
    (
        "cell_source_profiles.csv",
        "ipsc,9,",
        "ipsx,9,",
        "ipsx,9,",
        "cell_source: unknown cell source 'ipsx' (not a key of cell_sources.csv); "
        "did you mean 'ipsc'?",
    ),
    (
        "cell_source_profiles.csv",
        ",low,HLA-DR",
        ",very_low,HLA-DR",
        "very_low",
        "immunogenicity: 'very_low' is not one of: low, moderate, high",
    ),
    (
        "delivery_systems.csv",
        "glioma;multiple_sclerosis;sci",
        "gliomma;multiple_sclerosis;sci",
        "gliomma",
        "indications: unknown disease 'gliomma' (not a key of diseases.csv); did you mean "
        "'glioma'?",
    ),
    (
        "clinical_trials.csv",
        "IRCT20200502047277N1,Iranian Registry of Clinical Trials,I,",
        "IRCT20200502047277N1,Iranian Registry of Clinical Trials,,",
        "IRCT20200502047277N1",
        "phase: required value is empty",
    ),
    (
        "epidemiology.csv",
        "26.48,",
        "26.4.8,",
        "26.4.8",
        "value: '26.4.8' is not a number",
    ),
    (
        "species.csv",
        "rat,rat,rodent,false",
        "rat,rat,rodent,maybe",
        "rat,rat,rodent,maybe",
        "is_primate: 'maybe' is not a boolean; write true or false",
    ),
    (
        "molecules.csv",
        "BDNF,protein",
        "BDNF,enzyme",
        "BDNF,enzyme",
        "kind: 'enzyme' is not one of: mirna, protein, protein_family, gene, sirna, drug, "
        "natural_product, marker, lipid, nucleic_acid, metabolite, peptide, process",
    ),
    (
        "epidemiology.csv",
        ",17.93,",
        ",-17.93,",
        "-17.93",
        "value: -17.93: an incidence cannot be negative",
    ),
]


@pytest.mark.parametrize(
    ("filename", "old", "new", "needle", "message"), [r for r in BAD_ROWS if r[4]]
)
def test_bad_row_is_named_and_nothing_changes(
    runner, fresh_url, seed_copy, filename, old, new, needle, message
):
    path = edit(seed_copy, filename, old, new)
    before = snapshot(fresh_url)
    result = run_seed(runner, fresh_url, seed_copy)
    assert result.exit_code == 1
    expected = f"{path}:{line_of(path, needle)}: {message}"
    assert expected in result.stderr.splitlines()
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(fresh_url) == before


def test_duplicate_key_names_first_line(runner, fresh_url, seed_copy):
    path = seed_copy / "diseases.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    glioma = next(i for i, line in enumerate(lines, start=1) if line.startswith("glioma,"))
    path.write_text("\n".join(lines + [lines[glioma - 1]]) + "\n", encoding="utf-8")
    result = run_seed(runner, fresh_url, seed_copy)
    assert result.exit_code == 1
    assert (
        f"{path}:{len(lines) + 1}: key: duplicate key (key=glioma); first defined on line {glioma}"
        in result.stderr
    )


def test_malformed_csv_unbalanced_quote(runner, fresh_url, seed_copy):
    path = seed_copy / "routes.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'oral,"oral route,\n', encoding="utf-8")
    before = snapshot(fresh_url)
    result = run_seed(runner, fresh_url, seed_copy)
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "malformed CSV" in result.stderr
    assert snapshot(fresh_url) == before


def test_wrong_number_of_fields(runner, fresh_url, seed_copy):
    path = seed_copy / "diseases.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + ["stroke2,Stroke,extra"]) + "\n", encoding="utf-8")
    result = run_seed(runner, fresh_url, seed_copy)
    assert result.exit_code == 1
    assert (
        f"{path}:{len(lines) + 1}: -: expected 2 fields, found 3 "
        "(check for a stray comma or an unquoted value)" in result.stderr
    )


def test_missing_required_column_and_unknown_column(runner, fresh_url, seed_copy):
    path = seed_copy / "routes.csv"
    content = path.read_text(encoding="utf-8").replace("key,name,note", "key,nom,note", 1)
    path.write_text(content, encoding="utf-8")
    result = run_seed(runner, fresh_url, seed_copy)
    assert result.exit_code == 1
    assert f"{path}:1: nom: unknown column; routes.csv has: key, name, note" in result.stderr
    assert f"{path}:1: name: required column is missing" in result.stderr


def test_not_utf8(runner, fresh_url, seed_copy):
    path = seed_copy / "diseases.csv"
    path.write_bytes(path.read_bytes() + "caf\xe9,Caf\xe9\n".encode("latin-1"))
    line = path.read_bytes().count(b"\n")
    result = run_seed(runner, fresh_url, seed_copy)
    assert result.exit_code == 1
    assert f"{path}:{line}: -: not valid UTF-8 (byte 0xe9); save the file as UTF-8" in result.stderr


def test_every_problem_is_listed_not_just_the_first(seed_copy):
    edit(seed_copy, "cell_source_profiles.csv", ",low,HLA-DR", ",lowish,HLA-DR")
    edit(seed_copy, "clinical_trials.csv", ",uc_msc,", ",ucmsc,")
    problems = [str(p) for p in check_folder(seed_copy)]
    assert len(problems) == 2
    assert any("immunogenicity: 'lowish'" in p for p in problems)
    assert any("cell_source: unknown cell source 'ucmsc'" in p for p in problems)


def test_unknown_pathway_node(seed_copy):
    path = seed_copy / "pathways.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("JAK1/STAT33,\n")
    problems = [str(p) for p in check_folder(seed_copy)]
    assert problems == [
        f"{path}:{line_of(path, 'JAK1/STAT33')}: key: node 'STAT33' of 'JAK1/STAT33' is not a "
        "molecule key or alias; did you mean 'STAT3'?"
    ]


def test_alias_may_not_name_two_molecules(seed_copy):
    path = seed_copy / "molecules.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("NGF receptor,protein,,,n-g-f,\n")
    problems = [str(p) for p in check_folder(seed_copy)]
    line = line_of(path, "NGF receptor")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: aliases: 'n-g-f' would also name 'NGF' (line ")
    assert problems[0].endswith("key); a name may point at one entry only")


def test_database_constraint_is_the_backstop(empty_url, seed_copy):
    # A negative count in a unit the loader has no rule for passes the file checks, but the
    # database's CHECK constraint refuses it, and the transaction leaves nothing behind.
    edit(seed_copy, "epidemiology.csv", ",17.93,per million people,", ",-17.93,cases,")
    engine = make_engine(empty_url)

    upgrade(engine)
    before = snapshot(empty_url)
    with pytest.raises(SeedError) as info:
        load_folder(engine, seed_copy)
    (problem,) = info.value.problems
    assert problem.message.startswith("the database refused the data:")
    assert "non_negative_value" in problem.message
    assert snapshot(empty_url) == before
    engine.dispose()
