"""The entries API: create (idempotent), read, edit by version, delete, list, search, page."""

import re
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import age, assert_error, count_entries

URL = "/api/v1/entries"
ENTRY_KEYS = {"id", "kind", "title", "body", "tags", "prompt_id", "created_at", "updated_at"}
ENTRY_KEYS |= {"session_id"}  # the session an after_session entry is about
ENTRY_KEYS |= {"version", "shares", "details", "repair"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def me(api_as):
    """A signed-in client."""
    return api_as("client")


def call(api, method, path, payload=None, **kw):
    """Send any method, with a JSON body only when there is one."""
    if payload is not None:
        kw["json"] = payload
    return getattr(api, method)(path, **kw)


def write(api, **fields):
    response = api.post(URL, {"body": "Some honest lines.", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_returns_201_with_the_whole_entry(me):
    sent = {
        "body": "First lines.",
        "title": "Monday",
        "tags": ["work", "sleep"],
        "kind": "feedback",
    }
    response = me.post(URL, sent)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    entry = response.get_json()
    assert set(entry) == ENTRY_KEYS and {k: entry[k] for k in sent} == sent
    assert str(uuid.UUID(entry["id"])) == entry["id"]
    assert (entry["prompt_id"], entry["shares"], entry["version"]) == (None, [], 1)
    assert STAMP.match(entry["created_at"]) and entry["updated_at"] == entry["created_at"]


def test_create_fills_defaults(me):
    entry = write(me, body="Only a body.", prompt_id="honest-01", id=None)
    assert str(uuid.UUID(entry["id"])) == entry["id"]
    assert (entry["kind"], entry["title"], entry["tags"]) == ("reflection", "", [])
    assert entry["prompt_id"] == "honest-01"


def test_create_with_client_made_id_and_replay_never_duplicates(app, me):
    entry_id = str(uuid.uuid4())
    first = me.post(URL, {"id": entry_id, "body": "The original words."})
    assert first.status_code == 201 and first.get_json()["id"] == entry_id
    again = me.post(URL, {"id": entry_id, "body": "A different body", "title": "Changed"})
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count_entries(app) == 1
    assert me.get(f"{URL}/{entry_id}").get_json()["body"] == "The original words."


def test_replay_of_a_deleted_id_is_410(app, me):
    entry = write(me)
    assert me.delete(f"{URL}/{entry['id']}").status_code == 204
    response = me.post(URL, {"id": entry["id"], "body": "Bring it back"})
    assert_error(response, 410, "entry_deleted")
    assert me.get(f"{URL}/{entry['id']}").status_code == 404
    assert count_entries(app) == 1


def test_id_owned_by_someone_else_is_409_and_their_entry_is_untouched(api_as, me):
    other = api_as("client")
    theirs = write(other, body="Their words.")
    assert_error(me.post(URL, {"id": theirs["id"], "body": "Mine"}), 409, "id_taken")
    assert other.get(f"{URL}/{theirs['id']}").get_json() == theirs
    assert me.get(URL).get_json()["items"] == []


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "12345", "", 42, ["x"]])
def test_non_uuid_id_is_422(app, me, bad_id):
    assert_error(me.post(URL, {"id": bad_id, "body": "x"}), 422, "validation_failed", ["id"])
    assert count_entries(app) == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": 123}, "body"),
        ({"body": "x", "title": "t" * 201}, "title"),
        ({"body": "x", "title": None}, "title"),
        ({"body": "x", "tags": [f"t{n}" for n in range(11)]}, "tags"),
        ({"body": "x", "tags": [""]}, "tags"),
        ({"body": "x", "tags": ["t" * 33]}, "tags"),
        ({"body": "x", "tags": "work, sleep"}, "tags"),
        ({"body": "x", "kind": "other"}, "kind"),
        ({"body": "x", "mood": "fine"}, "mood"),
        ({"body": "x", "version": 3}, "version"),
        ({"body": "broken \ud800 half"}, "body"),
        ({"body": "x", "title": "\udfff"}, "title"),
        ({"body": "x", "tags": ["ok", "\ud83d"]}, "tags"),
        ({"body": "x", "prompt_id": "p" * 41}, "prompt_id"),
        ({"body": "x", "prompt_id": "no-such-prompt"}, "prompt_id"),
    ],
)
def test_create_rejects_bad_input_with_422(app, me, payload, field):
    assert_error(me.post(URL, payload), 422, "validation_failed", [field])
    assert count_entries(app) == 0


