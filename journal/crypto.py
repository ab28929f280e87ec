"""Encryption of journal text at rest: AES-256-GCM with per-user data keys."""

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = b"\x01"  # leading byte of every sealed value, so the layout can change later
NONCE_BYTES = 12


class DataKeyError(Exception):
    """The master key is missing, malformed, or cannot open a stored value."""


def new_master_key() -> str:
    """Return a fresh master key in the JOURNAL_DATA_KEY format (version 1)."""
    return "1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_keyring(value: str | None) -> dict[int, bytes]:
    """Parse JOURNAL_DATA_KEY: comma-separated `version:base64key`, the current one first."""
    if not value:
        raise DataKeyError("JOURNAL_DATA_KEY is not set")
    ring: dict[int, bytes] = {}
    for part in value.split(","):
        version, sep, encoded = part.strip().partition(":")
        try:
            if not sep:
                raise ValueError
            key = base64.urlsafe_b64decode(encoded.encode())
            number = int(version)
        except (ValueError, binascii.Error) as exc:
            raise DataKeyError("JOURNAL_DATA_KEY entries look like 1:<base64 of 32 bytes>") from exc
        if len(key) != 32 or number < 1 or number in ring:
            raise DataKeyError("JOURNAL_DATA_KEY needs distinct versions of 32-byte keys")
        ring[number] = key
    return ring


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if not sealed.startswith(FORMAT):
        raise DataKeyError("unknown ciphertext format")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag as exc:
        raise DataKeyError("ciphertext does not open with this key and context") from exc


class Keyring:
    """The master keys; wraps and unwraps each user's data key."""

    def __init__(self, value: str | None) -> None:
        self.keys = parse_keyring(value)
        self.current_version = next(iter(self.keys))

    def wrap_new_user_key(self, user_id: str) -> tuple[bytes, int]:
        """Make a data key for a user and return it wrapped, with the master version."""
        return self.wrap(os.urandom(32), user_id), self.current_version

    def wrap(self, data_key: bytes, user_id: str) -> bytes:
        """Wrap a data key with the current master key, bound to its user."""
        return _seal(self.keys[self.current_version], data_key, b"user-key:" + user_id.encode())

    def unwrap(self, wrapped: bytes, version: int, user_id: str) -> bytes:
        """Unwrap a user's data key with the master key of the given version."""
        if version not in self.keys:
            raise DataKeyError(f"master key version {version} is not in JOURNAL_DATA_KEY")
        return _open(self.keys[version], wrapped, b"user-key:" + user_id.encode())


@dataclass(frozen=True)
class FieldCipher:
    """Seals and opens one user's text fields, binding each to table, row, column and owner."""

    key: bytes
    owner_id: str

    def _aad(self, table: str, row_id: str, column: str) -> bytes:
        return f"{table}|{row_id}|{column}|{self.owner_id}".encode()

    def seal(self, table: str, row_id: str, column: str, text: str) -> bytes:
        """Encrypt text for one column of one row."""
        return _seal(self.key, text.encode("utf-8"), self._aad(table, row_id, column))

    def open(self, table: str, row_id: str, column: str, sealed: bytes) -> str:
        """Decrypt a column value sealed by seal() for the same row and owner."""
        return _open(self.key, sealed, self._aad(table, row_id, column)).decode("utf-8")
