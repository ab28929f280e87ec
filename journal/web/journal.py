"""Pages: the client's private journal and the prompt library."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from journal import prompts
from journal.auth import role_required
from journal.errors import AppError, flatten_messages
from journal.extensions import db
from journal.models import ALL_KINDS, KINDS, Link, new_id
from journal.schemas.entries import EntryEditFormSchema, EntryFormSchema, EntryListArgsSchema
from journal.services import answers, bridges, entries, feedback, goals, links, repairs, tasks
from journal.web.checkins import invitation_card
from journal.web.dates import today
from journal.web.forms import read_form, rerender

bp = Blueprint("journal", __name__, url_prefix="/journal")


@bp.before_request
@role_required("client")
def clients_only():
    """Every journal page is for clients."""


@bp.get("")
def home():
    """Show the prompt of the day, the way to write, and the entries (searchable)."""
    try:
        args = EntryListArgsSchema().load(request.args.to_dict())
        page = entries.list_entries(current_user, **args)
    except ValidationError as error:
        return _home(None, request.args, flatten_messages(error.messages)), 422
    except AppError as error:  # a damaged cursor
        return _home(None, request.args, error.fields or {}), error.status
    return _home(page, args, {})


def _home(page, args, errors):
    bridge = bridges.offer(current_user)
    return render_template(
        "journal/home.html",
        page=page,
        args=args,
        errors=errors,
        kinds=ALL_KINDS,  # the search can find notes after a session too
        prompt=_prompt_of_the_day(),
        bridge=bridge,
        bridge_with=bridge and db.session.get(Link, bridge.link_id).therapist,
        # The bridge's card holds the check-in too: one card after a session, not two.
        invitation=None if bridge else invitation_card(),
        replies=answers.look(current_user),
        repair_ask=repairs.ask_once(current_user),
        goals=[g for g in goals.all_of(current_user) if g.status == "active"],
        tasks=tasks.for_client(current_user),
        suggestions=goals.waiting_for(current_user),
        endings=links.endings_to_tell(current_user),  # said once, here
    )


def _prompt_of_the_day():
    return prompts.prompt_of_the_day(today(), salt=current_user.id)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a new entry; the form carries its own id so a resubmit never duplicates. An entry
    may answer a task from the therapist: the task is shown above it."""
    task_id = request.values.get("task") or request.form.get("task_id")
    task = tasks.one(current_user, task_id) if task_id else None  # someone else's: 404
    if request.method == "GET":
        prompt = prompts.get_prompt(request.args.get("prompt") or (task and task.prompt_id) or "")
        kind = request.args.get("kind") if request.args.get("kind") in KINDS else "reflection"
        form = {"id": new_id(), "kind": kind, "prompt_id": prompt.id if prompt else ""}
        form["task_id"] = task.id if task else ""
        context = {"prompt": prompt, "kinds": KINDS, "task": task, **_starters(kind)}
        return render_template("journal/new.html", form=form, errors={}, **context)
    prompt = prompts.get_prompt(request.form.get("prompt_id", ""))
    data, errors = read_form(EntryFormSchema)
    context = {"prompt": prompt, "kinds": KINDS, "task": task}
    if errors:
        kind = request.form.get("kind")
        return rerender("journal/new.html", errors, **context, **_starters(kind))
    data["prompt_id"] = prompt.id if prompt else None
    try:
        view, _created = entries.create(current_user, data)
    except AppError as error:
        return rerender("journal/new.html", {"_form": [error.message]}, error.status, **context)
    if task:
        flash(f"Saved. To let {task.therapist_name} read your answer, share it below.")
        return redirect(url_for("journal.show", entry_id=view.id, _anchor="sharing"))
    flash("Saved.")
    return redirect(url_for("journal.show", entry_id=view.id))


def _starters(kind: str | None) -> dict:
    """A question for the therapist comes with a few ways to begin it."""
    return {"starters": feedback.QUESTION_STARTERS if kind == "question" else ()}


@bp.get("/<entry_id>")
def show(entry_id: str):
    """Read one entry."""
    view = entries.get(current_user, entry_id)
    return render_template(
        "journal/entry.html", entry=view, prompt=prompts.get_prompt(view.prompt_id or "")
    )


@bp.route("/<entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: str):
    """Edit an entry; a clash with a newer version shows both texts to choose from."""
    view = entries.get(current_user, entry_id)
    if request.method == "GET":
        form = {
            "title": view.title,
            "body": view.body,
            "tags": ", ".join(view.tags),
            "kind": view.kind,
            "version": view.version,
        }
        return render_template("journal/edit.html", entry=view, form=form, errors={}, kinds=KINDS)
    data, errors = read_form(EntryEditFormSchema)
    if errors:
        return rerender("journal/edit.html", errors, entry=view, kinds=KINDS)
    try:
        entries.update(current_user, entry_id, data)
    except AppError as error:
        if error.code != "version_conflict":
            raise
        return render_template(
            "journal/conflict.html", entry=error.extra["current"], mine=request.form, kinds=KINDS
        ), 409
    flash("Saved.")
    return redirect(url_for("journal.show", entry_id=entry_id))


@bp.route("/<entry_id>/delete", methods=["GET", "POST"])
def delete(entry_id: str):
    """Ask, then delete an entry."""
    view = entries.get(current_user, entry_id)
    if request.method == "GET":
        return render_template("journal/delete.html", entry=view)
    entries.delete(current_user, entry_id)
    flash("The entry was deleted.")
    return redirect(url_for("journal.home"))


@bp.get("/prompts")
def prompt_library():
    """Browse the prompts by theme."""
    return render_template("journal/prompts.html", themes=prompts.prompts_by_theme())
