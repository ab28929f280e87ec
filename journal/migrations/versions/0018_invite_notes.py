"""a therapist's own note on an invite, of whom it is for

Revision ID: 0018_invite_notes
Revises: 0017_link_endings
Create Date: 2026-12-04 05:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_invite_notes"
down_revision = "0017_link_endings"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("note", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("note")
