"""Alliance check-ins over the API: the client's own, what the therapist sees, and the flag."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update

from journal.extensions import db
from journal.models import Checkin
from tests.helpers import assert_error

API = "/api/v1"
URL = f"{API}/checkins"
SCALES = ("bond", "goals", "approach", "overall")
SHARED_KEYS = {"id", "therapist_id", *SCALES, "total", "note", "shared", "created_at", "goal"}
CHECKIN_KEYS = SHARED_KEYS | {"goal_id"}  # the goal a check-in looks at (issue: goals)
START = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)


def link(therapist, client) -> dict:
    code = therapist.post(f"{API}/invites").get_json()["code"]
    response = client.post(f"{API}/links", {"code": code})
    assert response.status_code == 201
    return response.get_json()


@pytest.fixture
def therapist(api_as):
    return api_as("therapist")


@pytest.fixture
def me(api_as, therapist):
    """A client linked to the therapist."""
    client = api_as("client")
    client.link = link(therapist, client)
    client.therapist = therapist
    return client


def body(me, total=32, **more) -> dict:
    """A valid check-in for me's therapist; a total is spread over the four scales."""
    base, extra = divmod(total, 4)
    ratings = {scale: base + (1 if n < extra else 0) for n, scale in enumerate(SCALES)}
    return {"therapist_id": me.therapist.user.id, **ratings, "shared": True} | more


def check_in(me, total=32, **more) -> dict:
    response = me.post(URL, body(me, total, **more))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def age(app, ids_oldest_first) -> None:
    """Distinct creation times a week apart, oldest first."""
    with app.app_context():
        for n, checkin_id in enumerate(ids_oldest_first):
            db.session.execute(
                update(Checkin)
                .where(Checkin.id == checkin_id)
                .values(created_at=START + timedelta(days=7 * n))
            )
        db.session.commit()


def shared_url(me) -> str:
    return f"{API}/clients/{me.user.id}/checkins"


def alliance_url(me) -> str:
    return f"{API}/clients/{me.user.id}/alliance"


# --- the client writes ---------------------------------------------------------------------------


def test_create_returns_the_check_in(me):
    sent = body(me, bond=9, goals=8, approach=7, overall=6, note="Felt heard 🌱", shared=False)
    response = me.post(URL, sent)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    made = response.get_json()
    assert set(made) == CHECKIN_KEYS
    assert {k: made[k] for k in sent} == sent
    assert made["total"] == 30
    assert me.get(URL).get_json() == {"items": [made], "next_cursor": None}


@pytest.mark.parametrize("value", [0, 10])
@pytest.mark.parametrize("scale", SCALES)
def test_each_scale_takes_0_to_10(me, scale, value):
    made = check_in(me, **{scale: value})
    assert made[scale] == value


@pytest.mark.parametrize("value", [-1, 11, "5", 5.5, None, True, [5], 10**30])
@pytest.mark.parametrize("scale", SCALES)
def test_each_scale_refuses_what_is_not_0_to_10(app, me, scale, value):
    response = me.post(URL, body(me, **{scale: value}))
    error = assert_error(response, 422, "validation_failed", [scale])
    if value in (-1, 11):
        assert error["fields"][scale] == ["Choose a whole number from 0 to 10."]
    assert me.get(URL).get_json()["items"] == []


