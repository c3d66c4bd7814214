"""Serve an exodb SQLite file with Datasette, read-only, with exodb's generated metadata.

Datasette opens a file it may change with ``mode=ro`` and offers no writes of its own (no write
canned queries are defined, and Datasette 0.x has no write API), so the evidence cannot be
changed through the web UI. A file in a folder that cannot hold SQLite's -shm file is opened
as immutable, as exodb's own readers do.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from exodb.storage.config import needs_immutable

INSTALL_HINT = "pip install 'exodb[web]'"
# Datasette 1.0 moves canned queries, facets and sorting out of the metadata into a config
# file; the metadata exodb generates is that of the 0.x series.
SUPPORTED = "0.65"
# Generous for a reviewer's ad-hoc SQL, bounded so one query cannot hold a worker for long.
SETTINGS = {
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "max_returned_rows": 5000,
}


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


def application(path: Path, metadata: dict[str, Any]) -> Any:
    """The Datasette ASGI application for the SQLite file ``path``."""
    datasette_class = _datasette()
    immutable = needs_immutable(path)
    instance = datasette_class(
        files=[] if immutable else [str(path)],
        immutables=[str(path)] if immutable else [],
        metadata=metadata,
        settings=SETTINGS,
    )
    return instance.app()


def prepare(path: Path, metadata: dict[str, Any], host: str, port: int) -> Any:
    """Datasette's application for ``path``, once it is known that it can be served on
    ``host:port``; raises ValueError (Datasette missing, port taken) before anything starts."""
    app = application(path, metadata)
    check_port(host, port)
    return app


def run(app: Any, host: str, port: int) -> None:
    """Serve ``app`` until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
