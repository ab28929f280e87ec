"""The therapist's side of the API: clients at a glance, shared entries, reading one."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from journal.extensions import db
from journal.models import Share, utcnow
from tests.helpers import assert_error

API = "/api/v1"
CLIENT_KEYS = {"id", "display_name", "link_id", "unread_count", "last_shared_at"}
CLIENT_KEYS |= {"next_session_at", "alliance_flag"}
SUMMARY_KEYS = {"entry_id", "kind", "title", "shared_at", "read_at", "updated_at"}
SUMMARY_KEYS |= {"passage", "expires_at"}
ENTRY_KEYS = SUMMARY_KEYS | {"body", "tags", "created_at"}


def link(therapist, client) -> dict:
    code = therapist.post(f"{API}/invites").get_json()["code"]
    response = client.post(f"{API}/links", {"code": code})
    assert response.status_code == 201
    return response.get_json()


def share(client, entry_id, therapist_id, **terms):
    response = client.put(f"{API}/entries/{entry_id}/shares/{therapist_id}", terms or None)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def therapist(api_as):
    return api_as("therapist")


@pytest.fixture
def me(api_as, therapist):
    """A client linked to the therapist."""
    client = api_as("client")
    client.link = link(therapist, client)
    return client


def shared_url(client, entry_id=None):
    base = f"{API}/clients/{client.user.id}/shared"
    return base if entry_id is None else f"{base}/{entry_id}"


def test_clients_list_counts_only_shared_entries(therapist, me, make_entry):
    shared = [make_entry(me.user, f"Shared {n}", title=f"Shared {n}") for n in range(2)]
    make_entry(me.user, "Private words", title="Private title")
    statuses = [share(me, e.id, therapist.user.id) for e in shared]
    response = therapist.get(f"{API}/clients")
    assert response.status_code == 200 and response.get_json()["next_cursor"] is None
    [row] = response.get_json()["items"]
    assert set(row) == CLIENT_KEYS
    assert (row["id"], row["display_name"]) == (me.user.id, me.user.display_name)
    assert (row["link_id"], row["unread_count"]) == (me.link["id"], 2)
    assert row["last_shared_at"] == max(s["shared_at"] for s in statuses)
    assert row["next_session_at"] is None and row["alliance_flag"] is False
    therapist.get(shared_url(me, shared[0].id))
    assert therapist.get(f"{API}/clients").get_json()["items"][0]["unread_count"] == 1


def test_clients_list_shows_the_next_session(therapist, me):
    starts = utcnow().replace(microsecond=0) + timedelta(days=1)
    session = me.post(
        f"{API}/links/{me.link['id']}/sessions", {"starts_at": starts.isoformat()}
    ).get_json()
    [row] = therapist.get(f"{API}/clients").get_json()["items"]
    assert row["next_session_at"] == session["starts_at"]
    assert (row["unread_count"], row["last_shared_at"]) == (0, None)


def count_statements(app, request) -> int:
    """How many SQL statements one request sends."""
    seen = []

    def count(*args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert request().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_clients_list_queries_do_not_grow_with_clients(app, api_as, therapist, me, make_entry):
    def statements() -> int:
        return count_statements(app, lambda: therapist.get(f"{API}/clients"))

    share(me, make_entry(me.user, "One").id, therapist.user.id)
    one = statements()
    assert one > 0
    for _ in range(3):
        other = api_as("client")
        link(therapist, other)
        for n in range(2):
            share(other, make_entry(other.user, f"Words {n}").id, therapist.user.id)
    assert len(therapist.get(f"{API}/clients").get_json()["items"]) == 4
    assert statements() == one


def test_shared_list_has_no_bodies_and_no_unshared_entries(therapist, me, make_entry):
    kept = make_entry(me.user, "Body stays home", title="Shared", tags=["sleep"])
    make_entry(me.user, "Never shared", title="Secret")
    status = share(me, kept.id, therapist.user.id)
    response = therapist.get(shared_url(me))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    [item] = response.get_json()["items"]
    assert set(item) == SUMMARY_KEYS
    assert (item["entry_id"], item["kind"], item["title"]) == (kept.id, "reflection", "Shared")
    assert (item["shared_at"], item["read_at"]) == (status["shared_at"], None)
    assert (item["passage"], item["expires_at"]) == (False, None)
    text = response.get_data(as_text=True)
    assert "Body stays home" not in text and "Secret" not in text and "Never shared" not in text


def test_shared_list_pages_newest_share_first(app, therapist, me, make_entry):
    ids = []
    for n in range(5):
        entry = make_entry(me.user, f"Entry {n}", title=f"T{n}")
        share(me, entry.id, therapist.user.id)
        ids.append(entry.id)
    with app.app_context():  # distinct moments, so the order can't depend on the clock
        for n, entry_id in enumerate(ids):
            moment = utcnow() - timedelta(minutes=10 - n)
            db.session.execute(
                update(Share).where(Share.entry_id == entry_id).values(shared_at=moment)
            )
        db.session.commit()
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = therapist.get(shared_url(me) + query).get_json()
        assert len(page["items"]) <= 2
        seen += [i["entry_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]


def test_shared_list_queries_do_not_grow_with_entries(app, therapist, me, make_entry):
    def statements() -> int:
        return count_statements(app, lambda: therapist.get(shared_url(me)))

    share(me, make_entry(me.user, "One").id, therapist.user.id)
    one = statements()
    for n in range(4):
        share(me, make_entry(me.user, f"More {n}", tags=["t"]).id, therapist.user.id)
    assert statements() == one


@pytest.mark.parametrize("query", ["?limit=0", "?limit=101", "?limit=x", "?cursor=nonsense"])
def test_bad_paging_is_422(therapist, me, query):
    field = "cursor" if "cursor" in query else "limit"
    assert_error(therapist.get(shared_url(me) + query), 422, "validation_failed", [field])


def test_reading_returns_the_entry_and_remembers_the_first_read(therapist, me, make_entry):
    entry = make_entry(me.user, "The whole text.", title="Open me", tags=["a", "b"])
    share(me, entry.id, therapist.user.id)
    response = therapist.get(shared_url(me, entry.id))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    opened = response.get_json()
    assert set(opened) == ENTRY_KEYS
    assert (opened["title"], opened["body"], opened["tags"]) == (
        "Open me",
        "The whole text.",
        ["a", "b"],
    )
    assert opened["read_at"] is not None and opened["passage"] is False
    assert therapist.get(shared_url(me, entry.id)).get_json()["read_at"] == opened["read_at"]
    [status] = me.get(f"{API}/entries/{entry.id}").get_json()["shares"]
    assert status["read_at"] == opened["read_at"]
    [item] = therapist.get(shared_url(me)).get_json()["items"]
    assert item["read_at"] == opened["read_at"]


def test_unshared_deleted_and_unknown_entries_are_404(therapist, me, make_entry):
    unshared = make_entry(me.user, "Private", title="Private")
    deleted = make_entry(me.user, "Gone soon")
    share(me, deleted.id, therapist.user.id)
    assert me.delete(f"{API}/entries/{deleted.id}").status_code == 204
    for entry_id in (unshared.id, deleted.id, str(uuid.uuid4())):
        response = therapist.get(shared_url(me, entry_id))
        assert_error(response, 404, "not_found")
        assert "Private" not in response.get_data(as_text=True)
    assert therapist.get(shared_url(me)).get_json()["items"] == []
    assert therapist.get(f"{API}/clients").get_json()["items"][0]["unread_count"] == 0


def test_another_therapists_client_is_404(api_as, therapist, me, make_entry):
    entry = make_entry(me.user, "For my therapist only")
    share(me, entry.id, therapist.user.id)
    other = api_as("therapist")
    assert other.get(f"{API}/clients").get_json()["items"] == []
    assert_error(other.get(shared_url(me)), 404, "not_found")
    assert_error(other.get(shared_url(me, entry.id)), 404, "not_found")
    unlinked = api_as("client")
    assert_error(therapist.get(f"{API}/clients/{unlinked.user.id}/shared"), 404, "not_found")


def test_sharing_with_one_therapist_shows_nothing_to_another(api_as, therapist, me, make_entry):
    other = api_as("therapist")
    link(other, me)
    entry = make_entry(me.user, "Just for one")
    share(me, entry.id, therapist.user.id)
    assert_error(other.get(shared_url(me, entry.id)), 404, "not_found")
    assert other.get(shared_url(me)).get_json()["items"] == []
    assert other.get(f"{API}/clients").get_json()["items"][0]["unread_count"] == 0


@pytest.mark.parametrize("path", ["/clients", "/clients/{c}/shared", "/clients/{c}/shared/{e}"])
def test_clients_get_403_and_signed_out_401(api, me, make_entry, path):
    entry = make_entry(me.user, "Mine")
    url = API + path.format(c=me.user.id, e=entry.id)
    assert_error(me.get(url), 403, "wrong_role")
    assert_error(api.get(url), 401, "not_signed_in")
