"""who ended a link, the therapist's name then, and whether the client was told

Revision ID: 0017_link_endings
Revises: 0016_email_confirmation
Create Date: 2026-12-04 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_link_endings"
down_revision = "0016_email_confirmation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("ended_by", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("ending_told_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("ended_name", sa.String(length=80), nullable=True))
    # Links that ended before: keep the name the client knew, before any account is closed.
    op.execute(
        "UPDATE links SET ended_name = "
        "(SELECT display_name FROM users WHERE users.id = links.therapist_id) "
        "WHERE status = 'ended'"
    )


def downgrade():
    with op.batch_alter_table("links") as batch:
        batch.drop_column("ended_name")
        batch.drop_column("ending_told_at")
        batch.drop_column("ended_by")
