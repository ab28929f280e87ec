"""Page: who read what of the client's journal, newest first."""

from flask import Blueprint, render_template, request
from flask_login import current_user
from marshmallow import ValidationError

from journal.auth import role_required
from journal.errors import AppError, flatten_messages
from journal.schemas.common import ListArgsSchema
from journal.services import accesslog
from journal.web.dates import today

bp = Blueprint("access_log", __name__)


@bp.before_request
@role_required("client")
def clients_only():
    """The access log is the client's own."""


@bp.get("/access-log")
def index():
    """List the reads of the client's words by someone else: one line per person, thing and day
    (?view=every: each read on its own line)."""
    grouped = request.args.get("view") != "every"
    listing = accesslog.grouped_reads_of if grouped else accesslog.reads_of
    try:
        args = ListArgsSchema().load(request.args.to_dict())
        page = listing(current_user, **args)
    except ValidationError as error:
        return _page(None, grouped, flatten_messages(error.messages), 422)
    except AppError as error:  # a damaged cursor
        return _page(None, grouped, error.fields or {}, error.status)
    return _page(page, grouped, {})


def _page(page, grouped, errors, status=200):
    entry_ids = [item.entry_id for item in page.items if item.entry_id] if page else []
    return render_template(
        "access_log/index.html",
        page=page,
        grouped=grouped,
        today=today(),
        titles=accesslog.entry_titles(current_user, entry_ids),
        errors=errors,
        args=request.args,
    ), status
