"""The client's view of the trail: every read of their words by anyone else."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from journal.extensions import db
from journal.models import AuditEvent, Entry, User
from journal.services.entries import TABLE as ENTRIES
from journal.services.keys import cipher_for_user
from journal.services.pagination import Page, after_cursor, encode_cursor

# Reads, and answers (an answer shows the therapist read it and replied).
READS = (
    "read_entry",
    "read_packet",
    "read_checkins",
    "read_ledger",
    "read_goals",
    "read_tasks",
    "answer",
)


@dataclass
class AccessView:
    """One read: when, what kind of read, by whom, of which entry."""

    at: datetime
    action: str
    actor_id: str | None
    actor_name: str
    actor_role: str
    entry_id: str | None
    seq: int


def reads_of(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Reads of the client's entries, packets and check-ins by others, newest first."""
    rows = db.session.execute(
        select(AuditEvent, User.display_name, User.role)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.owner_id == client.id,
            AuditEvent.actor_id != client.id,
            AuditEvent.action.in_(READS),
            after_cursor(AuditEvent.at, AuditEvent.seq, cursor, int),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.seq.desc())
        .limit(limit + 1)
    ).all()
    items = [
        AccessView(
            e.at,
            e.action,
            e.actor_id,
            name or "A deleted account",
            role or "unknown",
            e.entry_id,
            e.seq,
        )
        for e, name, role in rows[:limit]
    ]
    more = len(rows) > limit
    return Page(items, encode_cursor(items[-1].at, str(items[-1].seq)) if more else None)


def entry_titles(client: User, entry_ids: list[str]) -> dict[str, str]:
    """The titles of those of the client's entries that still exist, in one query."""
    if not entry_ids:
        return {}
    cipher = cipher_for_user(client)
    rows = db.session.scalars(
        select(Entry).where(
            Entry.id.in_(set(entry_ids)), Entry.author_id == client.id, Entry.deleted_at.is_(None)
        )
    )
    return {e.id: cipher.open(ENTRIES, e.id, "title", e.title_sealed) for e in rows}
