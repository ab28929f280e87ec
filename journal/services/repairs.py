"""The repair ledger: each feedback or question a client wrote, and what came of it.

An item is open until the client says it was addressed, partly, or not yet. The client sees all
of theirs; a therapist sees only what the client shares with them now (the rule in
services/access.py), and of the verdicts only the last one the client chose to share.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, select, true
from sqlalchemy.exc import IntegrityError

from journal.errors import not_found, validation_error
from journal.extensions import db
from journal.models import (
    LEDGER_KINDS,
    Answer,
    Entry,
    Link,
    PacketItem,
    Repair,
    Share,
    TherapySession,
    User,
    utcnow,
)
from journal.services import audit, feedback
from journal.services.access import live_shares_of_entries, visible_shares
from journal.services.keys import cipher_for_user
from journal.services.links import client_link
from journal.services.pagination import Page, after_cursor, encode_cursor
from journal.transactions import will_write

TABLE = "repairs"
ENTRIES = Entry.__tablename__
OPEN = "open"
ONLY_FEEDBACK = "Only feedback and questions have a place in the ledger."


@dataclass
class RepairView:
    """The client's verdict on one item, as the client sees it."""

    status: str
    note: str | None
    shared: bool
    updated_at: datetime


@dataclass
class LedgerItem:
    """One feedback or question, with when it was shared, answered and talked about."""

    entry_id: str
    kind: str
    title: str
    shared_at: datetime | None
    answered_at: datetime | None
    discussed_at: datetime | None
    status: str
    status_at: datetime
    note: str | None = None
    passage: bool = False
    topic: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "addressed"

    @property
    def days_open(self) -> int:
        """Whole days since it was shared (or written, if never shared)."""
        return max(0, (utcnow() - (self.shared_at or self.status_at)).days)


def _open(cipher, repair: Repair, column: str) -> str | None:
    sealed = getattr(repair, f"{column}_sealed")
    return cipher.open(TABLE, repair.entry_id, column, sealed) if sealed else None


def view(client: User, repair: Repair | None) -> RepairView | None:
    """The client's verdict with its note opened; None while the item is open."""
    if repair is None or repair.status is None:
        return None
    note = _open(cipher_for_user(client), repair, "note")
    return RepairView(repair.status, note, repair.shared, repair.updated_at)


# Built once: every list of entries asks it (see sharing._STATUSES).
_OF_ENTRIES = (
    select(Repair)
    .join(Entry, Entry.id == Repair.entry_id)
    .where(
        Repair.entry_id.in_(bindparam("entry_ids", expanding=True)),
        Entry.author_id == bindparam("client_id"),
    )
)


def of_entries(client: User, entry_ids: list[str]) -> dict[str, RepairView]:
    """The client's verdicts on some of their entries, in one query (for entry pages)."""
    if not entry_ids:
        return {}
    rows = db.session.scalars(_OF_ENTRIES, {"entry_ids": entry_ids, "client_id": client.id})
    return {row.entry_id: found for row in rows if (found := view(client, row))}


def _shared_now(entry_id: str) -> bool:
    return db.session.execute(live_shares_of_entries([entry_id]).limit(1)).first() is not None


def mark(client: User, entry_id: str, data: dict) -> RepairView:
    """Say what came of a feedback or question: addressed, partly or not yet, with an optional
    note; shared with the therapists it is shared with unless the client says otherwise."""
    entry = db.session.scalar(
        select(Entry)
        .where(Entry.id == entry_id, Entry.author_id == client.id, Entry.deleted_at.is_(None))
        .with_for_update()  # one verdict row per item, even when two arrive at once
    )
    if entry is None:
        raise not_found()
    if entry.kind not in LEDGER_KINDS:
        raise validation_error({"status": [ONLY_FEEDBACK]})
    shared = data.get("shared")
    if shared is None:
        shared = _shared_now(entry.id)
    row = db.session.get(Repair, entry.id) or Repair(entry_id=entry.id)
    db.session.add(row)
    cipher, now, note = cipher_for_user(client), utcnow(), data.get("note") or None
    row.status, row.shared, row.status_at, row.updated_at = data["status"], shared, now, now
    row.note_sealed = note and cipher.seal(TABLE, entry.id, "note", note)
    if shared:
        row.told_status, row.told_at = row.status, now
        row.told_note_sealed = note and cipher.seal(TABLE, entry.id, "told_note", note)
    audit.record("repair", actor_id=client.id, owner_id=client.id, entry_id=entry.id)
    db.session.commit()
    return view(client, row)


def _first_of(rows) -> dict[str, datetime]:
    return {entry_id: moment for entry_id, moment in rows if moment is not None}


