"""Sharing in a real browser, one profile per person: a therapist invites, a client joins,
shares two entries (a passage, and one until a date) in a packet for Thursday; the therapist
reads the digest and one entry; the client sees the read, then withdraws the other entry."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from tests.browser.conftest import MOBILE, register, shoot

ENTRY_URL = re.compile(r"/journal/[0-9a-f-]{36}$")
PASSAGE = "I want us to slow down when we get to my family."


def snap(page, name):
    """Take a screenshot, then let the layout settle before the next click lands."""
    shoot(page, name)
    # A full-page shot stretches the viewport and back, and Chromium keeps stale metrics that
    # put the next click off target; a real resize puts them right.
    page.set_viewport_size({"width": MOBILE["width"], "height": MOBILE["height"] + 1})
    page.set_viewport_size(MOBILE)


def text(page, selector):
    """The visible words of an element, with runs of white space made single spaces."""
    return " ".join(page.text_content(selector).split())


def _code(secret, ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + ahead)


def next_thursday() -> datetime:
    """Next Thursday at 14:00 UTC (a week on, if today is Thursday)."""
    today = datetime.now(UTC)
    days = (3 - today.weekday()) % 7 or 7
    return (today + timedelta(days=days)).replace(hour=14, minute=0, second=0, microsecond=0)


@pytest.fixture
def second_page(browser, live_server):
    """A page in a second, separate profile: the other person's phone."""
    ctx = browser.new_context(base_url=live_server, viewport=MOBILE)
    ctx.errors = []
    page = ctx.new_page()
    page.on("console", lambda m: m.type == "error" and ctx.errors.append(m.text))
    page.on("pageerror", lambda e: ctx.errors.append(str(e)))
    yield page
    ctx.close()


def therapist_signs_up(page):
    """Register as a therapist and turn on two-step sign-in, as the app asks first."""
    register(page, role="therapist", name="Dr Lee")
    page.click("main button[type=submit]")  # Set up
    secret = page.text_content("main code").replace(" ", "")
    page.fill("#code", _code(secret))
    page.click("main button[type=submit]")  # Turn on
    page.goto("/therapist")


def write(page, title, body, kind="reflection"):
    """Write an entry through the page; return its id."""
    page.goto("/journal/new")
    page.select_option("#kind", kind)
    page.fill("#title", title)
    page.fill("#body", body)
    page.click("main form button[type=submit]")
    page.wait_for_url(ENTRY_URL)
    return page.url.rsplit("/", 1)[1]


