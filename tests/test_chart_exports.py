"""Exports that stand on their own: every chart image and HTML names its title, scope (teams and
period) and data date, with a source line and, on demo data, the "Synthetic demo data" mark; data
downloads are headed in words, named by their scope, and Excel has an About sheet. Images come
from one Chromium kept running, and the HTML carries a small plotly.js that works offline."""
from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import threading

import openpyxl
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest
import streamlit as st
from PIL import Image

from dashboard import charts
from etl import config
from publish import exports, plotlyjs, printing
from tests.test_pages import PAGES, app, page
from tests.test_report import resources
from tests.test_text import shown

AS_OF = "30 Sep 2026"  # when the demo warehouse's data was taken
FY = "FY 2025/26: 1 Apr 2025 to 31 Mar 2026"


def context(**changes) -> exports.Context:
    base = dict(title="Commits by team", scope=exports.scope([], "FY 2025/26", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
                file_scope=exports.file_scope([], "fy-2025-26"), as_of=dt.date(2026, 9, 30), demo=True, url=None)
    return exports.Context(**(base | changes))


def bar() -> go.Figure:
    return px.bar(pd.DataFrame({"team": ["AI Imaging", "DS Hub"], "commits": [120, 340]}), x="team", y="commits",
                  height=300)


def svg_text(svg: bytes) -> str:
    """The words an SVG shows: its text elements' contents, entities read."""
    return html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg.decode(), re.S)))


@pytest.fixture
def downloads(monkeypatch):
    """Every download button a page run offers: label -> (file name, the function making the file).
    The buttons are still drawn (the real download_button runs too)."""
    offered = {}
    real = st.download_button

    def capture(label, data, file_name=None, mime=None, **options):
        offered[label] = (file_name, data)
        return real(label, data, file_name, mime, **options)

    monkeypatch.setattr(st, "download_button", capture)
    return offered


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def test_a_chart_exported_from_a_page_names_its_title_scope_data_date_and_the_demo(demo_db, monkeypatch, downloads):
    at = app(demo_db, monkeypatch, team="AI Imaging", period="FY 2025/26")
    at.switch_page(page("pathway.py")).run()
    on_screen = json.loads(at.get("plotly_chart")[1].proto.spec)
    at.button(key="by_team_chart_export").click().run()
    assert not at.exception, [e.message for e in at.exception]
    scope = f"AI Imaging · {FY} · data as of {AS_OF}"
    assert any(scope in shown(c.value) and exports.DEMO_MARK in c.value for c in at.caption)  # said in the dialog too
    stem = "projects-reaching-each-stage-by-lead-team_ai-imaging_fy-2025-26"
    assert {label: name for label, (name, _) in downloads.items()} == {
        "PNG image": f"{stem}.png", "SVG image": f"{stem}.svg", "Data (CSV)": f"{stem}.csv",
        "Data (Excel)": f"{stem}.xlsx", "Interactive HTML": f"{stem}.html"}

    png = downloads["PNG image"][1]()
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    chart_height = on_screen["layout"]["height"]
    assert picture.width == 2 * exports.WIDTH and picture.height > 2 * chart_height + 2 * 100  # room added above and below
    badge = picture.crop((picture.width - 500, 0, picture.width, 160))  # the demo mark, top right, pale yellow
    assert badge.getcolors(maxcolors=1 << 16) and dict((c, n) for n, c in badge.getcolors(maxcolors=1 << 16))[(0xFF, 0xF9, 0xC4)] > 5_000
    assert json.loads(at.get("plotly_chart")[1].proto.spec) == on_screen  # the chart on the page is unchanged

    words = svg_text(downloads["SVG image"][1]())
    for text in ("Projects reaching each stage by lead team", scope, exports.SOURCE, exports.DEMO_MARK.upper()):
        assert text in words, text

    page_html = downloads["Interactive HTML"][1]().decode()
    assert "<title>Projects reaching each stage by lead team</title>" in page_html
    for text in (scope, exports.SOURCE, exports.DEMO_MARK.upper()):
        assert text in page_html, text
    assert resources(page_html).loaded == [] and len(page_html) < 1_700_000  # the partial plotly.js, inlined

    table = pd.read_csv(io.BytesIO(downloads["Data (CSV)"][1]()))
    assert not [c for c in table.columns if c.endswith("_id") or "_" in c]
    assert list(table.columns) == ["Stage", "Team", "Count"] and "AI Imaging" in set(table.Team)
    book = openpyxl.load_workbook(io.BytesIO(downloads["Data (Excel)"][1]()))
    assert book.sheetnames[1] == "About"
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Title"] == "Projects reaching each stage by lead team" and about["Scope"] == f"AI Imaging · {FY}"
    assert about["Data as of"] == AS_OF and about[exports.DEMO_MARK].startswith("The teams, projects")


