"""Schemas for the keys a device seals what it keeps with."""

import base64

from marshmallow import Schema, fields, validate

from journal.schemas.fields import UTCDateTimeField

DEVICE_SECRET = [
    validate.Length(min=32, max=128, error="Send the device's secret: 32 to 128 characters."),
    validate.Regexp(r"^[A-Za-z0-9_-]+$", error="Use letters, digits, - and _ only."),
]


class Base64(fields.String):
    """Bytes on the wire as standard base64 text."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else base64.b64encode(value).decode()


class DeviceSecretSchema(Schema):
    """Input naming this device: the random secret it made for itself (never stored)."""

    device = fields.String(required=True, load_only=True, validate=DEVICE_SECRET)


class PreviousKeySchema(Schema):
    """The replaced key, still handed over until the device has sealed everything anew."""

    key_id = fields.String(dump_only=True)
    private_key = Base64(dump_only=True)


class DeviceKeySchema(Schema):
    """This device's key pair for the signed-in account, and how long to keep it unlocked."""

    key_id = fields.String(dump_only=True)
    public_key = Base64(dump_only=True, metadata={"description": "raw P-256 point, base64"})
    private_key = Base64(dump_only=True, metadata={"description": "PKCS #8, base64"})
    created_at = UTCDateTimeField(dump_only=True)
    replaced_at = UTCDateTimeField(dump_only=True, allow_none=True)
    previous = fields.Nested(PreviousKeySchema, dump_only=True, allow_none=True)
    offline_reading = fields.Boolean(
        dump_only=True, metadata={"description": "keep recent entries on this device to read"}
    )
    time_zone = fields.String(dump_only=True)
    idle_seconds = fields.Integer(
        dump_only=True, metadata={"description": "the session ends after this long unused"}
    )
    ends_in_seconds = fields.Integer(
        dump_only=True, metadata={"description": "the session ends this long from now at most"}
    )
