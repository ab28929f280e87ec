"""Pages: tasks agreed together. The client sees theirs and answers, marks or declines each; the
therapist gives them and sees what came of them, as far as the client shares."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from journal import prompts
from journal.auth import role_required
from journal.errors import AppError, flatten_messages
from journal.schemas.tasks import TaskInputSchema, TaskStatusSchema
from journal.services import goals, reading, tasks
from journal.web.dates import today
from journal.web.forms import read_form

bp = Blueprint("tasks", __name__)

STATUS_LABELS = {
    "open": "Open",
    "done": "Done",
    "declined": "Doesn't fit",
    "not_done": "Not done",
}
SAID = {
    "done": "Marked done. Bring it to your session, if you like.",
    "declined": "Thank you for saying so. That is useful to know.",
    "open": "It's open again.",
}


class TaskFormSchema(Schema):
    """The therapist's task form: own words or a prompt, a goal, next session or a date."""

    class Meta:
        unknown = EXCLUDE

    source = fields.String(load_default="text", validate=validate.OneOf(("text", "prompt")))
    text = fields.String(load_default=None)
    prompt_id = fields.String(load_default=None)
    goal_id = fields.String(load_default=None)
    due = fields.String(
        load_default="next_session",
        validate=validate.OneOf(("next_session", "date"), error="Choose when it's due."),
    )
    date = fields.String(load_default=None)

    @pre_load
    def _drop_blanks(self, data, **kwargs):
        return {name: value for name, value in data.items() if str(value).strip()}

    @post_load
    def _as_api(self, data, **kwargs):
        """The API's shape: only the chosen source, and `due` as an object."""
        made = {"goal_id": data["goal_id"]}
        # A blank choice sends nothing, so the API says "write the task, or choose a prompt".
        if data["source"] == "prompt" and data["prompt_id"]:
            made["prompt_id"] = data["prompt_id"]
        elif data["source"] == "text" and data["text"]:
            made["text"] = data["text"]
        made["due"] = {"next_session": True} if data["due"] == "next_session" else {}
        if data["due"] == "date":
            made["due"]["date"] = data["date"] or ""
        return made


def status_labels(state):
    """Templates read a task's status in words."""
    state.app.jinja_env.globals.update(task_labels=STATUS_LABELS)


bp.record_once(status_labels)


@bp.get("/journal/tasks")
@role_required("client")
def index():
    """The client's tasks: open ones first, each to answer, mark done or decline."""
    return _index()


def _index(errors=None, status=200, task_id=None):
    return render_template(
        "tasks/index.html",
        tasks=tasks.for_client(current_user),
        errors=errors or {},
        failed=task_id,
        form=request.form,
    ), status


@bp.post("/journal/tasks/<task_id>/status")
@role_required("client")
def set_status(task_id: str):
    """Mark a task done, say it doesn't fit (with an optional reason), or open it again."""
    data, errors = read_form(TaskStatusSchema)
    if errors:
        tasks.to_answer(current_user, task_id)  # someone else's task is not found first
        return _index(errors, 422, task_id)
    tasks.set_status(current_user, task_id, data["status"], data["reason"])
    flash(SAID[data["status"]])
    back = "journal.home" if request.form.get("next") == "home" else "tasks.index"
    return redirect(url_for(back))


@bp.get("/therapist/clients/<client_id>/tasks")
@role_required("therapist")
def client_tasks(client_id: str):
    """The tasks you gave a client, and a form to give another."""
    return _therapist_page(client_id)


def _therapist_page(client_id: str, errors=None, status=200, form=None):
    client = reading.client_link(current_user, client_id).client
    return render_template(
        "tasks/therapist.html",
        client=client,
        tasks=tasks.given(current_user, client_id),
        goals=[g for g in goals.shared_with_therapist(current_user, client_id) if g.is_active],
        themes=prompts.prompts_by_theme(),
        errors=errors or {},
        form=form if form is not None else {"due": "next_session", "source": "text"},
        soon=(today() + timedelta(days=7)).isoformat(),
    ), status


@bp.post("/therapist/clients/<client_id>/tasks")
@role_required("therapist")
def assign(client_id: str):
    """Give a client a task for between sessions."""
    reading.client_link(current_user, client_id)  # not your client: not found
    data, errors = read_form(TaskFormSchema)
    if not errors:
        try:  # the API's own rules, so the form learns every problem at once
            data = TaskInputSchema().load(data)
        except ValidationError as error:
            errors = flatten_messages(error.messages)
    if not errors:
        try:
            tasks.assign(current_user, client_id, data)
        except AppError as error:
            if error.status != 422:
                raise
            errors = error.fields or {"_form": [error.message]}
    if errors:
        return _therapist_page(client_id, errors, 422, form=request.form)
    flash("Given. It's on your client's journal home now.")
    return redirect(url_for("tasks.client_tasks", client_id=client_id))