@pytest.mark.parametrize("char", ["a", "é", "😀"])
def test_limits_are_inclusive_and_count_characters(me, char):
    fields = {"body": char * 20_000, "title": char * 200, "tags": [char * 32] * 10}
    entry = write(me, **fields)
    assert {k: entry[k] for k in fields} == fields
    edited = me.patch(f"{URL}/{entry['id']}", {"version": 1, "title": char * 199})
    assert edited.status_code == 200 and edited.get_json()["title"] == char * 199


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "new"}, "version"),
        ({"version": "1", "body": "new"}, "version"),
        ({"version": 0, "body": "new"}, "version"),
        ({"version": 1.5, "body": "new"}, "version"),
        ({"version": 1, "body": ""}, "body"),
        ({"version": 1, "body": "x" * 20_001}, "body"),
        ({"version": 1, "title": "t" * 201}, "title"),
        ({"version": 1, "tags": ["t"] * 11}, "tags"),
        ({"version": 1, "tags": ["t" * 33]}, "tags"),
        ({"version": 1, "kind": "other"}, "kind"),
        ({"version": 1, "body": "a\udc00b"}, "body"),
        ({"version": 1, "id": str(uuid.uuid4())}, "id"),
        ({"version": 1, "prompt_id": "honest-01"}, "prompt_id"),
    ],
)
def test_patch_rejects_bad_input_and_changes_nothing(me, payload, field):
    entry = write(me, title="Kept", body="Kept body")
    response = me.patch(f"{URL}/{entry['id']}", payload)
    assert_error(response, 422, "validation_failed", [field])
    assert me.get(f"{URL}/{entry['id']}").get_json() == entry


@pytest.mark.parametrize("method", ["post", "patch"])
def test_malformed_json_is_400(me, method):
    entry = write(me)
    path = URL if method == "post" else f"{URL}/{entry['id']}"
    response = getattr(me, method)(path, data='{"body": "x",', content_type="application/json")
    assert_error(response, 400, "malformed_json")


def test_body_that_is_not_json_is_415(app, me):
    response = me.post(URL, data="body=hello", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert count_entries(app) == 0


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_missing_csrf_token_is_400_and_nothing_changes(app, me, method):
    entry = write(me, body="Untouched")
    path = URL if method == "post" else f"{URL}/{entry['id']}"
    payload = {"post": {"body": "changed"}, "patch": {"version": 1, "body": "changed"}}.get(method)
    assert_error(call(me, method, path, payload, csrf=False), 400, "csrf_failed")
    assert count_entries(app) == 1
    assert me.get(f"{URL}/{entry['id']}").get_json() == entry


def test_get_one_returns_the_entry(me):
    entry = write(me, title="Read me", tags=["a"])
    response = me.get(f"{URL}/{entry['id']}")
    assert response.status_code == 200 and response.get_json() == entry
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "payload"),
    [("get", None), ("patch", {"version": 1, "body": "taken over"}), ("delete", None)],
)
def test_someone_elses_or_unknown_entry_is_404(api_as, me, method, payload):
    other = api_as("client")
    theirs = write(other, body="Private to them.")
    for entry_id in (theirs["id"], str(uuid.uuid4()), "not-an-id"):
        response = call(me, method, f"{URL}/{entry_id}", payload)
        assert_error(response, 404, "not_found")
        assert "Private to them." not in response.get_data(as_text=True)
    assert other.get(f"{URL}/{theirs['id']}").get_json() == theirs


ENDPOINTS = [
    ("get", URL, None),
    ("post", URL, {"body": "x"}),
    ("get", f"{URL}/{uuid.UUID(int=1)}", None),
    ("patch", f"{URL}/{uuid.UUID(int=1)}", {"version": 1, "body": "x"}),
    ("delete", f"{URL}/{uuid.UUID(int=1)}", None),
]


@pytest.mark.parametrize(("method", "path", "payload"), ENDPOINTS)
def test_therapist_is_403_wrong_role(app, api_as, method, path, payload):
    therapist = api_as("therapist")
    assert_error(call(therapist, method, path, payload), 403, "wrong_role")
    assert count_entries(app) == 0


