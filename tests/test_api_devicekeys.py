"""The key a device seals what it keeps with: its life through the API and the service."""

import base64
import secrets
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select, update

from journal.crypto import DataKeyError
from journal.extensions import db
from journal.models import DeviceKey, DeviceSession, User, utcnow
from journal.services import accounts, devicekeys
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error

KEY = "/api/v1/me/device-key"
REPLACE = "/api/v1/me/device-key/replace"
PREVIOUS = "/api/v1/me/device-key/previous"
ANSWER = {
    "key_id",
    "public_key",
    "private_key",
    "created_at",
    "replaced_at",
    "previous",
    "offline_reading",
    "time_zone",
    "idle_seconds",
    "ends_in_seconds",
}


def new_device() -> str:
    """A device's own secret, as the page makes it (32 random bytes, base64url)."""
    return secrets.token_urlsafe(32)


def pair_of(answer: dict):
    """Load the handed-over pair; check the public half belongs to the private half."""
    private = serialization.load_der_private_key(base64.b64decode(answer["private_key"]), None)
    public = base64.b64decode(answer["public_key"])
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert private.curve.name == "secp256r1"
    assert (
        private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        == public
    )
    return private, public


def test_a_signed_in_client_gets_a_key_made_once_for_this_device(api_as):
    api, device = api_as("client"), new_device()
    first = api.post(KEY, {"device": device})
    assert first.status_code == 201
    body = first.get_json()
    assert set(body) == ANSWER
    pair_of(body)
    assert body["previous"] is None and body["replaced_at"] is None
    assert body["offline_reading"] is True and body["time_zone"] == "UTC"
    assert body["idle_seconds"] == 30 * 60
    assert 12 * 3600 - 60 < body["ends_in_seconds"] <= 12 * 3600
    again = api.post(KEY, {"device": device})
    assert again.status_code == 200
    assert again.get_json()["private_key"] == body["private_key"]
    assert again.get_json()["key_id"] == body["key_id"]


def test_each_device_and_each_account_has_its_own_key(api_as, make_user):
    client, other = api_as("client"), api_as("client")
    device = new_device()
    mine = client.post(KEY, {"device": device}).get_json()
    elsewhere = client.post(KEY, {"device": new_device()}).get_json()
    # A second account signed in on the same device gets a key of its own, never the first's.
    theirs = other.post(KEY, {"device": device})
    assert theirs.status_code == 201
    keys = {mine["private_key"], elsewhere["private_key"], theirs.get_json()["private_key"]}
    assert len(keys) == 3


def test_a_therapist_gets_a_key_but_keeps_no_copy_offline(api_as):
    body = api_as("therapist").post(KEY, {"device": new_device()}).get_json()
    assert body["offline_reading"] is False and body["idle_seconds"] == 15 * 60


def test_signed_out_gets_no_key(app, api, make_user):
    device = new_device()
    assert_error(api.post(KEY, {"device": device}), 401, "not_signed_in")
    user = make_user("client")
    assert api.login(user.email).status_code == 200
    assert api.post(KEY, {"device": device}).status_code == 201
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert_error(api.post(KEY, {"device": device}), 401, "not_signed_in")
    assert_error(api.post(REPLACE, {"device": device}), 401, "not_signed_in")
    assert_error(api.delete(PREVIOUS, {"device": device}), 401, "not_signed_in")


@pytest.mark.parametrize("how", ["idle", "absolute", "everywhere", "password"])
def test_an_ended_session_gets_no_key(app, api_as, how):
    api = api_as("client")
    device = new_device()
    assert api.post(KEY, {"device": device}).status_code == 201
    moved = {
        "idle": {"last_seen_at": utcnow() - timedelta(minutes=31)},
        "absolute": {"created_at": utcnow() - timedelta(hours=13)},
    }
    if how in moved:
        with app.app_context():
            db.session.execute(
                update(DeviceSession)
                .where(DeviceSession.user_id == api.user.id)
                .values(**moved[how])
            )
            db.session.commit()
    elif how == "everywhere":  # from another device
        elsewhere = Api(app.test_client())
        assert elsewhere.login(api.user.email).status_code == 200
        assert elsewhere.delete("/api/v1/me/devices").status_code == 204
    else:
        with app.app_context():
            user = db.session.get(User, api.user.id)
            accounts.change_password(user, PASSWORD, "another calm river at dusk")
    assert_error(api.post(KEY, {"device": device}), 401, "not_signed_in")


