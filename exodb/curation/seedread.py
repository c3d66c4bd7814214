"""Read seed CSV files into parsed rows: encoding, CSV syntax, columns, types and limits.

Reading is the first half of every load and of ``exodb validate``; it touches no database. Each
problem is reported as ``file:line: column: problem``, and reading goes on so that one run lists
every problem in a file.
"""

from __future__ import annotations

import codecs
import collections
import csv
import difflib
import io
import math
import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exodb.curation import seedspec as spec
from exodb.errors import Problem
from exodb.schema.tables import metadata

# ASCII digits only: int(), float() and \d also take "4_5" and digits of other scripts ("٤٥").
_INT = re.compile(r"^[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
# The database's integers are signed 64-bit; a larger number would reach the driver and fail.
# exodb's integer columns are INTEGER, which PostgreSQL keeps in 32 bits: a file that loads on
# one backend must load on the other, so both hold numbers to the same range.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class Row:
    """One parsed CSV record: its line and its values, in the spec's column order.

    A tuple per row (and one shared column index per file) keeps a million-row import small;
    ``row.values`` reads like the mapping it stands for (``row.values["key"]``).
    """

    __slots__ = ("line", "data", "index")

    def __init__(self, line: int, data: tuple, index: dict[str, int]):
        self.line, self.data, self.index = line, data, index

    @property
    def values(self) -> Row:
        return self

    def get(self, name: str, default: Any = None) -> Any:
        position = self.index.get(name)
        return default if position is None else self.data[position]

    def __getitem__(self, name: str) -> Any:
        return self.data[self.index[name]]

    def keys(self) -> list[str]:
        return list(self.index)


@dataclass
class SeedSet:
    """Parsed seed files, keyed by file name (``cell_sources``), before any database work."""

    folder: Path
    files: dict[str, list[Row]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)


# --- reading ---------------------------------------------------------------------------------


BOM = b"\xef\xbb\xbf"
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 16

_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class _TooLarge(Exception):
    """The file holds more than the byte limit; ``args[0]`` is its size when that is known."""


class _Limited(io.RawIOBase):
    """``raw``, cut off after ``limit`` + 1 bytes: the size a file reports may be wrong (0 for
    /proc files, for instance), so only the bytes actually read can enforce the limit."""

    def __init__(self, raw: io.FileIO, limit: int | None):
        self.raw = raw
        self.left = None if limit is None else limit + 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self.left is not None:
            view = view[: self.left]
        count = self.raw.readinto(view)
        if self.left is not None and count:
            self.left -= count
            if self.left == 0:
                raise _TooLarge()
        return count


def _file_kind(mode: int) -> str | None:
    """What a file that is not a regular one is (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _FILE_KINDS if test(mode)), "a special file")


def _not_regular(kind: str) -> str:
    return f"not a regular file ({kind}); give a CSV file"


def _unreadable(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"cannot be read: {reason}; check that the file exists and that you may read it"


def _too_large(size: int | None, max_bytes: int) -> str:
    if max_bytes >= 1_000_000:
        limit, known = f"{max_bytes / 1e6:.0f} MB", size and f"{size / 1e6:.1f} MB"
    else:  # a limit this small would round to 0 MB
        limit, known = f"{max_bytes} byte", size and f"{size} bytes"
    lead = f"the file is {known}, over" if known else "the file is over"
    return f"{lead} the {limit} limit (raise it with --max-file-size, or split the file)"


def _open_regular(path: Path, problems: list[Problem]) -> io.FileIO | None:
    """``path`` open for reading when it is a regular file (or a link to one); else a problem.

    The kind is taken from the open descriptor, not from a check beforehand, so nothing can be
    swapped in between; O_NONBLOCK keeps the open of a FIFO from waiting for a writer forever.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        try:  # some special files (sockets) refuse the open itself
            kind = _file_kind(os.stat(path).st_mode)
        except OSError:
            kind = None
        problems.append(
            Problem(str(path), 0, "-", _not_regular(kind) if kind else _unreadable(exc))
        )
        return None
    try:
        kind = _file_kind(os.fstat(fd).st_mode)
        if kind is None and nonblocking:
            os.set_blocking(fd, True)  # only the open needed it; reads must not see EAGAIN
    except OSError as exc:
        os.close(fd)
        problems.append(Problem(str(path), 0, "-", _unreadable(exc)))
        return None
    if kind is not None:
        os.close(fd)
        problems.append(Problem(str(path), 0, "-", _not_regular(kind)))
        return None
    return io.FileIO(fd, "r")


def _bad_utf8(where: str, raw: io.FileIO, max_bytes: int | None) -> Problem:
    """The problem for the first byte of ``raw`` that is not UTF-8, located by its line.

    The streaming decoder only knows its position within one buffer, so the file is scanned
    again from the start, as bytes, counting line breaks."""
    raw.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    left = None if max_bytes is None else max_bytes + 1
    newlines = 0
    while True:
        chunk = raw.read(_CHUNK if left is None else min(_CHUNK, left))
        if left is not None:
            left -= len(chunk)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # exc.object is what the decoder held back from the last chunk, then this one.
            line = newlines + exc.object[: exc.start].count(b"\n") + 1
            byte = exc.object[exc.start]
            return Problem(
                where, line, "-", f"not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8"
            )
        if not chunk:  # the file changed since the first reading
            return Problem(where, 0, "-", "not valid UTF-8; save the file as UTF-8")
        newlines += chunk.count(b"\n")


def read_file(
    seed: spec.SeedFile, path: Path, problems: list[Problem], *, max_bytes: int | None = None
) -> list[Row]:
    """Parse one CSV file against its spec; problems are appended, good rows returned.

    Only a regular file (or a link to one) is read, as a stream, and no more than ``max_bytes``
    of it: a problem with the file as a whole (too large, not UTF-8) is its only problem.
    """
    where = str(path)
    raw = _open_regular(Path(path), problems)
    if raw is None:
        return []
    first = len(problems)
    with raw:
        try:
            if max_bytes is not None:
                size = os.fstat(raw.fileno()).st_size
                if size > max_bytes:  # a size that says too much is believed, without reading
                    raise _TooLarge(size)
            if raw.read(len(BOM)) == BOM:
                problems.append(
                    Problem(
                        where,
                        1,
                        "-",
                        "the file starts with a byte-order mark (BOM), as 'CSV UTF-8' in "
                        "spreadsheet programs writes; save it as plain UTF-8 without a BOM",
                    )
                )
                return []
            raw.seek(0)
            stream = io.BufferedReader(_Limited(raw, max_bytes), _CHUNK)
            with io.TextIOWrapper(stream, encoding="utf-8", newline="") as text:
                return parse_lines(seed, text, where, problems)
        except _TooLarge as exc:
            del problems[first:]
            size = exc.args[0] if exc.args else None
            problems.append(Problem(where, 0, "-", _too_large(size, max_bytes or 0)))
        except UnicodeDecodeError:
            del problems[first:]
            problems.append(_bad_utf8(where, raw, max_bytes))
        except OSError as exc:
            del problems[first:]
            problems.append(Problem(where, 0, "-", _unreadable(exc)))
    return []


# --- values -----------------------------------------------------------------------------------

# Characters that change the direction of the text around them: in any text they can make a
# value display as something other than what it is.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that show as nothing (format and control characters, line and paragraph breaks):
# in a key they make two keys that look the same.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
# unicodedata has no names for control characters; the ones text editors leave behind get one.
_CONTROL_NAMES = {"\t": "CHARACTER TABULATION", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}
_NUL = "contains a NUL character"
# What XML 1.0 cannot hold at all: the C0 controls but tab, line feed and carriage return, and
# the noncharacters U+FFFE and U+FFFF. A value holding one would make the GraphML export (and
# any XML a user builds from the data) ill-formed, so no value may hold one.
_NOT_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The C1 controls and DEL: XML takes them, but no text is written with them; in a CSV file they
# are what is left of a file decoded in the wrong encoding (cp1252 read as Latin-1).
_C1_CONTROLS = re.compile("[\x7f-\x9f]")


def _describe(char: str) -> str:
    default = "a noncharacter" if char in "\ufffe\uffff" else "a control character"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, default)
    return f"U+{ord(char):04X} ({name})"


