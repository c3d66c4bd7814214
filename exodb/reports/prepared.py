"""The reports a load keeps ready: on a large database, the default cross-tabs are computed and
kept (:mod:`exodb.reports.cache`) right after every load, so even their first request is fast.

Apart from the kept copies themselves, because it runs the report builders, which keep their
results through the cache: the cache knows nothing of the reports it holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from exodb.schema import tables as t

# The reports a load prepares: the cross-tabs as `exodb report evidence-matrix` and `exodb report
# convergence` show them without options. At 100k studies they take a second or two to compute;
# prepared by the load, even the first request is served from the kept copy. Below
# PREPARE_FROM_STUDIES studies they compute in under half a second on request, and preparing
# them would only add to every small import.
PREPARED = ("evidence_matrix", "convergence")
PREPARE_FROM_STUDIES = 20_000


def prepare(engine: Any) -> bool:
    """Compute and keep the :data:`PREPARED` reports for the data as they are now, if the
    database holds at least :data:`PREPARE_FROM_STUDIES` studies (a load calls this after it
    has committed). Reports already kept for this generation are not recomputed. Returns
    whether the reports were prepared."""
    from sqlalchemy import func

    import exodb.reports as reports  # looked up there, as the command line looks them up
    from exodb.storage.connection import session_factory

    with session_factory(engine)() as session:
        if session.scalar(select(func.count(t.study.c.id))) < PREPARE_FROM_STUDIES:
            return False
        for name in PREPARED:
            getattr(reports, name)(session)
    return True
