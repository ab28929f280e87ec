"""One error handler: the JSON error shape under /api/, friendly pages elsewhere."""

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from journal.extensions import db

# Codes and sentences for plain HTTP errors that carry no code of their own.
CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("not_signed_in", "Please sign in first."),
    403: ("forbidden", "This is not available to your account."),
    404: ("not_found", "We could not find that."),
    405: ("method_not_allowed", "That method is not allowed here."),
    409: ("conflict", "That clashes with a newer change."),
    413: ("too_large", "That is more than we can take in one go (1 MiB at most)."),
    415: ("unsupported_media_type", "Please send JSON (Content-Type: application/json)."),
    422: ("validation_failed", "Some fields need another look."),
    429: ("rate_limited", "Too many tries. Please wait a moment and try again."),
    500: ("server_error", "Something went wrong on our side. Nothing you saved was lost."),
}


class AppError(Exception):
    """An expected failure with a status, a code and a human sentence."""

    def __init__(self, status: int, code: str, message: str, fields=None, extra=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.extra, self.headers = fields, extra or {}, headers or {}


def not_found() -> AppError:
    """The one answer for a missing object and for someone else's object."""
    return AppError(404, "not_found", CODES[404][1])


def validation_error(fields: dict, code: str = "validation_failed") -> AppError:
    """A 422 that names the fields in need of another look."""
    return AppError(422, code, CODES[422][1], fields=fields)


def wants_json() -> bool:
    """Answer in JSON for API paths."""
    return request.path.startswith("/api/")


def _respond(status: int, code: str, message: str, fields=None, extra=None, headers=None):
    if wants_json():
        body = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        body.update(extra or {})
        response = jsonify(error=body)
    else:
        response = current_app.make_response(
            render_template("errors/error.html", status=status, code=code, message=message)
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_app_error(error: AppError):
    """Render an AppError."""
    return _respond(
        error.status, error.code, error.message, error.fields, error.extra, error.headers
    )


def _leaves(messages) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _leaves(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _leaves(value)]
    return [str(messages)]


def flatten_messages(messages) -> dict[str, list[str]]:
    """Give every field a flat list of sentences, even for lists of items."""
    if not isinstance(messages, dict):
        return {"_schema": _leaves(messages)}
    return {str(name): list(dict.fromkeys(_leaves(value))) for name, value in messages.items()}


def handle_validation_error(error: ValidationError):
    """Render a schema failure as 422 with the fields."""
    return _respond(
        422, "validation_failed", CODES[422][1], fields=flatten_messages(error.messages)
    )


def handle_csrf_error(error: CSRFError):
    """Render a missing or wrong CSRF token as 400."""
    message = "The security token is missing or out of date. Please reload and try again."
    return _respond(400, "csrf_failed", message)


def handle_http_error(error: HTTPException):
    """Render any other HTTP error in the house shape."""
    status = error.code or 500
    code, message = CODES.get(status, ("http_error", error.description or "Request failed."))
    headers = {}
    if error.response is not None and "Retry-After" in error.response.headers:
        headers["Retry-After"] = error.response.headers["Retry-After"]
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return _respond(status, code, message, headers=headers)


def handle_server_error(error: Exception):
    """Roll back first and show no traceback (Flask has already logged the exception)."""
    db.session.rollback()
    code, message = CODES[500]
    return _respond(500, code, message)


def register_error_handlers(app: Flask) -> None:
    """Route every error through the handlers above."""
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
