"""Covering indexes for the study filters on link tables.

A filter such as "species under monkey" or "mechanism ecm_regulation" reads the study ids of the
matching link rows. With an index on the filter column alone, each match costs a visit to the
table row for its study_id; with (filter column, study_id) the index answers alone. At 100k
studies this takes about a fifth off the species + mechanism query.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (old single-column index, new covering index columns)
CHANGES = {
    "study_molecule": ("molecule_id", ["molecule_id", "role", "study_id"]),
    "study_pathway": ("pathway_id", ["pathway_id", "study_id"]),
    "study_mechanism": ("mechanism_id", ["mechanism_id", "study_id"]),
    "study_model": ("species_id", ["species_id", "study_id"]),
}


def upgrade() -> None:
    for table, (old, columns) in CHANGES.items():
        op.drop_index(f"ix_{table}_{old}", table_name=table)
        op.create_index(f"ix_{table}_{'_'.join(columns)}", table, columns)


def downgrade() -> None:
    for table, (old, columns) in CHANGES.items():
        op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
        op.create_index(f"ix_{table}_{old}", table, [old])
