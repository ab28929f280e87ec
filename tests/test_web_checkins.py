"""Check-in pages: writing one, the trend (chart and table agree), the invitation, and what the
therapist sees of them (shared only, with a flag on a low or falling total)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import SCALES, Checkin, Link, TherapySession, utcnow
from journal.services import accounts, checkins, links
from tests.conftest import PASSWORD
from tests.test_web_links import _user, link_up, pair, schedule, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

GOOD = {"bond": "7", "goals": "8", "approach": "6", "overall": "9"}


def check_in(app, client, therapist, ratings=(9, 9, 9, 9), *, shared=True, note="", ago=None):
    """Record a check-in through the service, `ago` before now; return its id."""
    with app.app_context():
        data = {"therapist_id": therapist.id, "note": note, "shared": shared}
        view = checkins.create(_user(client), data | dict(zip(SCALES, ratings, strict=True)))
        if ago is not None:
            db.session.execute(
                update(Checkin).where(Checkin.id == view.id).values(created_at=utcnow() - ago)
            )
            db.session.commit()
        return view.id


def series(app, client, therapist, totals, **options):
    """Check-ins with these totals, oldest first, a day apart."""
    for n, total in enumerate(totals):
        quarter, rest = divmod(total, 4)
        ratings = [quarter + (1 if i < rest else 0) for i in range(4)]
        check_in(app, client, therapist, ratings, ago=timedelta(days=len(totals) - n), **options)


def chart_and_table(text):
    """The totals the chart's dots stand for (by their titles and their heights) and the
    table's rows, oldest first."""
    dots = re.findall(
        r'<circle class="chart-dot" cx="[\d.]+" cy="([\d.]+)" r="4"><title>[^<]*: (\d+)<', text
    )
    heights = [round(40 * (1 - (float(cy) - 14) / 136)) for cy, _ in dots]
    body = text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in text else ""
    cell = re.compile(r"<td(?: class=\"total\")?(?: data-label=\"[^\"]*\")?>(\d+)</td>")
    rows = [[int(n) for n in cell.findall(row)] for row in body.split("<tr>")[1:]]
    return [int(t) for _, t in dots], heights, rows


# ---- The client's trend ----


def test_no_check_ins_yet_is_a_calm_empty_state(pair):
    text = text_of(pair.client.client.get("/checkins"))
    assert "No check-ins yet" in text and 'href="/checkins/new">Check in</a>' in text
    assert "<svg" not in text and "<table" not in text


def test_one_check_in_is_one_dot_and_one_row(app, pair):
    check_in(app, pair.client.user, pair.therapist.user, (7, 8, 6, 9), shared=False, note="Tired")
    text = text_of(pair.client.client.get("/checkins"))
    dots, heights, rows = chart_and_table(text)
    assert dots == heights == [30] and rows == [[7, 8, 6, 9, 30]]
    assert "<polyline" not in text and "Only you" in text and "Tired" in text


def test_many_check_ins_chart_and_table_agree_oldest_first(app, pair):
    totals = [38, 30, 35, 22, 40, 0]
    series(app, pair.client.user, pair.therapist.user, totals)
    check_in(app, pair.client.user, pair.therapist.user, (1, 2, 3, 4), shared=False)
    text = text_of(pair.client.client.get("/checkins"))
    dots, heights, rows = chart_and_table(text)
    assert dots == heights == [row[-1] for row in rows] == [*totals, 10]
    assert all(sum(row[:4]) == row[4] for row in rows)
    assert text.count('<polyline class="chart-line"') == 1
    assert "chart-threshold" not in text  # no line to fall below on the client's own page
    assert text.count('<td class="sharing-cell" data-label="Shared with">Dr Lee') == 6
    assert text.count('<td class="sharing-cell" data-label="Shared with">Only you') == 1


def test_each_therapist_has_a_trend_of_its_own(app, pair, make_user):
    """Check-ins about two relationships are two lines, not one mixed line; the latest first."""
    kim = make_user("therapist", name="Dr Kim")
    link_up(app, pair.client.user, kim)
    series(app, pair.client.user, pair.therapist.user, [30, 34])
    check_in(app, pair.client.user, kim, (2, 2, 2, 2), shared=False)
    text = text_of(pair.client.client.get("/checkins"))
    sections = text.split("<section")[1:]
    headings = [re.search(r"<h2[^>]*>([^<]*)</h2>", s)[1] for s in sections]
    assert headings == ["Over time, with Dr Kim", "Over time, with Dr Lee"]
    assert [chart_and_table(s)[0] for s in sections] == [[8], [30, 34]]
    assert [chart_and_table(s)[1] for s in sections] == [[8], [30, 34]]
    assert len(set(re.findall(r'id="([^"]+)"', text))) == len(re.findall(r'id="', text))


