"""The account: display name, re-authentication, export and deletion (API and pages)."""

import json
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import AuditEvent, DeviceSession, Entry, Invite, Link, User, utcnow
from journal.services import appointments, links, packets
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error
from tests.test_web_links import _user

WRONG = "not the right password"


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def actions(app, user_id):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == user_id).order_by(AuditEvent.seq)
        ).all()


@pytest.fixture
def age_reauth(app):
    """Move a user's password confirmation back past the five-minute window."""

    def age(user, minutes=6):
        with app.app_context():
            devices = db.session.scalars(
                select(DeviceSession).where(DeviceSession.user_id == user.id)
            )
            for device in devices:
                device.authenticated_at -= timedelta(minutes=minutes)
            db.session.commit()

    return age


# --- display name ----------------------------------------------------------------------------


def test_patch_me_changes_the_display_name(api_as):
    api = api_as("client")
    response = api.patch("/api/v1/me", {"display_name": "  Róisín 🌿  "})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Róisín 🌿"
    assert api.get("/api/v1/me").get_json()["display_name"] == "Róisín 🌿"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"display_name": 5}, "display_name"),
        ({"display_name": "ok", "role": "therapist"}, "role"),
        ({"display_name": "ok", "email": "x@example.test"}, "email"),
    ],
)
def test_patch_me_validation(api_as, body, field):
    api = api_as("client")
    assert_error(api.patch("/api/v1/me", body), 422, "validation_failed", [field])
    me = api.get("/api/v1/me").get_json()
    assert me["role"] == "client" and me["display_name"] == api.user.display_name


# --- export ----------------------------------------------------------------------------------


