"""Schemas for a therapist's answers: what they send, and what either side reads back."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from journal.schemas.common import page_schema
from journal.schemas.fields import Text, UTCDateTimeField

REPLY_LENGTH = validate.Length(
    min=1, max=1000, error="Write 1 to 1,000 characters, or leave the reply out."
)


class AnswerInputSchema(Schema):
    """Heard, a short reply, and/or "let's talk about it next session"."""

    heard = fields.Boolean(required=True)
    reply = Text(load_default=None, allow_none=True, validate=REPLY_LENGTH)
    discuss_next_session = fields.Boolean(load_default=False)

    @validates_schema
    def _says_something(self, data, **kwargs):
        if not data.get("heard") and not data.get("discuss_next_session"):
            raise ValidationError(
                "Mark it heard, ask to talk about it next session, or both.", "heard"
            )


class AnswerSchema(Schema):
    """An answer to one shared entry or check-in."""

    entry_id = fields.String(dump_only=True, allow_none=True)
    checkin_id = fields.String(dump_only=True, allow_none=True)
    therapist_id = fields.String(dump_only=True)
    heard = fields.Boolean(dump_only=True)
    reply = fields.String(dump_only=True, allow_none=True)
    discuss_next_session = fields.Boolean(dump_only=True)
    answered_at = UTCDateTimeField(dump_only=True)
    updated_at = UTCDateTimeField(dump_only=True)


class ReplySchema(AnswerSchema):
    """An answer as the client's list of replies shows it."""

    therapist_name = fields.String(dump_only=True)
    item_title = fields.String(dump_only=True)
    seen = fields.Boolean(dump_only=True)


ReplyPageSchema = page_schema(ReplySchema, "ReplyPage")
