"""Loads are isolated and whole: faults that used to write wrong ids, block `seed` for nothing,
flood the terminal, or write into a damaged file, each reproduced."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from exodb.cli import main
from exodb.curation import write
from exodb.errors import DatabaseBusy, ImportsPresent
from exodb.io.resources import seeds_dir
from exodb.storage.config import sqlite_path
from exodb.storage.connection import make_engine
from exodb.workflows import load

from .conftest import BACKEND, snapshot
from .test_import import USER_FILES


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


BDNF_LINK = {
    "studies.csv": "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,"
    "summary\nuserfan_73,73,Fan,3.1,in_vivo,true,bmsc,,,BDNF-carrying exosomes.\n",
    "study_molecules.csv": "study,molecule,role,note\nuserfan_73,BDNF,cargo,\n",
}


def shifted_seeds(tmp_path: Path) -> Path:
    """The bundled seeds with one more molecule first, so every molecule id moves by one."""
    folder = tmp_path / "shifted"
    shutil.copytree(seeds_dir(), folder)
    molecules = folder / "molecules.csv"
    header, rest = molecules.read_text(encoding="utf-8").split("\n", 1)
    molecules.write_text(f"{header}\nAAA-first,protein,,,,\n{rest}", encoding="utf-8")
    return folder


def linked_molecule(url: str, study: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT m.key FROM study_molecule sm JOIN study s ON s.id = sm.study_id "
                "JOIN molecule m ON m.id = sm.molecule_id WHERE s.key = :k"
            ),
            {"k": study},
        ).all()
    engine.dispose()
    return [row[0] for row in found]


# --- 3. concurrent loads never write stale ids --------------------------------------------------


def test_an_import_waiting_for_a_seed_reads_ids_after_it(fresh_url, tmp_path, monkeypatch):
    """The seed holds the lock while it rewrites every molecule id; the import, started
    meanwhile, must resolve BDNF only once the seed has committed."""
    seeds = shifted_seeds(tmp_path)
    user = write_folder(tmp_path / "user", BDNF_LINK)
    seeding, release = threading.Event(), threading.Event()
    original = write.clear

    def slow_clear(connection):
        original(connection)
        seeding.set()
        release.wait(10)

    monkeypatch.setattr(write, "clear", slow_clear)
    engine = make_engine(fresh_url)
    errors: list[BaseException] = []

    def seed() -> None:
        try:
            load.load_folder(engine, seeds)
        except BaseException as exc:  # reported below
            errors.append(exc)

    seeder = threading.Thread(target=seed)
    seeder.start()
    assert seeding.wait(10)
    importer_engine = make_engine(fresh_url)
    importer = threading.Thread(target=lambda: load.import_path(importer_engine, user))
    importer.start()
    time.sleep(0.5)  # long enough for an import that did not wait to read the old ids
    assert importer.is_alive(), "the import did not wait for the seed's lock"
    release.set()
    seeder.join(20)
    importer.join(20)
    assert not errors
    assert linked_molecule(fresh_url, "userfan_73") == ["BDNF"]
    engine.dispose()
    importer_engine.dispose()


def test_two_imports_at_once_both_land(fresh_url, tmp_path):
    first = write_folder(
        tmp_path / "a",
        {
            "molecules.csv": "key,kind,full_name,parent,aliases,note\nUSERPROT-A,protein,,,,\n",
            "studies.csv": BDNF_LINK["studies.csv"].replace("userfan_73", "user_a"),
            "study_molecules.csv": "study,molecule,role,note\nuser_a,USERPROT-A,cargo,\n",
        },
    )
    second = write_folder(
        tmp_path / "b",
        {
            "molecules.csv": "key,kind,full_name,parent,aliases,note\nUSERPROT-B,protein,,,,\n",
            "studies.csv": BDNF_LINK["studies.csv"].replace("userfan_73", "user_b"),
            "study_molecules.csv": "study,molecule,role,note\nuser_b,USERPROT-B,cargo,\n",
        },
    )
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def import_one(folder: Path) -> None:
        engine = make_engine(fresh_url)
        try:
            barrier.wait(5)
            load.import_path(engine, folder)
        except BaseException as exc:
            failures.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=import_one, args=(f,)) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert linked_molecule(fresh_url, "user_a") == ["USERPROT-A"]
    assert linked_molecule(fresh_url, "user_b") == ["USERPROT-B"]


class WriteLockHolder:
    """Another process's load in progress: it holds the lock every exodb load takes."""

    def __init__(self, url: str):
        if BACKEND == "sqlite":
            self.connection = sqlite3.connect(sqlite_path(url), isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            from exodb.storage.connection import LOAD_LOCK_KEY

            plain = url.replace("postgresql+psycopg://", "postgresql://")
            self.connection = psycopg.connect(plain)
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (LOAD_LOCK_KEY,))

    def release(self) -> None:
        self.connection.rollback() if BACKEND != "sqlite" else self.connection.execute("ROLLBACK")
        self.connection.close()


