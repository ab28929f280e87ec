"""Reading HTML forms with the same schemas as the API."""

from flask import Flask, render_template, request
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, validate

from journal.errors import AppError, flatten_messages, validation_error
from journal.schemas.fields import Text
from journal.services.accounts import with_password_problem


def read_form(schema_cls: type[Schema], data: dict | None = None) -> tuple[dict | None, dict]:
    """Load the posted form (or data the view gathered from it, such as a list of checkboxes);
    return (data, {}) or (None, field errors)."""
    try:
        return schema_cls(unknown=EXCLUDE).load(
            request.form.to_dict() if data is None else data
        ), {}
    except ValidationError as error:
        return None, flatten_messages(error.messages)


def rerender(template: str, errors: dict, status: int = 422, **context):
    """Show the form again with what was typed and a message on each field."""
    return render_template(template, errors=errors, form=request.form, **context), status


def form_errors(error: AppError) -> dict:
    """Turn a service's validation error into field messages for a form."""
    return error.fields or {"_form": [error.message]}


def require_form(schema_cls: type[Schema]) -> dict:
    """Load the posted form or raise a 422 with the field messages. A schema that names a
    `checks_password_in` field has that password checked too when other fields fail."""
    data, errors = read_form(schema_cls)
    if errors:
        field = getattr(schema_cls, "checks_password_in", None)
        if field:
            errors = with_password_problem(current_user, request.form.get(field), errors, field)
        raise validation_error(errors)
    return data


def therapist_choice(required: str) -> Text:
    """A form's chosen therapist (an id from a select), with what to say when none is chosen."""
    return Text(
        required=True,
        allow_nul=False,
        validate=validate.Length(max=36),
        error_messages={"required": required},
    )


def person_choices(people) -> list[tuple[str, str]]:
    """People as (id, name) options for the `select` macro (choosing a linked therapist)."""
    return [(person.id, person.display_name) for person in people]


def register_form_helpers(app: Flask) -> None:
    """Give templates what form macros need beyond the request."""
    app.jinja_env.globals.update(person_choices=person_choices)
