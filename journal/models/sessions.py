"""Therapy sessions (appointments) and the packet a client prepares for each."""

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow


class TherapySession(db.Model):
    """A session between a linked client and therapist; its packet is what to talk about."""

    __tablename__ = "therapy_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    link_id: Mapped[str] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Stored rather than computed, so "has it ended?" is a plain comparison in any database.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The client's short agenda note, sealed with the client's key.
    agenda_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The quiet invitation to check in after this session: shown once, until answered or closed.
    checkin_invite_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Not now" to the journal home's offer of a few lines about this session.
    bridge_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at) / timedelta(minutes=1))

    def __repr__(self) -> str:
        return f"<TherapySession {self.id}>"


class PacketItem(db.Model):
    """One thing in a session packet, in the order the client wants to talk about it."""

    __tablename__ = "packet_items"
    __table_args__ = (
        UniqueConstraint("session_id", "entry_id"),
        UniqueConstraint("session_id", "checkin_id", name="uq_packet_items_session_checkin"),
        Index("ix_packet_items_entry", "entry_id"),  # which packets hold an entry
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("therapy_sessions.id", ondelete="CASCADE"), index=True
    )
    # Exactly one of the two: an entry, or a check-in.
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    checkin_id: Mapped[str | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE", name="fk_packet_items_checkin")
    )
    position: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<PacketItem {self.id} #{self.position}>"
