"""Render the PNG app icons from static/icons/icon.svg with Debian's Chromium.

Run: .venv/bin/python -m tools.make_icons   (needs Chromium)
"""

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.chromium import ARGS, CHROMIUM

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"


def page_html(svg: str, size: int, maskable: bool) -> str:
    """An HTML page showing the icon at a size; maskable keeps it inside the safe circle."""
    data = base64.b64encode(svg.encode()).decode()
    inner = int(size * 0.72) if maskable else size
    background = "#2f5d62" if maskable else "transparent"
    return (
        f"<html><body style='margin:0;background:{background};display:grid;place-items:center;"
        f"width:{size}px;height:{size}px'><img src='data:image/svg+xml;base64,{data}' "
        f"width='{inner}' height='{inner}'></body></html>"
    )


def main() -> None:
    """Write icon-192.png, icon-512.png and icon-maskable-512.png."""
    svg = (ICONS / "icon.svg").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, size, maskable in (
            ("icon-192.png", 192, False),
            ("icon-512.png", 512, False),
            ("icon-maskable-512.png", 512, True),
        ):
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_html(svg, size, maskable))
            page.screenshot(path=str(ICONS / name), omit_background=not maskable)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
