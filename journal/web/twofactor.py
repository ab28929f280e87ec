"""Pages: turning two-step sign-in (TOTP) on, and off for clients."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from journal.errors import AppError
from journal.schemas.auth import PasswordSchema
from journal.schemas.twofactor import TwoFactorCodeSchema, TwoFactorOffSchema
from journal.services import accounts, recovery_codes, sessions, twofactor
from journal.web.forms import form_errors, require_form

bp = Blueprint("twofactor", __name__, url_prefix="/account/two-factor")


@bp.before_request
@login_required
def signed_in_only():
    """Every two-step sign-in page needs a signed-in user."""


def _page(errors=None, status=200):
    secret = twofactor.pending_secret(current_user)
    picture = twofactor.setup_picture(current_user, secret)[1] if secret else None
    return render_template(
        "twofactor/index.html",
        secret=secret,
        picture=picture,
        otpauth=twofactor.otpauth_uri(current_user, secret) if secret else None,
        required=twofactor.is_required(current_user),
        codes_left=recovery_codes.left(current_user) if current_user.totp_enabled else 0,
        needs_password=not accounts.recently_authenticated(g.device),
        errors=errors or {},
        form=request.form,
    ), status


@bp.get("")
def index():
    """Show whether two-step sign-in is on, and how to set it up or turn it off."""
    return _page()


@bp.post("/setup")
def setup():
    """Make a new secret to scan (after the password, unless it was given in the last minutes)."""
    try:
        if not accounts.recently_authenticated(g.device):
            accounts.confirm_password(current_user, require_form(PasswordSchema)["password"])
            sessions.confirm(g.device)
        twofactor.start_setup(current_user)
    except AppError as error:
        return _page(form_errors(error), error.status)
    return redirect(url_for("twofactor.index"))


@bp.post("/confirm")
def confirm():
    """Turn two-step sign-in on with a first code from the app."""
    try:
        twofactor.confirm_setup(current_user, require_form(TwoFactorCodeSchema)["code"])
    except AppError as error:
        return _page(form_errors(error), error.status)
    return _codes(
        recovery_codes.make(current_user),
        "Two-step sign-in is on. We'll ask for a code from your app each time you sign in.",
    )


def _codes(codes: list[str], said: str):
    """Show a fresh set of recovery codes, once (the page is never cached)."""
    return render_template("twofactor/codes.html", codes=codes, said=said)


@bp.post("/recovery-codes")
def new_codes():
    """Make a fresh set of recovery codes (after the password, unless given in the last
    minutes); the old ones stop working."""
    try:
        if not accounts.recently_authenticated(g.device):
            accounts.confirm_password(current_user, require_form(PasswordSchema)["password"])
            sessions.confirm(g.device)
        if not current_user.totp_enabled:
            raise AppError(409, "two_factor_off", twofactor.OFF_FOR_CODES)
    except AppError as error:
        return _page(form_errors(error), error.status)
    fresh = recovery_codes.make(current_user)
    return _codes(fresh, "Here is a fresh set. The old codes no longer work.")


@bp.post("/off")
def turn_off():
    """Turn two-step sign-in off after the password and a code (clients only)."""
    try:
        data = require_form(TwoFactorOffSchema)
        twofactor.disable(current_user, data["password"], data["code"])
    except AppError as error:
        return _page(form_errors(error), error.status)
    flash("Two-step sign-in is off. You'll sign in with your password alone.")
    return redirect(url_for("twofactor.index"))