def test_check_ins_outlive_a_therapists_deleted_account(app, pair):
    """They are the client's words: still charted, exported and private-able, under the name
    the client knew, and never shareable again."""
    series(app, pair.client.user, pair.therapist.user, [30, 34], note="Mine to keep")
    with app.app_context():
        accounts.delete_account(_user(pair.therapist.user), PASSWORD)
    text = text_of(pair.client.client.get("/checkins"))
    assert "Over time, with Dr Lee" in text
    assert chart_and_table(text)[0] == [30, 34] and "Mine to keep" in text
    assert sharing_buttons(text) == ["Stop sharing", "Stop sharing"]
    with app.app_context():
        kept = checkins.all_of(_user(pair.client.user))
        assert [c.total for c in kept] == [30, 34]
        assert checkins.set_shared(_user(pair.client.user), kept[0].id, False).shared is False
        with pytest.raises(AppError):  # the link has ended: no one to share it with
            checkins.set_shared(_user(pair.client.user), kept[0].id, True)
    exported = pair.client.get("/api/v1/export").get_json()["checkins"]
    assert [c["total"] for c in exported] == [30, 34]


def test_check_ins_outlive_their_link_itself(app, pair):
    """Should a link row ever go, its check-ins stay (the foreign key sets null)."""
    check_in(app, pair.client.user, pair.therapist.user, (2, 2, 2, 2))
    with app.app_context():
        db.session.delete(db.session.get(Link, pair.link_id))
        db.session.commit()
        [kept] = checkins.all_of(_user(pair.client.user))
        assert (kept.total, kept.therapist_id) == (8, None)
        with pytest.raises(AppError):
            checkins.set_shared(_user(pair.client.user), kept.id, True)
    text = text_of(pair.client.client.get("/checkins"))
    assert "Over time, with A former therapist" in text and chart_and_table(text)[0] == [8]


def test_older_check_ins_page_back_and_bad_paging_is_422(app, pair):
    series(app, pair.client.user, pair.therapist.user, [10, 20, 30])
    first = text_of(pair.client.client.get("/checkins?limit=2"))
    assert chart_and_table(first)[0] == [20, 30]
    older = re.search(r'href="(/checkins\?cursor=[^"]+)">Older check-ins', first)[1]
    assert chart_and_table(text_of(pair.client.client.get(older)))[0] == [10]
    for query, field in (("limit=0", "limit"), ("cursor=broken", "cursor")):
        response = pair.client.client.get(f"/checkins?{query}")
        assert response.status_code == 422 and f'id="{field}-error"' in text_of(response)


# ---- Writing a check-in ----


def test_without_a_therapist_the_form_explains_and_links_to_join(api_as):
    text = text_of(api_as("client").client.get("/checkins/new"))
    assert "First, link with your therapist" in text and 'href="/join"' in text
    assert "<form" not in text.split("<main")[1]


def test_the_form_has_four_scales_in_our_words_and_defaults_to_private(pair):
    text = text_of(pair.client.client.get("/checkins/new"))
    assert "a reflection aid, not a test or a validated questionnaire" in text.lower()
    assert "How connected did you feel with your therapist?" in text
    assert "All in all, how was this session for you?" in text
    for scale in SCALES:
        values = re.findall(rf'name="{scale}" value="(\d+)"', text)
        assert values == [str(n) for n in range(11)]
    assert f'name="therapist_id" value="{pair.therapist.user.id}"' in text
    assert 'value="private" checked' in text and "Share it with Dr Lee" in text
    assert 'value="shared" checked' not in text


def test_with_several_therapists_one_is_chosen(app, pair, make_user):
    kim = make_user("therapist", name="Dr Kim")
    link_up(app, pair.client.user, kim)
    text = text_of(pair.client.client.get(f"/checkins/new?therapist={kim.id}"))
    assert "Which therapist is this about?" in text
    assert f'<option value="{kim.id}" selected>Dr Kim</option>' in text


