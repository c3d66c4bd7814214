"""Users' own evidence: import, validate, export, backup, and nothing lost under bad input."""

from __future__ import annotations

import csv
import filecmp
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from exodb import queries
from exodb.cli import main
from exodb.console.search import search
from exodb.curation import seedspec
from exodb.io.resources import seeds_dir
from exodb.schema import migrations
from exodb.storage.config import sqlite_path
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows.database import upgrade
from exodb.workflows.load import import_path

from .conftest import BACKEND, snapshot

USER_FILES = {
    "references.csv": "number,first_author,year,title,journal,doi,pmid,check_status,"
    "checked_at,note\n195,Newman,,,,,,,,A study published after the review\n",
    "molecules.csv": "key,kind,full_name,parent,aliases,note\n"
    "miR-9999-5p,mirna,,miRNA,,\nTESTPROT,protein,test protein kinase,,TP-1;tp one,\n",
    "cell_sources.csv": "key,name,abbreviation,parent,category,aliases,note\n"
    "user_glia,user-described glial cell,UGC,microglia,glial_cell,,\n",
    "pathways.csv": "key,note\nTESTPROT/Akt,\n",
    "studies.csv": "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,"
    "summary\nnewman_195,195,Newman,3.1,in_vivo,true,user_glia,intranasal,,"
    "Glial exosomes carrying miR-9999-5p improved quokka-like recovery in rats.\n",
    "study_molecules.csv": "study,molecule,role,note\nnewman_195,miR-9999-5p,cargo,\n",
    "study_pathways.csv": "study,pathway,effect,note\nnewman_195,TESTPROT/Akt,activates,\n",
    "study_mechanisms.csv": "study,mechanism\nnewman_195,neuroprotection\n",
    "study_models.csv": "study,species,model,note\nnewman_195,rat,contusion,\n",
    "outcomes.csv": "study,measure,direction,value,unit,relative_to,species,note\n"
    "newman_195,motor recovery,increase,45,%,sham,rat,\n",
}


