"""Pages: the therapist's clients, invites, what each client shared, and session digests."""

from base64 import b64decode, b64encode

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError

from journal.auth import role_required
from journal.charts import trend_svg
from journal.errors import AppError, flatten_messages, not_found
from journal.models import utcnow
from journal.schemas.common import ListArgsSchema
from journal.schemas.sharing import InvitationNoteFormSchema, NewInviteFormSchema
from journal.services import (
    accounts,
    answers,
    appointments,
    calibration,
    checkins,
    feedback,
    links,
    packets,
    reading,
)
from journal.services.keys import keyring
from journal.web.answers import entry_page
from journal.web.checkins import rating, trend
from journal.web.dates import user_zone
from journal.web.forms import read_form
from journal.web.prepare import SessionFormSchema

bp = Blueprint("therapist", __name__, url_prefix="/therapist")
CHECKINS = 20  # the latest shared check-ins drawn on a client's page
# The check-in's four scales, asked from the therapist's side (our own words).
VIEW_QUESTIONS = {
    "bond": ("How connected do you think they felt with you?", "not at all", "completely"),
    "goals": (
        "How much do you think they worked on what matters to them?",
        "not at all",
        "completely",
    ),
    "approach": (
        "How well do you think your way of working suits them?",
        "not at all",
        "completely",
    ),
    "overall": (
        "All in all, how do you think the session was for them?",
        "not good at all",
        "really good",
    ),
}


@bp.before_request
@role_required("therapist")
def therapists_only():
    """Every therapist page is for therapists."""


@bp.get("")
def home():
    """Show linked clients (unread, last shared, next session) and the open invites."""
    return _home()


def _home(errors=None, status=200):
    return render_template(
        "therapist/home.html",
        clients=reading.clients(current_user),
        invites=links.open_invites(current_user),
        starters=feedback.INVITATION_STARTERS,
        errors=errors or {},
        form=request.form,
    ), status


NEW_INVITE = "new_invite"  # the code just made, kept in the session until its page shows it


@bp.post("/invites")
def invite():
    """Make a new invite code (with a note of whom it is for), then show it on its own page:
    a refresh of that page makes no second invite."""
    data, errors = read_form(NewInviteFormSchema)
    if errors:
        return _home(errors, 422)
    made, code = links.create_invite(current_user, data["note"])
    # The session cookie is signed, not secret: the code rides in it sealed under the master key.
    sealed = keyring().wrap(code.encode(), f"invite:{made.id}")
    cookie_session[NEW_INVITE] = {"id": made.id, "sealed": b64encode(sealed).decode()}
    return redirect(url_for("therapist.new_invite"))


@bp.get("/invites/new")
def new_invite():
    """Show the invite just made, with its join link: once, since only its hash is kept."""
    shown = cookie_session.pop(NEW_INVITE, None)
    made = links.open_invite(current_user, shown.get("id")) if isinstance(shown, dict) else None
    if made is None:
        flash("An invite code shows only once. Make a new one whenever you need it.")
        return redirect(url_for("therapist.home", _anchor="invite-heading"))
    ring = keyring()
    code = ring.unwrap(b64decode(shown["sealed"]), ring.current_version, f"invite:{made.id}")
    return render_template("therapist/invite.html", invite=made, code=code.decode())


@bp.post("/invitation-note")
def invitation_note():
    """Set, change or remove the note inviting clients to say what isn't working."""
    if "remove" in request.form:
        accounts.set_invitation_note(current_user, None)
        flash("Your note is removed.")
        return redirect(url_for("therapist.home"))
    data, errors = read_form(InvitationNoteFormSchema)
    if errors:
        return _home(errors, 422)
    accounts.set_invitation_note(current_user, data["note"])
    flash("Your note is saved. Your clients see it when they link and when they give feedback.")
    return redirect(url_for("therapist.home"))


@bp.post("/invites/<invite_id>/cancel")
def cancel_invite(invite_id: str):
    """Cancel an unused invite, so its code no longer works."""
    links.cancel_invite(current_user, invite_id)
    flash("That invite is cancelled. Its code no longer works.")
    return redirect(url_for("therapist.home"))


def _client_page(client_id: str, errors=None, status=200):
    """Everything on a client's page: next session and its digest, shares, past sessions."""
    link = reading.client_link(current_user, client_id)
    errors = dict(errors or {})
    try:
        args = ListArgsSchema().load(request.args.to_dict())
        shared = reading.shared_entries(current_user, client_id, **args)
    except ValidationError as error:
        shared, status = None, 422
        errors.update(flatten_messages(error.messages))
    except AppError as error:  # a damaged cursor
        shared, status = None, error.status
        errors.update(error.fields or {})
    upcoming = appointments.next_session(link)
    shared_checkins = checkins.shared_with(current_user, client_id, limit=CHECKINS).items
    return render_template(
        "therapist/client.html",
        link=link,
        client=link.client,
        upcoming=upcoming,
        digest=packets.digest(current_user, upcoming.id) if upcoming else None,
        shared=shared,
        past=appointments.past(link),
        **_checkins(link.client, shared_checkins, calibration.points(current_user, client_id)),
        answered=answers.given_to_checkins(current_user, client_id),
        errors=errors,
        form=request.form,
    ), status


