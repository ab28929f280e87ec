"""The PWA's server side: manifest, service worker, offline page, icons."""

import json
import struct
from pathlib import Path

import pytest

from journal.security import CSP
from journal.web.pwa import SHELL_STATIC

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"


def test_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    for key in (
        "name",
        "short_name",
        "start_url",
        "scope",
        "display",
        "theme_color",
        "background_color",
        "icons",
    ):
        assert manifest[key], key
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


@pytest.mark.parametrize(
    ("name", "size"), [("icon-192.png", 192), ("icon-512.png", 512), ("icon-maskable-512.png", 512)]
)
def test_icons_are_pngs_of_their_size(name, size):
    data = (ICONS / name).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    text = response.get_data(as_text=True)
    assert "__SHELL_VERSION__" not in text and "__SHELL_FILES__" not in text
    files = json.loads(text.split("const SHELL_FILES = ", 1)[1].split(";\n", 1)[0])
    assert "/offline" in files
    assert all(f"/static/{name}" in files for name in SHELL_STATIC)
    assert not [f for f in files if f.startswith("/api/") or f.startswith("/journal")]


def test_every_shell_file_exists(client):
    for name in SHELL_STATIC:
        assert client.get(f"/static/{name}").status_code == 200, name


def test_offline_page(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Security-Policy"] == CSP
    text = response.get_data(as_text=True)
    assert "You're offline" in text and "emergency number" in text
    assert 'href="/journal/new"' in text


def test_pages_link_the_manifest_and_register_the_worker(client):
    text = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in text
    assert "js/register-sw.js" in text


def test_client_pages_carry_the_outbox_and_the_owner(api_as):
    api = api_as("client")
    text = api.client.get("/journal").get_data(as_text=True)
    assert f'<meta name="journal-user" content="{api.user.id}">' in text
    assert "js/outbox.js" in text and "data-waiting" in text
    assert '<meta name="journal-offline" content="on">' in text
    assert '<meta name="journal-time-zone" content="UTC">' in text


def test_no_page_for_anyone_else_names_an_owner(api_as, client):
    """Signed out, or a therapist: no page says whose words the device might keep."""
    therapist = api_as("therapist")
    for text in (
        client.get("/login").get_data(as_text=True),
        therapist.client.get("/account").get_data(as_text=True),
    ):
        assert "journal-user" not in text and "journal-offline" not in text
        assert "js/page.js" in text and "js/outbox.js" not in text


def test_the_offline_page_is_the_same_for_everyone(client, api_as):
    """It is kept by the service worker for whoever opens the app next: it names no one."""
    client_api, therapist = api_as("client"), api_as("therapist")
    pages = [
        client.get("/offline").get_data(as_text=True),
        client_api.client.get("/offline").get_data(as_text=True),
        therapist.client.get("/offline").get_data(as_text=True),
    ]
    assert pages[0] == pages[1] == pages[2]
    text = pages[0]
    assert '<meta name="journal-shell" content="offline">' in text
    assert "journal-user" not in text and "csrf" not in text.lower()
    assert client_api.user.display_name not in text and client_api.user.email not in text
    assert "Sign out" not in text and "Account" not in text
    assert "js/offline.js" in text and "data-autosave" in text


def test_the_worker_keeps_no_signed_in_page(client):
    """Older workers kept the new-entry page of whoever was signed in; this one keeps none."""
    text = client.get("/sw.js").get_data(as_text=True)
    assert "/journal/new" not in text and "pages-v1" not in text