@pytest.mark.parametrize("missing", [*SCALES, "shared", "therapist_id"])
def test_a_missing_field_is_named(me, missing):
    sent = body(me)
    del sent[missing]
    error = assert_error(me.post(URL, sent), 422, "validation_failed", [missing])
    assert error["fields"][missing] == ["Please fill this in."]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"note": "x" * 2001}, "note"),
        ({"note": None}, "note"),
        ({"note": 5}, "note"),
        ({"note": "broken \ud800"}, "note"),
        ({"shared": "true"}, "shared"),
        ({"shared": 1}, "shared"),
        ({"shared": None}, "shared"),
        ({"therapist_id": ""}, "therapist_id"),
        ({"therapist_id": "x" * 37}, "therapist_id"),
        ({"therapist_id": 7}, "therapist_id"),
        ({"total": 40}, "total"),
        ({"client_id": "someone"}, "client_id"),
        ({"created_at": "2025-01-01T00:00:00Z"}, "created_at"),
    ],
)
def test_bad_fields_are_422(me, change, field):
    assert_error(me.post(URL, body(me) | change), 422, "validation_failed", [field])
    assert me.get(URL).get_json()["items"] == []


def test_several_bad_fields_are_named_together(me):
    response = me.post(URL, {"bond": 11, "goals": "high", "note": "x" * 2001})
    fields = ["therapist_id", *SCALES, "note", "shared"]
    assert_error(response, 422, "validation_failed", fields)


def test_a_long_note_at_the_limit_is_kept_exactly(me):
    note = "é" * 1999 + "🌊"
    assert check_in(me, note=note)["note"] == note


def test_not_json_is_400_or_415_and_csrf_is_needed(me):
    response = me.post(URL, data='{"bond": ', content_type="application/json")
    assert_error(response, 400, "malformed_json")
    response = me.post(URL, data="bond=5", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert_error(me.post(URL, body(me), csrf=False), 400, "csrf_failed")
    assert me.get(URL).get_json()["items"] == []


def test_signed_out_and_therapists_are_refused(api, therapist, me):
    assert_error(api.get(URL), 401, "not_signed_in")
    assert_error(api.post(URL, body(me)), 401, "not_signed_in")
    assert_error(therapist.get(URL), 403, "wrong_role")
    assert_error(therapist.post(URL, body(me)), 403, "wrong_role")


def test_a_therapist_one_is_not_linked_to_is_not_found(api_as, me):
    stranger = api_as("therapist")
    response = me.post(URL, body(me, therapist_id=stranger.user.id))
    assert_error(response, 404, "not_found")
    assert_error(me.post(URL, body(me, therapist_id=me.user.id)), 404, "not_found")


def test_after_the_link_ended_a_check_in_is_not_found_but_old_ones_stay(me):
    kept = check_in(me, note="Before the end")
    assert me.delete(f"{API}/links/{me.link['id']}").status_code == 204
    assert_error(me.post(URL, body(me)), 404, "not_found")
    assert me.get(URL).get_json()["items"] == [kept]


def test_list_is_newest_first_in_pages(app, me):
    made = [check_in(me, total) for total in (20, 24, 28, 32, 36)]
    age(app, [m["id"] for m in made])
    first = me.get(f"{URL}?limit=2").get_json()
    assert [i["id"] for i in first["items"]] == [made[4]["id"], made[3]["id"]]
    second = me.get(f"{URL}?limit=2&cursor={first['next_cursor']}").get_json()
    third = me.get(f"{URL}?limit=2&cursor={second['next_cursor']}").get_json()
    assert [i["total"] for i in second["items"] + third["items"]] == [28, 24, 20]
    assert third["next_cursor"] is None
    assert_error(me.get(f"{URL}?limit=0"), 422, "validation_failed", ["limit"])
    assert_error(me.get(f"{URL}?cursor=nonsense"), 422, "validation_failed", ["cursor"])


def test_another_clients_check_ins_are_not_listed(api_as, me):
    check_in(me)
    other = api_as("client")
    assert other.get(URL).get_json() == {"items": [], "next_cursor": None}


# --- sharing later, or not any more --------------------------------------------------------------


def test_share_later_and_stop_sharing(me, therapist):
    made = check_in(me, note="Kept to myself", shared=False)
    assert therapist.get(shared_url(me)).get_json()["items"] == []
    response = me.patch(f"{URL}/{made['id']}", {"shared": True})
    assert response.status_code == 200
    assert response.get_json() == made | {"shared": True}
    [seen] = therapist.get(shared_url(me)).get_json()["items"]
    assert (seen["id"], seen["note"]) == (made["id"], "Kept to myself")
    assert me.patch(f"{URL}/{made['id']}", {"shared": False}).get_json()["shared"] is False
    assert therapist.get(shared_url(me)).get_json()["items"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "shared"),
        ({"shared": "yes"}, "shared"),
        ({"shared": 0}, "shared"),
        ({"shared": True, "bond": 3}, "bond"),
    ],
)
def test_bad_share_changes_are_422(me, payload, field):
    made = check_in(me)
    response = me.patch(f"{URL}/{made['id']}", payload)
    assert_error(response, 422, "validation_failed", [field])
    assert me.get(URL).get_json()["items"] == [made]


