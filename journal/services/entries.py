"""The private journal: write, read, edit, delete and find one's own entries."""

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy import delete as delete_rows
from sqlalchemy.exc import IntegrityError

from journal.crypto import FieldCipher
from journal.errors import AppError, not_found
from journal.extensions import db
from journal.models import (
    BRIDGE,
    LEDGER_KINDS,
    Answer,
    Entry,
    Link,
    PacketItem,
    Repair,
    Share,
    User,
    new_id,
    utcnow,
)
from journal.services import audit, bridges, repairs, search_index, sharing, tasks
from journal.services.keys import cipher_for_user
from journal.services.pagination import Page, after_cursor, decode_cursor, encode_cursor

TABLE = "entries"
SCAN_BATCH = 200  # rows decrypted per round while searching


@dataclass
class EntryView:
    """An entry with its text opened, as its author sees it."""

    id: str
    kind: str
    title: str
    body: str
    tags: list[str]
    prompt_id: str | None
    details: dict | None
    created_at: datetime
    updated_at: datetime
    version: int
    shares: list = field(default_factory=list)
    # What came of it (feedback and questions only): the client's verdict, or None while open.
    repair: "repairs.RepairView | None" = None
    session_id: str | None = None  # the session an after_session entry is about


def _seal(entry: Entry, cipher: FieldCipher, title: str, body: str, tags: list[str]) -> None:
    entry.title_sealed = cipher.seal(TABLE, entry.id, "title", title)
    entry.body_sealed = cipher.seal(TABLE, entry.id, "body", body)
    entry.tags_sealed = cipher.seal(TABLE, entry.id, "tags", json.dumps(tags, ensure_ascii=False))


def _view(entry: Entry, cipher: FieldCipher) -> EntryView:
    return EntryView(
        id=entry.id,
        kind=entry.kind,
        title=cipher.open(TABLE, entry.id, "title", entry.title_sealed),
        body=cipher.open(TABLE, entry.id, "body", entry.body_sealed),
        tags=json.loads(cipher.open(TABLE, entry.id, "tags", entry.tags_sealed)),
        prompt_id=entry.prompt_id,
        details=(
            json.loads(cipher.open(TABLE, entry.id, "details", entry.details_sealed))
            if entry.details_sealed
            else None
        ),
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        version=entry.version,
        session_id=entry.session_id,
    )


def _with_shares(user: User, views: list[EntryView]) -> list[EntryView]:
    """Fill in who each entry is shared with and what came of it, in two queries for the list."""
    ids = [view.id for view in views]
    ledger = [view.id for view in views if view.kind in LEDGER_KINDS]  # only these have verdicts
    found, verdicts = sharing.statuses(user, ids), repairs.of_entries(user, ledger)
    for view in views:
        view.shares, view.repair = found[view.id], verdicts.get(view.id)
    return views


def _own(user: User, entry_id: str, *, for_update: bool = False) -> Entry:
    query = select(Entry).where(
        Entry.id == entry_id, Entry.author_id == user.id, Entry.deleted_at.is_(None)
    )
    if for_update:
        query = query.with_for_update()
    entry = db.session.scalar(query)
    if entry is None:
        raise not_found()
    return entry


def _replay(user: User, entry_id: str) -> EntryView:
    """Answer a create whose id already exists: the stored entry, never a second copy."""
    existing = db.session.get(Entry, entry_id)
    if existing is None or existing.author_id != user.id:
        raise AppError(409, "id_taken", "That id is already in use. Please use a new one.")
    if existing.deleted_at is not None:
        raise AppError(410, "entry_deleted", "This entry was deleted, so it was not saved again.")
    return _with_shares(user, [_view(existing, cipher_for_user(user))])[0]


