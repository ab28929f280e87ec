"""What a therapist may see, field by field: nothing reaches a therapist except through these."""

from marshmallow import Schema, fields

from journal.schemas.common import page_schema
from journal.schemas.fields import UTCDateTimeField


class ClientSchema(Schema):
    """A linked client at a glance: counts and dates cover shared entries only."""

    id = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    link_id = fields.String(dump_only=True)
    unread_count = fields.Integer(dump_only=True)
    last_shared_at = UTCDateTimeField(dump_only=True, allow_none=True)
    next_session_at = UTCDateTimeField(dump_only=True, allow_none=True)


class SharedEntrySummarySchema(Schema):
    """A shared entry in the list: no body (a passage share has no title either)."""

    entry_id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    shared_at = UTCDateTimeField(dump_only=True)
    read_at = UTCDateTimeField(dump_only=True, allow_none=True)
    updated_at = UTCDateTimeField(dump_only=True)
    passage = fields.Boolean(dump_only=True)
    expires_at = UTCDateTimeField(dump_only=True, allow_none=True)


class SharedEntrySchema(Schema):
    """A shared entry opened: for a passage share, the body is the passage alone."""

    entry_id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    tags = fields.List(fields.String(), dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    updated_at = UTCDateTimeField(dump_only=True)
    shared_at = UTCDateTimeField(dump_only=True)
    read_at = UTCDateTimeField(dump_only=True, allow_none=True)
    passage = fields.Boolean(dump_only=True)
    expires_at = UTCDateTimeField(dump_only=True, allow_none=True)


class DigestItemSchema(Schema):
    """One thing the client wants to talk about, as the digest shows it."""

    entry_id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    unread = fields.Boolean(dump_only=True)
    passage = fields.Boolean(dump_only=True)
    feedback = fields.Function(
        lambda item: item.kind == "feedback", dump_only=True, metadata={"type": "boolean"}
    )


class DigestSchema(Schema):
    """A session's packet as the therapist's two-minute read."""

    session_id = fields.String(dump_only=True)
    starts_at = UTCDateTimeField(dump_only=True)
    ends_at = UTCDateTimeField(dump_only=True)
    archived = fields.Boolean(dump_only=True)
    agenda = fields.String(dump_only=True)
    items = fields.List(fields.Nested(DigestItemSchema), dump_only=True)


ClientPageSchema = page_schema(ClientSchema, "ClientPage")
SharedEntryPageSchema = page_schema(SharedEntrySummarySchema, "SharedEntryPage")
