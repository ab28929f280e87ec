"""Schemas for accounts and sign-in."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from journal.models import ROLES
from journal.models.users import DEFAULT_TIME_ZONE
from journal.schemas.common import page_schema
from journal.schemas.fields import ENTER_EMAIL, ENTER_PASSWORD, Text, TimeZone, UTCDateTimeField
from journal.schemas.lock import LockStateSchema
from journal.schemas.twofactor import TotpCode
from journal.services.passwords import password_problem

NAME_LENGTH = [
    validate.Length(min=1, error="Enter a name: yours, or the one you'd like to be called."),
    validate.Length(max=80, error="Keep the name to 80 characters or fewer."),
]


def acceptable_password(value: str) -> None:
    """The password rules, checked with the other fields, so every problem shows at once."""
    problem = password_problem(value)
    if problem:
        raise ValidationError(problem)


def recovery_code_field() -> Text:
    """One of the ten recovery codes, in place of `totp` (dashes and spaces are ignored)."""
    return Text(
        load_default=None,
        allow_none=True,
        load_only=True,
        allow_nul=False,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "a recovery code, in place of totp"},
    )


class Name(Text):
    """A display name: trimmed first, so blank is caught as blank."""

    def __init__(self, **kwargs):
        super().__init__(allow_nul=False, validate=NAME_LENGTH, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Email(Text):
    """An email address, trimmed, at most 254 characters."""

    def __init__(self, **kwargs):
        rules = [
            validate.Length(max=254),
            validate.Email(error="Enter an email like name@example.com."),
        ]
        super().__init__(allow_nul=False, validate=rules, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class RegisterSchema(Schema):
    """Input for creating an account."""

    email = Email(required=True)
    password = Text(required=True, load_only=True, validate=acceptable_password)
    display_name = Name(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    time_zone = TimeZone(load_default=DEFAULT_TIME_ZONE)


class LoginSchema(Schema):
    """Input for signing in."""

    email = Text(required=True, allow_nul=False, validate=ENTER_EMAIL)
    password = Text(required=True, load_only=True, validate=ENTER_PASSWORD)
    # Only for accounts with two-step sign-in on; without it they get 401 totp_required.
    totp = TotpCode(load_default=None, load_only=True)
    recovery_code = recovery_code_field()


class PasswordSchema(Schema):
    """Input that only re-confirms the password."""

    password = Text(required=True, load_only=True, validate=ENTER_PASSWORD)


class ChangePasswordSchema(Schema):
    """Input for a new password."""

    checks_password_in = "current_password"  # noqa: S105 - a field name: checked when others fail
    current_password = Text(required=True, load_only=True, validate=validate.Length(max=1024))
    new_password = Text(required=True, load_only=True, validate=acceptable_password)


class ProfileSchema(Schema):
    """Input for changing the display name."""

    display_name = Name(required=True)


class TimeZoneSchema(Schema):
    """Input for changing the time zone times are shown and typed in."""

    time_zone = TimeZone(required=True)


class OfflineReadingSchema(Schema):
    """Input for whether this account's devices keep recent entries to read offline."""

    offline_reading = fields.Boolean(required=True)


class UpdateMeSchema(Schema):
    """Input for PATCH /me: a new display name, time zone or offline-reading choice."""

    display_name = Name()
    time_zone = TimeZone()
    offline_reading = fields.Boolean()

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            message = "Send a display_name, a time_zone or offline_reading."
            raise ValidationError(message, "display_name")


class UserSchema(Schema):
    """A user as the user sees themselves."""

    id = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    time_zone = fields.String(dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    two_factor = fields.Boolean(dump_only=True, attribute="totp_enabled")
    offline_reading = fields.Boolean(dump_only=True, attribute="keeps_offline_copy")
    email_confirmed = fields.Boolean(
        dump_only=True, metadata={"description": "whether a mailed link confirmed the address"}
    )


class MeSchema(UserSchema):
    """The signed-in user, with a change of address waiting for its confirmation, if any."""

    pending_email = fields.String(dump_only=True, allow_none=True)
    lock = fields.Nested(LockStateSchema, dump_only=True)


class CsrfSchema(Schema):
    """The CSRF token to send back in X-CSRFToken."""

    csrf_token = fields.String(dump_only=True)


class DeviceSchema(Schema):
    """One signed-in device."""

    id = fields.String(dump_only=True)
    user_agent = fields.String(dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    last_seen_at = UTCDateTimeField(dump_only=True)
    current = fields.Boolean(dump_only=True)


DevicePageSchema = page_schema(DeviceSchema, "DevicePage")


def form_schema(schema_cls: type[Schema]) -> Schema:
    """The same rules for an HTML form, ignoring fields such as csrf_token."""
    return schema_cls(unknown=EXCLUDE)


class ResetRequestSchema(Schema):
    """Ask for a password reset link by mail."""

    email = Text(required=True, allow_nul=False, validate=ENTER_EMAIL)


class ResetSchema(Schema):
    """Set a new password with a mailed link's token (and a code, with two-step sign-in on)."""

    token = Text(required=True, allow_nul=False, validate=validate.Length(min=1, max=200))
    new_password = Text(required=True, load_only=True, validate=acceptable_password)
    totp = TotpCode(load_default=None, load_only=True)
    recovery_code = recovery_code_field()


class ResetRequestedSchema(Schema):
    """The one answer to a reset request, whatever the address."""

    message = fields.String(dump_only=True)


class EmailChangeSchema(Schema):
    """Move the account to another address: the password, and the address to confirm."""

    checks_password_in = "password"  # noqa: S105 - a field name: checked when others fail
    email = Email(required=True)
    password = Text(required=True, load_only=True, validate=validate.Length(max=1024))


class EmailChangeAskedSchema(Schema):
    """A change of address waiting for its confirmation."""

    message = fields.String(dump_only=True)
    pending_email = fields.String(dump_only=True)


class ConfirmationSentSchema(Schema):
    """A confirmation link is on its way."""

    message = fields.String(dump_only=True)


class EmailTokenSchema(Schema):
    """A mailed link's token, to confirm an address."""

    token = Text(required=True, allow_nul=False, validate=validate.Length(min=1, max=200))
