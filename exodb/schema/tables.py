"""TEMPORARY SHIM: the Core tables by name, taken from the models until the Core definitions land.

Each module-level name is a table's SQL name (``tables.study``, ``tables.study_molecule``).
"""

from exodb.schema.models import Base

metadata = Base.metadata
globals().update(metadata.tables)
