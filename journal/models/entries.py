"""Journal entries: text sealed at rest, metadata in the clear."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

KINDS = ("reflection", "feedback", "question")  # the kinds a person picks in the editor
BRIDGE = "after_session"  # a reflection on one session, written in the 48 hours after it
ALL_KINDS = (*KINDS, BRIDGE)


class Entry(db.Model):
    """One journal entry. Title, body and tags are stored only as ciphertext."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_author_created", "author_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="reflection")
    title_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    body_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    tags_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Feedback written with the composer keeps its parts (topics, how hard, how to raise it).
    details_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    prompt_id: Mapped[str | None] = mapped_column(String(40))
    # The session an "after_session" entry reflects on.
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("therapy_sessions.id", ondelete="SET NULL", name="fk_entries_session")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A deleted entry keeps only its id (no text) so a replayed create cannot revive it.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Entry {self.id} v{self.version}>"
