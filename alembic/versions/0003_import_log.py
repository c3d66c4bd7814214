"""Record each import of users' own records (what, from where, when).

exodb seed replaces the whole database with the bundled seeds; the log lets it refuse to drop
imported records without being told to.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_log",
        sa.Column(
            "id",
            sa.Integer(),
            nullable=False,
            comment="Surrogate key; stable only within one load, so join on it but cite natural keys.",
        ),
        sa.Column(
            "imported_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When the import was committed (UTC).",
        ),
        sa.Column("source", sa.Text(), nullable=False, comment="The file or folder imported."),
        sa.Column(
            "files",
            sa.Text(),
            nullable=False,
            comment="The seed files it contained, ';'-separated.",
        ),
        sa.Column("rows", sa.Integer(), nullable=False, comment="Rows it added."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
        comment="Imports of users' own records into this database.",
    )


def downgrade() -> None:
    # The log is what stops `exodb seed` from deleting imported records; dropping a log that
    # has entries would remove that protection silently, so the downgrade stops instead.
    imports = op.get_bind().execute(sa.text("SELECT count(*) FROM import_log")).scalar_one()
    if imports:
        raise RuntimeError(
            f"import_log records {imports} import(s); downgrading below 0003 would drop it and "
            "let `exodb seed` delete the imported records. Keep them with `exodb export csv "
            "DIR`, then empty the log (DELETE FROM import_log) to downgrade anyway."
        )
    op.drop_table("import_log")
