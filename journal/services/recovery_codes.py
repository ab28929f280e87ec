"""Recovery codes for two-step sign-in: ten single-use codes that stand in for the authenticator
app, shown once (at setup, or when made again with the password). Only a keyed hash of each is
stored; using one sends a notice to the account's address."""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update

from journal.extensions import db
from journal.models import RecoveryCode, User, new_id, utcnow
from journal.services import audit, mail

COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
USED_SUBJECT = "A recovery code was used on your Alliance Journal account"


def _normal(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "")


def _hash(code: str) -> str:
    key = current_app.secret_key.encode()
    return hmac.new(key, _normal(code).encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(10))  # about 49 bits
    return f"{raw[:5]}-{raw[5:]}"


def make(user: User) -> list[str]:
    """A fresh set of ten codes in place of any old ones; returned once, to be shown once."""
    codes = [_new_code() for _ in range(COUNT)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(
        RecoveryCode(id=new_id(), user_id=user.id, code_hash=_hash(code)) for code in codes
    )
    audit.record("recovery_codes_made", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return codes


def left(user: User) -> int:
    """How many unused codes the account has."""
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def use(user: User, code: str) -> bool:
    """Take one unused code (once: a conditional update, so two tries cannot both win)."""
    taken = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if taken.rowcount != 1:
        audit.record_now("recovery_code_failed", actor_id=user.id, outcome="failed")
        return False
    audit.record("recovery_code_used", actor_id=user.id, owner_id=user.id)
    mail.queue(user.email, USED_SUBJECT, _used_mail(left(user)))
    db.session.commit()
    return True


def _used_mail(remaining: int) -> str:
    return (
        "A recovery code was just used to sign in to your Alliance Journal account, in place "
        f"of the code from your authenticator app. {remaining} unused codes are left.\n\n"
        "If this was you, consider making a fresh set on the account page (Two-step sign-in).\n\n"
        "If this wasn't you, change your password now, make a fresh set of recovery codes, and "
        "tell whoever runs your Alliance Journal."
    )
