"""Pages: share an entry (whole or a passage, maybe until a time) from its page; withdraw it."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from journal import prompts
from journal.auth import role_required
from journal.errors import AppError
from journal.schemas.fields import Text
from journal.services import appointments, entries, links, sharing
from journal.web.forms import form_errors, read_form, rerender, therapist_choice
from journal.web.prepare import WhenField

bp = Blueprint("shares", __name__, url_prefix="/journal")

PARTS = ("whole", "passage")
KEEPS = ("always", "until", "session")


class ShareFormSchema(Schema):
    """The share form: with whom, the whole entry or a passage, and for how long."""

    class Meta:
        unknown = EXCLUDE

    therapist_id = therapist_choice("Choose a therapist.")
    part = fields.String(load_default="whole", validate=validate.OneOf(PARTS))
    passage = Text(
        load_default="",
        validate=validate.Length(max=20_000, error="A passage has 20,000 characters at most."),
    )
    keep = fields.String(load_default="always", validate=validate.OneOf(KEEPS))
    until = WhenField(load_default=None)

    @pre_load
    def _drop_blanks(self, data, **kwargs):
        return {name: value for name, value in data.items() if str(value).strip()}

    @validates_schema
    def _needs_its_details(self, data, **kwargs):
        if data["part"] == "passage" and not data["passage"].strip():
            raise ValidationError("Copy or type the words you want to share.", "passage")
        if data["keep"] == "until" and data["until"] is None:
            raise ValidationError("Choose the date and time it stops being shared.", "until")


def share_targets(entry) -> list:
    """The linked therapists this entry isn't shared with yet (for the entry page's form)."""
    shared = {status.therapist_id for status in entry.shares}
    return [
        link.therapist for link in links.links_of(current_user) if link.therapist_id not in shared
    ]


def session_ahead(therapists: list) -> dict:
    """For each of these therapists, the link and its next session (None when none is on the
    calendar): "until my next session ends" is offered only where there is one."""
    ahead = {}
    for link in links.links_of(current_user):
        if any(t.id == link.therapist_id for t in therapists):
            ahead[link.therapist_id] = (link, appointments.next_session(link))
    return ahead


def has_links() -> bool:
    """Whether the client is linked with any therapist."""
    return bool(links.links_of(current_user))


@bp.record_once
def _template_helpers(state):
    state.app.jinja_env.globals.update(
        share_targets=share_targets, has_links=has_links, session_ahead=session_ahead
    )


@bp.before_request
@role_required("client")
def clients_only():
    """Sharing is done by the entry's author."""


def _entry_page(entry_id: str, errors: dict, status: int):
    """The entry page again, with what was typed and a message on each field."""
    view = entries.get(current_user, entry_id)
    prompt = prompts.get_prompt(view.prompt_id or "")
    return rerender("journal/entry.html", errors, status, entry=view, prompt=prompt)


def _same_line_ends(passage: str, body: str) -> str:
    """Forms send line breaks as CRLF; match the entry's own line ends."""
    passage = passage.strip()
    return passage if "\r\n" in body else passage.replace("\r\n", "\n")


@bp.post("/<entry_id>/share")
def share(entry_id: str):
    """Share the entry, or a passage of it, with one linked therapist."""
    body = entries.get(current_user, entry_id).body
    data, errors = read_form(ShareFormSchema)
    if errors:
        return _entry_page(entry_id, errors, 422)
    passage = _same_line_ends(data["passage"], body) if data["part"] == "passage" else None
    try:
        sharing.share(
            current_user,
            entry_id,
            data["therapist_id"],
            until=data["until"] if data["keep"] == "until" else None,
            until_next_session=data["keep"] == "session",
            passage=passage,
        )
    except AppError as error:
        if error.status != 422:
            raise
        return _entry_page(entry_id, form_errors(error), 422)
    status = sharing.share_status(current_user, entry_id, data["therapist_id"])
    what = "a passage of this entry" if passage else "this entry"
    flash(f"Shared {what} with {status.therapist_name}.")
    return redirect(url_for("journal.show", entry_id=entry_id, _anchor="sharing"))


@bp.post("/<entry_id>/withdraw/<therapist_id>")
def withdraw(entry_id: str, therapist_id: str):
    """Stop sharing the entry with one therapist, from their very next request on."""
    view = entries.get(current_user, entry_id)
    names = {status.therapist_id: status.therapist_name for status in view.shares}
    sharing.withdraw(current_user, entry_id, therapist_id)
    flash(f"{names.get(therapist_id, 'They')} can no longer read this entry.")
    if request.args.get("from") == "shared":  # withdrawn from "What I've shared": back there
        return redirect(url_for("shares.shared"))
    return redirect(url_for("journal.show", entry_id=entry_id, _anchor="sharing"))


@bp.get("/shared")
def shared():
    """What I've shared: every entry a therapist can read right now, each share withdrawable
    with one tap."""
    return render_template("shares/shared.html", entries=entries.shared_now(current_user))