def _control_problem(value: str) -> str | None:
    """The first character of ``value`` that is not text, where it is, and why it must go."""
    found = _NOT_XML.search(value)
    if found:
        why = "which XML (and so the GraphML export) cannot hold"
    else:
        found = _C1_CONTROLS.search(value)
        if not found:
            return None
        why = "which is not text (often left by a file read in the wrong encoding)"
    return f"contains {_describe(found.group())} at character {found.start() + 1}, {why}; remove it"


def _key_problem(value: str) -> str | None:
    if "\x00" in value:
        return _NUL
    for char in value:
        if unicodedata.category(char) in _INVISIBLE:
            what = "a direction-changing" if _BIDI_CONTROLS.match(char) else "an invisible"
            return f"contains {what} character {_describe(char)}; retype the key"
    return _control_problem(value)


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return _NUL
    control = _control_problem(value)
    if control:
        return control
    found = _BIDI_CONTROLS.search(value)
    if found:
        return (
            f"contains a direction-changing character {_describe(found.group())}, which can "
            "make text display differently from what it is; remove it"
        )
    return None


def _value_problem(value: str) -> str | None:
    return _NUL if "\x00" in value else _control_problem(value)


def _is_key(seed: spec.SeedFile, col: spec.Column) -> bool:
    """Whether ``col`` holds keys: of its own file's rows, or of the rows it points at."""
    return (
        col.kind in (spec.REF, spec.REF_LIST) or col.name in seed.key or col.name == seed.key_column
    )


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:24] + "..."


