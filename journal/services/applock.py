"""The app lock: a PIN that keeps a signed-in device closed until it is given again.

Locked is a state of one device's session record: set when the device asks (quick exit, a cold
start, time in the background) or when it has sent no request for the chosen minutes (checked
in sessions.load). While it lasts, the request gate in web/lock.py answers only the lock screen.
"""

from datetime import datetime, timedelta

from sqlalchemy import update

from journal.errors import AppError
from journal.extensions import db
from journal.models import DeviceSession, User, utcnow
from journal.services import accounts, audit, passwords, sessions

AFTER_MINUTES = (1, 5, 15)
FREE_TRIES = 5  # wrong PINs before each further try waits
END_AFTER = 10  # wrong PINs that end this device's session
FIRST_WAIT = timedelta(seconds=30)  # then doubled with each wrong PIN
REAUTH = "Please confirm your password first (POST /api/v1/auth/reauth)."
WRONG_PIN = "That PIN isn't right."
SIGNED_OUT = "Too many wrong PINs, so this device is signed out. Sign in again with your password."


def is_locked(device: DeviceSession, user: User) -> bool:
    """Whether this device must show the lock screen."""
    return user.lock_on and device.locked_at is not None


def idle_too_long(user: User, idle: timedelta) -> bool:
    """Whether a device unused for this long locks (only with a PIN set)."""
    return user.lock_on and idle >= timedelta(minutes=user.lock_after_minutes)


def turn_on(user: User, device: DeviceSession, pin: str, after_minutes: int) -> None:
    """Set or change the PIN and the time; needs a password given in the last few minutes."""
    if not accounts.recently_authenticated(device):
        raise AppError(403, "reauth_required", REAUTH)
    user.lock_pin_hash = passwords.hash_password(pin)
    user.lock_after_minutes = after_minutes
    _open(device)
    audit.record("lock_on", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def turn_off(user: User, password: str, field: str = "password") -> None:
    """Remove the PIN after checking the password; every device opens."""
    accounts.confirm_password(user, password, field)
    user.lock_pin_hash = None
    db.session.execute(
        update(DeviceSession)
        .where(DeviceSession.user_id == user.id)
        .values(locked_at=None, lock_failures=0, lock_wait_until=None)
    )
    audit.record("lock_off", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def lock_now(user: User, device: DeviceSession) -> bool:
    """Lock this device at once; without a PIN there is nothing to unlock with, so it signs
    out instead. Return whether it is locked (False: signed out)."""
    if not user.lock_on:
        sessions.end(device)
        return False
    if device.locked_at is None:
        device.locked_at = utcnow()
        db.session.commit()
    return True


def wait_left(device: DeviceSession, now: datetime | None = None) -> int:
    """Seconds before this device may try a PIN again (0: now)."""
    if device.lock_wait_until is None:
        return 0
    left = (device.lock_wait_until - (now or utcnow())).total_seconds()
    return max(0, int(left + 0.999))


def tries_before_wait(device: DeviceSession) -> int:
    """Wrong PINs this device may still give before it has to wait."""
    return max(0, FREE_TRIES - device.lock_failures)


def unlock(user: User, device: DeviceSession, pin: str) -> None:
    """Open this device with the PIN: 429 while it must wait, 401 for a wrong PIN (and after
    END_AFTER of them, the session ends; what the device keeps stays sealed there)."""
    wait = wait_left(device)
    if wait:
        raise AppError(
            429,
            "rate_limited",
            _wait_message(wait),
            extra={"retry_after": wait},
            headers={"Retry-After": str(wait)},
        )
    if user.lock_on and passwords.verify_password(user.lock_pin_hash, pin):
        _open(device)
        db.session.commit()
        return
    device.lock_failures += 1
    audit.record("unlock", actor_id=user.id, owner_id=user.id, outcome="failed")
    if device.lock_failures >= END_AFTER:
        sessions.end(device)
        raise AppError(401, "pin_invalid", SIGNED_OUT, extra={"signed_out": True})
    if device.lock_failures >= FREE_TRIES:
        device.lock_wait_until = utcnow() + FIRST_WAIT * 2 ** (device.lock_failures - FREE_TRIES)
    db.session.commit()
    raise AppError(401, "pin_invalid", WRONG_PIN, extra={"tries_left": _tries_left(device)})


def _tries_left(device: DeviceSession) -> int:
    return END_AFTER - device.lock_failures


def _wait_message(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    spoken = f"{minutes} min {rest} s" if minutes else f"{rest} seconds"
    return f"Too many tries. Please wait {spoken}, then try again."


def _open(device: DeviceSession) -> None:
    device.locked_at = None
    device.lock_failures = 0
    device.lock_wait_until = None
