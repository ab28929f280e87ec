"""Pages: the client's goals (kept, reworded, shared goal by goal, suggestions answered) and a
therapist's view of the goals shared with them, where they can suggest one."""

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal.auth import role_required
from journal.errors import AppError
from journal.models import MAX_ACTIVE_GOALS
from journal.schemas.goals import (
    GoalInputSchema,
    GoalUpdateSchema,
    SuggestionAnswerSchema,
    SuggestionInputSchema,
)
from journal.services import goals, links, reading
from journal.web.forms import read_form

bp = Blueprint("goals", __name__)

CHANGES = {
    "reached": "Reached. Well done for getting there.",
    "set_aside": "Set aside. It stays here if you want it back.",
    "active": "It's one of your goals again.",
}
STATUS_LABELS = {"active": "Active", "reached": "Reached", "set_aside": "Set aside"}
SUGGESTION_LABELS = {"waiting": "Waiting", "accepted": "Accepted", "declined": "Declined"}


class StatusFormSchema(GoalUpdateSchema):
    """A status button: only the status is read."""

    class Meta:
        fields = ("status",)


def _goal_form() -> dict:
    """A goal's words and its sharing boxes (a list), as the schemas expect them."""
    form = request.form
    return {"text": form.get("text", ""), "shared_with": form.getlist("shared_with")}


def _linked(schema_cls):
    """The schema, told which therapists the client may share with (all problems at once)."""
    return partial(schema_cls, linked=goals.linked_ids(current_user))


def _saved(call, *args) -> dict:
    """Run a service call; return the field messages of a 422 it raises (none on success)."""
    try:
        call(*args)
    except AppError as error:
        if error.status != 422:
            raise
        return error.fields or {"_form": [error.message]}
    return {}


def _list_page(errors=None, status=200, *, answering=None, form=None):
    """The client's goals page, with a form's errors shown where it was sent from."""
    return render_template(
        "goals/index.html",
        goals=goals.all_of(current_user),
        waiting=goals.waiting_for(current_user),
        therapists=[link.therapist for link in links.links_of(current_user)],
        errors=errors or {},
        answering=answering,
        form=form if form is not None else {},
        labels=STATUS_LABELS,
        limit=MAX_ACTIVE_GOALS,
    ), status


@bp.get("/journal/goals")
@role_required("client")
def index():
    """What the client wants from therapy: their goals, and any a therapist suggested."""
    return _list_page()


@bp.post("/journal/goals")
@role_required("client")
def create():
    """Add a goal in the client's words, shared with the therapists they tick."""
    raw = _goal_form()
    data, errors = read_form(_linked(GoalInputSchema), raw)
    errors = errors or _saved(goals.create, current_user, data)
    if errors:
        return _list_page(errors, 422, form={**raw, "adding": True})
    flash("Added to your goals.")
    return redirect(url_for("goals.index"))


@bp.get("/journal/goals/<goal_id>")
@role_required("client")
def edit(goal_id: str):
    """Change a goal's words or who sees it, mark it reached or set aside, or delete it."""
    return _edit_page(goals.one(current_user, goal_id))


def _edit_page(goal, errors=None, status=200, form=None):
    return render_template(
        "goals/edit.html",
        goal=goal,
        therapists=[link.therapist for link in links.links_of(current_user)],
        errors=errors or {},
        form=form,
        labels=STATUS_LABELS,
    ), status


@bp.post("/journal/goals/<goal_id>")
@role_required("client")
def update(goal_id: str):
    """Save a goal's new words and sharing."""
    goal = goals.one(current_user, goal_id)
    raw = _goal_form()
    data, errors = read_form(_linked(GoalUpdateSchema), raw)
    errors = errors or _saved(goals.update, current_user, goal_id, data)
    if errors:
        return _edit_page(goal, errors, 422, form=raw)
    flash("Saved.")
    return redirect(url_for("goals.index"))


@bp.post("/journal/goals/<goal_id>/status")
@role_required("client")
def change_status(goal_id: str):
    """Mark a goal reached or set aside, or make it active again."""
    goals.one(current_user, goal_id)  # someone else's goal is not found, whatever was sent
    data, errors = read_form(StatusFormSchema)
    errors = errors or _saved(goals.update, current_user, goal_id, data)
    if errors:
        return _list_page(errors, 422)
    flash(CHANGES[data["status"]])
    return redirect(url_for("goals.index"))


@bp.post("/journal/goals/<goal_id>/delete")
@role_required("client")
def delete(goal_id: str):
    """Delete a goal for good."""
    goals.remove(current_user, goal_id)
    flash("The goal is deleted.")
    return redirect(url_for("goals.index"))


@bp.post("/journal/goals/suggestions/<suggestion_id>")
@role_required("client")
def answer(suggestion_id: str):
    """Accept a therapist's suggestion as a goal (in the client's words if reworded) or
    decline it."""
    raw = {
        "action": request.form.get("action", ""),
        "text": request.form.get("text") or None,
        "shared": "shared" in request.form,
    }
    data, errors = read_form(SuggestionAnswerSchema, raw)
    try:
        errors = errors or _saved(goals.answer, current_user, suggestion_id, data)
    except AppError as error:
        if error.status != 409:
            raise
        flash(error.message)
        return redirect(url_for("goals.index"))
    if errors:
        return _list_page(errors, 422, answering=suggestion_id, form=request.form)
    flash("Added to your goals." if data["action"] == "accept" else "Declined. Thank you.")
    return redirect(url_for("goals.index"))


@bp.get("/therapist/clients/<client_id>/goals")
@role_required("therapist")
def client_goals(client_id: str):
    """The goals a client shares with you, and the ones you suggested."""
    return _therapist_page(client_id)


def _therapist_page(client_id: str, errors=None, status=200):
    client = reading.client_link(current_user, client_id).client
    return render_template(
        "goals/therapist.html",
        client=client,
        goals=goals.shared_with_therapist(current_user, client_id),
        suggestions=goals.suggested_by(current_user, client_id),
        errors=errors or {},
        form=request.form,
        labels=STATUS_LABELS,
        suggestion_labels=SUGGESTION_LABELS,
    ), status


@bp.post("/therapist/clients/<client_id>/goals")
@role_required("therapist")
def suggest(client_id: str):
    """Suggest a goal to a client, who may accept, reword or decline it."""
    reading.client_link(current_user, client_id)  # not your client: not found
    data, errors = read_form(SuggestionInputSchema)
    errors = errors or _saved(goals.suggest, current_user, client_id, data["text"])
    if errors:
        return _therapist_page(client_id, errors, 422)
    flash("Suggested. It waits for your client to accept, reword or decline it.")
    return redirect(url_for("goals.client_goals", client_id=client_id))
