"""The readable archive (GET /api/v1/export?format=zip and the account page) and what a
therapist's export holds: their own words, never a client's."""

import csv
import io
import json
import re
import unicodedata
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import AuditEvent, Entry, User, utcnow
from journal.services import (
    answers,
    appointments,
    calibration,
    checkins,
    entries,
    goals,
    links,
    packets,
    sharing,
    tasks,
)
from journal.services import archive_files as files
from tests.conftest import PASSWORD
from tests.helpers import age_password, assert_error, statements_of
from tests.test_security_headers import assert_security_headers

ZIP = "/api/v1/export?format=zip"
TRICKY_BODIES = [
    "---\ntitle: not the real title\n---\nA body that looks like front matter.",
    "   Leading spaces, and trailing ones   ",
    "Ünïcödé, 日本語, עברית, emoji 🌊👩‍👩‍👧 and a zero-width joiner",
    "Windows lines\r\nstay as they were\r\n",
    "Ends with blank lines\n\n\n",
    "A \x85 next line, a \u2028 line separator and a \ufeff byte order mark",
]


def unzip(response) -> zipfile.ZipFile:
    """The archive in a response, checked to be one."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def parse_markdown(data: bytes) -> tuple[dict, str]:
    """Split a Markdown file into its front matter (parsed) and its body, exactly."""
    text = data.decode("utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n\n", 1)
    return yaml.safe_load(head), body


def every_word(archive: zipfile.ZipFile) -> str:
    """Every file of an archive as one text (to look for words that must not be there)."""
    return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


@pytest.fixture
def linked(app, make_user, api_as):
    """A signed-in client and therapist with an active link: (client_api, therapist_api, link)."""
    client, therapist = api_as("client"), api_as("therapist")
    with app.app_context():
        found = [db.session.get(User, u.id) for u in (client.user, therapist.user)]
        link = links.redeem(found[0], links.create_invite(found[1])[1])
        link_id = link.id
    return client, therapist, link_id


# --- what the archive holds ----------------------------------------------------------------


def test_the_archive_holds_the_json_export_and_its_files(app, api_as, make_entry):
    api = api_as("client")
    make_entry(api.user, body="First words", title="Morning")
    make_entry(api.user, body="Second words", title="Evening", tags=["calm"])
    response = api.get(ZIP)
    archive = unzip(response)
    assert response.headers["Cache-Control"] == "no-store"
    today = utcnow().strftime("%Y-%m-%d")  # the user's zone is UTC
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=alliance-journal-{today}.zip"
    names = archive.namelist()
    assert {"journal.json", "checkins.csv", "index.html"} <= set(names)
    assert sorted(n for n in names if n.startswith("entries/")) == [
        f"entries/{today}-evening.md",
        f"entries/{today}-morning.md",
    ]
    assert all(info.external_attr >> 16 == 0o600 for info in archive.infolist())

    # journal.json is the JSON export's document; the JSON export, asked for after, also holds
    # the trail's line about the archive.
    inside = json.loads(archive.read("journal.json"))
    document = api.get("/api/v1/export").get_json()
    assert document["events"][:-1] == inside.pop("events")
    assert document.pop("events")[-1]["action"] == "export"
    assert inside == document
    assert [e["body"] for e in inside["entries"]] == ["Second words", "First words"]


def test_the_json_export_stays_the_default_and_keeps_its_shape(api_as, make_entry):
    api = api_as("client")
    make_entry(api.user, body="Words")
    for path in ("/api/v1/export", "/api/v1/export?format=json"):
        response = api.get(path)
        assert response.mimetype == "application/json"
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="alliance-journal.json"'
        )
        assert set(response.get_json()) == {
            "format",
            "account",
            "entries",
            "checkins",
            "packets",
            "answers",
            "repairs",
            "goals",
            "tasks",
            "therapist_views",
            "devices",
            "events",
        }


def test_an_empty_journal_makes_a_whole_archive(api_as):
    archive = unzip(api_as("client").get(ZIP))
    assert json.loads(archive.read("journal.json"))["entries"] == []
    assert not [n for n in archive.namelist() if n.startswith(("entries/", "sessions/"))]
    assert "No entries yet." in archive.read("index.html").decode()


@pytest.mark.parametrize("body", TRICKY_BODIES)
def test_each_entry_is_markdown_with_front_matter_and_the_body_exactly(
    app, linked, make_entry, body
):
    client, therapist, _ = linked
    entry = make_entry(
        client.user, body=body, title="Títle: with 'quotes' & #hash", tags=["yes", "no", "1.0"]
    )
    with app.app_context():
        sharing.share(db.session.get(User, client.user.id), entry.id, therapist.user.id)
    archive = unzip(client.get(ZIP))
    [name] = [n for n in archive.namelist() if n.startswith("entries/")]
    front, text = parse_markdown(archive.read(name))
    [exported] = json.loads(archive.read("journal.json"))["entries"]
    fields = ("id", "kind", "title", "tags", "created_at", "updated_at")
    assert front == {k: exported[k] for k in fields} | {
        "shared_with": [therapist.user.display_name]
    }
    assert front["tags"] == ["yes", "no", "1.0"]  # strings still, not booleans or numbers
    assert text == body


def test_deleted_entries_leave_no_file(app, api_as, make_entry):
    api = api_as("client")
    kept = make_entry(api.user, body="Kept", title="Kept")
    gone = make_entry(api.user, body="Gone for good", title="Gone")
    with app.app_context():
        entries.delete(db.session.get(User, api.user.id), gone.id)
    archive = unzip(api.get(ZIP))
    found = [n for n in archive.namelist() if n.startswith("entries/")]
    assert len(found) == 1 and found[0].endswith("-kept.md")
    assert parse_markdown(archive.read(found[0]))[0]["id"] == kept.id
    assert "Gone for good" not in every_word(archive)


def test_colliding_names_get_a_suffix(api_as, make_entry):
    api = api_as("client")
    for body in ("one", "two", "three"):
        make_entry(api.user, body=body, title="Same day, same title")
    make_entry(api.user, body="four", title="")  # an empty title is named for its kind
    make_entry(api.user, body="five", title="   ")
    archive = unzip(api.get(ZIP))
    today = utcnow().strftime("%Y-%m-%d")
    names = sorted(n.removeprefix(f"entries/{today}-") for n in archive.namelist() if "/" in n)
    assert names == [
        "reflection-2.md",
        "reflection.md",
        "same-day-same-title-2.md",
        "same-day-same-title-3.md",
        "same-day-same-title.md",
    ]
    bodies = {parse_markdown(archive.read(n))[1] for n in archive.namelist() if "/" in n}
    assert bodies == {"one", "two", "three", "four", "five"}


def test_dates_are_on_the_users_own_calendar(app, api_as, make_entry):
    api = api_as("client")
    assert api.patch("/api/v1/me", {"time_zone": "Pacific/Auckland"}).status_code == 200
    entry = make_entry(api.user, body="Late in the evening, in UTC", title="Late")
    late = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)  # 12:30 on 2 March in Auckland (NZDT)
    with app.app_context():
        db.session.execute(
            update(Entry).where(Entry.id == entry.id).values(created_at=late, updated_at=late)
        )
        db.session.commit()
    response = api.get(ZIP)
    archive = unzip(response)
    assert "entries/2024-03-02-late.md" in archive.namelist()
    today = utcnow().astimezone(ZoneInfo("Pacific/Auckland"))
    assert response.headers["Content-Disposition"].endswith(f"{today:%Y-%m-%d}.zip")
    front, _ = parse_markdown(archive.read("entries/2024-03-02-late.md"))
    assert front["created_at"] == "2024-03-01T23:30:00.000Z"  # the stamp itself stays in UTC
    assert "Saturday 2 March 2024, 12:30" in archive.read("index.html").decode()


# --- names that are always safe ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("A walk, by the river!", "a-walk-by-the-river"),
        ("Ünïcödé café 日本語", "ünïcödé-café-日本語"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("...", "reflection"),
        ("🌊🌊", "reflection"),
        ("snake_case stays", "snake_case-stays"),
        ("x" * 100, "x" * 60),
    ],
)
def test_slugs(title, slug):
    assert files.slug(title, "reflection") == slug


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
@example("a\u202eexe.md")  # a right-to-left override, to disguise a file's type
@example("\x00\x1f\x7f/\\..")
@example("e\u0301\u0301 \u0301")  # marks with and without letters before them
def test_a_slug_is_always_a_safe_file_name(title):
    slug = files.slug(title, "reflection")
    assert slug and len(slug) <= files.SLUG_CHARS and len(slug.encode()) <= files.SLUG_BYTES
    assert "/" not in slug and "\\" not in slug and "." not in slug
    assert not slug.startswith(("-", "_")) and not slug.endswith(("-", "_"))
    assert "--" not in slug
    for char in slug:
        assert char in "-_" or unicodedata.category(char)[0] in "LNM", repr(char)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.lists(st.text(max_size=32), max_size=10), st.text())
@example("---", ["---", "null", "true", "1"], "---\n---\n")
@example("\x85\u2028\ufeff\x00", ["\t"], "\r\n")
def test_front_matter_reads_back_exactly(title, tags, body):
    fields = {"id": "an-id", "kind": "reflection", "title": title, "tags": tags}
    fields |= {"created_at": "2024-01-01T00:00:00.000Z", "shared_with": ["Dr A"]}
    assert parse_markdown(files.markdown(fields, body).encode()) == (fields, body)


def test_names_count_on_past_a_clash():
    names = files.Names()
    taken = [names.claim(stem) for stem in ("day", "Day", "day-2", "day", "day")]
    assert taken == ["day.md", "Day-2.md", "day-2-2.md", "day-3.md", "day-4.md"]


# --- check-ins and sessions ----------------------------------------------------------------


def test_checkins_csv_has_a_header_and_guards_against_formulas(app, linked):
    client, therapist, _ = linked
    notes = ['=HYPERLINK("http://evil.example")', "+1", "-2", "@SUM(A1)", "Plain, with a comma"]
    with app.app_context():
        owner = db.session.get(User, client.user.id)
        for n, note in enumerate(notes):
            scores = dict.fromkeys(("bond", "goals", "approach", "overall"), n + 5)
            data = {"therapist_id": therapist.user.id, "note": note, "shared": n % 2 == 0}
            checkins.create(owner, data | scores)
    archive = unzip(client.get(ZIP))
    rows = list(csv.reader(io.StringIO(archive.read("checkins.csv").decode())))
    assert rows[0] == files.CHECKIN_COLUMNS
    assert len(rows) == 1 + len(notes)
    assert [row[-1] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil.example")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Plain, with a comma",
    ]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["therapist"] == therapist.user.display_name
    assert (first["bond"], first["total"], first["shared"]) == ("5", "20", "yes")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", first["date"])


def test_each_session_is_a_markdown_file(app, linked, make_entry):
    client, _, link_id = linked
    entry = make_entry(client.user, body="For the session", title="What I want to say")
    when = (utcnow() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    with app.app_context():
        owner = db.session.get(User, client.user.id)
        session = appointments.schedule(owner, link_id, when)
        packets.prepare(owner, session.id, "The pace,\nand the homework", [entry.id])
        appointments.schedule(owner, link_id, when + timedelta(hours=3))  # the same day
    archive = unzip(client.get(ZIP))
    day = when.strftime("%Y-%m-%d")
    assert sorted(n for n in archive.namelist() if n.startswith("sessions/")) == [
        f"sessions/{day}-2.md",
        f"sessions/{day}.md",
    ]
    front, text = parse_markdown(archive.read(f"sessions/{day}.md"))
    assert front["session_id"] == session.id
    assert "The pace,\nand the homework" in text
    assert "- What I want to say" in text


# --- the web page inside -------------------------------------------------------------------


def test_index_html_escapes_every_word_and_loads_nothing(app, api_as, make_entry):
    api = api_as("client")
    make_entry(
        api.user,
        body="<script>window.ran = 1</script> & <img src=x onerror=alert(1)>",
        title="<script>alert('title')</script>",
        tags=["<b>tag</b>"],
    )
    html = unzip(api.get(ZIP)).read("index.html").decode()
    assert "<script" not in html.lower()
    assert (
        "&lt;script&gt;window.ran = 1&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
        in html
    )
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;tag&lt;/b&gt;" in html
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'" in html
    )
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "prefers-color-scheme: dark" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing from the network


def test_the_contents_go_by_month_newest_first(app, api_as, make_entry):
    api = api_as("client")
    made = [make_entry(api.user, body=f"Body {n}", title=f"Title {n}") for n in range(3)]
    stamps = [datetime(2024, m, d, 9, tzinfo=UTC) for m, d in ((1, 10), (1, 20), (3, 5))]
    with app.app_context():
        for entry, stamp in zip(made, stamps, strict=True):
            db.session.execute(update(Entry).where(Entry.id == entry.id).values(created_at=stamp))
        db.session.commit()
    html = unzip(api.get(ZIP)).read("index.html").decode()
    months = re.findall(r"<summary>(\w+ \d{4})", html)
    assert months == ["March 2024", "January 2024"]
    order = [html.index(f"<h3>Title {n}</h3>") for n in (2, 1, 0)]
    assert order == sorted(order)


# --- who may have it -------------------------------------------------------------------------


def test_signed_out_is_401(api):
    assert_error(api.get(ZIP), 401, "not_signed_in")


def test_the_archive_needs_a_recent_password(app, api_as):
    api = api_as("client")
    age_password(app, api.user)
    assert_error(api.get(ZIP), 403, "reauth_required")
    assert api.post("/api/v1/auth/reauth", {"password": PASSWORD}).status_code == 204
    assert unzip(api.get(ZIP))


@pytest.mark.parametrize("wanted", ["xml", "ZIP", "", "zip,json"])
def test_any_other_format_is_422(api_as, wanted):
    assert_error(
        api_as("client").get(f"/api/v1/export?format={wanted}"),
        422,
        "validation_failed",
        ["format"],
    )


# --- a therapist's export: their own words, never a client's --------------------------------

CLIENT_WORDS = [
    "Entry title only I wrote",
    "The body of my entry, my own words",
    "private-tag",
    "My agenda for the session",
    "A note on my check-in",
    "My own goal, in my words",
    "It does not fit me because",
]


@pytest.fixture
def therapist_world(app, linked, make_entry):
    """A client who shared an entry and a check-in, prepared a packet, set a goal and declined
    a task; their therapist answered both, gave tasks, suggested a goal and recorded a view."""
    client, therapist, link_id = linked
    entry = make_entry(
        client.user, body=CLIENT_WORDS[1], title=CLIENT_WORDS[0], tags=["private-tag"]
    )
    with app.app_context():
        owner, who = (db.session.get(User, u.id) for u in (client.user, therapist.user))
        sharing.share(owner, entry.id, who.id)
        checkin = checkins.create(
            owner,
            {"therapist_id": who.id, "note": CLIENT_WORDS[4], "shared": True}
            | dict.fromkeys(("bond", "goals", "approach", "overall"), 7),
        )
        session = appointments.schedule(owner, link_id, utcnow() + timedelta(days=1))
        packets.prepare(owner, session.id, CLIENT_WORDS[3], [entry.id], [checkin.id])
        goal = goals.create(owner, {"text": CLIENT_WORDS[5], "shared_with": [who.id]})
        answers.answer_entry(
            who,
            owner.id,
            entry.id,
            {"heard": True, "reply": "My reply as therapist"} | {"discuss_next_session": True},
        )
        answers.answer_checkin(
            who,
            owner.id,
            checkin.id,
            {"heard": True, "reply": "Thanks for the check-in"} | {"discuss_next_session": False},
        )
        due = {"date": (utcnow() + timedelta(days=3)).date()}
        given = tasks.assign(who, owner.id, {"text": "Notice one kind moment", "due": due})
        tasks.assign(who, owner.id, {"text": "Walk once", "due": due, "goal_id": goal.id})
        tasks.set_status(owner, given.id, "declined", CLIENT_WORDS[6])
        goals.suggest(who, owner.id, "Sleep before midnight")
        past = appointments.schedule(owner, link_id, utcnow() - timedelta(days=2))
        calibration.record(who, past.id, dict.fromkeys(("bond", "goals", "approach", "overall"), 6))
    return client, therapist


def test_a_therapists_json_export_holds_their_words_and_no_clients(therapist_world):
    client, therapist = therapist_world
    document = therapist.get("/api/v1/export").get_json()
    text = json.dumps(document, ensure_ascii=False)
    for words in CLIENT_WORDS:
        assert words not in text, words
    assert {a["reply"] for a in document["answers_given"]} == {
        "My reply as therapist",
        "Thanks for the check-in",
    }
    assert {a["client_id"] for a in document["answers_given"]} == {client.user.id}
    assert sorted(t["text"] for t in document["tasks_given"]) == [
        "Notice one kind moment",
        "Walk once",
    ]
    assert {t["status"] for t in document["tasks_given"]} == {"declined", "open"}
    assert [s["text"] for s in document["goal_suggestions"]] == ["Sleep before midnight"]
    assert len(document["therapist_views"]) == 1 and len(document["sessions"]) == 2
    [link] = document["links"]
    assert link["client"] == {"id": client.user.id, "display_name": client.user.display_name}
    assert document["entries"] == document["checkins"] == document["packets"] == []
    assert document["answers"] == document["goals"] == document["tasks"] == []


def test_a_therapists_archive_holds_their_words_and_no_clients(therapist_world):
    _, therapist = therapist_world
    archive = unzip(therapist.get(ZIP))
    text = every_word(archive)
    for words in CLIENT_WORDS:
        assert words not in text, words
    for words in ("My reply as therapist", "Notice one kind moment", "Sleep before midnight"):
        assert words in archive.read("index.html").decode(), words
    assert not [n for n in archive.namelist() if n.startswith("entries/") or n == "checkins.csv"]
    sessions = [n for n in archive.namelist() if n.startswith("sessions/")]
    assert len(sessions) == 2
    assert any("overall 6 (24 of 40)" in archive.read(n).decode() for n in sessions)


def test_the_clients_export_holds_their_words_and_no_therapist_keys(therapist_world):
    client, _ = therapist_world
    document = client.get("/api/v1/export").get_json()
    assert not {"links", "sessions", "answers_given", "tasks_given", "goal_suggestions"} & set(
        document
    )
    text = json.dumps(document, ensure_ascii=False)
    assert all(words in text for words in CLIENT_WORDS)
    html = unzip(client.get(ZIP)).read("index.html").decode()
    assert "My reply as therapist" in html and "Thanks for the check-in" in html


# --- cost ----------------------------------------------------------------------------------


def _statements(app, api, path=ZIP) -> int:
    response, caught = statements_of(app, lambda: api.get(path))
    assert response.status_code == 200
    return len(caught)


def test_the_archives_statements_do_not_grow_with_entries(app, api_as, make_entry):
    small, large = api_as("client"), api_as("client")
    for n in range(5):
        make_entry(small.user, body=f"Small {n}")
    for n in range(50):
        make_entry(large.user, body=f"Large {n}", kind="feedback" if n % 2 else "reflection")
    make_entry(small.user, body="One feedback", kind="feedback")
    assert _statements(app, small) == _statements(app, large)


def test_entries_are_read_in_batches(app, api_as, make_entry, monkeypatch):
    monkeypatch.setattr(entries, "SCAN_BATCH", 10)
    api = api_as("client")
    for n in range(5):
        make_entry(api.user, body=f"Words {n}")
    one_batch = _statements(app, api)
    for n in range(40):
        make_entry(api.user, body=f"More words {n}")
    # Five batches instead of one: each costs a read of entries and one of their shares.
    assert _statements(app, api) <= one_batch + 4 * 3


def _therapist_with_clients(app, make_user, api_as, how_many: int):
    """A signed-in therapist with clients, each with a shared entry answered, a task and a
    suggested goal."""
    therapist = api_as("therapist")
    made = [make_user("client") for _ in range(how_many)]
    with app.app_context():
        who = db.session.get(User, therapist.user.id)
        for n, client in enumerate(made):
            owner = db.session.get(User, client.id)
            links.redeem(owner, links.create_invite(who)[1])
            entry, _ = entries.create(
                owner,
                {"id": None, "kind": "reflection", "title": "", "body": f"Words {n}"}
                | {"tags": [], "prompt_id": None},
            )
            sharing.share(owner, entry.id, who.id)
            reply = {"heard": True, "reply": f"Reply {n}", "discuss_next_session": False}
            answers.answer_entry(who, owner.id, entry.id, reply)
            due = {"date": (utcnow() + timedelta(days=3)).date()}
            tasks.assign(who, owner.id, {"text": f"Task {n}", "due": due})
            goals.suggest(who, owner.id, f"Goal {n}")
    return therapist


@pytest.mark.parametrize("path", [ZIP, "/api/v1/export"])
def test_a_therapists_export_costs_the_same_for_one_client_or_many(app, make_user, api_as, path):
    one = _therapist_with_clients(app, make_user, api_as, 1)
    many = _therapist_with_clients(app, make_user, api_as, 4)
    assert _statements(app, one, path) == _statements(app, many, path)


# --- the account pages -----------------------------------------------------------------------


def test_the_export_page_offers_both_files(api_as):
    api = api_as("client")
    page = api.client.get("/account/export").get_data(as_text=True)
    assert "Everything as one file (JSON)" in page and "A readable archive (ZIP)" in page
    assert re.search(r'value="json" checked', page)
    chosen = api.client.get("/account/export?format=zip").get_data(as_text=True)
    assert re.search(r'value="zip" checked', chosen)
    account = api.client.get("/account").get_data(as_text=True)
    assert "/account/export?format=zip" in account


def test_the_page_downloads_the_archive_after_the_password(app, api_as, make_entry):
    api = api_as("client")
    make_entry(api.user, body="Through the page", title="Paged")
    age_password(app, api.user)
    assert (
        api.client.get("/account/export/archive")
        .headers["Location"]
        .endswith("/account/export?format=zip")
    )
    wrong = api.form("/account/export", {"password": "not the password", "format": "zip"})
    assert wrong.status_code == 422
    assert re.search(r'value="zip" checked', wrong.get_data(as_text=True))
    right = api.form("/account/export", {"password": PASSWORD, "format": "zip"})
    assert right.status_code == 303
    assert right.headers["Location"].endswith("/account/export/archive")
    response = api.client.get("/account/export/archive")
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"
    archive = unzip(response)
    assert any(n.endswith("-paged.md") for n in archive.namelist())
    bad = api.form("/account/export", {"password": PASSWORD, "format": "pdf"})
    assert bad.status_code == 422


def test_the_footer_speaks_to_each_role(api_as):
    therapist_page = api_as("therapist").client.get("/account").get_data(as_text=True)
    assert "You see only what each client chose to share with you" in therapist_page
    assert "Your entries are private until you choose to share one." not in therapist_page
    client_page = api_as("client").client.get("/account").get_data(as_text=True)
    assert "Your entries are private until you choose to share one." in client_page
    assert "You see only what each client chose" not in client_page


def test_the_export_is_recorded_once_the_archive_is_made(app, api_as):
    api = api_as("client")
    unzip(api.get(ZIP))
    with app.app_context():
        trail = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.actor_id == api.user.id)
            .order_by(AuditEvent.seq)
        ).all()
    assert trail[-1] == "export"
