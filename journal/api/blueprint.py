"""The JSON API blueprint, /api/v1, and the rules every API request follows."""

from flask import Blueprint, request

from journal.errors import CODES, AppError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def require_json_body():
    """A request that carries a body must say it is JSON (415 otherwise)."""
    has_body = request.content_length or request.headers.get("Transfer-Encoding")
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and has_body and not request.is_json:
        raise AppError(415, *CODES[415])
