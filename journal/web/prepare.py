"""Pages: a client's sessions with one therapist, and the packet prepared for each."""

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates

from journal.auth import role_required
from journal.errors import AppError, flatten_messages
from journal.models import utcnow
from journal.schemas.fields import Text
from journal.services import appointments, checkins, entries, links, packets
from journal.web.dates import from_local
from journal.web.forms import form_errors, read_form

bp = Blueprint("prepare", __name__)

CHOICES = 50  # the newest entries offered for a packet
CHECKIN_CHOICES = 10  # and the newest check-ins
AGENDA = validate.Length(max=2000, error="Keep the note to 2,000 characters or fewer.")
ORDER = validate.Range(min=1, max=999, error="Use a number from 1 to 999.")


class WhenField(fields.DateTime):
    """A date-time input's value ("2025-06-12T14:00"), read in the user's time zone."""

    default_error_messages = {"invalid": "Choose a date and a time."}

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return from_local(datetime.fromisoformat(str(value)))
        except (ValueError, OverflowError) as exc:  # overflow: year 1 or 9999 moved past the edge
            raise self.make_error("invalid") from exc


class SessionFormSchema(Schema):
    """A session's start (a date-time input) and its length in minutes."""

    class Meta:
        unknown = EXCLUDE

    starts_at = WhenField(required=True, error_messages={"required": "Choose a date and a time."})
    duration = fields.Integer(
        load_default=50,
        validate=validate.Range(min=10, max=240, error="Use 10 to 240 minutes."),
        error_messages={"invalid": "Use a number of minutes."},
    )

    @pre_load
    def _drop_blanks(self, data, **kwargs):
        return {name: value for name, value in data.items() if str(value).strip()}

    @validates("starts_at")
    def _in_future(self, value, **kwargs):
        if value <= utcnow():
            raise ValidationError("Choose a time that hasn't passed yet.")


class PacketFormSchema(Schema):
    """The agenda note and the order number of one chosen entry."""

    class Meta:
        unknown = EXCLUDE

    agenda = Text(load_default="", validate=AGENDA)


def read_packet_form() -> tuple[str, list[str], dict]:
    """Read the packet form: (agenda, chosen entry ids in the order given, field errors)."""
    errors: dict = {}
    try:
        agenda = PacketFormSchema().load({"agenda": request.form.get("agenda", "")})["agenda"]
    except ValidationError as error:
        agenda, errors = "", flatten_messages(error.messages)
    chosen = list(dict.fromkeys(request.form.getlist("entry_ids")))
    ranks = []
    for index, entry_id in enumerate(chosen):
        typed = request.form.get(f"order-{entry_id}", "").strip()
        if not typed:
            ranks.append((1000, index, entry_id))  # no number: after the numbered ones
            continue
        try:
            rank = fields.Integer(validate=ORDER).deserialize(typed)
        except ValidationError as error:
            errors[f"order-{entry_id}"] = flatten_messages(error.messages)["_schema"]
            continue
        ranks.append((rank, index, entry_id))
    return agenda, [entry_id for *_, entry_id in sorted(ranks)], errors


def _client_session(session_id: str):
    """The packet and the link it belongs to, for the signed-in client."""
    view = packets.for_client(current_user, session_id)
    return view, links.clients_link(current_user, view.link_id)


@bp.before_request
@role_required("client")
def clients_only():
    """Every preparing page is for clients."""


@bp.get("/links/<link_id>/sessions")
def sessions(link_id: str):
    """List the sessions with one therapist, soonest first, and offer to add one (while the
    link lasts; after, the past stays to read)."""
    return _sessions_page(links.clients_link(current_user, link_id), {})


def _sessions_page(link, errors, status=200):
    return render_template(
        "prepare/sessions.html",
        link=link,
        upcoming=appointments.upcoming(link),
        past=appointments.past(link),
        errors=errors,
        form=request.form,
    ), status


@bp.post("/links/<link_id>/sessions")
def add_session(link_id: str):
    """Put a session date on the calendar, then go on to prepare for it."""
    link = links.own_link(current_user, link_id)
    data, errors = read_form(SessionFormSchema)
    if errors:
        return _sessions_page(link, errors, 422)
    session = appointments.schedule(current_user, link.id, data["starts_at"], data["duration"])
    flash("Session added. You can prepare for it now, or later.")
    return redirect(url_for("prepare.packet", session_id=session.id))


def _packet_page(session_id: str, errors=None, status=200, form=None, chosen=None):
    view, link = _client_session(session_id)
    offered = entries.list_entries(current_user, limit=CHOICES).items
    listed = {entry.id for entry in offered}
    extra = [i for i in view.items if i.entry_id and i.entry_id not in listed]
    in_packet = {i.entry_id or i.checkin_id: n for n, i in enumerate(view.items, start=1)}
    recent = checkins.own(current_user, limit=CHECKIN_CHOICES).items
    return render_template(
        "prepare/packet.html",
        packet=view,
        link=link,
        offered=offered,
        extra=extra,
        offered_checkins=[c for c in recent if c.therapist_id == link.therapist_id],
        in_packet=in_packet,
        chosen=chosen,
        errors=errors or {},
        form=form if form is not None else {"agenda": view.agenda},
    ), status


@bp.get("/prepare/<session_id>")
def packet(session_id: str):
    """Show the packet form for a coming session (a past one is kept as it was)."""
    return _packet_page(session_id)


@bp.post("/prepare/<session_id>")
def save_packet(session_id: str):
    """Save the agenda note, the chosen entries in order and check-ins, sharing what isn't yet."""
    agenda, chosen, errors = read_packet_form()
    checkin_ids = list(dict.fromkeys(request.form.getlist("checkin_ids")))
    if not errors:
        try:
            packets.prepare(current_user, session_id, agenda, chosen, checkin_ids=checkin_ids)
        except AppError as error:
            if error.status not in (409, 422):
                raise
            errors, status = form_errors(error), error.status
        else:
            flash("Packet saved. Your therapist will see it before the session.")
            return redirect(url_for("prepare.packet", session_id=session_id))
    else:
        status = 422
    picked = {*request.form.getlist("entry_ids"), *checkin_ids}
    return _packet_page(session_id, errors, status, request.form, picked)