def _checkins(client, items, own) -> dict:
    """The shared check-ins as a chart and a table, with the flag (if any) and why; the
    therapist's own views of sessions drawn beside them."""
    points, rows = trend(items)
    low = current_app.config["ALLIANCE_LOW_TOTAL"]
    label = f"{client.display_name}'s shared check-ins over time"
    zone = user_zone()
    mine = [(view.at.astimezone(zone), view.total) for view in own]
    chart = trend_svg(points, label=label, threshold=low, own=mine) if rows or own else None
    return {
        "checkin_chart": chart,
        "checkin_rows": rows,
        "checkin_flag": checkins.flag_for([c.total for c in items]),
        "own_views": own,
    }


@bp.get("/clients/<client_id>")
def client(client_id: str):
    """Show one client: the next session's packet, what they share, past sessions."""
    return _client_page(client_id)


def _session_of(client_id: str, session_id: str):
    """A session on the link with this client; any other is not found."""
    link = reading.client_link(current_user, client_id)
    session, session_link = appointments.own_session(current_user, session_id)
    if session_link.id != link.id:
        raise not_found()
    return session


@bp.post("/clients/<client_id>/sessions")
def schedule(client_id: str):
    """Set the date of the next session with this client."""
    link = reading.client_link(current_user, client_id)
    data, errors = read_form(SessionFormSchema)
    if errors:
        return _client_page(client_id, errors, 422)
    appointments.schedule(current_user, link.id, data["starts_at"], data["duration"])
    flash("Session date saved. Your client sees it too.")
    return redirect(url_for("therapist.client", client_id=client_id))


@bp.post("/clients/<client_id>/sessions/<session_id>/move")
def reschedule(client_id: str, session_id: str):
    """Change the date or length of a session with this client."""
    session = _session_of(client_id, session_id)
    data, errors = read_form(SessionFormSchema)
    if errors:
        return _client_page(client_id, errors, 422)
    appointments.reschedule(current_user, session.id, data["starts_at"], data["duration"])
    flash("Session moved. Your client sees the new time too.")
    return redirect(url_for("therapist.client", client_id=client_id))


@bp.get("/clients/<client_id>/sessions/<session_id>")
def session(client_id: str, session_id: str):
    """Look at the packet of one session (past packets are kept as they were), and record your
    own view of it once it has started."""
    return _session_page(client_id, session_id)


def _session_page(client_id: str, session_id: str, errors=None, status=200):
    found = _session_of(client_id, session_id)
    digest = packets.digest(current_user, found.id)
    client_user = reading.client_link(current_user, client_id).client
    started = found.starts_at <= utcnow()
    return render_template(
        "therapist/session.html",
        digest=digest,
        client=client_user,
        started=started,
        view=calibration.one(current_user, found.id) if started else None,
        questions=VIEW_QUESTIONS,
        errors=errors or {},
        form=request.form,
    ), status


class ViewFormSchema(Schema):
    """The therapist's own view: four ratings from radio buttons."""

    class Meta:
        unknown = EXCLUDE

    bond = rating()
    goals = rating()
    approach = rating()
    overall = rating()


@bp.post("/clients/<client_id>/sessions/<session_id>/view")
def record_view(client_id: str, session_id: str):
    """Record your own view of a session: how you think your client experienced it."""
    found = _session_of(client_id, session_id)
    data, errors = read_form(ViewFormSchema)
    if not errors:
        try:
            calibration.record(current_user, found.id, data)
        except AppError as error:
            if error.status != 422:
                raise
            errors = error.fields or {"_form": [error.message]}
    if errors:
        return _session_page(client_id, session_id, errors, 422)
    flash("Your view is saved. It shows beside the check-ins on the client's page.")
    return redirect(url_for("therapist.session", client_id=client_id, session_id=session_id))


@bp.get("/clients/<client_id>/entries/<entry_id>")
def entry(client_id: str, entry_id: str):
    """Read one shared entry (or only its passage); the client sees that it was read."""
    return entry_page(client_id, entry_id)


@bp.route("/clients/<client_id>/end", methods=["GET", "POST"])
def end(client_id: str):
    """Ask, then end the link with a client: everything they shared is gone from view."""
    link = reading.client_link(current_user, client_id)
    if request.method == "GET":
        return render_template("therapist/end.html", client=link.client)
    links.end_link(current_user, link.id)
    flash(
        f"The link with {link.client.display_name} has ended. They'll see that you ended it, "
        "and when."
    )
    return redirect(url_for("therapist.home"))
