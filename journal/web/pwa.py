"""The installable app: manifest, service worker, offline page and icons."""

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

from journal.models import KINDS

bp = Blueprint("pwa", __name__)

# The app shell the service worker keeps for offline use: no journal text and no name in any of it.
SHELL_STATIC = [
    "css/app.css",
    "js/api.js",
    "js/idb.js",
    "js/seal.js",
    "js/device.js",
    "js/page.js",
    "js/limits.js",
    "js/drafts.js",
    "js/copy.js",
    "js/outbox.js",
    "js/autosave.js",
    "js/offline.js",
    "js/register-sw.js",
    "js/lockgate.js",
    "js/applock.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
]


def shell_files() -> list[str]:
    """Every URL the service worker precaches."""
    return ["/offline", "/manifest.webmanifest"] + [
        url_for("static", filename=name) for name in SHELL_STATIC
    ]


@cache
def _shell_version(static_folder: str, worker: bytes) -> str:
    """A hash of the shell, so a deploy that changes any of it installs a new cache."""
    digest = hashlib.sha256(worker)
    for name in SHELL_STATIC:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:16]


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from the root, so its scope is the whole app."""
    source = (Path(current_app.static_folder) / "sw.js").read_bytes()
    text = source.decode().replace("__SHELL_FILES__", json.dumps(shell_files()))
    text = text.replace("__SHELL_VERSION__", _shell_version(current_app.static_folder, source))
    return Response(
        text,
        mimetype="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


def _icon(name: str, size: str, purpose: str) -> dict:
    return {
        "src": url_for("static", filename=f"icons/{name}"),
        "sizes": size,
        "type": "image/png",
        "purpose": purpose,
    }


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the app to the browser so it can be installed."""
    body = {
        "name": "Alliance Journal",
        "short_name": "Journal",
        "description": "A private journal for the space between therapy sessions.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f4ee",
        "theme_color": "#2f5d62",
        "icons": [
            _icon("icon-192.png", "192x192", "any"),
            _icon("icon-512.png", "512x512", "any"),
            _icon("icon-maskable-512.png", "512x512", "maskable"),
        ],
    }
    return Response(
        json.dumps(body),
        mimetype="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@bp.get("/offline")
def offline():
    """The page the service worker shows when there is no network: the same for everyone."""
    page = render_template("pwa/offline.html", offline_page=True, kinds=KINDS, form={}, errors={})
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-cache"
    return response