@pytest.mark.parametrize(
    ("share", "shared", "flash"),
    [
        ("private", False, "This check-in is just for you."),
        ("shared", True, "Dr Lee can see this check-in."),
        (None, False, "This check-in is just for you."),
    ],
)
def test_checking_in_saves_and_goes_to_the_trend(app, pair, share, shared, flash):
    data = {"therapist_id": pair.therapist.user.id, **GOOD, "note": "Felt heard"}
    if share:
        data["share"] = share
    response = pair.client.form("/checkins/new", data)
    assert response.status_code == 302 and response.headers["Location"] == "/checkins"
    assert flash in text_of(pair.client.client.get("/checkins"))
    with app.app_context():
        [view] = checkins.own(_user(pair.client.user)).items
    assert (view.bond, view.goals, view.approach, view.overall) == (7, 8, 6, 9)
    assert (view.note, view.shared) == ("Felt heard", shared)


BAD = [
    *[({scale: ""}, scale, "0 to 10") for scale in SCALES],
    ({"bond": "11"}, "bond", "0 to 10"),
    ({"goals": "-1"}, "goals", "0 to 10"),
    ({"approach": "lots"}, "approach", "0 to 10"),
    ({"overall": "5.5"}, "overall", "0 to 10"),
    ({"note": "n" * 2001}, "note", "2,000 characters"),
    ({"share": "everyone"}, "share", "share it or keep it"),
    ({"therapist_id": ""}, "therapist_id", "Choose which therapist"),
    ({"therapist_id": "someone-else"}, "therapist_id", "linked with"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_422_keeping_the_choices(app, pair, change, field, message):
    data = {"therapist_id": pair.therapist.user.id, **GOOD, "share": "shared", "note": "Kept"}
    response = pair.client.form("/checkins/new", data | change)
    text = text_of(response)
    assert response.status_code == 422 and f'id="{field}-error"' in text and message in text
    if field != "goals":
        assert 'name="goals" value="8" checked' in text
    if field != "share":
        assert 'value="shared" checked' in text
    if field != "note":
        assert ">Kept</textarea>" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkin)) == 0


def test_a_therapist_of_an_ended_link_or_another_client_is_refused(app, pair, make_user):
    stranger = make_user("therapist")
    link_up(app, make_user("client"), stranger)
    assert (
        pair.client.form("/checkins/new", {"therapist_id": stranger.id, **GOOD}).status_code == 422
    )
    with app.app_context():
        links.end_link(_user(pair.client.user), pair.link_id)
    response = pair.client.form("/checkins/new", {"therapist_id": pair.therapist.user.id, **GOOD})
    assert response.status_code == 422 and "First, link with your therapist" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkin)) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/checkins"),
        ("GET", "/checkins/new"),
        ("POST", "/checkins/new"),
        ("POST", "/checkins/invitation/some-session/close"),
        ("POST", "/checkins/some-check-in/sharing"),
    ],
)
def test_only_signed_in_clients(api, api_as, method, path):
    send = (lambda a: a.client.get(path)) if method == "GET" else (lambda a: a.form(path, GOOD))
    signed_out = send(api)
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    assert send(api_as("therapist")).status_code == 403


@pytest.mark.parametrize(
    "path", ["/checkins/new", "/checkins/invitation/x/close", "/checkins/x/sharing"]
)
def test_posts_without_the_csrf_token_are_refused(pair, path):
    response = pair.client.client.post(path, data={"therapist_id": pair.therapist.user.id, **GOOD})
    assert response.status_code == 400


# ---- Changing one's mind about sharing ----


def sharing_buttons(text: str) -> list[str]:
    """Each table row's sharing action, oldest first ("" where there is none)."""
    body = text.split("<tbody>")[1].split("</tbody>")[0]
    return [
        (re.search(r'class="link-button">([^<]+)<', row) or [None, ""])[1]
        for row in body.split("<tr>")[1:]
    ]


def test_each_row_offers_to_share_or_stop_sharing(app, pair):
    check_in(app, pair.client.user, pair.therapist.user, ago=timedelta(days=2))
    check_in(app, pair.client.user, pair.therapist.user, shared=False, ago=timedelta(days=1))
    text = text_of(pair.client.client.get("/checkins"))
    assert sharing_buttons(text) == ["Stop sharing", "Share"]
    assert '<span class="visually-hidden"> the check-in of' in text and "with Dr Lee</span>" in text
    with app.app_context():  # the link ends: a private one can't be shared any more
        links.end_link(_user(pair.client.user), pair.link_id)
    assert sharing_buttons(text_of(pair.client.client.get("/checkins"))) == ["Stop sharing", ""]


