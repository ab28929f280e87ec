"""Pages: the client's alliance check-ins (write one, see the trend) and the quiet invitation."""

from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from journal.auth import role_required
from journal.charts import trend_svg
from journal.errors import AppError, flatten_messages
from journal.schemas.common import ListArgsSchema
from journal.schemas.fields import Text
from journal.services import answers, checkins, goals, links
from journal.services.accounts import FORMER_THERAPIST
from journal.web.dates import user_zone
from journal.web.forms import read_form, rerender, therapist_choice

bp = Blueprint("checkins", __name__, url_prefix="/checkins")

RATING = "Choose a number from 0 to 10."
# Our own words for the four ratings (question, what 0 means, what 10 means).
QUESTIONS = {
    "bond": ("How connected did you feel with your therapist?", "not at all", "completely"),
    "goals": ("How much did you work on what matters to you?", "not at all", "completely"),
    "approach": ("How well does the way you work together suit you?", "not at all", "completely"),
    "overall": ("All in all, how was this session for you?", "not good at all", "really good"),
}
HEADINGS = {"bond": "Connection", "goals": "Goals", "approach": "Approach", "overall": "Overall"}


def rating():
    """A 0-10 rating from a form's radio buttons (shared with the therapist's own view)."""
    return fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=10, error=RATING),
        error_messages={"required": RATING, "invalid": RATING},
    )


class CheckinFormSchema(Schema):
    """The check-in form: with whom, four ratings, a note, and shared or kept private."""

    class Meta:
        unknown = EXCLUDE

    therapist_id = therapist_choice("Choose which therapist this is about.")
    bond = rating()
    goals = rating()
    approach = rating()
    overall = rating()
    note = Text(
        load_default="",
        validate=validate.Length(max=2000, error="Keep the note to 2,000 characters or fewer."),
    )
    share = fields.String(
        load_default="private",
        validate=validate.OneOf(("private", "shared"), error="Choose to share it or keep it."),
    )
    goal_id = Text(load_default=None, allow_nul=False, validate=validate.Length(max=36))

    @pre_load
    def _drop_blanks(self, data, **kwargs):
        return {name: value for name, value in data.items() if str(value).strip()}

    @post_load
    def _shared(self, data, **kwargs):
        data["shared"] = data.pop("share") == "shared"
        return data


def trend(items: list) -> tuple:
    """The chart's points (the viewer's clock, oldest first) and the same check-ins as rows."""
    rows = list(reversed(items))
    zone = user_zone()
    return [(c.created_at.astimezone(zone), c.total) for c in rows], rows


def trends_by_therapist(items: list, names: dict[str, str]) -> list[SimpleNamespace]:
    """One chart and table per therapist, the most recent first: totals about different
    relationships don't belong on one line."""
    groups: dict[str, list] = {}
    for item in items:  # newest first, so the first group is the latest relationship
        groups.setdefault(item.therapist_id, []).append(item)
    trends = []
    for number, (therapist_id, group) in enumerate(groups.items(), start=1):
        name = names.get(therapist_id, FORMER_THERAPIST)  # None: the link itself is gone
        points, rows = trend(group)
        label = f"Your check-ins about the work with {name}, over time"
        chart = trend_svg(points, label=label, chart_id=f"chart-{number}")
        key = f"trend-{number}"
        trends.append(
            SimpleNamespace(name=name, chart=chart, rows=rows, key=key, all_top=all_top(group))
        )
    return trends


TOP_TOTAL = 40  # every one of the four scales at 10


def all_top(items: list) -> bool:
    """Whether the last three shared check-ins (newest first) gave every scale full marks:
    many clients do that to be polite, so the page says, once, that a small thing is welcome."""
    shared = [c for c in items if c.shared][:3]
    return len(shared) == 3 and all(c.total == TOP_TOTAL for c in shared)