@pytest.fixture
def user_folder(tmp_path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, content in USER_FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    return result


def test_import_adds_records_and_vocabulary(runner, fresh_url, user_folder):
    result = run(runner, fresh_url, "import", str(user_folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("exodb: imported 11 records from ")
    engine = make_engine(fresh_url)
    with session_factory(engine)() as session:
        assert [s.key for s in queries.studies(session, cargo="miR-9999")] == ["newman_195"]
        # The new source sits under microglia, so the hierarchy finds it.
        assert [s.key for s in queries.studies(session, cell_source="microglia")] == ["newman_195"]
        assert "newman_195" in [s.key for s in queries.studies(session, pathway="Akt")]
        assert [m.key for m in queries.molecules(session, name="tp one")] == ["TESTPROT"]
        assert [h.key for h in search(session, "quokka")] == ["newman_195"]
        log = session.execute(text("SELECT files, rows FROM import_log")).all()
        assert log == [
            (
                "references.csv;cell_sources.csv;molecules.csv;pathways.csv;studies.csv;"
                "study_molecules.csv;study_pathways.csv;study_mechanisms.csv;study_models.csv;"
                "outcomes.csv",
                11,
            )
        ]
    engine.dispose()


def test_import_one_file(runner, fresh_url, tmp_path):
    path = tmp_path / "references.csv"
    path.write_text(USER_FILES["references.csv"], encoding="utf-8")
    result = run(runner, fresh_url, "import", str(path))
    assert result.exit_code == 0, result.output
    rows = run(
        runner,
        fresh_url,
        "sql",
        "SELECT first_author FROM reference WHERE number = 195",
        "--format",
        "csv",
    )
    assert rows.stdout == "first_author\nNewman\n"


def test_export_of_the_seeds_is_byte_identical(runner, seeded_url, tmp_path):
    result = run(runner, seeded_url, "export", "csv", str(tmp_path / "out"))
    assert result.exit_code == 0
    names = sorted(p.name for p in seeds_dir().glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(seeds_dir(), tmp_path / "out", names, shallow=False)
    assert mismatch == [] and errors == []
    assert len(match) == len(seedspec.SEED_FILES) == 42


def test_export_import_export_round_trip_with_user_records(
    runner, fresh_url, empty_url, user_folder, tmp_path
):
    assert run(runner, fresh_url, "import", str(user_folder)).exit_code == 0
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(runner, fresh_url, "export", "csv", str(first)).exit_code == 0
    assert run(runner, empty_url, "init", "--no-seed").exit_code == 0
    imported = run(runner, empty_url, "import", str(first))
    assert imported.exit_code == 0, imported.output
    assert run(runner, empty_url, "export", "csv", str(second)).exit_code == 0
    names = sorted(p.name for p in first.glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert "newman_195" in (second / "studies.csv").read_text(encoding="utf-8")


def test_validate_lists_every_problem_and_writes_nothing(runner, fresh_url, user_folder):
    (user_folder / "studies.csv").write_text(
        USER_FILES["studies.csv"].replace("in_vivo", "in_vivio").replace(",rat,", ",rat,"),
        encoding="utf-8",
    )
    (user_folder / "outcomes.csv").write_text(
        USER_FILES["outcomes.csv"].replace(",45,", ",-45,"), encoding="utf-8"
    )
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "validate", str(user_folder))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        f"{user_folder / 'studies.csv'}:2: design: 'in_vivio' is not one of: in_vivo, "
        "in_vitro, clinical, mixed, not_stated; did you mean 'in_vivo'?" in lines
    )
    assert f"{user_folder / 'outcomes.csv'}:2: value: -45: a percentage cannot be negative" in lines
    assert lines[-1] == "exodb: 2 problem(s) found; nothing was written"
    assert snapshot(fresh_url) == before


def test_validate_clean_files(runner, fresh_url, user_folder):
    result = run(runner, fresh_url, "validate", str(user_folder))
    assert result.exit_code == 0
    assert result.stdout == f"exodb: {user_folder}: 11 rows valid, nothing written\n"
    seeds = run(runner, fresh_url, "validate", "--as-seed", str(seeds_dir()))
    assert seeds.exit_code == 0


def test_importing_what_is_already_there_is_refused(runner, fresh_url):
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "import", str(seeds_dir() / "diseases.csv"))
    assert result.exit_code == 1
    assert (
        f"{seeds_dir() / 'diseases.csv'}:2: key: (key=alzheimers_disease) is already in "
        "the database" in result.stderr
    )
    assert snapshot(fresh_url) == before


def test_alias_clashing_with_the_database_is_refused(runner, fresh_url, tmp_path):
    path = tmp_path / "molecules.csv"
    path.write_text(
        "key,kind,full_name,parent,aliases,note\nNEWPROT,protein,,,nf-kb,\n", encoding="utf-8"
    )
    result = run(runner, fresh_url, "import", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:2: aliases: 'nf-kb' would also name 'NF-κB' (in the database); a name "
        "may point at one entry only" in result.stderr
    )


# --- bad input: a message, a non-zero exit, the database unchanged ---------------------------


def _write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


BAD = [
    (
        "unbalanced quote",
        "studies.csv",
        USER_FILES["studies.csv"].replace(",,Glial", ',,"Glial'),
        "-: malformed CSV",
    ),
    (
        "wrong column count",
        "study_models.csv",
        USER_FILES["study_models.csv"].replace("contusion,", "contusion,,extra"),
        "2: -: expected 4 fields, found 5",
    ),
    (
        "wrong encoding",
        "studies.csv",
        USER_FILES["studies.csv"]
        .replace("quokka", "qu\udcf6kka")
        .encode("utf-8", "surrogateescape"),
        "2: -: not valid UTF-8 (byte 0xf6); save the file as UTF-8",
    ),
    (
        "byte-order mark",
        "studies.csv",
        b"\xef\xbb\xbf" + USER_FILES["studies.csv"].encode(),
        "1: -: the file starts with a byte-order mark (BOM)",
    ),
    (
        "unknown column",
        "study_mechanisms.csv",
        "study,mechanism,weight\nnewman_195,neuroprotection,3\n",
        "1: weight: unknown column; study_mechanisms.csv has: study, mechanism",
    ),
    (
        "missing column",
        "study_mechanisms.csv",
        "study\nnewman_195\n",
        "1: mechanism: required column is missing",
    ),
    (
        "empty required field",
        "studies.csv",
        USER_FILES["studies.csv"].replace(",in_vivo,", ",,"),
        "2: design: required value is empty",
    ),
    (
        "bad enumeration",
        "study_molecules.csv",
        USER_FILES["study_molecules.csv"].replace("cargo", "payload"),
        "2: role: 'payload' is not one of: cargo, loaded, co_administered, agent",
    ),
    (
        "unknown reference",
        "study_models.csv",
        USER_FILES["study_models.csv"].replace(",rat,", ",hamster,"),
        "2: species: unknown species 'hamster' (not a key of species.csv)",
    ),
    (
        "duplicate in the file",
        "study_mechanisms.csv",
        USER_FILES["study_mechanisms.csv"] + "newman_195,neuroprotection\n",
        "3: study: duplicate key (study=newman_195, "
        "mechanism=neuroprotection); first defined on line 2",
    ),
    (
        "duplicate against the database",
        "references.csv",
        USER_FILES["references.csv"].replace("195,Newman", "54,Newman"),
        "2: number: (number=54) is already in the database",
    ),
    (
        "not a number",
        "outcomes.csv",
        USER_FILES["outcomes.csv"].replace(",45,", ",forty-five,"),
        "2: value: 'forty-five' is not a number",
    ),
    (
        "negative percentage",
        "outcomes.csv",
        USER_FILES["outcomes.csv"].replace(",45,", ",-3,"),
        "2: value: -3: a percentage cannot be negative",
    ),
    (
        "absurd year",
        "references.csv",
        USER_FILES["references.csv"].replace("195,Newman,,", "195,Newman,3025,"),
        "2: year: 3025 is above the largest sensible value, 2100",
    ),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_cleanly(runner, fresh_url, user_folder, case, name, content, message):
    path = _write(user_folder, name, content)
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "import", str(user_folder))
    assert result.exit_code == 1
    assert any(
        line.startswith(f"{path}:") and message in line for line in result.stderr.splitlines()
    ), result.stderr
    assert result.stderr.splitlines()[-1].endswith("nothing was written")
    assert snapshot(fresh_url) == before


def test_a_100_megabyte_file_is_refused(runner, fresh_url, user_folder):
    path = user_folder / "outcomes.csv"
    with path.open("r+b") as handle:
        handle.truncate(100 * 1024 * 1024)
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "import", str(user_folder))
    assert result.exit_code == 1
    assert (
        f"{path}:0: -: the file is 104.9 MB, over the 64 MB limit (raise it with "
        "--max-file-size, or split the file)" in result.stderr
    )
    assert snapshot(fresh_url) == before


def test_not_a_seed_file_name(runner, fresh_url, tmp_path):
    path = _write(tmp_path, "my_studies.csv", "key\nx\n")
    result = run(runner, fresh_url, "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:0: -: not a seed file name; one file must be one of: sections.csv," in (
        result.stderr
    )


# --- seed, backup ----------------------------------------------------------------------------


def test_seed_keeps_imported_records_unless_told(runner, fresh_url, user_folder):
    assert run(runner, fresh_url, "import", str(user_folder)).exit_code == 0
    refused = run(runner, fresh_url, "seed")
    assert refused.exit_code == 1
    assert "holds records from 1 import(s)" in refused.stderr
    assert "exodb export csv DIR" in refused.stderr
    replaced = run(runner, fresh_url, "seed", "--replace-imports")
    assert replaced.exit_code == 0
    count = run(runner, fresh_url, "sql", "SELECT count(*) AS n FROM study", "--format", "csv")
    assert count.stdout == "n\n57\n"


@pytest.mark.skipif(BACKEND != "sqlite", reason="exodb backup copies SQLite files")
def test_backup(runner, fresh_url, tmp_path):
    target = tmp_path / "backup.sqlite"
    result = run(runner, fresh_url, "backup", str(target))
    assert result.exit_code == 0
    assert snapshot(f"sqlite:///{target}") == snapshot(fresh_url)
    again = run(runner, fresh_url, "backup", str(target))
    assert again.exit_code == 1
    assert f"{target} exists; choose another name or pass --force" in again.stderr


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL only")
def test_backup_on_postgres_points_to_pg_dump(runner, seeded_url, tmp_path):
    result = run(runner, seeded_url, "backup", str(tmp_path / "b.sqlite"))
    assert result.exit_code == 1
    assert "use pg_dump" in result.stderr


# --- faults -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from exodb.curation.synthetic import generate

    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 12000, seed=7)
    return folder


def _wait_for_writes(url: str, process: subprocess.Popen, deadline: float) -> None:
    """Return once the import is writing (SQLite: its log grows; PostgreSQL: it is busy)."""
    path = sqlite_path(url)
    while time.monotonic() < deadline and process.poll() is None:
        if path is not None:
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 2_000_000:
                return
        else:
            engine = make_engine(url)
            with engine.connect() as connection:
                busy = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND (query ILIKE 'COPY %' OR query ILIKE 'INSERT INTO %') "
                        "AND pid <> pg_backend_pid()"
                    )
                ).scalar()
            engine.dispose()
            if busy:
                return
        time.sleep(0.05)
    raise AssertionError("the import never started writing")