def test_replaced_on_demand_keeping_the_old_one_until_forgotten(api_as):
    api, device = api_as("client"), new_device()
    old = api.post(KEY, {"device": device}).get_json()
    new = api.post(REPLACE, {"device": device})
    assert new.status_code == 200
    body = new.get_json()
    pair_of(body)
    assert body["key_id"] != old["key_id"] and body["private_key"] != old["private_key"]
    assert body["previous"] == {"key_id": old["key_id"], "private_key": old["private_key"]}
    assert body["replaced_at"] is not None
    # Until the device has sealed everything anew, each unlock hands the old one back too.
    assert api.post(KEY, {"device": device}).get_json()["previous"] == body["previous"]
    assert api.delete(PREVIOUS, {"device": device}).status_code == 204
    after = api.post(KEY, {"device": device}).get_json()
    assert after["previous"] is None and after["private_key"] == body["private_key"]


def test_replacing_or_forgetting_a_key_this_account_does_not_have_is_404(api_as):
    api, other = api_as("client"), api_as("client")
    device = new_device()
    assert other.post(KEY, {"device": device}).status_code == 201
    assert_error(api.post(REPLACE, {"device": device}), 404, "not_found")
    assert_error(api.delete(PREVIOUS, {"device": device}), 404, "not_found")
    assert_error(api.post(REPLACE, {"device": new_device()}), 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"device": "short"},
        {"device": "x" * 129},
        {"device": "not base64url!" * 4},
        {"device": 12345},
        {"device": None},
    ],
)
@pytest.mark.parametrize("path", [KEY, REPLACE])
def test_a_bad_device_name_is_422(api_as, body, path):
    assert_error(api_as("client").post(path, body), 422, "validation_failed", fields=["device"])


def test_unknown_fields_are_refused_with_the_device_problem_too(api_as):
    error = assert_error(
        api_as("client").post(KEY, {"device": "short", "owner": "someone"}),
        422,
        "validation_failed",
        fields=["device", "owner"],
    )
    assert error["fields"]["device"]


def test_a_body_that_is_not_json_is_refused(api_as):
    api = api_as("client")
    response = api.post(KEY, data="device=x", headers={"Content-Type": "text/plain"})
    assert_error(response, 415, "unsupported_media_type")


def stored(app, user_id):
    with app.app_context():
        return db.session.scalars(select(DeviceKey).where(DeviceKey.user_id == user_id)).all()


def test_the_private_half_and_the_device_secret_are_not_stored_readable(app, api_as):
    api, device = api_as("client"), new_device()
    body = api.post(KEY, {"device": device}).get_json()
    [row] = stored(app, api.user.id)
    private = base64.b64decode(body["private_key"])
    assert (
        private not in row.private_sealed and body["private_key"].encode() not in row.private_sealed
    )
    assert row.device_hash != device and device not in row.device_hash


@pytest.mark.parametrize("role", ["client", "therapist"])
def test_keys_go_with_the_account(app, api_as, role):
    api = api_as(role)
    api.post(KEY, {"device": new_device()})
    api.post(KEY, {"device": new_device()})
    assert len(stored(app, api.user.id)) == 2
    assert api.delete("/api/v1/me", {"password": PASSWORD}).status_code == 204
    assert stored(app, api.user.id) == []


def test_a_sealed_private_half_opens_only_in_its_own_row(app, make_user):
    user = make_user("client")
    with app.app_context():
        found = db.session.get(User, user.id)
        devicekeys.unlock(found, new_device())
        devicekeys.unlock(found, new_device())
        first, second = db.session.scalars(select(DeviceKey)).all()
        first.private_sealed = second.private_sealed  # moved to another row: it must not open
        with pytest.raises(DataKeyError):
            devicekeys._view(found, first)
        db.session.rollback()


def test_offline_reading_is_the_clients_choice(api_as):
    client, therapist = api_as("client"), api_as("therapist")
    changed = client.patch("/api/v1/me", {"offline_reading": False})
    assert changed.status_code == 200 and changed.get_json()["offline_reading"] is False
    assert client.post(KEY, {"device": new_device()}).get_json()["offline_reading"] is False
    assert client.patch("/api/v1/me", {"offline_reading": True}).get_json()["offline_reading"]
    assert_error(
        therapist.patch("/api/v1/me", {"offline_reading": True}),
        422,
        "validation_failed",
        fields=["offline_reading"],
    )
    assert therapist.patch("/api/v1/me", {"offline_reading": False}).status_code == 200
    assert_error(
        client.patch("/api/v1/me", {"offline_reading": "maybe", "time_zone": "Nowhere/Else"}),
        422,
        "validation_failed",
        fields=["offline_reading", "time_zone"],
    )
