"""Schemas for invites, links, per-entry shares and the client's access log."""

from datetime import UTC, datetime

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_dump,
    validate,
    validates_schema,
)

from journal.schemas.common import ListArgsSchema, page_schema
from journal.schemas.fields import Note, Text, UTCDateTimeField

NAIVE = "Include a time zone, e.g. 2026-11-26T16:00:00Z"
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "Choose a date between the years 2000 and 2199."
BOTH = "Choose a date or the next session, not both."


class AwareDateTime(UTCDateTimeField):
    """An input moment that names its time zone; read as UTC, written with a Z."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            raise ValidationError(NAIVE)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError as exc:  # e.g. year 1 with a positive offset
            raise ValidationError(OUT_OF_RANGE) from exc
        if not EARLIEST <= moment < LATEST:
            raise ValidationError(OUT_OF_RANGE)
        return moment


class PersonSchema(Schema):
    """The other side of a link: only an id and the name they chose."""

    id = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)


class TherapistPersonSchema(PersonSchema):
    """The therapist's side of a link, with their note inviting honest feedback (if any)."""

    invitation_note = fields.String(dump_only=True, allow_none=True)


NOTE_LENGTH = validate.Length(min=1, max=600, error="Write 1 to 600 characters.")


class InvitationNoteSchema(Schema):
    """A therapist's note inviting honest feedback, in their own words."""

    note = Note(required=True, allow_nul=False, validate=NOTE_LENGTH)


class InvitationNoteFormSchema(InvitationNoteSchema):
    """The note's form: any other posted field (the CSRF token) is left aside."""

    class Meta:
        unknown = EXCLUDE


INVITE_NOTE = validate.Length(max=40, error="Keep the note to 40 characters or fewer.")


class NewInviteSchema(Schema):
    """A new invite's optional note, for the therapist alone ("for J.")."""

    class Meta:
        unknown = EXCLUDE

    note = Text(load_default=None, allow_none=True, allow_nul=False, validate=INVITE_NOTE)


class NewInviteFormSchema(NewInviteSchema):
    """The same note on the therapist's home page, where "note" names the feedback note."""

    note = Text(load_default=None, allow_nul=False, validate=INVITE_NOTE, data_key="invite_note")


class InviteCreatedSchema(Schema):
    """A new invite: the only time its code is shown."""

    id = fields.String(dump_only=True)
    code = fields.String(dump_only=True)
    join_url = fields.String(dump_only=True)
    expires_at = UTCDateTimeField(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)


class InviteSchema(Schema):
    """An open invite in the therapist's list (codes are stored hashed, so not shown)."""

    id = fields.String(dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    expires_at = UTCDateTimeField(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)


class InvitePreviewSchema(Schema):
    """What a client sees before joining: whose invite it is, and until when."""

    therapist = fields.Nested(TherapistPersonSchema, dump_only=True)
    expires_at = UTCDateTimeField(dump_only=True)


class RedeemSchema(Schema):
    """A code typed or pasted by a client (any case, spaces and dashes are fine)."""

    code = Text(required=True, allow_nul=False, validate=validate.Length(min=1, max=64))


class LinkSchema(Schema):
    """A link between a client and a therapist."""

    id = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    ended_at = UTCDateTimeField(dump_only=True, allow_none=True)
    therapist = fields.Nested(TherapistPersonSchema, dump_only=True)
    client = fields.Nested(PersonSchema, dump_only=True)


class LinkListArgsSchema(Schema):
    """?all=1 to include ended links."""

    class Meta:
        unknown = EXCLUDE

    all = fields.Boolean(load_default=False)


class ShareSchema(Schema):
    """Optional terms of a share: until a moment or the next session, or only a passage."""

    until = AwareDateTime(load_default=None, allow_none=True)
    until_next_session = fields.Boolean(load_default=False)
    passage = Text(
        load_default=None,
        validate=validate.Length(min=1, max=20_000, error="Choose 1 to 20,000 characters."),
    )

    @validates_schema
    def one_end(self, data, **kwargs):
        """A share ends at a chosen moment or with the next session, never both."""
        if data.get("until") is not None and data.get("until_next_session"):
            raise ValidationError({"until": [BOTH], "until_next_session": [BOTH]})


class ActorSchema(Schema):
    """Who read: their name and role (a deleted account has no id)."""

    id = fields.String(dump_only=True, allow_none=True)
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)


class AccessEventSchema(Schema):
    """One read of the client's words by someone else."""

    at = UTCDateTimeField(dump_only=True)
    action = fields.String(dump_only=True)
    actor = fields.Nested(ActorSchema, dump_only=True)
    entry_id = fields.String(dump_only=True, allow_none=True)

    @pre_dump
    def nest_actor(self, view, **kwargs):
        """Group the reader's id, name and role under `actor`."""
        actor = {"id": view.actor_id, "display_name": view.actor_name, "role": view.actor_role}
        return {"at": view.at, "action": view.action, "actor": actor, "entry_id": view.entry_id}


InvitePageSchema = page_schema(InviteSchema, "InvitePage")
LinkPageSchema = page_schema(LinkSchema, "LinkPage")
AccessPageSchema = page_schema(AccessEventSchema, "AccessPage")


class GroupedAccessSchema(Schema):
    """One person's reads of one thing on one day (the client's day), with a count."""

    day = fields.Date(dump_only=True, metadata={"description": "in the client's time zone"})
    action = fields.String(dump_only=True)
    actor = fields.Nested(ActorSchema, dump_only=True)
    entry_id = fields.String(dump_only=True, allow_none=True)
    count = fields.Integer(dump_only=True)
    first_at = UTCDateTimeField(dump_only=True)
    last_at = UTCDateTimeField(dump_only=True)

    @pre_dump
    def nest_actor(self, view, **kwargs):
        """Group the reader's id, name and role under `actor`."""
        actor = {"id": view.actor_id, "display_name": view.actor_name, "role": view.actor_role}
        return {**vars(view), "actor": actor}


GroupedAccessPageSchema = page_schema(GroupedAccessSchema, "GroupedAccessPage")


class AccessLogArgsSchema(ListArgsSchema):
    """The list's arguments, and whether to group the reads (one line per person, thing, day)."""

    grouped = fields.Boolean(load_default=False)
