"""The invites and links API: codes, joining, listing and ending links from either side."""

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from journal.extensions import db
from journal.models import Invite, utcnow
from tests.helpers import assert_error

API = "/api/v1"
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
LINK_KEYS = {"id", "status", "created_at", "ended_at", "therapist", "client"}


def invite(therapist) -> dict:
    response = therapist.post(f"{API}/invites")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def join(client, code: str) -> dict:
    response = client.post(f"{API}/links", {"code": code})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def expire(app, invite_id: str) -> None:
    with app.app_context():
        moment = utcnow() - timedelta(seconds=1)
        db.session.execute(update(Invite).where(Invite.id == invite_id).values(expires_at=moment))
        db.session.commit()


@pytest.fixture
def therapist(api_as):
    return api_as("therapist")


@pytest.fixture
def me(api_as):
    return api_as("client")


def test_invite_is_a_readable_code_with_a_join_link_for_14_days(therapist):
    made = invite(therapist)
    assert set(made) == {"id", "code", "join_url", "expires_at", "note"}
    assert made["note"] is None
    assert CODE.match(made["code"]) and len(made["code"].replace("-", "")) == 12
    assert made["join_url"] == f"http://localhost/join/{made['code']}"
    expires = datetime.fromisoformat(made["expires_at"])
    assert abs(expires - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)
    assert invite(therapist)["code"] != made["code"]


def test_open_invites_are_listed_without_codes(therapist, me):
    used, cancelled, kept = invite(therapist), invite(therapist), invite(therapist)
    join(me, used["code"])
    assert therapist.delete(f"{API}/invites/{cancelled['id']}").status_code == 204
    listed = therapist.get(f"{API}/invites").get_json()
    assert listed["next_cursor"] is None
    assert [i["id"] for i in listed["items"]] == [kept["id"]]
    assert set(listed["items"][0]) == {"id", "created_at", "expires_at", "note"}
    assert kept["code"] not in str(listed)


def test_cancelled_invite_no_longer_works(therapist, me, api_as):
    made = invite(therapist)
    assert api_as("therapist").delete(f"{API}/invites/{made['id']}").status_code == 404
    assert therapist.delete(f"{API}/invites/{made['id']}").status_code == 204
    assert_error(therapist.delete(f"{API}/invites/{made['id']}"), 404, "not_found")
    assert_error(me.post(f"{API}/links", {"code": made["code"]}), 422, "invalid_invite", ["code"])


def test_preview_names_the_therapist(therapist, me):
    made = invite(therapist)
    for typed in (made["code"], made["code"].lower().replace("-", " ")):
        response = me.get(f"{API}/invites/{typed}")
        assert response.status_code == 200
        named = {"id": therapist.user.id, "display_name": therapist.user.display_name}
        assert response.get_json() == {
            "therapist": named | {"invitation_note": None},
            "expires_at": made["expires_at"],
        }


def test_join_links_both_sides(therapist, me):
    made = invite(therapist)
    link = join(me, " " + made["code"].lower().replace("-", " ") + " ")
    assert set(link) == LINK_KEYS and str(uuid.UUID(link["id"])) == link["id"]
    assert (link["status"], link["ended_at"]) == ("active", None)
    assert link["therapist"] == {
        "id": therapist.user.id,
        "display_name": therapist.user.display_name,
        "invitation_note": None,
    }
    assert link["client"] == {"id": me.user.id, "display_name": me.user.display_name}
    for side in (me, therapist):
        assert side.get(f"{API}/links").get_json() == {"items": [link], "next_cursor": None}


def test_a_code_works_once(therapist, me, api_as):
    made = invite(therapist)
    join(me, made["code"])
    other = api_as("client")
    assert_error(
        other.post(f"{API}/links", {"code": made["code"]}), 422, "invalid_invite", ["code"]
    )
    assert_error(other.get(f"{API}/invites/{made['code']}"), 422, "invalid_invite", ["code"])


def test_a_code_expires_after_14_days(app, therapist, me):
    made = invite(therapist)
    expire(app, made["id"])
    assert_error(me.get(f"{API}/invites/{made['code']}"), 422, "invalid_invite", ["code"])
    assert_error(me.post(f"{API}/links", {"code": made["code"]}), 422, "invalid_invite", ["code"])
    assert therapist.get(f"{API}/invites").get_json()["items"] == []


def test_joining_twice_is_already_linked(therapist, me):
    join(me, invite(therapist)["code"])
    second = invite(therapist)
    response = me.post(f"{API}/links", {"code": second["code"]})
    assert_error(response, 422, "already_linked", ["code"])
    assert len(me.get(f"{API}/links").get_json()["items"]) == 1


@pytest.mark.parametrize(
    "payload",
    [{}, {"code": ""}, {"code": 12}, {"code": None}, {"code": "x" * 65}, {"code": "a\x00b"}],
)
def test_bad_code_input_is_422(me, payload):
    assert_error(me.post(f"{API}/links", payload), 422, "validation_failed", ["code"])


@pytest.mark.parametrize("typed", ["NOPE-NOPE-NOPE", "0000-0000-0000", "!!!"])
def test_unknown_codes_are_invalid_invite(me, typed):
    assert_error(me.post(f"{API}/links", {"code": typed}), 422, "invalid_invite", ["code"])
    assert_error(me.get(f"{API}/invites/{typed}"), 422, "invalid_invite", ["code"])


