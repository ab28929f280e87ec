"""tasks a therapist gives a client for between sessions

Revision ID: 0011_tasks
Revises: 0010_goals
Create Date: 2026-12-04 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_tasks"
down_revision = "0010_goals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("text_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("prompt_id", sa.String(length=40), nullable=True),
        sa.Column("goal_id", sa.String(length=36), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("due_session_id", sa.String(length=36), nullable=True),
        sa.Column("answer_entry_id", sa.String(length=36), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("declined_at", sa.DateTime(), nullable=True),
        sa.Column("reason_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name="fk_tasks_goal", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["due_session_id"],
            ["therapy_sessions.id"],
            name="fk_tasks_session",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answer_entry_id"], ["entries.id"], name="fk_tasks_answer", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tasks_link_created", "tasks", ["link_id", "created_at", "id"])


def downgrade():
    op.drop_index("ix_tasks_link_created", table_name="tasks")
    op.drop_table("tasks")
