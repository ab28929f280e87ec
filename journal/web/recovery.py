"""Pages: forgot password. Ask for a link by mail, then choose a new password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import pre_load

from journal.errors import AppError
from journal.extensions import limiter
from journal.ratelimits import RESET_PER_ADDRESS, RESET_PER_IP
from journal.schemas.auth import ResetRequestSchema, ResetSchema
from journal.services import recovery
from journal.web.forms import read_form, rerender

bp = Blueprint("recovery", __name__)


class ResetFormSchema(ResetSchema):
    """The new-password form: the token comes from the link, not the form; a box left empty
    (the code, or the recovery code) is not sent."""

    class Meta:
        exclude = ("token",)

    @pre_load
    def _drop_blanks(self, data, **kwargs):
        return {name: value for name, value in data.items() if str(value).strip()}


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(RESET_PER_IP, methods=["POST"])
@limiter.limit(**RESET_PER_ADDRESS, methods=["POST"])
def forgot():
    """Ask for a link to set a new password; the same answer for any address."""
    form_page = "recovery/forgot.html"
    if request.method == "GET":
        return render_template(form_page, errors={}, form={})
    data, errors = read_form(ResetRequestSchema)
    if errors:
        return rerender(form_page, errors)
    recovery.request_reset(data["email"])
    return render_template("recovery/sent.html")


@bp.get("/reset/<token>")
def reset_page(token: str):
    """Choose a new password with the link from the mail (if it still works)."""
    return _reset_page(token)


def _reset_page(token: str, errors=None, status=200):
    try:
        user = recovery.check(token)
    except AppError as error:
        if error.code != "invalid_token":
            raise
        return render_template(
            "errors/link_expired.html",
            message=error.message,
            next_href=url_for("recovery.forgot"),
            next_label="Ask for a new link",
        ), 410
    return render_template(
        "recovery/reset.html",
        token=token,
        needs_code=user.totp_enabled,
        errors=errors or {},
    ), status


@bp.post("/reset/<token>")
@limiter.limit(RESET_PER_IP)
def reset(token: str):
    """Set the new password; every device signs in again."""
    data, errors = read_form(ResetFormSchema)
    if not errors:
        try:
            recovery.reset(token, data["new_password"], data["totp"], data["recovery_code"])
        except AppError as error:
            if error.code == "invalid_token":
                return _reset_page(token)
            if error.status not in (401, 422):
                raise
            field = "recovery_code" if request.form.get("recovery_code") else "totp"
            errors = error.fields or {field: [error.message]}
    if errors:
        return _reset_page(token, errors, 422)
    flash("Your password is changed, and every device was signed out. Sign in with the new one.")
    return redirect(url_for("auth.login"))
