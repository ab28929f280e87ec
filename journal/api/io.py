"""Reading requests and writing responses for the API views."""

from flask import request
from marshmallow import Schema

from journal.errors import AppError
from journal.services.pagination import Page


def load_json(schema: Schema) -> dict:
    """Parse the JSON body with a schema: 400 when malformed, 422 when invalid."""
    data = request.get_json(silent=True)
    if data is None:
        if not request.get_data(cache=True):
            data = {}
        else:
            raise AppError(400, "malformed_json", "The request body is not valid JSON.")
    return schema.load(data)


def load_args(schema: Schema) -> dict:
    """Parse query-string arguments with a schema (422 when invalid)."""
    return schema.load(request.args.to_dict())


def dump_page(schema: Schema, page: Page) -> dict:
    """The one list shape: {items, next_cursor}."""
    return {"items": schema.dump(page.items, many=True), "next_cursor": page.next_cursor}
