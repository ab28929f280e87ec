"""Who is signed in: Flask-Login fed by server-side session records, and role checks."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from journal import knowndevices
from journal.errors import CODES, AppError
from journal.extensions import login_manager
from journal.models import DeviceSession, User
from journal.services import notices, sessions, twofactor


@login_manager.user_loader
def _never_from_cookie(_user_id: str) -> None:
    """Refuse Flask-Login's own session and remember-me cookies: only our records count."""
    return None


@login_manager.request_loader
def _load_from_record(_request) -> User | None:
    """Load the user from the session record named in the signed session cookie."""
    token = session.get("sid")
    if not token:
        return None
    device = sessions.load(token)
    if device is None:
        session.pop("sid", None)
        return None
    g.device = device
    return device.user


@login_manager.unauthorized_handler
def _unauthorized():
    """Answer 401 in JSON for the API; send people to the sign-in page."""
    if request.path.startswith("/api/"):
        raise AppError(401, *CODES[401])
    return redirect(url_for("auth.login", next=return_to()))


def return_to() -> str | None:
    """Where to come back after signing in: this page, or, for a form that was sent, the page it
    was sent from (the address a form posts to can't be opened again)."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc != request.host or not came_from.path.startswith("/"):
        return None
    return came_from.path + (f"?{came_from.query}" if came_from.query else "")


def sign_in(user: User, *, new_account: bool = False) -> None:
    """Start a fresh session record and a fresh cookie (a new id at every sign-in); a browser
    the account hasn't used before gets the owner a notice by mail."""
    previous = current_device()
    if previous is not None:
        sessions.end(previous)  # signing in again must not leave the old record alive
    if not new_account and knowndevices.device_for(user.email) is None:
        notices.new_device(user, request.headers.get("User-Agent", ""))
    knowndevices.remember(user.email)  # a stranger's failures won't lock this browser out
    token = sessions.start(user, request.headers.get("User-Agent", ""))
    session.clear()
    session["sid"] = token
    g.session_changed = True
    # Make the new session's CSRF token now, in this response: made lazily, two requests the
    # next page sends at once (a form, a script's fetch) could each make one, and the cookie
    # that arrives last would leave the other's forms refused.
    generate_csrf()


def sign_out() -> None:
    """End this device's session record and forget the cookie."""
    device = current_device()
    if device is not None:
        sessions.end(device)
    forget_session_here()


def forget_session_here() -> None:
    """Forget this browser's session (already ended), and have it drop cached pages of ours."""
    session.clear()
    g.session_changed = True
    g.signed_out = True


def current_device() -> DeviceSession | None:
    """The session record of this request, if signed in."""
    if not current_user.is_authenticated:
        return None
    return g.get("device")


def _set_up_two_factor_first():
    """Send a therapist without two-step sign-in to set it up (403 in the API)."""
    if request.path.startswith("/api/"):
        raise AppError(403, "two_factor_required", twofactor.REQUIRED)
    flash(twofactor.REQUIRED)
    return redirect(url_for("twofactor.index"))


def role_required(*roles: str):
    """Let in only signed-in users of these roles: 401 when signed out, 403 for another role.

    A therapist who still has to turn on two-step sign-in is sent to do that first.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                allowed = " and ".join(roles)
                raise AppError(403, "wrong_role", f"This is only for {allowed} accounts.")
            if twofactor.missing(current_user):
                return _set_up_two_factor_first()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def register_auth(app: Flask) -> None:
    """Bind Flask-Login with remember-me and its own session protection switched off."""
    login_manager.init_app(app)
    login_manager.session_protection = None
    app.config["REMEMBER_COOKIE_NAME"] = "remember_token_unused"
