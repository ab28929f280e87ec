"""The sealed search index: what it holds, when it changes, and what each worker may cache."""

import pytest
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import SearchSegment, User
from journal.services import entries, search_index
from tests.conftest import PASSWORD
from tests.helpers import age

URL = "/api/v1/entries"


def found(api, **query) -> list[str]:
    response = api.get(URL, query_string=query)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


@pytest.fixture
def me(api_as):
    return api_as("client")


def write(api, body, **fields) -> str:
    response = api.post(URL, json={"kind": "reflection", "body": body, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def segments(app, user_id) -> list[SearchSegment]:
    with app.app_context():
        return list(
            db.session.scalars(select(SearchSegment).where(SearchSegment.owner_id == user_id))
        )


def test_the_database_never_sees_the_words(app, me):
    write(me, "Marmaladeword is in the body", title="Titlewordzz", tags=["Tagwordqq"])
    stored = b"".join(segment.sealed for segment in segments(app, me.user.id))
    assert stored
    for word in (b"marmaladeword", b"Marmaladeword", b"titlewordzz", b"tagwordqq"):
        assert word not in stored


def test_an_edit_and_a_delete_reach_the_index_at_once(me):
    entry_id = write(me, "the old lighthouse")
    assert found(me, q="lighthouse") == [entry_id]
    me.patch(f"{URL}/{entry_id}", json={"version": 1, "body": "the new harbour"})
    assert found(me, q="lighthouse") == []
    assert found(me, q="HARBOUR") == [entry_id]
    me.delete(f"{URL}/{entry_id}")
    assert found(me, q="harbour") == []


def test_deleted_words_leave_the_sealed_index_itself(app, me):
    entry_id = write(me, "quietcanary words")
    me.delete(f"{URL}/{entry_id}")
    with app.app_context():
        user = db.session.get(User, me.user.id)
        rows = [row for segment in search_index._segments(user) for row in segment.rows]
    assert all("quietcanary" not in row.text for row in rows)


def test_a_copy_cached_by_this_worker_is_never_used_after_a_write_elsewhere(app, me):
    first = write(me, "pebble one")
    assert found(me, q="pebble") == [first]  # cached now
    with app.app_context():  # another worker's write: it never touches this worker's cache
        second, _ = entries.create(
            db.session.get(User, me.user.id),
            {
                "id": None,
                "kind": "reflection",
                "title": "",
                "body": "pebble two",
                "tags": [],
                "prompt_id": None,
            },
        )
    assert found(me, q="pebble") == [second.id, first]


def test_the_cache_is_bounded_in_size_and_age(app, api_as, monkeypatch):
    one, two = api_as("client"), api_as("client")
    write(one, "acorn " * 50)
    write(two, "acorn " * 50)
    monkeypatch.setattr(search_index, "CACHE_CHARS", 400)
    search_index._cache.clear()
    found(one, q="acorn")
    found(two, q="acorn")
    assert list(search_index._cache) == [two.user.id]  # the older one made room
    clock = [1000.0]
    monkeypatch.setattr(search_index.time, "monotonic", lambda: clock[0])
    search_index._cache.clear()
    found(two, q="acorn")
    cached = search_index._cache[two.user.id]
    clock[0] += search_index.CACHE_SECONDS + 1
    found(two, q="acorn")
    assert search_index._cache[two.user.id] is not cached  # opened again once too old


def test_one_larger_than_the_whole_cache_is_not_kept(api_as, monkeypatch):
    me = api_as("client")
    write(me, "walnut " * 100)
    monkeypatch.setattr(search_index, "CACHE_CHARS", 100)
    search_index._cache.clear()
    assert len(found(me, q="walnut")) == 1
    assert me.user.id not in search_index._cache


def test_a_deleted_account_takes_its_index_along(app, me):
    write(me, "seashell")
    found(me, q="seashell")
    assert me.user.id in search_index._cache
    response = me.delete("/api/v1/me", {"password": PASSWORD})
    assert response.status_code == 204
    assert segments(app, me.user.id) == []
    assert me.user.id not in search_index._cache


def forget_index(app, user_id) -> None:
    """Make an account look like one from before the index."""
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(search_indexed_at=None))
        db.session.execute(SearchSegment.__table__.delete())
        db.session.commit()
    search_index._cache.clear()


def test_an_account_from_before_searches_by_opening_entries_until_rebuilt(app, me, runner):
    ids = [write(me, f"driftwood {n}") for n in range(3)]
    age(app, ids)
    forget_index(app, me.user.id)
    assert found(me, q="driftwood") == ids[::-1]  # the old way still answers rightly
    assert segments(app, me.user.id) == []
    result = runner.invoke(args=["rebuild-search-index"])
    assert result.exit_code == 0 and "1 client" in result.output
    assert segments(app, me.user.id)
    assert found(me, q="driftwood", limit=2) == ids[:0:-1]
    again = runner.invoke(args=["rebuild-search-index"])
    assert "0 clients" in again.output  # only accounts that need it, unless --all
    assert "1 client" in runner.invoke(args=["rebuild-search-index", "--all"]).output


def test_the_first_write_of_an_account_from_before_indexes_all_of_it(app, me):
    old = write(me, "juniper from before")
    forget_index(app, me.user.id)
    new = write(me, "juniper today")
    assert set(found(me, q="juniper")) == {old, new}
    with app.app_context():
        assert db.session.get(User, me.user.id).search_indexed_at is not None


def test_search_opens_only_the_entries_it_shows(app, me, monkeypatch):
    ids = [write(me, f"hay {n}") for n in range(30)]
    ids.append(write(me, "the needle"))
    opened = []
    real = entries._view
    monkeypatch.setattr(
        entries, "_view", lambda row, cipher: opened.append(row.id) or real(row, cipher)
    )
    assert found(me, q="needle") == [ids[-1]]
    assert opened == [ids[-1]]
    opened.clear()
    assert found(me, q="absent-word") == [] and opened == []


def test_kind_and_tag_filters_and_pages_work_through_the_index(app, me):
    ids = [
        write(me, "alpha", kind="feedback", tags=["Work"]),
        write(me, "alpha beta", tags=["work"]),
        write(me, "alpha gamma", kind="feedback"),
    ]
    age(app, ids)
    assert found(me, q="alpha", kind="feedback") == [ids[2], ids[0]]
    assert found(me, tag="WORK") == [ids[1], ids[0]]
    first = me.get(URL, query_string={"q": "alpha", "limit": 1}).get_json()
    second = me.get(URL, query_string={"q": "alpha", "limit": 1, "cursor": first["next_cursor"]})
    assert [e["id"] for e in second.get_json()["items"]] == [ids[1]]


def test_an_account_from_before_pages_through_batches_of_opened_entries(app, me, monkeypatch):
    monkeypatch.setattr(entries, "SCAN_BATCH", 3)
    ids = [write(me, f"{'needle' if n % 3 == 0 else 'hay'} {n}") for n in range(10)]
    age(app, ids)
    forget_index(app, me.user.id)
    wanted = [ids[n] for n in (9, 6, 3, 0)]
    pages, cursor = [], None
    while True:
        query = {"q": "needle", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = me.get(URL, query_string=query).get_json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == [wanted[:2], wanted[2:]]
