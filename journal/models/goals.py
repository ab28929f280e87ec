"""Goals in the client's own words, who may see each, and goals a therapist suggested."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

GOAL_STATUSES = ("active", "reached", "set_aside")
SUGGESTION_STATUSES = ("waiting", "accepted", "declined")
MAX_ACTIVE_GOALS = 10
NOT_LINKED = "Choose therapists you are linked with."  # a goal is shared over a live link only


class Goal(db.Model):
    """One thing a client wants from therapy. The text is sealed with the client's key."""

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_client_created", "client_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # When it was reached or set aside (kept when it becomes active again, until it changes).
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The therapist whose suggestion it began as, if any.
    suggested_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Goal {self.id} {self.status}>"


class GoalShare(db.Model):
    """A goal the client lets one linked therapist see (over that link, while it lasts)."""

    __tablename__ = "goal_shares"

    goal_id: Mapped[str] = mapped_column(
        ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True
    )
    link_id: Mapped[str] = mapped_column(
        ForeignKey("links.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GoalSuggestion(db.Model):
    """A goal a therapist proposed; it stays a suggestion until the client answers it.

    Its text is sealed with the client's key: once written, it is part of the client's journal.
    """

    __tablename__ = "goal_suggestions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    link_id: Mapped[str] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"), index=True)
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    goal_id: Mapped[str | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<GoalSuggestion {self.id} {self.status}>"