def invitation_card() -> SimpleNamespace | None:
    """The session that invites a check-in now, with its therapist: or None.

    The invitation is shown once: seeing it counts as "not now", so it never nags.
    """
    session = checkins.invitation(current_user)
    if session is None:
        return None
    checkins.close_invitation(current_user, session.id)
    return SimpleNamespace(session=session, link=links.own_link(current_user, session.link_id))


@bp.before_request
@role_required("client")
def clients_only():
    """Check-ins are the client's."""


class SharingFormSchema(Schema):
    """Share a check-in with its therapist, or keep it to yourself from now on."""

    share = fields.String(
        required=True,
        validate=validate.OneOf(("private", "shared"), error="Choose to share it or keep it."),
        error_messages={"required": "Choose to share it or keep it."},
    )


@bp.get("")
def index():
    """Show the check-ins over time: a chart drawn here, and a table with the same numbers."""
    return _index({}, 200)


def _index(errors: dict, status: int):
    links_made = links.links_of(current_user, active_only=False)
    # Newest last, so the name on the latest link with a therapist is the one shown.
    names = {k.therapist_id: k.therapist_name for k in reversed(links_made)}
    # Who a private check-in could still be shared with: therapists of links still going.
    can_share = {k.therapist_id for k in links_made if k.status == "active"}
    try:
        args = ListArgsSchema().load(request.args.to_dict())
        page = checkins.own(current_user, **args)
    except ValidationError as error:
        page, errors, status = None, flatten_messages(error.messages), 422
    except AppError as error:  # a damaged cursor
        page, errors, status = None, error.fields or {}, error.status
    trends = trends_by_therapist(page.items if page else [], names)
    context = {"names": names, "can_share": can_share, "errors": errors}
    context["answers"] = [a for a in answers.received(current_user) if a.checkin_id]
    return render_template("checkins/index.html", page=page, trends=trends, **context), status


@bp.post("/<checkin_id>/sharing")
def sharing(checkin_id: str):
    """Share one check-in with its therapist, or stop sharing it: the client may change their
    mind either way, at any time."""
    data, errors = read_form(SharingFormSchema)
    if errors:
        return _index(errors, 422)
    view = checkins.set_shared(current_user, checkin_id, data["share"] == "shared")
    if view.shared:
        link = links.active_link(current_user.id, view.therapist_id)
        flash(f"Shared. {link.therapist.display_name} can see this check-in now.")
    else:
        flash("Done. This check-in is just for you now.")
    return redirect(url_for("checkins.index"))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Check in on how the work feels: four ratings, a note, shared or kept private."""
    therapists = [link.therapist for link in links.links_of(current_user)]
    active = [g for g in goals.all_of(current_user) if g.status == "active"]
    context = {"therapists": therapists, "questions": QUESTIONS}
    context["goal_options"] = [(g.id, g.text) for g in active]
    if request.method == "GET":
        chosen = request.args.get("therapist") or (therapists[0].id if therapists else "")
        form = {"therapist_id": chosen, "share": "private"}
        return render_template("checkins/new.html", form=form, errors={}, **context)
    data, errors = read_form(CheckinFormSchema)
    if data and data["therapist_id"] not in {t.id for t in therapists}:
        errors = {"therapist_id": ["Choose one of the therapists you're linked with."]}
    chosen_goal = request.form.get("goal_id", "").strip()
    if chosen_goal and chosen_goal not in {g.id for g in active}:
        errors = {**errors, "goal_id": [checkins.NOT_A_GOAL]}
    if errors:
        return rerender("checkins/new.html", errors, **context)
    view = checkins.create(current_user, data)
    name = next(t.display_name for t in therapists if t.id == view.therapist_id)
    flash(
        f"Thank you. {name} can see this check-in."
        if view.shared
        else "Thank you. This check-in is just for you."
    )
    return redirect(url_for("checkins.index"))


@bp.post("/invitation/<session_id>/close")
def close_invitation(session_id: str):
    """ "Not now": the invitation for that session goes away and does not come back."""
    checkins.close_invitation(current_user, session_id)
    flash("Alright. You can check in any time from your journal.")
    return redirect(url_for("journal.home"))
