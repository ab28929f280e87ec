"""What a therapist asked to talk about at a session: answers that said "let's talk about it
next session", each belonging to the first session of the link that starts after it."""

from sqlalchemy import func, or_, select

from journal.extensions import db
from journal.models import Answer, Checkin, Entry, TherapySession


def requested(session: TherapySession) -> list[Answer]:
    """Answers on the session's link asking to talk at the next session: those given after the
    session before this one began, up to this one's start (with none scheduled, an answer waits
    for the next session made)."""
    earlier = (
        select(func.max(TherapySession.starts_at))
        .where(
            TherapySession.link_id == session.link_id,
            TherapySession.starts_at < session.starts_at,
        )
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(Answer)
            .where(
                Answer.link_id == session.link_id,
                Answer.discuss_next_session.is_(True),
                Answer.updated_at <= session.starts_at,
                or_(earlier.is_(None), Answer.updated_at > earlier),
            )
            .order_by(Answer.updated_at, Answer.id)
        )
    )


def checkins_asked(asked: list[Answer], *where) -> dict[str, Checkin]:
    """The check-ins these answers asked about (meeting `where`), by id, in one query."""
    ids = [a.checkin_id for a in asked if a.checkin_id]
    if not ids:
        return {}
    found = db.session.scalars(select(Checkin).where(Checkin.id.in_(ids), *where))
    return {c.id: c for c in found}


def entries_asked(asked: list[Answer], *where) -> list[Entry]:
    """The live entries these answers asked about (meeting `where`), in one query."""
    ids = [a.entry_id for a in asked if a.entry_id]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Entry).where(Entry.id.in_(ids), Entry.deleted_at.is_(None), *where)
        )
    )
