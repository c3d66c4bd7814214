"""What a user can get wrong, or what the machine refuses, ends in one clear line and a non-zero
exit: never a traceback, never a message that points the wrong way, never a changed database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from exodb import queries
from exodb.cli import main
from exodb.errors import UnknownName

from .conftest import dump

EXODB = Path(sys.executable).parent / "exodb"


def run(runner, *args, **kwargs):
    result = runner.invoke(main, [str(a) for a in args], **kwargs)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result


def refused(result) -> str:
    """The one line on stderr of a command that failed, and nothing on stdout."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@contextlib.contextmanager
def read_only_mount(folder: Path, source: Path | None = None) -> Iterator[Path]:
    """A tmpfs at ``folder`` holding a copy of ``source``, remounted read-only: even root cannot
    write there (a chmod would not stop root). Skipped where mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        if source is not None:
            shutil.copy(source, folder / source.name)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """``path`` made read-only in a writable folder: a read-only bind mount over the file itself,
    so that root too is refused. Skipped where mounting is not allowed."""
    bound = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


# --- where the database is: the default folder, a folder named as a database -------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize("variable", ["EXODB_HOME", "XDG_DATA_HOME", "HOME"])
def test_an_unwritable_default_folder_says_how_to_choose_another(
    runner, tmp_path, monkeypatch, variable
):
    blocker = tmp_path / "a-file"  # a path under a regular file: no one, not even root, writes
    blocker.write_text("not a folder")
    home = blocker / "home"
    monkeypatch.delenv("EXODB_HOME")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv(variable, str(home))
    folder = {"EXODB_HOME": home, "XDG_DATA_HOME": home / "exodb"}.get(
        variable, home / ".local" / "share" / "exodb"
    )
    result = run(runner, "studies")
    assert refused(result) == (
        f"Error: cannot create the default database in {folder} ({folder}: Not a directory). "
        "Choose another folder for it with EXODB_HOME=FOLDER, or a database file with --db FILE\n"
    )
    assert blocker.read_text() == "not a folder"


@pytest.mark.sqlite_only
def test_a_read_only_default_folder_says_how_to_choose_another(runner, tmp_path, monkeypatch):
    with read_only_mount(tmp_path / "ro") as folder:
        monkeypatch.setenv("EXODB_HOME", str(folder))
        assert refused(run(runner, "studies")) == (
            f"Error: cannot create the default database in {folder} (the folder is not "
            "writable). Choose another folder for it with EXODB_HOME=FOLDER, or a database file "
            "with --db FILE\n"
        )


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "command", [["studies"], ["init"], ["seed"], ["reindex"], ["sql", "SELECT 1"]], ids=" ".join
)
def test_a_folder_given_as_the_database_is_said_to_be_a_folder(runner, tmp_path, command):
    folder = tmp_path / "lab"
    folder.mkdir()
    result = run(runner, "--db", folder, *command)
    assert refused(result) == (
        f"Error: {folder}: is a folder, not a database file; name a file in it "
        f"(--db {folder / 'exodb.sqlite'})\n"
    )
    assert list(folder.iterdir()) == []


# --- URLs exodb cannot use ----------------------------------------------------------------------


COMMANDS = [["studies"], ["init"], ["seed"], ["sql", "SELECT 1"], ["report", "summary"]]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_postgresql_without_its_driver_says_what_to_install(runner, monkeypatch, command):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    result = run(runner, "--db", "postgresql+psycopg://exodb@127.0.0.1:1/exodb", *command)
    assert refused(result) == (
        "Error: the database driver is not installed: psycopg (pip install 'exodb[postgres]')\n"
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize("url", ["mysql://x", "foo://x"])
@pytest.mark.parametrize("command", [*COMMANDS, ["backup", "copy.sqlite"]], ids=" ".join)
def test_an_unknown_dialect_is_one_line_in_every_command(runner, url, command):
    scheme = url.split(":")[0]
    assert refused(run(runner, "--db", url, *command)) == (
        "Error: exodb works with SQLite files and PostgreSQL (postgresql+psycopg://...); "
        f"'{scheme}' is not one of them\n"
    )


# --- outputs into folders that cannot take them --------------------------------------------------


def _outputs(target: Path) -> dict[str, list]:
    return {
        "-o": ["trials", "-o", f"{target}.csv"],
        "report -o": ["report", "summary", "-o", f"{target}.md"],
        "backup": ["backup", f"{target}.sqlite"],
        "export csv": ["export", "csv", target],
    }


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", ["-o", "report -o", "backup", "export csv"])
def test_an_output_under_a_file_names_the_file_in_the_way(runner, fresh_path, tmp_path, kind):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    args = _outputs(blocker / "out")[kind]
    result = run(runner, "--db", fresh_path, *args)
    written = args[-1]
    prefix = "cannot export into" if kind == "export csv" else "cannot write"
    assert refused(result) == f"Error: {prefix} {written}: {blocker} is a file, not a folder\n"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", ["-o", "report -o", "backup", "export csv"])
def test_an_output_into_a_read_only_folder_names_the_folder(runner, fresh_path, tmp_path, kind):
    with read_only_mount(tmp_path / "ro") as folder:
        args = _outputs(folder / "out")[kind]
        result = run(runner, "--db", fresh_path, *args)
        assert refused(result) == (
            f"Error: cannot write {args[-1]}: the folder {folder} is not writable "
            "(Read-only file system)\n"
        )


@pytest.mark.sqlite_only
def test_an_output_into_a_missing_folder_names_the_folder(runner, seeded_path, tmp_path):
    target = tmp_path / "missing" / "out.csv"
    result = run(runner, "--db", seeded_path, "trials", "-o", target)
    assert refused(result) == (
        f"Error: cannot write {target}: the folder {target.parent} does not exist\n"
    )


# --- standard output that cannot be written ------------------------------------------------------


def _exodb(args: list, stdout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXODB), *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [["trials"], ["trials", "--help"], ["--help"]], ids=" ".join)
def test_a_full_standard_output_is_one_line(seeded_path, args):
    with open("/dev/full", "w") as full:
        result = _exodb(["--db", seeded_path, *args] if args != ["--help"] else args, full.fileno())
    assert result.returncode == 1
    assert result.stderr == "Error: could not write the output: No space left on device\n"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [["trials"], ["--help"]], ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(seeded_path, args):
    reader, writer = os.pipe()
    os.close(reader)  # as `| head` does once it has its lines
    try:
        result = _exodb(["--db", seeded_path, *args] if args != ["--help"] else args, writer)
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (1, "")


# --- the Python API: wrong types name the argument -----------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: queries.studies(s, cargo=21), TypeError, "cargo must be a string, not int"),
        (
            lambda s: queries.cell_sources(s, within=123),
            TypeError,
            "within must be a string, not int",
        ),
        (
            lambda s: queries.studies(s, quantitative="yes"),
            TypeError,
            "quantitative must be True or False, not 'yes'",
        ),
        (lambda s: queries.studies(s, ref="46"), TypeError, "ref must be an int, not str"),
        (lambda s: queries.studies(s, ref=True), TypeError, "ref must be an int, not bool"),
        (
            lambda s: queries.study_details(s, None),
            TypeError,
            "key_or_ref must be a study key or a reference number, not None",
        ),
        (
            lambda s: queries.study_details(s, 4.5),
            TypeError,
            "key_or_ref must be a string, not float",
        ),
        (
            lambda s: queries.molecules(s, name=["miR-21"]),
            TypeError,
            "name must be a string, not list",
        ),
        (lambda s: queries.pathways(s, node=1), TypeError, "node must be a string, not int"),
        (
            lambda s: queries.delivery_systems(s, indication=0),
            TypeError,
            "indication must be a string, not int",
        ),
        (
            lambda s: queries.curation_notes(s, subject=b"x"),
            TypeError,
            "subject must be a string, not bytes",
        ),
        (
            lambda s: queries.exosome_components(s, markers_only=1),
            TypeError,
            "markers_only must be True or False, not 1",
        ),
        (lambda s: queries.mechanisms(s, key=7), TypeError, "key must be a string, not int"),
        (
            lambda s: queries.cell_sources(s, within="MSC\0"),
            ValueError,
            "within must not contain a NUL character",
        ),
    ],
)
def test_a_wrong_type_names_the_argument(session, call, error, message):
    with pytest.raises(error) as raised:
        call(session)
    assert str(raised.value) == message


@pytest.mark.parametrize("function", ["studies", "study_keys"])
def test_an_unknown_filter_is_a_type_error_naming_it(session, function):
    with pytest.raises(TypeError) as raised:
        getattr(queries, function)(session, within="MSC")
    assert str(raised.value).startswith(
        f"{function}() got an unexpected keyword argument 'within'; the filters are cell_source, "
        "cargo, target,"
    )


def test_a_reference_number_as_an_int_is_taken(session):
    assert [d.key for d in queries.study_details(session, 46)] == ["huang_46", "ref46_hypoxia"]


# --- a pathway chain of many nodes ---------------------------------------------------------------


def test_a_chain_of_500_nodes_is_refused_in_one_line(runner, seeded_url):
    chain = "/".join(["Akt"] * 500)
    assert refused(run(runner, "--db", seeded_url, "studies", "--pathway", chain)) == (
        "Error: a pathway chain to look for has at most 32 nodes; this one has 500\n"
    )
    assert queries.MAX_CHAIN_NODES == 32


def test_the_longest_chain_allowed_is_searched(session):
    chain = "/".join(["Akt"] * queries.MAX_CHAIN_NODES)
    assert queries.studies(session, pathway=chain) == []
    with pytest.raises(ValueError, match="^a pathway chain to look for has at most 32 nodes"):
        queries.pathways(session, node=f"{chain}/Akt")


# --- a reference the review does not cite --------------------------------------------------------


def test_studies_of_an_uncited_reference_is_an_error_as_show_is(runner, seeded_url, session):
    assert refused(run(runner, "--db", seeded_url, "studies", "--ref", "9999")) == (
        "Error: unknown reference '9999'\n"
    )
    assert refused(run(runner, "--db", seeded_url, "show", "9999")) == (
        "Error: unknown study '9999'\n"
    )
    with pytest.raises(UnknownName, match="^unknown reference '9999'$"):
        queries.studies(session, ref=9999)
    assert [s.key for s in queries.studies(session, ref=46)] == ["huang_46", "ref46_hypoxia"]


# --- a database that cannot be written ---------------------------------------------------------


def _not_writable(path: Path, reason: str) -> str:
    return (
        f"Error: {path} can only be read: {reason}, and changing a database needs a writable file "
        "in a writable folder (SQLite keeps its -wal and -shm files beside it). Copy the database "
        "to a writable folder and pass that copy with --db; nothing was written\n"
    )


WRITERS = [["import", "{seeds}"], ["seed"], ["reindex"], ["init"]]


def _check_reads_and_refusals(runner, database: Path, reason: str, seeds: Path) -> None:
    before = database.read_bytes()
    studies = run(runner, "--db", database, "studies", "--ref", "46", "--format", "csv")
    assert studies.exit_code == 0, studies.output
    assert studies.stdout.splitlines()[1].startswith("huang_46,46,")
    count = run(runner, "--db", database, "sql", "SELECT count(*) AS n FROM study")
    assert count.exit_code == 0, count.output
    summary = run(runner, "--db", database, "report", "summary")
    assert summary.exit_code == 0, summary.output
    for command in WRITERS:
        args = [a.format(seeds=seeds) for a in command]
        assert refused(run(runner, "--db", database, *args)) == _not_writable(database, reason)
    assert database.read_bytes() == before


@pytest.mark.sqlite_only
def test_a_database_in_a_read_only_folder_is_read_and_never_written(
    runner, fresh_path, tmp_path, seed_copy
):
    with read_only_mount(tmp_path / "ro", fresh_path) as folder:
        database = folder / fresh_path.name
        _check_reads_and_refusals(
            runner, database, f"the folder {folder} is not writable", seed_copy
        )
        backup = run(runner, "--db", database, "backup", tmp_path / "copy.sqlite")
        assert backup.exit_code == 0, backup.output
        assert sorted(p.name for p in folder.iterdir()) == [fresh_path.name]  # no -shm, no -wal
        new = folder / "new.sqlite"
        assert refused(run(runner, "--db", new, "init")) == (
            f"Error: cannot create {new} (the folder is not writable). Choose a file in a folder "
            "you can write to with --db\n"
        )
    assert dump(tmp_path / "copy.sqlite") == dump(fresh_path)


@pytest.mark.sqlite_only
def test_a_read_only_database_file_is_read_and_never_written(runner, fresh_path, seed_copy):
    with read_only_file(fresh_path) as database:
        _check_reads_and_refusals(runner, database, f"the file {database} is read-only", seed_copy)


# --- init into a file that holds other tables ---------------------------------------------------


def _foreign(path: Path, tables: int) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        for i in range(tables):
            connection.execute(f"CREATE TABLE patients_{i} (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO patients_0 (name) VALUES ('kept')")
        connection.commit()
    return path


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["init"], ["init", "--no-seed"], ["seed"]], ids=" ".join)
def test_init_refuses_a_file_with_other_tables_and_names_them(runner, tmp_path, command):
    path = _foreign(tmp_path / "clinic.sqlite", 7)
    before = dump(path)
    assert refused(run(runner, "--db", path, *command)) == (
        f"Error: {path} is not an exodb database: it holds 7 other table(s) (patients_0, "
        "patients_1, patients_2, patients_3, patients_4 and 2 more); nothing was written. "
        "Choose a new file with --db, or add exodb's tables beside them with "
        "`exodb init --into-existing`\n"
    )
    assert dump(path) == before


@pytest.mark.sqlite_only
def test_init_into_existing_adds_exodb_beside_other_tables(runner, tmp_path):
    path = _foreign(tmp_path / "clinic.sqlite", 1)
    result = run(runner, "--db", path, "init", "--into-existing")
    assert result.exit_code == 0, result.output
    with contextlib.closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT name FROM patients_0").fetchall() == [("kept",)]
        assert connection.execute("SELECT count(*) FROM study").fetchone()[0] > 0
    assert run(runner, "--db", path, "init").exit_code == 0  # an exodb database now


def test_init_help_documents_into_existing(runner):
    result = run(runner, "init", "--help")
    assert "--into-existing" in result.stdout
    words = " ".join(result.stdout.split())
    assert (
        "--into-existing Add exodb's tables to a database that already holds other tables "
        "(refused otherwise)."
    ) in words


# --- a failed seed leaves nothing new ------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_failed_seed_leaves_no_database_file(runner, tmp_path):
    database = tmp_path / "new" / "deeper" / "lab.sqlite"
    result = run(runner, "--db", database, "seed", tmp_path / "no-such-seeds")
    assert result.exit_code == 1
    assert result.stderr.endswith("exodb: 1 problem(s) found; nothing was written\n")
    assert list(database.parent.iterdir()) == []  # no file, no temporary


@pytest.mark.sqlite_only
def test_an_interrupted_seed_leaves_no_database_file(runner, tmp_path, monkeypatch):
    from exodb.workflows import load

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "load_folder", interrupted)
    database = tmp_path / "new" / "lab.sqlite"
    result = runner.invoke(main, ["--db", str(database), "seed"])
    assert result.exit_code == 130
    assert result.output.strip().splitlines()[-1] == "exodb: interrupted"
    assert list(database.parent.iterdir()) == []  # no file, no temporary


def test_a_url_that_cannot_be_read_is_named_without_its_password(runner):
    url = "postgresql+psycopg://exodb:secret@[::1:54341/review"
    result = runner.invoke(main, ["--db", url, "studies"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot read the database URL postgresql+psycopg://exodb:***@[::1:54341/review "
        "(invalid literal for int() with base 10: ':1:54341'); the form is "
        "dialect://user@host:port/database, with an IPv6 host in brackets: [::1]\n"
    )
