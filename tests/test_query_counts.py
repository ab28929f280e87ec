"""Lists cost a fixed number of SQL statements, however many clients, entries, shares or reads.

Each test builds a small and a large world in one database and counts the statements of the
same request for each; the counts must be equal (no query per row: no N+1).
"""

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from journal.api import bp as api_bp
from journal.extensions import db
from journal.models import (
    Answer,
    Entry,
    Goal,
    GoalShare,
    GoalSuggestion,
    Link,
    Repair,
    Share,
    Task,
    TherapySession,
    User,
    new_id,
    utcnow,
)
from journal.services import audit, entries
from journal.services.keys import cipher_for_user
from journal.web import blueprints
from tests.helpers import statements_of


def _routes() -> set[str]:
    """The app's URL rules, variables blanked: found by mounting the blueprints on a probe app."""
    probe = Flask("probe")
    for blueprint in [*blueprints(), api_bp]:
        probe.register_blueprint(blueprint)
    return {re.sub(r"<[^>]*>", "<>", rule.rule) for rule in probe.url_map.iter_rules()}


ROUTES = _routes()


def needs(*paths: str):
    """Skip until another part of the work adds the route(s) under test."""
    missing = [p for p in paths if re.sub(r"<[^>]*>", "<>", p) not in ROUTES]
    return pytest.mark.skipif(bool(missing), reason=f"route not built yet: {', '.join(missing)}")


@pytest.fixture
def count_statements(app):
    """count(call) -> (response, number of SQL statements the call sent)."""

    def count(call):
        response, statements = statements_of(app, call)
        return response, len(statements)

    return count


def _link(client: User, therapist: User) -> Link:
    link = Link(client_id=client.id, therapist_id=therapist.id)
    db.session.add(link)
    db.session.flush()
    return link


def _write(client: User, link: Link | None, shared: int, start, extra: int = 0) -> list[Share]:
    """`shared` entries shared now over the link (some as a passage, some read already), then
    `extra` each of entries kept private, withdrawn and expired."""
    cipher = cipher_for_user(client)
    made = []
    for n in range(shared + 3 * extra):
        moment = start + timedelta(minutes=n)
        entry = Entry(
            id=new_id(),
            author_id=client.id,
            kind="feedback" if n % 3 == 0 else "reflection",
            created_at=moment,
            updated_at=moment,
            version=1,
        )
        entries._seal(entry, cipher, f"Title {n}", f"Body {n}: quiet words", ["tag"])
        db.session.add(entry)
        state = "live" if n < shared else ("private", "withdrawn", "expired")[(n - shared) % 3]
        if link is None or state == "private":
            continue
        share = Share(id=new_id(), entry_id=entry.id, link_id=link.id, shared_at=moment)
        if n % 2 == 1:
            share.passage_sealed = cipher.seal("shares", share.id, "passage", "quiet words")
        share.read_at = moment if n % 3 == 2 else None
        share.revoked_at = moment if state == "withdrawn" else None
        later = None if n % 2 == 0 else utcnow() + timedelta(days=n)
        share.expires_at = moment if state == "expired" else later
        db.session.add(share)
        made.append(share)
    return made


def _sessions(link: Link) -> None:
    now = utcnow()
    for days in (-7, 3, 10):
        start = now + timedelta(days=days)
        db.session.add(
            TherapySession(link_id=link.id, starts_at=start, ends_at=start + timedelta(minutes=50))
        )


