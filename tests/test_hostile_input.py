"""Hostile seed files: special files, files larger than they claim, numbers in other scripts,
keys that look alike but differ. Each is one ``file:line: column: problem`` line, a non-zero
exit, no traceback and an unchanged database. Tests without a database are marked sqlite_only,
so they run once."""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import pytest

from exodb.cli import main
from exodb.curation import seedspec as spec
from exodb.curation.seedread import parse_text, read_file, read_import

from .conftest import snapshot

STUDIES = "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,summary\n"
STUDY = "hostile_1,54,,3.1,in_vivo,true,,,,Exosomes improved recovery.\n"
EPIDEMIOLOGY = "key,measure,condition,value,unit,region,note,section,refs\n"
REFERENCES = "number,first_author,year,title,journal,doi,pmid,check_status,checked_at,note\n"
# The largest whole number every backend keeps in exodb's INTEGER columns (32 bits on PostgreSQL).
INT_MAX = 2**31 - 1


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def _refused(result, expected: str) -> None:
    """One refusal as the CLI gives it: the exact line, exit 1, no traceback, no exception."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.splitlines(), result.stderr
    assert result.stderr.splitlines()[-1].endswith("nothing was written")


def _import_refused(runner, url: str, folder: Path, expected: str) -> None:
    """Importing ``folder`` is refused with the ``expected`` line, and the database is unchanged."""
    before = snapshot(url)
    _refused(runner.invoke(main, ["--db", url, "import", str(folder)]), expected)
    assert snapshot(url) == before


def _run_cli(url: str, *args: str, limit_memory: bool = False) -> subprocess.CompletedProcess:
    """The CLI in its own process, so a regression that blocks or eats memory fails the test
    instead of hanging or sinking the suite."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    return subprocess.run(
        [sys.executable, "-m", "exodb.cli", "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=cap_memory if limit_memory else None,
    )


def _refused_in_process(process: subprocess.CompletedProcess, expected: str) -> None:
    assert "Traceback" not in process.stderr, process.stderr
    assert process.returncode == 1, process.stderr
    assert expected in process.stderr.splitlines(), process.stderr


# --- special files ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["import", "validate", "seed"])
def test_a_fifo_is_refused_at_once(fresh_url, tmp_path, seed_copy, command):
    folder = seed_copy if command == "seed" else tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    path = folder / "studies.csv"
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    before = snapshot(fresh_url)
    process = _run_cli(fresh_url, command, str(folder))
    _refused_in_process(process, f"{path}:0: -: not a regular file (a FIFO); give a CSV file")
    assert snapshot(fresh_url) == before


def test_a_fifo_named_on_the_command_line_is_refused(fresh_url, tmp_path):
    path = tmp_path / "studies.csv"
    os.mkfifo(path)
    before = snapshot(fresh_url)
    process = _run_cli(fresh_url, "import", str(path))
    _refused_in_process(process, f"{path}:0: -: not a regular file (a FIFO); give a CSV file")
    assert snapshot(fresh_url) == before


@pytest.mark.sqlite_only
def test_reading_a_fifo_never_blocks_even_without_the_folder_checks(tmp_path):
    # A FIFO put in place after a check and before the open must not block the open itself.
    path = tmp_path / "studies.csv"
    os.mkfifo(path)
    problems: list = []
    thread = threading.Thread(
        target=read_file, args=(spec.BY_NAME["studies"], path, problems), daemon=True
    )
    thread.start()
    thread.join(timeout=10)
    if thread.is_alive():  # unblock the reader so the thread can end
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=10)
        pytest.fail("reading a FIFO blocked")
    assert [str(p) for p in problems] == [
        f"{path}:0: -: not a regular file (a FIFO); give a CSV file"
    ]


