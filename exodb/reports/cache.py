"""Cross-tab reports kept until the data change.

At 100k studies the evidence matrix takes most of a second to compute and the convergence report
about two; a writer who asks for the same report again, on the same data, gets the kept copy
instead. Every load into a large database also keeps the two reports with their default options
(:func:`prepare`), so the first request after a load is served from a copy too.

A kept report carries the data generation it was computed from (``data_version``, increased by
every load in the load's own transaction) and is served only while the database is still at that
generation. Keeping is best effort: on a read-only file, or while another process is writing, the
report is computed and returned as usual and simply not kept.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import inspect
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb.queries.filters import given_filters
from exodb.reports.report import Count, Report
from exodb.schema import tables as t
from exodb.version import __version__

# How long a cache write may wait for another writer before giving up (it is only a cache).
WRITE_WAIT_MS = 100


def encode(report: Report) -> str:
    """A report as JSON that :func:`decode` turns back into an equal report."""

    def default(value: Any) -> Any:
        if isinstance(value, Count):
            return {"$count": [value.count, list(value.refs)]}
        raise TypeError(f"cannot keep a {type(value).__name__} in a report")

    fields = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    return json.dumps(fields, default=default, ensure_ascii=False)


def decode(payload: str) -> Report:
    def hook(value: dict[str, Any]) -> Any:
        if len(value) == 1 and "$count" in value:
            count, refs = value["$count"]
            return Count(count, tuple(refs))
        return value

    return Report(**json.loads(payload, object_hook=hook))


def digest(report: str, options: str) -> str:
    text = json.dumps([report, options, __version__])
    return hashlib.sha256(text.encode()).hexdigest()


def _current_generation(session: Session) -> int | None:
    return session.scalar(select(t.data_version.c.generation))


def _keep(session: Session, row: dict[str, Any]) -> None:
    """Write ``row`` on a connection of its own, so the caller's transaction is not touched."""
    from sqlalchemy import delete, insert
    from sqlalchemy.exc import DBAPIError

    from exodb.storage.connection import busy_timeout

    engine = session.get_bind()
    sqlite = engine.dialect.name == "sqlite"
    table = t.report_cache
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
            connection.commit()
        try:
            if not sqlite:
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_WAIT_MS}ms'")
            connection.execute(delete(table).where(table.c.digest == row["digest"]))
            connection.execute(insert(table).values(**row))
            connection.commit()
        except DBAPIError:
            # A read-only file, or a writer holds the lock: serve the report, keep nothing.
            connection.rollback()
        finally:
            if sqlite:  # the pool hands this connection out again, with its usual patience
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout() * 1000)}")
                connection.commit()


def kept(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a report function ``f(session, **options)`` so that its result is kept.

    The wrapped function takes one more keyword, ``cache``: False computes afresh and keeps
    nothing. Options are normalised with the function's defaults, so ``f(s)`` and
    ``f(s, rows="cell-source")`` share one kept copy.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(session: Session, *, cache: bool = True, **options: Any) -> Any:
            if not cache:
                return function(session, **options)
            bound = signature.bind(session, **options)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            del arguments[next(iter(signature.parameters))]
            # **filters arrive as one dict; only the filters actually given change the answer.
            for parameter in signature.parameters.values():
                if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                    given = arguments.pop(parameter.name, {})
                    arguments.update(given_filters(given))
            text = json.dumps(arguments, sort_keys=True, default=str)
            key = digest(name, text)
            generation = _current_generation(session)
            if generation is None:  # a database emptied by hand: nothing to key a copy on
                return function(session, **options)
            kept_copy = t.report_cache.c
            payload = session.scalar(
                select(kept_copy.payload).where(
                    kept_copy.digest == key, kept_copy.generation == generation
                )
            )
            if payload is not None:
                return decode(payload)
            report = function(session, **options)
            _keep(
                session,
                {
                    "digest": key,
                    "generation": generation,
                    "report": name,
                    "options": text,
                    "exodb_version": __version__,
                    "computed_at": datetime.datetime.now(datetime.UTC),
                    "payload": encode(report),
                },
            )
            return report

        return wrapper

    return decorate
