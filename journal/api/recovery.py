"""API: forgot password. A link by mail, then a new password with the link's token."""

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.spec import documented
from journal.extensions import limiter
from journal.ratelimits import RESET_PER_ADDRESS, RESET_PER_IP
from journal.schemas.auth import ResetRequestedSchema, ResetRequestSchema, ResetSchema
from journal.services import recovery

RESET_401 = (
    "totp_required: this account uses two-step sign-in, send `totp` too; totp_invalid: a wrong "
    "or already used code"
)


@bp.post("/auth/password-reset")
@limiter.limit(RESET_PER_IP)
@limiter.limit(**RESET_PER_ADDRESS)
@documented(
    "Ask for a link to set a new password; the same answer whether or not the address has an "
    "account (the link opens /reset/<token> and lasts 30 minutes)",
    body=ResetRequestSchema,
    ok=(202, ResetRequestedSchema),
    errors=[422],
    tag="auth",
    public=True,
)
def request_password_reset():
    """Mail a reset link, if the address has an account."""
    recovery.request_reset(load_json(ResetRequestSchema())["email"])
    return ResetRequestedSchema().dump({"message": recovery.SENT}), 202


@bp.put("/auth/password-reset")
@limiter.limit(RESET_PER_IP)
@documented(
    "Set a new password with a mailed link's token; every session of the account ends",
    body=ResetSchema,
    ok=(204, None),
    errors=[(401, RESET_401), (422, "invalid_token: unknown, used or expired; or field errors")],
    tag="auth",
    public=True,
)
def reset_password():
    """Set a new password with a reset link's token."""
    data = load_json(ResetSchema())
    recovery.reset(data["token"], data["new_password"], data["totp"], data["recovery_code"])
    return "", 204
