"""Keys for what a device keeps: handed to the page only over a signed-in session of their account.

Each (account, device) pair has an ECDH P-256 key pair. The device seals drafts and its offline
copy to the public half (no secret is needed to seal, so writing goes on after a session ends)
and can open them only with the private half, which it is given while signed in and deletes at
sign-out. The device names itself by a random secret it made; only its hash is stored here.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select

from journal.errors import not_found
from journal.extensions import db
from journal.models import DeviceKey, User, new_id, utcnow
from journal.services import audit
from journal.services.keys import cipher_for_user

TABLE = "device_keys"


@dataclass(frozen=True)
class DeviceKeyView:
    """A device's key pair as its signed-in account receives it (the private half in PKCS #8)."""

    key_id: str
    public_key: bytes
    private_key: bytes
    created_at: datetime
    replaced_at: datetime | None
    previous_key_id: str | None
    previous_private_key: bytes | None


def _hash(device_secret: str) -> str:
    return hashlib.sha256(device_secret.encode()).hexdigest()


def _new_pair() -> tuple[bytes, bytes]:
    """A fresh P-256 pair: (raw public point, PKCS #8 private key)."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    pkcs8 = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return public, pkcs8


def _seal(user: User, row: DeviceKey, column: str, private: bytes) -> bytes:
    text = base64.b64encode(private).decode()
    return cipher_for_user(user).seal(TABLE, row.id, column, text)


def _open(user: User, row: DeviceKey, column: str, sealed: bytes) -> bytes:
    return base64.b64decode(cipher_for_user(user).open(TABLE, row.id, column, sealed))


def _view(user: User, row: DeviceKey) -> DeviceKeyView:
    previous = row.previous_sealed and _open(user, row, "previous", row.previous_sealed)
    return DeviceKeyView(
        key_id=row.key_id,
        public_key=row.public_key,
        private_key=_open(user, row, "private", row.private_sealed),
        created_at=row.created_at,
        replaced_at=row.replaced_at,
        previous_key_id=row.previous_key_id if previous else None,
        previous_private_key=previous or None,
    )


def _find(user: User, device_secret: str) -> DeviceKey | None:
    return db.session.scalar(
        select(DeviceKey).where(
            DeviceKey.user_id == user.id, DeviceKey.device_hash == _hash(device_secret)
        )
    )


def _give_pair(user: User, row: DeviceKey) -> None:
    row.public_key, private = _new_pair()
    row.key_id = new_id()
    row.private_sealed = _seal(user, row, "private", private)


def unlock(user: User, device_secret: str) -> tuple[DeviceKeyView, bool]:
    """Hand the signed-in account its key for this device, making one the first time."""
    row = _find(user, device_secret)
    created = row is None
    if created:
        row = DeviceKey(id=new_id(), user_id=user.id, device_hash=_hash(device_secret))
        _give_pair(user, row)
        db.session.add(row)
    row.last_used_at = utcnow()
    db.session.commit()
    return _view(user, row), created


def replace(user: User, device_secret: str) -> DeviceKeyView:
    """Give this device a new key pair; the old one stays until forget_previous (404 if none)."""
    row = _find(user, device_secret)
    if row is None:
        raise not_found()
    old = _open(user, row, "private", row.private_sealed)
    row.previous_key_id = row.key_id
    row.previous_sealed = _seal(user, row, "previous", old)
    _give_pair(user, row)
    row.replaced_at = row.last_used_at = utcnow()
    audit.record("device_key_replace", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return _view(user, row)


def forget_previous(user: User, device_secret: str) -> None:
    """Destroy the replaced key pair once the device has sealed everything anew (404 if none)."""
    row = _find(user, device_secret)
    if row is None:
        raise not_found()
    row.previous_key_id, row.previous_sealed = None, None
    db.session.commit()


def forget_all(user: User) -> None:
    """Remove every device key of the account, in the caller's transaction (account deletion)."""
    db.session.execute(delete(DeviceKey).where(DeviceKey.user_id == user.id))
