"""The command line's start-up: Python's cycle collector held back while the modules load.

Importing SQLAlchemy, click and exodb's own modules allocates hundreds of thousands of objects
and frees almost none, yet the collector looks for cycles among them every 700 allocations: a
query command spent tens of milliseconds there before it had read a row. So the executable
collects rarely until the command has its database open (:meth:`exodb.cli.common.Context.session`),
or, for ``init``, ``seed`` and ``validate``, which load or read files without a session first,
until the command starts. Then the objects of start-up are frozen, never to be examined again
(the few cycles start-up leaves stay, rather than pay a full collection), and the collector runs
as usual, so that a long import or export keeps its memory in check. Building the default
database on first use happens before that, with the collector rare but not off.
"""

from __future__ import annotations

import gc

# A collection every 100,000 allocations instead of 700; the older generations as usual.
_RARELY = (100_000, 10, 10)
_usual: tuple[int, int, int] | None = None


def begin() -> None:
    global _usual
    if _usual is None:
        _usual = gc.get_threshold()
        gc.set_threshold(*_RARELY)


def finish() -> None:
    """Start-up is over: freeze what it made, and collect as usual from here on."""
    global _usual
    if _usual is not None:
        gc.freeze()
        gc.set_threshold(*_usual)
        _usual = None
