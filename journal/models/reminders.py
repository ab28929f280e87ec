"""Reminders outside the app: the calendar feed's cancelled sessions, and Web Push."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

PUSH_KINDS = ("session_tomorrow", "new_from_therapist", "new_shared")
# Who may ask for which: a client hears of sessions and of answers and tasks, a therapist of
# what clients share before a session.
KINDS_FOR_ROLE = {
    "client": ("session_tomorrow", "new_from_therapist"),
    "therapist": ("new_shared",),
}


class CancelledSession(db.Model):
    """A session taken off the calendar, kept a while so subscribed calendars can show it
    cancelled (RFC 5545 STATUS:CANCELLED) instead of leaving it there."""

    __tablename__ = "cancelled_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the session's own id (UID)
    link_id: Mapped[str] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<CancelledSession {self.id}>"


class PushSubscription(db.Model):
    """One browser's Web Push subscription (RFC 8030), and which reminders it wants."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "endpoint", name="uq_push_user_endpoint"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text)
    p256dh: Mapped[str] = mapped_column(String(128))  # the browser's public key, base64url
    auth: Mapped[str] = mapped_column(String(64))  # its authentication secret, base64url
    kinds: Mapped[str] = mapped_column(String(200))  # space-separated, from PUSH_KINDS
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_list(self) -> list[str]:
        return self.kinds.split()

    def __repr__(self) -> str:
        return f"<PushSubscription {self.id} user={self.user_id}>"


class PushDelivery(db.Model):
    """That a person was told of one kind on one day of their own calendar: the daily cap, and
    what makes sending twice send nothing twice."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "day", name="uq_push_delivery_day"),
        Index("ix_push_deliveries_user_kind_sent", "user_id", "kind", "sent_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in the person's time zone
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PushDelivery {self.user_id} {self.kind} {self.day}>"
