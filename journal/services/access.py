"""Who may read what: the one place that says which shares a therapist can see right now.

Every therapist-facing query is built on `visible_shares`, so the rule is written once:
an active link to that therapist, a share not withdrawn and not past its end, and an entry
that still exists.
"""

from sqlalchemy import Select, or_, select

from journal.models import Entry, Link, Share, User, utcnow


def share_is_live(now=None):
    """Conditions under which a share still grants reading (link and entry checked apart)."""
    now = now or utcnow()
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


def live_shares_of_entries(entry_ids: list[str]) -> Select:
    """Select (Share, Link) for the current shares of some entries (the author's view)."""
    return (
        select(Share, Link)
        .join(Link, Share.link_id == Link.id)
        .where(Share.entry_id.in_(entry_ids), Link.status == "active", *share_is_live())
    )
