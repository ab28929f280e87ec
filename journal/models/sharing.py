"""Invites, links between a client and a therapist, and per-entry shares."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow
from journal.models.users import User

LINK_STATUSES = ("active", "ended")


class Invite(db.Model):
    """A single-use code a therapist gives a client; only its hash is stored."""

    __tablename__ = "invites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A therapist who shows a code once may want it gone: cancelled codes never work.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The therapist's own reminder of whom it is for ("for J."): never shown to the client.
    note: Mapped[str | None] = mapped_column(String(40))

    therapist: Mapped[User] = relationship(foreign_keys=[therapist_id])

    def __repr__(self) -> str:
        return f"<Invite {self.id}>"


class Link(db.Model):
    """A client's journal linked to one therapist; ended links grant nothing."""

    __tablename__ = "links"
    __table_args__ = (Index("ix_links_pair", "client_id", "therapist_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    therapist_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who ended it: "client", "therapist", or "closed" (the therapist closed their account).
    ended_by: Mapped[str | None] = mapped_column(String(10))
    # When the client's journal home told them that the therapist ended it (told once).
    ending_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The therapist's name when it ended: a closed account loses its name, the client's past not.
    ended_name: Mapped[str | None] = mapped_column(String(80))

    client: Mapped[User] = relationship(foreign_keys=[client_id])
    therapist: Mapped[User] = relationship(foreign_keys=[therapist_id])

    @property
    def therapist_name(self) -> str:
        """Who the client knew: the name at the end, for a link that ended."""
        return self.ended_name or self.therapist.display_name

    def __repr__(self) -> str:
        return f"<Link {self.id} {self.status}>"


class Share(db.Model):
    """One entry shared over one link: whole, or only a passage; maybe until a time."""

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("entry_id", "link_id"),
        # A link's newest share, and its unread ones, without reading its whole history.
        Index("ix_shares_link_shared", "link_id", "shared_at"),
        Index("ix_shares_link_read", "link_id", "read_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    link_id: Mapped[str] = mapped_column(ForeignKey("links.id", ondelete="CASCADE"), index=True)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Share until": a fixed moment, or the end of a chosen therapy session.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    until_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("therapy_sessions.id", ondelete="SET NULL")
    )
    # "Share a passage": the words the client marked, sealed with the client's key.
    passage_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    def __repr__(self) -> str:
        return f"<Share {self.id}>"
