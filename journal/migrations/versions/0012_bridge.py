"""the after-session bridge: an entry tied to the session it reflects on, and its "not now"

Revision ID: 0012_bridge
Revises: 0011_tasks
Create Date: 2026-12-04 00:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_bridge"
down_revision = "0011_tasks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries") as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            "fk_entries_session", "therapy_sessions", ["session_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("therapy_sessions") as batch_op:
        batch_op.add_column(sa.Column("bridge_closed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("therapy_sessions") as batch_op:
        batch_op.drop_column("bridge_closed_at")
    # Without a session to belong to, a bridge is a reflection like any other.
    op.execute("UPDATE entries SET kind = 'reflection' WHERE kind = 'after_session'")
    with op.batch_alter_table("entries") as batch_op:
        batch_op.drop_constraint("fk_entries_session", type_="foreignkey")
        batch_op.drop_column("session_id")
