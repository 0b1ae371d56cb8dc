"""Screenshots of every page, as a reviewer looks at the dashboard: the first screen at a
meeting-room projector's 1280x720, and the whole page, at demo or NHS scale, into one folder.

    .venv/bin/python benchmarks/screenshots.py --scale demo --out screenshots/
    .venv/bin/python benchmarks/screenshots.py --scale nhs --out screenshots/ [--db PATH] [--reuse]

For each page of the navigation it writes `<scale>-<page>-screen.png` (what fits on the first
screen, without scrolling) and `<scale>-<page>-full.png` (the whole page, every part drawn), and
an `index.html` in the folder showing them all, page by page, demo beside NHS when both are there.
The warehouse is built first (`python -m etl demo [--scale nhs]`) into `--db`, or a temporary
file; `--reuse` keeps a warehouse already at `--db`. The real server (`streamlit run`) draws the
pages in Debian's Chromium, as in the browser tests (tests/test_browser.py).
"""
from __future__ import annotations

import argparse
import html
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Page slug (its URL path) and the title it shows, in the navigation's order.
PAGES = {"overview": "Overview", "projects": "Projects", "pathway": "R&D to operational pathway",
         "tech_stack": "Tech stack", "radar": "Tech radar", "collaboration": "Collaboration across teams",
         "repositories": "Repositories", "reports": "Reports", "data": "Data and refreshes"}
SCREEN = {"width": 1280, "height": 720}
# The page has run to the end and every chart on it has drawn its picture.
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')];
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && charts.every((chart) => chart.querySelector('.main-svg'));
}"""
# Streamlit scrolls its main area inside the window: how tall its content is (the bottom of its
# last element, and a margin), at least a screen.
CONTENT_HEIGHT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const bottoms = [...main.querySelectorAll('[data-testid="stElementContainer"]')]
    .map((e) => e.getBoundingClientRect().bottom);
  return Math.max(720, Math.ceil(Math.max(0, ...bottoms) + main.scrollTop + 48));
}"""


def build(db: Path, scale: str) -> None:
    command = [sys.executable, "-m", "etl", "demo", "--db", str(db)] + (["--scale", "nhs"] if scale == "nhs" else [])
    print(f"building the {scale} warehouse into {db} ...", flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def open_page(page, url: str, slug: str) -> None:
    page.goto(f"{url}/{slug}")
    page.wait_for_selector('[data-testid="stMain"] h1', state="visible", timeout=300_000)
    page.wait_for_function(DRAWN, timeout=300_000)
    page.wait_for_timeout(500)  # fonts and the last layout pass


def shoot(db: Path, scale: str, out: Path, pages: list[str]) -> list[tuple[str, Path, Path]]:
    """Screenshots of `pages` over the warehouse `db`: (page, first screen, full page) files."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, running_app

    made = []
    with running_app(db) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for slug in pages:
                started = time.perf_counter()
                context = browser.new_context(viewport=SCREEN)
                page = context.new_page()
                open_page(page, url, slug)
                screen = out / f"{scale}-{slug}-screen.png"
                page.screenshot(path=str(screen))
                # The whole page: a window as tall as the page, so Streamlit lays it all out.
                page.set_viewport_size({"width": SCREEN["width"], "height": page.evaluate(CONTENT_HEIGHT)})
                page.wait_for_function(DRAWN, timeout=300_000)
                page.wait_for_timeout(800)  # charts redrawn for the new size may grow the page
                page.set_viewport_size({"width": SCREEN["width"], "height": page.evaluate(CONTENT_HEIGHT)})
                page.wait_for_timeout(500)
                full = out / f"{scale}-{slug}-full.png"
                page.screenshot(path=str(full), full_page=True)
                context.close()
                made.append((slug, screen, full))
                print(f"  {slug:14s} {time.perf_counter() - started:5.1f} s  {screen.name}, {full.name}", flush=True)
        finally:
            browser.close()
    return made


def write_index(out: Path) -> Path:
    """index.html in `out`: every screenshot there, page by page, each scale side by side."""
    rows = []
    for slug, title in PAGES.items():
        cells = []
        for scale in ("demo", "nhs"):
            shots = [out / f"{scale}-{slug}-{kind}.png" for kind in ("screen", "full")]
            if shots[0].exists():
                cells.append(f'<figure><figcaption>{scale} scale: first screen (1280x720), then the whole page'
                             f'</figcaption>' + "".join(f'<a href="{s.name}"><img src="{s.name}" alt="{html.escape(title)}, '
                                                        f'{scale} scale"></a>' for s in shots if s.exists()) + "</figure>")
        if cells:
            rows.append(f'<section><h2 id="{slug}">{html.escape(title)}</h2><div class="scales">{"".join(cells)}</div></section>')
    index = out / "index.html"
    index.write_text(
        "<!doctype html><meta charset='utf-8'><title>Assembly Insights: every page</title>"
        "<style>body{font-family:sans-serif;margin:1rem 2rem}.scales{display:flex;gap:2rem;align-items:flex-start}"
        "figure{margin:0;flex:1}img{width:100%;border:1px solid #AEB7BD;margin-bottom:.5rem}</style>"
        "<h1>Assembly Insights: every page</h1><p>Made by <code>benchmarks/screenshots.py</code>.</p>"
        + "".join(rows), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["demo", "nhs"], default="demo")
    parser.add_argument("--out", type=Path, required=True, help="folder for the screenshots (made if missing)")
    parser.add_argument("--db", type=Path, help="warehouse to build (or, with --reuse, to use)")
    parser.add_argument("--reuse", action="store_true", help="use the warehouse already at --db")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES), metavar="PAGE",
                        help=f"only these pages ({', '.join(PAGES)})")
    args = parser.parse_args(argv)
    if args.reuse and not (args.db and args.db.exists()):
        parser.error("--reuse needs --db naming a warehouse that exists")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        db = args.db or Path(tmp) / "warehouse.duckdb"
        if not args.reuse:
            build(db, args.scale)
        shoot(db, args.scale, args.out, args.pages)
    print(f"index: {write_index(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
