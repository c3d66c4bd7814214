"""exodb: a curated, queryable evidence base of exosome therapies for spinal cord injury.

>>> import exodb
>>> from exodb import queries
>>> with exodb.connect() as session:                       # doctest: +SKIP
...     [s.key for s in queries.cell_sources(session, immunogenicity="low")]
['uc_msc', 'ad_msc', 'bmsc', 'schwann_cell', 'ipsc']

Heavy modules (SQLAlchemy, Alembic) are imported on first use, so that ``exodb --help`` and
``import exodb`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from exodb.version import __version__

__all__ = ["connect", "__version__"]


def connect(url: str | None = None) -> Session:
    """A SQLAlchemy session on an exodb database, ready for :mod:`exodb.queries`.

    ``url`` is a SQLAlchemy URL or a SQLite file path; without it, ``$EXODB_URL``, then the
    default SQLite file (built from the bundled seeds on first use). Use it as a context manager
    so the connection is released::

        with exodb.connect() as session:
            rows = queries.delivery_systems(session, indication="glioma")
    """
    from exodb.storage.connection import session_factory
    from exodb.workflows.database import open_database

    return session_factory(open_database(url))()
