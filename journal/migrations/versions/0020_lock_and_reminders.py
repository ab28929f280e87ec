"""the app lock, the private calendar feed, and Web Push reminders

Revision ID: 0020_lock_and_reminders
Revises: 0019_search_index
Create Date: 2026-12-04 08:20:00
"""

import sqlalchemy as sa
from alembic import op


revision = "0020_lock_and_reminders"
down_revision = "0019_search_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("lock_pin_hash", sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column("lock_after_minutes", sa.Integer(), server_default="5", nullable=False)
        )
        batch.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("calendar_names", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("calendar_reminder", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(sa.Column("quiet_from", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("quiet_to", sa.String(length=5), nullable=True))
        batch.create_unique_constraint("uq_users_calendar_token_hash", ["calendar_token_hash"])
    with op.batch_alter_table("device_sessions") as batch:
        batch.add_column(sa.Column("locked_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("lock_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("lock_wait_until", sa.DateTime(), nullable=True))
    op.create_table(
        "cancelled_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cancelled_sessions_link_id", "cancelled_sessions", ["link_id"])
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("p256dh", sa.String(length=128), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "endpoint", name="uq_push_user_endpoint"),
    )
    op.create_index("ix_push_subscriptions_user_id", "push_subscriptions", ["user_id"])
    op.create_table(
        "push_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "day", name="uq_push_delivery_day"),
    )
    op.create_index(
        "ix_push_deliveries_user_kind_sent", "push_deliveries", ["user_id", "kind", "sent_at"]
    )


def downgrade():
    op.drop_index("ix_push_deliveries_user_kind_sent", table_name="push_deliveries")
    op.drop_table("push_deliveries")
    op.drop_index("ix_push_subscriptions_user_id", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_index("ix_cancelled_sessions_link_id", table_name="cancelled_sessions")
    op.drop_table("cancelled_sessions")
    with op.batch_alter_table("device_sessions") as batch:
        batch.drop_column("lock_wait_until")
        batch.drop_column("lock_failures")
        batch.drop_column("locked_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_calendar_token_hash", type_="unique")
        batch.drop_column("quiet_to")
        batch.drop_column("quiet_from")
        batch.drop_column("calendar_reminder")
        batch.drop_column("calendar_names")
        batch.drop_column("calendar_token_hash")
        batch.drop_column("lock_after_minutes")
        batch.drop_column("lock_pin_hash")
