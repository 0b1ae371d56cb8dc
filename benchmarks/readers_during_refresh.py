"""Readers during refreshes: the real dashboard, 10 browser sessions loading every page in turn
without pause, and three GitHub refreshes replacing the warehouse under them.

    .venv/bin/python benchmarks/readers_during_refresh.py [--sessions 10] [--refreshes 3]

GitHub is tests/github_server.py (a local server speaking GitHub's API); the refreshes are the
real `python -m etl refresh`. Every page load is checked for Streamlit exceptions and error
messages; the script prints page loads, errors and timings, and exits 1 if any reader saw an
error.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from tests.github_server import FakeGitHub  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

TOKEN = "readers-benchmark-token"
PAGES = ["overview", "projects", "pathway", "tech_stack", "radar", "collaboration", "repositories", "reports", "data"]
ERROR_TEXTS = ("could not be read", "holds no successful ETL run", "Traceback", "Error:")


def populate(gh: FakeGitHub, repos: int) -> None:
    rng = random.Random(7)
    for org in ("nhsx", "nhsengland"):
        gh.add_org(org)
    for i in range(repos):
        name = f"{'nhsx' if i % 2 else 'nhsengland'}/project-{i:03d}"
        gh.add_repo(name, languages={"Python": rng.randint(1000, 50000), "R": rng.randint(0, 9000)})
        for c in range(rng.randint(3, 25)):
            gh.commit(name, message=f"change {c}", date=dt.datetime(2025, 1, 6) + dt.timedelta(days=c * 3 + i),
                      author_login=f"analyst-{rng.randint(1, 30)}",
                      files={"requirements.txt": "pandas>=2\nscikit-learn\nplotly\n"} if c == 0 else {f"src/m{c}.py": "x"})


def new_work(gh: FakeGitHub, round_: int) -> None:
    for i in range(0, 40, 4):
        name = f"{'nhsx' if i % 2 else 'nhsengland'}/project-{i:03d}"
        gh.commit(name, message=f"round {round_}", date=dt.datetime(2025, 6, 1) + dt.timedelta(days=round_),
                  author_login=f"analyst-{round_ + i % 7}", files={f"src/round{round_}.py": "y"})


def refresh(db: Path, config_file: Path, base_url: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "etl", "refresh", "--config", str(config_file), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "GITHUB_API_URL": base_url, "GITHUB_TOKEN": TOKEN, "DSA_SALT": "bench"})
    return time.perf_counter() - started, done.returncode


async def reader(browser, url: str, n: int, stop: asyncio.Event, results: list) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    i = n  # each session starts on a different page
    while not stop.is_set():
        name = PAGES[i % len(PAGES)]
        i += 1
        started = time.perf_counter()
        error = None
        try:
            await page.goto(f"{url}/{name}")
            await page.wait_for_selector('[data-testid="stMain"] h1')
            await page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')")
            if await page.locator('[data-testid="stException"]').count():
                error = "exception: " + (await page.locator('[data-testid="stException"]').first.inner_text())[:200]
            else:
                text = await page.locator('[data-testid="stMain"]').inner_text()
                error = next((f"message: {t}" for t in ERROR_TEXTS if t in text), None)
        except Exception as exc:  # noqa: BLE001 - a timeout is a failure the reader saw
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        results.append({"session": n, "page": name, "seconds": time.perf_counter() - started, "error": error,
                        "at": time.monotonic()})
    await context.close()


async def main_async(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="readers-"))
    db = work / "warehouse.duckdb"
    gh = FakeGitHub(token=TOKEN)
    gh.retry_after_seconds = 0
    with gh:
        populate(gh, args.repos)
        config_file = work / "sources.yml"
        config_file.write_text(f"teams_file: {ROOT / 'data' / 'teams.yml'}\nrecords_dir: {ROOT / 'data' / 'projects'}\n"
                               "github:\n  seconds_between_requests: 0\n  retry_backoff: 0\n  organisations:\n"
                               "    - name: nhsx\n      team: ai-skunkworks\n    - name: nhsengland\n"
                               "      team: data-science-hub\n")
        took, code = refresh(db, config_file, gh.base_url)
        print(f"initial refresh: {took:.1f} s, exit {code}")
        with serve(db) as url:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results: list = []
                stop = asyncio.Event()
                readers = [asyncio.create_task(reader(browser, url, n, stop, results)) for n in range(args.sessions)]
                await asyncio.sleep(args.warmup)
                refreshes = []
                for r in range(args.refreshes):
                    new_work(gh, r + 1)
                    started_at = time.monotonic()
                    took, code = await asyncio.to_thread(refresh, db, config_file, gh.base_url)
                    refreshes.append((started_at, took, code))
                    print(f"refresh {r + 1}: {took:.1f} s, exit {code}")
                    await asyncio.sleep(args.pause)
                stop.set()
                await asyncio.gather(*readers)
                await browser.close()
    loads = len(results)
    errors = [r for r in results if r["error"]]
    during = [r for r in results if any(s <= r["at"] <= s + t + 5 for s, t, _ in refreshes)]
    times = sorted(r["seconds"] for r in results if not r["error"])
    print()
    print("| sessions | page loads | during refreshes | errors | median load (s) | p95 load (s) | refreshes |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    print(f"| {args.sessions} | {loads} | {len(during)} | {len(errors)} | {statistics.median(times):.2f} | "
          f"{times[int(0.95 * (len(times) - 1))]:.2f} | "
          + ", ".join(f"{t:.1f} s (exit {c})" for _, t, c in refreshes) + " |")
    by_page = {}
    for r in results:
        by_page.setdefault(r["page"], []).append(r)
    print("\nper page: " + ", ".join(f"{p} {len(rs)}" for p, rs in by_page.items()))
    for e in errors[:10]:
        print(f"ERROR session {e['session']} {e['page']}: {e['error']}")
    ok = not errors and all(c == 0 for _, _, c in refreshes)
    print("\nzero errors for readers" if ok else "\nreaders saw errors (or a refresh failed)")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--repos", type=int, default=80)
    parser.add_argument("--warmup", type=float, default=20, help="seconds of reading before the first refresh")
    parser.add_argument("--pause", type=float, default=10, help="seconds of reading between refreshes")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
