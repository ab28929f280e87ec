"""Schemas for journal entries."""

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from journal.models import ALL_KINDS, BRIDGE, KINDS
from journal.prompts import get_prompt
from journal.schemas.answers import AnswerSchema
from journal.schemas.common import ListArgsSchema, page_schema
from journal.schemas.fields import Text, UTCDateTimeField
from journal.schemas.repairs import RepairSchema
from journal.services import feedback

TITLE = validate.Length(max=200, error="Keep the title to 200 characters or fewer.")


def not_blank(value: str) -> None:
    """Ask for words, not only spaces."""
    if not value.strip():
        raise ValidationError("Write a few words here.")


# Words, not only spaces (on the page and in the API alike), and never more than 20,000.
BODY = [validate.Length(max=20_000, error="Keep it to 20,000 characters or fewer."), not_blank]
TAG = Text(validate=validate.Length(min=1, max=32, error="Each tag needs 1 to 32 characters."))
TAGS = validate.Length(max=10, error="Use up to 10 tags.")
KIND = validate.OneOf(KINDS, error="Choose one of: " + ", ".join(KINDS) + ".")
ANY_KIND = validate.OneOf(ALL_KINDS, error="Choose one of: " + ", ".join(ALL_KINDS) + ".")
PART = validate.Length(max=2000, error="Keep each part to 2,000 characters or fewer.")


class BridgeSchema(Schema):
    """An after-session bridge's three parts; at least one has words."""

    takeaway = Text(load_default="", validate=PART, metadata={"description": "one takeaway"})
    helped = Text(load_default="", validate=PART, metadata={"description": "what helped most"})
    hindered = Text(
        load_default="", validate=PART, metadata={"description": "anything that didn't sit right"}
    )

    @validates_schema
    def _some_words(self, data, **kwargs):
        if not any((data.get(key) or "").strip() for key in ("takeaway", "helped", "hindered")):
            raise ValidationError("Write a few words in at least one of the three.", "_schema")


def unique(values: list) -> None:
    """Each choice once."""
    if len(set(values)) != len(values):
        raise ValidationError("Choose each one once.")


def known_prompt(value: str) -> None:
    """Accept only ids from the prompt library."""
    if get_prompt(value) is None:
        raise ValidationError("There is no prompt with this id.")


class ShareStatusSchema(Schema):
    """Who an entry is shared with, and whether they have read it."""

    therapist_id = fields.String(dump_only=True)
    therapist_name = fields.String(dump_only=True)
    shared_at = UTCDateTimeField(dump_only=True)
    read_at = UTCDateTimeField(dump_only=True, allow_none=True)
    expires_at = UTCDateTimeField(dump_only=True, allow_none=True)
    until_session_id = fields.String(dump_only=True, allow_none=True)
    passage = fields.String(dump_only=True, allow_none=True)
    answer = fields.Nested(AnswerSchema, dump_only=True, allow_none=True)


DIFFICULTY = validate.Range(min=0, max=10, error="Choose a whole number from 0 to 10.")


class FeedbackSchema(Schema):
    """The composer's parts: what isn't working, what would help instead, and how to raise it."""

    what = Text(
        required=True,
        validate=[
            validate.Length(min=1, max=5000, error="Write between 1 and 5,000 characters."),
            not_blank,
        ],
        error_messages={"required": "Write a few words about what isn't working. One is enough."},
    )
    instead = Text(
        load_default="",
        validate=validate.Length(max=5000, error="Keep it to 5,000 characters or fewer."),
    )
    topics = fields.List(
        fields.String(
            validate=validate.OneOf(
                list(feedback.TOPICS),
                error="Choose from the list: " + ", ".join(feedback.TOPICS) + ".",
            )
        ),
        load_default=list,
        validate=unique,
    )
    difficulty = fields.Integer(
        strict=True,
        load_default=None,
        allow_none=True,
        validate=DIFFICULTY,
        error_messages={"invalid": DIFFICULTY.error},
        metadata={"description": "How hard it was to say: 0 (easy) to 10 (very hard)"},
    )
    raise_how = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(
            list(feedback.RAISE),
            error="Choose one of the three ways: " + ", ".join(feedback.RAISE) + ".",
        ),
    )


class FeedbackStartersSchema(Schema):
    """What a client needs to draw the composer: starters, topics and ways to raise it."""

    starters = fields.List(fields.String(), dump_only=True)
    question_starters = fields.List(fields.String(), dump_only=True)
    topics = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    raise_how = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)


class EntrySchema(Schema):
    """An entry as its author sees it."""

    id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    tags = fields.List(fields.String(), dump_only=True)
    prompt_id = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTimeField(dump_only=True)
    updated_at = UTCDateTimeField(dump_only=True)
    version = fields.Integer(dump_only=True)
    shares = fields.List(fields.Nested(ShareStatusSchema), dump_only=True)
    repair = fields.Nested(
        RepairSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "what came of a feedback or question; null while open"},
    )
    details = fields.Method(
        "_details",
        dump_only=True,
        allow_none=True,
        metadata={
            "type": "object",
            "nullable": True,
            "description": "The feedback composer's parts (kind feedback), or the bridge's "
            "{takeaway, helped, hindered} (kind after_session); null otherwise",
        },
    )
    session_id = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "the session a bridge is about"}
    )

    def _details(self, entry) -> dict | None:
        if entry.details is None:
            return None
        schema = BridgeSchema() if entry.kind == BRIDGE else FeedbackSchema()
        return schema.dump(entry.details)


