"""API: turning two-step sign-in (TOTP) on, and off for clients."""

from flask_login import current_user, login_required

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.me import REAUTH
from journal.api.spec import documented
from journal.auth import current_device
from journal.errors import AppError
from journal.schemas.twofactor import (
    RecoveryCodesSchema,
    TwoFactorCodeSchema,
    TwoFactorOffSchema,
    TwoFactorSetupSchema,
)
from journal.services import accounts, recovery_codes, twofactor

ALREADY_ON = (409, "two_factor_on: it is already on")


@bp.post("/me/two-factor")
@login_required
@documented(
    "Start setting up two-step sign-in: a new secret for an authenticator app",
    ok=(201, TwoFactorSetupSchema),
    errors=[(403, "reauth_required: confirm the password first"), ALREADY_ON],
    tag="account",
)
def start_two_factor():
    """Make a new secret (needs a password given in the last few minutes); it is not on yet."""
    if not accounts.recently_authenticated(current_device()):
        raise AppError(403, "reauth_required", REAUTH)
    secret = twofactor.start_setup(current_user)
    return {"secret": secret, "otpauth_uri": twofactor.otpauth_uri(current_user, secret)}, 201


@bp.put("/me/two-factor")
@login_required
@documented(
    "Turn two-step sign-in on with a code from the app",
    body=TwoFactorCodeSchema,
    ok=(204, None),
    errors=[(409, "two_factor_on or setup_not_started"), 422],
    tag="account",
)
def confirm_two_factor():
    """Turn two-step sign-in on once the app shows the right code."""
    twofactor.confirm_setup(current_user, load_json(TwoFactorCodeSchema())["code"])
    return "", 204


@bp.delete("/me/two-factor")
@login_required
@documented(
    "Turn two-step sign-in off (clients only)",
    body=TwoFactorOffSchema,
    ok=(204, None),
    errors=[
        (403, "two_factor_required: therapists keep it on"),
        (409, "two_factor_off: it is already off"),
        422,
    ],
    tag="account",
)
def turn_off_two_factor():
    """Turn two-step sign-in off after the password and a code."""
    data = load_json(TwoFactorOffSchema())
    twofactor.disable(current_user, data["password"], data["code"])
    return "", 204


@bp.post("/me/two-factor/recovery-codes")
@login_required
@documented(
    "Make ten single-use recovery codes, replacing any old ones; shown only in this answer",
    ok=(201, RecoveryCodesSchema),
    errors=[
        (403, "reauth_required: confirm the password first"),
        (409, "two_factor_off: turn two-step sign-in on first"),
    ],
    tag="account",
)
def make_recovery_codes():
    """Make a fresh set of recovery codes (needs a password given in the last few minutes)."""
    if not accounts.recently_authenticated(current_device()):
        raise AppError(403, "reauth_required", REAUTH)
    if not current_user.totp_enabled:
        raise AppError(409, "two_factor_off", twofactor.OFF_FOR_CODES)
    return RecoveryCodesSchema().dump({"codes": recovery_codes.make(current_user)}), 201
