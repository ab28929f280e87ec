"""check-ins outlive their link (a therapist's deleted account no longer takes them along)

Revision ID: 0006_checkins_outlive_links
Revises: 0005_feedback_checkins
Create Date: 2026-11-22 03:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_checkins_outlive_links"
down_revision = "0005_feedback_checkins"
branch_labels = None
depends_on = None

# 0005 left the foreign key unnamed (PostgreSQL calls it checkins_link_id_fkey); SQLite's batch
# mode names an unnamed one by this convention, so it can be dropped.
CONVENTION = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _link_fk() -> str:
    """The name the database gives the check-ins' foreign key to links."""
    for fk in sa.inspect(op.get_bind()).get_foreign_keys("checkins"):
        if fk["referred_table"] == "links":
            return fk["name"] or "fk_checkins_link_id_links"
    raise LookupError("checkins has no foreign key to links")


def upgrade():
    with op.batch_alter_table("checkins", naming_convention=CONVENTION) as batch_op:
        batch_op.drop_constraint(_link_fk(), type_="foreignkey")
        batch_op.alter_column("link_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.create_foreign_key(
            "fk_checkins_link", "links", ["link_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    # A check-in whose link is gone has nowhere to point: going back drops it, as 0005 would have.
    op.execute("DELETE FROM checkins WHERE link_id IS NULL")
    with op.batch_alter_table("checkins") as batch_op:
        batch_op.drop_constraint("fk_checkins_link", type_="foreignkey")
        batch_op.alter_column("link_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_foreign_key(
            "checkins_link_id_fkey", "links", ["link_id"], ["id"], ondelete="CASCADE"
        )
