"""The errors a user can cause, in one light module: the command line catches them without
importing the heavy modules that raise them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    path: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.column}: {self.message}"


class SeedError(Exception):
    """The input cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(head + more)


class InputFileError(SeedError):
    """A data file given to a command (a meta-analysis CSV, say) has impossible values; like a
    seed file's, each problem names the file, line and column."""


class SchemaError(RuntimeError):
    """The database is not at the schema this version of exodb expects."""


class ImportsPresent(RuntimeError):
    """Reloading the seeds would drop records that users imported."""


class UnknownName(LookupError):
    """A name the user typed matches nothing; ``suggestions`` holds the closest known names."""

    def __init__(self, kind: str, text: str, suggestions: list[str]):
        self.kind, self.text, self.suggestions = kind, text, suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {kind} '{text}'{hint}")


class ReadOnlyError(Exception):
    """The statement would change something; ``exodb sql`` only reads."""


class SqlError(Exception):
    """The database rejected the statement; the message is the database's own."""


class AlreadyImported(Exception):
    """Every record of an import is already in the database, from an earlier import of the same
    files: nothing was written, and nothing needed to be."""


class DatabaseBusy(RuntimeError):
    """Another process held the database's write lock for longer than exodb waits."""


class DamagedDatabase(RuntimeError):
    """The database file fails SQLite's own consistency check, or is not a database at all."""


class DiskFull(RuntimeError):
    """The database (or a file exodb writes) ran out of room; nothing was written."""


class NotWritable(RuntimeError):
    """A database, or the folder it lives in, cannot be written: exodb reads it, and refuses to
    change it, saying which folder or file is in the way."""


class ForeignDatabase(RuntimeError):
    """The database already holds tables that are not exodb's: exodb adds its own beside them
    only when asked to."""


class OutputError(OSError):
    """Standard output cannot be written (a full disk, a closed pipe): not a file of exodb's."""


class ConsoleLimit(Exception):
    """A statement of ``exodb sql`` ran into one of the console's bounds (its time limit, the
    size of one value); the message names the bound and how to raise or avoid it."""


class QueryTimeout(ConsoleLimit):
    """The statement ran longer than the console's time limit and was stopped by the database."""


class ValueTooLarge(ConsoleLimit):
    """A value of the result is larger than the console returns."""
