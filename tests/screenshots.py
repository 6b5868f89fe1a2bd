"""Full-page screenshots of every built briefing.html, at a desktop and a phone width.

    .venv/bin/python tests/screenshots.py [--reports reports] [--out docs/screenshots]

writes <out>/<report>-desktop.png (1280 px wide) and <out>/<report>-phone.png (390 px wide), using
Debian's Chromium (/usr/bin/chromium) through Playwright. `make screenshots` builds the reports first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": 1280, "phone": 390}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=Path, default=ROOT / "reports", help="folder of built reports (default: reports/)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the PNG files go (default: docs/screenshots/)"
    )
    args = parser.parse_args(argv)
    reports = [r["id"] for r in yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["reports"]]
    missing = [r for r in reports if not (args.reports / r / "briefing.html").is_file()]
    if missing:
        print(f"not built yet: {', '.join(missing)} (run make first)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for report in reports:
                page.goto((args.reports / report / "briefing.html").resolve().as_uri(), wait_until="load")
                target = args.out / f"{report}-{name}.png"
                page.screenshot(path=target, full_page=True, animations="disabled")
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
