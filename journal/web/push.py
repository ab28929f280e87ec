"""Pages: reminders on this device (Web Push) and quiet hours, a section of the account page."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required
from marshmallow import Schema, ValidationError, validates_schema

from journal.models import KINDS_FOR_ROLE
from journal.schemas.push import ClockTime, service_name
from journal.services import push
from journal.web.account import _page as account_page
from journal.web.forms import read_form

bp = Blueprint("push", __name__)

KIND_LABELS = {
    "session_tomorrow": "A session tomorrow",
    "new_from_therapist": "Something new from your therapist",
    "new_shared": "New things shared before a session",
}


class QuietHoursForm(Schema):
    """The quiet-hours form: two times, or both left empty for none."""

    quiet_from = ClockTime(load_default=None)
    quiet_to = ClockTime(load_default=None)

    @validates_schema
    def _both_or_neither(self, data, **kwargs):
        start, end = data["quiet_from"], data["quiet_to"]
        if bool(start) != bool(end):
            raise ValidationError(
                "Choose both times, or leave both empty.", "quiet_to" if start else "quiet_from"
            )
        if start and start == end:
            raise ValidationError("Choose an end different from the start.", "quiet_to")


def _settings() -> dict:
    """What the reminders section shows: the kinds this account may ask for, its devices, and
    its quiet hours."""
    return {
        "public_key": push.public_key(),
        "kinds": [(kind, KIND_LABELS[kind]) for kind in KINDS_FOR_ROLE[current_user.role]],
        "labels": KIND_LABELS,
        "devices": [
            {"row": row, "service": service_name(row.endpoint)}
            for row in push.subscriptions(current_user)
        ],
        "quiet_from": current_user.quiet_from,
        "quiet_to": current_user.quiet_to,
    }


@bp.app_context_processor
def push_context() -> dict:
    """Let the account page's reminders section ask for its settings (read only when shown)."""
    return {"push_settings": _settings}


@bp.post("/account/quiet-hours")
@login_required
def save_quiet_hours():
    """Set the hours without reminders, or clear them ("No quiet hours", or both left empty)."""
    data = {"quiet_from": None, "quiet_to": None}
    if not request.form.get("clear"):
        fields = {k: v for k, v in request.form.items() if k in data and v.strip()}
        data, errors = read_form(QuietHoursForm, fields)
        if errors:
            return account_page(errors, 422)
    push.set_quiet_hours(current_user, data["quiet_from"], data["quiet_to"])
    if data["quiet_from"]:
        flash(f"Quiet hours saved: no reminders from {data['quiet_from']} to {data['quiet_to']}.")
    else:
        flash("No quiet hours now: reminders can come at any time of day.")
    return redirect(url_for("account.index", _anchor="reminders"))


@bp.post("/account/push-subscriptions/<subscription_id>/remove")
@login_required
def remove(subscription_id: str):
    """Stop reminders on one of this account's devices."""
    push.unsubscribe(current_user, subscription_id)
    flash("Reminders are off on that device.")
    return redirect(url_for("account.index", _anchor="reminders"))