def test_a_table_download_is_named_by_its_scope_and_says_what_it_is(demo_db, monkeypatch, downloads):
    at = app(demo_db, monkeypatch, period="All time")
    at.switch_page(page("repositories.py")).run()
    at.button(key="table_repositories__download").click().run()
    assert not at.exception, [e.message for e in at.exception]
    name, make = downloads["Excel"]
    assert name == "repositories_all-teams_all-time.xlsx" and downloads["CSV"][0] == "repositories_all-teams_all-time.csv"
    book = openpyxl.load_workbook(io.BytesIO(make()))
    assert book.sheetnames == ["Repositories", "About"]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Scope"].startswith("All teams · All time: ") and about["Data as of"] == AS_OF
    assert about["Source"] == "Assembly Insights, NHS England Data Science Assembly"


def test_a_chart_the_filters_do_not_narrow_says_its_own_scope(demo_db, monkeypatch, downloads):
    at = app(demo_db, monkeypatch, team="AI Imaging")
    at.switch_page(page("data.py")).run()
    at.button(key="runs_chart_export").click().run()
    assert downloads["PNG image"][0] == "etl-runs_as-of-2026-09-30.png"
    assert any(f"Every source, the latest 200 runs · data as of {AS_OF}" in shown(c.value) for c in at.caption)
    # The radar reads every team too, whatever the sidebar says.
    at.switch_page(page("radar.py")).run()
    at.button(key="radar_chart_export").click().run()
    assert downloads["PNG image"][0] == "tech-radar_as-of-2026-09-30.png"
    assert any(f"The Assembly's radar · use by all teams in the 12 months to {AS_OF} · data as of {AS_OF}" in shown(c.value)
               for c in at.caption)


def test_the_source_line_names_the_dashboard_address_when_set(demo_db, monkeypatch, downloads):
    monkeypatch.setenv("DSA_PUBLIC_URL", "https://insights.example.nhs.uk/")
    at = app(demo_db, monkeypatch)
    at.button(key="stages_chart_export").click().run()
    words = svg_text(downloads["SVG image"][1]())
    assert f"{exports.SOURCE} · https://insights.example.nhs.uk" in words


def test_a_public_address_that_is_not_one_is_named_in_one_line(monkeypatch):
    for bad in ("insights.example.nhs.uk", "javascript:alert(1)", "https://user:pw@host.example", "https://a b.example"):
        monkeypatch.setenv("DSA_PUBLIC_URL", bad)
        problems = config.setting_problems()
        assert len(problems) == 1 and problems[0].startswith(f"DSA_PUBLIC_URL={bad!r}: expected the dashboard's web address")
    monkeypatch.delenv("DSA_PUBLIC_URL")
    assert config.public_url() is None and config.setting_problems() == []


