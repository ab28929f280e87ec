"""Page: who read what of the client's journal, newest first."""

from flask import Blueprint, render_template, request
from flask_login import current_user
from marshmallow import ValidationError

from journal.auth import role_required
from journal.errors import AppError, flatten_messages
from journal.schemas.common import ListArgsSchema
from journal.services import accesslog

bp = Blueprint("access_log", __name__)


@bp.before_request
@role_required("client")
def clients_only():
    """The access log is the client's own."""


@bp.get("/access-log")
def index():
    """List every read of the client's entries and packets by someone else."""
    try:
        args = ListArgsSchema().load(request.args.to_dict())
        page = accesslog.reads_of(current_user, **args)
    except ValidationError as error:
        return _page(None, flatten_messages(error.messages), 422)
    except AppError as error:  # a damaged cursor
        return _page(None, error.fields or {}, error.status)
    return _page(page, {})


def _page(page, errors, status=200):
    entry_ids = [item.entry_id for item in page.items if item.entry_id] if page else []
    return render_template(
        "access_log/index.html",
        page=page,
        titles=accesslog.entry_titles(current_user, entry_ids),
        errors=errors,
        args=request.args,
    ), status
