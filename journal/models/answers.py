"""A therapist's answer to something a client shared: heard, a short reply, a wish to talk."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow


class Answer(db.Model):
    """One answer per shared item and link: an entry, or a check-in (exactly one of the two).

    The reply is the client's journal text as much as the therapist's: it is sealed with the
    client's data key, so it goes when the client's account goes.
    """

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("link_id", "entry_id", name="uq_answers_link_entry"),
        UniqueConstraint("link_id", "checkin_id", name="uq_answers_link_checkin"),
        Index("ix_answers_entry", "entry_id"),  # an entry's answers, whatever the link
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    link_id: Mapped[str] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    checkin_id: Mapped[str | None] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    heard: Mapped[bool] = mapped_column(Boolean, default=True)
    reply_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    discuss_next_session: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the client last saw this answer (None: new to them).
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Answer {self.id}>"
