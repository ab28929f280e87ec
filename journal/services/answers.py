"""A therapist's answers to what a client shared: heard, a short reply, a wish to talk it over.

A therapist may answer, change or withdraw an answer only on what they may read right now (the
rule in services/access.py, for entries and passages; shared check-ins over the active link).
The client sees every answer to their own items. The reply is sealed with the client's key.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from journal.errors import not_found
from journal.extensions import db
from journal.models import Answer, Checkin, Entry, Link, User, new_id, utcnow
from journal.services import audit
from journal.services.access import readable_share
from journal.services.keys import cipher_for_user
from journal.services.links import client_link
from journal.services.pagination import Page, after_cursor, encode_cursor
from journal.transactions import will_write

TABLE = "answers"
CHECKIN_TITLE = "Your check-in"


@dataclass
class AnswerView:
    """One answer, as the therapist who gave it and the client who received it see it."""

    entry_id: str | None
    checkin_id: str | None
    therapist_id: str
    therapist_name: str
    heard: bool
    reply: str | None
    discuss_next_session: bool
    answered_at: datetime
    updated_at: datetime
    seen: bool
    item_title: str = ""
    client_id: str | None = None


def view(row: Answer, therapist: User, client: User, title: str = "") -> AnswerView:
    """An answer with its reply opened (with the client's key)."""
    sealed = row.reply_sealed
    reply = sealed and cipher_for_user(client).open(TABLE, row.id, "reply", sealed)
    return AnswerView(
        entry_id=row.entry_id,
        checkin_id=row.checkin_id,
        therapist_id=therapist.id,
        therapist_name=therapist.display_name,
        heard=row.heard,
        reply=reply or None,
        discuss_next_session=row.discuss_next_session,
        answered_at=row.answered_at,
        updated_at=row.updated_at,
        seen=row.seen_at is not None,
        item_title=title,
        client_id=client.id,
    )


def _shared_entry(therapist: User, client_id: str, entry_id: str) -> Link:
    """The link over which this entry is readable by the therapist now; 404 otherwise."""
    link = client_link(therapist, client_id)
    readable_share(therapist, link, entry_id)
    return link


def _shared_checkin(therapist: User, client_id: str, checkin_id: str) -> Link:
    """The link over which this check-in is shared with the therapist now; 404 otherwise."""
    link = client_link(therapist, client_id)
    shared = db.session.scalar(
        select(Checkin.id).where(
            Checkin.id == checkin_id, Checkin.link_id == link.id, Checkin.shared.is_(True)
        )
    )
    if shared is None:
        raise not_found()
    return link


def _find(link: Link, entry_id: str | None, checkin_id: str | None) -> Answer | None:
    item = Answer.entry_id == entry_id if entry_id else Answer.checkin_id == checkin_id
    return db.session.scalar(select(Answer).where(Answer.link_id == link.id, item))


def _save(therapist: User, link: Link, data: dict, entry_id=None, checkin_id=None) -> AnswerView:
    client = db.session.get(User, link.client_id)
    row, now = _find(link, entry_id, checkin_id), utcnow()
    if row is None:
        row = Answer(id=new_id(), link_id=link.id, entry_id=entry_id, checkin_id=checkin_id)
        row.answered_at = now
        db.session.add(row)
    reply = data.get("reply")
    row.heard, row.discuss_next_session = data["heard"], data["discuss_next_session"]
    cipher = cipher_for_user(client)
    row.reply_sealed = cipher.seal(TABLE, row.id, "reply", reply) if reply else None
    row.updated_at, row.seen_at = now, None  # changed: new to the client again
    audit.record("answer", actor_id=therapist.id, owner_id=client.id, entry_id=entry_id)
    db.session.commit()
    return view(row, therapist, client)


def answer_entry(therapist: User, client_id: str, entry_id: str, data: dict) -> AnswerView:
    """Answer (or change the answer to) an entry the client shares with the therapist now."""
    return _save(therapist, _shared_entry(therapist, client_id, entry_id), data, entry_id=entry_id)


def answer_checkin(therapist: User, client_id: str, checkin_id: str, data: dict) -> AnswerView:
    """Answer (or change the answer to) a check-in the client shares with the therapist now."""
    link = _shared_checkin(therapist, client_id, checkin_id)
    return _save(therapist, link, data, checkin_id=checkin_id)


def _withdraw(therapist: User, link: Link, entry_id=None, checkin_id=None) -> None:
    row = _find(link, entry_id, checkin_id)
    if row is not None:
        db.session.delete(row)
        audit.record(
            "answer_withdrawn", actor_id=therapist.id, owner_id=link.client_id, entry_id=entry_id
        )
        db.session.commit()


def withdraw_entry_answer(therapist: User, client_id: str, entry_id: str) -> None:
    """Take back the answer to a shared entry (nothing to take back is fine)."""
    link = _shared_entry(therapist, client_id, entry_id)
    _withdraw(therapist, link, entry_id=entry_id)


def withdraw_checkin_answer(therapist: User, client_id: str, checkin_id: str) -> None:
    """Take back the answer to a shared check-in (nothing to take back is fine)."""
    _withdraw(therapist, _shared_checkin(therapist, client_id, checkin_id), checkin_id=checkin_id)


def given(therapist: User, client_id: str, entry_id: str) -> AnswerView | None:
    """The therapist's answer to an entry they may read now, for its page."""
    link = _shared_entry(therapist, client_id, entry_id)
    row = _find(link, entry_id, None)
    return row and view(row, therapist, db.session.get(User, link.client_id))


def given_to_checkins(therapist: User, client_id: str) -> dict[str, AnswerView]:
    """The therapist's answers to the client's shared check-ins, by check-in id (one query)."""
    link = client_link(therapist, client_id)
    client = db.session.get(User, link.client_id)
    rows = db.session.scalars(
        select(Answer)
        .join(Checkin, Checkin.id == Answer.checkin_id)
        .where(Answer.link_id == link.id, Checkin.shared.is_(True))
    )
    return {row.checkin_id: view(row, therapist, client) for row in rows}


def given_by(therapist: User) -> list[AnswerView]:
    """Every answer the therapist gave, over every link, ended ones too, newest first (for their
    own export): their words, opened with each client's key, and never the item's title."""
    rows = db.session.execute(
        select(Answer, User)
        .join(Link, Link.id == Answer.link_id)
        .join(User, User.id == Link.client_id)
        .where(Link.therapist_id == therapist.id)
        .order_by(Answer.updated_at.desc(), Answer.id.desc())
    )
    return [view(row, therapist, client) for row, client in rows]


def _received(client: User):
    """Answers to the client's items (not to deleted entries), with therapist and entry."""
    return (
        select(Answer, User, Entry)
        .join(Link, Link.id == Answer.link_id)
        .join(User, User.id == Link.therapist_id)
        .outerjoin(Entry, Entry.id == Answer.entry_id)
        .where(Link.client_id == client.id, Entry.deleted_at.is_(None))
        .order_by(Answer.updated_at.desc(), Answer.id.desc())
    )


def _views(client: User, rows) -> list[AnswerView]:
    cipher = cipher_for_user(client)
    return [view(row, therapist, client, _title(cipher, entry)) for row, therapist, entry in rows]


def replies(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Every answer to the client's items, newest change first, in one query."""
    rows = db.session.execute(
        _received(client).where(after_cursor(Answer.updated_at, Answer.id, cursor)).limit(limit + 1)
    ).all()
    last = rows[limit - 1][0] if len(rows) > limit else None
    return Page(
        _views(client, rows[:limit]), encode_cursor(last.updated_at, last.id) if last else None
    )


def received(client: User) -> list[AnswerView]:
    """Every answer to the client's items, newest first (for the export)."""
    return _views(client, db.session.execute(_received(client)).all())


def _title(cipher, entry: Entry | None) -> str:
    if entry is None:
        return CHECKIN_TITLE
    return cipher.open(Entry.__tablename__, entry.id, "title", entry.title_sealed)


def mark_seen(client: User) -> None:
    """Remember that the client has seen every answer so far."""
    will_write()
    links = select(Link.id).where(Link.client_id == client.id)
    db.session.execute(
        update(Answer)
        .where(Answer.link_id.in_(links), Answer.seen_at.is_(None))
        .values(seen_at=utcnow())
    )
    db.session.commit()


def look(client: User, limit: int = 5) -> list[AnswerView]:
    """The latest answers for the journal home, each saying whether it is new; then they are
    remembered as seen (what is new is what came since the client last looked)."""
    latest = replies(client, limit=limit).items
    if any(not item.seen for item in latest):
        mark_seen(client)
    return latest
