"""Every file exodb writes is whole or absent, never the database, and SQLite paths mean what
they say: faults that used to destroy or misplace a user's evidence, each reproduced."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from exodb.cli import main
from exodb.io import safefile
from exodb.io.resources import seeds_dir
from exodb.storage.config import sqlite_path, sqlite_url

from .conftest import dump

pytestmark = pytest.mark.sqlite_only


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def evidence(path: Path) -> list[str]:
    """The database's content, less the report copies that a report may keep as it runs."""
    return [line for line in dump(path).splitlines() if "report_cache" not in line]


def run(runner, db, *args):
    result = runner.invoke(main, ["--db", str(db), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


@pytest.fixture
def lab(fresh_path, tmp_path) -> Path:
    """A seeded database under a plain name in a folder of its own."""
    folder = tmp_path / "lab"
    folder.mkdir()
    target = folder / "lab.sqlite"
    fresh_path.rename(target)
    return target


# --- 1. -o never overwrites the database ------------------------------------------------------

OUTPUT_COMMANDS = [
    ["sql", "SELECT 1 AS x", "--format", "csv"],
    ["cell-sources", "--format", "csv"],
    ["report", "summary", "--format", "markdown"],
    ["export", "references"],
    ["show", "46", "--format", "json"],
]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("how", ["same path", "symlink", "hard link", "relative"])
def test_output_onto_the_database_is_refused(runner, lab, command, how, monkeypatch):
    before = evidence(lab)
    if how == "same path":
        target = lab
    elif how == "symlink":
        target = lab.parent / "results.csv"
        target.symlink_to(lab)
    elif how == "hard link":
        target = lab.parent / "results.csv"
        os.link(lab, target)
    else:
        monkeypatch.chdir(lab.parent)
        target = Path("lab.sqlite")
    result = run(runner, lab, *command, "-o", str(target))
    assert result.exit_code == 1
    assert f"refusing to write to {target}: it is the database file" in result.output
    assert evidence(lab) == before


@pytest.mark.parametrize("companion", ["-wal", "-shm", "-journal"])
def test_output_onto_a_companion_file_is_refused(runner, lab, companion):
    target = Path(f"{lab}{companion}")
    result = run(runner, lab, "sql", "SELECT 1 AS x", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1
    assert f"refusing to write to {target}: it is the database's {companion} file" in (
        result.output
    )


def test_figure_onto_the_database_is_refused(runner, tmp_path, fresh_path):
    pytest.importorskip("matplotlib")
    database = tmp_path / "evidence.png"  # a database whose name looks like a figure
    fresh_path.rename(database)
    before = evidence(database)
    result = run(runner, database, "report", "evidence-matrix", "--figure", str(database))
    assert result.exit_code == 1
    assert "it is the database file" in result.output
    assert evidence(database) == before


def test_backup_onto_the_database_is_refused(runner, lab):
    checksum = digest(lab)
    link = lab.parent / "copy.sqlite"
    link.symlink_to(lab)
    for target in (lab, link):
        result = run(runner, lab, "backup", str(target), "--force")
        assert result.exit_code == 1
        assert "it is the database file" in result.output
    assert digest(lab) == checksum


def test_output_replaces_a_file_whole_and_keeps_its_mode(runner, lab, tmp_path):
    target = tmp_path / "sources.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    result = run(runner, lab, "cell-sources", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("key,name,abbreviation")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab", "sources.csv"]


def test_output_to_dev_null_writes_through_the_device(runner, lab):
    result = run(runner, lab, "cell-sources", "--format", "csv", "-o", "/dev/null")
    assert result.exit_code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(runner, lab, tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("the earlier report\n", encoding="utf-8")

    def full_disk(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safefile.os, "fsync", full_disk)
    result = run(runner, lab, "report", "summary", "-o", str(target))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert target.read_text(encoding="utf-8") == "the earlier report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab", "out.md"]


def test_a_write_into_a_missing_folder_is_one_clear_line(runner, lab, tmp_path):
    target = tmp_path / "nowhere" / "out.csv"
    result = run(runner, lab, "cell-sources", "-o", str(target))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot write {target}: the folder {target.parent} does not exist\n"
    )
    assert not target.parent.exists()


def test_backup_into_a_missing_folder_is_one_clear_line(runner, lab, tmp_path):
    result = run(runner, lab, "backup", str(tmp_path / "nowhere" / "b.sqlite"))
    assert result.exit_code == 1
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in result.output


def test_backup_refuses_an_existing_file_and_replaces_it_whole_with_force(runner, lab, tmp_path):
    target = tmp_path / "b.sqlite"
    target.write_bytes(b"an older backup")
    result = run(runner, lab, "backup", str(target))
    assert result.exit_code == 1 and "exists" in result.output
    assert target.read_bytes() == b"an older backup"
    assert run(runner, lab, "backup", str(target), "--force").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.sqlite", "lab"]
    assert evidence(target) == evidence(lab)


# --- 2. paths with URL syntax in them ---------------------------------------------------------

AWKWARD_FOLDERS = ["team#1", "100%41", "why?", "two words", "Zürich-éè", "a#b?c%41 d"]


READING_COMMANDS = [
    ["studies", "--cargo", "miR-21"],
    ["show", "46"],
    ["mechanisms"],
    ["delivery-systems"],
    ["trials"],
    ["molecules", "--kind", "mirna"],
    ["pathways", "--node", "NF-kB"],
    ["notes"],
    ["components"],
    ["epidemiology"],
    ["schema", "--table", "study"],
    ["report", "summary"],
    ["report", "evidence-matrix"],
    ["report", "convergence"],
    ["report", "gaps"],
    ["report", "outcomes"],
    ["report", "cell-sources"],
    ["export", "references"],
    ["export", "network", "--format", "json"],
    ["reindex"],
    ["seed"],
]


@pytest.mark.parametrize("name", AWKWARD_FOLDERS)
def test_awkward_paths_open_exactly_that_file(runner, tmp_path, user_files, name):
    folder = tmp_path / name
    folder.mkdir()
    database = folder / "lab.sqlite"
    assert run(runner, database, "init").exit_code == 0  # a new file, built whole
    assert database.exists()
    low = run(runner, database, "cell-sources", "--immunogenicity", "low", "--format", "csv")
    assert [line.split(",")[0] for line in low.stdout.splitlines()[1:]] == [
        "uc_msc",
        "ad_msc",
        "bmsc",
        "schwann_cell",
        "ipsc",
    ]
    # The console is still read-only: a lost ?mode=ro would let this through.
    refused = run(runner, database, "sql", "CREATE TABLE t (x)")
    assert refused.exit_code == 1 and "read-only" in refused.output
    count = run(runner, database, "sql", "SELECT count(*) AS n FROM study", "--format", "csv")
    assert count.stdout == "n\n57\n"
    for command in READING_COMMANDS:
        result = run(runner, database, *command)
        assert result.exit_code == 0, (command, result.output)
        assert result.stdout.strip(), command
    checked = run(runner, database, "validate", str(user_files))
    assert checked.exit_code == 0 and "11 rows valid" in checked.output
    imported = run(runner, database, "import", str(user_files))
    assert imported.exit_code == 0, imported.output
    hits = run(runner, database, "search", "quokka", "--format", "csv")
    assert "newman_195" in hits.stdout
    backup = folder / "backup #2 %41.sqlite"
    assert run(runner, database, "backup", str(backup)).exit_code == 0
    assert evidence(backup) == evidence(database)
    exported = folder / "export %41#"
    assert run(runner, database, "export", "csv", str(exported)).exit_code == 0
    assert "newman_195" in (exported / "studies.csv").read_text(encoding="utf-8")
    # Nothing was created anywhere else: no truncated "team" file, no decoded "100A" folder.
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert sorted(p.name for p in folder.iterdir() if "sqlite-" not in p.name) == [
        "backup #2 %41.sqlite",
        "export %41#",
        "lab.sqlite",
    ]


def test_sqlite_urls_round_trip_every_character(tmp_path):
    for name in AWKWARD_FOLDERS:
        path = (tmp_path / name / "x.sqlite").resolve()
        assert sqlite_path(sqlite_url(path)) == path


def test_an_empty_db_option_is_refused(runner):
    result = runner.invoke(main, ["--db", "", "cell-sources"])
    assert result.exit_code == 2
    assert "Invalid value for '--db': is empty; give a database URL or a SQLite file path" in (
        result.output
    )


@pytest.fixture
def user_files(tmp_path) -> Path:
    from .test_import import USER_FILES

    folder = tmp_path.parent / f"{tmp_path.name}-mine"
    folder.mkdir()
    for name, content in USER_FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


# --- 10. export csv never overwrites what is not its own ----------------------------------------


def test_export_refuses_a_folder_of_other_files(runner, lab, tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "studies.csv").write_text("my own notes\n", encoding="utf-8")
    (folder / "chapter1.docx").write_bytes(b"draft")
    result = run(runner, lab, "export", "csv", str(folder))
    assert result.exit_code == 1
    assert f"refusing to export into {folder}: it is not empty and not an earlier exodb export" in (
        result.output
    )
    assert (folder / "studies.csv").read_text(encoding="utf-8") == "my own notes\n"
    assert sorted(p.name for p in folder.iterdir()) == ["chapter1.docx", "studies.csv"]
    forced = run(runner, lab, "export", "csv", str(folder), "--force")
    assert forced.exit_code == 0
    assert (folder / "chapter1.docx").read_bytes() == b"draft"
    assert (folder / "studies.csv").read_text(encoding="utf-8").startswith("key,ref,")


def test_export_replaces_an_earlier_export(runner, lab, tmp_path):
    folder = tmp_path / "out"
    assert run(runner, lab, "export", "csv", str(folder)).exit_code == 0
    manifest = (folder / "exodb-export.json").read_text(encoding="utf-8")
    assert '"studies.csv"' in manifest
    again = run(runner, lab, "export", "csv", str(folder))
    assert again.exit_code == 0, again.output
    # An earlier export with a foreign file in it is no longer just an export.
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run(runner, lab, "export", "csv", str(folder))
    assert refused.exit_code == 1 and "notes.txt" in refused.output


def test_export_refuses_the_bundled_seeds_even_with_force(runner, lab):
    before = {p.name: digest(p) for p in seeds_dir().iterdir() if p.is_file()}
    for extra in ([], ["--force"]):
        result = run(runner, lab, "export", "csv", str(seeds_dir()), *extra)
        assert result.exit_code == 1
        assert "it is the bundled seeds folder" in result.output
    assert {p.name: digest(p) for p in seeds_dir().iterdir() if p.is_file()} == before


@pytest.mark.parametrize("where", ["file child", "dev null", "proc", "unwritable"])
def test_export_into_impossible_places_is_one_clear_line(runner, lab, tmp_path, where):
    if where == "file child":
        plain = tmp_path / "plain.txt"
        plain.write_text("x", encoding="utf-8")
        target, expected = plain / "out", f"{plain} is a file, not a folder"
    elif where == "dev null":
        target, expected = Path("/dev/null"), "is not a folder"
    elif where == "proc":
        target, expected = Path("/proc/exodb-export"), "/proc/exodb-export"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target, expected = locked / "out", "Permission denied"
        if os.geteuid() == 0:  # root writes through permissions: a read-only file system, then
            import subprocess

            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(locked)],
                capture_output=True,
                timeout=30,
            )
            if mounted.returncode:
                pytest.skip("root may write into any folder, and no read-only mount is possible")
            expected = "Read-only file system"
            try:
                result = run(runner, lab, "export", "csv", str(target))
            finally:
                subprocess.run(["umount", str(locked)], capture_output=True, timeout=30)
            assert result.exit_code == 1
            assert result.output == (
                f"Error: cannot write {target}: the folder {locked} is not writable ({expected})\n"
            )
            return
    result = run(runner, lab, "export", "csv", str(target))
    assert result.exit_code != 0
    assert expected in result.output


