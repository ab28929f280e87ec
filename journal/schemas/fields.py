"""Field types shared by the schemas."""

from marshmallow import ValidationError, fields, validate

from journal.models.users import time_zones

UNSTORABLE = "Contains characters that can't be stored (a broken character or a null byte)."
# A person meets this one on any form field left out: plain words, not "Missing data for
# required field." (fields with something better to say set their own).
fields.Field.default_error_messages["required"] = "Please fill this in."
# What to say to an empty box, in plain words (its only other limit is out of a person's reach).
ENTER_PASSWORD = validate.Length(min=1, max=1024, error="Enter your password.")
ENTER_EMAIL = validate.Length(min=1, max=254, error="Enter your email address.")


class Text(fields.String):
    """A string that is stored exactly: any Unicode, but no unpaired surrogates."""

    def __init__(self, *args, allow_nul: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_nul = allow_nul

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError(UNSTORABLE) from exc
        if not self.allow_nul and "\x00" in text:
            raise ValidationError(UNSTORABLE)
        return text


class Note(Text):
    """A short note, trimmed first, so a blank one is caught as blank."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class UTCDateTimeField(fields.DateTime):
    """ISO 8601 in UTC with a Z suffix."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class TimeZone(Text):
    """An IANA time zone name such as "Europe/Berlin"."""

    default_error_messages = {"unknown": "Choose a time zone from the list, like Europe/Berlin."}

    def __init__(self, **kwargs):
        super().__init__(allow_nul=False, validate=validate.Length(max=64), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs).strip()
        if name not in time_zones():
            raise self.make_error("unknown")
        return name
