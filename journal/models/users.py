"""Accounts and their signed-in devices."""

from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow

ROLES = ("client", "therapist")
DEFAULT_TIME_ZONE = "UTC"
# Names in the tz folder that aren't places: the machine's own clock, and tzdata's placeholder.
NOT_PLACES = frozenset({"localtime", "Factory"})


@cache
def time_zones() -> frozenset[str]:
    """Every IANA time zone name this system knows (read once: it walks the tz database)."""
    return frozenset(available_timezones()) - NOT_PLACES


class User(UserMixin, db.Model):
    """A client or a therapist."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    # An IANA name ("Europe/Berlin"): times are stored in UTC and shown in this zone.
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the address was last shown to reach its owner (a mailed link opened); None until then.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped when every session must end (password change, sign out everywhere).
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # The user's data key, wrapped by the master key of this version.
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer, default=1)
    # Two-step sign-in: the TOTP secret, sealed with the user's own data key.
    totp_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The newest time step whose code was accepted: a code is never taken twice.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    # A therapist's own words inviting honest feedback, shown to their clients (not journal text).
    invitation_note: Mapped[str | None] = mapped_column(String(600))
    # A client's devices keep their newest entries, sealed, to read offline; off keeps only drafts.
    offline_reading: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When the sealed search index last held every entry (a new account's empty one does);
    # None for accounts from before it, which search by opening entries until it is rebuilt.
    search_indexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    # The app lock: an argon2id hash of a PIN of 4 to 8 digits, and the minutes a device may
    # sit unused before it locks (1, 5 or 15).
    lock_pin_hash: Mapped[str | None] = mapped_column(String(255))
    lock_after_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # The private calendar feed: SHA-256 of its token (the token itself is shown once).
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Off by default: a calendar on a shared phone shows events to anyone who picks it up.
    calendar_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    calendar_reminder: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Quiet hours for push reminders, "HH:MM" in the person's own time zone; None: none.
    quiet_from: Mapped[str | None] = mapped_column(String(5))
    quiet_to: Mapped[str | None] = mapped_column(String(5))

    devices: Mapped[list["DeviceSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("time_zone")
    def _known_zone(self, _key: str, name: str) -> str:
        if name not in time_zones():
            raise ValueError(f"unknown time zone {name!r}")
        return name

    @property
    def is_client(self) -> bool:
        return self.role == "client"

    @property
    def is_therapist(self) -> bool:
        return self.role == "therapist"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def keeps_offline_copy(self) -> bool:
        """Whether this account's devices keep recent entries to read offline (never therapists)."""
        return self.is_client and self.offline_reading

    @property
    def lock_on(self) -> bool:
        return self.lock_pin_hash is not None

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class DeviceSession(db.Model):
    """A server-side session record: one signed-in browser or device."""

    __tablename__ = "device_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # SHA-256 of the random token in the cookie: a database leak yields no live sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    generation: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The app lock on this device: when it was locked (None: open), and wrong PINs since.
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lock_wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="devices")

    def __repr__(self) -> str:
        return f"<DeviceSession {self.id} user={self.user_id}>"
