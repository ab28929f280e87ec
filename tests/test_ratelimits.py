"""Rate limits: sign-in per IP and per account, registration per IP (API and pages)."""

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import AuditEvent, User
from tests.conftest import PASSWORD, Api

LOGIN = "/api/v1/auth/login"
REGISTER = "/api/v1/auth/register"
WRONG = "not the password at all"


def ip(n: int) -> dict:
    return {"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"}


def assert_rate_limited(response, max_wait):
    assert response.status_code == 429, response.get_data(as_text=True)
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= max_wait
    if response.mimetype == "application/json":
        body = response.get_json()
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message"}
        assert body["error"]["code"] == "rate_limited"
        assert body["error"]["message"]


def login(api, email, password=PASSWORD, n=0):
    return api.post(LOGIN, {"email": email, "password": password}, environ_base=ip(n))


@pytest.fixture
def api(client):
    return Api(client)


@pytest.mark.parametrize("password", [WRONG, PASSWORD])
def test_eleventh_login_in_a_minute_from_one_ip(app, api, make_user, password):
    user = make_user("client")
    for _ in range(10):
        assert login(api, user.email, password).status_code in (200, 401)
    assert_rate_limited(login(api, user.email, PASSWORD), 60)
    assert_rate_limited(login(api, "someone.else@example.test", PASSWORD), 60)
    # Another address is not held back.
    assert login(Api(app.test_client()), user.email, n=1).status_code == 200


def test_eleventh_login_page_from_one_ip(app, make_user):
    user = make_user("client")
    browser = Api(app.test_client())
    data = {"email": user.email, "password": WRONG}
    for _ in range(10):
        assert browser.form("/login", data, environ_base=ip(0)).status_code == 401
    response = browser.form("/login", {**data, "password": PASSWORD}, environ_base=ip(0))
    assert_rate_limited(response, 60)
    assert response.mimetype == "text/html"
    assert "Too many tries" in response.get_data(as_text=True)
    assert browser.client.get("/api/v1/me").status_code == 401
    # Looking at the page is not limited.
    assert browser.client.get("/login", environ_base=ip(0)).status_code == 200


def test_rate_limited_login_signs_nobody_in(app, api, make_user):
    user = make_user("client")
    for _ in range(10):
        login(api, user.email, WRONG)
    assert login(api, user.email).status_code == 429
    assert api.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(("failures", "status"), [(19, 200), (20, 429)])
def test_failed_logins_per_account(app, make_user, failures, status):
    target, bystander = make_user("client"), make_user("client")
    attacker = Api(app.test_client())
    for n in range(failures):
        # Varying case must not buy extra tries.
        email = target.email.upper() if n % 2 else target.email
        assert login(attacker, email, WRONG, n=n).status_code == 401
    owner = Api(app.test_client())
    response = login(owner, target.email, n=500)
    if status == 200:
        assert response.status_code == 200
    else:
        assert_rate_limited(response, 3600)
        assert owner.get("/api/v1/me").status_code == 401
    assert login(Api(app.test_client()), bystander.email, n=501).status_code == 200
    with app.app_context():
        failed = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "login", AuditEvent.outcome == "failed")
        )
        assert failed == failures


def test_successful_logins_do_not_count_against_the_account(app, make_user):
    user = make_user("client")
    for n in range(25):
        assert login(Api(app.test_client()), user.email, n=n).status_code == 200


def test_twenty_first_registration_from_one_ip(app):
    api = Api(app.test_client())
    for n in range(20):
        body = {
            "email": f"person{n}@example.test",
            "password": PASSWORD,
            "display_name": f"Person {n}",
            "role": "client",
        }
        assert api.post(REGISTER, body, environ_base=ip(0)).status_code == 201
    body = {**body, "email": "one.more@example.test"}
    assert_rate_limited(api.post(REGISTER, body, environ_base=ip(0)), 3600)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 20
        assert db.session.scalar(select(User).where(User.email == body["email"])) is None
    # Another address can still register.
    assert Api(app.test_client()).post(REGISTER, body, environ_base=ip(1)).status_code == 201


def test_registration_page_shares_nothing_with_login_limit(app, make_user):
    """Ten failed sign-ins do not stop a registration from the same address."""
    user = make_user("client")
    api = Api(app.test_client())
    for _ in range(10):
        login(api, user.email, WRONG)
    body = {
        "email": "new@example.test",
        "password": PASSWORD,
        "display_name": "N",
        "role": "client",
    }
    assert api.post(REGISTER, body, environ_base=ip(0)).status_code == 201
