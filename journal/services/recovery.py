"""Forgot password: a single-use link by mail, then a new password (and, with two-step sign-in,
still a code). Journal text is sealed under keys the server holds, not under the password, so
nothing written is lost.

A request answers the same, and does the same work, whether or not the address has an account.
A link lasts 30 minutes, is stored only as a hash, works once, and is tied to the password it
replaces: once that password changes, the link is void. A reset ends every session and sends a
notice to the address.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import url_for

from journal.errors import AppError, validation_error
from journal.extensions import db
from journal.models import AccountToken, User, utcnow
from journal.services import audit, mail, notices, tokens, twofactor
from journal.services.accounts import find_by_email
from journal.services.passwords import hash_password, password_problem

PURPOSE = "password"
LIFETIME = timedelta(minutes=30)
SENT = "If an account uses that address, a link to choose a new password is on its way."
INVALID = "This link has expired or was already used. You can ask for a new one."
RESET_SUBJECT = "Set a new password for Alliance Journal"


def marker(user: User) -> str:
    """A short fingerprint of the current password hash: a link is void once it changes."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def _reset_mail(link: str) -> str:
    return (
        "Someone (we hope you) asked to set a new password for your Alliance Journal account.\n\n"
        f"To choose a new one, open this link within 30 minutes:\n{link}\n\n"
        "It works once. Nothing you wrote is lost: your journal stays as it is.\n\n"
        "If this wasn't you, you can ignore this mail: your password stays the same. If it keeps "
        "happening, tell whoever runs your Alliance Journal."
    )


def request_reset(email: str) -> None:
    """Mail a reset link if the address has an account; the same answer and work either way."""
    user = find_by_email(email)
    if user is None:
        # Equal work: a token made and the same write and commit, with nothing to act on.
        secrets.token_urlsafe(32)
        audit.record("password_reset_requested", outcome="unknown")
        db.session.commit()
        return
    token = tokens.issue(user, PURPOSE, LIFETIME, password_marker=marker(user))
    link = url_for("recovery.reset_page", token=token, _external=True)
    mail.queue(user.email, RESET_SUBJECT, _reset_mail(link))
    audit.record("password_reset_requested", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def _live_token(token: str) -> tuple[AccountToken, User]:
    """The unused, unexpired reset token and its account, for the password it was made for."""
    row, user = tokens.find_live(token, (PURPOSE,), INVALID)
    if row.password_marker != marker(user):
        raise AppError(422, "invalid_token", INVALID)
    return row, user


def check(token: str) -> User:
    """The account a reset link is for, while the link still works (for the page)."""
    return _live_token(token)[1]


def reset(
    token: str, new_password: str, totp: str | None = None, recovery_code: str | None = None
) -> User:
    """Set a new password with a working link (and a code, with two-step sign-in on); end every
    session of the account and send a notice."""
    row, user = _live_token(token)
    problem = password_problem(new_password)
    if problem:
        raise validation_error({"new_password": [problem]})
    twofactor.second_step(user, totp, recovery_code)  # 401 totp_required / totp_invalid
    row.used_at = utcnow()
    user.password_hash = hash_password(new_password)
    user.session_generation += 1  # every device signs in again
    notices.password_changed(user)
    audit.record("password_reset", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return user
