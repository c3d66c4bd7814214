"""The ``exodb`` command line: parse options, call a library function, render the result.

No SQL is built here. Each command group has its module (:mod:`exodb.cli.listings`,
:mod:`exodb.cli.reports`, ...), loaded only when one of its commands runs, and heavy modules
(SQLAlchemy, Alembic, tabulate) are imported inside the commands, so that ``exodb --help``
starts as fast as click itself. The group is :data:`exodb.cli.app.main`; ``from exodb.cli
import main`` still works.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Importing the package (for its cached help text, say) must not import click.
    if name == "main":
        from exodb.cli.app import main

        return main
    raise AttributeError(f"module 'exodb.cli' has no attribute {name!r}")
