"""Schemas for therapy sessions and the client's packet (the therapist's digest is elsewhere)."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from journal.models import utcnow
from journal.schemas.common import page_schema
from journal.schemas.fields import Text, UTCDateTimeField
from journal.schemas.sharing import AwareDateTime
from journal.schemas.tasks import TaskSchema

DURATION = validate.Range(min=15, max=240, error="Choose 15 to 240 minutes.")


class SessionSchema(Schema):
    """A session on a link's calendar; once it has ended its packet is archived."""

    id = fields.String(dump_only=True)
    link_id = fields.String(dump_only=True)
    starts_at = UTCDateTimeField(dump_only=True)
    ends_at = UTCDateTimeField(dump_only=True)
    archived = fields.Function(
        lambda session: session.ends_at <= utcnow(), dump_only=True, metadata={"type": "boolean"}
    )


class SessionCreateSchema(Schema):
    """A new session: when it starts and how long it lasts."""

    starts_at = AwareDateTime(required=True)
    duration_minutes = fields.Integer(strict=True, load_default=50, validate=DURATION)


class SessionUpdateSchema(Schema):
    """Move a session: a new start, a new length, or both."""

    starts_at = AwareDateTime()
    duration_minutes = fields.Integer(strict=True, validate=DURATION)

    @validates_schema
    def not_empty(self, data, **kwargs):
        """A move needs something to move."""
        if not data:
            raise ValidationError("Send starts_at, duration_minutes or both.")


class SessionListArgsSchema(Schema):
    """?past=1 for sessions that are over, most recent first."""

    class Meta:
        unknown = EXCLUDE

    past = fields.Boolean(load_default=False)


class PacketItemSchema(Schema):
    """One entry, or one check-in (kind "checkin", with its total), to talk about."""

    entry_id = fields.String(dump_only=True, allow_none=True)
    checkin_id = fields.String(dump_only=True, allow_none=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    total = fields.Integer(dump_only=True, allow_none=True)


class ClientBridgeSchema(Schema):
    """Your note after the session before: it leads the packet when shared."""

    entry_id = fields.String(dump_only=True)
    shared = fields.Boolean(dump_only=True)


class PacketSchema(Schema):
    """The client's own packet for a session: an agenda note and entries, in their order."""

    session_id = fields.String(dump_only=True)
    starts_at = UTCDateTimeField(dump_only=True)
    ends_at = UTCDateTimeField(dump_only=True)
    archived = fields.Boolean(dump_only=True)
    agenda = fields.String(dump_only=True)
    items = fields.List(fields.Nested(PacketItemSchema), dump_only=True)
    requests = fields.List(
        fields.Nested(PacketItemSchema),
        dump_only=True,
        metadata={"description": "what the therapist asked to talk about at this session"},
    )
    tasks = fields.List(
        fields.Nested(lambda: TaskSchema()),
        dump_only=True,
        metadata={"description": "tasks due by this session, open ones first"},
    )
    bridge = fields.Nested(
        ClientBridgeSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "your note after the session before this one; it leads"},
    )


class PacketInputSchema(Schema):
    """Prepare a packet: the agenda note, the entries and then the check-ins, in order."""

    agenda = Text(
        load_default="", validate=validate.Length(max=2000, error="Keep it to 2,000 characters.")
    )
    entry_ids = fields.List(
        Text(allow_nul=False, validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(max=50, error="Choose up to 50 entries."),
    )
    # After the entries, in this order; a private check-in put here is shared.
    checkin_ids = fields.List(
        Text(allow_nul=False, validate=validate.Length(min=1, max=36)),
        load_default=list,
        validate=validate.Length(max=20, error="Choose up to 20 check-ins."),
    )


SessionPageSchema = page_schema(SessionSchema, "SessionPage")
