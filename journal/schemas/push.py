"""Schemas for Web Push reminders: a browser's subscription, and quiet hours."""

import ipaddress
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from journal.models import PUSH_KINDS
from journal.schemas.common import page_schema
from journal.schemas.fields import Text, UTCDateTimeField
from journal.vapid import from_b64url

MAX_ENDPOINT = 2048
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$")
# The push services browsers use, named for the device list (any other https one works too).
SERVICES = {
    "googleapis.com": "Google",
    "mozilla.com": "Mozilla",
    "push.apple.com": "Apple",
    "notify.windows.com": "Microsoft",
}
ENDPOINT_PROBLEM = "Send the https address your browser's push service gave."


def service_name(endpoint: str) -> str:
    """Whose push service an endpoint belongs to, so a page can tell devices apart without
    showing the address."""
    host = (urlsplit(endpoint).hostname or "").lower()
    for suffix, name in SERVICES.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    return host or "a push service"


def endpoint_problem(url: str, local_ok: bool) -> str | None:
    """Why a push endpoint can't be used, or None. Only https to a named host: the server posts
    to it, so an address inside our own network (an IP, a bare host name) is refused."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return ENDPOINT_PROBLEM
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _ = parts.port  # a port that isn't a number raises here
    except ValueError:
        return ENDPOINT_PROBLEM
    if not host or parts.username is not None or parts.password is not None:
        return ENDPOINT_PROBLEM
    if local_ok and host in LOCAL_HOSTS and parts.scheme in ("http", "https"):
        return None  # the test suite's own push service, or a developer's
    if parts.scheme != "https" or host in LOCAL_HOSTS or "." not in host:
        return ENDPOINT_PROBLEM
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return ENDPOINT_PROBLEM


def _decoded(text: str, size: int, message: str) -> bytes:
    try:
        raw = from_b64url(text) if BASE64URL.match(text) else b""
    except ValueError:  # binascii.Error: a length no base64 text can have
        raw = b""
    if len(raw) != size:
        raise ValidationError(message)
    return raw


def _p256_point(text: str) -> None:
    message = "Send the browser's p256dh key: a P-256 point, 65 bytes in base64url."
    raw = _decoded(text, 65, message)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as error:
        raise ValidationError(message) from error
    if raw[0] != 4:
        raise ValidationError(message)  # compressed points are not what browsers send


def _auth_secret(text: str) -> None:
    _decoded(text, 16, "Send the browser's auth secret: 16 bytes in base64url.")


class PushKeysSchema(Schema):
    """The browser's keys for encrypting messages to it (RFC 8291)."""

    p256dh = Text(required=True, allow_nul=False, validate=[validate.Length(max=128), _p256_point])
    auth = Text(required=True, allow_nul=False, validate=[validate.Length(max=64), _auth_secret])


class PushSubscriptionInputSchema(Schema):
    """A browser's push subscription and the reminders it wants; the kinds allowed depend on
    the account's role, and http to this machine only in development and tests."""

    endpoint = Text(required=True, allow_nul=False, validate=validate.Length(max=MAX_ENDPOINT))
    keys = fields.Nested(PushKeysSchema, required=True)
    kinds = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(max=10),
        metadata={"description": "from: " + ", ".join(PUSH_KINDS)},
    )

    def __init__(self, *, allowed=PUSH_KINDS, local_ok: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.allowed, self.local_ok = tuple(allowed), local_ok

    @validates("endpoint")
    def _endpoint(self, value: str, **kwargs) -> None:
        problem = endpoint_problem(value, self.local_ok)
        if problem:
            raise ValidationError(problem)

    @validates("kinds")
    def _kinds(self, value: list[str], **kwargs) -> None:
        choices = ", ".join(self.allowed)
        if not value:
            raise ValidationError(f"Choose at least one reminder: {choices}.")
        if any(kind not in self.allowed for kind in value):
            raise ValidationError(f"This account's reminders are: {choices}.")


class PushSubscriptionSchema(Schema):
    """One device's subscription, as its owner sees it (its address and keys are never shown)."""

    id = fields.String(dump_only=True)
    kinds = fields.List(fields.String(), dump_only=True, attribute="kind_list")
    created_at = UTCDateTimeField(dump_only=True)


PushSubscriptionPageSchema = page_schema(PushSubscriptionSchema, "PushSubscriptionPage")


class ClockTime(Text):
    """A time of day, HH:MM (a browser's time field may add :00 seconds, which are dropped)."""

    default_error_messages = {"invalid": "Give a time like 22:00."}

    def __init__(self, **kwargs):
        super().__init__(allow_nul=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not CLOCK.match(text):
            raise self.make_error("invalid")
        return text[:5]


class QuietHoursSchema(Schema):
    """No reminders from one time to another, in the person's own time zone (22:00 to 07:00
    runs over midnight)."""

    quiet_from = ClockTime(required=True, data_key="from", metadata={"example": "22:00"})
    quiet_to = ClockTime(required=True, data_key="to", metadata={"example": "07:00"})

    @validates_schema
    def _two_times(self, data, **kwargs):
        if data["quiet_from"] == data["quiet_to"]:
            raise ValidationError("Choose an end different from the start.", "to")


class QuietHoursOutSchema(Schema):
    """The quiet hours, or nulls when there are none."""

    quiet_from = fields.String(dump_only=True, allow_none=True, data_key="from")
    quiet_to = fields.String(dump_only=True, allow_none=True, data_key="to")


class PublicKeySchema(Schema):
    """The server's VAPID public key: the browser's applicationServerKey."""

    key = fields.String(
        dump_only=True, metadata={"description": "uncompressed P-256 point, base64url"}
    )