def create(user: User, data: dict) -> tuple[EntryView, bool]:
    """Save a new entry; with a known client-made id, return the stored one instead."""
    entry_id = str(data["id"]) if data.get("id") else new_id()
    if data.get("id") and db.session.get(Entry, entry_id) is not None:  # a fresh id is unused
        return _replay(user, entry_id), False
    task = tasks.to_answer(user, data["task_id"]) if data.get("task_id") else None  # else 404
    session = None
    if data.get("kind") == BRIDGE:
        session = bridges.session_to_bridge(user, data.get("session_id"))
        composed = bridges.compose(user, session, data["details"])
        data = {**data, **composed, "title": data.get("title") or composed["title"]}
    now = utcnow()
    entry = Entry(
        id=entry_id,
        author_id=user.id,
        kind=data["kind"],
        prompt_id=data["prompt_id"],
        session_id=session and session.id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    cipher = cipher_for_user(user)
    _seal(entry, cipher, data["title"], data["body"], data["tags"])
    if data.get("details"):
        entry.details_sealed = cipher.seal(TABLE, entry.id, "details", json.dumps(data["details"]))
    db.session.add(entry)
    if task is not None:
        db.session.flush()
        tasks.answered_by(task, entry)
    try:
        search_index.put(user, entry, data["title"], data["body"], data["tags"])
        db.session.commit()
    except IntegrityError:
        # Two copies of the same create raced; the other one won.
        db.session.rollback()
        return _replay(user, entry_id), False
    if session is not None and data.get("leads_packet"):
        therapist_id = db.session.get(Link, session.link_id).therapist_id
        sharing.share(user, entry.id, therapist_id)  # the top of the packet is for reading
        return get(user, entry.id), True
    return _view(entry, cipher), True


# Built once, for the most frequent reads (see sharing._STATUSES).
_ONE = select(Entry.__table__).where(
    Entry.id == bindparam("entry_id"),
    Entry.author_id == bindparam("author_id"),
    Entry.deleted_at.is_(None),
)
_BY_IDS = select(Entry.__table__).where(
    Entry.id.in_(bindparam("ids", expanding=True)),
    Entry.author_id == bindparam("author_id"),
    Entry.deleted_at.is_(None),
)
_NEWEST = (
    select(Entry.__table__)
    .where(Entry.author_id == bindparam("author_id"), Entry.deleted_at.is_(None))
    .order_by(Entry.created_at.desc(), Entry.id.desc())
    .limit(bindparam("limit"))
)


def get(user: User, entry_id: str) -> EntryView:
    """Open one of the user's own entries."""
    row = db.session.execute(_ONE, {"entry_id": entry_id, "author_id": user.id}).first()
    if row is None:
        raise not_found()
    return _with_shares(user, [_view(row, cipher_for_user(user))])[0]


def update(user: User, entry_id: str, data: dict) -> EntryView:
    """Apply an edit based on `version`; a stale one is refused with the current entry."""
    entry = _own(user, entry_id, for_update=True)
    cipher = cipher_for_user(user)
    current = _with_shares(user, [_view(entry, cipher)])[0]
    if data["version"] != entry.version:
        raise AppError(
            409,
            "version_conflict",
            "This entry changed somewhere else. Nothing was overwritten.",
            extra={"current": current},
        )
    _seal(
        entry,
        cipher,
        data.get("title", current.title),
        data.get("body", current.body),
        data.get("tags", current.tags),
    )
    if entry.kind != BRIDGE:  # a bridge stays one: it belongs to its session
        entry.kind = data.get("kind", entry.kind)
    if "body" in data and data["body"] != current.body:
        entry.details_sealed = None  # the composer's parts no longer match the words
    entry.version += 1
    entry.updated_at = utcnow()
    edited = _view(entry, cipher)
    search_index.put(user, entry, edited.title, edited.body, edited.tags)
    db.session.commit()
    if edited.kind != current.kind:  # a verdict belongs to feedback and questions only
        return _with_shares(user, [edited])[0]
    edited.shares, edited.repair = current.shares, current.repair  # the words changed, not these
    return edited


def delete(user: User, entry_id: str) -> None:
    """Delete an entry: its text is wiped, only a tombstone id remains."""
    entry = _own(user, entry_id, for_update=True)
    entry.title_sealed = entry.body_sealed = entry.tags_sealed = entry.details_sealed = None
    entry.deleted_at = utcnow()
    # Its shares, packet places, answers and verdict go with it: the tombstone keeps no trace
    # of who read it or what was said about it.
    for model in (Share, PacketItem, Answer, Repair):
        db.session.execute(delete_rows(model).where(model.entry_id == entry.id))
    search_index.drop(user, entry)  # its words leave the index in the same transaction
    audit.record("delete_entry", actor_id=user.id, owner_id=user.id, entry_id=entry.id)
    db.session.commit()


def _matches(view: EntryView, needle: str, tag: str) -> bool:
    if tag and tag not in (t.casefold() for t in view.tags):
        return False
    if needle:
        haystack = "\n".join([view.title, view.body, *view.tags]).casefold()
        return needle in haystack
    return True


def list_entries(
    user: User,
    *,
    q: str = "",
    tag: str = "",
    kind: str = "",
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """List the user's entries newest first, optionally searching text and filtering."""
    needle, tag = q.strip().casefold(), tag.strip().casefold()
    if needle or tag:
        found = _found(user, needle, tag, kind, cursor, limit)
    else:
        if kind or cursor:
            query = _live(user, kind).where(after_cursor(Entry.created_at, Entry.id, cursor))
            rows = db.session.execute(query.limit(limit + 1))
        else:  # the first page, by far the most asked for
            rows = db.session.execute(_NEWEST, {"author_id": user.id, "limit": limit + 1})
        cipher = cipher_for_user(user)
        found = [_view(row, cipher) for row in rows]
    more = len(found) > limit
    items = found[:limit]
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if more else None
    return Page(_with_shares(user, items), next_cursor)


def _live(user: User, kind: str = ""):
    """The user's live entries, newest first, of one kind if given: plain rows, not ORM objects,
    since reading needs no change tracking (a third of a list's time went to making them)."""
    query = select(Entry.__table__).where(Entry.author_id == user.id, Entry.deleted_at.is_(None))
    if kind:
        query = query.where(Entry.kind == kind)
    return query.order_by(Entry.created_at.desc(), Entry.id.desc())


def _found(
    user: User, needle: str, tag: str, kind: str, cursor: str | None, limit: int
) -> list[EntryView]:
    """Up to limit + 1 matching entries after the cursor: through the sealed index, or, for an
    account whose index isn't whole yet, by opening entries until enough match."""
    after = None
    if cursor:
        moment, row_id = decode_cursor(cursor)
        after = (search_index.micros(moment), row_id)
    ids = search_index.search(user, needle=needle, tag=tag, kind=kind, after=after, limit=limit + 1)
    cipher = cipher_for_user(user)
    if ids is not None:
        params = {"ids": ids, "author_id": user.id}
        rows = {row.id: row for row in db.session.execute(_BY_IDS, params)}
        return [_view(rows[i], cipher) for i in ids if i in rows]
    found: list[EntryView] = []
    for view in opened(user, kind, cursor):
        if _matches(view, needle, tag):
            found.append(view)
            if len(found) > limit:
                break
    return found


def opened(user: User, kind: str = "", cursor: str | None = None):
    """The user's live entries (of one kind, after a cursor, if given), opened, newest first, a
    batch at a time (no shares)."""
    cipher = cipher_for_user(user)
    while True:
        rows = db.session.execute(
            _live(user, kind)
            .where(after_cursor(Entry.created_at, Entry.id, cursor))
            .limit(SCAN_BATCH)
        ).all()
        yield from (_view(row, cipher) for row in rows)
        if len(rows) < SCAN_BATCH:
            return
        cursor = encode_cursor(rows[-1].created_at, rows[-1].id)


def written_between(user: User, start, end, *, kind: str = "", shared_with: str | None = None):
    """The user's live entries written in [start, end), oldest first, opened a batch at a time;
    of one kind, or shared now with one linked therapist, if asked."""
    cipher = cipher_for_user(user)
    query = select(Entry.__table__).where(
        Entry.author_id == user.id,
        Entry.deleted_at.is_(None),
        Entry.created_at >= start,
        Entry.created_at < end,
    )
    if kind:
        query = query.where(Entry.kind == kind)
    if shared_with:
        query = query.where(Entry.id.in_(sharing.shared_with_now(user, shared_with)))
    after = None
    while True:
        page = query
        if after:
            page = page.where(tuple_(Entry.created_at, Entry.id) > after)
        rows = db.session.execute(page.order_by(Entry.created_at, Entry.id).limit(SCAN_BATCH)).all()
        yield from (_view(row, cipher) for row in rows)
        if len(rows) < SCAN_BATCH:
            return
        after = (rows[-1].created_at, rows[-1].id)


def list_all(user: User) -> list[EntryView]:
    """Every live entry of the user, newest first (for export)."""
    cipher = cipher_for_user(user)
    return _with_shares(user, [_view(row, cipher) for row in db.session.execute(_live(user))])


def in_batches(user: User):
    """Every live entry of the user, newest first, with its shares, a batch at a time (for the
    archive: memory stays flat however long the journal is)."""
    batch: list[EntryView] = []
    for view in opened(user):
        batch.append(view)
        if len(batch) == SCAN_BATCH:
            yield _with_shares(user, batch)
            batch = []
    if batch:
        yield _with_shares(user, batch)


def shared_now(user: User) -> list[EntryView]:
    """The user's entries shared with a therapist right now, with their shares, the most recently
    shared first: every one in two queries and one for their shares, however many."""
    ids = sharing.shared_now(user)
    rows = {e.id: e for e in db.session.scalars(select(Entry).where(Entry.id.in_(ids)))}
    cipher = cipher_for_user(user)
    return _with_shares(user, [_view(rows[i], cipher) for i in ids if i in rows])
