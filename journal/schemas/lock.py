"""Schemas for the app lock."""

from marshmallow import Schema, fields, validate

from journal.schemas.fields import Text
from journal.services.applock import AFTER_MINUTES

PIN = validate.Regexp(r"^[0-9]{4,8}$", error="Use 4 to 8 digits.")


class LockSchema(Schema):
    """Turn the lock on, or change its PIN or time."""

    pin = Text(required=True, load_only=True, validate=PIN)
    after_minutes = fields.Integer(
        load_default=5,
        strict=True,
        validate=validate.OneOf(AFTER_MINUTES, error="Choose 1, 5 or 15 minutes."),
        metadata={"description": "minutes unused (or in the background) before it locks"},
    )


class PinSchema(Schema):
    """The PIN that opens this device."""

    pin = Text(required=True, load_only=True, validate=validate.Length(max=64))


class LockStateSchema(Schema):
    """Whether the app lock is on, and after how many minutes it locks."""

    on = fields.Boolean(dump_only=True, attribute="lock_on")
    after_minutes = fields.Integer(dump_only=True, attribute="lock_after_minutes")


class LockFormSchema(Schema):
    """The account page's lock form: the PIN, the time, and the password unless given lately."""

    checks_password_in = "lock_password"  # noqa: S105 - a field name: checked when others fail
    pin = Text(required=True, load_only=True, validate=PIN)
    after_minutes = fields.Integer(
        load_default=5, validate=validate.OneOf(AFTER_MINUTES, error="Choose 1, 5 or 15 minutes.")
    )
    lock_password = Text(load_default=None, load_only=True, validate=validate.Length(max=1024))


class UnlockPasswordFormSchema(Schema):
    """The account page's form that turns the lock off."""

    unlock_password = Text(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
