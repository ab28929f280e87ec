"""Pages: the account, its devices, password, export and deletion."""

import json

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_required

from journal import zones
from journal.api.me import send_archive
from journal.auth import forget_session_here, sign_out
from journal.errors import AppError
from journal.models import utcnow
from journal.ratelimits import ADDRESS_MAIL_PER_ACCOUNT
from journal.schemas.auth import (
    ChangePasswordSchema,
    EmailChangeSchema,
    OfflineReadingSchema,
    PasswordSchema,
    ProfileSchema,
    TimeZoneSchema,
)
from journal.schemas.export import ExportFormSchema, ExportSchema
from journal.schemas.lock import LockFormSchema, UnlockPasswordFormSchema
from journal.services import accounts, addresses, applock, export, sessions
from journal.web.forms import form_errors, read_form, require_form, rerender

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def signed_in_only():
    """Every account page needs a signed-in user."""


def _page(errors=None, status=200):
    return render_template(
        "account/index.html",
        devices=sessions.list_devices(current_user),
        current_device_id=g.device.id,
        pending_email=addresses.pending_change(current_user),
        recently_confirmed=accounts.recently_authenticated(g.device),
        errors=errors or {},
        form=request.form,
    ), status


@bp.get("")
def index():
    """Show name, devices, and the doors to password, export and deletion."""
    return _page()


@bp.post("/profile")
def profile():
    """Change the display name."""
    data, errors = read_form(ProfileSchema)
    if errors:
        return _page(errors, 422)
    accounts.update_profile(current_user, data["display_name"])
    flash("Your name was updated.")
    return redirect(url_for("account.index"))


@bp.post("/email")
@ADDRESS_MAIL_PER_ACCOUNT
def email():
    """Ask to move the account to another address: a link goes there, a notice to the old one."""
    try:
        data = require_form(EmailChangeSchema)
        new_email = addresses.request_change(current_user, data["email"], data["password"])
    except AppError as error:
        return _page(form_errors(error), error.status)
    flash(f"A link is on its way to {new_email}. Your address changes once you open it.")
    return redirect(url_for("account.index"))


@bp.post("/email-confirmation")
@ADDRESS_MAIL_PER_ACCOUNT
def email_confirmation():
    """Mail a new link to confirm the account's address."""
    try:
        addresses.send_confirmation(current_user)
    except AppError as error:
        if error.code != "already_confirmed":
            raise
        flash(error.message)
        return redirect(url_for("account.index"))
    flash(f"A new link is on its way to {current_user.email}. It lasts 48 hours.")
    return redirect(url_for("account.index"))


@bp.route("/time-zone", methods=["GET", "POST"])
def time_zone():
    """Find a time zone by city, country or clock (GET ?q=), and change to it (POST)."""
    if request.method == "GET":
        words = request.args.get("q", "")[:100]
        return render_template(
            "account/time_zone.html",
            words=words,
            found=zones.search(words),
            total=zones.count(words),
            now=utcnow(),
            errors={},
        )
    data, errors = read_form(TimeZoneSchema)
    if errors:
        return _page(errors, 422)
    accounts.update_profile(current_user, time_zone=data["time_zone"])
    flash(f"Times now show in {zones.zone(data['time_zone']).city} time.")
    return redirect(url_for("account.index"))


@bp.post("/offline-reading")
def offline_reading():
    """Choose whether this account's devices keep recent entries to read offline."""
    try:
        data = require_form(OfflineReadingSchema)
        accounts.update_profile(current_user, offline_reading=data["offline_reading"])
    except AppError as error:
        return _page(form_errors(error), error.status)
    if data["offline_reading"]:
        flash("Your devices will keep your recent entries, sealed, to read offline.")
    else:
        flash("Your devices will keep nothing but what you're writing.")
    return redirect(url_for("account.index"))


@bp.post("/password")
def password():
    """Change the password; every device, this one included, is signed out."""
    try:
        data = require_form(ChangePasswordSchema)
        accounts.change_password(current_user, data["current_password"], data["new_password"])
    except AppError as error:
        return _page(form_errors(error), error.status)
    sign_out()
    flash("Password changed. Please sign in again with the new one.")
    return redirect(url_for("auth.login"))


@bp.post("/lock")
def set_lock():
    """Turn the app lock on or change its PIN; the password first, unless given lately."""
    try:
        data = require_form(LockFormSchema)
        if not accounts.recently_authenticated(g.device):
            accounts.confirm_password(current_user, data["lock_password"] or "", "lock_password")
            sessions.confirm(g.device)
        applock.turn_on(current_user, g.device, data["pin"], data["after_minutes"])
    except AppError as error:
        return _page(form_errors(error), error.status)
    cookie_session["pin_ok"] = True  # the next page lets this device keep a PIN verifier
    flash("The app lock is on. It asks for your PIN after a while unused and when the app starts.")
    return redirect(url_for("account.index", _anchor="app-lock"))


@bp.post("/lock/remove")
def remove_lock():
    """Turn the app lock off after checking the password."""
    try:
        data = require_form(UnlockPasswordFormSchema)
        applock.turn_off(current_user, data["unlock_password"], "unlock_password")
    except AppError as error:
        return _page(form_errors(error), error.status)
    flash("The app lock is off.")
    return redirect(url_for("account.index", _anchor="app-lock"))


@bp.post("/devices/<device_id>/end")
def end_device(device_id: str):
    """Sign one device out."""
    sessions.end_device(current_user, device_id)
    if device_id == g.device.id:
        forget_session_here()
        return redirect(url_for("auth.login"))
    flash("That device was signed out.")
    return redirect(url_for("account.index"))


@bp.post("/devices/end-all")
def end_all():
    """Sign out everywhere, this device included."""
    sessions.end_everywhere(current_user)
    forget_session_here()
    flash("You're signed out on every device.")
    return redirect(url_for("auth.login"))


@bp.route("/export", methods=["GET", "POST"])
def download_export():
    """Ask for the password, then download everything as one JSON file or a readable archive."""
    if request.method == "GET":
        form = {"format": request.args.get("format", "json")}  # ?format=zip: the archive, chosen
        return render_template("account/export.html", errors={}, form=form)
    try:
        data = require_form(ExportFormSchema)
        accounts.confirm_password(current_user, data["password"])
    except AppError as error:
        return rerender("account/export.html", form_errors(error), error.status)
    sessions.confirm(g.device)
    if data["format"] == "zip":
        # Built by a GET, which reads a snapshot without SQLite's write lock: a long journal
        # must not keep everyone else's saves waiting.
        return redirect(url_for("account.download_archive"), 303)
    body = json.dumps(
        ExportSchema().dump(export.export_for(current_user)), ensure_ascii=False, indent=2
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="alliance-journal.json"'},
    )


@bp.get("/export/archive")
def download_archive():
    """Download the readable archive once the password was confirmed on this device lately."""
    if not accounts.recently_authenticated(g.device):
        return redirect(url_for("account.download_export", format="zip"))
    return send_archive(current_user)


@bp.route("/delete", methods=["GET", "POST"])
def delete():
    """Explain what deletion means, then delete the account after the password."""
    count = export.entry_count(current_user)
    if request.method == "GET":
        return render_template("account/delete.html", errors={}, entry_count=count)
    try:
        data = require_form(PasswordSchema)
        accounts.delete_account(current_user, data["password"])
    except AppError as error:
        return rerender("account/delete.html", form_errors(error), error.status, entry_count=count)
    sign_out()
    flash("Your account and everything in it are gone.")
    return redirect(url_for("pages.landing"))
