"""End to end: the real dashboard server in Debian's Chromium, driven by Playwright."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import config
from tests.conftest import build_with_project

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = config.ROOT / "test-artifacts"
# Flags that keep Chromium from reaching for the network it does not have here.
TEAM_IN_URL = re.compile(r"[?&]team=ai-imaging(&|$)")  # by the team's id, never its name
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path):
    """The dashboard served by `streamlit run` on a free port over the warehouse `db`: its URL."""
    with running_app(db) as (url, _):
        yield url


@contextlib.contextmanager
def running_app(db: Path, *, port: int | None = None, args: tuple[str, ...] = ()):
    """Like serve, giving the URL and the server's process id (for its memory); `args` go to
    `streamlit run` (for example `--secrets.files PATH`)."""
    port = port or free_port()
    log_path = db.parent / f"streamlit-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *args],
        cwd=config.ROOT, env={**os.environ, "DSA_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the dashboard did not become healthy in 60 s:\n" + log_path.read_text())
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def server(demo_db):
    """The dashboard over a copy of the demo warehouse."""
    with serve(demo_db) as url:
        yield {"url": url, "db": demo_db}


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (bin/dev test does it for you)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        browser.close()


def wait_for_app(page) -> None:
    """The page's script has run to the end, its title is on screen and its charts are drawn.
    (Parts Streamlit loads on first use, such as st.html's, may still be on their way: wait for
    those by their locators.)"""
    page.wait_for_selector('[data-testid="stMain"] h1', state="visible", timeout=60_000)
    page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
        .getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every((c) => c.querySelector('.main-svg'))""",
                           timeout=60_000)


def test_team_filter_survives_page_switch_in_page_and_url(server, page):
    page.goto(server["url"])
    wait_for_app(page)
    assert page.get_by_role("heading", name="Overview").is_visible()

    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name="AI Imaging").click()
    page.keyboard.press("Escape")
    page.wait_for_url(TEAM_IN_URL)
    wait_for_app(page)

    page.locator('[data-testid="stSidebarNav"] a', has_text="Repositories").click()
    page.wait_for_url(re.compile(r"/repositories\?"))
    page.get_by_role("heading", name="Repositories").wait_for()
    assert TEAM_IN_URL.search(page.url), page.url
    chips = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').inner_text()
    assert "AI Imaging" in chips
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "repositories-filtered.png"), full_page=True)


def test_link_with_filters_opens_the_same_view(server, page):
    page.goto(f"{server['url']}/repositories?team=DC+London&period=All+time")
    page.get_by_role("heading", name="Repositories").wait_for()
    page.get_by_text("DC London · All time").wait_for()  # the page's own summary of its filters
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "DC London" in sidebar.locator('[data-testid="stMultiSelect"]').inner_text()
    assert sidebar.locator('[data-testid="stSelectbox"] input').input_value() == "All time"
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_link_to_the_default_page_on_a_fresh_server_opens_it_framed(server, page):
    """The first visit to a just-started server runs in Streamlit's pages-folder mode; the page
    leaves it (dashboard.filters.leave_pages_folder_mode) and is framed, with no "page not found"."""
    page.goto(f"{server['url']}/overview?period=All+time")
    wait_for_app(page)
    page.get_by_text("all teams · All time").wait_for()
    assert page.get_by_role("dialog").count() == 0
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').input_value() == "All time"


def test_refresh_over_the_live_warehouse_shows_new_data_after_reload(server, page):
    page.goto(server["url"])
    wait_for_app(page)
    caption = page.locator('[data-testid="stSidebar"]').get_by_text("Data as of")
    before = caption.inner_text()
    time.sleep(1.1)  # the "built" time is shown to the second
    done = subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(server["db"])], cwd=config.ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # no lock conflict with the reading dashboard
    page.reload()
    wait_for_app(page)
    after = page.locator('[data-testid="stSidebar"]').get_by_text("Data as of").inner_text()
    assert after != before
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)


def test_script_in_a_project_description_shows_as_text_and_does_not_run(tmp_path, page):
    db = tmp_path / "w.duckdb"
    build_with_project(db, description="<script>window.injected = 1</script>Hello <b>there</b>")
    with serve(db) as url:
        page.goto(f"{url}/projects?project=Risky+text&period=All+time")
        page.get_by_role("heading", name="Risky text").wait_for()
        page.get_by_text("<script>window.injected = 1</script>Hello <b>there</b>").wait_for()
        assert page.evaluate("window.injected") is None
        assert page.locator('[data-testid="stMain"] b', has_text="there").count() == 0