@pytest.mark.parametrize(("method", "path", "payload"), ENDPOINTS)
def test_signed_out_is_401(app, api, method, path, payload):
    assert_error(call(api, method, path, payload), 401, "not_signed_in")
    assert count_entries(app) == 0


def test_patch_bumps_version_and_changes_only_given_fields(me):
    entry = write(me, title="Title", body="Body", tags=["t"], kind="reflection")
    path = f"{URL}/{entry['id']}"
    first = me.patch(path, {"version": 1, "body": "Body, revised"})
    assert first.status_code == 200
    edited = first.get_json()
    assert edited["version"] == 2 and edited["body"] == "Body, revised"
    unchanged = {k: entry[k] for k in ("id", "title", "tags", "kind", "prompt_id", "created_at")}
    assert {k: edited[k] for k in unchanged} == unchanged
    assert edited["updated_at"] >= entry["updated_at"]
    second = me.patch(path, {"version": 2, "title": "", "tags": [], "kind": "feedback"})
    assert second.status_code == 200
    assert {k: second.get_json()[k] for k in ("version", "title", "tags", "kind", "body")} == {
        "version": 3,
        "title": "",
        "tags": [],
        "kind": "feedback",
        "body": "Body, revised",
    }
    assert me.get(path).get_json() == second.get_json()


@pytest.mark.parametrize("stale_version", [1, 7])
def test_stale_patch_is_409_with_current_and_overwrites_nothing(me, stale_version):
    entry = write(me, title="Start", body="First draft")
    path = f"{URL}/{entry['id']}"
    saved = me.patch(path, {"version": 1, "body": "Saved on the phone"}).get_json()
    assert saved["version"] == 2
    response = me.patch(
        path, {"version": stale_version, "body": "Typed on the laptop", "title": ""}
    )
    error = assert_error(response, 409, "version_conflict", extra=["current"])
    assert error["current"] == saved
    assert me.get(path).get_json() == saved


def test_delete_is_204_then_gone_everywhere(me):
    keep, gone = write(me, body="stays"), write(me, body="goes")
    response = me.delete(f"{URL}/{gone['id']}")
    assert response.status_code == 204 and response.get_data() == b""
    assert_error(me.get(f"{URL}/{gone['id']}"), 404, "not_found")
    assert_error(me.patch(f"{URL}/{gone['id']}", {"version": 1, "body": "x"}), 404, "not_found")
    assert_error(me.delete(f"{URL}/{gone['id']}"), 404, "not_found")
    assert [e["id"] for e in me.get(URL).get_json()["items"]] == [keep["id"]]
    assert me.get(URL, query_string={"q": "goes"}).get_json()["items"] == []


def test_list_is_newest_first_in_the_one_list_shape(app, me):
    ids = [write(me, body=f"entry {n}")["id"] for n in range(3)]
    age(app, ids)
    response = me.get(URL)
    assert response.status_code == 200 and set(response.get_json()) == {"items", "next_cursor"}
    assert [e["id"] for e in response.get_json()["items"]] == ids[::-1]
    assert response.get_json()["next_cursor"] is None
    assert set(response.get_json()["items"][0]) == ENTRY_KEYS


def walk(api, limit, **query):
    """Follow next_cursor to the end; return the ids of every page."""
    pages, cursor = [], None
    while True:
        args = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(URL, query_string=args)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert len(body["items"]) <= limit
        pages.append([e["id"] for e in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "pagination never ends"


def test_pagination_gives_each_entry_once_in_order(app, me):
    ids = [write(me, body=f"entry {n}")["id"] for n in range(5)]
    age(app, ids)
    newest_first = ids[::-1]
    assert walk(me, 2) == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    assert walk(me, 5) == [newest_first]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"limit": -1}, "limit"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": "bm9waXBl"}, "cursor"),  # "nopipe"
        ({"cursor": "MjAyNC0wMS0wMVQwMDowMDowMHx4"}, "cursor"),  # naive time
        ({"kind": "other"}, "kind"),
        ({"tag": "t" * 33}, "tag"),
    ],
)
def test_bad_list_arguments_are_422(me, query, field):
    write(me)
    assert_error(me.get(URL, query_string=query), 422, "validation_failed", [field])


