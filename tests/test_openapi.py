"""The OpenAPI document describes every /api/v1 route, and /healthz answers."""

import re

import pytest

API = "/api/v1"
UNSAFE = {"post", "put", "patch", "delete"}
PUBLIC = {("get", "/auth/csrf"), ("post", "/auth/register"), ("post", "/auth/login")}
PUBLIC |= {("post", "/auth/password-reset"), ("put", "/auth/password-reset")}
PUBLIC |= {("put", "/auth/email-confirmation")}
PUBLIC |= {("get", "/push/public-key")}
# The success status API.md promises, where it is not plain 200.
SUCCESS = {
    ("put", "/me/lock"): "204",
    ("delete", "/me/lock"): "204",
    ("post", "/me/lock/now"): "204",
    ("post", "/me/lock/unlock"): "204",
    ("post", "/auth/register"): "201",
    ("post", "/auth/logout"): "204",
    ("post", "/auth/reauth"): "204",
    ("delete", "/me"): "204",
    ("put", "/me/password"): "204",
    ("post", "/entries"): "201",
    ("delete", "/entries/{entry_id}"): "204",
    ("delete", "/me/devices"): "204",
    ("delete", "/me/devices/{device_id}"): "204",
    ("post", "/me/two-factor"): "201",
    ("put", "/me/two-factor"): "204",
    ("delete", "/me/two-factor"): "204",
    ("post", "/invites"): "201",
    ("delete", "/invites/{invite}"): "204",
    ("post", "/links"): "201",
    ("delete", "/links/{link_id}"): "204",
    ("put", "/entries/{entry_id}/shares/{therapist_id}"): "201",
    ("delete", "/entries/{entry_id}/shares/{therapist_id}"): "204",
    ("post", "/links/{link_id}/sessions"): "201",
    ("delete", "/sessions/{session_id}"): "204",
    ("post", "/checkins"): "201",
    ("delete", "/me/device-key/previous"): "204",
    ("delete", "/clients/{client_id}/shared/{entry_id}/answer"): "204",
    ("delete", "/clients/{client_id}/checkins/{checkin_id}/answer"): "204",
    ("post", "/answers/seen"): "204",
    ("delete", "/me/invitation-note"): "204",
    ("post", "/goals"): "201",
    ("delete", "/goals/{goal_id}"): "204",
    ("post", "/clients/{client_id}/goal-suggestions"): "201",
    ("post", "/clients/{client_id}/tasks"): "201",
    ("post", "/auth/password-reset"): "202",
    ("post", "/me/two-factor/recovery-codes"): "201",
    ("put", "/auth/password-reset"): "204",
    ("put", "/auth/email-confirmation"): "204",
    ("post", "/me/email-confirmation"): "202",
    ("put", "/me/email"): "202",
    ("post", "/me/calendar-feed"): "201",
    ("delete", "/me/calendar-feed"): "204",
    ("post", "/me/push-subscriptions"): "201",
    ("delete", "/me/push-subscriptions/{subscription_id}"): "204",
    ("put", "/me/quiet-hours"): "204",
    ("delete", "/me/quiet-hours"): "204",
    ("post", "/imports"): "201",
}
# The one route that takes a file; every other body is JSON.
MULTIPART = {("post", "/imports")}


