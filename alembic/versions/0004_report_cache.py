"""Keep computed cross-tab reports until the data change.

At 100k studies the evidence matrix and the convergence report take seconds to compute; asking
again for the same report on the same data should not. Every load increases
data_version.generation and empties report_cache; a kept report is served only at the
generation it was computed from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    data_version = op.create_table(
        "data_version",
        sa.Column(
            "id",
            sa.Integer(),
            autoincrement=False,
            nullable=False,
            comment="Always 1: the table has one row.",
        ),
        sa.Column(
            "generation",
            sa.Integer(),
            nullable=False,
            comment="Increased by one in every load's transaction.",
        ),
        sa.CheckConstraint("generation >= 0", name=op.f("ck_data_version_not_negative")),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
        comment="How many times loads have changed the data (one row).",
    )
    op.bulk_insert(data_version, [{"id": 1, "generation": 0}])
    op.create_table(
        "report_cache",
        sa.Column(
            "digest",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of the report's name, options and exodb version.",
        ),
        sa.Column(
            "generation",
            sa.Integer(),
            nullable=False,
            comment="data_version.generation of the data it was computed from.",
        ),
        sa.Column(
            "report",
            sa.String(length=40),
            nullable=False,
            comment="Which report (evidence-matrix, convergence).",
        ),
        sa.Column(
            "options",
            sa.Text(),
            nullable=False,
            comment="The options it was computed with, as JSON.",
        ),
        sa.Column(
            "exodb_version",
            sa.String(length=40),
            nullable=False,
            comment="The exodb version that computed it.",
        ),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When it was computed (UTC).",
        ),
        sa.Column("payload", sa.Text(), nullable=False, comment="The report itself, as JSON."),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_report_cache")),
        comment="Computed reports, kept until the next load changes the data.",
    )


def downgrade() -> None:
    op.drop_table("report_cache")
    op.drop_table("data_version")
