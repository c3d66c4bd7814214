"""Ctrl-C for every command that queries: the running statement stops at once, exit status 130.

Python runs its SIGINT handler only between bytecodes, so while sqlite3 steps a statement in C a
Ctrl-C waits for the statement to end (for a runaway query, forever). Every SQLite connection
therefore gets a progress handler: Python code that SQLite calls every few thousand virtual
machine instructions, which gives the SIGINT handler its chance to run and then asks SQLite to
stop. On PostgreSQL, psycopg cancels the statement on the server when a KeyboardInterrupt reaches
it while it waits for a result, so the server stops working too.
"""

from __future__ import annotations

import functools
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

# 128 + SIGINT: what a shell reports for a command that Ctrl-C stopped.
EXIT_INTERRUPTED = 130
# About a millisecond of SQLite work between two checks; the check itself costs far less.
PROGRESS_STEPS = 10_000

_requested = False


def requested() -> bool:
    """True once Ctrl-C was pressed inside :func:`exits_on_interrupt`."""
    return _requested


def sqlite_progress() -> int:
    """SQLite's progress handler: non-zero asks SQLite to stop the statement ("interrupted")."""
    return 1 if _requested else 0


def on_sqlite_connect(dbapi_connection: Any, *_: Any) -> None:
    """Let Ctrl-C stop a statement on this sqlite3 connection while SQLite runs it (a
    SQLAlchemy ``connect`` event listener)."""
    dbapi_connection.set_progress_handler(sqlite_progress, PROGRESS_STEPS)


def _on_sigint(_signum: int, _frame: Any) -> None:
    global _requested
    _requested = True
    # In Python code this stops the command where it is; inside SQLite's progress handler the
    # driver turns it into "interrupted"; psycopg cancels the server's statement on it.
    raise KeyboardInterrupt


def exits_on_interrupt(func: Callable) -> Callable:
    """Run ``func`` so that Ctrl-C ends it with "exodb: interrupted" and exit status 130.

    Whatever error the interrupted statement surfaces as (the driver's "interrupted", a
    cancelled query, a KeyboardInterrupt) becomes that one line, with no traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _requested
        if threading.current_thread() is not threading.main_thread():
            return func(*args, **kwargs)  # signal handlers belong to the main thread
        _requested = False
        previous = signal.signal(signal.SIGINT, _on_sigint)
        try:
            return func(*args, **kwargs)
        except BaseException as exc:
            if not (_requested or isinstance(exc, KeyboardInterrupt)):
                raise
            sys.stderr.write("exodb: interrupted\n")
            sys.stderr.flush()
            raise SystemExit(EXIT_INTERRUPTED) from None
        finally:
            signal.signal(signal.SIGINT, previous)
            _requested = False

    return wrapper