@pytest.fixture
def therapist_with(app, make_user):
    """therapist_with(clients, shares_each) -> a therapist whose clients share with them."""

    def make(n_clients: int, n_entries: int) -> User:
        therapist = make_user("therapist")
        clients = [make_user("client") for _ in range(n_clients)]
        with app.app_context():
            start = utcnow() - timedelta(days=30)
            for client in clients:
                link = _link(client, therapist)
                _write(client, link, n_entries, start, extra=n_entries // 4 + 1)
                _sessions(link)
            db.session.commit()
        therapist.clients = clients
        return therapist

    return make


@pytest.fixture
def client_with(app, make_user):
    """client_with(shared) -> a client linked to two therapists, with shared and other entries."""

    def make(n_entries: int) -> User:
        client = make_user("client")
        therapists = [make_user("therapist"), make_user("therapist")]
        with app.app_context():
            first, second = (_link(client, t) for t in therapists)
            made = _write(client, first, n_entries, utcnow() - timedelta(days=30), n_entries // 4)
            for share in made[::2]:
                db.session.add(
                    Share(entry_id=share.entry_id, link_id=second.id, shared_at=utcnow())
                )
            _sessions(first)
            db.session.commit()
        client.therapists = therapists
        return client

    return make


def _same_cost(count_statements, calls) -> list:
    """Make each (api, path) request twice and count the second; the counts must match.

    The first request warms what a real browser would have warmed (session touch, key caches).
    """
    responses, costs = [], []
    for api, path in calls:
        assert api.get(path).status_code == 200
        response, cost = count_statements(lambda api=api, path=path: api.get(path))
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        responses.append(response)
        costs.append(cost)
    assert costs[0] == costs[1], f"{calls[0][1]}: {costs[0]} vs {costs[1]} statements"
    return responses


HIDDEN_TITLE = re.compile(r"Title [23][0-9]\b")  # entries 20 and up are never shared now


def test_the_therapists_home_does_not_grow(count_statements, api_as, therapist_with):
    small, large = therapist_with(2, 2), therapist_with(20, 20)
    calls = [(api_as(small), "/therapist"), (api_as(large), "/therapist")]
    _, page = _same_cost(count_statements, calls)
    text = page.get_data(as_text=True)
    assert all(client.display_name in text for client in large.clients)


@needs("/api/v1/clients")
def test_the_therapists_client_list_does_not_grow(count_statements, api_as, therapist_with):
    small, large = therapist_with(2, 2), therapist_with(20, 20)
    calls = [(api_as(small), "/api/v1/clients"), (api_as(large), "/api/v1/clients")]
    _, listed = _same_cost(count_statements, calls)
    items = listed.get_json()["items"]
    assert {i["id"] for i in items} == {c.id for c in large.clients}
    assert {i["unread_count"] for i in items} == {14}  # 20 shared, 6 of them read


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/clients/{}/shared", marks=needs("/api/v1/clients/<c>/shared")),
        pytest.param("/therapist/clients/{}", marks=needs("/therapist/clients/<c>")),
    ],
)
def test_a_clients_shared_entries_do_not_grow(app, count_statements, api_as, make_user, path):
    therapist = make_user("therapist")
    few, many = make_user("client"), make_user("client")
    with app.app_context():
        start = utcnow() - timedelta(days=30)
        for client, n in ((few, 2), (many, 20)):
            link = _link(client, therapist)
            _write(client, link, n, start, extra=n // 4 + 1)
            _sessions(link)
        db.session.commit()
    api = api_as(therapist)
    _, response = _same_cost(count_statements, [(api, path.format(c.id)) for c in (few, many)])
    text = response.get_data(as_text=True)
    assert "Title 18" in text and not HIDDEN_TITLE.search(text)
    if response.is_json:
        assert len(response.get_json()["items"]) == 20


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/journal", marks=needs("/journal")),
        pytest.param("/api/v1/entries", marks=needs("/api/v1/entries")),
    ],
)
def test_the_clients_entries_with_their_shares_do_not_grow(
    count_statements, api_as, client_with, path
):
    few, many = client_with(2), client_with(20)
    _, response = _same_cost(count_statements, [(api_as(few), path), (api_as(many), path)])
    assert "Title 24" in response.get_data(as_text=True)
    if response.is_json:
        items = response.get_json()["items"]
        assert len(items) == 20 and sum(len(i["shares"]) for i in items) > 5


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/access-log", marks=needs("/api/v1/access-log")),
        pytest.param("/access-log", marks=needs("/access-log")),
    ],
)
def test_the_access_log_does_not_grow(app, count_statements, api_as, client_with, path):
    few, many = client_with(2), client_with(20)
    with app.app_context():
        for client, n in ((few, 2), (many, 20)):
            ids = db.session.scalars(db.select(Entry.id).where(Entry.author_id == client.id))
            for k, entry_id in enumerate(ids.all()[:n]):
                reader = client.therapists[k % 2]
                audit.record(
                    "read_entry", actor_id=reader.id, owner_id=client.id, entry_id=entry_id
                )
            audit.record("read_packet", actor_id=client.therapists[0].id, owner_id=client.id)
        db.session.commit()
    _, response = _same_cost(count_statements, [(api_as(few), path), (api_as(many), path)])
    text = response.get_data(as_text=True)
    assert all(t.display_name in text for t in many.therapists)
    if response.is_json:
        assert len(response.get_json()["items"]) == 20 and response.get_json()["next_cursor"]


def _answer_everything(client: User) -> None:
    """The first therapist answers every entry shared with them, half with a wish to talk."""
    cipher = cipher_for_user(client)
    shares = db.session.scalars(
        db.select(Share)
        .join(Link, Link.id == Share.link_id)
        .where(Link.client_id == client.id, Link.therapist_id == client.therapists[0].id)
    ).all()
    for n, share in enumerate(shares):
        answer = Answer(id=new_id(), link_id=share.link_id, entry_id=share.entry_id)
        answer.reply_sealed = cipher.seal("answers", answer.id, "reply", f"Thank you {n}")
        answer.discuss_next_session = n % 2 == 0
        answer.answered_at = answer.updated_at = utcnow() - timedelta(days=1, minutes=n)
        db.session.add(answer)


