"""The therapist's own view of a session: how they think the client experienced it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.checkins import SCALES
from journal.models.types import UTCDateTime, utcnow


class TherapistView(db.Model):
    """One per session, on the check-in's four scales; never shown to the client (it is the
    therapist's aid to notice gaps, not a score)."""

    __tablename__ = "therapist_views"
    __table_args__ = tuple(
        CheckConstraint(f"{s} BETWEEN 0 AND 10", name=f"ck_therapist_views_{s}") for s in SCALES
    )

    session_id: Mapped[str] = mapped_column(
        ForeignKey("therapy_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    bond: Mapped[int] = mapped_column(Integer)
    goals: Mapped[int] = mapped_column(Integer)
    approach: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def total(self) -> int:
        return self.bond + self.goals + self.approach + self.overall

    def __repr__(self) -> str:
        return f"<TherapistView {self.session_id}>"
