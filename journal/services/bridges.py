"""The after-session bridge: a few lines about a session, written while it is fresh.

For 48 hours after a session ends, the journal home offers it: one takeaway, what helped most,
anything that didn't sit right. It is an entry of kind "after_session" tied to that session,
private unless the client puts it at the top of the next packet (which shares it). The
therapist's digest of the next session shows a shared bridge first, above the agenda.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from journal.errors import not_found, validation_error
from journal.extensions import db
from journal.models import BRIDGE, Entry, Link, TherapySession, User, utcnow
from journal.services import appointments
from journal.services.access import visible_shares
from journal.services.keys import cipher_for_user

ENTRIES = Entry.__tablename__
WINDOW = timedelta(hours=48)
TOO_LATE = "You can write about a session in the 48 hours after it ends."
PARTS = {
    "takeaway": "One thing I take away",
    "helped": "What helped most",
    "hindered": "What didn't sit right",
}


@dataclass
class BridgeView:
    """A bridge as the therapist may read it (a shared passage shows only as a passage)."""

    entry_id: str
    parts: dict | None  # None when only a passage is shared
    unread: bool


def is_open(session: TherapySession) -> bool:
    """Whether a bridge can still be written about the session (in the 48 hours after it)."""
    now = utcnow()
    return now - WINDOW < session.ends_at <= now


def session_to_bridge(client: User, session_id: str | None) -> TherapySession:
    """The client's session a new bridge reflects on; 422 on `session_id` unless it is theirs
    and ended in the last 48 hours."""
    session = appointments.clients_session(client, session_id)
    if session is None or not is_open(session):
        raise validation_error({"session_id": [TOO_LATE]})
    return session


def compose(client: User, session: TherapySession, parts: dict) -> dict:
    """The title, body and details of a bridge, from its three parts (blank ones left out)."""
    kept = {key: (parts.get(key) or "").strip() for key in PARTS}
    body = "\n\n".join(f"{PARTS[key]}: {text}" for key, text in kept.items() if text)
    day = session.starts_at.astimezone(ZoneInfo(client.time_zone))
    return {"title": f"After the session on {day:%-d %b}", "body": body, "details": kept}


def offer(client: User) -> TherapySession | None:
    """The session the journal home offers a bridge for: ended in the last 48 hours, on a live
    link, with no bridge written and no "not now"."""
    now = utcnow()
    written = (
        select(Entry.id)
        .where(
            Entry.author_id == client.id,
            Entry.kind == BRIDGE,
            Entry.session_id == TherapySession.id,
            Entry.deleted_at.is_(None),
        )
        .exists()
    )
    return db.session.scalar(
        select(TherapySession)
        .join(Link, Link.id == TherapySession.link_id)
        .where(
            Link.client_id == client.id,
            Link.status == "active",
            TherapySession.ends_at <= now,
            TherapySession.ends_at > now - WINDOW,
            TherapySession.bridge_closed_at.is_(None),
            ~written,
        )
        .order_by(TherapySession.ends_at.desc())
        .limit(1)
    )


def close_offer(client: User, session_id: str) -> None:
    """ "Not now": the offer for that session does not come back."""
    session = appointments.clients_session(client, session_id)
    if session is None:
        raise not_found()
    session.bridge_closed_at = utcnow()
    db.session.commit()


def _before(session: TherapySession) -> TherapySession | None:
    return db.session.scalar(
        select(TherapySession)
        .where(
            TherapySession.link_id == session.link_id,
            TherapySession.starts_at < session.starts_at,
        )
        .order_by(TherapySession.starts_at.desc(), TherapySession.id.desc())
        .limit(1)
    )


def for_digest(therapist: User, client: User, session: TherapySession) -> BridgeView | None:
    """The bridge about the session before this one that the client shares now, if any."""
    before = _before(session)
    if before is None:
        return None
    found = db.session.execute(
        visible_shares(therapist)
        .where(Link.id == session.link_id, Entry.kind == BRIDGE, Entry.session_id == before.id)
        .order_by(Entry.created_at.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    share, entry, _ = found
    if share.passage_sealed is not None:
        return BridgeView(entry.id, None, share.read_at is None)
    return BridgeView(entry.id, _parts(client, entry), share.read_at is None)


def for_packet(client: User, session: TherapySession) -> Entry | None:
    """The client's own bridge about the session before this one (shown leading the packet)."""
    before = _before(session)
    if before is None:
        return None
    return db.session.scalar(
        select(Entry)
        .where(
            Entry.author_id == client.id,
            Entry.kind == BRIDGE,
            Entry.session_id == before.id,
            Entry.deleted_at.is_(None),
        )
        .order_by(Entry.created_at.desc())
        .limit(1)
    )


def _parts(client: User, entry: Entry) -> dict | None:
    if entry.details_sealed is None:
        return None
    opened = cipher_for_user(client).open(ENTRIES, entry.id, "details", entry.details_sealed)
    return {key: value for key, value in json.loads(opened).items() if key in PARTS and value}
