"""Every page at phone width: accessible (axe, light and dark), no console errors, CSP in force,
no sideways scrolling at 320 px, touch targets of 24 px or more, and screenshots to look at: at
360 px light and dark, and at 1280 px."""

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import Checkin, TherapySession, User, utcnow
from journal.services import (
    accounts,
    answers,
    appointments,
    checkins,
    entries,
    goals,
    links,
    packets,
    reading,
    repairs,
    sharing,
    tasks,
)
from tests.browser.conftest import REQUIRED, register, shoot
from tests.browser.pages import (
    CLIENT,
    COVERED_RULES,
    NOT_PAGES,
    SIGN_IN_STEPS,
    SIGNED_OUT,
    THERAPIST,
)
from tests.conftest import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def test_every_page_of_the_app_is_walked(app):
    """A page added to the app must be added to tests/browser/pages.py too."""
    rules = {
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.rule.startswith("/api/")
    }
    assert rules - NOT_PAGES == COVERED_RULES


def _axe(page):
    if not AXE.exists():
        if REQUIRED:
            pytest.fail("axe-core is missing: run npm install (python3 dev.py test does)")
        pytest.skip("axe-core not installed (needs npm); accessibility scan skipped")
    # Injected through DevTools, which the page's CSP rightly does not allow for <script> tags.
    page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',"
        " 'best-practice']})"
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# Inline links inside sentences are exempt from the 24 px target rule (WCAG 2.5.8).
SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, input, select, textarea')]
  .filter(el => el.offsetParent !== null && el.type !== 'hidden')
  .filter(el => !(el.tagName === 'A' && el.closest('p, li.plain, .small, .hint, .safety')))
  .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
  .filter(([, r]) => r.right > 0 && r.bottom > 0 && r.width > 1)  // visually hidden until focused
  .filter(([, r]) => r.width < 24 || r.height < 24)
  .map(([html]) => html)"""


def check_page(page, path, name, errors):
    """Open one page and hold it to the bar."""
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, path
    # The CSP is in force: an injected inline script must not run (its console error is ours).
    seen = len(errors)
    with contextlib.suppress(Exception):  # Chromium may refuse the tag outright: a pass too
        page.add_script_tag(content="window.__inline_ran = true")
    assert page.evaluate("window.__inline_ran === undefined"), path
    del errors[seen:]
    assert _axe(page) == [], path
    assert page.evaluate(SMALL_TARGETS) == [], path
    shoot(page, name)
    # The same page in the dark, where contrast is its own question.
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)  # let colour transitions finish before contrast is measured
    assert _axe(page) == [], f"{path} (dark)"
    shoot(page, f"{name}-dark")
    page.emulate_media(color_scheme="light")
    page.wait_for_timeout(300)
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth <= 320"), f"{path} scrolls sideways"
    # And on a wide screen, for people who write at a desk.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 1280"), f"{path} is too wide"
    shoot(page, f"{name}-wide")
    page.set_viewport_size({"width": 360, "height": 780})


def _slug(role, path):
    path = re.sub(r"\{(\w+)\}", r"\1", path)
    return role + "-" + (re.sub(r"[^a-z]+", "-", path).strip("-") or "home")


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _write(user, title, body, kind="reflection"):
    data = {"id": None, "kind": kind, "title": title, "body": body, "tags": [], "prompt_id": None}
    return entries.create(user, data)[0].id


def _sessions(client, link_id, entry_ids):
    """A coming session and a past one, each with a packet; return their ids."""
    soon = (utcnow() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    coming = appointments.schedule(client, link_id, soon).id
    past = appointments.schedule(client, link_id, soon).id
    packets.prepare(client, coming, "Start with the pace, please.", entry_ids)
    packets.prepare(client, past, "What I noticed last week.", entry_ids[:1])
    before = soon - timedelta(days=10)
    db.session.execute(
        update(TherapySession)
        .where(TherapySession.id == past)
        .values(starts_at=before, ends_at=before + timedelta(minutes=50))
    )
    db.session.commit()
    return coming, past


def _check_ins(client, therapist_id, ratings, shared=True):
    """Check-ins from three weeks ago on, a few days apart (before the past session ended)."""
    for n, (bond, on_goals, approach, overall) in enumerate(ratings):
        data = {"therapist_id": therapist_id, "bond": bond, "goals": on_goals, "approach": approach}
        data |= {"overall": overall, "note": "Felt rushed" if n else "", "shared": shared}
        made = checkins.create(client, data)
        when = utcnow() - timedelta(days=21 - 3 * n)
        db.session.execute(update(Checkin).where(Checkin.id == made.id).values(created_at=when))
    db.session.commit()


def _therapist_of(app, client_email, entry_id):
    """Link the client with Dr Lee, who has read the entry; set up sessions and a spare code."""
    with app.app_context():
        client = _user(client_email)
        lee = accounts.register(f"lee-{client.id}@example.test", PASSWORD, "Dr Lee", "therapist")
        kim = accounts.register(f"kim-{client.id}@example.test", PASSWORD, "Dr Kim", "therapist")
        link = links.redeem(client, links.create_invite(lee)[1])
        sharing.share(client, entry_id, lee.id, passage="I held back")
        reading.read(lee, client.id, entry_id)
        coming, past = _sessions(client, link.id, [entry_id])
        _check_ins(client, lee.id, [(9, 9, 8, 9), (7, 6, 8, 7), (8, 8, 8, 8)])
        pace = _write(client, "The pace", "Sessions feel rushed lately.", kind="feedback")
        sharing.share(client, pace, lee.id)
        said = {"status": "partly", "note": "We slowed down a little.", "shared": True}
        repairs.mark(client, pace, said)
        _write(client, "About homework", "Could we talk about how much there is?", kind="question")
        said = {"heard": True, "reply": "Thank you for telling me.", "discuss_next_session": True}
        answers.answer_entry(lee, client.id, entry_id, said)
        code = links.create_invite(kim)[1]
        goal = goals.create(client, {"text": "Say no without guilt", "shared_with": [lee.id]})
        goals.create(client, {"text": "Sleep before midnight", "shared_with": []})
        goals.suggest(lee, client.id, "Notice when I hold back in sessions")
        due = {"next_session": True}
        task = tasks.assign(lee, client.id, {"text": "Write what you held back", "due": due})
        tasks.assign(lee, client.id, {"prompt_id": "honest-01", "goal_id": goal.id, "due": due})
        ids = {"code": code, "link": link.id, "session": coming, "past": past}
        return ids | {"goal": goal.id, "task": task.id} | _past_therapist(client, entry_id)


def _past_therapist(client, entry_id):
    """Dr Ng, who saw the client for a while and then ended the link."""
    ng = accounts.register(f"ng-{client.id}@example.test", PASSWORD, "Dr Ng", "therapist")
    link = links.redeem(client, links.create_invite(ng)[1])
    _, past = _sessions(client, link.id, [entry_id])
    links.end_link(ng, link.id)
    return {"past_link": link.id, "ended_past": past}


def _client_of(app, therapist_email):
    """Link a client who shares an entry, a passage and feedback, with packets, to the therapist."""
    with app.app_context():
        therapist = _user(therapist_email)
        client = accounts.register(f"sam-{therapist.id}@example.test", PASSWORD, "Sam", "client")
        links.redeem(client, links.create_invite(therapist)[1])
        whole = _write(client, "After Tuesday", "I noticed I held back when we talked about work.")
        passage = _write(client, "Private title", "Mine alone. I want to go slower. Mine too.")
        feedback = _write(client, "The pace", "Sessions feel rushed lately.", kind="feedback")
        sharing.share(client, whole, therapist.id)
        sharing.share(client, passage, therapist.id, passage="I want to go slower.")
        link_id = links.active_link(client.id, therapist.id).id
        _coming, past = _sessions(client, link_id, [whole, feedback, passage])
        _check_ins(client, therapist.id, [(10, 9, 9, 10), (8, 8, 7, 8)])
        said = {"status": "not_yet", "note": "Still rushed at the end.", "shared": True}
        repairs.mark(client, feedback, said)
        _check_ins(client, therapist.id, [(1, 1, 1, 1)], shared=False)
        checkin = checkins.shared_with(therapist, client.id).items[0].id
        said = {"heard": True, "reply": "Thank you.", "discuss_next_session": False}
        answers.answer_entry(therapist, client.id, whole, said)
        goals.create(client, {"text": "Say no without guilt", "shared_with": [therapist.id]})
        for text in ("Sleep before midnight", "Walk after work"):
            goals.suggest(therapist, client.id, text)
        goals.answer(client, goals.waiting_for(client)[1].id, {"action": "decline"})
        due = {"next_session": True}
        for words in ("Notice one moment you held back", "Try the breathing exercise"):
            tasks.assign(therapist, client.id, {"text": words, "due": due})
        [first, second] = tasks.for_client(client)
        tasks.set_status(client, first.id, "declined", "Not ready for that yet.")
        entries.create(
            client,
            {"id": None, "kind": "reflection", "title": "", "body": "I breathed.", "tags": []}
            | {"prompt_id": None, "task_id": second.id},
        )
        ids = {"client": client.id, "entry": whole, "passage": passage, "past": past}
        return ids | {"checkin": checkin}


def test_signed_out_pages(page, context):
    for path in SIGNED_OUT:
        check_page(page, path, _slug("visitor", path), context.errors)
    # The missing page answers 404 and the dead reset link 410, on purpose.
    assert [e for e in context.errors if "404" not in e and "410" not in e] == []


def test_client_pages(app, page, context):
    email = register(page)
    page.goto("/journal/new")
    page.fill("#title", "After Tuesday")
    page.fill(
        "#body", "I noticed I held back when we talked about work.\n\nNext time I want to say it."
    )
    page.fill("#tags", "session, honesty")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/journal/[0-9a-f-]{36}$"))
    entry = page.url.rsplit("/", 1)[1]
    found = _therapist_of(app, email, entry)
    for path in CLIENT:
        check_page(page, path.format(entry=entry, **found), _slug("client", path), context.errors)
    assert context.errors == []


def _code(secret, ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + ahead)


def test_therapist_pages(app, page, context):
    """A new therapist is led to two-step sign-in first; then every therapist page passes."""
    email = register(page, role="therapist", name="Dr Lee")
    assert page.url.endswith("/account/two-factor")
    check_page(page, "/account/two-factor", "therapist-two-factor-required", context.errors)
    page.click("main button[type=submit]")  # Set up
    secret = page.text_content("main code").replace(" ", "")
    shoot(page, "therapist-two-factor-setup")
    page.fill("#code", _code(secret))
    page.click("main button[type=submit]")  # Turn on
    found = _client_of(app, email)
    for path in THERAPIST:
        check_page(page, path.format(**found), _slug("therapist", path), context.errors)
    page.goto("/logout")
    page.click("main button[type=submit]")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    assert page.url.split("?")[0].endswith(SIGN_IN_STEPS[0])
    check_page(page, page.url, "therapist-sign-in-code", context.errors)
    page.fill("#code", _code(secret, ahead=1))
    page.click("main button[type=submit]")
    assert page.url.endswith("/therapist")
    assert context.errors == []


def test_dark_mode_and_reduced_motion_stay_accessible(browser, live_server):
    """With a dark colour scheme and reduced motion asked for, contrast still passes."""
    ctx = browser.new_context(
        base_url=live_server,
        viewport={"width": 360, "height": 780},
        color_scheme="dark",
        reduced_motion="reduce",
    )
    page = ctx.new_page()
    register(page)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    pages = ("/journal", "/journal/new", "/journal/prompts", "/journal/ledger", "/journal/goals")
    pages += ("/journal/tasks",)
    for path in (*pages, "/account"):
        page.goto(path)
        assert _axe(page) == [], path
    shoot(page, "client-account-dark")
    ctx.close()
    assert background != "rgb(247, 244, 238)"  # the light theme's background is not used


def test_keyboard_focus_is_always_visible(page):
    """Tabbing through a form page shows a focus outline on every stop, skip link first."""
    page.goto("/register")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(10):
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert style[0] != "none" and style[1] >= 2, page.evaluate(
            "document.activeElement.outerHTML"
        )
        page.keyboard.press("Tab")
