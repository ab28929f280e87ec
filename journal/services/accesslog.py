"""The client's view of the trail: every read of their words by anyone else."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from journal.extensions import db
from journal.models import AuditEvent, Entry, User
from journal.services.entries import TABLE as ENTRIES
from journal.services.keys import cipher_for_user
from journal.services.pagination import Page, after_cursor, encode_cursor

# Reads, and answers (an answer shows the therapist read it and replied).
READS = (
    "read_entry",
    "read_passage",  # only the passage of an entry that was shared
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


def _reads(client: User, cursor: str | None):
    """Reads of the client's words by anyone else, with the reader's name and role, newest
    first, older than the cursor: one query for both views of the log."""
    return (
        select(AuditEvent, User.display_name, User.role)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.owner_id == client.id,
            AuditEvent.actor_id != client.id,
            AuditEvent.action.in_(READS),
            after_cursor(AuditEvent.at, AuditEvent.seq, cursor, int),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.seq.desc())
    )


def reads_of(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Reads of the client's entries, packets and check-ins by others, newest first."""
    rows = db.session.execute(_reads(client, cursor).limit(limit + 1)).all()
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


@dataclass
class GroupedAccessView:
    """One person's reads of one thing on one day (in the client's time zone)."""

    day: date
    action: str
    actor_id: str | None
    actor_name: str
    actor_role: str
    entry_id: str | None
    count: int
    first_at: datetime
    last_at: datetime


BATCH = 500  # raw reads fetched at a time while grouping


def grouped_reads_of(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """The same reads, one line per person, thing and day, newest first; a page ends with a
    whole day, so no line is split across pages."""
    zone = ZoneInfo(client.time_zone)
    groups: dict[tuple, GroupedAccessView] = {}
    day = None
    query = _reads(client, cursor).execution_options(yield_per=BATCH)
    for event, name, role in db.session.execute(query):
        local = event.at.astimezone(zone).date()
        if local != day:
            if len(groups) >= limit:  # a whole day more would overfill: the next page starts here
                start = datetime.combine(day, time(), zone)
                return Page(list(groups.values()), encode_cursor(start, "0"))
            day = local
        key = (day, event.action, event.actor_id, event.entry_id)
        if key in groups:
            groups[key].count += 1
            groups[key].first_at = event.at
            continue
        groups[key] = GroupedAccessView(
            day,
            event.action,
            event.actor_id,
            name or "A deleted account",
            role or "unknown",
            event.entry_id,
            1,
            event.at,
            event.at,
        )
    return Page(list(groups.values()), None)


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
