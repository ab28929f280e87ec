"""One phone, two people: what a client leaves on a shared device is unreadable once they are
signed out (by themselves, by an idle timeout, or from another device), is never offered to or
sent by the next person, and comes back whole when they sign in again. And recent entries can be
read, searched and edited offline, under the same rule."""

import re

import pytest
from sqlalchemy import select

from journal.errors import AppError
from journal.extensions import db
from journal.models import DeviceKey, Entry, User
from journal.services import entries, sessions
from tests.browser.conftest import ready_offline, register, shoot, sign_in, time_out
from tests.browser.test_journey import bodies, wait_for
from tests.browser.test_sharing_journey import snap

FEEDBACK = "I feel judged when you sigh after I talk about drinking"
OFFLINE = "Written on the bus with no signal, about my sister"
PAGES_ONLINE = ["/", "/login", "/register", "/offline", "/journal", "/feedback/new"]
PAGES_OFFLINE = ["/", "/offline", "/journal", "/journal/new", "/feedback/new", "/checkins"]

# Every storage of the origin, read back as text: IndexedDB (each store, each record, each
# buffer decoded), Cache Storage (each cached response's body), localStorage, sessionStorage.
EVERYTHING_STORED = """async () => {
  const decode = (v) => {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      return new TextDecoder("utf-8", { fatal: false }).decode(v);
    }
    if (v && typeof v === "object") {
      return Object.entries(v).map(([k, x]) => k + ":" + decode(x)).join("|");
    }
    return String(v);
  };
  const out = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok) => {
      const req = indexedDB.open(info.name);
      req.onsuccess = () => ok(req.result);
    });
    for (const name of db.objectStoreNames) {
      const all = await new Promise((ok) => {
        const req = db.transaction(name).objectStore(name).getAll();
        req.onsuccess = () => ok(req.result);
      });
      out.push(...all.map(decode));
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      out.push(await (await cache.match(request)).text());
    }
  }
  for (const store of [localStorage, sessionStorage]) {
    for (let i = 0; i < store.length; i++) out.push(store.key(i) + store.getItem(store.key(i)));
  }
  return out.join("\\n");
}"""

PRIVATE_KEYS = """() => new Promise((resolve) => {
  const req = indexedDB.open("alliance-journal");
  req.onsuccess = () => {
    const all = req.result.transaction("keys").objectStore("keys").getAll();
    all.onsuccess = () => resolve(all.result.filter((k) => k && k.privateKey).length);
  };
})"""


