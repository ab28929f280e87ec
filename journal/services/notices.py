"""Security notices by mail: what happened to the account, and what to do if it wasn't you.

They never hold journal words: only the event, when, and the next step. Each is queued in the
caller's transaction (the caller commits), except the sign-in notice, which commits on its own.
"""

from journal.devicenames import device_name
from journal.extensions import db
from journal.models import User, utcnow
from journal.services import mail

IF_NOT_YOU = (
    'If this wasn\'t you: choose a new password now ("Forgot your password?" on the sign-in '
    "page), end the other sessions from the account page, and tell whoever runs your Alliance "
    "Journal."
)


def _when() -> str:
    return utcnow().strftime("%-d %b %Y, %H:%M UTC")


def new_device(user: User, user_agent: str) -> None:
    """A sign-in from a browser this account had not used before (commits)."""
    mail.queue(
        user.email,
        "New sign-in to your Alliance Journal account",
        f"Your account was just signed in to from {device_name(user_agent)}, which it hadn't been "
        f"used on before ({_when()}).\n\nIf this was you, there is nothing to do.\n\n" + IF_NOT_YOU,
    )
    db.session.commit()


def password_changed(user: User) -> None:
    """The password was changed, from the account page or with a reset link."""
    mail.queue(
        user.email,
        "Your Alliance Journal password was changed",
        f"The password of your account was changed ({_when()}), and every device was signed "
        "out.\n\nIf this was you, there is nothing more to do.\n\n" + IF_NOT_YOU,
    )


def two_step(user: User, what: str) -> None:
    """Two-step sign-in was turned on, turned off, or reset by whoever runs the service."""
    sentences = {
        "on": "Two-step sign-in was turned on for your account: after the password, we'll ask "
        "for a code from your authenticator app.",
        "off": "Two-step sign-in was turned off for your account: the password alone now signs in.",
        "reset": "Two-step sign-in was reset for your account by whoever runs this service, and "
        "every device was signed out. Set it up again from the account page.",
    }
    mail.queue(
        user.email,
        "Two-step sign-in changed on your Alliance Journal account",
        f"{sentences[what]} ({_when()})\n\nIf this was you, there is nothing more to do.\n\n"
        + IF_NOT_YOU,
    )


def account_deleted(email: str) -> None:
    """The account is gone: a last word to its address."""
    mail.queue(
        email,
        "Your Alliance Journal account was deleted",
        f"Your Alliance Journal account was deleted ({_when()}). Everything written in it was "
        "deleted with it, and the key that could open it was destroyed.\n\n"
        "If this wasn't you, tell whoever runs your Alliance Journal at once.",
    )


def address_change_asked(user: User, new_email: str) -> None:
    """Someone signed in with the password asked to move the account to another address."""
    mail.queue(
        user.email,
        "A change of address was asked for on your Alliance Journal account",
        f"Someone signed in to your account asked to use {new_email} for it from now on "
        f"({_when()}). It happens only once that address confirms it, within 48 hours; until "
        "then, mail keeps coming here.\n\nIf this was you, there is nothing more to do.\n\n"
        + IF_NOT_YOU,
    )


def address_changed(user: User, old_email: str) -> None:
    """The account now uses another address: a last word to the old one."""
    mail.queue(
        old_email,
        "Your Alliance Journal account uses a new address",
        f"Your account now uses {user.email} instead of this address ({_when()}). Mail about "
        "the account, such as links to set a new password, goes there from now on.\n\n"
        "If this wasn't you, tell whoever runs your Alliance Journal at once: they can put your "
        "address back.",
    )
