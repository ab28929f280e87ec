"""Two-step sign-in: a TOTP secret sealed with the user's own key, each code taken once."""

from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, update

from journal.errors import AppError, validation_error
from journal.extensions import db
from journal.models import RecoveryCode, User, utcnow
from journal.services import accounts, audit, notices, recovery_codes
from journal.services.keys import cipher_for_user

ISSUER = "Alliance Journal"
PENDING_MINUTES = 5  # how long the password step waits for its code
CODE_NEEDED = "Enter the 6-digit code from your authenticator app."
WRONG_CODE = "That code didn't work. Try the newest code in your authenticator app."
REQUIRED = (
    "Therapists hold many clients' words, so a second step at sign-in is required. "
    "It takes a minute."
)
STAYS_ON = "Therapists keep two-step sign-in on: it protects their clients' words."
ALREADY_ON = "Two-step sign-in is already on."


def is_enabled(user: User) -> bool:
    """Whether the account asks for a code at sign-in."""
    return user.totp_enabled


def is_required(user: User) -> bool:
    """Whether the account must use two-step sign-in (therapists, unless switched off)."""
    return user.is_therapist and bool(current_app.config["THERAPIST_TWO_FACTOR"])


def missing(user: User) -> bool:
    """Whether the account must use two-step sign-in but has not turned it on yet."""
    return is_required(user) and not user.totp_enabled


def _secret(user: User) -> str | None:
    if user.totp_sealed is None:
        return None
    return cipher_for_user(user).open("users", user.id, "totp", user.totp_sealed)


OFF_FOR_CODES = "Recovery codes stand in for two-step sign-in: turn it on first."
WRONG_RECOVERY_CODE = "That recovery code isn't right, or it was used already."


def _forget(user: User) -> None:
    """Forget the secret, and the recovery codes that stood in for it."""
    user.totp_sealed, user.totp_enabled_at, user.totp_last_step = None, None, 0
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def start_setup(user: User) -> str:
    """Make a new secret, stored sealed but not yet on; starting again replaces it."""
    if user.totp_enabled:
        raise AppError(409, "two_factor_on", ALREADY_ON)
    secret = pyotp.random_base32()  # 160 bits from the system's CSPRNG
    _forget(user)
    user.totp_sealed = cipher_for_user(user).seal("users", user.id, "totp", secret)
    db.session.commit()
    return secret


def pending_secret(user: User) -> str | None:
    """The secret of a setup that was started and not yet confirmed."""
    return None if user.totp_enabled else _secret(user)


def otpauth_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads: issuer, the account's email, the secret."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def setup_picture(user: User, secret: str) -> tuple[str, str]:
    """Return the otpauth URI, and it as an SVG QR code in a data: URI (the CSP allows those)."""
    uri = otpauth_uri(user, secret)
    return uri, segno.make(uri, error="m").svg_data_uri(scale=5)


def _accept(user: User, code: str) -> bool:
    """Take a code once: it must match a step next to now that is newer than the last taken."""
    try:
        step = pyotp.TOTP(_secret(user)).verify_and_get_timecode(
            code, for_time=utcnow(), valid_window=1
        )
    except pyotp.OTPVerificationError:
        return False
    # One conditional UPDATE, so two requests racing with the same code cannot both win.
    taken = db.session.execute(
        update(User)
        .where(User.id == user.id, User.totp_last_step < step)
        .values(totp_last_step=step)
    )
    return taken.rowcount == 1


def _refuse(user: User) -> None:
    audit.record_now("totp_failed", actor_id=user.id, owner_id=user.id, outcome="failed")


def _take_or_422(user: User, code: str) -> None:
    if not _accept(user, code):
        _refuse(user)
        raise validation_error({"code": [WRONG_CODE]})


def confirm_setup(user: User, code: str) -> None:
    """Turn two-step sign-in on once the app shows the right code (422 on `code` if not)."""
    if user.totp_enabled:
        raise AppError(409, "two_factor_on", ALREADY_ON)
    if user.totp_sealed is None:
        raise AppError(409, "setup_not_started", "Please start setting up first.")
    _take_or_422(user, code)
    user.totp_enabled_at = utcnow()
    notices.two_step(user, "on")
    audit.record("totp_enabled", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def check_code(user: User, code: str) -> bool:
    """Check a sign-in code, taking it so it cannot be used again; audit a miss."""
    if _accept(user, code):
        db.session.commit()
        return True
    _refuse(user)
    return False


def second_step(user: User, code: str | None, recovery_code: str | None = None) -> None:
    """At sign-in, ask an account with two-step sign-in on for a fresh code, or one of its
    recovery codes (401 otherwise)."""
    if not user.totp_enabled:
        return
    if recovery_code:
        if not recovery_codes.use(user, recovery_code):
            raise AppError(401, "totp_invalid", WRONG_RECOVERY_CODE)
        return
    if code is None:
        raise AppError(401, "totp_required", CODE_NEEDED)
    if not check_code(user, code):
        raise AppError(401, "totp_invalid", WRONG_CODE)


def disable(user: User, password: str, code: str) -> None:
    """Turn two-step sign-in off after the password and a code; therapists may not (403)."""
    if is_required(user):
        raise AppError(403, "two_factor_required", STAYS_ON)
    if not user.totp_enabled:
        raise AppError(409, "two_factor_off", "Two-step sign-in is already off.")
    accounts.confirm_password(user, password)
    _take_or_422(user, code)
    _forget(user)
    notices.two_step(user, "off")
    audit.record("totp_disabled", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def reset(user: User) -> None:
    """Forget the secret of an account whose phone is lost, and end its sessions (operators)."""
    _forget(user)
    user.session_generation += 1  # the lost phone may hold a signed-in session
    notices.two_step(user, "reset")
    audit.record("totp_reset", owner_id=user.id)
    db.session.commit()


def begin_pending(user: User) -> dict:
    """The note a browser keeps between the password and the code."""
    return {"user": user.id, "at": utcnow().isoformat()}


def pending_user(note) -> User | None:
    """The account a fresh note (under 5 minutes old) is waiting on, if it still needs a code."""
    try:
        user_id, waited = note["user"], utcnow() - datetime.fromisoformat(note["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(user_id, str) or waited > timedelta(minutes=PENDING_MINUTES):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.totp_enabled else None