def test_safefile_leaves_nothing_behind_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("kept", encoding="utf-8")
    with pytest.raises(RuntimeError), safefile.atomic_output(target) as handle:
        handle.write(b"half")
        raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_backup_of_a_source_with_a_hash_in_its_path_copies_the_data(tmp_path, fresh_path):
    folder = tmp_path / "data" / "team#1"
    folder.mkdir(parents=True)
    database = folder / "lab.sqlite"
    fresh_path.rename(database)
    from exodb.workflows.database import backup

    target = tmp_path / "b.sqlite"
    backup(str(database), target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM study").fetchone()[0] == 57
    assert not (tmp_path / "data" / "team").exists()


def test_an_export_that_fails_half_way_leaves_the_earlier_export_whole(
    runner, lab, tmp_path, monkeypatch
):
    folder = tmp_path / "out"
    assert run(runner, lab, "export", "csv", str(folder)).exit_code == 0
    earlier = {p.name: p.read_bytes() for p in folder.iterdir()}
    from exodb.curation import seedexport

    original, written = seedexport.canonical_rows, []

    def fail_on_the_tenth(seed, rows):
        written.append(seed.filename)
        if len(written) == 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(seed, rows).replace("\n", "\r\n", 1)  # every file would change

    monkeypatch.setattr(seedexport, "canonical_rows", fail_on_the_tenth)
    result = run(runner, lab, "export", "csv", str(folder))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab", "out"]  # no staging folder left


def test_the_next_write_removes_what_killed_writes_left_behind(runner, tmp_path):
    new = tmp_path / "lab.sqlite"
    stale = [tmp_path / ".lab.sqlite.abcd1234.tmp", tmp_path / ".lab.sqlite.abcd1234.tmp-wal"]
    recent = tmp_path / ".lab.sqlite.efgh5678.tmp"  # perhaps another build, still running
    unrelated = tmp_path / ".lab.sqlite.notes.tmp"
    for path in [*stale, recent, unrelated]:
        path.write_bytes(b"left over")
    old = time.time() - safefile.STALE_SECONDS - 60
    for path in [*stale, unrelated]:
        os.utime(path, (old, old))
    assert run(runner, new, "init").exit_code == 0
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("lab.sqlite-"))
    assert left == [".lab.sqlite.efgh5678.tmp", ".lab.sqlite.notes.tmp", "lab.sqlite"]


