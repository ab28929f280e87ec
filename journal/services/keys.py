"""Per-user data keys: made at registration, unwrapped once per request."""

from flask import current_app, g

from journal.crypto import FieldCipher, Keyring
from journal.extensions import db
from journal.models import User


def keyring() -> Keyring:
    """The app's master keyring, built from JOURNAL_DATA_KEY at start-up."""
    return current_app.extensions["keyring"]


def give_user_a_key(user: User) -> None:
    """Make and wrap a fresh data key for a new user."""
    user.wrapped_key, user.key_version = keyring().wrap_new_user_key(user.id)


def cipher_for(user_id: str, wrapped_key: bytes, key_version: int) -> FieldCipher:
    """Return the cipher for one user's text, unwrapping the key at most once per request."""
    cache = g.setdefault("data_keys", {})
    if user_id not in cache:
        cache[user_id] = keyring().unwrap(wrapped_key, key_version, user_id)
    return FieldCipher(cache[user_id], user_id)


def cipher_for_user(user: User) -> FieldCipher:
    """Return the cipher for a user object."""
    return cipher_for(user.id, user.wrapped_key, user.key_version)


def rewrap_all() -> int:
    """Rewrap every user's data key with the current master key; return how many changed."""
    ring, changed = keyring(), 0
    for user in db.session.scalars(db.select(User).where(User.wrapped_key.is_not(None))):
        if user.key_version != ring.current_version:
            data_key = ring.unwrap(user.wrapped_key, user.key_version, user.id)
            user.wrapped_key, user.key_version = ring.wrap(data_key, user.id), ring.current_version
            changed += 1
    db.session.commit()
    return changed
