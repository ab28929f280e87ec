"""the repair ledger: what came of a client's feedback or question

Revision ID: 0009_repairs
Revises: 0008_answers
Create Date: 2026-12-03 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_repairs"
down_revision = "0008_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "repairs",
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=True),
        sa.Column("note_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("status_at", sa.DateTime(), nullable=True),
        sa.Column("told_status", sa.String(length=10), nullable=True),
        sa.Column("told_note_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("told_at", sa.DateTime(), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id"),
    )


def downgrade():
    op.drop_table("repairs")
