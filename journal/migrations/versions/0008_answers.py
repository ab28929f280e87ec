"""a therapist's answers to what clients share, and their note inviting honest feedback

Revision ID: 0008_answers
Revises: 0007_device_keys
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_answers"
down_revision = "0007_device_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("checkin_id", sa.String(length=36), nullable=True),
        sa.Column("heard", sa.Boolean(), nullable=False),
        sa.Column("reply_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("discuss_next_session", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkins.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "checkin_id", name="uq_answers_link_checkin"),
        sa.UniqueConstraint("link_id", "entry_id", name="uq_answers_link_entry"),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_link_id"), ["link_id"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_note", sa.String(length=600), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("invitation_note")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_link_id"))
    op.drop_table("answers")
