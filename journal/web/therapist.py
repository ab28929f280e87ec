"""Pages: the therapist's home."""

from flask import Blueprint, render_template

from journal.auth import role_required

bp = Blueprint("therapist", __name__, url_prefix="/therapist")


@bp.before_request
@role_required("therapist")
def therapists_only():
    """Every therapist page is for therapists."""


@bp.get("")
def home():
    """Show linked clients and what they shared (nothing until a client links)."""
    return render_template("therapist/home.html", clients=[])
