"""The export document."""

from marshmallow import Schema, fields

from journal.schemas.answers import ReplySchema
from journal.schemas.auth import DeviceSchema, UserSchema
from journal.schemas.checkins import CheckinSchema
from journal.schemas.entries import EntrySchema
from journal.schemas.fields import UTCDateTimeField
from journal.schemas.goals import GoalSchema
from journal.schemas.packets import PacketSchema
from journal.schemas.repairs import LedgerItemSchema
from journal.schemas.tasks import TaskSchema
from journal.schemas.therapist import TherapistViewSchema


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