def _whole(value: str, bad: Any, not_whole: str) -> int | None:
    """``value`` as an integer the database can hold, or None after a problem."""
    if not _INT.match(value):
        bad(f"'{value}' {not_whole}")
        return None
    # Length first: int() of thousands of digits is slow, and refused past 4300.
    if len(value.lstrip("+-").lstrip("0")) <= 10:
        number = int(value)
        if INT_MIN <= number <= INT_MAX:
            return number
    if value.startswith("-"):
        bad(f"'{_shown(value)}' is too small (the smallest whole number is {INT_MIN})")
    else:
        bad(f"'{_shown(value)}' is too large (the largest whole number is {INT_MAX})")
    return None


def _convert(col: spec.Column, value: str, where: tuple[str, int], problems: list[Problem]) -> Any:
    """A stripped, screened, non-empty value that the short path in _converter does not take."""
    path, line = where

    def bad(message: str) -> None:
        problems.append(Problem(path, line, col.name, message))

    if col.kind == spec.INT or (col.kind == spec.REF and col.target == "references"):
        number = _whole(value, bad, "is not a whole number")
        return None if number is None else _in_range(col, number, bad)
    if col.kind == spec.FLOAT:
        if not _DECIMAL.match(value):
            bad(f"'{value}' is not a number")
            return None
        number = float(value)
        if not math.isfinite(number):
            bad(f"'{value}' is not a finite number")
            return None
        return _in_range(col, number, bad)
    if col.kind == spec.BOOL:
        lowered = value.lower()
        if lowered not in ("true", "false"):
            bad(f"'{value}' is not a boolean; write true or false")
            return None
        return lowered == "true"
    if col.kind == spec.ENUM:
        if value not in col.values:
            close = difflib.get_close_matches(value, col.values, n=1, cutoff=0.75)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            bad(f"'{value}' is not one of: {', '.join(col.values)}{hint}")
            return None
        return value
    if col.kind == spec.CURIE:
        from exodb.names.identifiers import BadCurie, parse_curie

        try:
            prefix, local = parse_curie(value)
        except BadCurie as exc:
            bad(str(exc))
            return None
        if prefix.name not in col.values:
            bad(f"'{value}': this file takes identifiers of {', '.join(col.values)}")
            return None
        return f"{prefix.name}:{local}"
    if col.kind in (spec.TEXT_LIST, spec.REF_LIST):
        items = [item.strip() for item in value.split(";") if item.strip()]
        if col.kind == spec.REF_LIST and col.target == "references":
            numbers = []
            for item in items:
                number = _whole(item, bad, "is not a reference number")
                if number is None:
                    return []
                numbers.append(number)
            items = numbers
        seen: set[Any] = set()
        for item in items:
            if item in seen:
                bad(f"'{item}' is listed twice")
            seen.add(item)
        return items
    return value


