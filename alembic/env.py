"""Alembic environment for exodb.

Two ways in:
- from exodb (``exodb init``, ``exodb.schema.migrations.upgrade``): the caller puts an open
  connection in ``config.attributes["connection"]`` and this file migrates on it;
- from the ``alembic`` command: the URL comes from ``-x db=URL``, else ``$EXODB_URL``, else the
  default SQLite file, exactly as for the ``exodb`` command.
"""

from __future__ import annotations

from alembic import context

from exodb.schema.migrations import include_object_for
from exodb.schema.models import Base
from exodb.storage.connection import make_engine

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection, per_revision: bool = True) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
        include_object=include_object_for(connection.dialect.name),
        # Both backends roll DDL back with the transaction (exodb's SQLite connections leave
        # transactions to SQLAlchemy, so DDL runs inside them). Each revision and its stamp
        # commit together, so an interruption never leaves half a revision behind.
        transactional_ddl=True,
        transaction_per_migration=per_revision,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    from exodb.storage.config import resolve_url

    context.configure(
        url=resolve_url(context.get_x_argument(as_dictionary=True).get("db")),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection, config.attributes.get("per_revision", False))
        return
    engine = make_engine(context.get_x_argument(as_dictionary=True).get("db"))
    with engine.connect() as connection:
        _configure_and_run(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
