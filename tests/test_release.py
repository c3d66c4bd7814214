"""Every export carries a release stamp: version, schema revision, date, and a content hash that
is the same for the same data (and is that of the seed files the database holds)."""

from __future__ import annotations

import datetime
import hashlib
import json
import os

import pytest

from exodb.cli import main
from exodb.curation import seedspec
from exodb.curation.release import release_stamp, stamped
from exodb.curation.stamp import content_sha256
from exodb.schema.generation import advance_generation, data_generation
from exodb.schema.revision import HEAD_REVISION
from exodb.storage.connection import make_engine
from exodb.version import __version__

from .conftest import REPO


def run(runner, url, *args):
    return runner.invoke(main, ["--db", url, *args])


def stamp_of(url):
    engine = make_engine(url)
    try:
        return release_stamp(engine)
    finally:
        engine.dispose()


def test_the_content_hash_is_that_of_the_bundled_seed_files(seeded_url):
    # The bundled seeds are in canonical form, so the seeded database exports them byte for
    # byte: its hash can be computed from the files, on either backend.
    digests = {
        seed.filename: hashlib.sha256((REPO / "seeds" / seed.filename).read_bytes()).hexdigest()
        for seed in seedspec.SEED_FILES
    }
    stamp = stamp_of(seeded_url)
    assert stamp["content_sha256"] == content_sha256(digests)
    assert stamp["schema_revision"] == HEAD_REVISION
    assert stamp["exodb_version"] == __version__
    assert stamp["exported_on"] == datetime.date.today().isoformat()


def test_a_file_export_gets_a_sidecar_with_the_stamp(runner, seeded_url, tmp_path):
    target = tmp_path / "refs.ris"
    result = run(runner, seeded_url, "export", "references", "--format", "ris", "-o", str(target))
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "refs.ris.release.json").read_text(encoding="utf-8"))
    assert sidecar["file"] == "refs.ris"
    assert sidecar["file_sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert sidecar["export"] == {"command": "references", "format": "ris"}
    assert {k: sidecar[k] for k in stamp_of(seeded_url)} == stamp_of(seeded_url)
    assert result.stderr == (
        f"exodb: wrote {target}\nexodb: wrote {tmp_path / 'refs.ris.release.json'}\n"
    )


def test_the_sidecar_records_the_filters_and_options(runner, example_url, tmp_path):
    target = tmp_path / "bbb.csv"
    result = run(
        runner,
        example_url,
        "export",
        "meta",
        "--outcome",
        "BBB",
        "--species",
        "rat",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "bbb.csv.release.json").read_text(encoding="utf-8"))
    assert sidecar["export"] == {
        "command": "meta",
        "format": "metafor",
        "outcomes": ["BBB"],
        "shared_control": "split",
        "filters": {"species": "rat"},
    }
    network = tmp_path / "net.graphml"
    made = run(runner, example_url, "export", "network", "--cargo", "miR-21", "-o", str(network))
    assert made.exit_code == 0, made.output
    sidecar = json.loads((tmp_path / "net.graphml.release.json").read_text(encoding="utf-8"))
    assert sidecar["export"]["filters"] == {"cargo": "miR-21"}


def test_on_standard_output_the_stamp_is_one_line_on_stderr(runner, seeded_url):
    first = run(runner, seeded_url, "export", "crosswalk", "--format", "mirtarbase")
    again = run(runner, seeded_url, "export", "crosswalk", "--format", "mirtarbase")
    assert first.exit_code == 0, first.output
    # The exported bytes stay the same for the same data: the stamp's date is not in them.
    assert first.stdout == again.stdout
    stamp = stamp_of(seeded_url)
    assert first.stderr == (
        f"exodb: release: exodb {__version__}, schema {HEAD_REVISION}, {stamp['exported_on']}, "
        f"content {stamp['content_sha256']}\n"
    )


