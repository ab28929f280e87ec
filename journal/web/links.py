"""Pages: a client joins a therapist with an invite code, lists their therapists, ends a link."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, validate

from journal.auth import role_required
from journal.errors import AppError
from journal.ratelimits import INVITE_CODE_TRIES
from journal.schemas.fields import Text
from journal.services import appointments, links
from journal.web.forms import form_errors

bp = Blueprint("links", __name__)

TYPE_IT = "Type the code your therapist gave you."


class JoinFormSchema(Schema):
    """The invite code as typed: any case, with or without dashes and spaces."""

    class Meta:
        unknown = EXCLUDE

    code = Text(
        required=True,
        allow_nul=False,
        validate=validate.Length(min=1, max=40, error=TYPE_IT),
        error_messages={"required": TYPE_IT},
    )


@role_required("client")
def _clients_gate():
    """Let clients through (signed-out visitors to sign in, others 403)."""


@bp.before_request
def clients_only():
    """Joining and listing therapists is for clients; an invite link opened by someone signed
    out is welcomed first, with the way to an account."""
    if request.endpoint == "links.preview" and not current_user.is_authenticated:
        return None
    return _clients_gate()


def _join_page(errors: dict, code: str, status: int = 422):
    return render_template("links/join.html", errors=errors, form={"code": code}), status


def _typed_code() -> str | None:
    """The code from the form, grouped for reading, or None when there's nothing usable."""
    try:
        data = JoinFormSchema().load(request.args.to_dict())
    except ValidationError:
        return None
    return links.format_code(links.normalise_code(data["code"])) or None


@bp.get("/join")
def join():
    """Ask for the invite code; a typed code goes on to the page that explains linking."""
    if "code" not in request.args:
        return _join_page({}, "", 200)
    code = _typed_code()
    if code is None:
        return _join_page({"code": [TYPE_IT]}, request.args.get("code", ""))
    return redirect(url_for("links.preview", code=code))


@bp.get("/join/<code>")
@INVITE_CODE_TRIES
def preview(code: str):
    """Show whose invite this is and what linking does and doesn't mean; signed out, a welcome
    that names the therapist, with the ways in that come straight back here."""
    try:
        invite = links.find_invite(code)
    except AppError as error:
        return _join_page(form_errors(error), code)
    if not current_user.is_authenticated:
        back = url_for("links.preview", code=links.format_code(links.normalise_code(code)))
        return render_template("links/welcome.html", therapist=invite.therapist, back=back)
    linked = links.active_link(current_user.id, invite.therapist_id) is not None
    return render_template(
        "links/preview.html",
        code=links.format_code(links.normalise_code(code)),
        therapist=invite.therapist,
        linked=linked,
    )


@bp.post("/join/<code>")
@INVITE_CODE_TRIES
def redeem(code: str):
    """Link the journal to the therapist who made the code."""
    try:
        link = links.redeem(current_user, code)
    except AppError as error:
        if error.status != 422:
            raise
        return _join_page(form_errors(error), code)
    flash(f"You're linked with {link.therapist.display_name}. Nothing is shared until you choose.")
    return redirect(url_for("links.index"))


@bp.get("/links")
def index():
    """List the therapists the journal is linked with, each with the next session; then past
    therapists, who ended each link and when, with the way to past sessions."""
    active = links.links_of(current_user)
    upcoming = {link.id: appointments.next_session(link) for link in active}
    past = links.past_links(current_user)
    return render_template("links/index.html", links=active, upcoming=upcoming, past=past)


@bp.route("/links/<link_id>/end", methods=["GET", "POST"])
def end(link_id: str):
    """Ask, then end a link: the therapist at once stops seeing anything shared."""
    link = links.own_link(current_user, link_id)
    if request.method == "GET":
        return render_template("links/end.html", link=link)
    links.end_link(current_user, link.id)
    flash(f"The link with {link.therapist.display_name} has ended. Your entries are private again.")
    return redirect(url_for("links.index"))
