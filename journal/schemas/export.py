"""The export document."""

from marshmallow import EXCLUDE, Schema, fields, validate

from journal.models import TASK_STATUSES
from journal.schemas.answers import AnswerSchema, ReplySchema
from journal.schemas.auth import DeviceSchema, PasswordSchema, UserSchema
from journal.schemas.checkins import CheckinSchema
from journal.schemas.entries import EntrySchema
from journal.schemas.fields import UTCDateTimeField
from journal.schemas.goals import GoalSchema
from journal.schemas.packets import PacketSchema, SessionSchema
from journal.schemas.repairs import LedgerItemSchema
from journal.schemas.sharing import LinkSchema
from journal.schemas.tasks import TaskSchema
from journal.schemas.therapist import GivenSuggestionSchema, TherapistViewSchema

FORMATS = ("json", "zip")
# How the OpenAPI document describes the ZIP answer (GET /export?format=zip).
ARCHIVE = {
    "schema": {
        "type": "string",
        "format": "binary",
        "description": "a ZIP: journal.json, entries/<YYYY-MM-DD>-<title>.md, checkins.csv, "
        "sessions/<YYYY-MM-DD>.md and index.html",
    }
}


class ExportArgsSchema(Schema):
    """?format=json (one document, the default) or ?format=zip (the readable archive)."""

    class Meta:
        unknown = EXCLUDE

    format = fields.String(
        load_default="json",
        validate=validate.OneOf(FORMATS, error="Choose json or zip."),
        metadata={
            "description": "zip: application/zip holding journal.json (this same document), "
            "entries/*.md, checkins.csv, sessions/*.md and index.html"
        },
    )


class ExportFormSchema(PasswordSchema):
    """The export page: the password, and which file (JSON unless the archive is chosen)."""

    format = fields.String(
        load_default="json", validate=validate.OneOf(FORMATS, error="Choose one of the two files.")
    )


class ExportedAnswerSchema(AnswerSchema):
    """An answer the therapist gave, to which client (the item's title is the client's)."""

    client_id = fields.String(dump_only=True)


class ExportedTaskSchema(Schema):
    """A task the therapist gave: their words and where it stands, never the client's."""

    id = fields.String(dump_only=True)
    client_id = fields.String(dump_only=True)
    text = fields.String(dump_only=True, allow_none=True)
    prompt_id = fields.String(dump_only=True, allow_none=True)
    words = fields.String(dump_only=True, metadata={"description": "the text, or the prompt's"})
    due_at = UTCDateTimeField(dump_only=True)
    by_session = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(TASK_STATUSES)})
    created_at = UTCDateTimeField(dump_only=True)


class ExportedSuggestionSchema(GivenSuggestionSchema):
    """A goal the therapist suggested, to which client, and whether they took it up."""

    client_id = fields.String(dump_only=True)


def _theirs(nested: type[Schema], description: str) -> fields.List:
    """A list only a therapist's export holds (a client's has no such key)."""
    return fields.List(
        fields.Nested(nested),
        dump_only=True,
        metadata={"description": f"therapists only: {description}"},
    )


class EventSchema(Schema):
    """One audit event about the user."""

    at = UTCDateTimeField(dump_only=True)
    action = fields.String(dump_only=True)
    outcome = fields.String(dump_only=True)
    actor_id = fields.String(dump_only=True, allow_none=True)
    entry_id = fields.String(dump_only=True, allow_none=True)


class ExportSchema(Schema):
    """Every record the signed-in user owns."""

    format = fields.Constant("alliance-journal-export/1", dump_only=True)
    account = fields.Nested(UserSchema, dump_only=True)
    entries = fields.List(fields.Nested(EntrySchema), dump_only=True)
    checkins = fields.List(fields.Nested(CheckinSchema), dump_only=True)
    packets = fields.List(fields.Nested(PacketSchema), dump_only=True)
    answers = fields.List(fields.Nested(ReplySchema), dump_only=True)
    repairs = fields.List(
        fields.Nested(LedgerItemSchema),
        dump_only=True,
        metadata={"description": "the repair ledger: each feedback and question, what came of it"},
    )
    goals = fields.List(fields.Nested(GoalSchema), dump_only=True)
    tasks = fields.List(fields.Nested(TaskSchema), dump_only=True)
    therapist_views = fields.List(
        fields.Nested(TherapistViewSchema),
        dump_only=True,
        metadata={"description": "a therapist's own views of their sessions (therapists only)"},
    )
    devices = fields.List(fields.Nested(DeviceSchema), dump_only=True)
    events = fields.List(fields.Nested(EventSchema), dump_only=True)
    links = _theirs(LinkSchema, "every link with a client, ended ones too")
    sessions = _theirs(SessionSchema, "every session on those links")
    answers_given = _theirs(ExportedAnswerSchema, "your answers, your reply in your words")
    tasks_given = _theirs(ExportedTaskSchema, "the tasks you gave")
    goal_suggestions = _theirs(ExportedSuggestionSchema, "the goals you suggested")