SEARCH_SET = {
    "anger": {"title": "Ärger at work", "body": "plain"},
    "rain": {"body": "a SUNNY walk 🌧 then rain", "tags": ["Weather"]},
    "log": {"body": "calm evening", "tags": ["ärger-log"]},
    "tagged": {"body": "unrelated", "tags": ["work"]},
    "feedback": {"body": "Please slow down a little", "kind": "feedback"},
}


@pytest.fixture
def searchable(app, me):
    """A few entries to search through, by name."""
    ids = {name: write(me, **fields)["id"] for name, fields in SEARCH_SET.items()}
    age(app, list(ids.values()))
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ärger"}, {"anger", "log"}),
        ({"q": "ÄRGER"}, {"anger", "log"}),
        ({"q": "  Ärger "}, {"anger", "log"}),
        ({"q": "🌧"}, {"rain"}),
        ({"q": "sunny"}, {"rain"}),
        ({"q": "WEATHER"}, {"rain"}),
        ({"q": "work"}, {"anger", "tagged"}),
        ({"q": "nothing like this"}, set()),
        ({"tag": "WORK"}, {"tagged"}),
        ({"tag": "wor"}, set()),
        ({"tag": "ÄRGER-LOG"}, {"log"}),
        ({"tag": "weather", "q": "rain"}, {"rain"}),
        ({"kind": "feedback"}, {"feedback"}),
        ({"kind": "reflection"}, {"anger", "rain", "log", "tagged"}),
        ({"kind": "feedback", "q": "work"}, set()),
    ],
)
def test_search_and_filters(me, searchable, query, expected):
    body = me.get(URL, query_string=query).get_json()
    names = {v: k for k, v in searchable.items()}
    found = [names[e["id"]] for e in body["items"]]
    assert set(found) == expected and len(found) == len(expected)
    order = [name for name in reversed(SEARCH_SET) if name in expected]
    assert found == order and body["next_cursor"] is None


@pytest.mark.parametrize("matches", [[0, 4, 5, 9, 11], [3, 7, 8, 10], [11]])
def test_search_pages_across_scan_batches(app, me, monkeypatch, matches):
    monkeypatch.setattr("journal.services.entries.SCAN_BATCH", 3)
    ids = []
    for n in range(12):  # index 0 is the newest once aged
        body = f"needle number {n}" if n in matches else f"hay {n}"
        ids.append(write(me, body=body)["id"])
    age(app, ids[::-1])
    wanted = [ids[n] for n in matches]
    assert walk(me, 2, q="NEEDLE") == [wanted[i : i + 2] for i in range(0, len(wanted), 2)]
    assert walk(me, 1, q="needle") == [[i] for i in wanted]


def test_one_clients_entries_never_reach_another(api_as, me):
    other = api_as("client")
    mine = write(me, body="shared word mine", tags=["common"])
    theirs = write(other, body="shared word theirs", tags=["common"])
    for api, own in ((me, mine), (other, theirs)):
        for query in ({}, {"q": "shared"}, {"tag": "common"}, {"q": "theirs"}, {"q": "mine"}):
            items = api.get(URL, query_string=query).get_json()["items"]
            assert [e["id"] for e in items] in ([own["id"]], [])
            assert all(e["id"] == own["id"] for e in items)


TEXT = st.characters(exclude_categories=("Cs",))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(TEXT, min_size=1, max_size=300).filter(str.strip),  # words, not only spaces
    title=st.text(TEXT, max_size=200),
    tags=st.lists(st.text(TEXT, min_size=1, max_size=32), max_size=10),
)
@example(body="\x00 null\r\nline\nlast\u2028", title="\x00", tags=["\n"])
@example(body="e\u0301 ≠ é, שלום, 👩‍👩‍👧, \ufeff", title=" padded ", tags=[" "])
def test_any_unicode_round_trips_exactly(me, body, title, tags):
    entry = write(me, body=body, title=title, tags=tags)
    assert (entry["body"], entry["title"], entry["tags"]) == (body, title, tags)
    stored = me.get(f"{URL}/{entry['id']}").get_json()
    assert (stored["body"], stored["title"], stored["tags"]) == (body, title, tags)