class EntryFieldsSchema(Schema):
    """The fields of a new entry, as written by hand."""

    id = fields.UUID(load_default=None)
    kind = fields.String(load_default="reflection", validate=KIND)
    title = Text(load_default="", validate=TITLE)
    body = Text(required=True, validate=BODY)
    tags = fields.List(TAG, load_default=list, validate=TAGS)
    prompt_id = Text(
        load_default=None,
        allow_none=True,
        allow_nul=False,
        validate=[validate.Length(max=40), known_prompt],
    )


class EntryCreateSchema(EntryFieldsSchema):
    """Input for a new entry; `id` may be made by the client so a replay never duplicates.

    Feedback can instead be sent as the composer's parts (`feedback`, no `body`): the server
    writes the title (unless one is given) and the body the therapist will read.
    """

    kind = fields.String(
        validate=ANY_KIND,
        metadata={
            "description": 'Default "reflection"; "feedback" with `feedback`; "after_session" '
            "with `session_id` and `details`"
        },
    )
    task_id = Text(
        load_default=None,
        allow_none=True,
        allow_nul=False,
        validate=validate.Length(max=36),
        metadata={"description": "a task of yours this entry answers (404 for anyone else's)"},
    )
    body = Text(
        validate=BODY,
        metadata={"description": "Required unless `feedback` or a bridge's `details` is sent"},
    )
    feedback = fields.Nested(FeedbackSchema)
    session_id = Text(
        allow_nul=False,
        validate=validate.Length(max=36),
        metadata={"description": "after_session: your session, ended in the last 48 hours"},
    )
    details = fields.Nested(BridgeSchema, metadata={"description": "after_session: its parts"})
    leads_packet = fields.Boolean(
        load_default=False,
        metadata={
            "description": "after_session: put it at the top of the next packet (this shares "
            "it with that session's therapist)"
        },
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def body_or_parts(self, data, original, **kwargs):
        """Words by hand or the composer's parts: one of the two, and parts make feedback."""
        if not isinstance(original, dict):
            return
        if original.get("kind") == BRIDGE or "details" in original or "session_id" in original:
            _bridge_rules(original)
            return
        if "feedback" not in original:
            if "body" not in original:
                raise ValidationError("Write a few words here.", "body")
            return
        if "body" in original:
            raise ValidationError("Send the body or the feedback parts, not both.", "body")
        if original.get("kind", "feedback") != "feedback":
            raise ValidationError('Feedback parts make an entry of kind "feedback".', "kind")

    def handle_error(self, error, data, **kwargs):
        """Name a bad part of the feedback as "feedback.what" (not just "feedback")."""
        nested = error.messages.get("feedback") if isinstance(error.messages, dict) else None
        if not isinstance(nested, dict):
            return
        messages = {k: v for k, v in error.messages.items() if k != "feedback"}
        for name, value in nested.items():
            messages["feedback" if name == "_schema" else f"feedback.{name}"] = value
        raise ValidationError(messages) from error

    @post_load
    def compose(self, data, **kwargs):
        """Write the feedback entry from its parts; a hand-written entry is a reflection. (A
        bridge is written by the service, which knows the session.)"""
        parts = data.pop("feedback", None)
        if parts is None:
            data.setdefault("kind", "reflection")
            return data
        composed = feedback.compose({**parts, "title": data["title"]})
        return {**data, "kind": "feedback", **composed}


def _bridge_rules(original: dict) -> None:
    """An after_session entry names its session and has parts; no other kind has either."""
    problems = {}
    if original.get("kind") != BRIDGE:
        for name in ("session_id", "details"):
            if name in original:
                problems[name] = ['Only an entry of kind "after_session" has this.']
    else:
        for name in ("session_id", "details"):
            if name not in original:
                problems[name] = ["Please fill this in."]
        for name in ("feedback", "body"):
            if name in original:
                problems[name] = ["A bridge is written from its details."]
    if problems:
        raise ValidationError(problems)


class EntryUpdateSchema(Schema):
    """Input for an edit: any of the fields, plus the version it was based on."""

    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    kind = fields.String(validate=KIND)
    title = Text(validate=TITLE)
    body = Text(validate=BODY)
    tags = fields.List(TAG, validate=TAGS)


class EntryListArgsSchema(ListArgsSchema):
    """Filters for the entry list."""

    q = Text(
        load_default="", validate=validate.Length(max=200, error="Use 200 characters or fewer.")
    )
    tag = Text(
        load_default="", validate=validate.Length(max=32, error="A tag has 32 characters at most.")
    )
    kind = fields.String(
        load_default="", validate=validate.OneOf(("", *ALL_KINDS), error=ANY_KIND.error)
    )


def _split_tags(data):
    """Forms send tags as one comma-separated line."""
    data = dict(data)
    if isinstance(data.get("tags"), str):
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
    return data


class EntryFormSchema(EntryFieldsSchema):
    """The new-entry form: same rules, tags typed as a comma-separated line."""

    class Meta:
        unknown = EXCLUDE

    # The page looks the prompt up itself and quietly drops an unknown one.
    prompt_id = Text(load_default=None, allow_none=True)
    task_id = Text(load_default=None, allow_none=True, validate=validate.Length(max=36))

    @pre_load
    def split_tags(self, data, **kwargs):
        return _split_tags(data)


class EntryEditFormSchema(EntryUpdateSchema):
    """The edit form: same rules, tags typed as a comma-separated line."""

    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(required=True, validate=validate.Range(min=1))

    @pre_load
    def split_tags(self, data, **kwargs):
        return _split_tags(data)


EntryPageSchema = page_schema(EntrySchema, "EntryPage")