@pytest.fixture
def schema_only_url(empty_url) -> str:
    """A database with the schema and no data: the synthetic corpus brings its own."""
    engine = make_engine(empty_url)
    upgrade(engine)
    engine.dispose()
    return empty_url


def test_killing_an_import_leaves_the_database_as_it_was(schema_only_url, corpus):
    fresh_url = schema_only_url
    before = snapshot(fresh_url)
    env = {**os.environ, "EXODB_URL": fresh_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "exodb.cli", "import", str(corpus)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_writes(fresh_url, process, time.monotonic() + 120)
        assert process.poll() is None, "the import finished before it could be interrupted"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    if BACKEND == "postgresql":
        time.sleep(0.5)  # the server notices the lost client and rolls back
    assert snapshot(fresh_url) == before
    path = sqlite_path(fresh_url)
    if path is not None:
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.skipif(BACKEND != "sqlite", reason="WAL concurrency concerns SQLite files")
def test_readers_never_see_half_an_import(schema_only_url, corpus):
    fresh_url = schema_only_url
    engine = make_engine(fresh_url)
    with engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM study")).scalar()
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        reading = make_engine(fresh_url)
        try:
            while not done.is_set():
                with reading.connect() as connection:
                    seen.append(connection.execute(text("SELECT count(*) FROM study")).scalar())
                time.sleep(0.01)
        except BaseException as exc:  # recorded, then asserted on
            errors.append(exc)
        finally:
            reading.dispose()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        import_path(engine, corpus)
    finally:
        done.set()
        thread.join(timeout=60)
    after = before + 12000
    assert errors == []
    assert len(seen) > 10
    assert set(seen) <= {before, after}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM study")).scalar() == after
    engine.dispose()


def test_migrating_down_and_up_keeps_the_users_rows(runner, fresh_url, user_folder):
    assert run(runner, fresh_url, "import", str(user_folder)).exit_code == 0
    engine = make_engine(fresh_url)

    def user_rows() -> list[tuple]:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT s.key, m.key, o.value FROM study s "
                    "JOIN study_molecule sm ON sm.study_id = s.id "
                    "JOIN molecule m ON m.id = sm.molecule_id "
                    "JOIN outcome o ON o.study_id = s.id WHERE s.key = 'newman_195'"
                )
            ).all()

    expected = [("newman_195", "miR-9999-5p", 45.0)]
    assert user_rows() == expected
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.alembic_config())
    revisions = [r.revision for r in script.walk_revisions()]  # newest first
    kept = [r for r in revisions if int(r) >= int(migrations.IMPORT_LOG_REVISION)]
    for lower in kept[1:]:
        migrations.downgrade(engine, lower)
        assert migrations.current_revision(engine) == lower
        assert user_rows() == expected
    for higher in reversed(kept[:-1]):
        upgrade(engine, higher)
        assert user_rows() == expected
    assert migrations.current_revision(engine) == migrations.head_revision()
    engine.dispose()


