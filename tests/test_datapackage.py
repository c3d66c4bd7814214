"""``exodb export datapackage``: the seed files with a Frictionless descriptor generated from
the seed specification, validated by frictionless itself, and the release stamp."""

from __future__ import annotations

import json

import pytest

from exodb.cli import main
from exodb.curation import seedspec
from exodb.curation.release import release_stamp
from exodb.schema.revision import HEAD_REVISION
from exodb.storage.connection import make_engine
from exodb.version import __version__

from .conftest import REPO


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def package(runner, seeded_url, tmp_path):
    folder = tmp_path / "package"
    result = run(runner, seeded_url, "export", "datapackage", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_the_package_validates_with_frictionless(package):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(package / "datapackage.json"))
    errors = [(t.name, e.note) for t in report.tasks for e in t.errors][:5]
    assert report.valid, errors
    assert len(report.tasks) == len(seedspec.SEED_FILES)


def test_the_descriptor_says_what_the_loader_checks(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["sources"][0]["path"] == "https://doi.org/10.3389/fneur.2025.1645457"
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert list(resources) == [seed.name for seed in seedspec.SEED_FILES]
    studies = resources["studies"]["schema"]
    assert studies["primaryKey"] == ["key"]
    fields = {f["name"]: f for f in studies["fields"]}
    assert fields["design"]["constraints"]["enum"][0] == "in_vivo"
    assert fields["exosome_based"]["type"] == "boolean"
    assert fields["ref"]["type"] == "integer"
    links = resources["study_molecules"]["schema"]["foreignKeys"]
    assert {"fields": ["molecule"], "reference": {"resource": "molecules", "fields": ["key"]}} in (
        links
    )
    # a row named within its study is pointed at by (study, name)
    measurements = resources["outcome_measurements"]["schema"]["foreignKeys"]
    assert {
        "fields": ["study", "arm"],
        "reference": {"resource": "arms", "fields": ["study", "arm"]},
    } in measurements
    # a hierarchy points at its own file
    sources = resources["cell_sources"]["schema"]["foreignKeys"]
    assert {"fields": ["parent"], "reference": {"resource": "", "fields": ["key"]}} in sources
    # descriptions come from the column comments exodb schema shows
    curie = next(
        f for f in resources["cell_source_identifiers"]["schema"]["fields"] if f["name"] == "curie"
    )
    assert curie["description"].startswith("The identifier as a CURIE")
    # a natural key with an optional part is described, not declared a primary key
    outcomes = resources["outcomes"]["schema"]
    assert "primaryKey" not in outcomes and "may be empty" in outcomes["description"]


def test_the_release_stamp_hashes_the_content(runner, seeded_url, fresh_url, tmp_path):
    def stamp(url, name):
        folder = tmp_path / name
        assert run(runner, url, "export", "datapackage", str(folder)).exit_code == 0
        return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["exodb"]

    first, again = stamp(seeded_url, "a"), stamp(fresh_url, "b")
    assert first["content_sha256"] == again["content_sha256"]  # the same data
    assert first["schema_revision"] == HEAD_REVISION and first["exodb_version"] == __version__
    # The same stamp for the same data, in the data package, its manifest and the library.
    manifest = json.loads((tmp_path / "a" / "exodb-export.json").read_text(encoding="utf-8"))
    assert manifest["release"] == first
    engine = make_engine(seeded_url)
    assert release_stamp(engine) == first
    engine.dispose()
    assert run(runner, fresh_url, "import", str(REPO / "examples" / "extraction")).exit_code == 0
    assert stamp(fresh_url, "c")["content_sha256"] != first["content_sha256"]


def test_a_second_export_replaces_the_first(runner, seeded_url, package):
    result = run(runner, seeded_url, "export", "datapackage", str(package))
    assert result.exit_code == 0, result.output
    assert (package / "datapackage.json").exists()
