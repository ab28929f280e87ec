"""confirmed addresses, and the address a mailed link confirms

Revision ID: 0016_email_confirmation
Revises: 0015_recovery_codes
Create Date: 2026-12-04 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_email_confirmation"
down_revision = "0015_recovery_codes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("account_tokens") as batch:
        batch.add_column(sa.Column("address", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("account_tokens") as batch:
        batch.drop_column("address")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_at")
