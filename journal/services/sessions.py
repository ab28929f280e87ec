"""Server-side session records: start, load with timeouts, list and end."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from journal.errors import not_found
from journal.extensions import db
from journal.models import DeviceSession, User, utcnow
from journal.services import applock, audit
from journal.transactions import will_write

# Writing last_seen_at on every request would turn each read into a write.
_TOUCH_EVERY = timedelta(seconds=30)
_TOUCH_EVERY_LOCKED = timedelta(seconds=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, user_agent: str) -> str:
    """Open a new session record for a user who just proved who they are; return its token."""
    token = secrets.token_urlsafe(32)  # 256 bits
    device = DeviceSession(
        token_hash=_hash(token),
        user_id=user.id,
        generation=user.session_generation,
        user_agent=user_agent[:200],
    )
    db.session.add(device)
    audit.record("login", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return token


def idle_limit(user: User) -> timedelta:
    """How long a session of this user may sit unused."""
    key = "THERAPIST_IDLE_MINUTES" if user.is_therapist else "CLIENT_IDLE_MINUTES"
    return timedelta(minutes=current_app.config[key])


def absolute_limit() -> timedelta:
    """How long any session lasts at most after sign-in."""
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


# Built once: every signed-in request runs it (see sharing._STATUSES).
_BY_TOKEN = (
    select(DeviceSession, User)
    .join(User, User.id == DeviceSession.user_id)
    .where(DeviceSession.token_hash == bindparam("token_hash"))
)


def load(token: str) -> DeviceSession | None:
    """Return the live session record for a cookie token, ending it if it has timed out.

    One query loads the record and its user together; a write follows only when the record
    ends or its last-seen time is due (every 30 s at most).
    """
    found = db.session.execute(_BY_TOKEN, {"token_hash": _hash(token)}).first()
    if found is None or found[0].ended_at is not None:
        return None
    device, user = found
    set_committed_value(device, "user", user)  # loaded above: no second query, nothing to save
    now = utcnow()
    idle = now - device.last_seen_at
    expired = (
        device.generation != user.session_generation
        or idle > idle_limit(user)
        or now - device.created_at > absolute_limit()
    )
    # With the app lock on, a device unused for its minutes locks, whatever its page did; its
    # last-seen time is kept closer then, so it never locks much before its time.
    locks = not expired and device.locked_at is None and applock.idle_too_long(user, idle)
    touch_every = _TOUCH_EVERY_LOCKED if user.lock_on else _TOUCH_EVERY
    if expired or locks or idle >= touch_every:
        will_write()
        if expired:
            device.ended_at = now
        else:
            device.last_seen_at = now
        if locks:
            device.locked_at = now
        db.session.commit()
    return None if expired else device


def confirm(device: DeviceSession) -> None:
    """Mark that the password was just given again on this device."""
    device.authenticated_at = utcnow()
    db.session.commit()


def end(device: DeviceSession) -> None:
    """End one session (sign out)."""
    device.ended_at = utcnow()
    audit.record("logout", actor_id=device.user_id, owner_id=device.user_id)
    db.session.commit()


def list_devices(user: User) -> list[DeviceSession]:
    """The user's sessions that are still open, most recently used first."""
    return list(
        db.session.scalars(
            select(DeviceSession)
            .where(
                DeviceSession.user_id == user.id,
                DeviceSession.ended_at.is_(None),
                DeviceSession.generation == user.session_generation,
            )
            .order_by(DeviceSession.last_seen_at.desc())
        )
    )


def end_device(user: User, device_id: str) -> None:
    """End one of the user's own sessions; someone else's is not found."""
    result = db.session.execute(
        update(DeviceSession)
        .where(
            DeviceSession.id == device_id,
            DeviceSession.user_id == user.id,
            DeviceSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
    if result.rowcount == 0:
        raise not_found()
    audit.record("logout", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def end_everywhere(user: User) -> None:
    """End every session of the user, this one included."""
    user.session_generation += 1
    db.session.execute(
        update(DeviceSession)
        .where(DeviceSession.user_id == user.id, DeviceSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    audit.record("logout_everywhere", actor_id=user.id, owner_id=user.id)
    db.session.commit()
