"""The effect joins the (pathway, study) index of study_pathway.

The convergence report counts, for each pathway and effect, the studies reporting it. With the
effect in the index those lists come straight off the index in order; without it, every one of
the 200k link rows at 100k studies is visited and then sorted. Lookups by pathway alone still use
the index (pathway_id stays its first column) and still need nothing else.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("ix_study_pathway_pathway_id_study_id", ["pathway_id", "study_id"])
NEW = ("ix_study_pathway_pathway_id_effect_study_id", ["pathway_id", "effect", "study_id"])


def upgrade() -> None:
    op.drop_index(OLD[0], table_name="study_pathway")
    op.create_index(NEW[0], "study_pathway", NEW[1])


def downgrade() -> None:
    op.drop_index(NEW[0], table_name="study_pathway")
    op.create_index(OLD[0], "study_pathway", OLD[1])