def test_a_writer_that_waits_too_long_is_refused_clearly(runner, fresh_url, tmp_path, monkeypatch):
    monkeypatch.setenv("EXODB_BUSY_TIMEOUT", "0.3")
    user = write_folder(tmp_path / "user", BDNF_LINK)
    before = snapshot(fresh_url)
    holder = WriteLockHolder(fresh_url)
    try:
        started = time.monotonic()
        result = run(runner, fresh_url, "import", str(user))
        waited = time.monotonic() - started
    finally:
        holder.release()
    assert result.exit_code == 1
    assert "another process is writing to" in result.output
    assert "exodb waited 0.3 s for it to finish" in result.output
    assert "nothing was written" in result.output
    assert waited >= 0.3
    assert snapshot(fresh_url) == before
    # With the lock free, the same command goes through.
    assert run(runner, fresh_url, "import", str(user)).exit_code == 0


@pytest.mark.parametrize("command", [["init"], ["seed"], ["reindex"]])
def test_every_writing_command_waits_then_says_so(runner, fresh_url, monkeypatch, command):
    monkeypatch.setenv("EXODB_BUSY_TIMEOUT", "0.3")
    before = snapshot(fresh_url)
    holder = WriteLockHolder(fresh_url)
    try:
        result = run(runner, fresh_url, *command)
    finally:
        holder.release()
    assert result.exit_code == 1, result.output
    assert "another process is writing to" in result.output
    assert "exodb waited 0.3 s for it to finish" in result.output
    assert snapshot(fresh_url) == before


def test_busy_is_an_error_of_its_own_for_library_callers(fresh_url, tmp_path, monkeypatch):
    monkeypatch.setenv("EXODB_BUSY_TIMEOUT", "0.1")
    holder = WriteLockHolder(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with pytest.raises(DatabaseBusy):
            load.load_folder(engine, seeds_dir())
    finally:
        holder.release()
        engine.dispose()


# --- 6. a retried import, and a flood of problems ------------------------------------------------


def test_an_import_killed_after_its_commit_is_answered_in_one_line_on_retry(
    runner, fresh_url, tmp_path, monkeypatch
):
    user = write_folder(tmp_path / "user", USER_FILES)

    def killed(_engine):
        raise KeyboardInterrupt  # the process dies between the commit and its message

    monkeypatch.setattr(load, "_prepare_reports", killed)
    engine = make_engine(fresh_url)
    with pytest.raises(KeyboardInterrupt):
        load.import_path(engine, user)
    engine.dispose()
    monkeypatch.undo()
    committed = snapshot(fresh_url)
    assert any(row[1] == "newman_195" for row in committed["study"])
    result = run(runner, fresh_url, "import", str(user))
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"exodb: every record of {user} is already in the database: the same files were "
        "imported on "
    )
    assert lines[0].endswith("(import 1, 11 records); nothing was written")
    assert snapshot(fresh_url) == committed
    # The reports the killed import did not keep are computed on request.
    matrix = run(runner, fresh_url, "report", "evidence-matrix", "--format", "csv")
    assert matrix.exit_code == 0 and "user_glia" in matrix.stdout


def test_many_problems_are_listed_up_to_a_cap_with_a_count(runner, fresh_url, tmp_path):
    rows = "".join(f"dup_{i},{i + 1000},,,,,,,,\n" for i in range(120))
    header = "number,first_author,year,title,journal,doi,pmid,check_status,checked_at,note\n"
    folder = write_folder(tmp_path / "refs", {"references.csv": header + rows.replace("dup_", "")})
    # Import once, then again with the files changed: every row now clashes.
    numbers = "".join(f"{i + 1000},,,,,,,,,\n" for i in range(120))
    (folder / "references.csv").write_text(header + numbers, encoding="utf-8")
    assert run(runner, fresh_url, "import", str(folder)).exit_code == 0
    (folder / "references.csv").write_text(
        header + numbers.replace(",,,,,,,,,", ",Someone,,,,,,,,"), encoding="utf-8"
    )
    result = run(runner, fresh_url, "import", str(folder))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 53
    assert (
        lines[0]
        == f"{folder / 'references.csv'}:2: number: (number=1000) is already in the database"
    )
    assert lines[50] == "... and 70 more"
    assert lines[51].startswith("exodb: 120 rows are already in the database; were these files")
    assert lines[52] == "exodb: 120 problem(s) found; nothing was written"


# --- 8. an import with nothing in it --------------------------------------------------------------


