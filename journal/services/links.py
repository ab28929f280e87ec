"""Invites and links: how a client's journal gets connected to a therapist, and disconnected."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import or_, select

from journal.errors import AppError, not_found
from journal.extensions import db
from journal.models import Invite, Link, User, utcnow
from journal.services import audit
from journal.transactions import will_write

INVITE_DAYS = 14
# Crockford's base32: no I, L, O or U, so a code read aloud is hard to mistype.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 12  # 12 x 5 = 60 bits of randomness
INVALID = "That code doesn't work. It may be mistyped, used already, or more than 14 days old."


def normalise_code(code: str) -> str:
    """Read a code the way people type it: any case, spaces or dashes, O for 0, I or L for 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    """Group a code in fours for reading aloud: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def create_invite(therapist: User, note: str | None = None) -> tuple[Invite, str]:
    """Make a single-use invite, with the therapist's own note of whom it is for; return it with
    its code (shown once, stored only hashed)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    invite = Invite(
        code_hash=_hash(code),
        therapist_id=therapist.id,
        expires_at=utcnow() + timedelta(days=INVITE_DAYS),
        note=note.strip() if note and note.strip() else None,
    )
    db.session.add(invite)
    audit.record("invite", actor_id=therapist.id, owner_id=therapist.id)
    db.session.commit()
    return invite, format_code(code)


def open_invites(therapist: User) -> list[Invite]:
    """The therapist's invites that can still be used, newest first."""
    return list(
        db.session.scalars(
            select(Invite)
            .where(
                Invite.therapist_id == therapist.id,
                Invite.used_at.is_(None),
                Invite.cancelled_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .order_by(Invite.created_at.desc())
        )
    )


def open_invite(therapist: User, invite_id: str) -> Invite | None:
    """One of the therapist's invites that can still be used, or None."""
    return next((made for made in open_invites(therapist) if made.id == invite_id), None)


def cancel_invite(therapist: User, invite_id: str) -> None:
    """Withdraw an unused invite of one's own."""
    invite = db.session.scalar(
        select(Invite).where(
            Invite.id == invite_id,
            Invite.therapist_id == therapist.id,
            Invite.used_at.is_(None),
            Invite.cancelled_at.is_(None),
        )
    )
    if invite is None:
        raise not_found()
    invite.cancelled_at = utcnow()
    db.session.commit()


def find_invite(code: str) -> Invite:
    """The usable invite for a code, or 422 invalid_invite for anything else."""
    invite = db.session.scalar(
        select(Invite).where(Invite.code_hash == _hash(code)).with_for_update()
    )
    if invite is None or invite.used_at or invite.cancelled_at or invite.expires_at <= utcnow():
        raise AppError(422, "invalid_invite", INVALID, fields={"code": [INVALID]})
    return invite


def redeem(client: User, code: str) -> Link:
    """Use an invite: link the client's journal to the therapist who made it."""
    invite = find_invite(code)
    existing = active_link(client.id, invite.therapist_id)
    if existing is not None:
        raise AppError(
            422,
            "already_linked",
            "You're already linked with this therapist.",
            fields={"code": ["You're already linked with this therapist."]},
        )
    invite.used_at, invite.used_by = utcnow(), client.id
    link = Link(client_id=client.id, therapist_id=invite.therapist_id)
    db.session.add(link)
    db.session.flush()
    audit.record("link", actor_id=client.id, owner_id=client.id)
    db.session.commit()
    return link


def active_link(client_id: str, therapist_id: str) -> Link | None:
    """The active link between a client and a therapist, if there is one."""
    return db.session.scalar(
        select(Link).where(
            Link.client_id == client_id, Link.therapist_id == therapist_id, Link.status == "active"
        )
    )


def client_link(therapist: User, client_id: str) -> Link:
    """The active link to one of the therapist's clients; anyone else is not found."""
    link = active_link(client_id, therapist.id)
    if link is None:
        raise not_found()
    return link


def links_of(user: User, *, active_only: bool = True) -> list[Link]:
    """The user's links (as client or as therapist), newest first, the other side loaded."""
    query = select(Link).where(or_(Link.client_id == user.id, Link.therapist_id == user.id))
    if active_only:
        query = query.where(Link.status == "active")
    query = query.options(db.joinedload(Link.client), db.joinedload(Link.therapist))
    return list(db.session.scalars(query.order_by(Link.created_at.desc(), Link.id.desc())))


def own_link(user: User, link_id: str) -> Link:
    """One active link the user is part of; anything else is not found."""
    link = db.session.scalar(
        select(Link).where(
            Link.id == link_id,
            Link.status == "active",
            or_(Link.client_id == user.id, Link.therapist_id == user.id),
        )
    )
    if link is None:
        raise not_found()
    return link


def clients_link(client: User, link_id: str) -> Link:
    """One of the client's links, ended ones too (their past sessions stay theirs to read);
    anything else is not found."""
    link = db.session.scalar(select(Link).where(Link.id == link_id, Link.client_id == client.id))
    if link is None:
        raise not_found()
    return link


def end(link: Link, by: str) -> None:
    """Mark a link ended, by whom, and the therapist's name then (the caller records and
    commits)."""
    link.status, link.ended_at, link.ended_by = "ended", utcnow(), by
    link.ended_name = link.therapist.display_name


def end_link(user: User, link_id: str) -> None:
    """End a link from either side: the therapist at once loses everything shared over it. A
    therapist's ending is told to the client."""
    link = own_link(user, link_id)
    end(link, "therapist" if link.therapist_id == user.id else "client")
    audit.record("unlink", actor_id=user.id, owner_id=link.client_id)
    db.session.commit()


def past_links(client: User) -> list[Link]:
    """The client's ended links, the most recently ended first, therapists loaded."""
    return list(
        db.session.scalars(
            select(Link)
            .where(Link.client_id == client.id, Link.status == "ended")
            .options(db.joinedload(Link.therapist))
            .order_by(Link.ended_at.desc(), Link.id.desc())
        )
    )


def endings_to_tell(client: User) -> list[Link]:
    """Links a therapist ended (or closed with their account) that the client hasn't been told
    of yet; told now, so the journal home says it once (commits)."""
    untold = [
        link
        for link in past_links(client)
        if link.ended_by in ("therapist", "closed") and link.ending_told_at is None
    ]
    if untold:
        will_write()
        for link in untold:
            link.ending_told_at = utcnow()
        db.session.commit()
    return untold
