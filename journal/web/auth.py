"""Pages: register, sign in, sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from marshmallow import pre_load

from journal.auth import sign_in, sign_out
from journal.errors import AppError
from journal.extensions import limiter
from journal.models.users import DEFAULT_TIME_ZONE, time_zones
from journal.ratelimits import (
    LOGIN_CODE_PER_ACCOUNT,
    LOGIN_PER_ACCOUNT,
    LOGIN_PER_IP,
    REGISTER_PER_IP,
)
from journal.schemas.auth import LoginSchema, RegisterSchema
from journal.schemas.twofactor import TwoFactorCodeSchema
from journal.services import accounts, addresses, recovery_codes, twofactor
from journal.web.forms import form_errors, read_form, rerender
from journal.web.pages import home_for

bp = Blueprint("auth", __name__)


class RegisterFormSchema(RegisterSchema):
    """The register page: a time zone the browser didn't give, or gave wrong, means UTC."""

    @pre_load
    def _zone_or_utc(self, data, **kwargs):
        if data.get("time_zone") in time_zones():
            return data
        return {**data, "time_zone": DEFAULT_TIME_ZONE}


def safe_next(default: str, target: str | None = None) -> str:
    """Follow ?next= (or the target given) only to a path on this site."""
    target = request.args.get("next", "") if target is None else target
    # Browsers read a backslash as a slash, so "/" then a backslash then a host would leave the
    # site: refuse backslashes and control characters outright.
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REGISTER_PER_IP, methods=["POST"])
def register():
    """Create an account."""
    if request.method == "GET":
        return render_template("auth/register.html", errors={}, form={})
    data, errors = read_form(RegisterFormSchema)
    if errors:
        return rerender("auth/register.html", errors)
    try:
        user = accounts.register(
            data["email"], data["password"], data["display_name"], data["role"], data["time_zone"]
        )
    except AppError as error:
        return rerender("auth/register.html", form_errors(error), error.status)
    addresses.send_confirmation(user)
    sign_in(user, new_account=True)
    flash("Welcome. Your account is ready. A link to confirm your address is on its way.")
    return redirect(safe_next(home_for(user)))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_IP, methods=["POST"])
@limiter.limit(**LOGIN_PER_ACCOUNT, methods=["POST"])
def login():
    """Sign in."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(home_for(current_user))
        return render_template("auth/login.html", errors={}, form={})
    data, errors = read_form(LoginSchema)
    if errors:
        return rerender("auth/login.html", errors)
    try:
        user = accounts.authenticate(data["email"], data["password"])
    except AppError as error:
        return rerender("auth/login.html", {"_form": [error.message]}, error.status)
    if twofactor.is_enabled(user):
        # The password was right; the account is signed in only after its code.
        session["pending_2fa"] = twofactor.begin_pending(user)
        return redirect(url_for("auth.login_code", next=request.args.get("next")))
    sign_in(user)
    return redirect(safe_next(home_for(user)))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_IP, methods=["POST"])
@limiter.limit(**LOGIN_CODE_PER_ACCOUNT, methods=["POST"])
def login_code():
    """Ask for the code from the authenticator app, then sign in."""
    user = twofactor.pending_user(session.get("pending_2fa"))
    if user is None:
        session.pop("pending_2fa", None)
        flash("Please sign in again: the code has to follow the password within 5 minutes.")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    if request.method == "GET":
        return render_template("auth/code.html", errors={}, form={})
    if request.form.get("recovery_code", "").strip():  # lost phone: a recovery code instead
        if not recovery_codes.use(user, request.form["recovery_code"]):
            wrong = {"recovery_code": [twofactor.WRONG_RECOVERY_CODE]}
            return rerender("auth/code.html", wrong, 401)
        sign_in(user)
        return redirect(safe_next(home_for(user)))
    data, errors = read_form(TwoFactorCodeSchema)
    if errors:
        return rerender("auth/code.html", errors)
    if not twofactor.check_code(user, data["code"]):
        return rerender("auth/code.html", {"code": [twofactor.WRONG_CODE]}, 401)
    sign_in(user)
    return redirect(safe_next(home_for(user)))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Ask before signing out (GET), then sign out (POST)."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    sign_out()
    flash("You're signed out. What this device keeps stays sealed until you sign in here again.")
    return redirect(url_for("auth.login"))
