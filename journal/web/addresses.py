"""Pages: confirming an address from a mailed link (signed in or not, on any device)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from journal.errors import AppError
from journal.extensions import limiter
from journal.ratelimits import RESET_PER_IP
from journal.services import addresses
from journal.web.pages import home_for

bp = Blueprint("addresses", __name__)


def _dead_link(error: AppError):
    """The page for a link that no longer works, with the way to a new one."""
    if error.code not in ("invalid_token", "email_taken"):
        raise error
    if current_user.is_authenticated:
        then, label = None, "Ask for a new link"
        href = url_for("account.index", _anchor="address")
    else:
        then, label = "Sign in, then ask for a new link from your account page.", "Sign in"
        href = url_for("auth.login", next=url_for("account.index"))
    return render_template(
        "errors/link_expired.html",
        message=error.message,
        then=then,
        next_href=href,
        next_label=label,
    ), 410


@bp.get("/confirm-email/<token>")
def confirm_page(token: str):
    """Show the address a link confirms, with a button (mail scanners open links themselves)."""
    try:
        user, address = addresses.check(token)
    except AppError as error:
        return _dead_link(error)
    changing = address != user.email
    return render_template(
        "addresses/confirm.html", token=token, address=address, changing=changing
    )


@bp.post("/confirm-email/<token>")
@limiter.limit(RESET_PER_IP)
def confirm(token: str):
    """Confirm the address, then go on to the journal (or to sign in)."""
    try:
        user = addresses.confirm(token)
    except AppError as error:
        return _dead_link(error)
    flash(f"Thank you: {user.email} is confirmed.")
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))
