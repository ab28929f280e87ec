"""Pages: the after-session bridge, a few lines about a session while it is fresh."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal.auth import role_required
from journal.errors import AppError, not_found
from journal.extensions import db
from journal.models import BRIDGE, Link, new_id
from journal.schemas.entries import BridgeSchema
from journal.services import appointments, bridges, entries
from journal.web.forms import read_form

bp = Blueprint("bridges", __name__, url_prefix="/journal/after")


@bp.before_request
@role_required("client")
def clients_only():
    """A bridge is the client's."""


def _page(session_id: str, errors=None, status=200, form=None):
    session = appointments.clients_session(current_user, session_id)
    if session is None:
        raise not_found()
    therapist = db.session.get(Link, session.link_id).therapist
    return render_template(
        "bridges/new.html",
        session=session,
        therapist=therapist,
        open_now=bridges.is_open(session),
        errors=errors or {},
        form=form if form is not None else {"id": new_id()},
        parts=bridges.PARTS,
    ), status


@bp.get("/<session_id>")
def new(session_id: str):
    """A few lines about a session: a takeaway, what helped, what didn't sit right."""
    return _page(session_id)


@bp.post("/<session_id>")
def create(session_id: str):
    """Save the bridge; maybe put it at the top of the next packet, maybe check in next."""
    parts, errors = read_form(BridgeSchema)
    if not errors:
        data = {
            "id": request.form.get("id") or None,
            "kind": BRIDGE,
            "session_id": session_id,
            "details": parts,
            "leads_packet": "leads_packet" in request.form,
            "title": "",
            "tags": [],
            "prompt_id": None,
        }
        try:
            view, _created = entries.create(current_user, data)
        except AppError as error:
            if error.status != 422:
                raise
            errors = error.fields or {"_form": [error.message]}
    if errors:
        return _page(session_id, errors, 422, form=request.form)
    if "checkin_too" in request.form:
        flash("Saved. Now the check-in: four quick ratings.")
        return redirect(url_for("checkins.new", therapist=_therapist_of(view)))
    flash("Saved. Thank you for taking the time.")
    return redirect(url_for("journal.show", entry_id=view.id))


def _therapist_of(view) -> str:
    session = appointments.clients_session(current_user, view.session_id)
    return db.session.get(Link, session.link_id).therapist_id


@bp.post("/<session_id>/close")
def close(session_id: str):
    """ "Not now": the journal home stops offering a bridge for that session."""
    bridges.close_offer(current_user, session_id)
    flash("Alright. You can always write freely in your journal.")
    return redirect(url_for("journal.home"))
