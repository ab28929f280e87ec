"""Schemas for two-step sign-in (TOTP)."""

from marshmallow import Schema, fields, validate

from journal.schemas.fields import ENTER_PASSWORD, Text

SIX_DIGITS = validate.Regexp(r"^[0-9]{6}$", error="Enter the 6 digits from your authenticator app.")


class TotpCode(Text):
    """A 6-digit code; spaces typed between the digits are dropped."""

    def __init__(self, **kwargs):
        super().__init__(allow_nul=False, validate=SIX_DIGITS, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return "".join(super()._deserialize(value, attr, data, **kwargs).split())


class TwoFactorCodeSchema(Schema):
    """Input that carries one code from the authenticator app."""

    code = TotpCode(required=True, load_only=True)


class TwoFactorOffSchema(Schema):
    """Input for turning two-step sign-in off: the password and a code."""

    password = Text(required=True, load_only=True, validate=ENTER_PASSWORD)
    code = TotpCode(required=True, load_only=True)


class TwoFactorSetupSchema(Schema):
    """A new secret to add to an authenticator app, as text and as an otpauth URI."""

    secret = fields.String(dump_only=True)
    otpauth_uri = fields.String(dump_only=True)


class RecoveryCodesSchema(Schema):
    """Ten single-use recovery codes: shown once, kept only as keyed hashes."""

    codes = fields.List(fields.String(), dump_only=True)
