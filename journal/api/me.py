"""API: the signed-in account, its devices, export and deletion."""

from flask import g, jsonify, send_file
from flask_login import current_user, login_required

from journal.api.blueprint import bp
from journal.api.io import load_args, load_json
from journal.api.spec import documented
from journal.auth import current_device, forget_session_here, sign_out
from journal.errors import AppError
from journal.schemas.auth import (
    ChangePasswordSchema,
    DevicePageSchema,
    DeviceSchema,
    MeSchema,
    PasswordSchema,
    UpdateMeSchema,
    UserSchema,
)
from journal.schemas.export import ARCHIVE, ExportArgsSchema, ExportSchema
from journal.schemas.lock import LockStateSchema
from journal.services import accounts, addresses, archive, export, sessions

REAUTH = "Please confirm your password first (POST /api/v1/auth/reauth)."


@bp.get("/me")
@login_required
@documented("The signed-in user", ok=(200, MeSchema), tag="account")
def get_me():
    """Return the signed-in user, with any change of address waiting for its confirmation."""
    return MeSchema().dump(current_user) | {
        "pending_email": addresses.pending_change(current_user),
        "lock": LockStateSchema().dump(current_user),
    }


@bp.patch("/me")
@login_required
@documented(
    "Change the display name or the time zone",
    body=UpdateMeSchema,
    ok=(200, UserSchema),
    errors=[422],
    tag="account",
)
def update_me():
    """Change the display name, the time zone, or both."""
    data = load_json(UpdateMeSchema())
    return UserSchema().dump(accounts.update_profile(current_user, **data))


@bp.delete("/me")
@login_required
@documented(
    "Delete the account and everything it wrote",
    body=PasswordSchema,
    ok=(204, None),
    errors=[422],
    tag="account",
)
def delete_me():
    """Delete the account after checking the password."""
    data = load_json(PasswordSchema())
    accounts.delete_account(current_user, data["password"])
    sign_out()
    return "", 204


@bp.post("/auth/reauth")
@login_required
@documented(
    "Confirm the password before export or other sensitive steps",
    body=PasswordSchema,
    ok=(204, None),
    errors=[422],
    tag="auth",
)
def reauth():
    """Confirm the password on this device for the next few minutes."""
    data = load_json(PasswordSchema())
    accounts.confirm_password(current_user, data["password"])
    sessions.confirm(current_device())
    return "", 204


@bp.put("/me/password")
@login_required
@documented(
    "Change the password (ends every session)",
    body=ChangePasswordSchema,
    ok=(204, None),
    errors=[422],
    tag="account",
)
def change_password():
    """Change the password; every device is signed out."""
    data = load_json(ChangePasswordSchema())
    accounts.change_password(current_user, data["current_password"], data["new_password"])
    sign_out()
    return "", 204


@bp.get("/export")
@login_required
@documented(
    "Every record the signed-in user owns",
    query=ExportArgsSchema,
    ok=(200, ExportSchema, {"application/zip": ARCHIVE}),
    errors=[403, 422],
    tag="account",
)
def get_export():
    """Return everything the user owns, as JSON or a ZIP archive; needs a recent password."""
    wanted = load_args(ExportArgsSchema())["format"]
    if not accounts.recently_authenticated(current_device()):
        raise AppError(403, "reauth_required", REAUTH)
    if wanted == "zip":
        return send_archive(current_user)
    response = jsonify(ExportSchema().dump(export.export_for(current_user)))
    response.headers["Content-Disposition"] = 'attachment; filename="alliance-journal.json"'
    return response


def send_archive(user):
    """Answer with the user's readable archive as a ZIP download (the page's export too)."""
    made = archive.build(user)
    response = send_file(
        made.file,
        mimetype="application/zip",
        as_attachment=True,
        download_name=made.name,
        etag=False,
        conditional=False,
    )
    response.content_length = made.size
    response.headers["Cache-Control"] = "no-store"  # send_file's no-cache would let it be kept
    return response


@bp.get("/me/devices")
@login_required
@documented("Signed-in devices", ok=(200, DevicePageSchema), tag="account")
def list_devices():
    """List the devices where this account is signed in."""
    items = [
        dict(vars(d), current=d.id == g.device.id) for d in sessions.list_devices(current_user)
    ]
    return {"items": DeviceSchema().dump(items, many=True), "next_cursor": None}


@bp.delete("/me/devices/<device_id>")
@login_required
@documented("Sign out one device", ok=(204, None), tag="account")
def end_device(device_id: str):
    """Sign one device out."""
    sessions.end_device(current_user, device_id)
    if device_id == g.device.id:
        forget_session_here()
    return "", 204


@bp.delete("/me/devices")
@login_required
@documented("Sign out everywhere", ok=(204, None), tag="account")
def end_all_devices():
    """Sign out of every device, this one included."""
    sessions.end_everywhere(current_user)
    forget_session_here()
    return "", 204
