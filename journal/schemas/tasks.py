"""Schemas for tasks: a therapist's new task, the client's answer to it, and the task itself."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from journal.models import TASK_STATUSES
from journal.schemas.common import page_schema
from journal.schemas.entries import known_prompt
from journal.schemas.fields import Note, Text, UTCDateTimeField

WORDS = validate.Length(min=1, max=1000, error="Write 1 to 1,000 characters.")


class DueSchema(Schema):
    """By the next session, or by a date (the end of that day on the client's calendar)."""

    next_session = fields.Boolean(validate=validate.Equal(True, error="Send true, or a date."))
    date = fields.Date(metadata={"description": "YYYY-MM-DD"})

    @validates_schema
    def _one(self, data, **kwargs):
        if len(data) != 1:
            raise ValidationError("Choose the next session or a date.", "_schema")


class TaskInputSchema(Schema):
    """A new task: exactly one of the therapist's own words and a prompt from our library."""

    text = Note(allow_nul=False, validate=WORDS)
    prompt_id = Text(allow_nul=False, validate=[validate.Length(max=40), known_prompt])
    goal_id = Text(load_default=None, allow_none=True, validate=validate.Length(max=36))
    due = fields.Nested(DueSchema, required=True)

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _text_or_prompt(self, data, original, **kwargs):
        if not isinstance(original, dict):
            return
        if ("text" in original) == ("prompt_id" in original):
            raise ValidationError("Write the task, or choose a prompt: one of the two.", "text")


class TaskStatusSchema(Schema):
    """The client's word on a task: done (bringing it to the session), declined, or open again."""

    status = fields.String(
        required=True,
        validate=validate.OneOf(("done", "declined", "open"), error="Choose done or declined."),
    )
    reason = Note(
        load_default=None,
        allow_none=True,
        allow_nul=False,
        validate=validate.Length(max=1000, error="Keep the reason to 1,000 characters."),
        metadata={"description": "why it doesn't fit (declined only); the therapist sees it"},
    )


class TaskSchema(Schema):
    """A task, as the client sees it or as the therapist who gave it does (then the answer and
    a goal show only while the client shares them)."""

    id = fields.String(dump_only=True)
    therapist_id = fields.String(dump_only=True)
    therapist_name = fields.String(dump_only=True)
    text = fields.String(dump_only=True, allow_none=True)
    prompt_id = fields.String(dump_only=True, allow_none=True)
    words = fields.String(dump_only=True, metadata={"description": "the text, or the prompt's"})
    goal_id = fields.String(dump_only=True, allow_none=True)
    goal = fields.String(dump_only=True, allow_none=True, metadata={"description": "its words"})
    due_at = UTCDateTimeField(dump_only=True)
    by_session = fields.Boolean(dump_only=True, metadata={"description": "due by a session"})
    status = fields.String(dump_only=True, metadata={"enum": list(TASK_STATUSES)})
    answer_entry_id = fields.String(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTimeField(dump_only=True)


TaskPageSchema = page_schema(TaskSchema, "TaskPage")
