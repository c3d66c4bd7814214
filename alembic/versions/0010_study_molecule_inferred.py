"""A study's molecule can be marked inferred: the review names it in the finding (as the head of
an axis, as "involved", as acting "with" a miRNA) without saying the exosomes carry it, so the
role is exodb's reading rather than the review's statement.

- study_molecule gains ``inferred`` (boolean, NOT NULL, default false); every existing row is
  kept and reads false.
- A database seeded from the bundled seeds gets the flags a new one has: the cargo rows that
  the bundled seeds of this revision mark inferred (``INFERRED_CARGO_0010``) are set where the
  database has them; other rows, including imported ones, are left false.

The way down drops the column. The flags of the bundled rows come back on the way up; any other
row marked inferred would lose its flag, so such a downgrade is refused first
(``exodb.schema.migrations``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = (
    "True where the review does not say the exosomes carry the molecule and the role is "
    "exodb's reading; the note says why."
)


def upgrade() -> None:
    _keep_views_while_copying(True)
    with op.batch_alter_table("study_molecule", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "inferred",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
                comment=COMMENT,
            )
        )
    _keep_views_while_copying(False)
    _mark_bundled_inferred_cargo()


def _keep_views_while_copying(start: bool) -> None:
    """SQLite: batch mode copies study_molecule into a new table and renames it back; the view
    study_cargo_pathway, which names the table, must not be checked or rewritten on the way (it
    names the same table again afterwards)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA legacy_alter_table = {'ON' if start else 'OFF'}")


def _mark_bundled_inferred_cargo() -> None:
    from exodb.schema.migrations import INFERRED_CARGO_0010

    study = sa.table("study", sa.column("id", sa.Integer), sa.column("key", sa.String))
    molecule = sa.table("molecule", sa.column("id", sa.Integer), sa.column("key", sa.String))
    link = sa.table(
        "study_molecule",
        sa.column("study_id", sa.Integer),
        sa.column("molecule_id", sa.Integer),
        sa.column("role", sa.String),
        sa.column("inferred", sa.Boolean),
    )
    for study_key, molecule_key in INFERRED_CARGO_0010:
        op.execute(
            link.update()
            .where(
                link.c.role == "cargo",
                link.c.study_id
                == sa.select(study.c.id).where(study.c.key == study_key).scalar_subquery(),
                link.c.molecule_id
                == sa.select(molecule.c.id).where(molecule.c.key == molecule_key).scalar_subquery(),
            )
            .values(inferred=True)
        )


def downgrade() -> None:
    _keep_views_while_copying(True)
    with op.batch_alter_table("study_molecule", schema=None) as batch_op:
        batch_op.drop_column("inferred")
    _keep_views_while_copying(False)
