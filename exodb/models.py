"""Deprecated alias of :mod:`exodb.schema.models`, kept for one release (0.2 removes it).

The ORM classes moved with the rest of the schema; import them from ``exodb.schema.models``.
"""

import warnings

from exodb.schema.models import *  # noqa: F403

warnings.warn(
    "exodb.models is now exodb.schema.models; the old name goes in exodb 0.2",
    DeprecationWarning,
    stacklevel=2,
)
