"""API: CSRF token, register, sign in, sign out."""

from flask_wtf.csrf import generate_csrf

from journal.api.blueprint import bp
from journal.api.io import load_json
from journal.api.spec import documented
from journal.auth import sign_in, sign_out
from journal.extensions import limiter
from journal.ratelimits import LOGIN_PER_ACCOUNT, LOGIN_PER_IP, REGISTER_PER_IP
from journal.schemas.auth import CsrfSchema, LoginSchema, RegisterSchema, UserSchema
from journal.services import accounts, addresses, twofactor

LOGIN_401 = (
    "invalid_credentials: wrong email or password; with two-step sign-in on, "
    "totp_required: send `totp` too, or totp_invalid: a wrong or already used code"
)


@bp.get("/auth/csrf")
@documented(
    "Get a CSRF token (and start a session if there is none)",
    ok=(200, CsrfSchema),
    tag="auth",
    public=True,
)
def get_csrf():
    """Return a CSRF token for X-CSRFToken."""
    return {"csrf_token": generate_csrf()}


@bp.post("/auth/register")
@limiter.limit(REGISTER_PER_IP)
@documented(
    "Create an account and sign in",
    body=RegisterSchema,
    ok=(201, UserSchema),
    errors=[422],
    tag="auth",
    public=True,
)
def register():
    """Create an account and sign it in."""
    data = load_json(RegisterSchema())
    user = accounts.register(
        data["email"], data["password"], data["display_name"], data["role"], data["time_zone"]
    )
    addresses.send_confirmation(user)
    sign_in(user, new_account=True)
    return UserSchema().dump(user), 201


@bp.post("/auth/login")
@limiter.limit(LOGIN_PER_IP)
@limiter.limit(**LOGIN_PER_ACCOUNT)
@documented(
    "Sign in",
    body=LoginSchema,
    ok=(200, UserSchema),
    errors=[(401, LOGIN_401), 422],
    tag="auth",
    public=True,
)
def login():
    """Sign in with email, password and, when two-step sign-in is on, a code."""
    data = load_json(LoginSchema())
    user = accounts.authenticate(data["email"], data["password"])
    twofactor.second_step(user, data["totp"], data["recovery_code"])
    sign_in(user)
    return UserSchema().dump(user)


@bp.post("/auth/logout")
@documented("Sign out of this device", ok=(204, None), tag="auth", public=True)
def logout():
    """End this device's session (the response carries a fresh CSRF token)."""
    sign_out()
    return "", 204
