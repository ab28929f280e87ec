"""Tasks a therapist gives a client for between sessions, and what the client made of them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

TASK_STATUSES = ("open", "done", "declined", "not_done")


class Task(db.Model):
    """One task over one link: a prompt from our library or the therapist's own words.

    The words (and a client's reason for declining) are sealed with the client's key. Whether
    it is done is worked out when read: answered, marked done, declined, or past its time.
    """

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_link_created", "link_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    link_id: Mapped[str] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"))
    text_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    prompt_id: Mapped[str | None] = mapped_column(String(40))
    goal_id: Mapped[str | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL", name="fk_tasks_goal")
    )
    # Due by a date (the end of that day for the client), or by a session: then it follows
    # the session when it moves, and keeps its last time if the session is cancelled.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("therapy_sessions.id", ondelete="SET NULL", name="fk_tasks_session")
    )
    answer_entry_id: Mapped[str | None] = mapped_column(
        ForeignKey("entries.id", ondelete="SET NULL", name="fk_tasks_answer")
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "done, I'll bring it"
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "this doesn't fit me"
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Task {self.id}>"
