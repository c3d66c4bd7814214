"""Allow 'not_stated' study designs and 'regulates' interactions; parse miRNA names.

The review often names a target without saying whether it is suppressed or raised, and often
does not say whether an experiment was in vitro or in animals; the enumerations gain explicit
values for that instead of forcing a guess. miRNA names are stored parsed so that family queries
are indexed WHERE clauses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_DESIGNS = ("in_vivo", "in_vitro", "clinical", "mixed")
NEW_DESIGNS = (*OLD_DESIGNS, "not_stated")
OLD_EFFECTS = ("inhibits", "activates")
NEW_EFFECTS = (*OLD_EFFECTS, "regulates")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def _change(table: str, column: str, old: tuple[str, ...], new: tuple[str, ...]) -> None:
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column, existing_type=_enum(old, column), type_=_enum(new, column))


def upgrade() -> None:
    _change("study", "design", OLD_DESIGNS, NEW_DESIGNS)
    _change("study_interaction", "effect", OLD_EFFECTS, NEW_EFFECTS)
    with op.batch_alter_table("molecule") as batch:
        batch.add_column(sa.Column("mirna_stem", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("mirna_family", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mirna_letter", sa.String(length=1), nullable=True))
        batch.add_column(sa.Column("mirna_paralog", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mirna_arm", sa.String(length=2), nullable=True))
        batch.create_index("ix_molecule_mirna_family", ["mirna_family"], unique=False)
    _fill_mirna_parts()


def _fill_mirna_parts() -> None:
    from exodb.mirna import parse

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, key FROM molecule WHERE kind = 'mirna'")).all()
    for molecule_id, key in rows:
        parts = parse(key)
        if parts is None:
            continue
        bind.execute(
            sa.text(
                "UPDATE molecule SET mirna_stem = :stem, mirna_family = :family, "
                "mirna_letter = :letter, mirna_paralog = :paralog, mirna_arm = :arm "
                "WHERE id = :id"
            ),
            {
                "stem": parts.stem,
                "family": parts.family,
                "letter": parts.letter,
                "paralog": parts.paralog,
                "arm": parts.arm,
                "id": molecule_id,
            },
        )


def downgrade() -> None:
    with op.batch_alter_table("molecule") as batch:
        batch.drop_index("ix_molecule_mirna_family")
        for column in ("mirna_arm", "mirna_paralog", "mirna_letter", "mirna_family", "mirna_stem"):
            batch.drop_column(column)
    # Rows that use the new values cannot be expressed in the old schema.
    op.execute("UPDATE study SET design = 'in_vivo' WHERE design = 'not_stated'")
    op.execute("DELETE FROM study_interaction WHERE effect = 'regulates'")
    _change("study_interaction", "effect", NEW_EFFECTS, OLD_EFFECTS)
    _change("study", "design", NEW_DESIGNS, OLD_DESIGNS)
