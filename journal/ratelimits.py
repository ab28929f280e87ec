"""The rate limits, in one place so pages and API share them."""

from flask import request

LOGIN_PER_IP = "10 per minute"
REGISTER_PER_IP = "20 per hour"


def _login_email() -> str:
    """Key failed sign-ins by the account they aimed at, from JSON or form."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    return "login:" + (email.strip().lower() if isinstance(email, str) else "")


def _failed(response) -> bool:
    """Only failed sign-ins count against an account."""
    return response.status_code == 401


LOGIN_PER_ACCOUNT = {
    "limit_value": "20 per hour",
    "key_func": _login_email,
    "deduct_when": _failed,
}