SELECT_WORDS = """(words) => {
  const node = document.querySelector('[data-passage-source]').firstChild;
  const start = node.textContent.indexOf(words);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + words.length);
  const selection = document.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def test_invite_join_share_prepare_read_and_withdraw(page, context, second_page):
    therapist, client = page, second_page

    # The therapist invites.
    therapist_signs_up(therapist)
    assert "No clients linked yet" in therapist.text_content("main")
    therapist.click("main button:has-text('Invite a client')")
    code = therapist.text_content(".invite-code").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    join_link = therapist.get_attribute(".join-link a", "href")
    assert join_link.endswith(f"/join/{code}")
    snap(therapist, "sharing-invite-code")

    # The client joins through the link, after reading what linking means.
    register(client, name="Sam")
    client.goto(join_link)
    assert "Link with Dr Lee?" in client.text_content("h1")
    assert "not even their titles" in client.text_content("main")
    snap(client, "sharing-join-preview")
    with client.expect_navigation():
        client.click("main button:has-text('Link with Dr Lee')")
    assert client.url.endswith("/links")
    assert "You're linked with Dr Lee" in client.text_content(".notice")

    # The client writes two entries and shares one as a passage, one until a date.
    first = write(client, "After Tuesday", f"Work was a lot this week.\n{PASSAGE}\nMore later.")
    client.evaluate(SELECT_WORDS, PASSAGE)
    client.wait_for_selector("[data-passage-use]:not([disabled])")
    client.click("[data-passage-use]")
    assert client.input_value("#passage") == PASSAGE
    assert client.is_checked("input[name=part][value=passage]")
    snap(client, "sharing-entry-share-form")
    client.click("#sharing button:has-text('Share')")
    client.wait_for_url(re.compile(rf"/journal/{first}#sharing$"))
    assert f"a passage: “{PASSAGE}”" in client.text_content(".share-list")

    second = write(client, "The pace", "Sessions feel rushed to me lately.", kind="feedback")
    thursday = next_thursday()
    until = thursday + timedelta(days=1)
    client.check("input[name=keep][value=until]")
    client.fill("#until", until.strftime("%Y-%m-%dT%H:%M"))
    client.click("#sharing button:has-text('Share')")
    client.wait_for_url(re.compile(rf"/journal/{second}#sharing$"))
    shown = client.text_content(".share-list")
    assert f"until {until.strftime('%a %-d %b %Y, %H:%M')} UTC" in shown

    # Both go into the packet for Thursday, the passage first.
    client.goto("/links")
    client.click("main a:has-text('Add a session date')")
    client.fill("#starts_at", thursday.strftime("%Y-%m-%dT%H:%M"))
    client.click("main button:has-text('Add session')")
    client.wait_for_url(re.compile(r"/prepare/[0-9a-f-]{36}$"))
    assert "Thu" in client.text_content("h1")
    client.fill("#agenda", "I'd like to talk about the pace first.")
    client.check(f"#pick-{first}")
    client.fill(f"#order-{first}", "1")
    client.check(f"#pick-{second}")
    client.fill(f"#order-{second}", "2")
    snap(client, "sharing-prepare-packet")
    with client.expect_navigation():
        client.click("main button:has-text('Save packet')")
    assert "Packet saved." in client.text_content(".notice")

    # The therapist sees the digest (feedback first) and reads the passage.
    therapist.goto("/therapist")
    assert "2 new" in therapist.text_content(".client-list")
    snap(therapist, "sharing-therapist-home")
    with therapist.expect_navigation():
        therapist.click(".client-list a")
    assert "I'd like to talk about the pace first." in therapist.text_content(".agenda")
    items = therapist.locator(".packet-list .packet-title").all_text_contents()
    assert items == ["The pace", "A passage"]
    assert "Feedback about our work" in therapist.text_content(".packet-item >> nth=0")
    assert "After Tuesday" not in therapist.text_content("main")
    second_url = therapist.get_attribute(".packet-item >> nth=0 >> a", "href")
    snap(therapist, "sharing-therapist-digest")
    with therapist.expect_navigation():
        therapist.click(".packet-item >> nth=1 >> a")
    assert therapist.text_content("h1") == "A passage"
    assert PASSAGE in therapist.text_content(".passage")
    assert "Work was a lot" not in therapist.text_content("main")
    snap(therapist, "sharing-therapist-reads-passage")

    # The client sees "read", and the read in the access log.
    client.goto(f"/journal/{first}")
    assert re.search(r"Shared with Dr Lee · read \d+ \w+ \d{4}", text(client, ".share-list"))
    client.goto("/access-log")
    rows = client.locator(".access-list li").all_text_contents()
    assert any(
        "Dr Lee" in row and "read the passage you shared from After Tuesday" in row for row in rows
    )
    snap(client, "sharing-access-log")

    # The client withdraws the other entry; the therapist can no longer open it.
    client.goto(f"/journal/{second}")
    with client.expect_navigation():
        client.click("#sharing button:has-text('Withdraw')")
    assert "Dr Lee can no longer read this entry." in client.text_content(".notice")
    assert "Private: only you can read this." in client.text_content("#sharing")
    response = therapist.goto(second_url)
    assert response.status == 404
    assert therapist.text_content("h1") == "We couldn't find that"
    assert "Sessions feel rushed" not in therapist.text_content("main")
    snap(therapist, "sharing-therapist-after-withdraw")

    assert client.context.errors == []
    assert [e for e in context.errors if "404" not in e] == []
