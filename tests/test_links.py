"""Links carry ids: team ids, period keys and project ids. Links made before, with the names
shown on screen, still open the same view; a link naming something the data lacks says so."""
from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest
import streamlit as st

from analyses import periods
from dashboard import filters
from etl import config
from tests.test_pages import app, page
from tests.test_text import shown, unescaped_markup

DEMO_AS_OF = dt.date(2026, 9, 30)  # the demo warehouse's data date


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def caption(at) -> str:
    """The page's own summary of its filters, as text."""
    return at.caption[0].value.replace("\\", "")


def notices(at) -> list[str]:
    return [shown(w.value) for w in at.warning]


# --- Periods named in links --------------------------------------------------------------

OFFERED = periods.available(dt.date(2021, 5, 3), DEMO_AS_OF)


@pytest.mark.parametrize("name, key", [
    ("fy-2025-26", "fy-2025-26"), ("FY 2025/26", "fy-2025-26"), ("fy 2025/26", "fy-2025-26"),
    ("FY 2026/27 (to date)", "fy-2026-27"), ("FY 2026/27", "fy-2026-27"),  # a link made when the year was part done
    ("all", "all-time"), ("All time", "all-time"), ("all-time", "all-time"),
    ("last-12-months", "last-12-months"), ("Last  12 months", "last-12-months"),
])
def test_a_period_is_found_by_its_key_a_short_key_or_its_label(name, key):
    assert periods.find(OFFERED, name).key == key


@pytest.mark.parametrize("name", ["fy-2019-20", "FY 2030/31", "forever", ""])
def test_a_period_the_data_does_not_offer_is_not_found(name):
    assert periods.find(OFFERED, name) is None


def test_the_period_before_is_as_long_and_named_for_what_it_is():
    last_12, all_time, this_year, last_year = OFFERED[:4]
    before = periods.previous(last_12, dt.date(2016, 1, 1))
    assert (before.start, before.end, before.label) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30), "the previous 12 months")
    before = periods.previous(last_year, dt.date(2016, 1, 1))
    assert (before.start, before.end, before.label) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31), "FY 2024/25")
    before = periods.previous(this_year, dt.date(2016, 1, 1))  # 1 April to 30 September 2026: six months
    assert (before.start, before.end, before.label) == (dt.date(2025, 10, 1), dt.date(2026, 3, 31), "the previous 6 months")
    odd = periods.Period("x", "x", dt.date(2026, 1, 15), dt.date(2026, 2, 3))
    before = periods.previous(odd, dt.date(2016, 1, 1))
    assert (before.start, before.end, before.label) == (dt.date(2025, 12, 26), dt.date(2026, 1, 14), "the previous 20 days")
    assert periods.previous(all_time, all_time.start) is None  # nothing before the data
    assert periods.previous(last_12, dt.date(2025, 1, 1)) is None  # the year before starts before the data


def test_names_resolve_to_ids_by_id_label_or_former_name_in_any_case():
    ids = {"ai-imaging": "AI Imaging", "dc-london": "DC London"}
    aliases = {"AI Lab Imaging": "ai-imaging", "AI Imaging": "ai-imaging", "Direct Commissioning London": "dc-london"}
    assert filters.resolve(["ai-imaging", "direct commissioning  london", "AI LAB IMAGING", "nope", ""], ids, aliases) == (
        ["ai-imaging", "dc-london"], ["nope"])


# --- Links in the dashboard (AppTest) ----------------------------------------------------

def test_a_link_by_ids_opens_that_team_and_financial_year(demo_db, monkeypatch):
    """The README's example link: /repositories?team=ai-imaging&period=fy-2025-26."""
    at = app(demo_db, monkeypatch, team="ai-imaging", period="fy-2025-26")
    at.switch_page(page("repositories.py")).run()
    assert not at.exception
    assert at.multiselect(key="team").value == ["ai-imaging"]
    assert at.selectbox(key="period").value == "fy-2025-26"
    assert caption(at) == "AI Imaging · FY 2025/26 (1 Apr 2025 to 31 Mar 2026)"
    assert set(at.dataframe[0].value["team"]) == {"AI Imaging"}
    assert at.query_params == {"team": "ai-imaging", "period": "fy-2025-26"}
    assert not at.warning


def test_links_made_with_the_names_on_screen_open_the_same_view_and_turn_into_ids(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, team=["AI Imaging", "Direct Commissioning London"], period="FY 2025/26")
    assert not at.exception and not at.warning
    assert at.multiselect(key="team").value == ["ai-imaging", "dc-london"]
    assert at.selectbox(key="period").value == "fy-2025-26"
    assert at.query_params == {"team": ["ai-imaging", "dc-london"], "period": "fy-2025-26"}


def test_a_link_naming_a_team_by_its_former_name_finds_the_team(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db), read_only=True)
    former = con.execute("SELECT name FROM team_history WHERE team_id = 'ai-imaging' AND valid_to IS NOT NULL").fetchone()[0]
    con.close()
    assert former == "AI Lab Imaging"
    at = app(demo_db, monkeypatch, team=former, period="all")
    assert at.multiselect(key="team").value == ["ai-imaging"]
    assert at.selectbox(key="period").value == "all-time"
    assert at.query_params == {"team": "ai-imaging", "period": "all-time"}