@pytest.mark.parametrize("command", ["import", "validate"])
def test_a_symlink_to_dev_zero_is_refused(fresh_url, tmp_path, command):
    folder = _folder(tmp_path, {})
    path = folder / "studies.csv"
    path.symlink_to("/dev/zero")
    before = snapshot(fresh_url)
    process = _run_cli(fresh_url, command, str(folder), limit_memory=True)
    _refused_in_process(
        process, f"{path}:0: -: not a regular file (a character device); give a CSV file"
    )
    assert snapshot(fresh_url) == before


def test_a_symlink_to_a_regular_file_is_read(runner, fresh_url, tmp_path):
    real = tmp_path / "elsewhere.csv"
    real.write_text(STUDIES + STUDY, encoding="utf-8")
    folder = _folder(tmp_path, {})
    (folder / "studies.csv").symlink_to(real)
    result = runner.invoke(main, ["--db", fresh_url, "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("exodb: imported 1 records from ")


def test_a_dangling_symlink_is_not_silently_skipped(runner, fresh_url, tmp_path):
    folder = _folder(tmp_path, {"diseases.csv": "key,name\nhostile_disease,Hostile\n"})
    path = folder / "studies.csv"
    path.symlink_to(tmp_path / "gone.csv")
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{path}:0: -: cannot be read: No such file or directory; check that the file exists "
        "and that you may read it",
    )


def test_a_directory_named_like_a_seed_file(runner, fresh_url, tmp_path):
    folder = _folder(tmp_path, {})
    path = folder / "studies.csv"
    path.mkdir()
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{path}:0: -: not a regular file (a directory); give a CSV file",
    )


def test_an_unreadable_file_names_the_reason(runner, fresh_url, tmp_path, monkeypatch):
    # Tests may run as root, who reads any file; the refusal the kernel gives is simulated.
    folder = _folder(tmp_path, {"studies.csv": STUDIES + STUDY})
    path = folder / "studies.csv"
    real_open = os.open

    def refusing_open(name, flags, *args, **kwargs):
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{path}:0: -: cannot be read: Permission denied; check that the file exists and that "
        "you may read it",
    )


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_an_unreadable_file_for_real(tmp_path):
    path = tmp_path / "studies.csv"
    path.write_text(STUDIES + STUDY, encoding="utf-8")
    path.chmod(0)
    try:
        _, problems = read_import(path)
    finally:
        path.chmod(0o644)
    assert [str(p) for p in problems] == [
        f"{path}:0: -: cannot be read: Permission denied; check that the file exists and that "
        "you may read it"
    ]


# --- the byte limit, enforced while reading ---------------------------------------------------


