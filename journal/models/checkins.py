"""Alliance check-ins: four ratings a client gives after a session, private unless shared."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

SCALES = ("bond", "goals", "approach", "overall")


class Checkin(db.Model):
    """One check-in on the alliance with one therapist: 0-10 on each scale, and a note."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_client_created", "client_id", "created_at", "id"),
        Index("ix_checkins_link_created", "link_id", "created_at", "id"),  # a link's newest
        *(CheckConstraint(f"{s} BETWEEN 0 AND 10", name=f"ck_checkins_{s}") for s in SCALES),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The client's words outlive the link: if the therapist's account is deleted, the check-in
    # stays, about "a past therapist" (no link).
    link_id: Mapped[str | None] = mapped_column(
        ForeignKey("links.id", ondelete="SET NULL", name="fk_checkins_link"), index=True
    )
    # "This week, on: <goal>": the goal the check-in looks at, if the client chose one.
    goal_id: Mapped[str | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL", name="fk_checkins_goal")
    )
    bond: Mapped[int] = mapped_column(Integer)
    goals: Mapped[int] = mapped_column(Integer)
    approach: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def total(self) -> int:
        return self.bond + self.goals + self.approach + self.overall

    def __repr__(self) -> str:
        return f"<Checkin {self.id}>"