@pytest.mark.parametrize("path", ["/api/v1/answers", "/journal"])
def test_the_clients_replies_do_not_grow(app, count_statements, api_as, client_with, path):
    few, many = client_with(2), client_with(20)
    with app.app_context():
        for client in (few, many):
            _answer_everything(client)
        db.session.commit()
    _, response = _same_cost(count_statements, [(api_as(few), path), (api_as(many), path)])
    assert "Thank you 1" in response.get_data(as_text=True)
    if response.is_json:
        assert len(response.get_json()["items"]) == 20 and response.get_json()["next_cursor"]


@pytest.mark.parametrize("side", ["client", "therapist"])
def test_a_packet_with_the_therapists_requests_does_not_grow(
    app, count_statements, api_as, client_with, side
):
    few, many = client_with(2), client_with(20)
    calls = []
    with app.app_context():
        for client in (few, many):
            _answer_everything(client)
            session = db.session.scalars(
                db.select(TherapySession)
                .join(Link, Link.id == TherapySession.link_id)
                .where(Link.client_id == client.id, TherapySession.starts_at > utcnow())
                .order_by(TherapySession.starts_at)
            ).first()
            who = client if side == "client" else client.therapists[0]
            calls.append((who, f"/api/v1/sessions/{session.id}/packet"))
        db.session.commit()
    _, response = _same_cost(count_statements, [(api_as(who), path) for who, path in calls])
    assert len(response.get_json()["requests"]) >= 5


def _say_what_came_of_half(client: User) -> None:
    """The client gives a verdict on every other feedback, shared, with a sealed note."""
    cipher = cipher_for_user(client)
    ids = db.session.scalars(
        db.select(Entry.id)
        .where(Entry.author_id == client.id, Entry.kind == "feedback")
        .order_by(Entry.created_at)
    ).all()
    for n, entry_id in enumerate(ids[::2]):
        note = cipher.seal("repairs", entry_id, "told_note", f"Better now {n}")
        moment = utcnow() - timedelta(days=n)
        db.session.add(
            Repair(
                entry_id=entry_id,
                status="addressed",
                shared=True,
                status_at=moment,
                told_status="addressed",
                told_at=moment,
                told_note_sealed=note,
                updated_at=moment,
            )
        )


@pytest.mark.parametrize(
    ("side", "path"),
    [
        ("client", "/api/v1/repairs"),
        ("client", "/journal/ledger"),
        ("therapist", "/api/v1/clients/{}/repairs"),
        ("therapist", "/therapist/clients/{}/ledger"),
        ("therapist", "/therapist/clients/{}"),
    ],
)
def test_the_repair_ledgers_do_not_grow(app, count_statements, api_as, client_with, side, path):
    few, many = client_with(2), client_with(20)
    with app.app_context():
        for client in (few, many):
            _answer_everything(client)
            _say_what_came_of_half(client)
        db.session.commit()
    calls = [
        (api_as(c if side == "client" else c.therapists[0]), path.format(c.id)) for c in (few, many)
    ]
    _, response = _same_cost(count_statements, calls)
    text = response.get_data(as_text=True)
    assert "Addressed" in text or '"addressed"' in text or "Still open" in text
    if response.is_json:
        assert len(response.get_json()["items"]) >= 5


def _goals(client: User, count: int) -> None:
    """`count` goals (some reached, some set aside) shared with both therapists, and as many
    suggestions from the first, waiting or answered."""
    cipher = cipher_for_user(client)
    links = db.session.scalars(
        db.select(Link).where(Link.client_id == client.id).order_by(Link.created_at)
    ).all()
    for n in range(count):
        goal = Goal(
            id=new_id(), client_id=client.id, status=("active", "reached", "set_aside")[n % 3]
        )
        goal.status_at = None if goal.status == "active" else utcnow()
        goal.text_sealed = cipher.seal("goals", goal.id, "text", f"Goal {n}")
        db.session.add(goal)
        db.session.flush()
        db.session.add_all(GoalShare(goal_id=goal.id, link_id=link.id) for link in links)
        suggestion = GoalSuggestion(id=new_id(), link_id=links[0].id, status="waiting")
        suggestion.status = ("waiting", "accepted", "declined")[n % 3]
        suggestion.text_sealed = cipher.seal("goal_suggestions", suggestion.id, "text", f"Idea {n}")
        db.session.add(suggestion)


