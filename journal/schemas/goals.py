"""Schemas for goals: the client's own, their answers to suggestions, and a therapist's idea."""

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from journal.models import GOAL_STATUSES, NOT_LINKED
from journal.schemas.common import page_schema
from journal.schemas.fields import Note, Text, UTCDateTimeField

GOAL_TEXT = validate.Length(min=1, max=300, error="Write 1 to 300 characters.")
STATUS = validate.OneOf(GOAL_STATUSES, error="Choose active, reached or set_aside.")
THERAPISTS = validate.Length(max=20, error="Name 20 therapists at most.")


def _therapists(**kwargs) -> fields.List:
    return fields.List(
        Text(allow_nul=False, validate=validate.Length(min=1, max=36)),
        validate=THERAPISTS,
        metadata={"description": "ids of linked therapists who may see the goal"},
        **kwargs,
    )


class SharingSchema(Schema):
    """A goal's `shared_with`, checked against the therapists the client is linked with when the
    view knows them (so a form learns every problem in one pass)."""

    def __init__(self, *args, linked: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.linked = linked

    @validates("shared_with")
    def _linked(self, value, **kwargs):
        if self.linked is not None and not set(value or []) <= self.linked:
            raise ValidationError(NOT_LINKED)


class GoalInputSchema(SharingSchema):
    """A new goal in the client's words, and who may see it (no one, unless named)."""

    text = Note(required=True, allow_nul=False, validate=GOAL_TEXT)
    shared_with = _therapists(load_default=list)


class GoalUpdateSchema(SharingSchema):
    """Change a goal's words, where it stands, or who may see it (the list replaces the old)."""

    text = Note(allow_nul=False, validate=GOAL_TEXT)
    status = fields.String(validate=STATUS)
    shared_with = _therapists()

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send text, status or shared_with.", "_schema")


class GoalSchema(Schema):
    """A goal as the client sees it."""

    id = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(GOAL_STATUSES)})
    status_at = UTCDateTimeField(
        dump_only=True, allow_none=True, metadata={"description": "when reached or set aside"}
    )
    shared_with = fields.List(fields.String(), dump_only=True)
    suggested_by = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "the therapist who suggested it"}
    )
    created_at = UTCDateTimeField(dump_only=True)
    updated_at = UTCDateTimeField(dump_only=True)


class SuggestionInputSchema(Schema):
    """A goal a therapist suggests, in their words; the client may reword it."""

    text = Note(required=True, allow_nul=False, validate=GOAL_TEXT)


class SuggestionAnswerSchema(Schema):
    """The client's answer to a suggestion: accept (maybe reworded) or decline."""

    action = fields.String(
        required=True,
        validate=validate.OneOf(("accept", "decline"), error="Choose accept or decline."),
    )
    text = Note(
        load_default=None,
        allow_none=True,
        allow_nul=False,
        validate=GOAL_TEXT,
        metadata={"description": "the goal in your own words (accept only)"},
    )
    shared = fields.Boolean(
        load_default=True,
        metadata={"description": "share the goal with the therapist who suggested it"},
    )


class SuggestionSchema(Schema):
    """A suggestion as the client sees it; after an accept, the goal it became."""

    id = fields.String(dump_only=True)
    therapist_id = fields.String(dump_only=True)
    therapist_name = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": ["waiting", "accepted", "declined"]})
    goal_id = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTimeField(dump_only=True)
    answered_at = UTCDateTimeField(dump_only=True, allow_none=True)
    goal = fields.Nested(GoalSchema, dump_only=True, allow_none=True)


GoalPageSchema = page_schema(GoalSchema, "GoalPage")
SuggestionPageSchema = page_schema(SuggestionSchema, "SuggestionPage")
