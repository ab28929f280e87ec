"""Security headers on every page and API response, cross-site refusal, no inline script/style."""

import re

import pytest

from tests.conftest import PASSWORD, Api

REQUIRED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
ALLOWED_EXTRA_CSP = {"manifest-src": "'self'", "worker-src": "'self'", "connect-src": "'self'"}
EVIL_ORIGIN = {"Origin": "https://evil.example"}

# Every page rule, by who can reach it; test_every_page_rule_is_listed keeps this complete.
PUBLIC_PAGES = [
    "/",
    "/login",
    "/login/code",
    "/register",
    "/logout",
    "/forgot",
    "/reset/<token>",
    "/away",
]
PUBLIC_PAGES += ["/confirm-email/<token>"]
CLIENT_PAGES = [
    "/",
    "/journal",
    "/journal/new",
    "/journal/shared",
    "/journal/prompts",
    "/journal/print",
    "/journal/ledger",
    "/journal/goals",
    "/journal/tasks",
    "/journal/import",
    "/journal/<entry_id>",
    "/journal/<entry_id>/edit",
    "/journal/<entry_id>/delete",
    "/feedback/new",
    "/checkins",
    "/checkins/new",
    "/join",
    "/links",
    "/access-log",
    "/account",
    "/account/time-zone",
    "/account/export",
    "/account/delete",
    "/account/two-factor",
    "/logout",
]
THERAPIST_PAGES = [
    "/",
    "/therapist",
    "/account",
    "/account/export",
    "/account/delete",
    "/account/two-factor",
    "/logout",
]
EXTRA_PAGES = ["/nope", "/journal?limit=0", "/login?next=/journal"]
# Sharing pages that name linked objects (codes, links, sessions, clients): rendered, with their
# headers, by tests/test_web_{links,prepare,therapist}.py; listed so the rule list stays whole.
OBJECT_PAGES = [
    "/join/<code>",
    "/links/<link_id>/sessions",
    "/links/<link_id>/end",
    "/prepare/<session_id>",
    "/therapist/clients/<client_id>",
    "/therapist/clients/<client_id>/entries/<entry_id>",
    "/therapist/clients/<client_id>/sessions/<session_id>",
    "/therapist/clients/<client_id>/end",
    "/therapist/clients/<client_id>/checkins/<checkin_id>/answer",
    "/therapist/clients/<client_id>/ledger",
    "/therapist/clients/<client_id>/goals",
    "/therapist/clients/<client_id>/tasks",
    "/journal/after/<session_id>",
    "/journal/goals/<goal_id>",
    "/journal/import/<import_id>",  # a report: rendered, with its headers, by test_imports.py
]
API_GETS = [
    "/api/v1/me",
    "/api/v1/me/devices",
    "/api/v1/entries",
    "/api/v1/entries/<entry_id>",
    "/api/v1/export",
    "/api/v1/auth/csrf",
    "/api/v1/openapi.json",
    "/api/v1/nope",
    "/healthz",
]
# The PWA files are checked in tests/test_pwa.py (they may be cached: no journal text).
NOT_PAGES = {"/healthz", "/static/<path:filename>", "/offline", "/sw.js", "/manifest.webmanifest"}
NOT_PAGES |= {"/feedback/preview"}
# Shown once right after making an invite (tests/test_web_therapist.py); by address, a redirect.
NOT_PAGES |= {"/therapist/invites/new"}  # by address it only redirects: tests/test_web_feedback.py
# The calendar feed is iCalendar for calendar apps, cached privately (no journal text), and its
# address is shown once after making it; both are checked in tests/test_calendar.py.
NOT_PAGES |= {"/calendar/<token>.ics", "/account/calendar-feed/new"}
# The readable archive is a ZIP download, not a page; its headers: tests/test_archive.py.
NOT_PAGES |= {"/account/export/archive"}


def make_visitor(app, api_as, make_entry, role):
    """A visitor of one kind, with an entry to point the client's paths at."""
    if role == "anonymous":
        api = Api(app.test_client())
        pages = PUBLIC_PAGES + EXTRA_PAGES
        entry_id = "00000000-0000-4000-8000-000000000000"
    else:
        api = api_as(role)
        pages = (CLIENT_PAGES if role == "client" else THERAPIST_PAGES) + EXTRA_PAGES
        entry_id = make_entry(api.user, body="<b>bold</b> words").id if role == "client" else "x"
    api.role = role
    api.paths = [p.replace("<entry_id>", entry_id) for p in pages]
    api.api_paths = [p.replace("<entry_id>", entry_id) for p in API_GETS]
    return api


@pytest.fixture(params=["anonymous", "client", "therapist"])
def visitor(request, app, api_as, make_entry):
    return make_visitor(app, api_as, make_entry, request.param)


