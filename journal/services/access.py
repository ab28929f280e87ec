"""Who may read what: the one place that says which shares a therapist can see right now.

Every therapist-facing query is built on `visible_shares`, so the rule is written once:
an active link to that therapist, a share not withdrawn and not past its end, and an entry
that still exists.
"""

from sqlalchemy import Row, Select, or_, select

from journal.errors import not_found
from journal.extensions import db
from journal.models import Entry, Link, Share, User, utcnow


def share_is_live(now=None):
    """Conditions under which a share still grants reading (link and entry checked apart)."""
    now = utcnow() if now is None else now  # or a bound parameter, in a statement built once
    return (Share.revoked_at.is_(None), or_(Share.expires_at.is_(None), Share.expires_at > now))


def visible_shares(therapist: User) -> Select:
    """Select (Share, Entry, Link) rows the therapist may read at this moment."""
    return (
        select(Share, Entry, Link)
        .join(Link, Share.link_id == Link.id)
        .join(Entry, Share.entry_id == Entry.id)
        .where(
            Link.therapist_id == therapist.id,
            Link.status == "active",
            Entry.deleted_at.is_(None),
            *share_is_live(),
        )
    )


def readable_share(therapist: User, link: Link, entry_id: str) -> Row:
    """The (Share, Entry, Link) of one entry the therapist may read over this link now; 404
    for anything else (unshared, withdrawn, expired, deleted, someone else's)."""
    found = db.session.execute(
        visible_shares(therapist).where(Link.id == link.id, Entry.id == entry_id)
    ).first()
    if found is None:
        raise not_found()
    return found


def live_shares_of_entries(entry_ids, now=None) -> Select:
    """Select (Share, Link) for the current shares of some entries (the author's view); the ids
    and the moment may be bound parameters."""
    return (
        select(Share, Link)
        .join(Link, Share.link_id == Link.id)
        .where(Share.entry_id.in_(entry_ids), Link.status == "active", *share_is_live(now))
    )
