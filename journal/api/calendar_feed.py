"""API: the private calendar feed's address (made, replaced, stopped) and what its events show."""

from flask import url_for
from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.calendar import (
    CalendarFeedSchema,
    CalendarFeedUrlSchema,
    CalendarOptionsSchema,
)
from journal.services import calendar

FEED = "/me/calendar-feed"


@bp.get(FEED)
@role_required("client", "therapist")
@documented(
    "Whether there is a calendar feed, and what its events show (its address is never shown again)",
    ok=(200, CalendarFeedSchema),
    tag="account",
)
def get_calendar_feed():
    """Say whether the feed is on and what its events show."""
    return CalendarFeedSchema().dump(calendar.state(current_user))


@bp.post(FEED)
@role_required("client", "therapist")
@documented(
    "Make the calendar feed's address, replacing any old one (which stops working); the address "
    "is in this answer only",
    ok=(201, CalendarFeedUrlSchema),
    tag="account",
)
def make_calendar_feed():
    """Make a new feed address in place of any old one, and show it this once."""
    token = calendar.new_feed(current_user)
    url = url_for("calendar.feed", token=token, _external=True)
    return CalendarFeedUrlSchema().dump({"url": url}), 201


@bp.delete(FEED)
@role_required("client", "therapist")
@documented(
    "Stop the calendar feed: its address answers 404 from now on (204 also when there was none)",
    ok=(204, None),
    tag="account",
)
def stop_calendar_feed():
    """Stop the feed address; stopping one that isn't there is done already."""
    calendar.revoke_feed(current_user)
    return "", 204


@bp.patch(FEED)
@role_required("client", "therapist")
@documented(
    "Choose what the feed's events show: the other person's name, the reminder the day before",
    body=CalendarOptionsSchema,
    ok=(200, CalendarFeedSchema),
    errors=[(422, "validation_failed (a therapist sending reminder included)")],
    tag="account",
)
def set_calendar_feed_options():
    """Change whether events name the other person, and the day-before reminder (clients)."""
    user = calendar.set_options(current_user, **load_json(CalendarOptionsSchema()))
    return CalendarFeedSchema().dump(calendar.state(user))
