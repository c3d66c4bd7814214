"""Each import keeps a digest of the files it read.

An import that was killed after its commit, but before it could say so, is retried by its user;
the retry finds every row already present. With the digest of the files in the log, exodb tells
that retry apart from a clash and answers with one line (already imported, when) instead of one
problem per row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = "SHA-256 over the names and bytes of the files imported, in seed order."


def upgrade() -> None:
    with op.batch_alter_table("import_log") as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(64), nullable=True, comment=COMMENT))
        batch_op.create_index(batch_op.f("ix_import_log_digest"), ["digest"])


def downgrade() -> None:
    with op.batch_alter_table("import_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_log_digest"))
        batch_op.drop_column("digest")
