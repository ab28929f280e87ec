"""Headers on every response, and refusing cross-site writes."""

from flask import Flask, g, request

from journal.errors import AppError, not_found

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; "
    "manifest-src 'self'; worker-src 'self'; connect-src 'self'"
)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def refuse_cross_site_writes():
    """Browsers label forged requests from other sites; refuse them before anything runs."""
    if request.method in UNSAFE_METHODS and request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise AppError(403, "cross_site_request", "Requests from other sites are not accepted.")


def refuse_nul_in_path():
    """No id or code ever holds a null byte; such a path names nothing (and some databases balk)."""
    if any("\x00" in str(value) for value in (request.view_args or {}).values()):
        raise not_found()


def set_security_headers(response):
    """Set CSP and friends; never let a response holding journal text be stored."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Signed out: the browser drops what it cached of our pages (never IndexedDB, where sealed
    # drafts wait for their own account).
    if g.get("signed_out"):
        headers["Clear-Site-Data"] = '"cache"'
    # Only static files may be cached; pages and API answers may hold journal text.
    if request.endpoint != "static" and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def register_security(app: Flask) -> None:
    """Install the request guard and the response headers."""
    app.before_request(refuse_cross_site_writes)
    app.before_request(refuse_nul_in_path)
    app.after_request(set_security_headers)
