"""The JSON API blueprint, /api/v1, and the rules every API request follows."""

from flask import Blueprint, g, request
from flask_wtf.csrf import generate_csrf

from journal.errors import CODES, AppError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


# The one route that takes a file: its view reads multipart/form-data itself (415 otherwise).
UPLOADS = {"api.create_import"}


@bp.before_request
def require_json_body():
    """A request that carries a body must say it is JSON (415 otherwise), and be JSON that is
    not nested too deeply (400)."""
    if request.endpoint in UPLOADS:
        return
    has_body = request.content_length or request.headers.get("Transfer-Encoding")
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and has_body and not request.is_json:
        raise AppError(415, *CODES[415])
    if has_body:
        request.get_json(silent=True)  # parse now: a body nested too deeply is a 400 first


@bp.after_request
def hand_over_new_csrf_token(response):
    """After sign-in or sign-out the old CSRF token is gone: send the new one along."""
    if g.get("session_changed"):
        response.headers["X-CSRFToken"] = generate_csrf()
    return response