@pytest.mark.parametrize(
    ("shared", "choice", "flash"),
    [
        (True, "private", "This check-in is just for you now."),
        (False, "shared", "Shared. Dr Lee can see this check-in now."),
        (True, "shared", "Shared. Dr Lee can see this check-in now."),  # already: no change
    ],
)
def test_changing_ones_mind_about_a_check_in(app, pair, shared, choice, flash):
    checkin_id = check_in(app, pair.client.user, pair.therapist.user, shared=shared)
    response = pair.client.form(f"/checkins/{checkin_id}/sharing", {"share": choice})
    assert response.status_code == 302 and response.headers["Location"] == "/checkins"
    assert flash in text_of(pair.client.client.get("/checkins"))
    with app.app_context():
        assert db.session.get(Checkin, checkin_id).shared is (choice == "shared")
    seen = pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/checkins").get_json()
    assert [c["id"] for c in seen["items"]] == ([checkin_id] if choice == "shared" else [])


@pytest.mark.parametrize("sent", [{"share": "maybe"}, {"share": ""}, {}])
def test_a_bad_sharing_choice_is_422_and_changes_nothing(app, pair, sent):
    checkin_id = check_in(app, pair.client.user, pair.therapist.user, shared=True)
    response = pair.client.form(f"/checkins/{checkin_id}/sharing", sent)
    text = text_of(response)
    assert response.status_code == 422 and 'id="share-error"' in text
    assert "Choose to share it or keep it." in text and "Stop sharing" in text
    with app.app_context():
        assert db.session.get(Checkin, checkin_id).shared is True


def test_someone_elses_check_in_or_an_ended_link_is_404(app, pair, api_as):
    checkin_id = check_in(app, pair.client.user, pair.therapist.user, shared=False)
    stranger = api_as("client")
    response = stranger.form(f"/checkins/{checkin_id}/sharing", {"share": "shared"})
    assert response.status_code == 404
    assert pair.client.form("/checkins/no-such-id/sharing", {"share": "private"}).status_code == 404
    with app.app_context():
        links.end_link(_user(pair.client.user), pair.link_id)
    ended = pair.client.form(f"/checkins/{checkin_id}/sharing", {"share": "shared"})
    assert ended.status_code == 404
    with app.app_context():
        assert db.session.get(Checkin, checkin_id).shared is False


# ---- The quiet invitation on the journal ----


def ended(app, pair, days_ago=3):
    """A session that ended `days_ago` days ago; return its id. (In its first 48 hours the home's
    card for a session is the bridge's, which holds the check-in: see tests/test_bridges.py.)"""
    session_id = schedule(app, pair.client.user, pair.link_id)
    with app.app_context():
        start = utcnow() - timedelta(days=days_ago, hours=1)
        db.session.execute(
            update(TherapySession)
            .where(TherapySession.id == session_id)
            .values(starts_at=start, ends_at=start + timedelta(minutes=50))
        )
        db.session.commit()
    return session_id


def invited(pair) -> bool:
    return "How did your session on" in text_of(pair.client.client.get("/journal"))


def test_after_a_session_the_journal_invites_a_check_in(app, pair):
    assert not invited(pair)
    schedule(app, pair.client.user, pair.link_id)  # a coming one invites nothing
    assert not invited(pair)
    session_id = ended(app, pair)
    text = text_of(pair.client.client.get("/journal"))
    card = text.split('class="card invitation"')[1].split("</section>")[0]
    assert "it takes a minute" in card and "Dr Lee" in card
    assert f'href="/checkins/new?therapist={pair.therapist.user.id}">Check in</a>' in card
    assert f'action="/checkins/invitation/{session_id}/close"' in card and "Not now" in card


def test_the_invitation_is_shown_once(app, pair):
    """Seen once, it does not come back: a quiet nudge, never a nag."""
    ended(app, pair)
    assert invited(pair)
    assert not invited(pair)