def test_every_page_draws_its_charts_in_the_browser(server, page):
    """Each page of the navigation, opened from its link, renders its title, its charts, and no error."""
    pages = {"Overview": ("overview", "Overview", False), "Projects": ("projects", "Projects", False),
             "Pathway": ("pathway", "R&D to operational pathway", True), "Tech stack": ("tech_stack", "Tech stack", True),
             "Tech radar": ("radar", "Tech radar", True), "Collaboration": ("collaboration", "Collaboration across teams", True),
             "Repositories": ("repositories", "Repositories", False), "Reports": ("reports", "Reports", False),
             "Data": ("data", "Data and refreshes", True)}
    page.goto(server["url"])
    wait_for_app(page)
    names = [text.strip().splitlines()[-1] for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
    assert set(names) == set(pages)
    ARTIFACTS.mkdir(exist_ok=True)
    for name in names[1:] + names[:1]:  # Overview last: it is open at the start
        slug, title, has_charts = pages[name]
        page.locator('[data-testid="stSidebarNav"] a', has_text=name).click()
        page.wait_for_url(re.compile(rf"/{slug}(\?|$)") if slug != "overview" else re.compile(r"/(overview)?(\?|$)"))
        page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        if has_charts:
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', state="visible", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / f"page-{slug}.png"))


def test_no_page_asks_any_other_host_for_anything(server, page):
    """Viewing the dashboard tells no one else: every request the browser makes, on every page,
    goes to the dashboard's own server (no fonts, icons or scripts from elsewhere)."""
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith((server["url"], "data:", "blob:")) else elsewhere.append(r.url))
    page.goto(server["url"])
    wait_for_app(page)
    for link in page.locator('[data-testid="stSidebarNav"] a').all():
        link.click()
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.wait_for_timeout(300)
    assert page.title() == "Assembly Insights"
    assert page.evaluate("[...document.querySelectorAll('link[rel*=icon]')].map((l) => l.href)")[0].startswith("data:image/svg")
    assert elsewhere == []