def _in_range(col: spec.Column, number: float, bad: Any) -> float | None:
    if col.minimum is not None and number < col.minimum:
        bad(f"{number:g} is below the smallest sensible value, {col.minimum:g}")
        return None
    if col.maximum is not None and number > col.maximum:
        bad(f"{number:g} is above the largest sensible value, {col.maximum:g}")
        return None
    return number


def _converter(
    seed: spec.SeedFile,
    col: spec.Column,
    path: str,
    problems: list[Problem],
    limit: int | None,
):
    """A function raw-cell -> value for ``col``, appending any problem; the common cases (plain
    text, keys, enumeration values) take a short path, everything else goes to _convert."""
    required, name, default = col.required, col.name, col.default
    listed = col.kind in (spec.TEXT_LIST, spec.REF_LIST)
    simple = col.kind in (spec.TEXT, spec.ENUM) or (
        col.kind == spec.REF and col.target != "references"
    )
    allowed = frozenset(col.values) if col.kind == spec.ENUM else None
    # Repeated values of one column (enumeration values, keys it points at) share one string,
    # and a value met again skips the checks. The pool is the column's own: "3" accepted as a
    # section key is not thereby a reference number.
    shared = simple and col.kind in (spec.ENUM, spec.REF)
    pool: dict[str, str] = {}
    keyed = _is_key(seed, col)
    if keyed:
        screen = _key_problem
    elif col.kind in (spec.TEXT, spec.TEXT_LIST):
        screen = _text_problem
    else:
        screen = _value_problem
    normalize = unicodedata.normalize
    longest = limit if limit is not None else math.inf

    def convert(raw: str, line: int) -> Any:
        if shared:
            # A value already accepted, met again: stripped, composed and screened already.
            known = pool.get(raw)
            if known is not None and (allowed is None or known in allowed):
                return known
        value = raw.strip()
        # Whether screen() must look: all it refuses is unprintable (in ASCII text: NUL and the
        # other control characters; tab and line breaks are let through by screen() itself).
        if value.isascii():
            suspect = not value.isprintable()
        else:
            # One spelling per text: composed and decomposed "café" must be one key.
            value = normalize("NFC", value)
            suspect = not value.isprintable()
        if suspect:
            message = screen(value)
            if message is not None:
                problems.append(Problem(path, line, name, message))
                return [] if listed else None
        if simple and value and (allowed is None or value in allowed):
            if len(value) > longest:
                problems.append(Problem(path, line, name, f"longer than {limit} characters"))
                return None
            return pool.setdefault(value, value) if shared else value
        if not value:
            if required:
                problems.append(Problem(path, line, name, "required value is empty"))
            return [] if listed else default
        return _convert(col, value, (path, line), problems)

    return convert


def _length_limit(seed: spec.SeedFile, col: spec.Column) -> int | None:
    if col.kind not in (spec.TEXT, spec.ENUM):
        return None
    column = metadata.tables[seed.table].c[col.db or col.name]
    return getattr(column.type, "length", None)


def parse_text(
    seed: spec.SeedFile, text: str, where_path: str, problems: list[Problem]
) -> list[Row]:
    """Parse the content of one seed file held in a string (see :func:`read_file`)."""
    return parse_lines(seed, io.StringIO(text, newline=""), where_path, problems)


