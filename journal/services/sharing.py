"""Per-entry sharing from the client's side: share, share a passage, share until, withdraw."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select

from journal.errors import AppError, not_found, validation_error
from journal.extensions import db
from journal.models import Answer, Entry, Link, Share, User, utcnow
from journal.services import answers, appointments, audit
from journal.services.access import live_shares_of_entries, share_is_live
from journal.services.keys import cipher_for_user
from journal.services.links import active_link

TABLE = "shares"


@dataclass
class ShareStatus:
    """Who an entry is shared with, and whether they have read it."""

    therapist_id: str
    therapist_name: str
    shared_at: datetime
    read_at: datetime | None
    expires_at: datetime | None
    until_session_id: str | None
    passage: str | None
    answer: "answers.AnswerView | None" = None


def _own_entry(client: User, entry_id: str) -> Entry:
    entry = db.session.scalar(
        select(Entry).where(
            Entry.id == entry_id, Entry.author_id == client.id, Entry.deleted_at.is_(None)
        )
    )
    if entry is None:
        raise not_found()
    return entry


def _link_to(client: User, therapist_id: str) -> Link:
    link = active_link(client.id, therapist_id)
    if link is None:
        raise not_found()
    return link


def share(
    client: User,
    entry_id: str,
    therapist_id: str,
    *,
    until: datetime | None = None,
    until_next_session: bool = False,
    passage: str | None = None,
) -> tuple[Share, bool]:
    """Share an entry (or a passage of it) with a linked therapist; True when newly shared."""
    entry, link = _own_entry(client, entry_id), _link_to(client, therapist_id)
    cipher = cipher_for_user(client)
    if until is not None and until <= utcnow():
        raise validation_error({"until": ["Choose a moment in the future."]})
    # Check the passage before touching the share: a refused share must leave nothing behind.
    if passage is not None and (
        not passage.strip()
        or passage not in cipher.open("entries", entry.id, "body", entry.body_sealed)
    ):
        raise validation_error({"passage": ["Choose words that are in this entry."]})
    until_session_id = None
    if until_next_session:
        session = appointments.next_session(link)
        until = appointments.end_of(link, session.id if session else None)
        until_session_id = session.id
    row = db.session.scalar(
        select(Share).where(Share.entry_id == entry.id, Share.link_id == link.id).with_for_update()
    )
    created = (
        row is None
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= utcnow())
    )
    if row is None:
        row = Share(entry_id=entry.id, link_id=link.id)
        db.session.add(row)
        db.session.flush()
    if created:
        row.shared_at, row.read_at, row.revoked_at = utcnow(), None, None
    row.expires_at, row.until_session_id = until, until_session_id
    row.passage_sealed = None
    if passage is not None:
        row.passage_sealed = cipher.seal(TABLE, row.id, "passage", passage)
    audit.record("share", actor_id=client.id, owner_id=client.id, entry_id=entry.id)
    db.session.commit()
    return row, created


def withdraw(client: User, entry_id: str, therapist_id: str) -> None:
    """Stop sharing an entry with a therapist, from the very next request on."""
    entry, link = _own_entry(client, entry_id), _link_to(client, therapist_id)
    row = db.session.scalar(
        select(Share).where(
            Share.entry_id == entry.id, Share.link_id == link.id, Share.revoked_at.is_(None)
        )
    )
    if row is None:
        raise not_found()
    row.revoked_at = utcnow()
    audit.record("withdraw", actor_id=client.id, owner_id=client.id, entry_id=entry.id)
    db.session.commit()


# Built once, as every list and entry page asks it: SQLAlchemy then skips making the statement
# and its cache key on each call, which cost more than running it.
_STATUSES = (
    live_shares_of_entries(bindparam("entry_ids", expanding=True), now=bindparam("now"))
    .add_columns(User, Answer)
    .join(User, User.id == Link.therapist_id)
    .outerjoin(Answer, and_(Answer.link_id == Link.id, Answer.entry_id == Share.entry_id))
    .where(Link.client_id == bindparam("client_id"))  # the author's own entries, whatever the ids
    .order_by(Share.shared_at)
)


def statuses(client: User, entry_ids: list[str]) -> dict[str, list[ShareStatus]]:
    """The current shares of several entries, in one query (for lists and entry pages)."""
    found: dict[str, list[ShareStatus]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return found
    cipher = cipher_for_user(client)
    rows = db.session.execute(
        _STATUSES, {"entry_ids": entry_ids, "client_id": client.id, "now": utcnow()}
    )
    for row, link, therapist, answer in rows:
        passage = (
            cipher.open(TABLE, row.id, "passage", row.passage_sealed)
            if row.passage_sealed
            else None
        )
        found[row.entry_id].append(
            ShareStatus(
                therapist_id=link.therapist_id,
                therapist_name=therapist.display_name,
                shared_at=row.shared_at,
                read_at=row.read_at,
                expires_at=row.expires_at,
                until_session_id=row.until_session_id,
                passage=passage,
                answer=answer and answers.view(answer, therapist, client),
            )
        )
    return found


def share_status(client: User, entry_id: str, therapist_id: str) -> ShareStatus:
    """The current share of one entry with one therapist (after sharing it)."""
    for status in statuses(client, [entry_id])[entry_id]:
        if status.therapist_id == therapist_id:
            return status
    raise AppError(404, "not_found", "That share has ended.")


def shared_with_now(client: User, therapist_id: str):
    """A subquery: the ids of the client's entries one linked therapist may read right now."""
    return (
        select(Share.entry_id)
        .join(Link, Share.link_id == Link.id)
        .where(
            Link.client_id == client.id,
            Link.therapist_id == therapist_id,
            Link.status == "active",
            *share_is_live(),
        )
        .scalar_subquery()
    )


def shared_now(client: User) -> list[str]:
    """The ids of the client's entries shared with a linked therapist right now, the most
    recently shared first (for "What I've shared")."""
    newest = func.max(Share.shared_at)
    return list(
        db.session.scalars(
            select(Share.entry_id)
            .join(Link, Share.link_id == Link.id)
            .join(Entry, Entry.id == Share.entry_id)
            .where(
                Entry.author_id == client.id,
                Entry.deleted_at.is_(None),
                Link.status == "active",
                *share_is_live(),
            )
            .group_by(Share.entry_id)
            .order_by(newest.desc(), Share.entry_id)
        )
    )