def test_hovering_a_bar_names_every_value_it_shows(server, page):
    """The hover label of a chart whose axis has no title still names each line: on the Pathway's
    projects by lead team, "Stage: Pilot" rather than "x: Pilot"."""
    page.goto(f"{server['url']}/pathway")
    wait_for_app(page)
    chart = page.locator(".st-key-by_team_chart [data-testid='stPlotlyChart']")
    bar = chart.locator(".bars path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    label = chart.locator(".hoverlayer .hovertext")
    label.wait_for(timeout=10_000)
    lines = label.locator("text.nums tspan.line").all_text_contents()
    assert re.fullmatch(r"Stage: [A-Z][a-z ]+", lines[1]), lines
    assert re.fullmatch(r"Projects: \d+", lines[2]), lines


def test_a_newest_project_opens_its_record_with_the_same_filters(server, page):
    """The Overview's newest projects (HTML, dashboard.blocks) link to each project's record on
    the Projects page, keeping the team and period chosen."""
    page.goto(f"{server['url']}/?period=All+time")
    wait_for_app(page)
    table = page.get_by_role("table", name="The newest projects, newest first")
    link = table.get_by_role("link").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/projects\?"))
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
    assert "period=all-time" in page.url  # the period by its key
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').input_value() == "All time"
    assert page.locator('[data-testid="stException"]').count() == 0


def test_overview_tables_read_as_tables(server, page):
    """Projects by stage, activity by team and the newest projects are HTML tables a screen reader
    can walk: named, with column headers, and the stages and teams as row headers."""
    page.goto(server["url"])
    wait_for_app(page)
    stages = page.get_by_role("table", name=re.compile(r"^Projects by pathway stage on "))
    activity = page.get_by_role("table", name="Activity by team, Last 12 months")
    newest = page.get_by_role("table", name="The newest projects, newest first")
    for table in (stages, activity, newest):
        table.wait_for()
    # Section headings are headings (written with the tables, as Streamlit writes a subheader).
    sections = page.locator('[data-testid="stMain"]').get_by_role("heading", level=3).all_inner_texts()
    assert sections == ["Projects by stage", "Activity by team", "Newest projects"]
    assert stages.get_by_role("columnheader").all_inner_texts()[:2] == ["Stage", "Projects"]
    assert "Proof of concept" in stages.get_by_role("rowheader").all_inner_texts()
    assert newest.get_by_role("columnheader").all_inner_texts() == ["Started", "Project", "Lead team", "Stage", "Repos"]
    assert newest.get_by_role("row").count() > 1
    assert page.get_by_label("Headline figures").inner_text().startswith("Projects")
    assert activity.get_by_role("columnheader").all_inner_texts()[:4] == ["Team", "Commits", "Contributors", "Repositories"]
    assert activity.get_by_role("rowheader").all_inner_texts()[0] == "All teams"
    # Each row's trend is one picture to a screen reader, named by what it shows.
    trends = activity.get_by_role("img")
    assert trends.count() == activity.get_by_role("rowheader").count()
    assert re.fullmatch(r"[\d,]+ commits in Oct 2025, [\d,]+ in Sep 2026; the most, [\d,]+, in [A-Z][a-z]{2} 20\d\d",
                        trends.first.get_attribute("aria-label"))
    # Styled: a bar a month (a background layer each) in a cell 1.75rem high, every month named on hover.
    box = trends.first.bounding_box()
    assert box["height"] == pytest.approx(28, abs=1.5) and box["width"] > 300
    assert trends.first.evaluate("(t) => getComputedStyle(t).backgroundImage.split('linear-gradient(').length - 1") == 12
    assert trends.first.get_attribute("title").count(": ") == 13  # "Commits: Oct 2025: 1,234; ..."
    # Styled by dashboard.blocks.STYLE, sent once with the page's first block.
    widths = stages.locator(".ai-bar span").evaluate_all("(bars) => bars.map((b) => b.getBoundingClientRect().width)")
    cell = stages.locator(".ai-bar").first.evaluate("(c) => c.getBoundingClientRect().width")
    assert max(widths) > 0.9 * cell > 300 and min(widths) > 0
    copies = "[...document.querySelectorAll('style')].filter((s) => s.textContent.includes('dashboard.blocks')).length"
    assert page.evaluate(copies) == 1


def test_a_chart_downloads_as_png_and_its_data_as_csv(server, page, tmp_path):
    """A chart's Export button opens a dialog of its downloads; each file is made when clicked."""
    page.goto(f"{server['url']}/overview")
    wait_for_app(page)
    exports = page.locator('[data-testid="stMain"] [data-testid="stButton"] button', has_text="Export")
    assert page.get_by_role("button", name="PNG image").count() == 0  # made only when a dialog opens
    exports.first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Export: Projects by stage").wait_for()
    with page.expect_download(timeout=90_000) as png:
        dialog.get_by_role("button", name="PNG image").click()
    png_file = tmp_path / png.value.suggested_filename
    png.value.save_as(png_file)
    assert png_file.name == "projects-by-stage_all-teams_last-12-months.png"  # named by its scope
    content = png_file.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) > 10_000
    width, height = int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    # 1200 px wide at twice the pixels, for slides: the chart's 340 px and 128 px for its title,
    # subtitle (scope and data date) and source line
    assert (width, height) == (2400, 2 * (340 + 128))

    with page.expect_download(timeout=30_000) as csv_download:  # the dialog stays open for more
        dialog.get_by_role("button", name="Data (CSV)").click()
    csv_file = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_file)
    table = pd.read_csv(csv_file)
    assert list(table.columns) == ["Stage", "Phase", "Projects"]  # in words, the stage by its label
    assert "Proof of concept" in set(table.Stage)
    con = duckdb.connect(str(server["db"]), read_only=True)
    projects = con.execute("SELECT count(*) FROM projects WHERE started_on <= DATE '2026-09-30'").fetchone()[0]
    con.close()
    assert table.Projects.sum() == projects

    # Closed, and opened from the activity table: the stacked chart's data, commits by team per month.
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="hidden")
    exports.nth(1).click()
    dialog.get_by_text("Export: Commits by team per month").wait_for()
    with page.expect_download(timeout=30_000) as csv_download:
        dialog.get_by_role("button", name="Data (CSV)").click()
    assert csv_download.value.suggested_filename == "commits-by-team-per-month_all-teams_last-12-months.csv"
    monthly = pd.read_csv(csv_download.value.path())
    assert list(monthly.columns) == ["Month", "Team", "Commits", "Contributors"] and monthly.Commits.sum() > 0