def test_a_full_disk_on_output_names_the_file(runner, lab, tmp_path, monkeypatch):
    target = tmp_path / "out.md"

    def full_disk(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safefile.os, "fsync", full_disk)
    result = run(runner, lab, "report", "summary", "-o", str(target))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: the disk is full ({target}: No space left on device); nothing was written. "
        "Free some space and run the command again\n"
    )


# --- found by trying to break the guarantees ----------------------------------------------------


def file_uri(path: Path) -> str:
    return f"sqlite:///file:{path}?uri=true"


def test_a_file_uri_database_is_protected_and_backed_up(runner, lab, tmp_path):
    before = evidence(lab)
    result = run(runner, file_uri(lab), "trials", "--format", "csv", "-o", str(lab))
    assert result.exit_code == 1
    assert "it is the database file" in result.output
    assert evidence(lab) == before
    target = tmp_path / "b.sqlite"
    assert run(runner, file_uri(lab), "backup", str(target)).exit_code == 0
    assert evidence(target) == before


def test_dash_is_standard_output_and_an_empty_name_is_refused(runner, lab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, lab, "trials", "--format", "csv", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("registry_id,phase,")
    assert not (tmp_path / "-").exists()
    empty = run(runner, lab, "trials", "-o", "")
    assert empty.exit_code == 2 and "-o is empty" in empty.output


def test_dev_stdout_writes_to_the_pipe_or_appends_to_the_redirected_file(lab, tmp_path):
    import subprocess
    import sys

    exodb = [sys.executable, "-m", "exodb", "--db", str(lab), "trials", "--format", "csv"]
    piped = subprocess.run(
        [*exodb, "-o", "/dev/stdout"], capture_output=True, text=True, timeout=60
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith("registry_id,phase,")
    log = tmp_path / "log.txt"
    log.write_text("an earlier line\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as handle:
        subprocess.run([*exodb, "-o", "/dev/stdout"], stdout=handle, timeout=60, check=True)
    content = log.read_text(encoding="utf-8")
    assert content.startswith("an earlier line\nregistry_id,phase,")


def test_backup_never_replaces_a_fifo_or_a_device(runner, lab, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run(runner, lab, "backup", "--force", str(fifo))
    assert result.exit_code == 1
    assert f"cannot write to {fifo}: it is not a regular file" in result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_backup_keeps_the_databases_permissions(runner, lab, tmp_path):
    lab.chmod(0o600)
    target = tmp_path / "b.sqlite"
    assert run(runner, lab, "backup", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_export_folder_keeps_its_permissions(runner, lab, tmp_path):
    folder = tmp_path / "shared"
    assert run(runner, lab, "export", "csv", str(folder)).exit_code == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~_umask()
    folder.chmod(0o750)
    assert run(runner, lab, "export", "csv", str(folder)).exit_code == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_an_export_never_swaps_away_the_database_inside_the_folder(runner, lab, tmp_path):
    folder = tmp_path / "exp"
    assert run(runner, lab, "export", "csv", str(folder)).exit_code == 0
    inside = folder / "studies.csv"  # a database under a seed file's name, inside the export
    shutil.copy(lab, inside)
    with sqlite3.connect(inside) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    before = evidence(inside)
    result = run(runner, inside, "export", "csv", str(folder))
    assert result.exit_code == 1
    assert f"refusing to export into {folder}: the database studies.csv is in that folder" in (
        result.output
    )
    assert evidence(inside) == before


def test_the_seeds_folder_is_refused_under_another_name(runner, lab, tmp_path):
    link = tmp_path / "myseeds"
    link.symlink_to(seeds_dir())
    result = run(runner, lab, "export", "csv", str(link), "--force")
    assert result.exit_code == 1 and "it is the bundled seeds folder" in result.output
    import subprocess

    bound = tmp_path / "bound"
    bound.mkdir()
    if subprocess.run(
        ["mount", "--bind", str(seeds_dir()), str(bound)], capture_output=True, timeout=30
    ).returncode:
        pytest.skip("no bind mount here")
    try:
        result = run(runner, lab, "export", "csv", str(bound), "--force")
    finally:
        subprocess.run(["umount", str(bound)], capture_output=True, timeout=30)
    assert result.exit_code == 1 and "it is the bundled seeds folder" in result.output


def test_an_export_onto_a_mount_point_is_written_in_place(runner, lab, tmp_path):
    import subprocess

    mount = tmp_path / "stick"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        timeout=30,
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = run(runner, lab, "export", "csv", str(mount))
        names = sorted(p.name for p in mount.iterdir())
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, timeout=30)
    assert result.exit_code == 0, result.output
    assert "studies.csv" in names and "exodb-export.json" in names


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("garbage://x", "'garbage' is not one of them"),
        ("mysql://u@127.0.0.1/x", "'mysql' is not one of them"),
        ("sqlite:////tmp/x.sqlite?mode=ro", "take effect only in the URI form"),
    ],
)
def test_urls_exodb_cannot_honour_are_one_clear_line(runner, lab, url, message):
    if "mode=ro" in url:
        url = f"sqlite:///{lab}?mode=ro"
    result = run(runner, url, "trials")
    assert result.exit_code == 1
    assert message in result.output
