"""Serve an exodb SQLite file with Datasette, read-only, with exodb's generated metadata.

Read-only holds at three levels, each enough alone for writes:

- Datasette opens a file it may change with ``mode=ro`` (a file in a folder that cannot hold
  SQLite's -shm file as immutable, as exodb's own readers do), and defines no write queries;
- every connection to the served database gets the authorizer of `exodb sql`, which lets a
  statement read and nothing else (no ATTACH, no writing pragmas, no ``fts3_tokenizer()``, no
  ``load_extension()``), and a cap on the size of one value (``randomblob(1e9)`` is refused);
- the application answers only GET and HEAD; any other method is 405 before Datasette sees it.

The search box on ``study`` reads a search as `exodb search` does (miRNA families, prefixes,
names in any spelling), through a filter on revision 0012's study index, in place of
Datasette's word search.

Ad-hoc SQL can still ask for a large result (up to ``max_returned_rows`` rows of values up to
the cap, in as many columns as it names), which costs the server memory while it answers. On
127.0.0.1 that is the user's own machine and choice; on any other address ad-hoc SQL is off
unless asked for (``allow_sql``): tables, facets, search and the canned queries stay, and their
SQL is exodb's.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

from exodb.console.authorizer import authorize_read
from exodb.storage.config import needs_immutable

INSTALL_HINT = "pip install 'exodb[web]'"
# Datasette 1.0 moves canned queries, facets and sorting out of the metadata into a config
# file; the metadata exodb generates is that of the 0.x series.
SUPPORTED = "0.65"
# Generous for a reviewer's ad-hoc SQL, bounded so one query cannot hold a worker for long.
# No download of the file: what it holds is served as data, hidden tables included.
SETTINGS = {
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "allow_download": False,
}
# The largest text or blob one value may be (SQLite's SQLITE_LIMIT_LENGTH): far above any
# curated value (a few hundred characters).
MAX_VALUE_BYTES = 100_000
LOOPBACK = ("127.0.0.1", "localhost", "::1")
READ_ONLY_BODY = b"exodb serve is read-only: it answers GET and HEAD requests only\n"


def _datasette() -> Any:
    try:
        import datasette
        from datasette.app import Datasette
        from datasette.version import __version__
    except ImportError:
        raise ValueError(
            f"exodb serve needs Datasette, an optional extra: {INSTALL_HINT}"
        ) from None
    if not __version__.startswith("0."):
        raise ValueError(
            f"exodb serve writes the metadata of Datasette {SUPPORTED} and later 0.x releases, "
            f"and Datasette {__version__} is installed ({datasette.__file__}); {INSTALL_HINT} "
            "installs a version it supports"
        )
    return Datasette


# The names of the databases whose connections are guarded (those exodb serves).
_GUARDED: set[str] = set()


def _prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    # Datasette's own in-memory catalog (_internal) must stay writable for Datasette.
    if database in _GUARDED:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.set_authorizer(authorize_read)


# The study search (revision 0012's index), matched on exodb's search words as `exodb search`
# matches them: miRNA names by family, words as prefixes, names in any spelling.
STUDY_SEARCH = (
    "id IN (SELECT rowid FROM search_fts_study WHERE search_fts_study MATCH :exodb_search)"
)


def _filters_from_request(request: Any, database: str, table: str) -> Any:
    """Datasette's filter hook: ``?_search=`` on the served ``study`` table, in exodb's search
    language instead of Datasette's word search (which finds nothing for ``miR-21``)."""
    if database not in _GUARDED or table != "study":
        return None

    async def inner() -> Any:
        from datasette.filters import FilterArguments
        from datasette.utils.asgi import BadRequest

        from exodb.names.searchterms import fts5_query, query_tree

        query = request.args.get("_search", "")
        context: dict[str, Any] = {"supports_search": True}
        if not query.strip():
            return FilterArguments([], extra_context=context)
        try:
            match = "{terms} : " + fts5_query(query_tree(query))
        except ValueError as exc:
            raise BadRequest(f"cannot search for {query!r}: {exc}") from None
        context["search"] = query
        return FilterArguments(
            [STUDY_SEARCH], {"exodb_search": match}, [f'search matches "{query}"'], context
        )

    return inner


def exodb_search_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` without Datasette's own search configuration on ``study``, which exodb's
    search replaces when exodb serves the file (the written metadata keeps it, for Datasette
    run on its own)."""
    import copy

    served = copy.deepcopy(metadata)
    for database in served.get("databases", {}).values():
        study = database.get("tables", {}).get("study", {})
        study.pop("fts_table", None)
        study.pop("fts_pk", None)
    return served


def _register_guard(database: str) -> None:
    """Register the plugin that guards the served database's connections (once a process)."""
    import types

    from datasette import hookimpl
    from datasette.plugins import pm

    _GUARDED.add(database)
    if pm.get_plugin("exodb_read_only") is None:
        # Datasette's plugin manager takes plugins as modules.
        plugin = types.ModuleType("exodb_read_only")
        plugin.prepare_connection = hookimpl(_prepare_connection)  # type: ignore[attr-defined]
        # Last, so that its "supports_search" is the one the page sees.
        plugin.filters_from_request = hookimpl(trylast=True)(  # type: ignore[attr-defined]
            _filters_from_request
        )
        pm.register(plugin, name="exodb_read_only")
    # Datasette 0.65 prints uncaught errors with rich when rich is importable, but calls it
    # outside an except block: that raises, turning every 404 into a 500, and it prints each
    # request's local variables. Without rich it prints a plain traceback for real errors only.
    import datasette.handle_exception as default_handler

    default_handler.rich = None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only."""
    import ipaddress

    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def instance(path: Path, metadata: dict[str, Any], *, allow_sql: bool = True) -> Any:
    """The Datasette instance serving the SQLite file ``path`` with ``metadata``, guarded;
    ``allow_sql=False`` turns ad-hoc SQL (the SQL box, ``?sql=``, ``_where``) off."""
    datasette_class = _datasette()
    _register_guard(path.stem)
    immutable = needs_immutable(path)
    return datasette_class(
        files=[] if immutable else [str(path)],
        immutables=[str(path)] if immutable else [],
        metadata=exodb_search_metadata(metadata),
        settings={**SETTINGS, "default_allow_sql": allow_sql},
    )


def reads_only(app: Any) -> Any:
    """An ASGI application that passes GET and HEAD requests to ``app`` and answers any other
    method with 405."""

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"allow", b"GET, HEAD"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": READ_ONLY_BODY})
            return
        await app(scope, receive, send)

    return guarded


def application(path: Path, metadata: dict[str, Any], *, allow_sql: bool = True) -> Any:
    """The ASGI application serving ``path``: Datasette, guarded."""
    return reads_only(instance(path, metadata, allow_sql=allow_sql).app())


def check_port(host: str, port: int) -> None:
    """Raise a clear error when ``host:port`` cannot be listened on (in use, or no such
    address), before Datasette starts and logs a traceback-like line instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ValueError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another "
                "--port, or --host"
            ) from None


def prepare(
    path: Path, metadata: dict[str, Any], host: str, port: int, *, allow_sql: bool = True
) -> Any:
    """Datasette's application for ``path``, once it is known that it can be served on
    ``host:port``; raises ValueError (Datasette missing, port taken) before anything starts."""
    app = application(path, metadata, allow_sql=allow_sql)
    check_port(host, port)
    return app


def run(app: Any, host: str, port: int) -> None:
    """Serve ``app`` until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
