"""Schemas for the private calendar feed."""

from marshmallow import Schema, ValidationError, fields, validates_schema

YES_OR_NO = {"invalid": "Choose true or false."}


def _choice(description: str) -> fields.Boolean:
    # JSON true or false only: "yes" or 1 is more likely a mistake than a choice.
    return fields.Boolean(
        truthy={True},
        falsy={False},
        error_messages=YES_OR_NO,
        metadata={"description": description},
    )


class CalendarFeedUrlSchema(Schema):
    """The feed's address: shown once, when it is made."""

    url = fields.String(
        dump_only=True,
        metadata={"description": "subscribe to this address; anyone who has it sees the times"},
    )


class CalendarFeedSchema(Schema):
    """Whether the person has a feed, and what its events show (never the address)."""

    on = fields.Boolean(dump_only=True)
    names = fields.Boolean(dump_only=True, metadata={"description": "events name the other person"})
    reminder = fields.Boolean(
        dump_only=True,
        metadata={"description": "a reminder the day before each session (clients only)"},
    )


class CalendarOptionsSchema(Schema):
    """What the feed's events show: the other person's name, and the day-before reminder."""

    names = _choice("name the other person in each event (off by default)")
    reminder = _choice("remind a client the day before each session (on by default)")

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError("Send names, reminder, or both.", "names")
