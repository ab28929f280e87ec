"""Devices named as a person knows them, never as a raw User-Agent."""

import pytest

from journal.devicenames import UNKNOWN, device_name

ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/156.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (ANDROID, "Chrome on Android"),
        (IPHONE, "Safari on an iPhone"),
        (MAC, "Safari on a Mac"),
        (WINDOWS, "Firefox on Windows"),
        (HEADLESS, "Chrome on Linux"),
        ("", UNKNOWN),
        (None, UNKNOWN),
        ("\x00 not a browser at all", UNKNOWN),
    ],
)
def test_names_people_recognise(agent, name):
    assert device_name(agent) == name


def test_the_account_page_names_devices(api_as):
    api = api_as("client")
    page = api.client.get("/account", headers={"User-Agent": ANDROID}).get_data(as_text=True)
    assert "Mozilla/5.0" not in page