def _discussed(entry_ids: list[str], link_id: str | None = None) -> dict[str, datetime]:
    """When each item was first at a session that has ended: in its packet, or on its agenda
    because the therapist asked to talk about it (two grouped queries, whatever the count)."""
    now, on_link = utcnow(), (TherapySession.link_id == link_id) if link_id else true()
    in_packet = (
        select(PacketItem.entry_id, func.min(TherapySession.ends_at))
        .join(TherapySession, TherapySession.id == PacketItem.session_id)
        .where(PacketItem.entry_id.in_(entry_ids), TherapySession.ends_at <= now, on_link)
        .group_by(PacketItem.entry_id)
    )
    asked = (
        select(Answer.entry_id, func.min(TherapySession.ends_at))
        .join(
            TherapySession,
            and_(
                TherapySession.link_id == Answer.link_id,
                TherapySession.starts_at >= Answer.updated_at,
            ),
        )
        .where(
            Answer.entry_id.in_(entry_ids),
            Answer.discuss_next_session.is_(True),
            TherapySession.ends_at <= now,
            on_link,
        )
        .group_by(Answer.entry_id)
    )
    found = _first_of(db.session.execute(in_packet))
    for entry_id, moment in db.session.execute(asked):
        if moment is not None and (entry_id not in found or moment < found[entry_id]):
            found[entry_id] = moment
    return found


def _answered(entry_ids: list[str], link_id: str | None = None) -> dict[str, datetime]:
    query = select(Answer.entry_id, func.min(Answer.answered_at)).where(
        Answer.entry_id.in_(entry_ids)
    )
    if link_id:
        query = query.where(Answer.link_id == link_id)
    return _first_of(db.session.execute(query.group_by(Answer.entry_id)))


def _topic(entry: Entry, cipher) -> str | None:
    """The one topic a composed feedback is about, for "your note about pace"."""
    if entry.details_sealed is None:
        return None
    details = json.loads(cipher.open(ENTRIES, entry.id, "details", entry.details_sealed))
    topics = details.get("topics") or []
    chosen = [t for t in topics if t in feedback.TOPICS and t != "other"]
    return feedback.TOPICS[chosen[0]].lower() if len(chosen) == 1 else None


def _client_items(client: User, rows) -> list[LedgerItem]:
    """Ledger items from (Entry, Repair | None) rows, in four queries for any number."""
    ids = [entry.id for entry, _ in rows]
    if not ids:
        return []
    cipher = cipher_for_user(client)
    shared = _first_of(
        db.session.execute(
            select(Share.entry_id, func.min(Share.shared_at))
            .join(Link, Link.id == Share.link_id)
            .where(Share.entry_id.in_(ids), Link.client_id == client.id)
            .group_by(Share.entry_id)
        )
    )
    answered, discussed = _answered(ids), _discussed(ids)
    items = []
    for entry, repair in rows:
        said = repair is not None and repair.status is not None
        items.append(
            LedgerItem(
                entry_id=entry.id,
                kind=entry.kind,
                title=cipher.open(ENTRIES, entry.id, "title", entry.title_sealed),
                shared_at=shared.get(entry.id),
                answered_at=answered.get(entry.id),
                discussed_at=discussed.get(entry.id),
                status=repair.status if said else OPEN,
                status_at=repair.status_at if said else entry.created_at,
                note=_open(cipher, repair, "note") if said else None,
                topic=_topic(entry, cipher),
            )
        )
    return items


