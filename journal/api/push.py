"""API: Web Push reminders on a device, the key to subscribe with, and quiet hours."""

from flask import request
from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.extensions import limiter
from journal.models import KINDS_FOR_ROLE
from journal.schemas.push import (
    PublicKeySchema,
    PushSubscriptionInputSchema,
    PushSubscriptionPageSchema,
    PushSubscriptionSchema,
    QuietHoursOutSchema,
    QuietHoursSchema,
)
from journal.services import push
from journal.services.pagination import Page

ROLES = ("client", "therapist")


def _account() -> str:
    """Key the limit by the signed-in account (by address for anyone else, who gets a 401)."""
    if current_user.is_authenticated:
        return "push-account:" + current_user.id
    return "push-ip:" + (request.remote_addr or "")


# A browser subscribes once and then rarely again: this is plenty, and no one fills the table.
SUBSCRIBE_PER_ACCOUNT = limiter.limit("30 per hour", key_func=_account)


@bp.get("/push/public-key")
@documented(
    "The server's VAPID public key, to subscribe a browser with (applicationServerKey)",
    ok=(200, PublicKeySchema),
    tag="reminders",
    public=True,
)
def push_public_key():
    """Hand out the public key browsers subscribe with; it is no secret."""
    return {"key": push.public_key()}


@bp.post("/me/push-subscriptions")
@SUBSCRIBE_PER_ACCOUNT
@role_required(*ROLES)
@documented(
    "Turn reminders on for a browser: its push subscription and the kinds it wants (clients: "
    "session_tomorrow, new_from_therapist; therapists: new_shared). 201 when new; the same "
    "endpoint again updates that subscription and answers 200. The endpoint leaves any other "
    "account that had it",
    body=PushSubscriptionInputSchema,
    ok=[(201, PushSubscriptionSchema), (200, PushSubscriptionSchema)],
    errors=[403, (422, "validation_failed or too_many_devices"), 429],
    tag="reminders",
)
def create_push_subscription():
    """Save this browser's push subscription and the reminders it wants."""
    schema = PushSubscriptionInputSchema(
        allowed=KINDS_FOR_ROLE[current_user.role], local_ok=push.local_endpoints_allowed()
    )
    row, created = push.subscribe(current_user, load_json(schema))
    return PushSubscriptionSchema().dump(row), 201 if created else 200


@bp.get("/me/push-subscriptions")
@role_required(*ROLES)
@documented(
    "My devices with reminders on, newest first (all on one page)",
    ok=(200, PushSubscriptionPageSchema),
    errors=[403],
    tag="reminders",
)
def list_push_subscriptions():
    """List the devices this account gets reminders on."""
    return dump_page(PushSubscriptionSchema(), Page(push.subscriptions(current_user), None))


@bp.delete("/me/push-subscriptions/<subscription_id>")
@role_required(*ROLES)
@documented("Stop reminders on one of my devices", ok=(204, None), errors=[403], tag="reminders")
def delete_push_subscription(subscription_id: str):
    """Stop reminders on one device."""
    push.unsubscribe(current_user, subscription_id)
    return "", 204


@bp.get("/me/quiet-hours")
@role_required(*ROLES)
@documented(
    "My quiet hours (HH:MM in my time zone), or nulls when there are none",
    ok=(200, QuietHoursOutSchema),
    errors=[403],
    tag="reminders",
)
def get_quiet_hours():
    """Show the hours without reminders."""
    return QuietHoursOutSchema().dump(current_user)


@bp.put("/me/quiet-hours")
@role_required(*ROLES)
@documented(
    "Set quiet hours: no reminders from `from` until `to` (HH:MM in my time zone; 22:00 to "
    "07:00 runs over midnight)",
    body=QuietHoursSchema,
    ok=(204, None),
    errors=[403, 422],
    tag="reminders",
)
def set_quiet_hours():
    """Set the hours without reminders."""
    data = load_json(QuietHoursSchema())
    push.set_quiet_hours(current_user, data["quiet_from"], data["quiet_to"])
    return "", 204


@bp.delete("/me/quiet-hours")
@role_required(*ROLES)
@documented(
    "Clear quiet hours: reminders may come at any time",
    ok=(204, None),
    errors=[403],
    tag="reminders",
)
def clear_quiet_hours():
    """Clear the hours without reminders."""
    push.set_quiet_hours(current_user, None, None)
    return "", 204
