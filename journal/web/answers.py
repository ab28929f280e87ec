"""Pages: a therapist answers what a client shared (heard, a short reply, talk next session)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import pre_load

from journal.auth import role_required
from journal.schemas.answers import AnswerInputSchema
from journal.services import answers, checkins, reading
from journal.web.forms import read_form

bp = Blueprint("answers", __name__, url_prefix="/therapist/clients/<client_id>")


class AnswerFormSchema(AnswerInputSchema):
    """The answer form: an unticked box is "no", and an empty reply is no reply."""

    @pre_load
    def _from_form(self, data, **kwargs):
        return {
            "heard": "heard" in data,
            "discuss_next_session": "discuss_next_session" in data,
            "reply": data.get("reply") or None,
        }


@bp.before_request
@role_required("therapist")
def therapists_only():
    """Answering is for therapists."""


def entry_page(client_id: str, entry_id: str, errors=None, status=200):
    """A shared entry with the therapist's answer to it, and the form to give or change it."""
    view = reading.read(current_user, client_id, entry_id)
    client = reading.client_link(current_user, client_id).client
    given = answers.given(current_user, client_id, entry_id)
    return render_template(
        "therapist/entry.html", entry=view, client=client, answer=given, errors=errors or {}
    ), status


@bp.post("/entries/<entry_id>/answer")
def answer(client_id: str, entry_id: str):
    """Say it was heard, reply in a line or two, and/or ask to talk about it next session."""
    data, errors = read_form(AnswerFormSchema)
    if errors:
        return entry_page(client_id, entry_id, errors, 422)
    answers.answer_entry(current_user, client_id, entry_id, data)
    flash("Your answer is saved. Your client sees it on their entry.")
    return redirect(url_for("therapist.entry", client_id=client_id, entry_id=entry_id))


@bp.post("/entries/<entry_id>/answer/withdraw")
def withdraw(client_id: str, entry_id: str):
    """Take the answer back; the client no longer sees it."""
    answers.withdraw_entry_answer(current_user, client_id, entry_id)
    flash("Your answer was taken back.")
    return redirect(url_for("therapist.entry", client_id=client_id, entry_id=entry_id))


def checkin_page(client_id: str, checkin_id: str, errors=None, status=200):
    """A shared check-in with the therapist's answer to it, and the form to give or change it."""
    shown = checkins.one_shared(current_user, client_id, checkin_id)
    client = reading.client_link(current_user, client_id).client
    given = answers.given_to_checkins(current_user, client_id).get(checkin_id)
    return render_template(
        "answers/checkin.html", checkin=shown, client=client, answer=given, errors=errors or {}
    ), status


@bp.route("/checkins/<checkin_id>/answer", methods=["GET", "POST"])
def checkin(client_id: str, checkin_id: str):
    """Look at one shared check-in, then answer it (or change the answer)."""
    if request.method == "GET":
        return checkin_page(client_id, checkin_id)
    data, errors = read_form(AnswerFormSchema)
    if errors:
        return checkin_page(client_id, checkin_id, errors, 422)
    answers.answer_checkin(current_user, client_id, checkin_id, data)
    flash("Your answer is saved. Your client sees it with their check-ins.")
    return redirect(url_for("answers.checkin", client_id=client_id, checkin_id=checkin_id))


@bp.post("/checkins/<checkin_id>/answer/withdraw")
def withdraw_checkin(client_id: str, checkin_id: str):
    """Take the answer to a check-in back."""
    answers.withdraw_checkin_answer(current_user, client_id, checkin_id)
    flash("Your answer was taken back.")
    return redirect(url_for("answers.checkin", client_id=client_id, checkin_id=checkin_id))
