"""users.time_zone

Revision ID: 0004_time_zone
Revises: 0003_sharing
Create Date: 2026-11-22 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_time_zone'
down_revision = '0003_sharing'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts get "UTC": what every page showed until now.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