def test_dressing_adds_title_subtitle_source_and_mark_to_a_copy():
    fig = bar()
    before = fig.to_json()
    shown = exports.dressed(fig, context())
    assert fig.to_json() == before  # the figure on the page is not touched
    layout = shown.layout
    assert layout.title.text == "<b>Commits by team</b>"
    assert layout.title.subtitle.text == f"All teams · {FY} · data as of {AS_OF}"
    texts = [a.text for a in layout.annotations]
    assert texts == [exports.SOURCE, f"<b>{exports.DEMO_MARK.upper()}</b>"]
    assert layout.height > 300 and layout.margin.t > 50 and layout.margin.b > 40
    plain = exports.dressed(fig, context(demo=False, url="https://insights.example.nhs.uk"))
    assert [a.text for a in plain.layout.annotations] == [f"{exports.SOURCE} · https://insights.example.nhs.uk"]


def test_text_from_records_is_drawn_as_text_and_long_titles_fit():
    evil = '<a href="http://evil.example">Toolkit</a> ' + "with a very long name " * 8
    shown = exports.dressed(bar(), context(title=evil))
    title = shown.layout.title.text
    assert "<a" not in title and "&lt;a href=" in title and title.endswith(" …</b>")
    drawn = html.unescape(title.removeprefix("<b>").removesuffix("</b>"))  # as Plotly draws it
    assert exports._badge_width() + 1.08 * exports.theme.text_width(drawn, exports.TITLE_SIZE) < exports.WIDTH