@pytest.fixture
def spec(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.fixture
def operations(spec):
    return [
        (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


def spec_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix(API))


def test_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["servers"] == [{"url": API}]
    assert spec["paths"]


def test_every_api_rule_is_documented_with_each_method(app, spec):
    expected = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/") or rule.rule == f"{API}/openapi.json":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            expected.add((method.lower(), spec_path(rule.rule)))
    documented = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert expected, "no API rules found"
    assert expected - documented == set()
    assert documented - expected == set()  # nothing documented that does not exist


def test_the_contract_routes_are_there(spec):
    for path, method in [
        ("/auth/csrf", "get"),
        ("/auth/register", "post"),
        ("/auth/login", "post"),
        ("/auth/logout", "post"),
        ("/me", "get"),
        ("/me", "delete"),
        ("/export", "get"),
        ("/entries", "get"),
        ("/entries", "post"),
        ("/entries/{entry_id}", "get"),
        ("/entries/{entry_id}", "patch"),
        ("/entries/{entry_id}", "delete"),
    ]:
        assert method in spec["paths"][path], (method, path)


def test_each_operation_documents_its_success(operations):
    for method, path, op in operations:
        assert op.get("summary"), (method, path)
        successes = [code for code in op["responses"] if code.startswith("2")]
        assert successes[0] == SUCCESS.get((method, path), "200"), (method, path, successes)
        for code in successes:
            if code != "204":
                assert "application/json" in op["responses"][code]["content"], (method, path)


def test_each_operation_documents_its_errors(operations):
    for method, path, op in operations:
        codes = set(op["responses"])
        public = (method, path) in PUBLIC or (method, path) == ("post", "/auth/logout")
        if method in UNSAFE:
            assert "400" in codes, (method, path)  # CSRF token
        if "requestBody" in op:
            assert "422" in codes, (method, path)
            media = "multipart/form-data" if (method, path) in MULTIPART else "application/json"
            assert op["requestBody"]["content"].keys() == {media}, (method, path)
        if public:
            assert "security" not in op, (method, path)
        else:
            assert "401" in codes, (method, path)
            assert op["security"] == [{"session": []}], (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        for code, response in op["responses"].items():
            if int(code) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_path_parameters_are_declared(operations):
    for method, path, op in operations:
        names = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert names == declared, (method, path)


def test_unsafe_operations_declare_the_csrf_header(operations):
    for method, path, op in operations:
        headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
        assert ("X-CSRFToken" in headers) == (method in UNSAFE), (method, path)


def test_operations_with_a_body_document_415(operations):
    missing = [
        (m, p) for m, p, op in operations if "requestBody" in op and "415" not in op["responses"]
    ]
    assert missing == []


def test_replayed_create_status_is_documented(spec, api_as):
    api = api_as("client")
    first = api.post(f"{API}/entries", {"id": "6b1f7a52-8c57-4a55-9f0e-0c7a3c1b9e11", "body": "x"})
    again = api.post(f"{API}/entries", {"id": "6b1f7a52-8c57-4a55-9f0e-0c7a3c1b9e11", "body": "x"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert "200" in spec["paths"]["/entries"]["post"]["responses"]


@pytest.mark.parametrize("name", ["Entry", "User", "Error"])
def test_component_schemas(spec, name):
    assert name in spec["components"]["schemas"]


def test_schema_fields(spec):
    schemas = spec["components"]["schemas"]
    assert set(schemas["Entry"]["properties"]) >= {
        "id",
        "kind",
        "title",
        "body",
        "tags",
        "prompt_id",
        "created_at",
        "updated_at",
        "version",
        "shares",
        "details",
    }
    assert set(schemas["User"]["properties"]) == {
        "id",
        "email",
        "display_name",
        "role",
        "time_zone",
        "created_at",
        "two_factor",
        "offline_reading",
        "email_confirmed",
    }
    assert schemas["Error"]["required"] == ["error"]
    body = schemas["ErrorBody"]
    assert {"code", "message", "fields"} <= set(body["properties"])
    assert set(body["required"]) == {"code", "message"}
    assert "password" not in str(schemas["User"])


def test_all_refs_resolve(spec):
    refs = set(re.findall(r"#/components/schemas/(\w+)", str(spec)))
    assert refs
    assert refs <= set(spec["components"]["schemas"])


def test_session_security_scheme_names_the_cookie(app, spec):
    scheme = spec["components"]["securitySchemes"]["session"]
    assert scheme == {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}


def test_openapi_is_public_and_has_the_headers(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
