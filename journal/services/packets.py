"""Session packets: what a client wants to talk about, in order, and the therapist's digest."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select

from journal.errors import AppError, validation_error
from journal.extensions import db
from journal.models import (
    Checkin,
    Entry,
    Link,
    PacketItem,
    Share,
    TherapySession,
    User,
    utcnow,
)
from journal.services import agenda, appointments, audit, bridges, repairs, sharing, tasks
from journal.services.access import visible_shares
from journal.services.entries import TABLE as ENTRIES
from journal.services.keys import cipher_for, cipher_for_user

SESSIONS = "therapy_sessions"
OVER = "This session is over; its packet is kept as it was."


CHECKIN = "checkin"  # the kind of a packet item that is a check-in, not an entry
CHECKIN_TITLE = "Check-in"


@dataclass
class PacketItemView:
    """One thing to talk about: an entry, or a check-in (kind "checkin", with its total)."""

    entry_id: str | None
    kind: str
    title: str
    unread: bool = False
    passage: bool = False
    checkin_id: str | None = None
    total: int | None = None


def _checkin_item(checkin: Checkin) -> PacketItemView:
    return PacketItemView(None, CHECKIN, CHECKIN_TITLE, checkin_id=checkin.id, total=checkin.total)


@dataclass
class ClientBridge:
    """The client's own note after the session before: which entry, and whether it is shared."""

    entry_id: str
    shared: bool


def _therapist_id(session: TherapySession) -> str:
    return db.session.get(Link, session.link_id).therapist_id


def _statuses(client: User, entry: Entry) -> list:
    return sharing.statuses(client, [entry.id])[entry.id]


@dataclass
class PacketView:
    """A session with its agenda note and items, as one side may see it."""

    session_id: str
    link_id: str
    starts_at: datetime
    ends_at: datetime
    agenda: str
    items: list[PacketItemView] = field(default_factory=list)
    # What the therapist asked to talk about at this session (answers with that wish).
    requests: list[PacketItemView] = field(default_factory=list)
    # The therapist's digest of a coming session: feedback and questions still open, oldest
    # first (the repair ledger's open items lead it).
    open_items: list = field(default_factory=list)
    # Tasks due by this session (since the one before), as the viewer may see them.
    tasks: list = field(default_factory=list)
    # The client's note after the session before this one: it leads the packet. The therapist
    # gets it only while it is shared (a BridgeView); the client gets its entry id and whether
    # it is shared.
    bridge: object | None = None

    @property
    def archived(self) -> bool:
        return self.ends_at <= utcnow()


def _packet(session: TherapySession, client: User, items: list, requests: list) -> PacketView:
    """A session's packet as one side sees it: its items and the therapist's requests."""
    agenda_note = _agenda(client, session)
    return PacketView(
        session.id,
        session.link_id,
        session.starts_at,
        session.ends_at,
        agenda_note,
        items,
        requests,
    )


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


def _checkins(session: TherapySession, *where) -> dict[str, Checkin]:
    """The check-ins in a session's packet (on its link), by id, in one query."""
    return {
        c.id: c
        for c in db.session.scalars(
            select(Checkin)
            .join(PacketItem, PacketItem.checkin_id == Checkin.id)
            .where(PacketItem.session_id == session.id, Checkin.link_id == session.link_id, *where)
        )
    }


def _requests(asked: list, entries: dict, checkins: dict) -> list[PacketItemView]:
    """The items these answers asked about that this side may see: `entries` maps an id to
    (title, kind, passage), `checkins` an id to its Checkin."""
    items = []
    for answer in asked:
        if answer.entry_id in entries:
            title, kind, passage = entries[answer.entry_id]
            items.append(PacketItemView(answer.entry_id, kind, title, passage=passage))
        elif answer.checkin_id in checkins:
            items.append(_checkin_item(checkins[answer.checkin_id]))
    return items


def for_client(client: User, session_id: str) -> PacketView:
    """The client's own packet for a session, over an ended link too: every item, in order."""
    session = appointments.clients_session(client, session_id)
    if session is None:
        appointments.own_session(client, session_id)  # not theirs at all: 404
        raise AppError(403, "wrong_role", "Only the client prepares the packet.")
    return _client_view(client, session)


def all_of(client: User) -> list[PacketView]:
    """Every session on the client's links, ended ones too, with its packet (for the export)."""
    sessions = db.session.scalars(
        select(TherapySession)
        .join(Link, TherapySession.link_id == Link.id)
        .where(Link.client_id == client.id)
        .order_by(TherapySession.starts_at, TherapySession.id)
    )
    return [_client_view(client, session) for session in sessions]


