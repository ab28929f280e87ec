"""API: the app lock (a PIN for this device), and locking at once for the quick exit."""

from flask import g
from flask_login import current_user, login_required

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.spec import documented
from journal.auth import forget_session_here
from journal.errors import AppError
from journal.schemas.auth import PasswordSchema
from journal.schemas.lock import LockSchema, PinSchema
from journal.services import applock


@bp.put("/me/lock")
@login_required
@documented(
    "Turn the app lock on, or change its PIN or time (needs a recent password)",
    body=LockSchema,
    ok=(204, None),
    errors=[(403, "reauth_required: confirm the password first"), 422],
    tag="account",
)
def set_lock():
    """Set the PIN and the minutes before locking."""
    data = load_json(LockSchema())
    applock.turn_on(current_user, g.device, data["pin"], data["after_minutes"])
    return "", 204


@bp.delete("/me/lock")
@login_required
@documented(
    "Turn the app lock off", body=PasswordSchema, ok=(204, None), errors=[422], tag="account"
)
def remove_lock():
    """Remove the PIN after checking the password."""
    applock.turn_off(current_user, load_json(PasswordSchema())["password"])
    return "", 204


@bp.post("/me/lock/now")
@login_required
@documented(
    "Lock this device at once (without a PIN set, sign it out instead)",
    ok=(204, None),
    tag="account",
)
def lock_now():
    """Lock this device now; the quick exit calls this."""
    if not applock.lock_now(current_user, g.device):
        forget_session_here()
    return "", 204


@bp.post("/me/lock/unlock")
@login_required
@documented(
    "Open this device with the PIN",
    body=PinSchema,
    ok=(204, None),
    errors=[
        (401, "pin_invalid: a wrong PIN (tries_left), or the tenth, which signs out"),
        (429, "rate_limited: wait retry_after seconds (also in Retry-After)"),
        422,
    ],
    tag="account",
)
def unlock():
    """Check the PIN; wrong ones wait longer each time and the tenth signs this device out."""
    pin = load_json(PinSchema())["pin"]
    try:
        applock.unlock(current_user, g.device, pin)
    except AppError as error:
        if error.extra.get("signed_out"):
            forget_session_here()
        raise
    return "", 204