def test_the_limit_holds_when_the_size_on_disk_lies(runner, fresh_url, tmp_path, monkeypatch):
    # Files in /proc and some network file systems report a size of 0 whatever they hold.
    row = "hostile_{},54,,3.1,in_vivo,true,,,,Exosomes improved recovery.\n"
    content = STUDIES + "".join(row.format(i) for i in range(60_000))
    folder = _folder(tmp_path, {"studies.csv": content})
    path = folder / "studies.csv"
    assert path.stat().st_size > 3_000_000
    inode = path.stat().st_ino
    real_stat, real_fstat = os.stat, os.fstat

    def zero_size(result: os.stat_result) -> os.stat_result:
        if result.st_ino != inode:
            return result
        return os.stat_result(tuple(result[:6]) + (0,) + tuple(result[7:10]))

    monkeypatch.setattr(os, "stat", lambda *a, **k: zero_size(real_stat(*a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: zero_size(real_fstat(fd)))
    before = snapshot(fresh_url)
    result = runner.invoke(main, ["--db", fresh_url, "import", "--max-file-size", "1", str(folder)])
    _refused(
        result,
        f"{path}:0: -: the file is over the 1 MB limit (raise it with --max-file-size, or "
        "split the file)",
    )
    assert snapshot(fresh_url) == before


@pytest.mark.sqlite_only
@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_proc_file_of_size_zero_is_held_to_the_limit(tmp_path):
    assert os.stat("/proc/self/status").st_size == 0
    folder = _folder(tmp_path, {})
    path = folder / "studies.csv"
    path.symlink_to("/proc/self/status")
    _, problems = read_import(folder, max_bytes=64)
    assert [str(p) for p in problems] == [
        f"{path}:0: -: the file is over the 64 byte limit (raise it with --max-file-size, or "
        "split the file)"
    ]


# --- streaming ------------------------------------------------------------------------------


def test_reading_streams_the_file(runner, fresh_url, tmp_path, monkeypatch):
    folder = _folder(tmp_path, {"studies.csv": STUDIES + STUDY})

    def whole_file(self, *args, **kwargs):
        raise AssertionError(f"{self} was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole_file)
    monkeypatch.setattr(Path, "read_text", whole_file)
    result = runner.invoke(main, ["--db", fresh_url, "import", str(folder)])
    assert result.exit_code == 0, result.output


MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from exodb.curation import seedspec as spec
from exodb.curation.seedread import read_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
problems = []
rows = read_file(spec.BY_NAME["studies"], Path(sys.argv[1]), problems)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(rows), len(problems), (after - before) // 1024)
"""


@pytest.mark.sqlite_only
def test_memory_does_not_grow_with_the_file(tmp_path):
    # 40 MB of records with every field empty: nothing to keep, so nothing should be kept.
    path = tmp_path / "studies.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(STUDIES)
        blank = "," * 99 + "\n"
        for _ in range(400):
            handle.write(blank * 1000)
    assert path.stat().st_size > 40_000_000
    process = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    rows, problems, grown_mb = (int(n) for n in process.stdout.split())
    assert (rows, problems) == (0, 0)
    assert grown_mb < 20, f"reading 40 MB grew the process by {grown_mb} MB"


@pytest.mark.sqlite_only
def test_a_bad_byte_far_into_the_file_names_its_line(tmp_path):
    # Far past the first read buffer, and after characters split across buffer boundaries.
    lines = [
        f"hostile_{i},54,,3.1,in_vivo,true,,,,caf\u00e9 \u03ba\u03b2 {i}\n" for i in range(30_000)
    ]
    content = (STUDIES + "".join(lines)).encode("utf-8")
    content += b"hostile_bad,54,,3.1,in_vivo,true,,,,caf\xff\n" + content.splitlines(True)[1]
    path = tmp_path / "studies.csv"
    path.write_bytes(content)
    problems: list = []
    assert read_file(spec.BY_NAME["studies"], path, problems) == []
    assert [str(p) for p in problems] == [
        f"{path}:30002: -: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]


@pytest.mark.sqlite_only
def test_streaming_and_parse_text_read_alike(tmp_path):
    # Quoted line breaks, CRLF and bare CR endings, and multi-byte characters on buffer edges.
    rows = [
        f'hostile_{i},{i % 194 + 1},"Au\u00dfer {i}",3.1,in_vivo,true,,,,"line one\r\nline '
        f'two \u00e9\u20ac\U0001f600 {i}"'
        for i in range(5000)
    ]
    text = STUDIES + "\r\n".join(rows[:2500]) + "\r" + "\n".join(rows[2500:]) + "\n"
    path = tmp_path / "studies.csv"
    path.write_bytes(text.encode("utf-8"))
    seed = spec.BY_NAME["studies"]
    streamed: list = []
    from_text: list = []
    read = read_file(seed, path, streamed)
    parsed = parse_text(seed, text, str(path), from_text)
    assert streamed == from_text == []
    assert len(read) == 5000
    assert [(r.line, r.data) for r in read] == [(r.line, r.data) for r in parsed]


# --- numbers ----------------------------------------------------------------------------------

NUMBERS = [
    # (file, content, expected after "file:")
    ("epidemiology.csv", "4_5", "2: value: '4_5' is not a number"),
    ("epidemiology.csv", "\u0664\u0665", "2: value: '\u0664\u0665' is not a number"),
    ("epidemiology.csv", "\uff14\uff15", "2: value: '\uff14\uff15' is not a number"),
    ("epidemiology.csv", "4.5.", "2: value: '4.5.' is not a number"),
    ("epidemiology.csv", "infinity", "2: value: 'infinity' is not a number"),
    ("epidemiology.csv", "1e400", "2: value: '1e400' is not a finite number"),
    ("references.csv", "2_020", "2: year: '2_020' is not a whole number"),
    (
        "references.csv",
        "\u0968\u0966\u0968\u0966",
        "2: year: '\u0968\u0966\u0968\u0966' is not a whole number",
    ),
    ("studies.csv", "5_4", "2: ref: '5_4' is not a whole number"),
    ("studies.csv", "\u0665\u0664", "2: ref: '\u0665\u0664' is not a whole number"),
    ("epidemiology-refs", "5_4", "2: refs: '5_4' is not a reference number"),
    ("epidemiology-refs", "54;\u0665\u0665", "2: refs: '\u0665\u0665' is not a reference number"),
]

BIG = "123456789012345678901234567890"
TOO_LARGE = "is too large (the largest whole number is 2147483647)"
RANGES = [
    ("references-number", BIG, f"2: number: '{BIG}' {TOO_LARGE}"),
    ("references-number", str(INT_MAX + 1), f"2: number: '{INT_MAX + 1}' {TOO_LARGE}"),
    (
        "references-number",
        str(-(2**31) - 1),
        "2: number: '-2147483649' is too small (the smallest whole number is -2147483648)",
    ),
    ("references.csv", BIG, f"2: year: '{BIG}' {TOO_LARGE}"),
    ("studies.csv", BIG, f"2: ref: '{BIG}' {TOO_LARGE}"),
    (
        "studies.csv",
        str(INT_MAX),
        f"2: ref: unknown reference '{INT_MAX}' (not a key of references.csv)",
    ),
    ("epidemiology-refs", f"54;{BIG}", f"2: refs: '{BIG}' {TOO_LARGE}"),
    ("studies.csv", str(2**63 - 1), f"2: ref: '{2**63 - 1}' {TOO_LARGE}"),
    ("studies.csv", "9" * 5000, f"2: ref: '{'9' * 24}...' {TOO_LARGE}"),
]


def _number_file(target: str, value: str) -> tuple[str, str]:
    if target == "epidemiology.csv":
        return target, EPIDEMIOLOGY + f"hostile_epi,incidence,SCI,{value},%,,,1,7\n"
    if target == "epidemiology-refs":
        return "epidemiology.csv", EPIDEMIOLOGY + f"hostile_epi,incidence,SCI,4,%,,,1,{value}\n"
    if target == "references.csv":
        return target, REFERENCES + f"195,Newman,{value},,,,,,,\n"
    if target == "references-number":
        return "references.csv", REFERENCES + f"{value},Newman,,,,,,,,\n"
    return "studies.csv", STUDIES + STUDY.replace(",54,", f",{value},")


@pytest.mark.parametrize(
    ("target", "value", "message"), NUMBERS + RANGES, ids=lambda v: v[:24] if len(v) > 60 else v
)
def test_only_ascii_numbers_that_fit_are_accepted(
    runner, fresh_url, tmp_path, target, value, message
):
    name, content = _number_file(target, value)
    folder = _folder(tmp_path, {name: content})
    _import_refused(runner, fresh_url, folder, f"{folder / name}:{message}")


def test_the_largest_whole_number_is_stored(runner, fresh_url, tmp_path):
    folder = _folder(tmp_path, {"references.csv": REFERENCES + f"{INT_MAX},Newman,,,,,,,,\n"})
    result = runner.invoke(main, ["--db", fresh_url, "import", str(folder)])
    assert result.exit_code == 0, result.output


# --- Unicode keys ---------------------------------------------------------------------------

CAFE_NFC = "caf\u00e9"
CAFE_NFD = "cafe\u0301"


def test_nfc_and_nfd_spellings_are_one_key(runner, fresh_url, tmp_path):
    content = f"key,name\n{CAFE_NFC},{CAFE_NFC} disease\n{CAFE_NFD},{CAFE_NFD} disease\n"
    folder = _folder(tmp_path, {"diseases.csv": content})
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{folder / 'diseases.csv'}:3: key: duplicate key (key={CAFE_NFC}); first defined on "
        "line 2",
    )


def test_text_is_stored_composed(runner, fresh_url, tmp_path):
    content = f"key,name\n{CAFE_NFD},{CAFE_NFD} disease\n"
    folder = _folder(tmp_path, {"diseases.csv": content})
    result = runner.invoke(main, ["--db", fresh_url, "import", str(folder)])
    assert result.exit_code == 0, result.output
    stored = runner.invoke(
        main,
        ["--db", fresh_url, "sql", "SELECT key, name FROM disease WHERE key LIKE 'caf%'"]
        + ["--format", "csv"],
    )
    assert stored.stdout == f"key,name\n{CAFE_NFC},{CAFE_NFC} disease\n"


@pytest.mark.sqlite_only
def test_every_text_value_is_composed():
    seed = spec.BY_NAME["epidemiology"]
    problems: list = []
    rows = parse_text(
        seed, EPIDEMIOLOGY + f"{CAFE_NFD},incidence,{CAFE_NFD},,,,n,1,7\n", "e.csv", problems
    )
    assert problems == []
    assert rows[0]["key"] == rows[0]["condition"] == CAFE_NFC


@pytest.mark.sqlite_only
def test_the_bundled_seeds_are_already_composed():
    from exodb.io.resources import seeds_dir

    for path in seeds_dir().glob("*.csv"):
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path.name


INVISIBLE = [
    ("\u200b", "an invisible character U+200B (ZERO WIDTH SPACE)"),
    ("\u200d", "an invisible character U+200D (ZERO WIDTH JOINER)"),
    ("\ufeff", "an invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("\u2028", "an invisible character U+2028 (LINE SEPARATOR)"),
    ("\x07", "an invisible character U+0007 (a control character)"),
    ("\t", "an invisible character U+0009 (CHARACTER TABULATION)"),
    ("\u202e", "a direction-changing character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2066", "a direction-changing character U+2066 (LEFT-TO-RIGHT ISOLATE)"),
]


@pytest.mark.parametrize(
    ("char", "named"), INVISIBLE, ids=[f"U+{ord(c):04X}" for c, _ in INVISIBLE]
)
def test_a_key_with_an_invisible_character_is_refused(runner, fresh_url, tmp_path, char, named):
    folder = _folder(tmp_path, {"diseases.csv": f'key,name\n"hostile{char}disease",Hostile\n'})
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{folder / 'diseases.csv'}:2: key: contains {named}; retype the key",
    )


@pytest.mark.parametrize(
    ("name", "content", "column"),
    [
        ("studies.csv", STUDIES + STUDY.replace(",3.1,", ",3.1\u200b,"), "section"),
        ("studies.csv", STUDIES + STUDY.replace(",54,", ",5\u200b4,"), "ref"),
        (
            "epidemiology.csv",
            EPIDEMIOLOGY + "hostile_epi,incidence,SCI,4,%,,,1,7;\u200b8\n",
            "refs",
        ),
        (
            "study_mechanisms.csv",
            "study,mechanism\nakhlaghpasand_146,neuro\u200bprotection\n",
            "mechanism",
        ),
    ],
    ids=["ref", "reference number", "reference list", "ref to a fixed key"],
)
def test_a_reference_with_an_invisible_character_is_refused(
    runner, fresh_url, tmp_path, name, content, column
):
    folder = _folder(tmp_path, {name: content})
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{folder / name}:2: {column}: contains an invisible character U+200B (ZERO WIDTH "
        "SPACE); retype the key",
    )


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
def test_free_text_refuses_direction_changing_characters(runner, fresh_url, tmp_path, char):
    summary = f"Exosomes improved {char}recovery."
    folder = _folder(
        tmp_path, {"studies.csv": STUDIES + STUDY.replace("Exosomes improved recovery.", summary)}
    )
    _import_refused(
        runner,
        fresh_url,
        folder,
        f"{folder / 'studies.csv'}:2: summary: contains a direction-changing character "
        f"U+{ord(char):04X} ({unicodedata.name(char)}), which can make text display "
        "differently from what it is; remove it",
    )


@pytest.mark.sqlite_only
def test_a_list_of_free_text_refuses_direction_changing_characters(tmp_path):
    seed = spec.BY_NAME["cell_sources"]
    content = "key,name,abbreviation,parent,category,aliases,note\n"
    content += "hostile,hostile cell,,,glial_cell,one;t\u202ewo,\n"
    problems: list = []
    assert parse_text(seed, content, "c.csv", problems)[0]["aliases"] == []
    assert [str(p) for p in problems] == [
        "c.csv:2: aliases: contains a direction-changing character U+202E (RIGHT-TO-LEFT "
        "OVERRIDE), which can make text display differently from what it is; remove it"
    ]


def test_free_text_may_hold_other_invisible_characters(runner, fresh_url, tmp_path):
    # Joiners and zero-width spaces are legitimate in running text (scripts, hyphenation).
    summary = "Exosomes improved re\u200bcovery\u200d."
    folder = _folder(
        tmp_path, {"studies.csv": STUDIES + STUDY.replace("Exosomes improved recovery.", summary)}
    )
    result = runner.invoke(main, ["--db", fresh_url, "import", str(folder)])
    assert result.exit_code == 0, result.output


# --- digits beyond ASCII in names ----------------------------------------------------------


@pytest.mark.parametrize("key", ["miR-123456789012345678901234567890", "miR-\u0662\u0661"])
def test_mirna_names_take_ascii_family_numbers_of_sensible_size(runner, fresh_url, tmp_path, key):
    folder = _folder(
        tmp_path, {"molecules.csv": f"key,kind,full_name,parent,aliases,note\n{key},mirna,,,,\n"}
    )
    result = runner.invoke(main, ["--db", fresh_url, "import", str(folder)])
    _refused(
        result,
        f"{folder / 'molecules.csv'}:2: key: '{key}' is not a miRNA name of the form "
        "miR-21a-3p (kind is mirna)",
    )


def test_keys_with_superscript_digits_sort_as_text_on_export(runner, fresh_url, tmp_path):
    folder = _folder(tmp_path, {"diseases.csv": "key,name\n\u00b2,squared disease\n"})
    assert runner.invoke(main, ["--db", fresh_url, "import", str(folder)]).exit_code == 0
    exported = runner.invoke(main, ["--db", fresh_url, "export", "csv", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert "\u00b2,squared disease" in (tmp_path / "out" / "diseases.csv").read_text("utf-8")


def test_a_value_accepted_in_one_column_is_checked_again_in_another(runner, fresh_url, tmp_path):
    # "3" is a section key; as a reference number it must be checked as one: 3 is a cited
    # reference (valid), 9999 is not (refused), whatever other columns accepted before.
    studies = STUDIES + STUDY.replace(",3.1,", ",3,").replace("hostile_1", "a_1")
    studies += STUDY.replace(",54,", ",3,").replace("hostile_1", "a_2")
    folder = _folder(tmp_path, {"studies.csv": studies})
    result = runner.invoke(main, ["--db", fresh_url, "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output == f"exodb: {folder}: 2 rows valid, nothing written\n"


def test_a_header_of_a_million_columns_is_answered_at_once(tmp_path):
    header = "key,kind,full_name,parent,aliases,note" + ",x" * 1_000_000
    folder = _folder(tmp_path, {"molecules.csv": header + "\nm,mirna,,miRNA,,\n"})
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    process = subprocess.run(
        [sys.executable, "-m", "exodb", "--db", url, "validate", "--as-seed", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against the quadratic check that hung here, not a timing
    )
    assert process.returncode == 1
    lines = process.stderr.splitlines()
    assert sum(": x: unknown column;" in line for line in lines) == 1
    assert f"{folder / 'molecules.csv'}:1: x: column appears twice in the header" in lines
