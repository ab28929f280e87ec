"""Pages: the lock screen a locked device sees everywhere, unlocking it, and the quick exit."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user

from journal.auth import forget_session_here, return_to
from journal.errors import AppError
from journal.services import applock
from journal.web.auth import safe_next

bp = Blueprint("lock", __name__)

# What a locked device may still reach: the way in (the PIN), the ways out (sign out, the quick
# exit and its neutral page) and what holds no one's words (the app shell, health, the calendar
# feed, which a token opens, never the cookie).
OPEN_WHILE_LOCKED = frozenset(
    {
        "api.unlock",
        "api.lock_now",
        "api.logout",
        "api.get_csrf",
        "lock.unlock",
        "lock.leave",
        "lock.away",
        "auth.logout",
        "static",
        "pwa.manifest",
        "pwa.offline",
        "pwa.service_worker",
        "pages.healthz",
        "calendar.feed",
    }
)
LOCKED = "This device is locked. Unlock it with your PIN."


@bp.before_app_request
def only_the_lock_screen_while_locked():
    """A locked device gets the lock screen for every page, and 423 from the API."""
    if request.endpoint is None or request.endpoint in OPEN_WHILE_LOCKED:
        return None
    if not current_user.is_authenticated or not applock.is_locked(g.device, current_user):
        return None
    if request.path.startswith("/api/"):
        raise AppError(423, "locked", LOCKED)
    return _screen(return_to() or "/")


def _screen(next_path: str, errors=None, status=423):
    return render_template(
        "lock/screen.html",
        locked_screen=True,
        next=next_path,
        errors=errors or {},
        wait=applock.wait_left(g.device),
    ), status


@bp.post("/unlock")
def unlock():
    """Open this device with the PIN and go back where it was."""
    next_path = safe_next("/", request.form.get("next", "/"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=next_path))
    try:
        applock.unlock(current_user, g.device, request.form.get("pin", "")[:64])
    except AppError as error:
        if error.extra.get("signed_out"):
            forget_session_here()
            flash(error.message)
            return redirect(url_for("auth.login"))
        message = error.message  # after the fifth, the screen says how long to wait
        left = applock.tries_before_wait(g.device)
        if error.status == 401 and left:
            message += " " + _tries(left)
        response, status = _screen(next_path, {"pin": [message]}, error.status)
        return response, status, error.headers
    cookie_session["pin_ok"] = True  # the next page lets this device keep a PIN verifier
    return redirect(next_path)


def _tries(left: int) -> str:
    return f"You can try {left} more time{'s' if left != 1 else ''} before waiting."


@bp.app_template_global()
def pin_accepted() -> bool:
    """Once, on the page after the server took a PIN: this device may keep its verifier."""
    return bool(cookie_session.pop("pin_ok", None))


@bp.post("/leave")
def leave():
    """The quick exit without JavaScript: lock this device (or sign it out) and show the
    neutral page in place of this one."""
    if current_user.is_authenticated and not applock.lock_now(current_user, g.device):
        forget_session_here()
    return redirect(url_for("lock.away"), code=303)


@bp.get("/away")
def away():
    """A neutral page on our own site: no journal words, no name, no sign of the app."""
    return render_template("lock/away.html")
