"""Page weight of the client's home on a first visit with the cache off."""

from tests.browser.conftest import register

MAX_TOTAL = 150 * 1024
MAX_SCRIPT = 75 * 1024


def test_client_home_is_light(context, page, browser, live_server):
    """At most 150 KiB transferred on first load, at most 75 KiB of it JavaScript."""
    register(page)
    # A first visit: a new profile with no service worker or cache, only the sign-in cookie.
    first = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 780})
    first.add_cookies(context.cookies())
    fresh = first.new_page()
    cdp = first.new_cdp_session(fresh)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    fresh.goto("/journal")
    fresh.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    script = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Script")
    first.close()
    print(f"client home, first load: {total} bytes, {script} of them JavaScript")
    assert 0 < total <= MAX_TOTAL, total
    assert 0 < script <= MAX_SCRIPT, script
