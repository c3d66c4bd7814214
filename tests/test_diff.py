"""``exodb diff A B``: the changes an import makes, between databases or exported folders."""

from __future__ import annotations

import json

from exodb.cli import main

from .conftest import REPO


def run(runner, *args):
    result = runner.invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def test_the_same_evidence_exits_0(runner, seeded_url, fresh_url):
    result = run(runner, "diff", seeded_url, fresh_url)
    assert result.exit_code == 0
    assert result.output.endswith("hold the same evidence.\n")


def test_an_import_shows_as_added_rows_and_exits_1(runner, seeded_url, fresh_url):
    assert (
        run(runner, "--db", fresh_url, "import", str(REPO / "examples" / "extraction")).exit_code
        == 0
    )
    result = run(runner, "diff", seeded_url, fresh_url, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    entities = {e["file"]: e for e in doc["entities"]}
    assert doc["identical"] is False
    assert entities["studies.csv"]["added"] == [
        "example_mouse_compression",
        "example_rat_contusion",
    ]
    assert entities["molecules.csv"]["added"] == ["calnexin"]
    assert (
        "example_rat_contusion / ev_high / BBB / 28"
        in entities["outcome_measurements.csv"]["added"]
    )
    markdown = run(runner, "diff", seeded_url, fresh_url, "--format", "markdown").output
    assert markdown.startswith("## Changes from ")
    assert "### studies.csv (+2 -0 ~0)" in markdown


def test_a_changed_field_is_named_between_folders(runner, seeded_url, tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    for folder in (before, after):
        assert run(runner, "--db", seeded_url, "export", "csv", str(folder)).exit_code == 0
    routes = after / "routes.csv"
    text = routes.read_text(encoding="utf-8")
    assert "intranasal,intranasal delivery," in text
    routes.write_text(
        text.replace("intranasal,intranasal delivery,", "intranasal,nasal delivery,"),
        encoding="utf-8",
    )
    result = run(runner, "diff", str(before), str(after))
    assert result.exit_code == 1
    assert "routes.csv: +0 -0 ~1" in result.output
    assert "changed 'intranasal': name: 'intranasal delivery' -> 'nasal delivery'" in result.output


def test_a_missing_side_is_a_clear_error(runner, seeded_url, tmp_path):
    result = run(runner, "diff", seeded_url, str(tmp_path / "nothing.sqlite"))
    assert result.exit_code == 1
    assert "nothing.sqlite: no such database or folder" in result.output


def test_a_side_that_is_not_a_database_is_named(runner, seeded_url, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n", encoding="utf-8")
    result = run(runner, "diff", str(text_file), seeded_url)
    assert result.exit_code == 1
    assert f"Error: {text_file}: cannot read it as an exodb database" in result.output
