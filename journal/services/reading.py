"""The therapist's side: linked clients at a glance, and reading what was shared."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select

from journal.extensions import db
from journal.models import Entry, Link, Share, TherapySession, User, utcnow
from journal.services import audit, checkins
from journal.services.access import readable_share, share_is_live, visible_shares
from journal.services.entries import TABLE as ENTRIES
from journal.services.keys import cipher_for
from journal.services.links import client_link
from journal.services.pagination import Page, after_cursor, encode_cursor
from journal.transactions import will_write


@dataclass
class ClientSummary:
    """One linked client as the therapist's list shows them."""

    id: str
    display_name: str
    link_id: str
    unread_count: int
    last_shared_at: datetime | None
    next_session_at: datetime | None
    alliance: "checkins.Flag | None" = None  # from shared check-ins only

    @property
    def alliance_flag(self) -> bool:
        """Whether the latest shared check-in is low, or fell since the one before."""
        return self.alliance is not None and self.alliance.raised


@dataclass
class SharedEntryView:
    """What a therapist may see of one shared entry: a passage share shows only its words."""

    entry_id: str
    kind: str
    title: str
    body: str | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    shared_at: datetime
    read_at: datetime | None
    expires_at: datetime | None
    passage: bool


def _clients_statement():
    """The therapist's list in one statement, built once (its parameters: therapist_id, now)."""
    now = bindparam("now")
    live = and_(Share.link_id == Link.id, Entry.deleted_at.is_(None), *share_is_live(now))
    shares = select(Share).join(Entry, Share.entry_id == Entry.id).where(live)
    unread = shares.where(Share.read_at.is_(None)).with_only_columns(func.count())
    # The newest live share, found by walking the link's shares newest first (an index), not
    # by reading them all: a link's history grows, its newest share is near the top.
    last = shares.with_only_columns(Share.shared_at).order_by(Share.shared_at.desc()).limit(1)
    upcoming = select(func.min(TherapySession.starts_at)).where(
        TherapySession.link_id == Link.id, TherapySession.ends_at > now
    )
    return (
        select(
            User.id,
            User.display_name,
            Link.id,
            unread.scalar_subquery(),
            last.scalar_subquery(),
            upcoming.scalar_subquery(),
        )
        .join(Link, Link.client_id == User.id)
        .where(Link.therapist_id == bindparam("therapist_id"), Link.status == "active")
        .order_by(User.display_name, User.id)
    )


_CLIENTS = _clients_statement()


def clients(therapist: User) -> list[ClientSummary]:
    """Every client with an active link: unread counts, last share, next session, the flag.

    Two queries, however many clients: the list, and the alliance flags.
    """
    flags = checkins.flags(therapist)
    rows = db.session.execute(_CLIENTS, {"therapist_id": therapist.id, "now": utcnow()})
    return [ClientSummary(*row, alliance=flags.get(row[0])) for row in rows]


def _view(share: Share, entry: Entry, client: User, *, with_body: bool) -> SharedEntryView:
    cipher = cipher_for(client.id, client.wrapped_key, client.key_version)
    passage = share.passage_sealed is not None
    if passage:
        title, tags = "", []
        body = cipher.open("shares", share.id, "passage", share.passage_sealed)
    else:
        title = cipher.open(ENTRIES, entry.id, "title", entry.title_sealed)
        tags = [] if not with_body else _tags(cipher, entry)
        body = cipher.open(ENTRIES, entry.id, "body", entry.body_sealed) if with_body else None
    return SharedEntryView(
        entry_id=entry.id,
        kind=entry.kind,
        title=title,
        body=body if with_body else None,
        tags=tags,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        shared_at=share.shared_at,
        read_at=share.read_at,
        expires_at=share.expires_at,
        passage=passage,
    )


def _tags(cipher, entry: Entry) -> list[str]:
    return json.loads(cipher.open(ENTRIES, entry.id, "tags", entry.tags_sealed))


def shared_entries(
    therapist: User, client_id: str, *, limit: int = 20, cursor: str | None = None
) -> Page:
    """What one client shares with the therapist now, newest share first; no bodies."""
    link = client_link(therapist, client_id)
    client = db.session.get(User, link.client_id)
    rows = db.session.execute(
        visible_shares(therapist)
        .where(Link.id == link.id, after_cursor(Share.shared_at, Share.id, cursor))
        .order_by(Share.shared_at.desc(), Share.id.desc())
        .limit(limit + 1)
    ).all()
    items = [_view(share, entry, client, with_body=False) for share, entry, _ in rows[:limit]]
    more = len(rows) > limit
    next_cursor = (
        encode_cursor(rows[limit - 1][0].shared_at, rows[limit - 1][0].id) if more else None
    )
    return Page(items, next_cursor)


def read(therapist: User, client_id: str, entry_id: str) -> SharedEntryView:
    """Open one shared entry: the first read is remembered, and every read is in the log."""
    link = client_link(therapist, client_id)
    share, entry, _ = readable_share(therapist, link, entry_id)
    will_write()
    if share.read_at is None:
        share.read_at = utcnow()
    action = "read_passage" if share.passage_sealed else "read_entry"  # say what was seen
    audit.record(action, actor_id=therapist.id, owner_id=link.client_id, entry_id=entry.id)
    db.session.commit()
    return _view(share, entry, db.session.get(User, link.client_id), with_body=True)
