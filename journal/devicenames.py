"""Names a person recognises for a browser ("Chrome on Android"), read from its User-Agent with
ua-parser (the maintained uap-core rules), never the raw string."""

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "A browser we can't name"
# The parser's names for mobile and automated builds, as people know them.
BROWSERS = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome",
    "HeadlessChrome": "Chrome",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
}
SYSTEMS = {"Mac OS X": "a Mac", "Chrome OS": "a Chromebook"}


@lru_cache(maxsize=1024)
def device_name(user_agent: str | None) -> str:
    """A short name for the browser and the system it runs on."""
    result = parse(user_agent or "")
    browser = result.user_agent.family if result.user_agent else None
    browser = BROWSERS.get(browser, browser) if browser not in (None, "Other") else None
    system = result.os.family if result.os else None
    if system == "iOS" and result.device and result.device.family in ("iPhone", "iPad"):
        system = "an iPhone" if result.device.family == "iPhone" else "an iPad"
    system = SYSTEMS.get(system, system) if system not in (None, "Other") else None
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else UNKNOWN)
