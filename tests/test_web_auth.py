"""Pages: register, sign in, sign out, the landing page, role walls and the safety notice."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.conftest import PASSWORD, Api

NOTICE = "emergency number"
GENERIC = "match an account"  # from "That email and password don't match an account."
SECRET = "orchid lantern 7731"  # a valid password that must never be echoed back


def location(response) -> str:
    return response.headers["Location"]


def path_of(response) -> str:
    return urlsplit(location(response)).path


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def browser(client):
    """A signed-out browser that posts forms with their csrf_token."""
    return Api(client)


def form_login(browser, email, password=PASSWORD, query=""):
    response = browser.form("/login" + query, {"email": email, "password": password})
    browser.token = None  # signing in starts a new session with a new token
    return response


def is_signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    ("path", "labels", "button"),
    [
        ("/register", ["Email", "Password", "Display name"], "Create account"),
        ("/login", ["Email", "Password"], "Sign in"),
    ],
)
def test_auth_pages_render(client, path, labels, button):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = html(response)
    for label in labels:
        assert f">{label}</label>" in page
    assert f'<button type="submit" class="button">{button}</button>' in page
    assert 'name="csrf_token"' in page
    assert NOTICE in page


@pytest.mark.parametrize(("role", "home"), [("client", "/journal"), ("therapist", "/therapist")])
def test_register_redirects_home(browser, role, home):
    response = browser.form(
        "/register",
        {
            "email": "Page.User@Example.test",
            "password": PASSWORD,
            "display_name": "P",
            "role": role,
        },
    )
    assert response.status_code == 302
    assert path_of(response) == home
    me = browser.client.get("/api/v1/me").get_json()
    assert me["email"] == "page.user@example.test" and me["role"] == role
    landing = browser.client.get(home)
    if role == "client":
        assert landing.status_code == 200
    else:  # a new therapist turns on two-step sign-in first
        assert path_of(landing) == "/account/two-factor"


@pytest.mark.parametrize(("role", "home"), [("client", "/journal"), ("therapist", "/therapist")])
def test_login_redirects_home(browser, make_user, role, home):
    # Without two-step sign-in on (test_twofactor covers the code step).
    make_user(role, email="u@example.test", totp=False)
    response = form_login(browser, "U@example.test")
    assert response.status_code == 302
    assert path_of(response) == home
    assert is_signed_in(browser.client)


def test_signing_in_makes_the_sessions_csrf_token_at_once(browser, make_user):
    """Made lazily, two requests the next page sends at once could each make one token, and the
    cookie that arrives last would leave the other's forms refused."""
    make_user("client", email="u@example.test")
    form_login(browser, "u@example.test")
    with browser.client.session_transaction() as session:
        token = session.get("csrf_token")
    assert token
    browser.client.get("/api/v1/auth/csrf")
    browser.client.get("/journal")
    with browser.client.session_transaction() as session:
        assert session["csrf_token"] == token


@pytest.mark.parametrize(
    ("form", "bad_field"),
    [
        ({"email": "not-an-email", "password": SECRET, "display_name": "Kept Name"}, "email"),
        ({"email": "kept@example.test", "password": SECRET, "display_name": ""}, "display_name"),
        (
            {"email": "kept@example.test", "password": SECRET, "display_name": "x" * 81},
            "display_name",
        ),
        ({"email": "kept@example.test", "password": SECRET, "role": "admin"}, "role"),
        ({"email": "kept@example.test", "password": "short pw 11"}, "password"),
        ({"email": "kept@example.test", "password": "password1234"}, "password"),
    ],
)
def test_register_bad_form_rerenders(browser, form, bad_field):
    data = {"display_name": "Kept Name", "role": "client", **form}
    response = browser.form("/register", data)
    assert response.status_code == 422
    page = html(response)
    assert "Some fields need another look." in page
    assert f'class="field-error" id="{bad_field}-error"' in page
    assert f'value="{data["email"]}"' in page
    if data["display_name"] and bad_field != "display_name":
        assert f'value="{data["display_name"]}"' in page
    assert data["password"] not in page
    assert not is_signed_in(browser.client)


def test_register_taken_email_rerenders(browser, make_user):
    make_user("client", email="taken@example.test")
    data = {
        "email": "TAKEN@example.test",
        "password": SECRET,
        "display_name": "Ana",
        "role": "client",
    }
    response = browser.form("/register", data)
    assert response.status_code == 422
    page = html(response)
    assert 'id="email-error"' in page
    assert SECRET not in page
    assert not is_signed_in(browser.client)


@pytest.mark.parametrize("email", ["known@example.test", "unknown@example.test"])
def test_login_wrong_password_rerenders_401(browser, make_user, email):
    make_user("client", email="known@example.test")
    response = form_login(browser, email, SECRET)
    assert response.status_code == 401
    page = html(response)
    assert GENERIC in page
    assert f'value="{email}"' in page
    assert SECRET not in page
    assert not is_signed_in(browser.client)


