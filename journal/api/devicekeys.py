"""API: the key this device seals its drafts and offline copy with, while signed in."""

from flask import g
from flask_login import current_user, login_required

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.spec import documented
from journal.models import utcnow
from journal.schemas.devicekeys import DeviceKeySchema, DeviceSecretSchema
from journal.services import devicekeys, sessions
from journal.services.devicekeys import DeviceKeyView


def _answer(view: DeviceKeyView) -> dict:
    """The key with what the page needs to lock itself when this session would end."""
    device = g.device
    absolute = device.created_at + sessions.absolute_limit()
    previous = view.previous_private_key and {
        "key_id": view.previous_key_id,
        "private_key": view.previous_private_key,
    }
    return DeviceKeySchema().dump(
        {
            **vars(view),
            "previous": previous or None,
            "offline_reading": current_user.keeps_offline_copy,
            "time_zone": current_user.time_zone,
            "idle_seconds": int(sessions.idle_limit(current_user).total_seconds()),
            "ends_in_seconds": max(0, int((absolute - utcnow()).total_seconds())),
        }
    )


@bp.post("/me/device-key")
@login_required
@documented(
    "This device's key for what it keeps (made the first time)",
    body=DeviceSecretSchema,
    ok=[(200, DeviceKeySchema), (201, DeviceKeySchema)],
    errors=[422],
    tag="account",
)
def unlock_device():
    """Hand this device its key for the signed-in account."""
    data = load_json(DeviceSecretSchema())
    view, created = devicekeys.unlock(current_user, data["device"])
    return _answer(view), 201 if created else 200


@bp.post("/me/device-key/replace")
@login_required
@documented(
    "Replace this device's key (the old one is handed back until forgotten)",
    body=DeviceSecretSchema,
    ok=(200, DeviceKeySchema),
    errors=[(404, "not_found: this device has no key for this account"), 422],
    tag="account",
)
def replace_device_key():
    """Give this device a new key pair, keeping the old one until it is forgotten."""
    data = load_json(DeviceSecretSchema())
    return _answer(devicekeys.replace(current_user, data["device"]))


@bp.delete("/me/device-key/previous")
@login_required
@documented(
    "Forget this device's replaced key",
    body=DeviceSecretSchema,
    ok=(204, None),
    errors=[(404, "not_found: this device has no key for this account"), 422],
    tag="account",
)
def forget_previous_device_key():
    """Destroy the replaced key once everything on the device is sealed with the new one."""
    data = load_json(DeviceSecretSchema())
    devicekeys.forget_previous(current_user, data["device"])
    return "", 204
