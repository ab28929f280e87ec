"""Password hashing with argon2id and the password rules."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from journal.transactions import release_write_lock

MIN_LENGTH, MAX_LENGTH = 12, 256
_COMMON = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """Load the bundled list of common passwords (lower-cased), once per process."""
    with _COMMON.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few words together work well."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.casefold() in common_passwords():
        return "That password is too common. Please choose another."
    return None


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    key = ("argon2", cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    hasher = current_app.extensions.get(key)
    if hasher is None:
        hasher = PasswordHasher(time_cost=key[1], memory_cost=key[2], parallelism=key[3])
        current_app.extensions[key] = hasher
    return hasher


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def _verify(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = ("argon2-dummy", hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    dummy = current_app.extensions.get(key)
    if dummy is None:
        dummy = current_app.extensions[key] = hasher.hash("no such account")
    return dummy


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; with no account, do the same work against a dummy hash."""
    release_write_lock()  # slow on purpose, so never while other requests wait on SQLite's lock
    hasher = _hasher()
    if stored_hash is None:
        # Equal work for an unknown email and a wrong password, so timing reveals nothing: one
        # verify against a hash made once per process (never a fresh hash per attempt).
        _verify(hasher, _dummy_hash(hasher), password)
        return False
    return _verify(hasher, stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with other parameters than the current ones."""
    return _hasher().check_needs_rehash(stored_hash)
