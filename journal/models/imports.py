"""Imports: what a client brought in from another journal, and which entries each one made."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

IMPORT_SOURCES = ("alliance", "dayone", "markdown")


class Import(db.Model):
    """One import and its report. The report is sealed with the client's key: the names of
    entries that could not come in can be their titles."""

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_user_created", "user_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    # Entries (each part of a split entry once) and check-ins, counted as each batch commits.
    created: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    checkins_created: Mapped[int] = mapped_column(Integer, default=0)
    checkins_skipped: Mapped[int] = mapped_column(Integer, default=0)
    report_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None while it runs, and for good if the server stopped it halfway (running it again
    # finishes the work in a new import).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Import {self.id} {self.source}>"


class ImportRecord(db.Model):
    """An entry (one part of it) or a check-in an import made, under a keyed digest of where it
    came from, so importing the same file again makes nothing twice."""

    __tablename__ = "import_records"
    __table_args__ = (
        UniqueConstraint("user_id", "source_key", "part", name="uq_import_records_key"),
        Index("ix_import_records_import", "import_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    import_id: Mapped[str] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    entry_id: Mapped[str | None] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    checkin_id: Mapped[str | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), index=True
    )
    # HMAC-SHA256 (hex) of the source and its id for the entry, under a key derived from the
    # client's own data key: the database can't tell what an entry holds from it.
    source_key: Mapped[str] = mapped_column(String(64))
    part: Mapped[int] = mapped_column(Integer, default=1)

    def __repr__(self) -> str:
        return f"<ImportRecord {self.import_id} part {self.part}>"