def test_unknown_field_is_422(me, therapist):
    response = me.post(f"{API}/links", {"code": invite(therapist)["code"], "therapist_id": "x"})
    assert_error(response, 422, "validation_failed", ["therapist_id"])


def test_malformed_json_and_missing_csrf_are_400(me, therapist):
    response = me.post(f"{API}/links", data='{"code": ', content_type="application/json")
    assert_error(response, 400, "malformed_json")
    code = invite(therapist)["code"]
    assert_error(me.post(f"{API}/links", {"code": code}, csrf=False), 400, "csrf_failed")
    assert_error(therapist.post(f"{API}/invites", csrf=False), 400, "csrf_failed")
    assert me.get(f"{API}/links").get_json()["items"] == []


def test_redemption_is_limited_to_10_tries_an_hour_per_account(therapist, me, api_as):
    good = invite(therapist)["code"]
    for n in range(9):
        assert me.post(f"{API}/links", {"code": f"WRONG-{n}"}).status_code == 422
    assert me.get(f"{API}/invites/WRONG-CODE").status_code == 422  # the same budget
    response = me.post(f"{API}/links", {"code": good})
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    assert me.get(f"{API}/links").get_json()["items"] == []
    join(api_as("client"), good)  # another account has its own budget


def test_all_lists_ended_links_too(therapist, me):
    link = join(me, invite(therapist)["code"])
    assert me.delete(f"{API}/links/{link['id']}").status_code == 204
    assert me.get(f"{API}/links").get_json()["items"] == []
    for side in (me, therapist):
        ended = side.get(f"{API}/links?all=1").get_json()["items"]
        assert [(e["id"], e["status"]) for e in ended] == [(link["id"], "ended")]
        assert ended[0]["ended_at"] is not None


@pytest.mark.parametrize("who", ["client", "therapist"])
def test_either_side_ends_a_link_and_the_therapist_loses_access(who, therapist, me, make_entry):
    link = join(me, invite(therapist)["code"])
    entry = make_entry(me.user, "Shared words.")
    assert me.put(f"{API}/entries/{entry.id}/shares/{therapist.user.id}").status_code == 201
    shared = f"{API}/clients/{me.user.id}/shared"
    assert therapist.get(f"{shared}/{entry.id}").status_code == 200
    side = me if who == "client" else therapist
    assert side.delete(f"{API}/links/{link['id']}").status_code == 204
    assert therapist.get(f"{API}/clients").get_json()["items"] == []
    assert_error(therapist.get(shared), 404, "not_found")
    assert_error(therapist.get(f"{shared}/{entry.id}"), 404, "not_found")
    assert me.get(f"{API}/entries/{entry.id}").get_json()["shares"] == []
    assert_error(side.delete(f"{API}/links/{link['id']}"), 404, "not_found")


def test_a_link_that_is_not_yours_is_404(therapist, me, api_as):
    link = join(me, invite(therapist)["code"])
    for stranger in (api_as("client"), api_as("therapist")):
        assert_error(stranger.delete(f"{API}/links/{link['id']}"), 404, "not_found")
        assert stranger.get(f"{API}/links?all=1").get_json()["items"] == []
    assert_error(me.delete(f"{API}/links/{uuid.uuid4()}"), 404, "not_found")
    assert me.get(f"{API}/links").get_json()["items"][0]["status"] == "active"


def test_after_ending_a_new_invite_links_again(therapist, me):
    first = join(me, invite(therapist)["code"])
    assert therapist.delete(f"{API}/links/{first['id']}").status_code == 204
    second = join(me, invite(therapist)["code"])
    assert second["id"] != first["id"]
    assert [x["id"] for x in me.get(f"{API}/links").get_json()["items"]] == [second["id"]]


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("client", "post", "/invites"),
        ("client", "get", "/invites"),
        ("client", "delete", f"/invites/{uuid.uuid4()}"),
        ("therapist", "get", "/invites/ABCD-EFGH-JKMN"),
        ("therapist", "post", "/links"),
    ],
)
def test_wrong_role_is_403(api_as, role, method, path):
    payload = {"code": "ABCD-EFGH-JKMN"} if method == "post" else None
    assert_error(getattr(api_as(role), method)(API + path, json=payload), 403, "wrong_role")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/invites"),
        ("get", "/invites"),
        ("delete", f"/invites/{uuid.uuid4()}"),
        ("get", "/invites/ABCD-EFGH-JKMN"),
        ("post", "/links"),
        ("get", "/links"),
        ("delete", f"/links/{uuid.uuid4()}"),
    ],
)
def test_signed_out_is_401(api, method, path):
    payload = {"code": "ABCD-EFGH-JKMN"} if method == "post" else None
    assert_error(getattr(api, method)(API + path, json=payload), 401, "not_signed_in")


def test_deletes_without_csrf_are_400_and_change_nothing(therapist, me):
    spare = invite(therapist)
    link = join(me, invite(therapist)["code"])
    assert_error(therapist.delete(f"{API}/invites/{spare['id']}", csrf=False), 400, "csrf_failed")
    for side in (me, therapist):
        response = side.delete(f"{API}/links/{link['id']}", csrf=False)
        assert_error(response, 400, "csrf_failed")
    assert [i["id"] for i in therapist.get(f"{API}/invites").get_json()["items"]] == [spare["id"]]
    assert me.get(f"{API}/links").get_json()["items"] == [link]
