"""Schemas for the client's own alliance check-ins (what a therapist sees is in therapist.py)."""

from marshmallow import Schema, fields, validate

from journal.schemas.common import page_schema
from journal.schemas.fields import Text, UTCDateTimeField

RATING = validate.Range(min=0, max=10, error="Choose a whole number from 0 to 10.")
NOTE = validate.Length(max=2000, error="Keep the note to 2,000 characters or fewer.")


class Rating(fields.Integer):
    """One of the four scales: a whole number from 0 (not at all) to 10 (completely)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=RATING, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false, and nothing that merely looks like them ("yes", 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class CheckinSchema(Schema):
    """A check-in as the client who made it sees it."""

    id = fields.String(dump_only=True)
    therapist_id = fields.String(dump_only=True)
    bond = fields.Integer(dump_only=True)
    goals = fields.Integer(dump_only=True)
    approach = fields.Integer(dump_only=True)
    overall = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True)
    shared = fields.Boolean(dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    goal_id = fields.String(dump_only=True, allow_none=True)
    goal = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "the words of that goal"}
    )


class CheckinCreateSchema(Schema):
    """A new check-in about the work with one linked therapist; sharing is chosen each time."""

    therapist_id = Text(required=True, allow_nul=False, validate=validate.Length(min=1, max=36))
    bond = Rating(required=True)
    goals = Rating(required=True)
    approach = Rating(required=True)
    overall = Rating(required=True)
    note = Text(load_default="", validate=NOTE)
    shared = StrictBoolean(required=True)
    goal_id = Text(
        load_default=None,
        allow_none=True,
        allow_nul=False,
        validate=validate.Length(max=36),
        metadata={"description": "one of your active goals this check-in looks at (optional)"},
    )


class CheckinUpdateSchema(Schema):
    """Share a private check-in later, or stop sharing one."""

    shared = StrictBoolean(required=True)


CheckinPageSchema = page_schema(CheckinSchema, "CheckinPage")