@pytest.mark.parametrize(
    ("side", "path"),
    [
        ("client", "/api/v1/goals"),
        ("client", "/api/v1/goals/suggestions"),
        ("client", "/journal/goals"),
        ("client", "/journal"),
        ("therapist", "/api/v1/clients/{}/goals"),
        ("therapist", "/api/v1/clients/{}/goal-suggestions"),
        ("therapist", "/therapist/clients/{}/goals"),
    ],
)
def test_goals_do_not_grow(app, count_statements, api_as, client_with, side, path):
    text = _two_worlds(app, count_statements, api_as, client_with, _goals, side, path)
    assert "Goal 1" in text or "Idea 1" in text


def _two_worlds(app, count_statements, api_as, client_with, fill, side, path) -> str:
    """Fill a small and a large world with `fill`, ask both for `path` as the client or their
    first therapist; the costs must match. Return the large world's page."""
    few, many = client_with(2), client_with(20)
    with app.app_context():
        fill(few, 2)
        fill(many, 20)
        db.session.commit()
    calls = [
        (api_as(c if side == "client" else c.therapists[0]), path.format(c.id)) for c in (few, many)
    ]
    _, response = _same_cost(count_statements, calls)
    return response.get_data(as_text=True)


def _tasks(client: User, count: int) -> None:
    """`count` tasks from the first therapist, due by the coming session or a date: some
    answered (with entries shared or not), some done, some declined with a reason."""
    cipher = cipher_for_user(client)
    link = db.session.scalars(
        db.select(Link).where(Link.client_id == client.id).order_by(Link.created_at)
    ).first()
    coming = db.session.scalars(
        db.select(TherapySession)
        .where(TherapySession.link_id == link.id, TherapySession.starts_at > utcnow())
        .order_by(TherapySession.starts_at)
    ).first()
    answers = db.session.scalars(
        db.select(Entry.id).where(Entry.author_id == client.id).order_by(Entry.created_at)
    ).all()
    for n in range(count):
        state = ("declined", "answered", "done", "open")[n % 4]  # two tasks: every query runs
        task = Task(id=new_id(), link_id=link.id, due_at=coming.starts_at, created_at=utcnow())
        task.due_session_id = coming.id if n % 2 else None
        task.text_sealed = cipher.seal("tasks", task.id, "text", f"Task {n}")
        task.answer_entry_id = answers[n % len(answers)] if state == "answered" else None
        task.done_at = utcnow() if state == "done" else None
        if state == "declined":
            task.declined_at = utcnow()
            task.reason_sealed = cipher.seal("tasks", task.id, "reason", f"Reason {n}")
        db.session.add(task)


@pytest.mark.parametrize(
    ("side", "path"),
    [
        ("client", "/api/v1/tasks"),
        ("client", "/journal/tasks"),
        ("client", "/journal"),
        ("therapist", "/api/v1/clients/{}/tasks"),
        ("therapist", "/therapist/clients/{}/tasks"),
        ("therapist", "/therapist/clients/{}"),
    ],
)
def test_tasks_do_not_grow(app, count_statements, api_as, client_with, side, path):
    assert "Task 1" in _two_worlds(app, count_statements, api_as, client_with, _tasks, side, path)


def _queries(app, call) -> int:
    """Statements a call sends, leaving out BEGIN, COMMIT and ROLLBACK (SQLite's driver sends a
    BEGIN of its own, PostgreSQL's doesn't: the budget is the same on both)."""
    response, statements = statements_of(app, call)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    control = ("BEGIN", "COMMIT", "ROLLBACK")
    return sum(1 for sql, _ in statements if sql.split(None, 1)[0].upper() not in control)


@pytest.mark.parametrize(("kind", "budget"), [("feedback", 4), ("reflection", 3)])
def test_reading_one_entry_costs_four_statements_at_most(app, api_as, client_with, kind, budget):
    """The budget of a signed-in "get entry", the most frequent read: (1) the session record
    with its user, in one query; (2) the entry; (3) its live shares with their therapists and
    answers; (4) for feedback and questions only, the client's verdict on it. Nothing is
    written while the session's last-seen time is fresh (it is touched every 30 s at most)."""
    client = client_with(6)
    me = api_as(client)
    with app.app_context():
        entry_id = db.session.scalar(
            select(Entry.id).where(Entry.author_id == client.id, Entry.kind == kind).limit(1)
        )
    path = f"/api/v1/entries/{entry_id}"
    me.get(path)
    assert _queries(app, lambda: me.get(path)) == budget


def test_a_search_costs_the_same_for_few_and_many_entries(app, api_as):
    costs = []
    for many in (2, 20):
        me = api_as("client")
        for n in range(many):
            me.post("/api/v1/entries", json={"kind": "reflection", "body": f"common word {n}"})
        for query in ("common", "absent"):
            me.get("/api/v1/entries", query_string={"q": query})
            costs.append(
                _queries(
                    app, lambda q=query, me=me: me.get("/api/v1/entries", query_string={"q": q})
                )
            )
    assert costs[:2] == costs[2:], costs
