"""Keys for what a browser keeps of an account: one key pair per account and device."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.types import UTCDateTime, new_id, utcnow


class DeviceKey(db.Model):
    """The key pair a device seals its drafts and offline copy with, for one account.

    The device keeps the public half for as long as it likes (sealing needs nothing secret) and
    is handed the private half only over a signed-in session of this account, so what it keeps
    can be opened only while that account is signed in there. The private half is stored sealed
    with the account's own data key, so it goes with the account.
    """

    __tablename__ = "device_keys"
    __table_args__ = (UniqueConstraint("user_id", "device_hash"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the random secret the device made for itself; the secret is never stored.
    device_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(36), default=new_id)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # After a replacement the old pair stays until the device has sealed everything anew.
    previous_key_id: Mapped[str | None] = mapped_column(String(36))
    previous_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DeviceKey {self.id} user={self.user_id}>"
