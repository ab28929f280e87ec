"""Session packets: what a client wants to talk about, in order, and the therapist's digest."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select

from journal.errors import AppError, validation_error
from journal.extensions import db
from journal.models import Entry, Link, PacketItem, Share, TherapySession, User, utcnow
from journal.services import appointments, audit, sharing
from journal.services.access import visible_shares
from journal.services.entries import TABLE as ENTRIES
from journal.services.keys import cipher_for, cipher_for_user

SESSIONS = "therapy_sessions"
OVER = "This session is over; its packet is kept as it was."


@dataclass
class PacketItemView:
    """One thing to talk about."""

    entry_id: str
    kind: str
    title: str
    unread: bool = False
    passage: bool = False


@dataclass
class PacketView:
    """A session with its agenda note and items, as one side may see it."""

    session_id: str
    link_id: str
    starts_at: datetime
    ends_at: datetime
    agenda: str
    items: list[PacketItemView] = field(default_factory=list)

    @property
    def archived(self) -> bool:
        return self.ends_at <= utcnow()


def _agenda(client: User, session: TherapySession) -> str:
    if session.agenda_sealed is None:
        return ""
    cipher = cipher_for(client.id, client.wrapped_key, client.key_version)
    return cipher.open(SESSIONS, session.id, "agenda", session.agenda_sealed)


def _items(session: TherapySession) -> list[PacketItem]:
    return list(
        db.session.scalars(
            select(PacketItem)
            .where(PacketItem.session_id == session.id)
            .order_by(PacketItem.position)
        )
    )


def for_client(client: User, session_id: str) -> PacketView:
    """The client's own packet for a session: every item, in their order."""
    session, link = appointments.own_session(client, session_id)
    if link.client_id != client.id:
        raise AppError(403, "wrong_role", "Only the client prepares the packet.")
    cipher = cipher_for_user(client)
    entries = {
        e.id: e
        for e in db.session.scalars(
            select(Entry)
            .join(PacketItem)
            .where(PacketItem.session_id == session.id, Entry.deleted_at.is_(None))
        )
    }
    items = [
        PacketItemView(e.id, e.kind, cipher.open(ENTRIES, e.id, "title", e.title_sealed))
        for item in _items(session)
        if (e := entries.get(item.entry_id))
    ]
    return PacketView(
        session.id, link.id, session.starts_at, session.ends_at, _agenda(client, session), items
    )


def prepare(client: User, session_id: str, agenda: str, entry_ids: list[str]) -> PacketView:
    """Set the agenda note and the entries to discuss, in order; each is shared if it isn't."""
    session, link = appointments.own_session(client, session_id)
    if link.client_id != client.id:
        raise AppError(403, "wrong_role", "Only the client prepares the packet.")
    if session.ends_at <= utcnow():
        raise AppError(409, "session_over", OVER)
    if len(set(entry_ids)) != len(entry_ids):
        raise validation_error({"entry_ids": ["Each entry can be in the packet once."]})
    owned = set(
        db.session.scalars(
            select(Entry.id).where(
                Entry.id.in_(entry_ids), Entry.author_id == client.id, Entry.deleted_at.is_(None)
            )
        )
    )
    if owned != set(entry_ids):
        raise validation_error({"entry_ids": ["Choose from your own entries."]})
    for entry_id in entry_ids:
        if not _shared_now(link, entry_id):
            sharing.share(client, entry_id, link.therapist_id)
    cipher = cipher_for_user(client)
    session.agenda_sealed = cipher.seal(SESSIONS, session.id, "agenda", agenda) if agenda else None
    db.session.execute(delete(PacketItem).where(PacketItem.session_id == session.id))
    db.session.add_all(
        PacketItem(session_id=session.id, entry_id=entry_id, position=n)
        for n, entry_id in enumerate(entry_ids)
    )
    db.session.commit()
    return for_client(client, session.id)


def _shared_now(link: Link, entry_id: str) -> bool:
    therapist = db.session.get(User, link.therapist_id)
    return (
        db.session.execute(
            visible_shares(therapist).where(Link.id == link.id, Share.entry_id == entry_id)
        ).first()
        is not None
    )


def digest(therapist: User, session_id: str) -> PacketView:
    """The therapist's two-minute read: feedback about the therapy first, unread marked."""
    session, link = appointments.own_session(therapist, session_id)
    if link.therapist_id != therapist.id:
        raise AppError(403, "wrong_role", "This is the therapist's view.")
    client = db.session.get(User, link.client_id)
    cipher = cipher_for(client.id, client.wrapped_key, client.key_version)
    visible = {
        entry.id: (share, entry)
        for share, entry, _ in db.session.execute(
            visible_shares(therapist)
            .where(Link.id == link.id)
            .join(PacketItem, PacketItem.entry_id == Entry.id)
            .where(PacketItem.session_id == session.id)
        )
    }
    items = []
    for item in _items(session):
        if item.entry_id not in visible:
            continue  # withdrawn, expired or deleted: the therapist learns nothing of it
        share, entry = visible[item.entry_id]
        passage = share.passage_sealed is not None
        title = "" if passage else cipher.open(ENTRIES, entry.id, "title", entry.title_sealed)
        items.append(PacketItemView(entry.id, entry.kind, title, share.read_at is None, passage))
    items.sort(key=lambda i: i.kind != "feedback")  # stable: the client's order otherwise
    audit.record("read_packet", actor_id=therapist.id, owner_id=client.id)
    db.session.commit()
    return PacketView(
        session.id, link.id, session.starts_at, session.ends_at, _agenda(client, session), items
    )
