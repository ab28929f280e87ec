"""Single-use links sent by mail: made, found while they still work, and voided. Only a hash of
each token is stored, so a copy of the database opens no account."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AccountToken, User, new_id, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    user: User,
    purpose: str,
    lifetime: timedelta,
    *,
    address: str | None = None,
    password_marker: str | None = None,
) -> str:
    """Store a new link's hash for this account and purpose (the caller commits); return the
    token to mail."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            id=new_id(),
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            address=address,
            password_marker=password_marker,
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def find_live(token: str, purposes: tuple[str, ...], invalid: str) -> tuple[AccountToken, User]:
    """The unused, unexpired link of one of these purposes and its account, locked so that it
    is used once even when two tries race; 422 invalid_token otherwise."""
    found = db.session.execute(
        select(AccountToken, User)
        .join(User, User.id == AccountToken.user_id)
        .where(AccountToken.token_hash == _hash(token), AccountToken.purpose.in_(purposes))
        .with_for_update(of=AccountToken)
    ).first()
    if found is None or found[0].used_at or found[0].expires_at <= utcnow():
        raise AppError(422, "invalid_token", invalid)
    return found[0], found[1]


def void(user: User, *purposes: str) -> None:
    """Mark every unused link of these purposes used (the caller commits)."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose.in_(purposes),
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def pending(user: User, purpose: str) -> AccountToken | None:
    """The newest unused, unexpired link of this purpose, if any."""
    return db.session.scalar(
        select(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .order_by(AccountToken.created_at.desc())
        .limit(1)
    )
