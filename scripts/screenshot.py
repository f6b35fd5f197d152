"""Take the README screenshot (docs/screenshot.png) of the app, offline, in Debian's chromium.

    .venv/bin/python scripts/screenshot.py [--lang es] [--out docs/screenshot.png]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hilos_testing.chromium import CHROMIUM, CHROMIUM_ARGS, fence  # noqa: E402
from tests.browser.conftest import running_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="es", choices=["es", "en"])
    parser.add_argument("--query", default="", help="Extra query string, e.g. 'page=trace&from=...'.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_app(Path(folder) / "graph.json") as url:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            blocked: list[str] = []
            fence(page, blocked)
            page.goto(f"{url}/?lang={args.lang}&{args.query}")
            page.frame_locator("iframe").first.locator("canvas").first.wait_for(timeout=60_000)
            page.wait_for_timeout(2500)  # let the layout settle
            page.screenshot(path=str(args.out))
            browser.close()
    if blocked:
        sys.exit(f"the page asked for something outside 127.0.0.1 (blocked): {blocked}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
