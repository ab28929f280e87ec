"""What a therapist may see, field by field: nothing reaches a therapist except through these."""

from marshmallow import Schema, fields

from journal.schemas.checkins import Rating
from journal.schemas.common import page_schema
from journal.schemas.fields import UTCDateTimeField
from journal.schemas.repairs import LedgerItemSchema
from journal.schemas.tasks import TaskSchema


class ClientSchema(Schema):
    """A linked client at a glance: counts and dates cover shared entries only."""

    id = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    link_id = fields.String(dump_only=True)
    unread_count = fields.Integer(dump_only=True)
    last_shared_at = UTCDateTimeField(dump_only=True, allow_none=True)
    next_session_at = UTCDateTimeField(dump_only=True, allow_none=True)
    alliance_flag = fields.Boolean(
        dump_only=True,
        metadata={"description": "The latest shared check-in is low, or fell since the last"},
    )


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


class SharedCheckinSchema(Schema):
    """A check-in the client shares: API.md's check-in shape (every field named, so nothing
    private can slip in by default), with the total."""

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
    goal = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the goal it looks at, only if that goal is shared with me"},
    )


class FlagSchema(Schema):
    """Why a client's alliance may need a conversation (from shared check-ins only)."""

    low = fields.Boolean(dump_only=True)
    fell = fields.Boolean(dump_only=True)
    raised = fields.Boolean(dump_only=True)
    latest = fields.Integer(dump_only=True, allow_none=True)
    previous = fields.Integer(dump_only=True, allow_none=True)


class TherapistViewInputSchema(Schema):
    """Your own view of a session: how you think the client experienced it, 0 to 10 each."""

    bond = Rating(required=True)
    goals = Rating(required=True)
    approach = Rating(required=True)
    overall = Rating(required=True)


class TherapistViewSchema(Schema):
    """Your view of one session (never shown to the client)."""

    session_id = fields.String(dump_only=True)
    at = UTCDateTimeField(dump_only=True, metadata={"description": "when the session started"})
    bond = fields.Integer(dump_only=True)
    goals = fields.Integer(dump_only=True)
    approach = fields.Integer(dump_only=True)
    overall = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    updated_at = UTCDateTimeField(dump_only=True)


class AllianceSchema(Schema):
    """A client's flag, and the rule it was raised by: total below low_total, or a fall."""

    flag = fields.Nested(FlagSchema, dump_only=True)
    low_total = fields.Integer(dump_only=True)
    fall = fields.Integer(dump_only=True)
    therapist_view = fields.List(
        fields.Nested(TherapistViewSchema),
        dump_only=True,
        metadata={
            "description": "your own view of each session, oldest first: an aid to notice gaps "
            "beside the client's shared check-ins, not a score"
        },
    )


class DigestItemSchema(Schema):
    """One thing the client wants to talk about, as the digest shows it.

    An entry has an entry_id; a shared check-in has kind "checkin", a checkin_id and its total.
    """

    entry_id = fields.String(dump_only=True, allow_none=True)
    checkin_id = fields.String(dump_only=True, allow_none=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    total = fields.Integer(dump_only=True, allow_none=True)
    unread = fields.Boolean(dump_only=True)
    passage = fields.Boolean(dump_only=True)
    feedback = fields.Function(
        lambda item: item.kind == "feedback", dump_only=True, metadata={"type": "boolean"}
    )


class DigestBridgeSchema(Schema):
    """The client's note after the session before, shared with you: it comes first."""

    entry_id = fields.String(dump_only=True)
    parts = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        dump_only=True,
        allow_none=True,
        metadata={"description": "takeaway, helped, hindered (null when only a passage is shared)"},
    )
    unread = fields.Boolean(dump_only=True)


class DigestSchema(Schema):
    """A session's packet as the therapist's two-minute read."""

    session_id = fields.String(dump_only=True)
    starts_at = UTCDateTimeField(dump_only=True)
    ends_at = UTCDateTimeField(dump_only=True)
    archived = fields.Boolean(dump_only=True)
    agenda = fields.String(dump_only=True)
    items = fields.List(fields.Nested(DigestItemSchema), dump_only=True)
    requests = fields.List(
        fields.Nested(DigestItemSchema),
        dump_only=True,
        metadata={"description": "what you asked to talk about, still shared with you"},
    )
    bridge = fields.Nested(DigestBridgeSchema, dump_only=True, allow_none=True)
    open_items = fields.List(
        fields.Nested(lambda: OpenItemSchema()),
        dump_only=True,
        metadata={
            "description": "feedback and questions shared with you and not yet addressed, "
            "oldest first (empty once the session is over)"
        },
    )
    tasks = fields.List(
        fields.Nested(lambda: TaskSchema()),
        dump_only=True,
        metadata={
            "description": "tasks you gave that are due by this session; an answer shows only "
            "while the client shares it"
        },
    )


ClientPageSchema = page_schema(ClientSchema, "ClientPage")
SharedEntryPageSchema = page_schema(SharedEntrySummarySchema, "SharedEntryPage")
SharedCheckinPageSchema = page_schema(SharedCheckinSchema, "SharedCheckinPage")


class SharedLedgerItemSchema(LedgerItemSchema):
    """A ledger item as the therapist sees it: only what is shared with them now, the verdict
    as the client last chose to share it, and no title when only a passage is shared."""

    passage = fields.Boolean(dump_only=True)


SharedLedgerPageSchema = page_schema(SharedLedgerItemSchema, "SharedLedgerPage")


class OpenItemSchema(SharedLedgerItemSchema):
    """An open ledger item as the digest leads with it: how long it has been open."""

    days_open = fields.Integer(dump_only=True)


class SharedGoalSchema(Schema):
    """A goal the client shares with this therapist, in the client's words."""

    id = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": ["active", "reached", "set_aside"]})
    status_at = UTCDateTimeField(dump_only=True, allow_none=True)
    suggested_by_me = fields.Boolean(dump_only=True)
    shared_at = UTCDateTimeField(dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)


class GivenSuggestionSchema(Schema):
    """A goal this therapist suggested, and whether the client accepted or declined it (the
    goal it became shows among the shared goals only if the client shares it)."""

    id = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": ["waiting", "accepted", "declined"]})
    created_at = UTCDateTimeField(dump_only=True)
    answered_at = UTCDateTimeField(dump_only=True, allow_none=True)


SharedGoalPageSchema = page_schema(SharedGoalSchema, "SharedGoalPage")
GivenSuggestionPageSchema = page_schema(GivenSuggestionSchema, "GivenSuggestionPage")
