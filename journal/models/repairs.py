"""The repair ledger: what came of a client's feedback or question, in the client's words."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, utcnow

STATUSES = ("addressed", "partly", "not_yet")
LEDGER_KINDS = ("feedback", "question")


class Repair(db.Model):
    """One per feedback or question entry: the client's latest verdict, and the last one they
    chose to share (what the therapist sees). Notes are sealed with the client's key.

    A row with no status yet only remembers that the journal home asked about the item.
    """

    __tablename__ = "repairs"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str | None] = mapped_column(String(10))
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last verdict the client shared: kept when a later one is kept private.
    told_status: Mapped[str | None] = mapped_column(String(10))
    told_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the journal home asked "did it get talked through?" (it asks once).
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Repair {self.entry_id} {self.status}>"
