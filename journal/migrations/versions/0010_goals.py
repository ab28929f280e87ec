"""goals in the client's words, shared per therapist, suggested by a therapist; check-ins on a goal

Revision ID: 0010_goals
Revises: 0009_repairs
Create Date: 2026-12-03 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_goals"
down_revision = "0009_repairs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "goals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("text_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_at", sa.DateTime(), nullable=True),
        sa.Column("suggested_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["suggested_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_goals_client_created", "goals", ["client_id", "created_at", "id"])
    op.create_table(
        "goal_shares",
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("goal_id", "link_id"),
    )
    op.create_index("ix_goal_shares_link_id", "goal_shares", ["link_id"])
    op.create_table(
        "goal_suggestions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("text_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("goal_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_goal_suggestions_link_id", "goal_suggestions", ["link_id"])
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.add_column(sa.Column("goal_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            "fk_checkins_goal", "goals", ["goal_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.drop_constraint("fk_checkins_goal", type_="foreignkey")
        batch_op.drop_column("goal_id")
    op.drop_index("ix_goal_suggestions_link_id", table_name="goal_suggestions")
    op.drop_table("goal_suggestions")
    op.drop_index("ix_goal_shares_link_id", table_name="goal_shares")
    op.drop_table("goal_shares")
    op.drop_index("ix_goals_client_created", table_name="goals")
    op.drop_table("goals")