def _chart_specs(demo_db, monkeypatch) -> dict[str, str]:
    """Every chart of the demo warehouse's pages, as Streamlit sends it to the browser."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DSA_DB", str(demo_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(config.ROOT / "tests" / "app_entry.py"), default_timeout=60).run()
    specs = {}
    for name in ("overview", "pathway", "tech_stack", "radar", "collaboration", "data"):
        at.switch_page(str(config.ROOT / "pages" / f"{name}.py")).run()
        assert not at.exception, name
        for i, chart in enumerate(at.get("plotly_chart")):
            specs[f"{name} {i}"] = chart.proto.spec
    return specs


def test_charts_look_as_they_did_with_their_template(demo_db, monkeypatch, page):
    """theme.for_browser writes each figure's template out into its layout (and its numbers out
    as plain lists): Plotly.js draws every chart exactly as it draws the figure with its template,
    down to each element of the picture."""
    import plotly
    import plotly.io as pio

    from publish import theme

    templated = {}  # what is sent -> the same figure as built, with its template
    ready = theme.for_browser

    def recording(fig):
        if getattr(fig, "_for_browser", False):
            return ready(fig)
        before = pio.to_json(theme.reserve_margins(fig), validate=False)
        sent = ready(fig)
        templated[pio.to_json(sent, validate=False)] = before
        return sent

    monkeypatch.setattr(theme, "for_browser", recording)
    sent = _chart_specs(demo_db, monkeypatch)
    assert len(sent) >= 15 and all(spec in templated for spec in sent.values())
    templated = {name: templated[spec] for name, spec in sent.items()}
    assert all('"template"' not in sent[k] and '"template"' in templated[k] for k in sent)
    page.set_content('<div id="chart" style="width: 1150px"></div>')
    page.add_script_tag(path=str(Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))
    differ = page.evaluate("""async ([sent, templated]) => {
        const el = document.getElementById('chart');
        const picture = async (spec) => {
            const fig = JSON.parse(spec); Plotly.purge(el);
            await Plotly.newPlot(el, fig.data, fig.layout);
            // Each element with its attributes in a fixed order (Plotly sets them in different
            // orders on different paths through its drawing code).
            const canon = (n) => n.nodeType === 3 ? n.textContent : n.nodeType !== 1 ? '' :
                `<${n.tagName} ${[...n.attributes].map((a) => `${a.name}="${a.value}"`).sort().join(' ')}>`
                + [...n.childNodes].map(canon).join('') + `</${n.tagName}>`;
            let svg = [...el.querySelectorAll('.main-svg')].map(canon).join('');
            svg = svg.replaceAll(el._fullLayout._uid, 'UID');
            el._fullData.forEach((t, i) => { svg = svg.replaceAll(t.uid, `TRACE${i}`); });
            return svg;
        };
        const out = [];
        for (const name of Object.keys(sent)) {
            const a = await picture(sent[name]), b = await picture(templated[name]);
            if (a !== b) {
                let i = 0; while (a[i] === b[i]) i++;
                out.push(`${name}: ...${a.slice(Math.max(0, i - 80), i + 80)} | ...${b.slice(Math.max(0, i - 80), i + 80)}`);
            }
        }
        return out; }""", [sent, templated])
    assert differ == []


def test_every_chart_fits_its_margins_so_the_browser_draws_it_once(demo_db, monkeypatch, page):
    """Each chart is drawn once in the browser (theme.for_browser):
    - its reserved margins already hold its legend and tick labels: Plotly.js, drawing it as wide
      as on a laptop, widens no margin, which would cost a second drawing of the whole chart;
    - given a copy of what it drew, as Streamlit's chart element hands it just after mounting,
      Plotly.js finds nothing changed and leaves the chart as it is."""
    import plotly

    specs = _chart_specs(demo_db, monkeypatch)
    assert len(specs) >= 15
    page.set_content('<div id="chart" style="width: 1150px"></div>')
    page.add_script_tag(path=str(Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))
    grown, redrawn = page.evaluate("""async (specs) => {
        const grown = {}, redrawn = {}; const el = document.getElementById('chart');
        for (const [name, spec] of Object.entries(specs)) {
            const fig = JSON.parse(spec); Plotly.purge(el);
            await Plotly.newPlot(el, fig.data, fig.layout);
            const set = el._fullLayout.margin, drawn = el._fullLayout._size;
            const wider = ['l', 'r', 't', 'b'].filter((side) => drawn[side] > set[side] + 0.5);
            if (wider.length) grown[name] = wider.map((side) => `${side}: ${set[side]} -> ${Math.round(drawn[side])}`);
            const copy = JSON.parse(JSON.stringify({data: el.data, layout: el.layout}));
            let changes = 0; const seen = new MutationObserver((records) => { changes += records.length; });
            seen.observe(el, {subtree: true, childList: true, attributes: true, characterData: true});
            await Plotly.react(el, copy.data, copy.layout);
            await new Promise((done) => setTimeout(done, 0));
            changes += seen.takeRecords().length; seen.disconnect();
            if (changes) redrawn[name] = changes;
        }
        return [grown, redrawn]; }""", specs)
    assert grown == {}
    assert redrawn == {}, "charts drawn again from an unchanged copy (changes to the page per chart)"
