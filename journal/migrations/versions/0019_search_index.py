"""each client's sealed search index, by month; indexes for reads by entry

Revision ID: 0019_search_index
Revises: 0018_invite_notes
Create Date: 2026-12-04 06:00:00

Accounts from before have no index (search_indexed_at is NULL): their searches open entries as
before until `flask rebuild-search-index` runs, or their next write builds it.
"""

import sqlalchemy as sa
from alembic import op


revision = "0019_search_index"
down_revision = "0018_invite_notes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_segments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "month", name="uq_search_segments_month"),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("search_indexed_at", sa.DateTime(), nullable=True))
    # Hot reads look these up by entry: without an index each one read the whole table.
    op.create_index("ix_answers_entry", "answers", ["entry_id"])
    op.create_index("ix_packet_items_entry", "packet_items", ["entry_id"])
    # The therapist's list: each link's newest share, unread shares and newest check-ins.
    op.create_index("ix_shares_link_shared", "shares", ["link_id", "shared_at"])
    op.create_index("ix_shares_link_read", "shares", ["link_id", "read_at"])
    op.create_index("ix_checkins_link_created", "checkins", ["link_id", "created_at", "id"])


def downgrade():
    op.drop_index("ix_checkins_link_created", table_name="checkins")
    op.drop_index("ix_shares_link_read", table_name="shares")
    op.drop_index("ix_shares_link_shared", table_name="shares")
    op.drop_index("ix_packet_items_entry", table_name="packet_items")
    op.drop_index("ix_answers_entry", table_name="answers")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("search_indexed_at")
    op.drop_table("search_segments")