def test_folder_exports_carry_the_same_stamp(runner, seeded_url, tmp_path):
    assert run(runner, seeded_url, "export", "csv", str(tmp_path / "csv")).exit_code == 0
    manifest = json.loads((tmp_path / "csv" / "exodb-export.json").read_text(encoding="utf-8"))
    assert manifest["release"] == stamp_of(seeded_url)
    # A spreadsheet-safe folder's cells are not the data's, so it claims no content hash.
    safe = tmp_path / "safe"
    assert run(runner, seeded_url, "export", "csv", "--spreadsheet-safe", str(safe)).exit_code == 0
    assert "release" not in json.loads((safe / "exodb-export.json").read_text(encoding="utf-8"))


def test_an_import_changes_the_content_hash_and_diff_agrees(runner, fresh_url, tmp_path):
    before = stamp_of(fresh_url)
    assert run(runner, fresh_url, "export", "csv", str(tmp_path / "before")).exit_code == 0
    imported = run(runner, fresh_url, "import", str(REPO / "examples" / "extraction"))
    assert imported.exit_code == 0, imported.output
    after = stamp_of(fresh_url)
    assert after["content_sha256"] != before["content_sha256"]
    changed = run(runner, fresh_url, "diff", str(tmp_path / "before"), fresh_url)
    assert changed.exit_code == 1
    assert "arms.csv" in changed.stdout


def test_given_zero_and_false_filters_are_recorded(runner, example_url, tmp_path):
    target = tmp_path / "net.json"
    result = run(
        runner,
        example_url,
        "export",
        "network",
        "--format",
        "json",
        "--not-exosome-based",
        "--timepoint",
        "0",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "net.json.release.json").read_text(encoding="utf-8"))
    assert sidecar["export"]["filters"] == {"exosome_based": False, "timepoint": 0}


def test_a_device_gets_no_sidecar(runner, seeded_url):
    sidecar = "/dev/null.release.json"
    try:
        result = run(runner, seeded_url, "export", "references", "-o", "/dev/null")
        assert result.exit_code == 0, result.output
        assert not os.path.exists(sidecar)
        assert result.stderr.startswith("exodb: wrote /dev/null\nexodb: release: exodb ")
    finally:
        if os.path.isfile(sidecar):
            os.unlink(sidecar)


def test_a_load_during_an_export_is_read_again(fresh_url):
    from exodb.errors import DatabaseBusy
    from exodb.workflows.load import import_path

    engine = make_engine(fresh_url)
    builds = []

    def build_with_a_load_first() -> str:
        # A load commits after the stamp was taken, before the export was read.
        if not builds:
            import_path(engine, REPO / "examples" / "extraction")
        builds.append(1)
        return "exported"

    text, stamp = stamped(engine, build_with_a_load_first)
    assert text == "exported" and len(builds) == 2
    assert stamp == release_stamp(engine)  # the stamp of the data after the load

    def always_changing() -> str:
        with engine.begin() as connection:
            advance_generation(connection, data_generation(connection))
        return "never consistent"

    with pytest.raises(DatabaseBusy, match="changed during each of 3 attempts"):
        stamped(engine, always_changing)
    engine.dispose()


@pytest.mark.sqlite_only
def test_the_sidecar_never_overwrites_the_database(runner, fresh_path):
    """A sidecar name that is the database (``-o X`` where the database is ``X.release.json``)
    is refused as every output over the database is; the database is left byte for byte."""
    database = fresh_path.with_name(fresh_path.name + ".release.json")
    fresh_path.rename(database)
    try:
        before = hashlib.sha256(database.read_bytes()).hexdigest()
        target = str(fresh_path)  # the name the sidecar would take is the database's
        result = runner.invoke(main, ["--db", str(database), "export", "references", "-o", target])
        assert result.exit_code == 1
        assert f"refusing to write to {database}: it is the database file" in result.stderr
        assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    finally:
        fresh_path.unlink(missing_ok=True)  # the exported file
        database.rename(fresh_path)