def _client_view(client: User, session: TherapySession) -> PacketView:
    cipher = cipher_for_user(client)
    entries = {
        e.id: e
        for e in db.session.scalars(
            select(Entry)
            .join(PacketItem)
            .where(PacketItem.session_id == session.id, Entry.deleted_at.is_(None))
        )
    }
    checkins = _checkins(session, Checkin.client_id == client.id)
    items = []
    for item in _items(session):
        if e := entries.get(item.entry_id):
            title = cipher.open(ENTRIES, e.id, "title", e.title_sealed)
            items.append(PacketItemView(e.id, e.kind, title))
        elif c := checkins.get(item.checkin_id):
            items.append(_checkin_item(c))
    asked = agenda.requested(session)
    titles = {
        e.id: (cipher.open(ENTRIES, e.id, "title", e.title_sealed), e.kind, False)
        for e in agenda.entries_asked(asked, Entry.author_id == client.id)
    }
    requests = _requests(asked, titles, agenda.checkins_asked(asked))
    packet = _packet(session, client, items, requests)
    packet.tasks = tasks.for_session(session, client)
    bridge = bridges.for_packet(client, session)
    if bridge is not None:
        shared = any(s.therapist_id == _therapist_id(session) for s in _statuses(client, bridge))
        packet.bridge = ClientBridge(bridge.id, shared)
    return packet


def prepare(
    client: User,
    session_id: str,
    agenda: str,
    entry_ids: list[str],
    checkin_ids: list[str] | tuple = (),
) -> PacketView:
    """Set the agenda note, the entries, then the check-ins to discuss, in order.

    Anything not shared with the therapist yet is shared now.
    """
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
    checkins = _chosen_checkins(client, link, list(checkin_ids))
    for entry_id in entry_ids:
        if not _shared_now(link, entry_id):
            sharing.share(client, entry_id, link.therapist_id)
    for checkin in checkins:
        if not checkin.shared:
            checkin.shared = True
            audit.record("checkin_shared", actor_id=client.id, owner_id=client.id)
    cipher = cipher_for_user(client)
    session.agenda_sealed = cipher.seal(SESSIONS, session.id, "agenda", agenda) if agenda else None
    db.session.execute(delete(PacketItem).where(PacketItem.session_id == session.id))
    db.session.add_all(
        PacketItem(session_id=session.id, entry_id=entry_id, position=n)
        for n, entry_id in enumerate(entry_ids)
    )
    db.session.add_all(
        PacketItem(session_id=session.id, checkin_id=checkin.id, position=len(entry_ids) + n)
        for n, checkin in enumerate(checkins)
    )
    db.session.commit()
    return for_client(client, session.id)


def _chosen_checkins(client: User, link: Link, checkin_ids: list[str]) -> list[Checkin]:
    """The client's check-ins on this link, in the order given; 422 for anything else."""
    if len(set(checkin_ids)) != len(checkin_ids):
        raise validation_error({"checkin_ids": ["Each check-in can be in the packet once."]})
    if not checkin_ids:
        return []
    found = {
        c.id: c
        for c in db.session.scalars(
            select(Checkin).where(
                Checkin.id.in_(checkin_ids),
                Checkin.client_id == client.id,
                Checkin.link_id == link.id,
            )
        )
    }
    if set(found) != set(checkin_ids):
        message = "Choose from your check-ins with this therapist."
        raise validation_error({"checkin_ids": [message]})
    return [found[checkin_id] for checkin_id in checkin_ids]


def _shared_now(link: Link, entry_id: str) -> bool:
    therapist = db.session.get(User, link.therapist_id)
    return (
        db.session.execute(
            visible_shares(therapist).where(Link.id == link.id, Share.entry_id == entry_id)
        ).first()
        is not None
    )


def digest(therapist: User, session_id: str) -> PacketView:
    """The therapist's two-minute read: feedback about the therapy first, unread marked.

    Check-ins the client has stopped sharing, like withdrawn entries, are left out.
    """
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
    checkins = _checkins(session, Checkin.shared.is_(True))
    items = []
    for item in _items(session):
        if item.checkin_id in checkins:
            items.append(_checkin_item(checkins[item.checkin_id]))
            continue
        if item.entry_id not in visible:
            continue  # withdrawn, expired, deleted or unshared: the therapist learns nothing
        share, entry = visible[item.entry_id]
        passage = share.passage_sealed is not None
        title = "" if passage else cipher.open(ENTRIES, entry.id, "title", entry.title_sealed)
        items.append(PacketItemView(entry.id, entry.kind, title, share.read_at is None, passage))
    items.sort(key=lambda i: i.kind != "feedback")  # stable: the client's order otherwise
    asked = agenda.requested(session)
    readable = {
        entry.id: (
            ""
            if share.passage_sealed
            else cipher.open(ENTRIES, entry.id, "title", entry.title_sealed),
            entry.kind,
            share.passage_sealed is not None,
        )
        for share, entry, _ in db.session.execute(
            visible_shares(therapist).where(
                Link.id == link.id, Entry.id.in_([a.entry_id for a in asked if a.entry_id])
            )
        )
    }
    shared = agenda.checkins_asked(asked, Checkin.shared.is_(True))
    requests = _requests(asked, readable, shared)
    packet = _packet(session, client, items, requests)
    if not packet.archived:
        packet.open_items = repairs.still_open(therapist, link)
    packet.tasks = tasks.for_session(session, therapist)
    packet.bridge = bridges.for_digest(therapist, client, session)
    audit.record("read_packet", actor_id=therapist.id, owner_id=client.id)
    db.session.commit()
    return packet