def test_many_teams_are_shortened_and_file_names_stay_short():
    names = ["AI Imaging", "AI Skunkworks", "Analytics Unit", "DS Hub", "DC London"]
    assert exports.teams_phrase([]) == "All teams"
    assert exports.teams_phrase(names[:2]) == "AI Imaging and AI Skunkworks"
    assert exports.teams_phrase(names[:3]) == "AI Imaging, AI Skunkworks and Analytics Unit"
    assert exports.teams_phrase(names) == "AI Imaging, AI Skunkworks, Analytics Unit and 2 more teams"
    assert exports.file_scope(["ai-imaging"], "fy-2025-26") == "ai-imaging_fy-2025-26"
    assert context(title="Where each team's people worked").file_name("csv") == \
        "where-each-teams-people-worked_all-teams_fy-2025-26.csv"
    assert exports.file_scope(["a", "b", "c"], "all-time") == "3-teams_all-time"
    subtitle = exports.scope(names * 8, "FY 2026/27 (to date)", dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    assert subtitle == f"{exports.teams_phrase(names * 8)} · FY 2026/27 (to date): 1 Apr 2026 to 30 Sep 2026"


def test_a_workbook_about_sheet_lists_every_team_chosen_and_the_address(tmp_path):
    names = ("AI Imaging", "AI Skunkworks", "Analytics Unit", "DS Hub", "DC London")
    about = context(title="Projects reaching each stage by lead team", teams=names,
                    scope=exports.scope(list(names), "All time", dt.date(2021, 1, 4), dt.date(2026, 9, 30)),
                    url="https://insights.example.nhs.uk")
    book = openpyxl.load_workbook(io.BytesIO(charts.xlsx(pd.DataFrame({"Team": ["DS Hub"]}), about.title, about)))
    assert book.sheetnames == ["Projects reaching each stage…", "About"]  # Excel's 31 characters, cut at a word
    rows = [(r[0].value, r[1].value) for r in book["About"].iter_rows(min_row=2)]
    assert rows == [("Title", "Projects reaching each stage by lead team"),
                    ("Scope", "AI Imaging, AI Skunkworks, Analytics Unit and 2 more teams · All time: 4 Jan 2021 to "
                              "30 Sep 2026"),
                    ("Teams", ", ".join(names)), ("Data as of", AS_OF),
                    ("Source", "Assembly Insights, NHS England Data Science Assembly"),
                    ("Dashboard", "https://insights.example.nhs.uk"), (exports.DEMO_MARK, exports.DEMO_NOTE)]
    named_about = openpyxl.load_workbook(io.BytesIO(charts.xlsx(pd.DataFrame({"a": [1]}), "About", about)))
    assert named_about.sheetnames == ["Data", "About"]


def test_chart_data_is_headed_in_words_without_internal_ids():
    data = pd.DataFrame({"team_id": ["a"], "team": ["AI Imaging"], "project_id": ["p"], "person_key": ["k"],
                         "colour_slot": [1], "commits_12m": [3], "repo_team": ["DS Hub"], "team_a": ["x"],
                         "Already readable": [1]})
    assert list(exports.readable(data).columns) == ["Team", "Commits (12 months)", "Repository team", "Team A",
                                                     "Already readable"]
    stages = pd.DataFrame({"stage": ["idea", "proof_of_concept"], "label": ["Idea", "Proof of concept"],
                           "ordinal": [1, 3], "projects": [3, 6]})
    shown = exports.readable(stages)  # a code beside its label: the label, under the code's name
    assert list(shown.columns) == ["Stage", "Projects"] and shown.Stage.tolist() == ["Idea", "Proof of concept"]
    coded = pd.DataFrame({"stage": ["pilot"], "stage_label": ["Pilot"], "team": ["DS Hub"]})
    assert exports.readable(coded).to_dict("list") == {"Stage": ["Pilot"], "Team": ["DS Hub"]}


def test_interactive_html_inlines_the_partial_plotly_unless_a_chart_needs_more():
    small = exports.html(bar(), context()).decode()
    assert small.count("plotly.js v") == 1 and "partial bundle for Assembly Insights" in small
    assert 1_400_000 < len(small) < 1_700_000
    pie = go.Figure(go.Pie(labels=["a", "b"], values=[1, 2]))  # a type the partial bundle lacks
    whole = exports.html(pie, context()).decode()
    assert "partial bundle" not in whole and len(whole) > 4_000_000 and whole.count("plotly.js v") == 1


def test_the_partial_plotly_is_plotly_py_s_own_version():
    from plotly.offline import get_plotlyjs

    assert plotlyjs.version(plotlyjs.bundle()) == plotlyjs.version(get_plotlyjs()), \
        "plotly.py moved to another plotly.js: rebuild publish/assets/plotly-assembly.min.js (see its README)"


def test_the_partial_plotly_draws_every_chart_of_every_page(demo_db, monkeypatch):
    found = set()
    for script in PAGES:
        at = app(demo_db, monkeypatch)
        at.switch_page(script).run()
        assert not at.exception, [e.message for e in at.exception]
        found |= plotlyjs.trace_types(*(json.loads(c.proto.spec) for c in at.get("plotly_chart")))
    assert found and found <= plotlyjs.TRACES, found - plotlyjs.TRACES


def test_one_chromium_serves_every_image_and_threads_get_their_own():
    printer = printing.Chromium(idle_seconds=60)
    try:
        figures = [bar().update_layout(height=200 + 40 * i).to_dict() for i in range(6)]
        results = {}

        def draw(i):
            results[i] = printer.run(lambda k, f=figures[i]: k.calc_fig(f, opts={"format": "png", "width": 300,
                                                                                 "height": 200 + 40 * i}),
                                     what="a test image", timeout=60)

        threads = [threading.Thread(target=draw, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        heights = {i: Image.open(io.BytesIO(png)).height for i, png in results.items()}
        assert heights == {i: 200 + 40 * i for i in range(6)}  # each thread its own image
        assert printer.starts == 1
    finally:
        printer.close()
    assert not printer.running()


def test_an_idle_chromium_closes_and_starts_again_when_needed():
    printer = printing.Chromium(idle_seconds=0.5)
    try:
        opts = {"format": "svg", "width": 300, "height": 200}
        printer.run(lambda k: k.calc_fig(bar().to_dict(), opts=opts), what="an image", timeout=60)
        process = printer._session.kaleido.subprocess  # noqa: SLF001 - the browser process
        deadline = dt.datetime.now() + dt.timedelta(seconds=30)
        while (printer.running() or process.poll() is None) and dt.datetime.now() < deadline:
            threading.Event().wait(0.2)
        assert not printer.running()
        assert process.poll() is not None  # the browser process has ended
        printer.run(lambda k: k.calc_fig(bar().to_dict(), opts=opts), what="an image", timeout=60)
        assert printer.starts == 2
    finally:
        printer.close()


def test_a_figure_plotly_cannot_draw_is_refused_and_the_browser_kept():
    printer = printing.Chromium(idle_seconds=60)
    try:
        opts = {"format": "png", "width": 300, "height": 200}
        with pytest.raises(RuntimeError, match="Chromium could not print a broken chart"):
            printer.run(lambda k: k.calc_fig({"data": [{"type": "bar", "y": [1]}], "layout": {"height": "tall"}},
                                             opts={**opts, "format": "nonsense"}),
                        what="a broken chart", timeout=60)
        printer.run(lambda k: k.calc_fig(bar().to_dict(), opts=opts), what="an image", timeout=60)
    finally:
        printer.close()


def figures_of_every_type() -> dict[str, go.Figure]:
    """A small figure of each trace type the partial plotly.js holds."""
    return {
        "bar": bar(),
        "box": go.Figure(go.Box(y=[1, 2, 3, 8])),
        "funnel": go.Figure(go.Funnel(y=["Idea", "Pilot"], x=[10, 4])),
        "heatmap": go.Figure(go.Heatmap(z=[[1, 2], [3, 4]], x=["a", "b"], y=["c", "d"])),
        "sankey": go.Figure(go.Sankey(node=dict(label=["A", "B"]), link=dict(source=[0], target=[1], value=[3]))),
        "scatter": go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], mode="lines+markers")),
        "scatterpolar": go.Figure(go.Scatterpolar(r=[1, 2, 3], theta=[0, 120, 240], mode="markers")),
    }