def test_a_link_naming_an_unknown_team_says_so_and_shows_all_teams(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, team="no-such-team")
    assert not at.exception
    assert notices(at) == ["No team 'no-such-team': showing all teams."]
    assert at.multiselect(key="team").value == []
    assert caption(at).startswith("all teams · Last 12 months")
    assert at.query_params == {}  # the name it could not use is gone from the link
    at.run()
    assert notices(at) == ["No team 'no-such-team': showing all teams."]  # until the filters change
    at.multiselect(key="team").set_value(["dc-london"]).run()
    assert notices(at) == []
    assert at.query_params == {"team": "dc-london"}


def test_a_link_with_known_and_unknown_names_keeps_the_known_and_names_the_rest(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, team=["dc-london", "<b>x</b>", "zz"], period="fy-1999-00")
    assert not at.exception
    assert notices(at) == ["No teams '<b>x</b>', 'zz': showing DC London.",
                           "No period 'fy-1999-00': showing Last 12 months."]
    assert unescaped_markup(at.warning[0].value) == []  # a name from the URL is shown as text, never as markup
    assert at.query_params == {"team": "dc-london"}


def test_choosing_filters_puts_their_ids_in_the_link(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    assert at.query_params == {}  # all teams and the last 12 months: the defaults stay out of the link
    at.multiselect(key="team").set_value(["ai-imaging", "dc-london"])
    at.selectbox(key="period").set_value("fy-2024-25").run()
    assert at.query_params == {"team": ["ai-imaging", "dc-london"], "period": "fy-2024-25"}
    at.selectbox(key="period").set_value("last-12-months").run()
    assert at.query_params == {"team": ["ai-imaging", "dc-london"]}


def test_a_project_link_by_id_or_title_opens_its_record_and_an_unknown_one_says_so(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db), read_only=True)
    pid, title = con.execute("SELECT project_id, title FROM projects ORDER BY project_id LIMIT 1").fetchone()
    con.close()
    for given in (pid, title):
        at = app(demo_db, monkeypatch, project=given, period="all")
        at.switch_page(page("projects.py")).run()
        assert not at.exception
        assert title in [h.value for h in at.header], given
        assert at.query_params == {"project": pid, "period": "all-time"}
    at = app(demo_db, monkeypatch, project="no-such-project")
    at.switch_page(page("projects.py")).run()
    assert notices(at) == ["No project 'no-such-project': showing no project's record."]
    assert at.selectbox(key="project").value is None and "project" not in at.query_params


def test_the_overview_links_each_new_project_by_its_id_with_the_filters(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, team="AI Imaging", period="All time")
    links = re.findall(r'href="(projects\?[^"]*)"', "".join(h.value for h in at.html))
    assert links and all(re.fullmatch(r"projects\?team=ai-imaging&amp;period=all-time&amp;project=[a-z0-9-]+", link)
                         for link in links), links


# --- In the browser ----------------------------------------------------------------------

@pytest.mark.browser
def test_the_readme_link_opens_its_view_and_an_unknown_team_is_named(demo_db, tmp_path):
    """The link as the README writes it, on the real server in Chromium at a projector's
    1280x720: the team and year it names, on screen and in the sidebar; then a link naming no
    team of the data, whose notice names it; then a team chosen, whose id the link carries."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, running_app, wait_for_app

    readme = (config.ROOT / "README.md").read_text()
    link = re.search(r"`(/repositories\?team=[^`]+)`", readme).group(1)
    assert link == "/repositories?team=ai-imaging&period=fy-2025-26"
    with running_app(demo_db) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(url + link)
        wait_for_app(page)
        main, sidebar = page.locator('[data-testid="stMain"]'), page.locator('[data-testid="stSidebar"]')
        main.get_by_text("AI Imaging · FY 2025/26 (1 Apr 2025 to 31 Mar 2026)").wait_for()
        assert "AI Imaging" in sidebar.locator('[data-testid="stMultiSelect"]').inner_text()
        assert sidebar.locator('[data-testid="stSelectbox"] input').input_value() == "FY 2025/26"
        assert page.url == url + link  # the link stays as it was written

        page.locator('[data-testid="stSidebarNav"] a', has_text="Overview").click()
        page.wait_for_url(re.compile(r"/\?team=ai-imaging&period=fy-2025-26$"))  # the filters go with the page

        page.goto(f"{url}/?team=no-such-team")
        wait_for_app(page)
        notice = main.locator('[data-testid="stAlert"]', has_text="no-such-team")
        notice.wait_for()
        assert notice.inner_text().endswith("No team 'no-such-team': showing all teams.")
        assert notice.bounding_box()["y"] + notice.bounding_box()["height"] < 720  # on the first screen
        main.get_by_text("all teams · Last 12 months", exact=False).first.wait_for()
        sidebar.locator('[data-testid="stMultiSelect"]').click()
        page.get_by_role("option", name="DC London").click()
        page.keyboard.press("Escape")
        page.wait_for_url(re.compile(r"/\?team=dc-london$"))
        notice.wait_for(state="detached")
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