def user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def feedback_bodies(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return [v.body for v in entries.list_all(user) if v.kind == "feedback"]


@pytest.fixture
def refuse_entries(monkeypatch):
    """The server turns new entries away for now (503): the outbox keeps them and tries later.

    (Routing requests in the browser is not enough: a page a service worker controls may send
    them past the route.)
    """

    def refuse(*_args, **_kwargs):
        raise AppError(503, "unavailable", "Please try again in a moment.")

    def start():
        monkeypatch.setattr(entries, "create", refuse)
        return monkeypatch

    return start


def leave_words(page, context, app):
    """Client A: an unsaved feedback draft, and an entry written offline that can't be sent."""
    email = register(page, name="Alex")
    ready_offline(page)
    page.goto("/feedback/new")
    page.fill("#what", FEEDBACK)
    page.fill("#title", "The sighing")
    context.set_offline(True)
    page.goto("/journal/new")
    page.fill("#body", OFFLINE)
    page.wait_for_selector(".save-status[data-state=local]")
    context.set_offline(False)
    page.goto("/journal")
    page.wait_for_selector("[data-waiting]:not([hidden]) li >> nth=1")  # both listed, to A
    assert bodies(app, email) == []
    return email


def end_session(page, app, email, how):
    """A's session ends: A signs out, or it times out, or another device ends it."""
    if how == "signs out":
        page.goto("/logout")
        with page.expect_navigation():
            page.click("main button[type=submit]")
    elif how == "times out":
        time_out(app, email)
    else:
        with app.app_context():
            sessions.end_everywhere(db.session.scalar(select(User).where(User.email == email)))


def nothing_of_a_shows(page, context):
    """Signed out, online and offline: no page, and no storage, holds A's words."""
    for path in PAGES_ONLINE:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        shown = page.content()
        assert FEEDBACK not in shown and OFFLINE not in shown, path
        assert page.locator("[data-waiting]:not([hidden])").count() == 0, path
    assert page.evaluate(PRIVATE_KEYS) == 0
    stored = page.evaluate(EVERYTHING_STORED)
    assert stored, "the storages were read"
    for words in (FEEDBACK, OFFLINE, "sigh", "sister", "Alex"):
        assert words not in stored
    context.set_offline(True)
    for path in PAGES_OFFLINE:
        page.goto(path)
        page.wait_for_selector("[data-view=away]:not([hidden])")
        page.wait_for_timeout(200)
        shown = page.content()
        assert FEEDBACK not in shown and OFFLINE not in shown, path
        assert page.locator("[data-waiting]:not([hidden])").count() == 0, path
        assert page.is_hidden("[data-signed-in]") and page.is_hidden("[data-view=home]")
    shoot(page, "offline-signed-out")
    with page.expect_navigation():  # back online, the offline page opens the real one
        context.set_offline(False)


@pytest.mark.parametrize("how", ["signs out", "times out", "is ended elsewhere"])
def test_a_shared_phone_shows_the_next_person_nothing(app, page, context, how, refuse_entries):
    refusing = refuse_entries()
    a = leave_words(page, context, app)
    end_session(page, app, a, how)
    nothing_of_a_shows(page, context)
    refusing.undo()  # the server takes entries again

    # B signs in on the same phone: none of A's words are offered to B or sent under B.
    b = register(page, name="Blake")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the outbox has run
    assert FEEDBACK not in page.content() and OFFLINE not in page.content()
    assert page.locator("[data-waiting]:not([hidden])").count() == 0
    page.goto("/feedback/new")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#what") == "" and page.is_hidden("[data-kept]")
    assert bodies(app, b) == [] and bodies(app, a) == []
    page.goto("/logout")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    # A signs in again and gets every word back, each saved exactly once.
    sign_in(page, a)
    page.wait_for_url(re.compile(r"/journal$"))
    assert wait_for(page, lambda: bodies(app, a) == [OFFLINE])
    page.goto("/feedback/new")
    page.wait_for_selector("[data-kept]:not([hidden])")
    assert page.input_value("#what") == FEEDBACK
    with page.expect_navigation():
        page.click("main button:has-text('Preview')")
    with page.expect_navigation():
        page.click("main button:has-text('Save as private feedback')")
    page.goto("/journal")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    assert sorted(bodies(app, a)) == sorted([OFFLINE, feedback_bodies(app, a)[0]])
    assert len(feedback_bodies(app, a)) == 1 and feedback_bodies(app, a)[0].startswith(FEEDBACK)
    assert bodies(app, b) == []


def kept_ids(page):
    return page.evaluate(
        """() => new Promise((resolve) => {
          const req = indexedDB.open("alliance-journal");
          req.onsuccess = () => {
            const all = req.result.transaction("entries").objectStore("entries").getAllKeys();
            all.onsuccess = () => resolve(all.result);
          };
        })"""
    )


def test_recent_entries_read_searched_and_edited_offline(app, page, context):
    email = register(page, name="Sam")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        made = {}
        for title, body in [
            ("The lighthouse", "I felt steady, like a lighthouse, when we talked about work."),
            ("Tuesday", "Rushed again at the end. I want to say it next time."),
            ("Goodbye to this one", "An entry I will delete from my laptop."),
        ]:
            data = {"id": None, "kind": "reflection", "title": title, "body": body}
            made[title] = entries.create(user, {**data, "tags": ["calm"], "prompt_id": None})[0].id
    ready_offline(page)
    page.goto("/journal")
    assert wait_for(page, lambda: len(kept_ids(page)) == 3)

    context.set_offline(True)
    page.goto("/journal")
    page.wait_for_selector("[data-view=home]:not([hidden])")
    titles = page.locator("[data-entry-list] .entry-title").all_text_contents()
    assert sorted(titles) == ["Goodbye to this one", "The lighthouse", "Tuesday"]
    assert "copy kept on this device, last brought up to date" in page.text_content(
        "[data-copy-note]"
    )
    snap(page, "offline-home")
    page.fill("#offline-q", "LIGHTHOUSE")
    assert page.locator("[data-entry-list] .entry-title").all_text_contents() == ["The lighthouse"]
    with page.expect_navigation():
        page.click("[data-entry-list] a")
    page.wait_for_selector("[data-view=entry]:not([hidden])")
    assert "like a lighthouse" in page.text_content("[data-entry-body]")
    snap(page, "offline-entry")
    with page.expect_navigation():
        page.click("[data-entry-edit]")
    page.wait_for_selector("[data-view=editor]:not([hidden])")
    assert page.input_value("#title") == "The lighthouse"
    page.fill("#body", "I felt steady, like a lighthouse. Edited with no signal.")
    page.wait_for_selector(".save-status[data-state=local]")
    snap(page, "offline-editor")

    with app.app_context():  # meanwhile, on the laptop, one entry is deleted
        entries.delete(
            db.session.scalar(select(User).where(User.email == email)), made["Goodbye to this one"]
        )
    context.set_offline(False)
    lighthouse = made["The lighthouse"]

    def edited_once():
        with app.app_context():
            entry = db.session.get(Entry, lighthouse)
            return entry.version == 2

    assert wait_for(page, edited_once)
    assert "Edited with no signal." in " ".join(bodies(app, email))
    page.goto("/journal")
    assert wait_for(page, lambda: made["Goodbye to this one"] not in kept_ids(page))
    assert sorted(kept_ids(page)) == sorted([lighthouse, made["Tuesday"]])
    page.wait_for_timeout(500)
    with app.app_context():
        assert db.session.get(Entry, lighthouse).version == 2  # sent once, not twice

    # Turned off: nothing but drafts is kept.
    page.goto("/account")
    page.check("input[name=offline_reading][value=false]")
    with page.expect_navigation():
        page.click("#this-device button[type=submit]")
    page.goto("/journal")
    assert wait_for(page, lambda: kept_ids(page) == [])
    context.set_offline(True)
    page.goto("/journal")
    page.wait_for_selector("[data-view=home]:not([hidden])")
    assert "keep nothing on this device but what you're writing" in page.text_content(
        "[data-empty]"
    )
    assert page.locator("[data-entry-list] li").count() == 0
    context.set_offline(False)
    assert context.errors == [] or all("net::" in e or "Failed" in e for e in context.errors)


def test_forget_what_this_device_keeps(app, page, context, refuse_entries):
    """The copy goes, an unsent draft stays readable under the new key, the old key is gone."""
    email = register(page)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        data = {"id": None, "kind": "reflection", "title": "Kept", "tags": [], "prompt_id": None}
        entries.create(user, {**data, "body": "Words for the offline copy."})
    page.goto("/journal")
    assert wait_for(page, lambda: len(kept_ids(page)) == 1)
    refusing = refuse_entries()
    page.goto("/journal/new")
    page.fill("#body", "A draft that must survive the new key.")
    page.wait_for_selector(".save-status[data-state=local]")
    page.goto("/account")
    page.click("[data-device-forget] button")
    page.wait_for_selector("[data-device-status]:has-text('Done.')")
    snap(page, "account-device")
    assert kept_ids(page) == []
    refusing.undo()
    page.goto("/journal")
    assert wait_for(page, lambda: "A draft that must survive the new key." in bodies(app, email))
    with app.app_context():
        [row] = db.session.scalars(
            select(DeviceKey).where(DeviceKey.user_id == user_id(app, email))
        )
        assert row.previous_sealed is None and row.replaced_at is not None


# What version 1 left on a device: one AES key for every account, and a draft sealed with it.
PLANT_VERSION_ONE = """async ([owner, text]) => {
  const db = await new Promise((ok) => {
    const req = indexedDB.open("alliance-journal");
    req.onsuccess = () => ok(req.result);
  });
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false,
                                              ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const fields = { kind: "reflection", title: "", body: text, tags: [], prompt_id: null };
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key,
                                           new TextEncoder().encode(JSON.stringify(fields)));
  const tx = db.transaction(["keys", "drafts"], "readwrite");
  tx.objectStore("keys").put(key, "drafts");
  tx.objectStore("drafts").put({ id: crypto.randomUUID(), owner, mode: "create", state: "pending",
    baseVersion: null, current: null, problem: null, sealed: { iv, data }, savedAt: Date.now() });
  await new Promise((ok) => { tx.oncomplete = ok; });
}"""

LEGACY_KEY = """() => new Promise((resolve) => {
  const req = indexedDB.open("alliance-journal");
  req.onsuccess = () => {
    const get = req.result.transaction("keys").objectStore("keys").get("drafts");
    get.onsuccess = () => resolve(Boolean(get.result));
  };
})"""


def test_drafts_from_version_one_move_to_their_own_accounts_key(app, page):
    """A draft sealed under the old shared key is sealed to its account's key at its next
    sign-in there, and sent; the old key is deleted once nothing needs it."""
    email = register(page, name="Robin")
    page.goto("/logout")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.evaluate(PLANT_VERSION_ONE, [user_id(app, email), "Written before keys left with people."])
    assert page.evaluate(LEGACY_KEY)
    sign_in(page, email)
    page.wait_for_url(re.compile(r"/journal$"))
    assert wait_for(page, lambda: bodies(app, email) == ["Written before keys left with people."])
    assert wait_for(page, lambda: not page.evaluate(LEGACY_KEY))