def test_a_header_only_import_logs_nothing_and_leaves_seed_free(runner, fresh_url, tmp_path):
    folder = write_folder(
        tmp_path / "empty",
        {
            "studies.csv": USER_FILES["studies.csv"].split("\n", 1)[0] + "\n",
            "molecules.csv": "key,kind,full_name,parent,aliases,note\n",
        },
    )
    before = snapshot(fresh_url)
    result = run(runner, fresh_url, "import", str(folder))
    assert result.exit_code == 0
    assert result.output == (
        f"exodb: {folder} holds no records (only header rows); nothing was imported\n"
    )
    assert snapshot(fresh_url) == before
    assert run(runner, fresh_url, "seed").exit_code == 0


def test_a_parent_chain_of_1200_levels_written_child_first_loads(runner, fresh_url, tmp_path):
    depth = 1200
    lines = ["key,name,abbreviation,parent,category,aliases,note"]
    for level in reversed(range(depth)):  # the deepest first
        parent = f"chain_{level - 1}" if level else "microglia"
        lines.append(f"chain_{level},chain cell {level},,{parent},glial_cell,,")
    folder = write_folder(tmp_path / "chain", {"cell_sources.csv": "\n".join(lines) + "\n"})
    checked = run(runner, fresh_url, "validate", str(folder))
    assert checked.exit_code == 0, checked.output
    result = run(runner, fresh_url, "import", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output == f"exodb: imported {depth} records from {folder}\n"
    within = run(runner, fresh_url, "cell-sources", "--within", "chain_1190", "--format", "csv")
    assert [line.split(",")[0] for line in within.stdout.splitlines()[1:]] == [
        f"chain_{i}" for i in range(1190, depth)
    ]


# --- 9. a damaged database file -------------------------------------------------------------------


def damage(path: Path) -> None:
    """Overwrite a page in the middle of the study table's b-tree with garbage."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'study_molecule'"
        ).fetchone()[0]
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 200)


@pytest.mark.sqlite_only
def test_a_damaged_file_is_not_written_to_or_backed_up(runner, fresh_path, tmp_path):
    damage(fresh_path)
    user = write_folder(tmp_path / "user", USER_FILES)
    before = fresh_path.read_bytes()
    result = run(runner, str(fresh_path), "import", str(user))
    assert result.exit_code == 1
    assert f"the database {fresh_path} is damaged (" in result.output
    assert "PRAGMA integrity_check" in result.output and "restore your latest backup" in (
        result.output
    )
    assert fresh_path.read_bytes() == before
    target = tmp_path / "backup.sqlite"
    backed = run(runner, str(fresh_path), "backup", str(target))
    assert backed.exit_code == 1
    assert "is damaged" in backed.output and "no backup was written" in backed.output
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["user"]


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_named_as_such(runner, tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"these are my notes, not a database\n" * 200)
    result = run(runner, str(bogus), "cell-sources")
    assert result.exit_code == 1
    assert "is damaged (file is not a database)" in result.output
    assert bogus.read_bytes() == b"these are my notes, not a database\n" * 200


def test_seed_still_refuses_while_imports_are_logged(fresh_url, tmp_path):
    user = write_folder(tmp_path / "user", USER_FILES)
    engine = make_engine(fresh_url)
    load.import_path(engine, user)
    with pytest.raises(ImportsPresent):
        load.load_folder(engine, seeds_dir())
    engine.dispose()


@pytest.mark.sqlite_only
def test_seed_into_a_new_file_is_built_whole_or_not_at_all(runner, tmp_path, seed_copy):
    target = tmp_path / "new" / "lab.sqlite"
    with (seed_copy / "studies.csv").open("a", encoding="utf-8") as handle:
        handle.write("broken_row,not-a-number,,,,,,,,\n")
    failed = run(runner, str(target), "seed", str(seed_copy))
    assert failed.exit_code == 1
    assert "nothing was written" in failed.output
    assert list(target.parent.iterdir()) == []  # no schema-only file, no temporary
    result = run(runner, str(target), "seed")
    assert result.exit_code == 0
    assert result.output.startswith("exodb: loaded ")
    count = run(runner, str(target), "sql", "SELECT count(*) AS n FROM study", "--format", "csv")
    assert count.stdout == "n\n57\n"


def test_an_open_session_sees_a_load_and_does_not_hold_it_up(fresh_url, tmp_path, monkeypatch):
    """A notebook keeps exodb.connect() open while a colleague imports: the import is not
    kept waiting, and the notebook's next question sees the new study."""
    import exodb
    from exodb import queries

    monkeypatch.setenv("EXODB_BUSY_TIMEOUT", "2")
    user = write_folder(tmp_path / "user", BDNF_LINK)
    with exodb.connect(fresh_url) as session:
        assert "userfan_73" not in [s.key for s in queries.studies(session, ref=73)]
        engine = make_engine(fresh_url)
        load.import_path(engine, user)
        engine.dispose()
        assert "userfan_73" in [s.key for s in queries.studies(session, ref=73)]
