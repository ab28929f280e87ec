"""API: confirming the account's address, and moving it to another."""

from flask_login import current_user, login_required

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.spec import documented
from journal.extensions import limiter
from journal.ratelimits import ADDRESS_MAIL_PER_ACCOUNT, RESET_PER_IP
from journal.schemas.auth import (
    ConfirmationSentSchema,
    EmailChangeAskedSchema,
    EmailChangeSchema,
    EmailTokenSchema,
)
from journal.services import addresses

SENT = "A link to confirm your address is on its way. It lasts 48 hours."
CHANGE_ASKED = "A link is on its way to {email}. Your address changes once you open it."


@bp.post("/me/email-confirmation")
@login_required
@ADDRESS_MAIL_PER_ACCOUNT
@documented(
    "Mail a new link to confirm the account's address (an older link stops working)",
    ok=(202, ConfirmationSentSchema),
    errors=[(409, "already_confirmed")],
    tag="account",
)
def send_email_confirmation():
    """Mail a link to confirm the address."""
    addresses.send_confirmation(current_user)
    return ConfirmationSentSchema().dump({"message": SENT}), 202


@bp.put("/me/email")
@login_required
@ADDRESS_MAIL_PER_ACCOUNT
@documented(
    "Move the account to another address: with the password, a link goes to the new address "
    "and a notice to the old one; the change happens when the link is confirmed",
    body=EmailChangeSchema,
    ok=(202, EmailChangeAskedSchema),
    errors=[422],
    tag="account",
)
def change_email():
    """Ask to move the account to another address."""
    data = load_json(EmailChangeSchema())
    new_email = addresses.request_change(current_user, data["email"], data["password"])
    body = {"message": CHANGE_ASKED.format(email=new_email), "pending_email": new_email}
    return EmailChangeAskedSchema().dump(body), 202


@bp.put("/auth/email-confirmation")
@limiter.limit(RESET_PER_IP)
@documented(
    "Confirm an address with a mailed link's token (works signed in or not, on any device)",
    body=EmailTokenSchema,
    ok=(204, None),
    errors=[
        (409, "email_taken: another account took the new address meanwhile"),
        (422, "invalid_token: unknown, used, expired or replaced; or field errors"),
    ],
    tag="auth",
    public=True,
)
def confirm_email():
    """Confirm the address a mailed link names."""
    addresses.confirm(load_json(EmailTokenSchema())["token"])
    return "", 204