def test_only_the_author_changes_sharing(api_as, me, therapist):
    made = check_in(me)
    other = api_as("client")
    assert_error(other.patch(f"{URL}/{made['id']}", {"shared": False}), 404, "not_found")
    assert_error(me.patch(f"{URL}/no-such-id", {"shared": False}), 404, "not_found")
    assert_error(therapist.patch(f"{URL}/{made['id']}", {"shared": False}), 403, "wrong_role")
    response = me.patch(f"{URL}/{made['id']}", {"shared": False}, csrf=False)
    assert_error(response, 400, "csrf_failed")
    assert me.get(URL).get_json()["items"][0]["shared"] is True


def test_after_the_link_ended_one_can_only_stop_sharing(me):
    shared, private = check_in(me), check_in(me, shared=False)
    assert me.delete(f"{API}/links/{me.link['id']}").status_code == 204
    assert_error(me.patch(f"{URL}/{private['id']}", {"shared": True}), 404, "not_found")
    assert me.patch(f"{URL}/{shared['id']}", {"shared": False}).status_code == 200


# --- what the therapist sees ---------------------------------------------------------------------


def test_the_therapist_sees_shared_check_ins_only(app, me, therapist):
    shared = [check_in(me, 30, note="Shared note"), check_in(me, 34)]
    private = check_in(me, 3, note="PRIVATE-NOTE-TEXT", shared=False)
    age(app, [shared[0]["id"], private["id"], shared[1]["id"]])
    response = therapist.get(shared_url(me))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_json()
    assert all(set(item) == SHARED_KEYS for item in page["items"])
    assert [i["id"] for i in page["items"]] == [shared[1]["id"], shared[0]["id"]]
    assert page["items"][1]["note"] == "Shared note" and page["items"][1]["total"] == 30
    assert {(i["therapist_id"], i["shared"]) for i in page["items"]} == {(therapist.user.id, True)}
    text = response.get_data(as_text=True)
    assert private["id"] not in text and "PRIVATE-NOTE-TEXT" not in text
    first = therapist.get(f"{shared_url(me)}?limit=1").get_json()
    assert [i["id"] for i in first["items"]] == [shared[1]["id"]] and first["next_cursor"]


def test_the_therapists_reads_are_in_the_clients_access_log(me, therapist):
    check_in(me)
    therapist.get(shared_url(me))
    therapist.get(alliance_url(me))
    log = me.get(f"{API}/access-log").get_json()["items"]
    assert [(e["action"], e["actor"]["id"], e["entry_id"]) for e in log] == [
        ("read_checkins", therapist.user.id, None),
        ("read_checkins", therapist.user.id, None),
    ]


@pytest.mark.parametrize("path", [shared_url, alliance_url])
def test_a_look_that_finds_nothing_shared_is_not_logged(me, therapist, path):
    """The log would say "looked at the check-ins you shared": untrue when none were."""
    check_in(me, shared=False)
    assert therapist.get(path(me)).status_code == 200
    assert me.get(f"{API}/access-log").get_json()["items"] == []