def csp_directives(header: str) -> dict:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        assert name not in directives, f"duplicate CSP directive {name}"
        directives[name] = value.strip()
    return directives


def assert_security_headers(response, *, https=False):
    headers = response.headers
    csp = csp_directives(headers["Content-Security-Policy"])
    for name, value in REQUIRED_CSP.items():
        assert csp.pop(name) == value, name
    assert csp.items() <= ALLOWED_EXTRA_CSP.items(), csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert not [name for name, _ in headers.items() if name.lower().startswith("access-control-")]
    if https:
        hsts = headers["Strict-Transport-Security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    else:
        assert "Strict-Transport-Security" not in headers


def assert_no_inline_code(html: str):
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    inline_scripts = [t for t in tags if t.lower().startswith("<script") and "src=" not in t]
    assert not inline_scripts
    assert not [t for t in tags if re.search(r"\sstyle\s*=", t, re.I)]
    assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.I)]
    assert "<style" not in html.lower()
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_page(visitor, scheme):
    assert visitor.paths
    for path in visitor.paths:
        response = visitor.client.get(path, headers=EVIL_ORIGIN, base_url=f"{scheme}://localhost")
        assert response.status_code in (200, 302, 403, 404, 410, 422), (path, response.status_code)
        assert_security_headers(response, https=scheme == "https")
        assert response.headers["Cache-Control"] == "no-store", path
        if response.mimetype == "text/html":
            assert_no_inline_code(response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["client", "therapist"])
def test_signed_in_pages_render_for_real(app, api_as, make_entry, role):
    """The page list is not just redirects: each signed-in page answers 200 with HTML."""
    visitor = make_visitor(app, api_as, make_entry, role)
    for path in visitor.paths:
        if path in EXTRA_PAGES or path == "/":
            continue
        response = visitor.client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_api_response(visitor, scheme):
    for path in visitor.api_paths:
        response = visitor.client.get(path, headers=EVIL_ORIGIN, base_url=f"{scheme}://localhost")
        assert response.mimetype == "application/json", path
        assert_security_headers(response, https=scheme == "https")
        assert response.headers["Cache-Control"] == "no-store", path


def test_unsafe_api_responses(api_as):
    api = api_as("client")
    responses = [
        api.post("/api/v1/entries", {"body": "new"}, headers=EVIL_ORIGIN),
        api.post("/api/v1/entries", {"body": ""}),
        api.patch("/api/v1/me", {"display_name": "New"}),
        api.post("/api/v1/auth/logout"),
        api.post("/api/v1/auth/login", {"email": api.user.email, "password": PASSWORD}),
    ]
    assert [r.status_code for r in responses] == [201, 422, 200, 204, 200]
    for response in responses:
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_cors_preflight_is_not_answered(api_as):
    api = api_as("client")
    response = api.client.options(
        "/api/v1/entries",
        headers={**EVIL_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert_security_headers(response)


def test_static_files_get_the_headers_too(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert_security_headers(response)


def test_every_page_rule_is_listed(app):
    listed = set(PUBLIC_PAGES + CLIENT_PAGES + THERAPIST_PAGES + OBJECT_PAGES) | NOT_PAGES
    rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert rules - listed == set()


def test_login_cookie_is_httponly_lax_and_host_only(app, make_user):
    user = make_user("client")
    api = Api(app.test_client())
    response = api.login(user.email)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("journal=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Domain=" not in cookie and "Expires=" not in cookie


@pytest.mark.parametrize(
    "site, allowed",
    [("cross-site", False), ("same-origin", True), ("none", True), (None, True)],
)
def test_sec_fetch_site_on_unsafe_api_requests(app, api_as, site, allowed):
    api = api_as("client")
    headers = {"Sec-Fetch-Site": site} if site else {}
    response = api.post("/api/v1/entries", {"body": "from somewhere"}, headers=headers)
    if allowed:
        assert response.status_code == 201
    else:
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "cross_site_request"
        assert api.get("/api/v1/entries").get_json()["items"] == []
    assert_security_headers(response)


@pytest.mark.parametrize("site, status", [("cross-site", 403), ("same-origin", 302)])
def test_sec_fetch_site_on_page_forms(api_as, site, status):
    api = api_as("client")
    response = api.form("/journal/new", {"body": "a form post"}, headers={"Sec-Fetch-Site": site})
    assert response.status_code == status
    assert_security_headers(response)
    if status == 403:
        assert response.mimetype == "text/html"


def test_cross_site_reads_are_still_allowed(api_as):
    """Only unsafe methods are refused; a cross-site link to a page still opens."""
    api = api_as("client")
    response = api.client.get("/journal", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
