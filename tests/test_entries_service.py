"""The entries service below the API: the create race, list_all, and text sealed at rest."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import Entry
from journal.services import entries

API = "/api/v1/entries"
SECRETS = ("Quokkablanket", "Zebracorn", "Narwhalsecret", "Übermütig🌧")


def fields(**overrides):
    data = {"id": None, "kind": "reflection", "title": "", "body": "Words", "tags": []}
    return data | {"prompt_id": None} | overrides


def count_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


@pytest.fixture
def miss_once(monkeypatch):
    """Arm: the next look-up misses, as when two copies of one create race past the check."""
    real_get = db.session.get
    calls = []

    def get(model, ident, *args, **kwargs):
        calls.append(ident)
        if len(calls) == 1:
            return None
        return real_get(model, ident, *args, **kwargs)

    def arm():
        monkeypatch.setattr(db.session, "get", get)
        return calls

    return arm


def test_create_race_returns_the_stored_entry(app, make_user, make_entry, miss_once):
    user = make_user()
    first = make_entry(user, "The first copy", id=str(uuid.uuid4()), title="Won")
    calls = miss_once()
    with app.app_context():
        view, created = entries.create(user, fields(id=uuid.UUID(first.id), body="Second copy"))
        assert created is False
        assert (view.id, view.body, view.title, view.version) == (
            first.id,
            "The first copy",
            "Won",
            1,
        )
        assert count_entries() == 1
    assert calls == [first.id, first.id]  # the pre-check missed, then the replay looked again


def test_create_race_with_someone_elses_id_is_409(app, make_user, make_entry, miss_once):
    owner, intruder = make_user(), make_user()
    theirs = make_entry(owner, "Not yours", id=str(uuid.uuid4()))
    miss_once()
    with app.app_context():
        with pytest.raises(AppError) as caught:
            entries.create(intruder, fields(id=theirs.id, body="Mine"))
        assert (caught.value.status, caught.value.code) == (409, "id_taken")
        assert entries.get(owner, theirs.id).body == "Not yours"
        assert count_entries() == 1


def test_create_race_with_a_deleted_id_is_410(app, make_user, make_entry, miss_once):
    user = make_user()
    gone = make_entry(user, "Deleted soon", id=str(uuid.uuid4()))
    with app.app_context():
        entries.delete(user, gone.id)
    miss_once()
    with app.app_context():
        with pytest.raises(AppError) as caught:
            entries.create(user, fields(id=gone.id, body="Again"))
        assert (caught.value.status, caught.value.code) == (410, "entry_deleted")
        assert count_entries() == 1


def test_list_all_is_every_live_entry_newest_first(app, make_user, make_entry):
    user, other = make_user(), make_user()
    ids = [make_entry(user, f"entry {n}", tags=[f"t{n}"]).id for n in range(4)]
    make_entry(other, "someone else")
    base = datetime(2024, 5, 1, tzinfo=UTC)
    with app.app_context():
        for n, entry_id in enumerate(ids):
            stamp = base + timedelta(hours=n)
            db.session.execute(update(Entry).where(Entry.id == entry_id).values(created_at=stamp))
        db.session.commit()
        entries.delete(user, ids[1])
        views = entries.list_all(user)
    assert [v.id for v in views] == [ids[3], ids[2], ids[0]]
    assert [v.body for v in views] == ["entry 3", "entry 2", "entry 0"]
    assert [v.tags for v in views] == [["t3"], ["t2"], ["t0"]]
    with app.app_context():
        assert entries.list_all(make_user()) == []


def _raw_rows(app) -> list[bytes]:
    """Every column of every entry row, as bytes."""
    with app.app_context():
        rows = db.session.execute(text("select * from entries")).all()
    values = []
    for row in rows:
        for value in row:
            if isinstance(value, (bytes, bytearray, memoryview)):
                values.append(bytes(value))
            elif value is not None:
                values.append(str(value).encode())
    return values


def _needles():
    for secret in SECRETS:
        yield secret.encode()
        yield secret.encode("utf-16-le")
        yield secret.lower().encode()


def test_text_is_sealed_in_every_column(app, api_as):
    me = api_as("client")
    body = f"{SECRETS[0]} told me about {SECRETS[3]}"
    created = me.post(API, {"body": body, "title": SECRETS[1], "tags": [SECRETS[2]]})
    assert created.status_code == 201
    entry_id = created.get_json()["id"]
    edited = me.patch(f"{API}/{entry_id}", {"version": 1, "body": body + " again"})
    assert edited.status_code == 200
    values = _raw_rows(app)
    assert any(entry_id.encode() in value for value in values)  # the rows really were read
    for value in values:
        for needle in _needles():
            assert needle not in value
    with app.app_context():
        sealed = db.session.get(Entry, entry_id)
        assert all(v.startswith(b"\x01") for v in (sealed.title_sealed, sealed.body_sealed))


def test_database_file_holds_no_plaintext(app, api_as):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite:///"):
        pytest.skip("only SQLite keeps the database in a file we can read")
    me = api_as("client")
    response = me.post(API, {"body": f"{SECRETS[0]} {SECRETS[3]}", "title": SECRETS[1]})
    assert response.status_code == 201
    path = Path(uri.removeprefix("sqlite:///"))
    files = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
    assert path in files
    data = b"".join(p.read_bytes() for p in files)
    assert response.get_json()["id"].encode() in data  # the row did reach the files
    for needle in _needles():
        assert needle not in data


def test_each_write_uses_a_fresh_nonce(app, make_user, make_entry):
    user = make_user()
    one, two = make_entry(user, "Same words", title="Same"), make_entry(user, "Same words")
    with app.app_context():
        first, second = db.session.get(Entry, one.id), db.session.get(Entry, two.id)
        assert first.body_sealed != second.body_sealed
        before = first.body_sealed
        entries.update(user, one.id, {"version": 1, "body": "Same words"})
        assert db.session.get(Entry, one.id).body_sealed != before


@pytest.mark.parametrize("same_owner", [True, False])
@pytest.mark.parametrize("column", ["body_sealed", "title_sealed"])
def test_ciphertext_moved_to_another_row_does_not_open(
    app, api_as, monkeypatch, make_entry, same_owner, column
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    me = api_as("client")
    source_owner = me.user if same_owner else api_as("client").user
    target = make_entry(me.user, "Target words", title="Target")
    source = make_entry(source_owner, f"{SECRETS[0]} moved", title=f"{SECRETS[1]} moved")
    with app.app_context():
        stolen = db.session.get(Entry, source.id)
        value = getattr(stolen, column)
        db.session.execute(update(Entry).where(Entry.id == target.id).values({column: value}))
        db.session.commit()
    # A search opens only the entries its sealed index names, and the index holds the target's
    # own words: the moved ciphertext is never opened, so the target is never among the results.
    found = me.get(f"{API}?q=moved").get_json()["items"]
    assert target.id not in [item["id"] for item in found]
    assert [item["id"] for item in found] == ([source.id] if same_owner else [])
    for path in (f"{API}/{target.id}", API):
        response = me.get(path)
        assert response.status_code in (404, 500), response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert set(error) == {"code", "message"}
        assert error["code"] in ("not_found", "server_error")
        for secret in SECRETS[:2]:
            assert secret not in response.get_data(as_text=True)
    page = me.client.get(f"/journal/{target.id}")
    assert page.status_code in (404, 500)
    assert SECRETS[0] not in page.get_data(as_text=True)