@pytest.mark.parametrize("path", [shared_url, alliance_url])
def test_only_the_linked_therapist_may_look(api_as, me, therapist, path):
    check_in(me)
    other = api_as("therapist")
    assert_error(other.get(path(me)), 404, "not_found")
    assert_error(therapist.get(path(me).replace(me.user.id, "no-such-client")), 404, "not_found")
    assert_error(me.get(path(me)), 403, "wrong_role")
    assert me.get(f"{API}/access-log").get_json()["items"] == []
    assert me.delete(f"{API}/links/{me.link['id']}").status_code == 204
    assert_error(therapist.get(path(me)), 404, "not_found")


# --- the flag -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "low", "fell"),
    [
        ([36], False, False),
        ([35], True, False),
        ([30, 30], True, False),
        ([30, 29], True, True),
        ([40, 39], False, True),
        ([20, 38], False, False),
    ],
)
def test_the_alliance_flag_at_its_edges(app, me, therapist, totals, low, fell):
    made = [check_in(me, total)["id"] for total in totals]
    age(app, made)
    response = therapist.get(alliance_url(me))
    assert response.status_code == 200
    assert response.get_json() == {
        "flag": {
            "low": low,
            "fell": fell,
            "raised": low or fell,
            "latest": totals[-1],
            "previous": totals[-2] if len(totals) > 1 else None,
        },
        "low_total": 36,
        "fall": 1,
        "therapist_view": [],  # the therapist's own view of sessions: none recorded here
    }
    [row] = therapist.get(f"{API}/clients").get_json()["items"]
    assert row["alliance_flag"] is (low or fell)


@pytest.mark.parametrize(("previous", "latest", "fell"), [(40, 38, False), (40, 37, True)])
def test_a_configured_fall_of_3(app, monkeypatch, me, therapist, previous, latest, fell):
    monkeypatch.setitem(app.config, "ALLIANCE_FALL", 3)
    age(app, [check_in(me, previous)["id"], check_in(me, latest)["id"]])
    alliance = therapist.get(alliance_url(me)).get_json()
    assert (alliance["flag"]["fell"], alliance["fall"]) == (fell, 3)
    assert therapist.get(f"{API}/clients").get_json()["items"][0]["alliance_flag"] is fell


def test_private_check_ins_never_raise_or_lower_the_flag(app, me, therapist):
    calm = check_in(me, 38)["id"]
    age(app, [calm, check_in(me, 0, shared=False)["id"]])
    alliance = therapist.get(alliance_url(me)).get_json()
    assert alliance["flag"] == {
        "low": False,
        "fell": False,
        "raised": False,
        "latest": 38,
        "previous": None,
    }
    assert therapist.get(f"{API}/clients").get_json()["items"][0]["alliance_flag"] is False


def test_no_check_ins_no_flag(me, therapist):
    flag = therapist.get(alliance_url(me)).get_json()["flag"]
    assert flag == {"low": False, "fell": False, "raised": False, "latest": None, "previous": None}


def test_the_client_list_flags_each_client_with_a_fixed_number_of_statements(
    app, api_as, therapist
):
    """Adding flagged clients with many check-ins adds no statements to GET /clients."""

    def statements() -> tuple[list, int]:
        seen = []
        with app.app_context():
            engine = db.engine
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            response = therapist.get(f"{API}/clients")
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert response.status_code == 200
        return response.get_json()["items"], len(seen)

    def linked_client(totals):
        client = api_as("client")
        link(therapist, client)
        client.therapist = therapist
        age(app, [check_in(client, t)["id"] for t in totals])
        return client

    linked_client([38, 39])
    therapist.get(f"{API}/clients")
    _, few = statements()
    flagged = [linked_client([40, 30, 20, 38, 37]) for _ in range(4)]
    items, many = statements()
    assert few == many
    assert {i["id"] for i in items if i["alliance_flag"]} == {c.user.id for c in flagged}