@pytest.mark.parametrize("data", [{"email": "", "password": SECRET}, {"email": "a@example.test"}])
def test_login_incomplete_form_is_422(browser, data):
    response = browser.form("/login", data)
    assert response.status_code == 422
    assert SECRET not in html(response)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"email": "u@example.test", "password": PASSWORD}),
        ("/register", {"email": "n@example.test", "password": PASSWORD, "display_name": "N"}),
        ("/logout", {}),
    ],
)
def test_form_without_csrf_is_400(client, make_user, path, data):
    make_user("client", email="u@example.test")
    client.get("/login")
    response = client.post(path, data={**data, "role": "client"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert not is_signed_in(client)


def test_logout_with_forged_csrf_keeps_session(browser, make_user):
    make_user("client", email="u@example.test")
    form_login(browser, "u@example.test")
    response = browser.client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert is_signed_in(browser.client)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/journal/prompts", "/journal/prompts"),
        ("/account", "/account"),
        ("//evil.example", "/journal"),
        ("//evil.example/journal", "/journal"),
        ("https://evil.example", "/journal"),
        ("https://evil.example/journal", "/journal"),
        ("javascript:alert(1)", "/journal"),
        ("", "/journal"),
    ],
)
def test_login_next(browser, make_user, target, expected):
    make_user("client", email="u@example.test")
    response = form_login(browser, "u@example.test", query="?next=" + quote(target, safe=""))
    assert response.status_code == 302
    parts = urlsplit(location(response))
    assert parts.netloc in ("", "localhost")
    assert parts.path == expected


@pytest.mark.parametrize("target", ["/\\evil.example", "///evil.example", "/\t/evil.example"])
def test_login_next_never_leaves_the_site(browser, make_user, target):
    make_user("client", email="u@example.test")
    response = form_login(browser, "u@example.test", query="?next=" + quote(target, safe=""))
    where = location(response)
    assert not where.startswith("//")
    assert "\\" not in where and "\t" not in where
    assert urlsplit(where).netloc in ("", "localhost")


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("http://localhost/feedback/new", "/feedback/new"),
        ("http://localhost/checkins/new?therapist=x", "/checkins/new?therapist=x"),
        ("https://evil.example/feedback/new", None),
        ("http://localhost.evil.example/journal", None),
        (None, None),
    ],
)
def test_a_form_sent_signed_out_comes_back_to_the_page_it_was_sent_from(api, referrer, expected):
    """The address a form posts to can't be opened again, so after signing in the person goes
    back to the page the form was on (on this site only)."""
    headers = {"Referer": referrer} if referrer else {}
    response = api.form("/feedback/preview", {"what": "Words"}, headers=headers)
    target = parse_qs(urlsplit(location(response)).query).get("next")
    assert response.status_code == 302 and target == ([expected] if expected else None)


def test_a_page_asked_for_signed_out_comes_back_to_itself(browser):
    response = browser.get("/checkins/new?therapist=x")
    assert parse_qs(urlsplit(location(response)).query)["next"] == ["/checkins/new?therapist=x"]


def test_logout_get_asks_post_signs_out(browser, make_user):
    make_user("client", email="u@example.test")
    form_login(browser, "u@example.test")
    page = browser.client.get("/logout")
    assert page.status_code == 200
    assert 'action="/logout"' in html(page)
    assert ">Sign out</button>" in html(page)
    assert is_signed_in(browser.client), "GET /logout must not sign out"
    response = browser.form("/logout")
    assert response.status_code == 302
    assert path_of(response) == "/login"
    assert not is_signed_in(browser.client)
    assert path_of(browser.client.get("/journal")) == "/login"


def test_landing_signed_out(client):
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert NOTICE in page
    assert 'href="/register"' in page and 'href="/login"' in page


@pytest.mark.parametrize(("role", "home"), [("client", "/journal"), ("therapist", "/therapist")])
def test_landing_and_login_redirect_signed_in_users(api_as, role, home):
    client = api_as(role).client
    for path in ("/", "/login"):
        response = client.get(path)
        assert response.status_code == 302
        assert path_of(response) == home


@pytest.mark.parametrize(
    "path", ["/journal", "/journal/new", "/journal/prompts", "/account", "/therapist"]
)
def test_signed_out_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    parts = urlsplit(location(response))
    assert parts.path == "/login"
    assert parse_qs(parts.query)["next"] == [path]


def test_next_round_trip_after_redirect(browser, make_user):
    make_user("client", email="u@example.test")
    redirect_to = location(browser.client.get("/journal/prompts"))
    query = "?" + urlsplit(redirect_to).query
    response = form_login(browser, "u@example.test", query=query)
    assert path_of(response) == "/journal/prompts"


@pytest.mark.parametrize(
    ("role", "path", "wall"),
    [
        ("therapist", "/journal", "only for client accounts"),
        ("therapist", "/journal/new", "only for client accounts"),
        ("therapist", "/journal/prompts", "only for client accounts"),
        ("client", "/therapist", "only for therapist accounts"),
    ],
)
def test_wrong_role_gets_403_page(api_as, role, path, wall):
    response = api_as(role).client.get(path)
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert wall in html(response)


@pytest.mark.parametrize("path", ["/journal", "/journal/new", "/journal/prompts", "/account"])
def test_client_pages_show_safety_notice(api_as, path):
    response = api_as("client").client.get(path)
    assert response.status_code == 200
    assert NOTICE in html(response)
