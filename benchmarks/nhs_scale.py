"""Performance at NHS scale: build the NHS-scale warehouse, time every page, measure the app's
memory and the GitHub ETL, and check each figure against its budget.

    .venv/bin/python benchmarks/nhs_scale.py [--db PATH] [--reuse] [--etl-repos 1000]

Steps (each prints as it goes; a table with budgets comes last; exit 1 if a budget is missed):
1. `python -m etl demo --scale nhs`: 40 teams, 3,000 people, 5,000 repositories,
   1,000,000 commits, 500 projects, through the same loader as live data. Budget 60 s.
2. Every page through Streamlit's AppTest: cold (caches empty, as after a refresh) and warm
   (the same view again; median of three). Budgets 2 s cold, 300 ms warm.
3. The real server (`streamlit run`) in Debian's Chromium: the first visit, and the first visit
   to every other page (shown, not budgeted: the server imports each page's modules then);
   then, moving between pages with the sidebar as a viewer does, the Overview cold (after the
   warehouse file is replaced, as by a refresh) and warm (median of eleven), and every other page
   cold; the server's peak memory (VmHWM). Timed on the browser's clock from the click reaching
   the page until the script has finished and every chart on the page (and the Overview's
   tables) is drawn (Playwright's own checks before it clicks are not counted). Budgets 2 s
   cold, 300 ms warm, 1 GB.
4. The GitHub ETL against tests/github_server.py (a local server speaking GitHub's REST API):
   requests and seconds per repository for a first load, and the cost of a refresh when nothing
   changed. Budget ceil(repositories/100) + 3 requests.
The table also times a fixed loop of pure Python before and after step 3: the machine's speed at
the time, since a shared VM runs the same code faster or slower from one hour to the next.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["overview", "projects", "pathway", "tech_stack", "radar", "collaboration", "repositories", "reports", "data"]
BUDGET = {"build": 60.0, "cold": 2.0, "warm": 0.3, "memory_mb": 1024}
# Warm visits to the Overview in Chromium. Single visits range over 200 ms on a shared two-core
# VM, and medians of five moved by up to 85 ms between runs of the same code (BENCHMARKS.md).
WARM_VISITS = 11


def build(db: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "etl", "demo", "--scale", "nhs", "--db", str(db)], cwd=ROOT, check=True)
    return time.perf_counter() - started


def apptest_pages(db: Path) -> list[tuple[str, float, float]]:
    """(page, cold seconds, warm seconds) through AppTest, in this process."""
    os.environ["DSA_DB"] = str(db)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    entry = str(ROOT / "tests" / "app_entry.py")
    # One AppTest session for all pages, as one viewer moving between pages: what is timed is
    # the app's work, not AppTest's own start-up (it scans installed packages once per instance).
    at = AppTest.from_file(entry, default_timeout=600)

    def render(page: str) -> float:
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
        started = time.perf_counter()
        at.run()
        took = time.perf_counter() - started
        if at.exception:
            sys.exit(f"{page}: {at.exception[0].message}")
        return took

    render("overview")  # the process's own warm-up (imports), as in a server that has served a page
    out = []
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        cold = render(page)
        warm = []
        for _ in range(3):
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        out.append((page, cold, statistics.median(warm)))
        print(f"  {page:14s} cold {cold:6.2f} s   warm {1000 * statistics.median(warm):6.0f} ms", flush=True)
    return out


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


NAV = {"overview": "Overview", "projects": "Projects", "pathway": "Pathway", "tech_stack": "Tech stack",
       "radar": "Tech radar", "collaboration": "Collaboration", "repositories": "Repositories", "reports": "Reports",
       "data": "Data"}
# The page is drawn: its title differs from the page before, the script has finished, every Plotly
# chart on it has drawn its picture, and (for the Overview) its three HTML tables (dashboard.blocks:
# projects by stage, activity by team, newest projects) are on screen. Gives the browser's clock
# (performance.now) at that moment.
DRAWN = """([before, tables]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')];
  const drawn = app && app.getAttribute('data-test-script-state') === 'notRunning' && h1 && h1.innerText.trim() !== before
    && charts.every((chart) => chart.querySelector('.main-svg'))
    && document.querySelectorAll('[data-testid="stMain"] table.ai-table').length >= tables;
  return drawn ? performance.now() : false;
}"""
# The Overview's tables written by dashboard.blocks.
OVERVIEW_TABLES = 3
# Notes the browser's clock when the next click reaches the page (the moment a person's click
# takes effect; Playwright's own checks before clicking are not counted).
ON_CLICK = """() => { window.__clicked = null;
  document.addEventListener('click', (e) => { window.__clicked = e.timeStamp; }, {capture: true, once: true}); }"""


def browser_pages(db: Path) -> dict:
    """The real server in Chromium. A viewer opens the dashboard, then moves between pages with
    the sidebar (Streamlit's own navigation, no page reload): timed from the click until the
    page is drawn. "Cold" follows a replacement of the warehouse file, as after a refresh, so
    every cache misses; "warm" is the same page again, after a visit to another page."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, running_app

    out = {"pages": {}}
    with running_app(db) as (url, pid), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(300_000)

        def title() -> str:
            h1 = page.locator('[data-testid="stMain"] h1')
            return h1.first.inner_text().strip() if h1.count() else ""

        def go(name: str) -> float:
            """Seconds from the click on the page's link reaching the browser until it is drawn."""
            before, tables = title(), OVERVIEW_TABLES if name == "overview" else 0
            page.evaluate(ON_CLICK)
            page.locator('[data-testid="stSidebarNav"] a', has_text=NAV[name]).first.click()
            drawn = page.wait_for_function(DRAWN, arg=[before, tables]).json_value()
            took = (drawn - page.evaluate("window.__clicked")) / 1000
            if page.locator('[data-testid="stException"]').count():
                sys.exit(f"{name}: " + page.locator('[data-testid="stException"]').first.inner_text()[:300])
            return took

        started = time.perf_counter()
        page.goto(f"{url}/")
        page.wait_for_function(DRAWN, arg=["", OVERVIEW_TABLES])
        out["first_visit"] = time.perf_counter() - started
        print(f"  first visit (server just started, browser loads the app): {out['first_visit']:.2f} s", flush=True)
        # Every other page once, as a server that has been running serves them: the first visit
        # to a page since the server started also imports its modules and loads its parts of the
        # front end. Shown for information; "cold" below is the state after a refresh.
        out["first_pages"] = {}
        for name in PAGES[1:]:
            out["first_pages"][name] = go(name)
        print("  first visit to each page since the server started: " + ", ".join(
            f"{name} {took:.2f} s" for name, took in out["first_pages"].items()), flush=True)
        copy = db.with_name(f".{db.name}.copy")
        shutil.copyfile(db, copy)
        os.replace(copy, db)  # a new warehouse file, as after a refresh: every cache misses
        out["cold"] = go("overview")
        warm = []
        for _ in range(WARM_VISITS):
            go("repositories")
            warm.append(go("overview"))
        out["warm"], out["warm_visits"] = statistics.median(warm), warm
        print(f"  overview, in-app: cold {out['cold']:.2f} s, warm {1000 * out['warm']:.0f} ms (median of "
              + ", ".join(f"{1000 * w:.0f}" for w in warm) + " ms)", flush=True)
        for name in PAGES[1:]:
            if name != "repositories":
                out["pages"][name] = go(name)
                print(f"  {name}, in-app (cold): {out['pages'][name]:.2f} s", flush=True)
        out["memory_mb"] = peak_mb(pid)
        print(f"  app process peak memory: {out['memory_mb']:.0f} MB", flush=True)
        browser.close()
    return out


def etl(repos: int) -> dict:
    from benchmarks.github_refresh import TOKEN, populate, refresh, write_config
    from tests.github_server import FakeGitHub

    work = Path(tempfile.mkdtemp(prefix="dsa-nhs-etl-"))
    config_file = write_config(work)
    db = work / "warehouse.duckdb"
    with FakeGitHub(token=TOKEN) as gh:
        gh.retry_after_seconds = 0
        commits = populate(gh, repos, 10)
        first_s, first_n = refresh(config_file, db, gh.base_url)
        same_s, same_n = refresh(config_file, db, gh.base_url)
    out = {"repos": repos, "commits": commits, "first_requests": first_n, "first_seconds": first_s,
           "same_requests": same_n, "same_seconds": same_s, "same_budget": math.ceil(repos / 100) + 3}
    print(f"  {repos} repositories, {commits} commits: first load {first_n} requests in {first_s:.1f} s; "
          f"no change {same_n} requests in {same_s:.1f} s", flush=True)
    return out


def reference_workload() -> float:
    """Seconds for a fixed single-core piece of pure Python, median of five: how fast this machine
    is running right now. A shared VM's speed drifts from hour to hour, and every other figure
    drifts with it; this row lets runs be compared."""
    took = []
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i % 7 for i in range(1_000_000))
        took.append(time.perf_counter() - started)
    return statistics.median(took)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="where to build the warehouse (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="use the warehouse at --db as it is (no build)")
    parser.add_argument("--etl-repos", type=int, default=1000, help="repositories on the test GitHub server")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="dsa-nhs-")) / "warehouse.duckdb"
    db = db.resolve()
    cores = os.cpu_count()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    print(f"Machine: {cores} cores, {memory_gb:.0f} GB RAM, {platform.platform()}, Python {platform.python_version()}")

    print("1. Building the NHS-scale warehouse", flush=True)
    built = None if args.reuse else build(db)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    size = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("teams", "people", "repositories", "commits", "projects")}
    con.close()
    print("  " + ", ".join(f"{n:,} {t}" for t, n in size.items())
          + (f" in {built:.1f} s" if built is not None else " (reused)"), flush=True)
    print("2. Every page through AppTest", flush=True)
    pages = apptest_pages(db)
    print("3. The real server in Chromium", flush=True)
    speed = [reference_workload()]
    real = browser_pages(db)
    speed.append(reference_workload())
    print("4. GitHub ETL against the test server", flush=True)
    gh = etl(args.etl_repos)

    rows = []

    def row(what: str, figure: str, budget: str, ok: bool | None) -> None:  # None: no budget
        rows.append((what, figure, budget, ok))

    row("reference workload (a fixed loop of pure Python, one core; how fast the machine ran), "
        "before and after the Chromium part", " / ".join(f"{1000 * took:.0f}" for took in speed) + " ms", "-", None)

    if built is not None:
        row("warehouse build (" + ", ".join(f"{n:,} {t}" for t, n in size.items()) + ")",
            f"{built:.1f} s", f"{BUDGET['build']:.0f} s", built <= BUDGET["build"])
    for page, cold, warm in pages:
        row(f"{page}: cold (AppTest)", f"{cold:.2f} s", f"{BUDGET['cold']:.0f} s", cold <= BUDGET["cold"])
        row(f"{page}: warm (AppTest)", f"{1000 * warm:.0f} ms", f"{1000 * BUDGET['warm']:.0f} ms", warm <= BUDGET["warm"])
    row("first visit in Chromium (server just started: imports, caches and the browser loading the app)",
        f"{real['first_visit']:.2f} s", "-", None)
    row("first visit to each other page since the server started (Chromium, in-app; imports and caches)",
        " / ".join(f"{took:.2f}" for took in real["first_pages"].values()) + " s ("
        + ", ".join(real["first_pages"]) + ")", "-", None)
    row("overview: cold (Chromium, real server, in-app after a refresh)", f"{real['cold']:.2f} s",
        f"{BUDGET['cold']:.0f} s", real["cold"] <= BUDGET["cold"])
    row("overview: warm (Chromium, real server, in-app; includes the browser drawing the page)",
        f"{1000 * real['warm']:.0f} ms", f"{1000 * BUDGET['warm']:.0f} ms", real["warm"] <= BUDGET["warm"])
    for name, took in real["pages"].items():
        row(f"{name}: cold (Chromium, in-app)", f"{took:.2f} s", f"{BUDGET['cold']:.0f} s", took <= BUDGET["cold"])
    row("app process peak memory (every page served)", f"{real['memory_mb']:.0f} MB", f"{BUDGET['memory_mb']} MB",
        real["memory_mb"] <= BUDGET["memory_mb"])
    row(f"GitHub first load, {gh['repos']:,} repositories ({gh['commits']:,} commits)",
        f"{gh['first_requests']:,} requests, {gh['first_seconds']:.1f} s "
        f"({gh['first_requests'] / gh['repos']:.2f} requests and {1000 * gh['first_seconds'] / gh['repos']:.0f} ms "
        "per repository)", "-", None)
    row("GitHub refresh, nothing changed", f"{gh['same_requests']} requests, {gh['same_seconds']:.1f} s",
        f"{gh['same_budget']} requests", gh["same_requests"] <= gh["same_budget"])

    print("\n| measure | figure | budget | within |\n|---|---:|---:|---|")
    for what, figure, budget, ok in rows:
        print(f"| {what} | {figure} | {budget} | {'-' if ok is None else 'yes' if ok else 'NO'} |")
    missed = [r[0] for r in rows if r[3] is False]
    print("\nevery figure within its budget" if not missed else f"\nover budget: {'; '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
