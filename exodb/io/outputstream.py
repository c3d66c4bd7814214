"""Standard output that says when it fails.

A full disk behind ``exodb studies > file`` or a reader that stops early (``| head``) makes a
write to standard output fail; that is neither the database's fault nor a file of exodb's, so it
gets its own error (:class:`OutputError`) and its own line. Kept free of click, so that the
entry point's fast ``--help`` can use it too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from exodb.errors import OutputError


def silence(stream: Any) -> None:
    """Point ``stream``'s descriptor at /dev/null: what is still buffered in it would fail again
    when Python flushes it at exit, and print a traceback."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


class _Guarded:
    """``stream`` with every failed write or flush raised as :class:`OutputError`."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self.failed = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.failed = True
            raise OutputError(exc.errno, exc.strerror) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.failed = True
            raise OutputError(exc.errno, exc.strerror) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Standard output, for the length of the block, raises :class:`OutputError` on failure."""
    original = sys.stdout
    if original is None:
        yield
        return
    guarded = _Guarded(original)
    sys.stdout = guarded  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = original
        if guarded.failed:
            silence(original)


def report(exc: OSError) -> int:
    """Say that the output could not be written, in one line on stderr; the exit status.

    A closed pipe says nothing: the reader has stopped because it had what it wanted.
    """
    if exc.errno != errno.EPIPE:
        with contextlib.suppress(OSError):
            sys.stderr.write(f"Error: could not write the output: {exc.strerror}\n")
            sys.stderr.flush()
    return 1
