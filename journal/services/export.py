"""Everything a user owns, as one document.

A therapist's export holds what they wrote (answers, tasks, suggested goals, their own views of
sessions, their note inviting feedback) and their links and sessions, never a client's words: a
share lets them read an entry, it does not hand them a copy. What they wrote to a client is
sealed with that client's key, so it is opened here through the services that wrote it.
"""

from sqlalchemy import select

from journal.extensions import db
from journal.models import AuditEvent, Entry, Link, TherapySession, User
from journal.services import (
    answers,
    audit,
    calibration,
    checkins,
    goals,
    links,
    packets,
    repairs,
    sessions,
    tasks,
)
from journal.services.entries import list_all


def export_for(user: User) -> dict:
    """Collect the account, entries, check-ins, session packets, goals, tasks, devices and the
    trail about them; record it."""
    document = document_for(user) | {"entries": list_all(user) if user.is_client else []}
    record(user)
    return document


def document_for(user: User) -> dict:
    """The export without the client's entries (the archive adds those a batch at a time);
    nothing is recorded."""
    events = db.session.scalars(
        select(AuditEvent)
        .where((AuditEvent.owner_id == user.id) | (AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.seq)
    ).all()
    document = {
        "account": user,
        "entries": [],
        "checkins": [],
        "packets": [],
        "answers": [],
        "repairs": [],
        "goals": [],
        "tasks": [],
        "therapist_views": [],
        "devices": sessions.list_devices(user),
        "events": events,
    }
    return document | (_therapists_own(user) if user.is_therapist else _clients_own(user))


def _clients_own(client: User) -> dict:
    """What only a client has: their check-ins, packets, the answers to them, goals, tasks."""
    return {
        "checkins": checkins.all_of(client),
        "packets": packets.all_of(client),  # agenda notes are the client's words too
        "answers": answers.received(client),
        "repairs": repairs.all_of(client),
        "goals": goals.all_of(client),
        "tasks": tasks.all_of(client),
    }


def _therapists_own(therapist: User) -> dict:
    """What only a therapist has: what they wrote or scheduled. No entries, agendas, check-ins,
    item titles, goals in a client's words or reasons for declining a task."""
    return {
        # The therapist's own views of sessions are theirs alone: never in the client's export.
        "therapist_views": calibration.all_of(therapist),
        "links": links.links_of(therapist, active_only=False),
        "sessions": db.session.scalars(
            select(TherapySession)
            .join(Link, Link.id == TherapySession.link_id)
            .where(Link.therapist_id == therapist.id)
            .order_by(TherapySession.starts_at, TherapySession.id)
        ).all(),
        "answers_given": answers.given_by(therapist),
        "tasks_given": tasks.given_by(therapist),
        "goal_suggestions": goals.all_suggested_by(therapist),
    }


def record(user: User) -> None:
    """Note the export in the user's trail and commit."""
    audit.record("export", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def entry_count(user: User) -> int:
    """How many live entries the user has (shown before deleting an account)."""
    return db.session.scalar(
        select(db.func.count())
        .select_from(Entry)
        .where(Entry.author_id == user.id, Entry.deleted_at.is_(None))
    )