def test_not_now_closes_it_for_good(app, pair):
    session_id = ended(app, pair)
    response = pair.client.form(f"/checkins/invitation/{session_id}/close")
    assert response.status_code == 302 and response.headers["Location"] == "/journal"
    assert not invited(pair)


def test_checking_in_answers_the_invitation(app, pair):
    ended(app, pair)
    pair.client.form("/checkins/new", {"therapist_id": pair.therapist.user.id, **GOOD})
    assert not invited(pair)


def test_a_long_past_session_no_longer_invites(app, pair):
    ended(app, pair, days_ago=checkins.INVITE_DAYS + 1)
    assert not invited(pair)


def test_someone_elses_invitation_cannot_be_closed(app, pair, api_as):
    session_id = ended(app, pair)
    assert api_as("client").form(f"/checkins/invitation/{session_id}/close").status_code == 404
    assert invited(pair)


# ---- What the therapist sees ----


def client_page(pair):
    return text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))


def home_badges(pair):
    text = text_of(pair.therapist.client.get("/therapist"))
    return re.findall(r'<span class="badge badge-flag">([^<]+)</span>', text)


@pytest.mark.parametrize(
    ("totals", "badges"),
    [
        ([], []),
        ([36], []),
        ([35], ["Check-in below 36"]),
        ([37, 37], []),
        ([36, 37], []),
        ([38, 37], ["Check-ins have dipped"]),
        ([40, 35], ["Check-ins have dipped", "Check-in below 36"]),
        ([20, 38], []),
    ],
)
def test_the_flag_at_its_edges_on_both_pages(app, pair, totals, badges):
    series(app, pair.client.user, pair.therapist.user, totals)
    assert home_badges(pair) == badges
    text = client_page(pair)
    assert re.findall(r'<span class="badge badge-flag">([^<]+)</span>', text) == badges
    assert ("not a verdict" in text) is bool(badges)


def test_the_client_page_explains_the_flag(app, pair):
    series(app, pair.client.user, pair.therapist.user, [39, 34])
    text = client_page(pair)
    assert "The latest total is 34 of 40, below 36." in text
    assert "It fell from 39 to 34 since the check-in before." in text


def test_the_client_page_draws_shared_check_ins_with_the_threshold(app, pair):
    series(app, pair.client.user, pair.therapist.user, [38, 31, 36])
    text = client_page(pair)
    dots, heights, rows = chart_and_table(text)
    assert dots == heights == [row[-1] for row in rows] == [38, 31, 36]
    threshold = re.search(r'class="chart-threshold" x1="\d+" y1="([\d.]+)"', text)[1]
    assert float(threshold) == pytest.approx(14 + (1 - 36 / 40) * 136, abs=0.1)
    assert "Shared with</th>" not in text


def test_private_check_ins_never_reach_the_therapist(app, pair):
    series(app, pair.client.user, pair.therapist.user, [38])
    check_in(app, pair.client.user, pair.therapist.user, (1, 1, 1, 1), shared=False, note="Mine")
    assert home_badges(pair) == []
    text = client_page(pair)
    dots, _, rows = chart_and_table(text)
    assert dots == [38] and len(rows) == 1 and "Mine" not in text and ">4<" not in text


def test_with_nothing_shared_the_therapist_sees_an_empty_state(app, pair):
    check_in(app, pair.client.user, pair.therapist.user, (1, 1, 1, 1), shared=False)
    text = client_page(pair)
    assert "No check-ins shared with you" in text and "<svg" not in text


def test_a_shared_note_is_shown_to_the_therapist(app, pair):
    check_in(app, pair.client.user, pair.therapist.user, note="Please slow down a little")
    assert "Please slow down a little" in client_page(pair)


def _statements(app, call) -> int:
    seen = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert call().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return len(seen)


def test_the_flags_on_the_client_list_cost_no_query_per_client(app, api_as, make_user):
    counts = []
    for n_clients, n_checkins in ((1, 1), (4, 3)):
        therapist = api_as("therapist")
        for _ in range(n_clients):
            client = make_user("client")
            link_up(app, client, therapist.user)
            series(app, client, therapist.user, [38 - n for n in range(n_checkins)])
        counts.append(_statements(app, lambda t=therapist: t.client.get("/therapist")))
        flagged = text_of(therapist.client.get("/therapist")).count("Check-ins have dipped")
        assert flagged == (n_clients if n_checkins > 1 else 0)
    assert counts[0] == counts[1]
