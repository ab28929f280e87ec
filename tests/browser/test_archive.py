"""The readable archive on a phone: downloaded through the account page, its index.html opened
from a folder with the network off renders, asks for nothing and runs nothing."""

import zipfile
from datetime import timedelta

from sqlalchemy import select

from journal.extensions import db
from journal.models import User, utcnow
from journal.services import (
    accounts,
    answers,
    archive,
    checkins,
    entries,
    goals,
    links,
    sharing,
    tasks,
)
from tests.browser.conftest import MOBILE, register, shoot
from tests.browser.test_pages import _axe
from tests.conftest import PASSWORD

SCRIPT = "<script>window.ran = 1</script>"
WRITTEN = [
    ("The session on Tuesday", "I felt heard today.\n\nWe slowed down, and that helped.", []),
    ("", "A short one without a title.", ["sleep"]),
    (SCRIPT, f"{SCRIPT} stays text.\nA long word: {'unbroken' * 12}", ["<b>not bold</b>"]),
    ("Feedback about the pace", "The pace feels rushed when we start on homework.", ["pace"]),
]


def fill_journal(app, email) -> str:
    """Give the account written entries, one shared and answered, a check-in, a goal, a task;
    return the therapist's id."""
    with app.app_context():
        client = db.session.scalar(select(User).where(User.email == email))
        therapist = accounts.register(f"t-{email}", PASSWORD, "Dr Ada Quinn", "therapist")
        links.redeem(client, links.create_invite(therapist)[1])
        made = [
            entries.create(
                client,
                {"id": None, "kind": "reflection", "title": title, "body": body}
                | {"tags": tags, "prompt_id": None},
            )[0]
            for title, body, tags in WRITTEN
        ]
        sharing.share(client, made[0].id, therapist.id)
        answers.answer_entry(
            therapist,
            client.id,
            made[0].id,
            {"heard": True, "reply": "Thank you. Let's start there.", "discuss_next_session": True},
        )
        scores = {"bond": 8, "goals": 6, "approach": 7, "overall": 7}
        checkins.create(
            client, {"therapist_id": therapist.id, "note": "Better", "shared": True} | scores
        )
        goals.create(client, {"text": "Sleep before midnight", "shared_with": [therapist.id]})
        due = {"date": (utcnow() + timedelta(days=3)).date()}
        tasks.assign(therapist, client.id, {"text": "Notice one kind moment", "due": due})
        goals.suggest(therapist, client.id, "Rest on Sundays")
        return therapist.id


def download_archive(page, tmp_path):
    """Choose the archive on the export page, give the password, and unpack what comes."""
    page.goto("/account")
    page.click("text=Download a readable archive")
    page.wait_for_url("**/account/export?format=zip")
    assert page.is_checked("input[name=format][value=zip]")
    page.fill("#password", PASSWORD)
    with page.expect_download() as found:
        page.click("main button[type=submit]")
    download = found.value
    assert download.suggested_filename.startswith("alliance-journal-")
    assert download.suggested_filename.endswith(".zip")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "archive")
    return tmp_path / "archive"


def test_the_archive_opens_offline_and_runs_nothing(app, browser, page, tmp_path):
    email = register(page)
    therapist_id = fill_journal(app, email)
    page.goto("/account/export")
    assert _axe(page) == []
    shoot(page, "account-export")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)  # let colour transitions finish
    assert _axe(page) == []
    shoot(page, "account-export-dark")
    page.emulate_media(color_scheme="light")
    page.wait_for_timeout(300)
    folder = download_archive(page, tmp_path)
    assert page.locator("[data-download-status]").inner_text().startswith("Your download")

    # A fresh profile with the network off, as someone opening the file years from now might.
    offline = browser.new_context(viewport=MOBILE)
    offline.set_offline(True)
    reader = offline.new_page()
    asked, problems = [], []
    reader.on("request", lambda request: asked.append(request.url))
    reader.on("console", lambda message: problems.append(message.text))
    reader.on("pageerror", lambda error: problems.append(str(error)))
    address = (folder / "index.html").as_uri()
    reader.goto(address)
    assert reader.locator("h1").inner_text() == "Your journal"
    assert asked == [address]  # the page itself, nothing else
    assert problems == []
    assert reader.evaluate("typeof window.ran") == "undefined"
    assert reader.evaluate("document.scripts.length") == 0
    shown = reader.locator(".entry h3", has_text="window.ran")
    assert shown.inner_text() == SCRIPT  # the title shows as the words it is
    body = reader.locator(".entry .body", has_text="stays text").inner_text()
    assert body.startswith(f"{SCRIPT} stays text.")
    assert reader.locator(".reply", has_text="Let's start there.").count() == 1
    # Readable at 360 px: nothing runs off the side.
    assert reader.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    shoot(reader, "archive-index")
    assert _axe(reader) == []  # through DevTools, which the file's policy does not govern
    reader.emulate_media(color_scheme="dark")
    background = reader.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 26, 27)"
    assert _axe(reader) == []
    shoot(reader, "archive-index-dark")

    # The therapist's own archive: their words, none of the client's, just as readable.
    with app.app_context():
        made = archive.build(db.session.get(User, therapist_id))
        (tmp_path / "theirs.zip").write_bytes(made.file.read())
        made.file.close()
    with zipfile.ZipFile(tmp_path / "theirs.zip") as theirs:
        theirs.extractall(tmp_path / "theirs")
    reader = offline.new_page()
    reader.goto((tmp_path / "theirs" / "index.html").as_uri())
    assert "Thank you. Let's start there." in reader.content()
    assert "We slowed down" not in reader.content()
    assert _axe(reader) == []
    shoot(reader, "archive-index-therapist")
    offline.close()