@pytest.mark.browser
def test_the_interactive_html_draws_every_chart_type_offline(tmp_path):
    """Opened from disk in Chromium with every request refused: each export draws its chart and
    its texts with the partial plotly.js inside it, and asks for nothing."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    assert set(figures_of_every_type()) == plotlyjs.TRACES
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        requested, errors = [], []
        page.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()
                                          if route.request.url.startswith("file://") else route.abort()))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for kind, fig in figures_of_every_type().items():
            path = tmp_path / f"{kind}.html"
            path.write_bytes(exports.html(fig, context(title=f"A {kind} chart")))
            page.goto(path.as_uri())
            page.wait_for_selector("#chart .main-svg")
            drawn = page.locator("#chart").inner_text()
            assert f"A {kind} chart" in drawn and exports.DEMO_MARK.upper() in drawn and AS_OF in drawn, kind
            trace_layer = {"sankey": ".sankey", "scatterpolar": ".polarlayer .trace", "funnel": ".funnellayer .trace",
                           "heatmap": ".hm", "box": ".boxlayer .trace", "bar": ".barlayer .trace"}.get(kind, ".scatterlayer .trace")
            assert page.locator(f"#chart {trace_layer}").count() >= 1, kind
        browser.close()
    assert errors == []
    assert [u for u in requested if not u.startswith("file://")] == []


def test_a_browser_that_died_is_replaced_and_the_image_still_made():
    printer = printing.Chromium(idle_seconds=60)
    try:
        opts = {"format": "svg", "width": 300, "height": 200}
        printer.run(lambda k: k.calc_fig(bar().to_dict(), opts=opts), what="an image", timeout=60)
        printer._session.kaleido.subprocess.kill()  # noqa: SLF001 - as the out-of-memory killer would
        printer._session.kaleido.subprocess.wait(10)  # noqa: SLF001
        svg = printer.run(lambda k: k.calc_fig(bar().to_dict(), opts=opts), what="an image", timeout=60)
        assert b"<svg" in svg[:200] and printer.starts == 2
    finally:
        printer.close()
