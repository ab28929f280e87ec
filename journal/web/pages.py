"""Landing page and health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from journal.extensions import db, limiter

bp = Blueprint("pages", __name__)


def home_for(user) -> str:
    """Where a signed-in user belongs."""
    return url_for("therapist.home" if user.is_therapist else "journal.home")


@bp.get("/")
def landing():
    """Show the welcome page, or send a signed-in user home."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("pages/landing.html")


@bp.get("/healthz")
@limiter.exempt  # a load balancer's probe: no limit to look up, nothing to count
def healthz():
    """Answer ok once the database answers."""
    with db.engine.connect() as connection:  # no ORM session: nothing here needs one
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
