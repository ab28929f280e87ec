"""Pages: bring entries in from another journal, see each import's report, undo one."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal.api.imports import allow_upload
from journal.auth import role_required
from journal.errors import AppError
from journal.ratelimits import IMPORTS_PER_ACCOUNT
from journal.schemas.imports import ImportUploadSchema
from journal.services import entries, importing
from journal.web.forms import read_form

bp = Blueprint("imports", __name__, url_prefix="/journal/import")
bp.url_value_preprocessor(allow_upload)  # the file may be larger than other requests

SOURCES = {"alliance": "Alliance Journal", "dayone": "Day One", "markdown": "Markdown notes"}
# What the report counts as left out, in words: (one, many).
LEFT_OUT = {
    "photos": ("photo", "photos"),
    "audio": ("audio recording", "audio recordings"),
    "videos": ("video", "videos"),
    "PDFs": ("PDF", "PDFs"),
    "locations": ("place", "places"),
    "stars": ("star", "stars"),
    "other files": ("other file", "other files"),
    "links": ("link with a therapist", "links with therapists"),
    "shares": ("share", "shares"),
    "sessions": ("session", "sessions"),
    "goals": ("goal", "goals"),
    "tasks": ("task", "tasks"),
    "replies": ("reply from a therapist", "replies from therapists"),
    "feedback outcomes": ("note on what came of feedback", "notes on what came of feedback"),
    "composer details": ("set of feedback details", "sets of feedback details"),
}
KEPT_SHOWN = 20  # entries that stayed after an undo, listed by title


def _page(errors=None, status=200):
    return render_template(
        "imports/index.html",
        page=importing.list_imports(current_user, limit=50),
        sources=SOURCES,
        errors=errors or {},
        form=request.form,
    ), status


@bp.get("")
@role_required("client")
def index():
    """Show the form to bring entries in, and the imports so far."""
    return _page()


@bp.post("")
@IMPORTS_PER_ACCOUNT
@role_required("client")
def create():
    """Bring a file's entries in, then show what came of it."""
    data, errors = read_form(ImportUploadSchema, {**request.form, **request.files})
    if errors:
        return _page(errors, 422)
    upload = importing.Upload(data["file"].filename or "", data["file"].stream)
    try:
        report = importing.start(current_user, upload, data["source"])
    except AppError as error:
        if error.status not in (413, 422):
            raise
        return _page({"file": [error.message]}, error.status)
    return redirect(url_for("imports.show", import_id=report.id))


@bp.get("/<import_id>")
@role_required("client")
def show(import_id: str):
    """Show one import's report, with the way to undo it."""
    report = importing.get(current_user, import_id)
    kept = []
    if report.undone_at:
        for entry_id in importing.remaining(current_user, import_id)[:KEPT_SHOWN]:
            try:
                kept.append(entries.get(current_user, entry_id))
            except AppError:
                continue  # deleted since
    return render_template(
        "imports/show.html", report=report, kept=kept, sources=SOURCES, left_out=LEFT_OUT
    )


@bp.post("/<import_id>/undo")
@role_required("client")
def undo(import_id: str):
    """Undo an import: what it made goes, except entries edited or shared since."""
    result = importing.undo(current_user, import_id)
    taken = [_count(result.removed, "entry", "entries")]
    if result.checkins_removed:
        taken.append(_count(result.checkins_removed, "check-in", "check-ins"))
    message = f"This import is undone: we took out {' and '.join(taken)}."
    if result.kept:
        stayed = _count(len(result.kept), "entry", "entries")
        message += f" {stayed[0].upper()}{stayed[1:]} stayed, since you changed or shared them."
    flash(message)
    return redirect(url_for("imports.show", import_id=import_id))


def _count(number: int, one: str, many: str) -> str:
    """ "1 entry", "3 entries", "no entries"."""
    return f"{number or 'no'} {one if number == 1 else many}"
