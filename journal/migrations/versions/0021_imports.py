"""imports: a client's imports from Day One, Markdown notes or another Alliance Journal

Revision ID: 0021_imports
Revises: 0020_lock_and_reminders
Create Date: 2026-12-05 09:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = "0021_imports"
down_revision = "0020_lock_and_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("checkins_created", sa.Integer(), nullable=False),
        sa.Column("checkins_skipped", sa.Integer(), nullable=False),
        sa.Column("report_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_imports_user_created", "imports", ["user_id", "created_at", "id"])
    op.create_table(
        "import_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("checkin_id", sa.String(length=36), nullable=True),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkins.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "source_key", "part", name="uq_import_records_key"),
    )
    op.create_index("ix_import_records_import", "import_records", ["import_id"])
    op.create_index("ix_import_records_entry_id", "import_records", ["entry_id"])
    op.create_index("ix_import_records_checkin_id", "import_records", ["checkin_id"])


def downgrade():
    op.drop_index("ix_import_records_checkin_id", table_name="import_records")
    op.drop_index("ix_import_records_entry_id", table_name="import_records")
    op.drop_index("ix_import_records_import", table_name="import_records")
    op.drop_table("import_records")
    op.drop_index("ix_imports_user_created", table_name="imports")
    op.drop_table("imports")
