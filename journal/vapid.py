"""The server's VAPID key (RFC 8292): it signs every Web Push request we send."""

from base64 import urlsafe_b64decode, urlsafe_b64encode

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    """Base64url without padding, as Web Push writes keys."""
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    """Decode base64url with or without its padding."""
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_private_key() -> str:
    """A new P-256 private key, as the base64url of its 32-byte secret (VAPID_PRIVATE_KEY)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """The private key from VAPID_PRIVATE_KEY; ValueError if it is not one."""
    try:
        raw = from_b64url(text.strip())
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("VAPID_PRIVATE_KEY must be 32 bytes in base64url")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def public_key(text: str) -> str:
    """The public key browsers need (applicationServerKey): uncompressed point, base64url."""
    point = (
        private_key(text)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(point)
