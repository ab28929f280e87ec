"""The installable app: manifest, service worker, installability, offline shell."""

import json

from tests.browser.conftest import ready_offline, register


def test_manifest_describes_an_installable_app(page):
    """The manifest has the fields and the icons browsers ask for."""
    response = page.goto("/manifest.webmanifest")
    manifest = json.loads(response.text())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).headers["content-type"] == "image/png"


def test_chrome_reports_no_installability_errors(persistent):
    """Chrome's own check, through the DevTools protocol, finds nothing missing."""
    context = persistent()
    page = context.new_page()
    page.goto("/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []


def test_service_worker_controls_the_page(page):
    """After the first visit the service worker serves the app."""
    page.goto("/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    headers = page.request.get("/sw.js").headers
    assert headers["cache-control"] == "no-cache"


def test_offline_the_new_entry_page_still_opens(context, page):
    """Signed in once, a client can open the new-entry page with no network."""
    register(page)
    ready_offline(page)
    context.set_offline(True)
    page.goto("/journal/new")
    page.wait_for_selector("#body")
    page.goto("/journal/some-page-never-seen")
    assert "You're offline" in page.text_content("h1")
    context.set_offline(False)


CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    urls.push(...(await cache.keys()).map((r) => new URL(r.url).pathname));
  }
  return urls;
}"""


def test_the_worker_keeps_only_the_shell(page):
    """After reading and writing entries, no API answer or journal page is in any cache."""
    register(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto("/journal/new")
    page.fill("#title", "Private title")
    page.fill("#body", "Private words.")
    page.click("main button[type=submit]")
    page.wait_for_url("**/journal/*-*")
    page.reload()
    page.goto("/journal")
    cached = page.evaluate(CACHED_URLS)
    assert "/offline" in cached and "/static/css/app.css" in cached
    journal_pages = [u for u in cached if u.startswith("/journal")]
    assert journal_pages == [] and not [u for u in cached if u.startswith("/api/")]


RAW_DRAFTS = """() => new Promise((resolve) => {
  const req = indexedDB.open("alliance-journal");
  req.onsuccess = () => {
    const all = req.result.transaction("drafts").objectStore("drafts").getAll();
    all.onsuccess = () => resolve(all.result.map((d) => ({
      sealed: new TextDecoder().decode(d.sealed.data), owner: d.owner, keys: Object.keys(d)})));
  };
})"""

KEY_FACTS = """() => new Promise((resolve) => {
  const req = indexedDB.open("alliance-journal");
  req.onsuccess = () => {
    const all = req.result.transaction("keys").objectStore("keys").getAll();
    all.onsuccess = () => resolve(all.result.filter((k) => k.privateKey).map((k) => ({
      extractable: k.privateKey.extractable, algorithm: k.privateKey.algorithm.name})));
  };
})"""


def test_drafts_on_the_device_are_sealed(page, context):
    """A draft in IndexedDB holds no readable text, and its key cannot be exported."""
    register(page)
    ready_offline(page)
    context.set_offline(True)
    page.fill("#body", "A very private sentence.")
    page.wait_for_selector(".save-status[data-state=local]")
    drafts = page.evaluate(RAW_DRAFTS)
    assert len(drafts) == 1 and "private" not in drafts[0]["sealed"]
    assert "body" not in drafts[0]["keys"] and "title" not in drafts[0]["keys"]
    assert page.evaluate(KEY_FACTS) == [{"extractable": False, "algorithm": "ECDH"}]
    context.set_offline(False)
