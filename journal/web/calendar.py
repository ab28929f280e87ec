"""The private calendar feed: the .ics a calendar app fetches with a token (no cookie, no sign-in),
and the account page's forms that make, show once, stop and tune it."""

import hashlib
from base64 import b64decode, b64encode
from binascii import Error as BadBase64

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user

from journal.auth import role_required
from journal.crypto import DataKeyError
from journal.errors import CODES, AppError, handle_app_error, handle_http_error
from journal.extensions import limiter
from journal.services import calendar
from journal.services.keys import keyring

bp = Blueprint("calendar", __name__)

# Calendar services (Google's, Apple's) fetch many people's feeds from a few addresses, so each
# address gets a roomy budget and each feed its own: a calendar checks every few minutes at most.
FEED_PER_IP = "120 per minute"
FEED_PER_FEED = "60 per hour"
# Calendar apps cache what they fetched; nothing in it is journal text, and "private" keeps it
# out of shared caches. Five minutes spares the database a poll storm and still moves soon.
CACHE = "private, max-age=300"
NEW_FEED = "new_calendar_feed"  # the address just made, kept in the session until it is shown
BACK = "account.index"


def _token_key() -> str:
    """Key the feed's limit by its token, hashed: the limiter's store never holds a live one."""
    token = (request.view_args or {}).get("token", "")
    return "calendar-feed:" + hashlib.sha256(token.encode()).hexdigest()


@bp.get("/calendar/<token>.ics")
@limiter.limit(FEED_PER_IP)
@limiter.limit(FEED_PER_FEED, key_func=_token_key)
def feed(token: str):
    """Serve one person's sessions as iCalendar to their calendar app; the token is the key."""
    response = Response(calendar.feed_for_token(token), mimetype="text/calendar")
    response.headers["Cache-Control"] = CACHE
    response.headers["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.add_etag()
    return response.make_conditional(request)


def _plain(status: int, message: str) -> Response:
    """A short text answer for a calendar app: no page, which would start a cookie session."""
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(AppError)
def _feed_error(error: AppError):
    """Answer the feed's 404 in plain text; the other pages' errors as everywhere else."""
    if request.endpoint != "calendar.feed":
        return handle_app_error(error)
    return _plain(error.status, error.message)


@bp.errorhandler(429)
def _feed_too_many(error):
    """Answer the feed's 429 in plain text (Flask-Limiter adds Retry-After)."""
    if request.endpoint != "calendar.feed":
        return handle_http_error(error)
    return _plain(429, CODES[429][1])


@bp.post("/account/calendar-feed")
@role_required("client", "therapist")
def make():
    """Make a feed address (stopping any old one), then show it on its own page, once."""
    token = calendar.new_feed(current_user)
    ring = keyring()
    # The session cookie is signed, not secret: the token rides in it sealed under the master key.
    sealed = ring.wrap(token.encode(), f"calendar:{current_user.id}")
    cookie_session[NEW_FEED] = {"v": ring.current_version, "sealed": b64encode(sealed).decode()}
    return redirect(url_for("calendar.show_new"))


def _unseal(shown) -> str | None:
    """The token sealed in the session by make(), or None (gone, shown, or unreadable)."""
    if not isinstance(shown, dict):
        return None
    try:
        sealed = b64decode(str(shown.get("sealed")), validate=True)
        token = keyring().unwrap(sealed, shown.get("v"), f"calendar:{current_user.id}")
    except (BadBase64, DataKeyError):
        return None
    return token.decode()


@bp.get("/account/calendar-feed/new")
@role_required("client", "therapist")
def show_new():
    """Show the address just made, once: only its hash is kept. A refresh makes no new one."""
    token = _unseal(cookie_session.pop(NEW_FEED, None))
    if token is None or not calendar.is_current(current_user, token):
        flash("A calendar link shows only once. You can make a new one whenever you need it.")
        return redirect(url_for(BACK, _anchor="calendar"))
    url = url_for("calendar.feed", token=token, _external=True)
    webcal = "webcal://" + url.split("://", 1)[1]  # opens the phone's calendar app to subscribe
    return render_template("account/calendar_feed.html", url=url, webcal=webcal)


@bp.post("/account/calendar-feed/revoke")
@role_required("client", "therapist")
def stop():
    """Stop the feed address: calendars that use it get no more updates."""
    calendar.revoke_feed(current_user)
    flash("Your calendar link is stopped. Calendars that used it get no more updates.")
    return redirect(url_for(BACK, _anchor="calendar"))


@bp.post("/account/calendar-feed/options")
@role_required("client", "therapist")
def options():
    """Choose whether events name the other person, and the day-before reminder (clients)."""
    # Checkboxes: a ticked box is sent, an unticked one is not (therapists have no reminder).
    reminder = "reminder" in request.form if current_user.is_client else None
    calendar.set_options(current_user, names="names" in request.form, reminder=reminder)
    flash("Saved. Your calendar shows it the next time it updates.")
    return redirect(url_for(BACK, _anchor="calendar"))
