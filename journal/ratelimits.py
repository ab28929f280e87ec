"""The rate limits, in one place so pages and API share them."""

from flask import request, session
from flask_login import current_user

from journal import knowndevices
from journal.extensions import limiter

LOGIN_PER_IP = "10 per minute"
RESET_PER_IP = "10 per hour"  # asking for reset links, and using them
REGISTER_PER_IP = "20 per hour"


def _posted_email() -> str:
    """The address a sign-in or reset names, from JSON or form, as accounts compare it."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    return email.strip().lower() if isinstance(email, str) else ""


def _login_email() -> str:
    """Key failed sign-ins by the account they aimed at, from JSON or form. A browser that has
    signed in to that account before counts apart (its own budget), so a stranger's failures
    cannot lock the owner out on their own device."""
    email = _posted_email()
    device = knowndevices.device_for(email) if email else None
    return f"login-known:{device}:{email}" if device else "login:" + email


def _pending_account() -> str:
    """Key wrong codes by the account waiting for its second step."""
    note = session.get("pending_2fa")
    user_id = note.get("user") if isinstance(note, dict) else None
    return "login-code:" + (user_id if isinstance(user_id, str) else "")


def _failed(response) -> bool:
    """Only failed sign-ins count against an account; a right password awaiting its code is not."""
    if response.status_code != 401:
        return False
    body = response.get_json(silent=True) if response.is_json else None
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    return code != "totp_required"


LOGIN_PER_ACCOUNT = {
    "limit_value": "20 per hour",
    "key_func": _login_email,
    "deduct_when": _failed,
}
LOGIN_CODE_PER_ACCOUNT = {
    "limit_value": "20 per hour",
    "key_func": _pending_account,
    "deduct_when": _failed,
}


def _signed_in_account() -> str:
    """Key by the signed-in account (falling back to the address for anyone else)."""
    if current_user.is_authenticated:
        return "account:" + current_user.id
    return "ip:" + (request.remote_addr or "")


# Looking up or redeeming invite codes, on pages and API alike, draws on one budget per account:
# every try counts, so codes can't be guessed by the thousand.
INVITE_CODE_TRIES = limiter.shared_limit(
    "10 per hour", scope="invite_codes", key_func=_signed_in_account
)


def _reset_email() -> str:
    """Key reset requests by the address they name: no one floods an inbox with links."""
    return "reset:" + _posted_email()


RESET_PER_ADDRESS = {"limit_value": "3 per hour", "key_func": _reset_email}


# Confirmation links, and changes of address, per account: no one floods an inbox with them.
ADDRESS_MAIL_PER_ACCOUNT = limiter.shared_limit(
    "5 per hour", scope="address_mail", key_func=_signed_in_account
)


# Imports, on pages and API alike: each reads a file of up to MAX_IMPORT_BYTES.
IMPORTS_PER_ACCOUNT = limiter.shared_limit(
    "10 per hour", scope="imports", key_func=_signed_in_account
)
