"""Pages: a page to bring to a session, the chosen entries in full, printed by the browser."""

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from journal.auth import role_required
from journal.errors import flatten_messages
from journal.models import KINDS
from journal.schemas.fields import Text
from journal.services import entries, links
from journal.web.dates import today, user_zone

bp = Blueprint("printing", __name__)

MAX_ENTRIES = 200  # a printed stack a person can still carry and read
DEFAULT_DAYS = 14
DATE = "Use a date like 2026-03-31."


class PrintArgsSchema(Schema):
    """What to print: dates on the person's own calendar, and optional filters."""

    class Meta:
        unknown = EXCLUDE

    start = fields.Date(data_key="from", load_default=None, error_messages={"invalid": DATE})
    end = fields.Date(data_key="to", load_default=None, error_messages={"invalid": DATE})
    tag = Text(load_default="", validate=validate.Length(max=32))
    kind = fields.String(
        load_default="", validate=validate.OneOf(("", *KINDS), error="Choose one of the kinds.")
    )
    shared_with = fields.String(load_default="", validate=validate.Length(max=36))

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data["start"] and data["end"] and data["start"] > data["end"]:
            raise ValidationError("The end comes before the start.", "to")


def _bounds(start, end) -> tuple[datetime, datetime]:
    """The UTC moments of the first day's start and the day after the last, in the user's zone."""
    zone = user_zone()
    return (
        datetime.combine(start, time(), zone),
        datetime.combine(end + timedelta(days=1), time(), zone),
    )


@bp.get("/journal/print")
@role_required("client")
def print_page():
    """Show the chosen entries in full, oldest first, ready to print or save as PDF."""
    therapists = [link.therapist for link in links.links_of(current_user)]
    try:
        args = PrintArgsSchema().load(request.args.to_dict())
    except ValidationError as error:
        return _page({}, therapists, flatten_messages(error.messages), status=422)
    if args["shared_with"] and args["shared_with"] not in {t.id for t in therapists}:
        errors = {"shared_with": ["Choose one of your therapists."]}
        return _page(args, therapists, errors, status=422)
    end = args["end"] or today()
    start = args["start"] or end - timedelta(days=DEFAULT_DAYS - 1)
    chosen, matched = [], 0
    tag = args["tag"].strip().casefold()
    found = entries.written_between(
        current_user, *_bounds(start, end), kind=args["kind"], shared_with=args["shared_with"]
    )
    for view in found:
        if tag and tag not in (t.casefold() for t in view.tags):
            continue
        matched += 1
        if len(chosen) < MAX_ENTRIES:
            chosen.append(view)
    shown = {**args, "start": start, "end": end}
    return _page(shown, therapists, {}, chosen=chosen, matched=matched)


def _page(args, therapists, errors, *, chosen=(), matched=0, status=200):
    return render_template(
        "journal/print.html",
        args=args,
        form=request.args,
        therapists=therapists,
        kinds=KINDS,
        entries=chosen,
        matched=matched,
        limit=MAX_ENTRIES,
        errors=errors,
    ), status
