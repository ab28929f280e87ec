"""recovery codes for two-step sign-in

Revision ID: 0015_recovery_codes
Revises: 0014_mail
Create Date: 2026-12-04 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_recovery_codes"
down_revision = "0014_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])


def downgrade():
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
