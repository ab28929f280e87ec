"""Email addresses that reach their owner: a link to confirm a new account's address, and a
change of address that needs the password, a confirmation at the new address and a notice to
the old one.

The account works at once without a confirmed address (every route keeps its contract); the
confirmation only tells us that mail such as a password reset reaches the right person. A link
lasts 48 hours, is stored as a hash and works once. Opening it shows a button: only the button's
POST confirms, since mail scanners open links by themselves.
"""

from datetime import timedelta

from flask import url_for

from journal.errors import AppError, validation_error
from journal.extensions import db
from journal.models import User, utcnow
from journal.services import audit, mail, notices, tokens
from journal.services.accounts import confirm_password, find_by_email, normalise_email
from journal.services.recovery import PURPOSE as RESET_PURPOSE
from journal.services.recovery import marker

CONFIRM = "confirm_email"
CHANGE = "change_email"
LIFETIME = timedelta(hours=48)
INVALID = "This link has expired, was already used, or was replaced by a newer one."
TAKEN = "This email can't be used. If it's yours, sign in with it."
ALREADY = "Your address is already confirmed."
SAME = "That's the address your account already uses."


def _link(token: str) -> str:
    return url_for("addresses.confirm_page", token=token, _external=True)


def _confirm_mail(user: User, link: str) -> str:
    return (
        f"Hello {user.display_name},\n\n"
        "Please confirm that this address is yours, so that a forgotten password never locks "
        f"you out of your journal. Open this link within 48 hours:\n{link}\n\n"
        "Your account works already; this only checks that mail reaches you.\n\n"
        "If you didn't make an Alliance Journal account, you can ignore this mail."
    )


def _change_mail(user: User, link: str) -> str:
    return (
        f"Hello {user.display_name},\n\n"
        "You asked to use this address for your Alliance Journal account. To make the change, "
        f"open this link within 48 hours:\n{link}\n\n"
        "Until then, your account keeps its old address.\n\n"
        "If this wasn't you, you can ignore this mail: nothing changes."
    )


def send_confirmation(user: User) -> None:
    """Mail a link to confirm the account's address (any older one stops working); commits."""
    if user.email_confirmed:
        raise AppError(409, "already_confirmed", ALREADY)
    tokens.void(user, CONFIRM)
    token = tokens.issue(user, CONFIRM, LIFETIME, address=user.email)
    mail.queue(user.email, "Please confirm your address", _confirm_mail(user, _link(token)))
    audit.record("email_confirmation_sent", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def request_change(user: User, new_email: str, password: str) -> str:
    """With the password, mail a link to the new address (any older request stops working) and
    warn the old one; the address changes once the link is opened. Returns the new address."""
    new_email = normalise_email(new_email)
    problems: dict[str, list[str]] = {}
    try:
        confirm_password(user, password)
    except AppError as error:
        problems.update(error.fields or {})
    if new_email == user.email:
        problems["email"] = [SAME]
    elif find_by_email(new_email):
        problems["email"] = [TAKEN]
    if problems:
        raise validation_error(problems)
    tokens.void(user, CHANGE)
    token = tokens.issue(user, CHANGE, LIFETIME, address=new_email, password_marker=marker(user))
    mail.queue(new_email, "Please confirm your new address", _change_mail(user, _link(token)))
    notices.address_change_asked(user, new_email)
    audit.record("email_change_requested", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return new_email


def _live(token: str):
    """The working link and its account: a confirmation for the address the account still uses,
    or a change asked for under the password the account still has."""
    row, user = tokens.find_live(token, (CONFIRM, CHANGE), INVALID)
    if row.purpose == CONFIRM and row.address != user.email:
        raise AppError(422, "invalid_token", INVALID)
    if row.purpose == CHANGE and row.password_marker != marker(user):
        raise AppError(422, "invalid_token", INVALID)
    return row, user


def check(token: str) -> tuple[User, str]:
    """The account a link is for and the address it confirms, while the link still works."""
    row, user = _live(token)
    return user, row.address


def confirm(token: str) -> User:
    """Confirm the address a link names: the account's own, or the new one it is moving to
    (then reset links sent to the old address stop working, and the old address is told)."""
    row, user = _live(token)
    row.used_at = utcnow()
    if row.purpose == CHANGE:
        if find_by_email(row.address):
            raise AppError(409, "email_taken", TAKEN)
        old = user.email
        user.email = row.address
        tokens.void(user, CONFIRM, CHANGE, RESET_PURPOSE)
        notices.address_changed(user, old)
        audit.record("email_changed", actor_id=user.id, owner_id=user.id)
    user.email_confirmed_at = utcnow()
    audit.record("email_confirmed", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return user


def pending_change(user: User) -> str | None:
    """The new address waiting to be confirmed, if a change was asked for."""
    row = tokens.pending(user, CHANGE)
    return row.address if row and row.password_marker == marker(user) else None
