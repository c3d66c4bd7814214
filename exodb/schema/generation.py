"""The data generation: a counter that every load advances, in the load's own transaction.

Kept reports (:mod:`exodb.reports.cache`) are tied to the generation they were computed at, so a
load makes every kept report stale in the same commit that changes the data.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from exodb.schema.tables import metadata


def data_generation(connection: Connection) -> int:
    """data_version.generation: how many loads have changed this database's data."""
    table = metadata.tables["data_version"]
    return connection.execute(select(table.c.generation)).scalar() or 0


def advance_generation(connection: Connection, previous: int) -> None:
    # In the load's own transaction: a report kept from before it can no longer be served.
    version = metadata.tables["data_version"]
    connection.execute(version.delete())
    connection.execute(insert(version).values(id=1, generation=previous + 1))
    connection.execute(metadata.tables["report_cache"].delete())
