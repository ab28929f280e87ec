"""Schemas for the repair ledger: the client's verdict in, ledger items out."""

from marshmallow import Schema, fields, validate

from journal.models import STATUSES
from journal.schemas.common import page_schema
from journal.schemas.fields import Text, UTCDateTimeField

STATUS = validate.OneOf(STATUSES, error="Choose addressed, partly or not_yet.")
NOTE = validate.Length(max=1000, error="A note has 1,000 characters at most.")


class RepairInputSchema(Schema):
    """What came of a feedback or question, an optional note, and whether the therapist sees it."""

    status = fields.String(required=True, validate=STATUS)
    note = Text(load_default=None, allow_none=True, validate=NOTE)
    shared = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={"description": "default: shared when the item itself is shared"},
    )


class RepairSchema(Schema):
    """The client's verdict on one item."""

    status = fields.String(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    shared = fields.Boolean(dump_only=True)
    updated_at = UTCDateTimeField(dump_only=True)


class LedgerItemSchema(Schema):
    """One feedback or question and what came of it ("open" until the client says)."""

    entry_id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(
        dump_only=True, metadata={"description": "empty when only a passage is shared"}
    )
    shared_at = UTCDateTimeField(
        dump_only=True, allow_none=True, metadata={"description": "null if never shared"}
    )
    answered_at = UTCDateTimeField(dump_only=True, allow_none=True)
    discussed_at = UTCDateTimeField(
        dump_only=True,
        allow_none=True,
        metadata={"description": "end of the first session whose packet or agenda held it"},
    )
    status = fields.String(
        dump_only=True, metadata={"enum": ["open", "addressed", "partly", "not_yet"]}
    )
    status_at = UTCDateTimeField(dump_only=True)
    note = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the client's note; a therapist sees it only when shared"},
    )


LedgerPageSchema = page_schema(LedgerItemSchema, "LedgerPage")