def test_export_right_after_login(app, api_as, make_entry):
    api = api_as("client")
    entry = make_entry(api.user, body="Words only I can export 🌊", title="Mine", tags=["t1"])
    response = api.get("/api/v1/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "filename=" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    document = response.get_json()
    assert document["format"] == "alliance-journal-export/1"
    assert document["account"]["id"] == api.user.id
    assert document["account"]["email"] == api.user.email
    [exported] = document["entries"]
    assert exported["id"] == entry.id
    assert (exported["title"], exported["body"], exported["tags"]) == (
        "Mine",
        "Words only I can export 🌊",
        ["t1"],
    )
    assert len(document["devices"]) == 1
    assert {"register", "login"} <= {event["action"] for event in document["events"]}
    assert "password_hash" not in json.dumps(document)
    assert "wrapped_key" not in json.dumps(document)
    assert actions(app, api.user.id)[-1] == "export"


def test_therapist_can_export(api_as):
    api = api_as("therapist")
    response = api.get("/api/v1/export")
    assert response.status_code == 200
    document = response.get_json()
    assert document["account"]["role"] == "therapist"
    assert document["entries"] == [] and document["checkins"] == []


def test_export_holds_every_check_in_with_its_note_and_the_reads(api_as):
    therapist, api = api_as("therapist"), api_as("client")
    code = therapist.post("/api/v1/invites").get_json()["code"]
    assert api.post("/api/v1/links", {"code": code}).status_code == 201
    ratings = {"bond": 9, "goals": 8, "approach": 7, "overall": 6}
    made = [
        api.post(
            "/api/v1/checkins",
            {"therapist_id": therapist.user.id, **ratings, "note": note, "shared": shared},
        ).get_json()
        for note, shared in (("Shared note 🌱", True), ("Only mine", False))
    ]
    assert therapist.get(f"/api/v1/clients/{api.user.id}/checkins").status_code == 200
    document = api.get("/api/v1/export").get_json()
    assert document["checkins"] == made  # oldest first, private ones and notes included
    assert [c["note"] for c in document["checkins"]] == ["Shared note 🌱", "Only mine"]
    reads = [e for e in document["events"] if e["action"] == "read_checkins"]
    assert [e["actor_id"] for e in reads] == [therapist.user.id]


def test_export_needs_a_recent_password(app, api_as, age_reauth):
    api = api_as("client")
    age_reauth(api.user)
    assert_error(api.get("/api/v1/export"), 403, "reauth_required")
    assert_error(
        api.post("/api/v1/auth/reauth", {"password": WRONG}), 422, "validation_failed", ["password"]
    )
    assert_error(api.get("/api/v1/export"), 403, "reauth_required")
    assert "export" not in actions(app, api.user.id)

    response = api.post("/api/v1/auth/reauth", {"password": PASSWORD})
    assert response.status_code == 204
    assert api.get("/api/v1/export").status_code == 200
    assert actions(app, api.user.id)[-1] == "export"


@pytest.mark.parametrize(
    "body", [{}, {"password": ""}, {"password": 1}], ids=["missing", "empty", "number"]
)
def test_reauth_validation(api_as, body):
    api = api_as("client")
    assert_error(api.post("/api/v1/auth/reauth", body), 422, "validation_failed", ["password"])


def test_reauth_on_one_device_does_not_count_on_another(app, api_as, make_user, age_reauth):
    user = make_user("client")
    first, second = api_as(user), api_as(user)
    age_reauth(user)
    assert first.post("/api/v1/auth/reauth", {"password": PASSWORD}).status_code == 204
    assert first.get("/api/v1/export").status_code == 200
    assert_error(second.get("/api/v1/export"), 403, "reauth_required")


def test_export_page_asks_for_the_password(app, api_as, make_entry, age_reauth):
    api = api_as("client")
    make_entry(api.user, body="Exported through the page")
    age_reauth(api.user)
    page = api.client.get("/account/export")
    assert page.status_code == 200
    assert "Password" in page.get_data(as_text=True)

    wrong = api.form("/account/export", {"password": WRONG})
    assert wrong.status_code == 422
    assert "That password isn't right." in unescape(wrong.get_data(as_text=True))
    assert "export" not in actions(app, api.user.id)

    right = api.form("/account/export", {"password": PASSWORD})
    assert right.status_code == 200
    assert right.mimetype == "application/json"
    assert right.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(right.get_data(as_text=True))
    assert [e["body"] for e in document["entries"]] == ["Exported through the page"]
    assert actions(app, api.user.id)[-1] == "export"
    # The page confirmed the password for this device, so the API export works too.
    assert api.get("/api/v1/export").status_code == 200


def test_export_page_needs_the_csrf_token(api_as):
    api = api_as("client")
    response = api.client.post("/account/export", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "application/json" not in response.mimetype


# --- deletion --------------------------------------------------------------------------------


def test_delete_me_with_the_wrong_password_deletes_nothing(app, api_as, make_entry):
    api = api_as("client")
    make_entry(api.user)
    for body in ({"password": WRONG}, {}):
        response = api.delete("/api/v1/me", body)
        assert_error(response, 422, "validation_failed", ["password"])
    assert count(app, User, User.id == api.user.id) == 1
    assert count(app, Entry, Entry.author_id == api.user.id) == 1
    assert api.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("role", ["client", "therapist"])
def test_delete_me_removes_everything(app, api_as, make_entry, make_user, role):
    api = api_as(role)
    other = make_user("client")
    kept = make_entry(other, body="Someone else's words")
    if role == "client":
        make_entry(api.user, body="first")
        make_entry(api.user, body="second")
    api_as(api.user)  # a second device

    response = api.delete("/api/v1/me", {"password": PASSWORD})
    assert response.status_code == 204
    assert response.get_data() == b""
    user_id = api.user.id
    if role == "client":
        assert count(app, User, User.id == user_id) == 0
    else:  # closed, not removed: see test_a_therapist_leaving_keeps_the_clients_words
        with app.app_context():
            closed = db.session.get(User, user_id)
            assert closed.email == f"closed-{user_id}@closed.invalid"
            assert (closed.display_name, closed.totp_sealed) == ("A former therapist", None)
    assert count(app, Entry, Entry.author_id == user_id) == 0
    assert count(app, DeviceSession, DeviceSession.user_id == user_id) == 0
    assert count(app, User, User.wrapped_key.is_not(None)) == 1  # only the other user's key
    assert count(app, Entry, Entry.id == kept.id) == 1
    assert "delete_account" in actions(app, user_id)

    assert_error(api.get("/api/v1/me"), 401, "not_signed_in")
    assert_error(Api(app.test_client()).login(api.user.email), 401, "invalid_credentials")


def test_a_therapist_leaving_keeps_the_clients_words(app, api_as, make_user, make_entry):
    """A therapist's deleted account ends their links and keeps nothing of theirs, but the
    client's sessions, packet and agenda note stay (in the export too)."""
    therapist = api_as(make_user("therapist", name="Dr Lee", email="lee@example.test"))
    client = api_as(make_user("client"))
    with app.app_context():
        link = links.redeem(_user(client.user), links.create_invite(_user(therapist.user))[1])
        links.create_invite(_user(therapist.user))  # an open invite, to be withdrawn
        starts = utcnow() + timedelta(days=2)
        session = appointments.schedule(_user(client.user), link.id, starts)
        entry = make_entry(client.user, "For Tuesday")
        packets.prepare(_user(client.user), session.id, "The pace, please", [entry.id])
    assert therapist.delete("/api/v1/me", {"password": PASSWORD}).status_code == 204

    [kept] = client.get("/api/v1/export").get_json()["packets"]
    assert (kept["session_id"], kept["agenda"]) == (session.id, "The pace, please")
    assert [i["entry_id"] for i in kept["items"]] == [entry.id]
    therapists = client.client.get("/links").get_data(as_text=True)
    assert "No therapist linked yet" in therapists  # only among past therapists now
    assert "Dr Lee closed their account" in therapists
    assert count(app, Link, Link.id == link.id, Link.status == "ended") == 1
    assert count(app, Invite, Invite.therapist_id == therapist.user.id) == 0
    assert "unlink" in actions(app, therapist.user.id)
    again = Api(app.test_client()).post(  # the email is free again; the old password opens nothing
        "/api/v1/auth/register",
        {
            "email": "lee@example.test",
            "password": PASSWORD,
            "display_name": "Lee",
            "role": "client",
        },
    )
    assert again.status_code == 201
    assert again.get_json()["id"] != therapist.user.id


def test_the_delete_page_tells_a_therapist_what_closing_means(api_as):
    text = unescape(api_as("therapist").client.get("/account/delete").get_data(as_text=True))
    assert "every link with a client ends at once" in text
    assert "What your clients wrote stays theirs." in text and "0 entries" not in text


def test_delete_page(app, api_as, make_entry):
    api = api_as("client")
    make_entry(api.user, body="one")
    make_entry(api.user, body="two")
    page = api.client.get("/account/delete")
    assert page.status_code == 200
    assert "2 entries" in page.get_data(as_text=True)

    wrong = api.form("/account/delete", {"password": WRONG})
    assert wrong.status_code == 422
    assert "That password isn't right." in unescape(wrong.get_data(as_text=True))
    assert count(app, User, User.id == api.user.id) == 1

    right = api.form("/account/delete", {"password": PASSWORD})
    assert right.status_code == 302
    assert right.headers["Location"] in ("/", "http://localhost/")
    assert count(app, User, User.id == api.user.id) == 0
    assert count(app, Entry, Entry.author_id == api.user.id) == 0
    assert "delete_account" in actions(app, api.user.id)
    landing = api.client.get("/")
    assert landing.status_code == 200
    assert "Sign in" in landing.get_data(as_text=True)
    assert api.client.get("/account").status_code == 302


def test_delete_page_counts_one_entry(api_as, make_entry):
    api = api_as("client")
    make_entry(api.user)
    assert "1 entry " in api.client.get("/account/delete").get_data(as_text=True)


# --- signed out ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("PATCH", "/api/v1/me", {"display_name": "x"}),
        ("DELETE", "/api/v1/me", {"password": PASSWORD}),
        ("GET", "/api/v1/export", None),
        ("POST", "/api/v1/auth/reauth", {"password": PASSWORD}),
    ],
)
def test_account_api_needs_sign_in(api, method, path, body):
    response = api._send(method, path, json=body)
    assert_error(response, 401, "not_signed_in")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/account"),
        ("GET", "/account/export"),
        ("POST", "/account/export"),
        ("GET", "/account/delete"),
        ("POST", "/account/delete"),
        ("POST", "/account/profile"),
    ],
)
def test_account_pages_need_sign_in(app, api, method, path):
    if method == "GET":
        response = api.client.get(path)
    else:
        response = api.form(path, {"password": PASSWORD, "display_name": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert count(app, AuditEvent, AuditEvent.action.in_(["export", "delete_account"])) == 0