# --- injection: text is data, never SQL -----------------------------------------------------------

NASTY = ["x'; DROP TABLE study; --", "%", "_", "100%_", '"quoted"', "κβ ünïcödé", "' OR '1'='1"]


@pytest.mark.parametrize("value", NASTY)
def test_text_options_are_data(runner, fresh_url, value):
    before = snapshot(fresh_url)
    for args in (
        ["studies", "--cell-source", value],
        ["studies", "--cargo", value],
        ["studies", "--pathway", value],
        ["studies", "--material", value],
        ["studies", "--species", value],
        ["molecules", "--name", value],
        ["delivery-systems", "--payload", value],
        ["notes", "--subject", value],
        ["show", value],
        ["search", value],
    ):
        result = run(runner, fresh_url, *args)
        assert result.exit_code in (0, 1), (args, result.output)
    outcome = run(runner, fresh_url, "studies", "--has-outcome", value, "--format", "csv")
    assert outcome.exit_code == 0
    assert (
        outcome.stdout.strip() == "key,ref,first_author,cell_source,cargo,pathways,"
        "mechanisms,species"
    )  # % and _ match only themselves: no study measure has them
    bound = run(
        runner, fresh_url, "sql", "SELECT :v AS v", "--param", f"v={value}", "--format", "csv"
    )
    assert bound.exit_code == 0
    assert list(csv.reader(bound.stdout.splitlines()))[1] == [value]
    assert snapshot(fresh_url) == before


def test_progress_is_silent_unless_on_a_terminal(capsys):
    import io

    from exodb.io.progress import Progress

    quiet = Progress("exodb: importing", 3, stream=io.StringIO(), delay=0)
    quiet("wrote studies.csv")
    assert quiet.stream.getvalue() == ""  # the test's stdout is not a terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    shown = Progress("exodb: importing", 2, stream=terminal, delay=0)
    shown.enabled = True  # as when both stdout and stderr are terminals
    shown("wrote studies.csv")
    shown.close()
    assert terminal.getvalue().startswith(
        "\rexodb: importing [###############---------------] 1/2 wrote studies.csv"
    )
    assert terminal.getvalue().endswith("\n")
    slow = Progress("x", 2, stream=terminal, delay=60)
    slow.enabled = True
    slow("quick step")
    assert not slow.shown  # under a second: nothing drawn
