"""Therapy sessions (appointments) on a link: set by either side, used by packets and shares."""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from journal.errors import not_found, validation_error
from journal.extensions import db
from journal.models import Link, Share, TherapySession, User, utcnow
from journal.services import calendar
from journal.services.links import own_link


def _own_session(user: User, session_id: str) -> TherapySession:
    """A session on one of the user's active links; anything else is not found."""
    found = db.session.execute(
        select(TherapySession, Link)
        .join(Link, TherapySession.link_id == Link.id)
        .where(
            TherapySession.id == session_id,
            Link.status == "active",
            (Link.client_id == user.id) | (Link.therapist_id == user.id),
        )
    ).first()
    if found is None:
        raise not_found()
    return found[0]


def clients_session(client: User, session_id: str | None) -> TherapySession | None:
    """One of the client's sessions, over any of their links (ended ones too); or None."""
    return db.session.scalar(
        select(TherapySession)
        .join(Link, TherapySession.link_id == Link.id)
        .where(TherapySession.id == session_id, Link.client_id == client.id)
    )


def own_session(user: User, session_id: str) -> tuple[TherapySession, Link]:
    """A session and its link, for either side of an active link."""
    session = _own_session(user, session_id)
    return session, db.session.get(Link, session.link_id)


def schedule(user: User, link_id: str, starts_at: datetime, duration: int = 50) -> TherapySession:
    """Put a session on the calendar of a link the user is part of."""
    link = own_link(user, link_id)
    session = TherapySession(
        link_id=link.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration),
        created_by=user.id,
    )
    db.session.add(session)
    db.session.commit()
    return session


def reschedule(user: User, session_id: str, starts_at: datetime, duration: int) -> TherapySession:
    """Move a session; shares that last "until the end of" it move with it."""
    session = _own_session(user, session_id)
    session.starts_at, session.ends_at = starts_at, starts_at + timedelta(minutes=duration)
    db.session.execute(
        update(Share).where(Share.until_session_id == session.id).values(expires_at=session.ends_at)
    )
    db.session.commit()
    return session


def cancel(user: User, session_id: str) -> None:
    """Take a session off the calendar (its packet goes with it)."""
    session = _own_session(user, session_id)
    calendar.keep_cancelled(session)  # subscribed calendars then show it cancelled, not stale
    db.session.delete(session)
    db.session.commit()


def upcoming(link: Link) -> list[TherapySession]:
    """The link's sessions that have not ended, soonest first."""
    return list(
        db.session.scalars(
            select(TherapySession)
            .where(TherapySession.link_id == link.id, TherapySession.ends_at > utcnow())
            .order_by(TherapySession.starts_at, TherapySession.id)
        )
    )


def past(link: Link) -> list[TherapySession]:
    """The link's sessions that are over (their packets archived), most recent first."""
    return list(
        db.session.scalars(
            select(TherapySession)
            .where(TherapySession.link_id == link.id, TherapySession.ends_at <= utcnow())
            .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
        )
    )


def next_session(link: Link) -> TherapySession | None:
    """The first session of the link that has not ended yet."""
    soon = upcoming(link)
    return soon[0] if soon else None


def end_of(link: Link, session_id: str | None) -> datetime:
    """When a chosen session (or, with None, the next one) ends: the end of a "share until"."""
    session = (
        next_session(link) if session_id is None else db.session.get(TherapySession, session_id)
    )
    if session is None or session.link_id != link.id:
        raise validation_error({"until_session": ["There's no session date yet. Add one first."]})
    if session.ends_at <= utcnow():
        raise validation_error({"until_session": ["That session is already over."]})
    return session.ends_at