def _client_rows(client: User):
    return (
        select(Entry, Repair)
        .outerjoin(Repair, Repair.entry_id == Entry.id)
        .where(
            Entry.author_id == client.id,
            Entry.kind.in_(LEDGER_KINDS),
            Entry.deleted_at.is_(None),
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    )


def client_ledger(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """The client's feedback and questions, newest first, each with what came of it."""
    rows = db.session.execute(
        _client_rows(client)
        .where(after_cursor(Entry.created_at, Entry.id, cursor))
        .limit(limit + 1)
    ).all()
    last = rows[limit - 1][0] if len(rows) > limit else None
    return Page(
        _client_items(client, rows[:limit]),
        encode_cursor(last.created_at, last.id) if last else None,
    )


def all_of(client: User) -> list[LedgerItem]:
    """The client's whole ledger, newest first (for the export)."""
    return _client_items(client, db.session.execute(_client_rows(client)).all())


def _therapist_rows(therapist: User, link: Link):
    return (
        visible_shares(therapist)
        .add_columns(Repair)
        .outerjoin(Repair, Repair.entry_id == Entry.id)
        .where(Link.id == link.id, Entry.kind.in_(LEDGER_KINDS))
        .order_by(Share.shared_at.desc(), Share.id.desc())
    )


def _therapist_items(client: User, link: Link, rows) -> list[LedgerItem]:
    """What the therapist may see of these items: a passage keeps its title hidden, and a
    verdict shows only as the client last shared it."""
    ids = [entry.id for _, entry, _, _ in rows]
    if not ids:
        return []
    cipher = cipher_for_user(client)
    answered, discussed = _answered(ids, link.id), _discussed(ids, link.id)
    items = []
    for share, entry, _, repair in rows:
        told = repair is not None and repair.told_status is not None
        passage = share.passage_sealed is not None
        title = "" if passage else cipher.open(ENTRIES, entry.id, "title", entry.title_sealed)
        items.append(
            LedgerItem(
                entry_id=entry.id,
                kind=entry.kind,
                title=title,
                shared_at=share.shared_at,
                answered_at=answered.get(entry.id),
                discussed_at=discussed.get(entry.id),
                status=repair.told_status if told else OPEN,
                status_at=repair.told_at if told else share.shared_at,
                note=_open(cipher, repair, "told_note") if told else None,
                passage=passage,
            )
        )
    return items


def therapist_ledger(
    therapist: User, client_id: str, *, limit: int = 20, cursor: str | None = None
) -> Page:
    """What one client shares with the therapist now of their feedback and questions, newest
    share first; nothing unshared counts, not even as a number."""
    link = client_link(therapist, client_id)
    client = db.session.get(User, link.client_id)
    rows = db.session.execute(
        _therapist_rows(therapist, link)
        .where(after_cursor(Share.shared_at, Share.id, cursor))
        .limit(limit + 1)
    ).all()
    last = rows[limit - 1][0] if len(rows) > limit else None
    items = _therapist_items(client, link, rows[:limit])
    audit.record("read_ledger", actor_id=therapist.id, owner_id=client.id)
    db.session.commit()
    return Page(items, encode_cursor(last.shared_at, last.id) if last else None)


def whole_for_therapist(therapist: User, client_id: str) -> list[LedgerItem]:
    """Every item of the therapist's ledger for one client (for its page and timeline)."""
    link = client_link(therapist, client_id)
    client = db.session.get(User, link.client_id)
    rows = db.session.execute(_therapist_rows(therapist, link)).all()
    audit.record("read_ledger", actor_id=therapist.id, owner_id=client.id)
    db.session.commit()
    return _therapist_items(client, link, rows)


def still_open(therapist: User, link: Link) -> list[LedgerItem]:
    """Items not yet addressed (as far as the therapist was told), oldest first: they lead the
    therapist's digest."""
    client = db.session.get(User, link.client_id)
    rows = db.session.execute(_therapist_rows(therapist, link)).all()
    items = [item for item in _therapist_items(client, link, rows) if item.is_open]
    return sorted(items, key=lambda item: (item.shared_at, item.entry_id))


def by_month(items: list[LedgerItem], zone) -> list[tuple[date, int, int]]:
    """(first of the month, raised, addressed) for every month from the first item to the last
    change, in the reader's time zone: raised by when shared, addressed by when said to be."""
    raised, repaired = {}, {}
    for item in items:
        if item.shared_at is not None:
            month = _month(item.shared_at, zone)
            raised[month] = raised.get(month, 0) + 1
        if item.status == "addressed":
            month = _month(item.status_at, zone)
            repaired[month] = repaired.get(month, 0) + 1
    if not raised and not repaired:
        return []
    month, last, every = min(raised | repaired), max(raised | repaired), []
    while month <= last:
        every.append((month, raised.get(month, 0), repaired.get(month, 0)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return every


def _month(moment: datetime, zone) -> date:
    local = moment.astimezone(zone)
    return date(local.year, local.month, 1)


def ask_once(client: User) -> LedgerItem | None:
    """The oldest shared item with no verdict yet whose session has ended and that the journal
    home has not asked about; asking is remembered, so it is asked only once."""
    candidates = db.session.execute(
        _client_rows(client)
        .where(
            Repair.asked_at.is_(None),
            Repair.status.is_(None),
            Entry.id.in_(select(Share.entry_id)),
        )
        .limit(50)
    ).all()
    if not candidates:
        return None
    discussed = _discussed([entry.id for entry, _ in candidates])
    waiting = [(entry, repair) for entry, repair in candidates if entry.id in discussed]
    if not waiting:
        return None
    entry, repair = min(waiting, key=lambda row: (row[0].created_at, row[0].id))
    item = _client_items(client, [(entry, repair)])[0]
    will_write()
    row = repair or Repair(entry_id=entry.id)
    row.asked_at = utcnow()
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # another page load asked at the same moment: asked all the same
        db.session.rollback()
    return item
