"""The per-client search index: sealed segments, one per month of entries."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow


class SearchSegment(db.Model):
    """The searchable words of one client's entries from one month, sealed with their key.

    The database sees only which months hold entries (as `entries.created_at` already shows)
    and a ciphertext; never which words an entry holds.
    """

    __tablename__ = "search_segments"
    __table_args__ = (UniqueConstraint("owner_id", "month", name="uq_search_segments_month"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # "2026-12", of the entries' created_at (UTC)
    # Bumped by every write, so a worker's cached copy is known stale on its next use.
    version: Mapped[int] = mapped_column(Integer, default=1)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SearchSegment {self.owner_id} {self.month} v{self.version}>"
