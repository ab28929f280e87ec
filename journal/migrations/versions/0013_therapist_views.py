"""the therapist's own view of each session, on the check-in's four scales

Revision ID: 0013_therapist_views
Revises: 0012_bridge
Create Date: 2026-12-04 00:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013_therapist_views"
down_revision = "0012_bridge"
branch_labels = None
depends_on = None

SCALES = ("bond", "goals", "approach", "overall")


def upgrade():
    op.create_table(
        "therapist_views",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        *(sa.Column(scale, sa.Integer(), nullable=False) for scale in SCALES),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        *(
            sa.CheckConstraint(f"{s} BETWEEN 0 AND 10", name=f"ck_therapist_views_{s}")
            for s in SCALES
        ),
        sa.ForeignKeyConstraint(["session_id"], ["therapy_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id"),
    )


def downgrade():
    op.drop_table("therapist_views")
