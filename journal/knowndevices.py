"""Known devices (OWASP's device cookies against slow brute force): a browser that has signed in
to an account carries a signed cookie naming it, so a stranger's failed sign-ins, which lock
the account for everyone else, cannot lock its owner out on their own device.

The cookie holds a random id for this browser and short keyed hashes of the accounts it has
signed in to; never an email address.
"""

import hashlib
import hmac
import secrets

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "known-device"
MAX_ACCOUNTS = 5  # a shared family computer may know a few accounts
YEAR = 365 * 24 * 3600


def _cookie() -> str:
    """Over HTTPS the cookie is host-only and secure by name too, like the session's."""
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    return "__Host-journal-device" if secure else "journal-device"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def _account(email: str) -> str:
    """A short keyed hash of an address: the cookie names accounts without revealing them."""
    key = current_app.secret_key.encode()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    return digest[:24]


def _read() -> tuple[str | None, list[str]]:
    raw = request.cookies.get(_cookie())
    if not raw:
        return None, []
    try:
        found = _serializer().loads(raw)
    except BadSignature:
        return None, []
    if not isinstance(found, dict) or not isinstance(found.get("accounts"), list):
        return None, []
    device = found.get("device")
    return (device if isinstance(device, str) else None), [
        a for a in found["accounts"] if isinstance(a, str)
    ]


def device_for(email: str) -> str | None:
    """This browser's id, if it has signed in to that account before; else None."""
    device, accounts = _read()
    return device if device and _account(email) in accounts else None


def remember(email: str) -> None:
    """After a successful sign-in, have this browser remember the account (newest first)."""
    device, accounts = _read()
    device = device or secrets.token_urlsafe(16)
    mine = _account(email)
    others = [a for a in accounts if a != mine][: MAX_ACCOUNTS - 1]
    kept = [mine, *others]
    value = _serializer().dumps({"device": device, "accounts": kept})

    @after_this_request
    def _set(response):
        response.set_cookie(
            _cookie(),
            value,
            max_age=YEAR,
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            samesite="Lax",
        )
        return response
