"""Reading requests and writing responses for the API views."""

from flask import request
from flask_login import current_user
from marshmallow import Schema, ValidationError

from journal.errors import AppError, flatten_messages, validation_error
from journal.services.accounts import with_password_problem
from journal.services.pagination import Page


def load_json(schema: Schema) -> dict:
    """Parse the JSON body with a schema: 400 when malformed, 422 when invalid. A schema that
    names a `checks_password_in` field has that password checked too when other fields fail."""
    data = request.get_json(silent=True)
    if data is None:
        if not request.get_data(cache=True):
            data = {}
        else:
            raise AppError(400, "malformed_json", "The request body is not valid JSON.")
    field = getattr(schema, "checks_password_in", None)
    try:
        return schema.load(data)
    except ValidationError as error:
        if field is None or not isinstance(data, dict):
            raise
        problems = flatten_messages(error.messages)
        raise validation_error(
            with_password_problem(current_user, data.get(field), problems, field)
        ) from error


def load_args(schema: Schema) -> dict:
    """Parse query-string arguments with a schema (422 when invalid)."""
    return schema.load(request.args.to_dict())


def dump_page(schema: Schema, page: Page) -> dict:
    """The one list shape: {items, next_cursor}."""
    return {"items": schema.dump(page.items, many=True), "next_cursor": page.next_cursor}
