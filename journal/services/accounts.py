"""Accounts: register, authenticate, change password, delete."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from journal.errors import AppError, validation_error
from journal.extensions import db
from journal.models import DeviceSession, Entry, Invite, Link, User, new_id, utcnow
from journal.models.users import DEFAULT_TIME_ZONE
from journal.services import audit, devicekeys, links, notices, search_index
from journal.services.keys import give_user_a_key
from journal.services.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

INVALID_CREDENTIALS = "That email and password don't match an account."
# What clients see in place of a therapist who deleted their account.
FORMER_THERAPIST = "A former therapist"
# Stored in place of a closed account's hash: it is not a hash, so no password ever matches it.
NO_PASSWORD = "!closed"  # noqa: S105 - a marker, not a secret


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively: store them lower-cased and trimmed."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """Look an account up by email, case-insensitively."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(
    email: str, password: str, display_name: str, role: str, time_zone: str = DEFAULT_TIME_ZONE
) -> User:
    """Create an account with its own data key; 422 when the email is taken or the password weak."""
    problem = password_problem(password)
    if problem:
        raise validation_error({"password": [problem]})
    if find_by_email(email):
        raise validation_error({"email": ["This email can't be used. If it's yours, sign in."]})
    user = User(
        id=new_id(),
        email=normalise_email(email),
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        role=role,
        time_zone=time_zone,
    )
    give_user_a_key(user)
    db.session.add(user)
    audit.record("register", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the account for these credentials, or raise 401 the same way for every miss."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        audit.record_now("login", actor_id=user.id if user else None, outcome="failed")
        raise AppError(401, "invalid_credentials", INVALID_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()  # kept even when a second step stops this sign-in
    return user


def confirm_password(user: User, password: str, field: str = "password") -> None:
    """Raise 422 on the given field unless this is the user's password."""
    if not verify_password(user.password_hash, password):
        audit.record_now("reauth", actor_id=user.id, outcome="failed")
        raise validation_error({field: ["That password isn't right."]})


def with_password_problem(user: User, given: object, problems: dict, field: str) -> dict:
    """Problems found in a form's other fields, plus whether its password is right: every
    problem shows at once, not one per try."""
    if field in problems or not isinstance(given, str):
        return problems
    try:
        confirm_password(user, given, field)
    except AppError as error:
        return {**problems, **(error.fields or {})}
    return problems


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every session of the account."""
    confirm_password(user, current, field="current_password")
    problem = password_problem(new)
    if problem:
        raise validation_error({"new_password": [problem]})
    user.password_hash = hash_password(new)
    user.session_generation += 1
    notices.password_changed(user)
    audit.record("password_change", actor_id=user.id, owner_id=user.id)
    db.session.commit()


OFFLINE_FOR_CLIENTS = "A therapist's devices keep no client's words offline."


def update_profile(
    user: User,
    display_name: str | None = None,
    time_zone: str | None = None,
    offline_reading: bool | None = None,
) -> User:
    """Change the name shown, the time zone times are shown in, or offline reading (clients)."""
    if offline_reading and not user.is_client:
        raise validation_error({"offline_reading": [OFFLINE_FOR_CLIENTS]})
    if offline_reading is not None:
        user.offline_reading = offline_reading
    if display_name is not None:
        user.display_name = display_name.strip()
    if time_zone is not None:
        user.time_zone = time_zone
    db.session.commit()
    return user


def delete_account(user: User, password: str) -> None:
    """Delete the account and all it wrote; destroy its data key first (crypto-shredding)."""
    confirm_password(user, password)
    user_id = user.id
    notices.account_deleted(user.email)  # a last word, before the address itself goes
    user.wrapped_key = None
    db.session.flush()
    db.session.execute(delete(Entry).where(Entry.author_id == user_id))
    search_index.forget(user_id)
    db.session.execute(delete(DeviceSession).where(DeviceSession.user_id == user_id))
    devicekeys.forget_all(user)  # what its devices keep can never be opened again
    if user.is_therapist:
        _close_therapist(user)
    else:
        db.session.delete(user)
    audit.record("delete_account", actor_id=user_id, owner_id=user_id)
    db.session.commit()
    current_app.logger.info("account %s deleted", user_id)


def _close_therapist(therapist: User) -> None:
    """Remove a therapist's every way in and every detail, but keep a nameless row.

    Removing the row would take the links with it, and with them the sessions, packets and agenda
    notes their clients wrote: a client's words must not vanish because a therapist left.
    """
    ending = db.session.scalars(
        select(Link).where(Link.therapist_id == therapist.id, Link.status == "active")
    ).all()
    for link in ending:  # as if the therapist ended each link: access stops at once
        links.end(link, "closed")
        audit.record("unlink", actor_id=therapist.id, owner_id=link.client_id)
    # Links ended before keep the name their clients knew, too, once the name is gone.
    db.session.execute(
        update(Link)
        .where(Link.therapist_id == therapist.id, Link.ended_name.is_(None))
        .values(ended_name=therapist.display_name)
    )
    db.session.execute(delete(Invite).where(Invite.therapist_id == therapist.id))
    therapist.email = f"closed-{therapist.id}@closed.invalid"  # free to register again
    therapist.display_name = FORMER_THERAPIST
    therapist.password_hash = NO_PASSWORD
    therapist.totp_sealed, therapist.totp_enabled_at = None, None
    therapist.invitation_note = None
    therapist.session_generation += 1


def set_invitation_note(therapist: User, note: str | None) -> User:
    """Set (or with None, remove) the therapist's note inviting honest feedback."""
    therapist.invitation_note = note.strip() if note else None
    db.session.commit()
    return therapist


def recently_authenticated(device: DeviceSession) -> bool:
    """Whether the password was given on this device within the re-authentication window."""
    window = timedelta(minutes=current_app.config["REAUTH_MINUTES"])
    return utcnow() - device.authenticated_at <= window
