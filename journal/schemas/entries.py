"""Schemas for journal entries."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from journal.models import KINDS
from journal.prompts import get_prompt
from journal.schemas.common import ListArgsSchema, page_schema
from journal.schemas.fields import Text, UTCDateTimeField

TITLE = validate.Length(max=200, error="Keep the title to 200 characters or fewer.")
BODY = validate.Length(min=1, max=20_000, error="Write between 1 and 20,000 characters.")
TAG = Text(validate=validate.Length(min=1, max=32, error="Each tag needs 1 to 32 characters."))
TAGS = validate.Length(max=10, error="Use up to 10 tags.")
KIND = validate.OneOf(KINDS, error="Choose one of: " + ", ".join(KINDS) + ".")


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


class EntryCreateSchema(Schema):
    """Input for a new entry; `id` may be made by the client so a replay never duplicates."""

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
    kind = fields.String(load_default="", validate=validate.OneOf(("", *KINDS), error=KIND.error))


def _split_tags(data):
    """Forms send tags as one comma-separated line."""
    data = dict(data)
    if isinstance(data.get("tags"), str):
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
    return data


class EntryFormSchema(EntryCreateSchema):
    """The new-entry form: same rules, tags typed as a comma-separated line."""

    class Meta:
        unknown = EXCLUDE

    # The page looks the prompt up itself and quietly drops an unknown one.
    prompt_id = Text(load_default=None, allow_none=True)

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