def parse_lines(
    seed: spec.SeedFile, lines: Iterable[str], where_path: str, problems: list[Problem]
) -> list[Row]:
    """Parse one seed file from its lines, as a file opened with ``newline=""`` gives them."""
    reader = csv.reader(lines, strict=True)
    rows: list[Row] = []
    try:
        header = next(reader, None)
        if header is None:
            problems.append(Problem(where_path, 1, "-", "the file is empty; it needs a header row"))
            return []
        header = [h.strip() for h in header]
        known = {c.name for c in seed.columns}
        expected = ", ".join(c.name for c in seed.columns)
        # Counted once (not header.count per column): a header of a million columns is checked
        # in linear time, and each unknown name is reported once.
        counts = collections.Counter(header)
        for name in counts:
            if name not in known:
                problems.append(
                    Problem(
                        where_path,
                        1,
                        name or "(empty)",
                        f"unknown column; {seed.filename} has: {expected}",
                    )
                )
        for name in sorted(name for name, count in counts.items() if count > 1):
            problems.append(Problem(where_path, 1, name, "column appears twice in the header"))
        for col in seed.columns:
            if col.required and col.name not in header:
                problems.append(Problem(where_path, 1, col.name, "required column is missing"))
        if any(p.path == where_path and p.line == 1 for p in problems):
            return []
        plan = [
            (
                header.index(col.name) if col.name in header else None,
                _converter(seed, col, where_path, problems, _length_limit(seed, col)),
            )
            for col in seed.columns
        ]
        index = {col.name: i for i, col in enumerate(seed.columns)}
        width = len(header)
        start = reader.line_num + 1
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(record):
                continue
            if len(record) != width:
                problems.append(
                    Problem(
                        where_path,
                        line,
                        "-",
                        f"expected {width} fields, found {len(record)} "
                        "(check for a stray comma or an unquoted value)",
                    )
                )
                continue
            data = tuple(
                [
                    convert(record[position] if position is not None else "", line)
                    for position, convert in plan
                ]
            )
            rows.append(Row(line, data, index))
    except csv.Error as exc:
        problems.append(
            Problem(where_path, reader.line_num, "-", f"malformed CSV: {exc} (unbalanced quotes?)")
        )
    return rows


def _present(path: Path) -> bool:
    # A link to nothing is there too: reading it says why it cannot be read.
    return os.path.lexists(path)


def read_seed_set(
    folder: Path, *, require_all: bool = True, max_bytes: int | None = None
) -> tuple[SeedSet, list[Problem]]:
    """Read every seed file in ``folder``; with ``require_all``, a missing file is a problem."""
    problems: list[Problem] = []
    seeds = SeedSet(Path(folder))
    if not seeds.folder.is_dir():
        problems.append(Problem(str(folder), 0, "-", "no such folder"))
        return seeds, problems
    known = {seed.filename for seed in spec.SEED_FILES}
    if not require_all:
        for path in sorted(seeds.folder.glob("*.csv")):
            if path.name not in known:
                problems.append(
                    Problem(str(path), 0, "-", "not a seed file name; see seeds/README.md")
                )
    for seed in spec.SEED_FILES:
        path = seeds.folder / seed.filename
        if not _present(path):
            if require_all:
                problems.append(Problem(str(path), 0, "-", "file is missing"))
            continue
        _read_into(seeds, seed, path, problems, max_bytes)
    return seeds, problems


def _read_into(
    seeds: SeedSet, seed: spec.SeedFile, path: Path, problems: list[Problem], max_bytes: int | None
) -> None:
    seeds.paths[seed.name] = str(path)
    seeds.files[seed.name] = read_file(seed, path, problems, max_bytes=max_bytes)


def read_import(path: Path, max_bytes: int | None = None) -> tuple[SeedSet, list[Problem]]:
    """Read the seed files an import brings: a folder of them, or one file named as a seed."""
    path = Path(path)
    if path.is_dir():
        seeds, problems = read_seed_set(path, require_all=False, max_bytes=max_bytes)
        if not seeds.files and not problems:
            problems.append(Problem(str(path), 0, "-", "no seed files in this folder"))
        return seeds, problems
    seeds = SeedSet(path.parent)
    problems: list[Problem] = []
    if not _present(path):
        problems.append(Problem(str(path), 0, "-", "no such file or folder"))
        return seeds, problems
    seed = spec.BY_NAME.get(path.stem) if path.suffix == ".csv" else None
    if seed is None:
        names = ", ".join(s.filename for s in spec.SEED_FILES)
        problems.append(
            Problem(str(path), 0, "-", f"not a seed file name; one file must be one of: {names}")
        )
        return seeds, problems
    _read_into(seeds, seed, path, problems, max_bytes)
    return seeds, problems
