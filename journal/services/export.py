"""Everything a user owns, as one document."""

from sqlalchemy import select

from journal.extensions import db
from journal.models import AuditEvent, Entry, User
from journal.services import (
    answers,
    audit,
    calibration,
    checkins,
    goals,
    packets,
    repairs,
    sessions,
    tasks,
)
from journal.services.entries import list_all


def export_for(user: User) -> dict:
    """Collect the account, entries, check-ins, session packets, goals, tasks, devices and the
    trail about them; record it."""
    events = db.session.scalars(
        select(AuditEvent)
        .where((AuditEvent.owner_id == user.id) | (AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.seq)
    ).all()
    document = {
        "account": user,
        "entries": list_all(user),
        "checkins": checkins.all_of(user),
        "packets": packets.all_of(user),  # agenda notes are the client's words too
        "answers": answers.received(user) if user.is_client else [],
        "repairs": repairs.all_of(user) if user.is_client else [],
        "goals": goals.all_of(user) if user.is_client else [],
        "tasks": tasks.all_of(user) if user.is_client else [],
        # The therapist's own views of sessions are theirs alone: never in the client's export.
        "therapist_views": calibration.all_of(user) if user.is_therapist else [],
        "devices": sessions.list_devices(user),
        "events": events,
    }
    audit.record("export", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return document


def entry_count(user: User) -> int:
    """How many live entries the user has (shown before deleting an account)."""
    return db.session.scalar(
        select(db.func.count())
        .select_from(Entry)
        .where(Entry.author_id == user.id, Entry.deleted_at.is_(None))
    )
