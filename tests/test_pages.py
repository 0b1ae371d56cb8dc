"""Every page runs headless (Streamlit AppTest) on the demo warehouse, with and without filters."""
from __future__ import annotations

import base64
import json

import duckdb
import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl import config
from tests import html_text, small_warehouse
from tests.conftest import build_tiny, build_with_project

PAGES = sorted(str(p) for p in (config.ROOT / "pages").glob("*.py"))
ENTRY = config.ROOT / "tests" / "app_entry.py"


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def app(db, monkeypatch, **query_params) -> AppTest:
    monkeypatch.setenv("DSA_DB", str(db))
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    for key, value in query_params.items():
        at.query_params[key] = value
    return at.run()


def figure(at, index=0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def values(array) -> list:
    """A Plotly data array, decoding the binary form Plotly uses for numbers."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def page(name: str) -> str:
    return str(config.ROOT / "pages" / name)


@pytest.mark.parametrize("script", PAGES, ids=lambda p: p.rsplit("/", 1)[-1])
def test_every_page_runs_without_exception(demo_db, monkeypatch, script):
    at = app(demo_db, monkeypatch)
    at.switch_page(script).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title, f"{script} shows no title"
    assert len(at.sidebar.children) > 0, "the frame's sidebar did not run with the page"


def headline(at) -> dict[str, int]:
    """The Overview's headline figures, by name (dashboard.blocks.figures)."""
    found, _ = html_text.rows("".join(h.value for h in at.html), "Headline figures")
    return {name: int(value.replace(",", "")) for name, value, *_said in found}


def html_table(at, label: str) -> tuple[list[list[str]], list[str]]:
    return html_text.rows("".join(h.value for h in at.html), label)


def test_overview_shows_hand_counted_headlines_stages_activity_and_newest_projects(tmp_path, monkeypatch):
    """The small warehouse of tests/small_warehouse.py, whose docstring lists what it holds; the
    Overview's default period is the last 12 months: 1 April 2024 to 31 March 2025."""
    at = app(small_warehouse.build(tmp_path / "w.duckdb"), monkeypatch)
    assert not at.exception, [e.message for e in at.exception]
    # Projects with a stage by 31 March 2025 (all but "future"); repositories a1, a2, b1, x1 had human
    # commits; people A, B, C, D made them; three teams exist.
    assert headline(at) == {"Projects": 6, "Active repositories": 4, "Contributors": 4, "Teams in the selection": 3}

    # R&D and Closed head their stages with their totals.
    stage_rows, _ = html_table(at, "Projects by pathway stage on 31 Mar 2025")
    assert [row[:2] for row in stage_rows] == [
        ["Stage", "Projects"], ["Idea", "1"], ["R&D", "1"], ["Discovery", "1"], ["Proof of concept", "0"],
        ["Pilot", "1"], ["Operational", "1"], ["Closed", "2"], ["Paused", "1"], ["Retired", "1"]]

    activity, _ = html_table(at, "Activity by team, Last 12 months")
    assert [row[:4] for row in activity] == [
        ["Team", "Commits", "Contributors", "Repositories"],
        ["All teams", "9", "4", "4"],     # B and D worked for two owners and count once
        ["Alpha", "5", "3", "2"],
        ["Beta", "3", "2", "1"],
        ["No team", "1", "1", "1"],       # org/x1; Gamma had no commit in the period and has no row
    ]
    assert not at.get("plotly_chart")  # the Overview's parts are HTML; its charts come from Export

    rows, links = html_table(at, "The newest projects, newest first")
    assert rows == [["Started", "Project", "Lead team", "Stage", "Repos"],
                    ["20 May 2024", "Scan reader What Scan reader does.", "Alpha", "Paused", "1"],
                    ["20 Apr 2024", "Bed forecast What Bed forecast does.", "Beta", "Discovery", "2"]]
    assert [link.rsplit("project=", 1)[-1] for link in links] == ["scanner", "forecast"]  # by id, as links are


def test_overview_of_one_team_counts_only_its_work(tmp_path, monkeypatch):
    at = app(small_warehouse.build(tmp_path / "w.duckdb"), monkeypatch, team="Beta")
    assert not at.exception, [e.message for e in at.exception]
    # Beta leads "forecast" (discovery) and is a partner in "triage" (pilot); "future" has no stage yet.
    # Its repository org/b1 had commits 7-9 by B and D.
    assert headline(at) == {"Projects": 2, "Active repositories": 1, "Contributors": 2, "Teams in the selection": 1}
    activity, _ = html_table(at, "Activity by team, Last 12 months")
    assert [row[:4] for row in activity[1:]] == [["All selected teams", "3", "2", "1"], ["Beta", "3", "2", "1"]]
    rows, _ = html_table(at, "The newest projects, newest first")
    assert [row[1] for row in rows[1:]] == ["Bed forecast What Bed forecast does."]


def test_a_charts_downloads_are_made_only_when_its_export_dialog_opens(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    assert [b.key for b in at.button] == ["stages_chart_export", "activity_chart_export"]
    assert not at.get("download_button")  # nothing for the browser to carry on every visit
    at.button(key="activity_chart_export").click().run()
    assert not at.exception
    offered = [(b.proto.label, b.proto.id.rsplit("-", 1)[-1]) for b in at.get("download_button")]
    assert offered == [("PNG image", "activity_chart_png"), ("SVG image", "activity_chart_svg"),
                       ("Data (CSV)", "activity_chart_csv"), ("Data (Excel)", "activity_chart_xlsx"),
                       ("Interactive HTML", "activity_chart_html")]
    assert all(b.proto.deferred_file_id for b in at.get("download_button"))  # each file made when clicked
    at.run()  # any other run of the page closes the dialog, and its buttons go with it
    assert not at.get("download_button")


def test_team_filter_from_the_url_narrows_every_figure(demo_db, monkeypatch):
    everyone = app(demo_db, monkeypatch)
    one_team = app(demo_db, monkeypatch, team="AI Imaging", period="All time")
    assert not one_team.exception
    assert one_team.multiselect(key="team").value == ["ai-imaging"]
    assert one_team.selectbox(key="period").value == "all-time"
    activity, _ = html_table(one_team, "Activity by team, All time")
    assert [row[0] for row in activity[1:]] == ["All selected teams", "AI Imaging"]
    assert activity[1][1:4] == activity[2][1:4]
    all_m, one_m = headline(everyone), headline(one_team)
    assert one_m["Teams in the selection"] == 1
    assert one_m["Projects"] < all_m["Projects"]


def test_period_changes_the_figures(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    last_year = headline(at)
    at.selectbox(key="period").set_value("all-time").run()
    all_time = headline(at)
    assert all_time["Contributors"] >= last_year["Contributors"]
    assert all_time["Active repositories"] > last_year["Active repositories"]


def test_filters_survive_a_page_switch(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.multiselect(key="team").set_value(["dc-london"]).run()
    at.switch_page(page("repositories.py")).run()
    assert not at.exception
    assert at.multiselect(key="team").value == ["dc-london"]
    assert set(at.dataframe[0].value["team"]) == {"DC London"}


def test_repositories_search_filters_rows(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("repositories.py")).run()
    all_rows = len(at.dataframe[0].value)
    at.text_input(key="repo_search").input("forecast").run()
    rows = at.dataframe[0].value
    assert 0 < len(rows) < all_rows
    assert all("forecast" in " ".join(str(v) for v in row).lower() for row in rows.itertuples())


def test_dashboard_shows_new_data_after_the_warehouse_is_replaced(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    build_tiny(db, team_name="Before Team")
    at = app(db, monkeypatch, period="All time")
    at.switch_page(page("repositories.py")).run()
    assert set(at.dataframe[0].value["team"]) == {"Before Team"}
    build_tiny(db, team_name="After Team")  # the ETL swaps the file under the running app
    at.run()
    assert not at.exception
    assert set(at.dataframe[0].value["team"]) == {"After Team"}


def test_missing_warehouse_is_built_from_demo_data(tmp_path, monkeypatch):
    db = tmp_path / "new" / "warehouse.duckdb"
    at = app(db, monkeypatch)
    assert not at.exception
    assert db.exists()
    assert any("Demo data" in i.value for i in at.info)


def test_unreadable_warehouse_gives_a_clear_error(tmp_path, monkeypatch):
    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"this is not a duckdb file" * 100)
    at = app(db, monkeypatch)
    assert not at.exception
    assert at.error and "is not a DuckDB database, so not a warehouse" in at.error[0].value.replace("\\", "")


def test_projects_catalogue_filters_narrow_the_list(demo_db, monkeypatch):
    everything = app(demo_db, monkeypatch)
    everything.switch_page(page("projects.py")).run()
    total = len(everything.dataframe[0].value)
    pilots = app(demo_db, monkeypatch, stage="Pilot")
    pilots.switch_page(page("projects.py")).run()
    assert not pilots.exception
    shown = pilots.dataframe[0].value
    con = duckdb.connect(str(demo_db), read_only=True)
    expected = con.execute("SELECT count(*) FROM projects WHERE current_stage = 'pilot'").fetchone()[0]
    python = con.execute("SELECT count(DISTINCT project_id) FROM project_tags WHERE tag = 'python'").fetchone()[0]
    con.close()
    assert len(shown) == expected < total
    assert set(shown["stage"]) == {"Pilot"}
    tagged = app(demo_db, monkeypatch, tag="python")
    tagged.switch_page(page("projects.py")).run()
    assert len(tagged.dataframe[0].value) == python
    searched = app(demo_db, monkeypatch, q="forecast")
    searched.switch_page(page("projects.py")).run()
    rows = searched.dataframe[0].value
    assert 0 < len(rows) < total
    assert all("forecast" in " ".join(map(str, r)).lower() for r in rows.itertuples())


def test_project_detail_view_opens_from_the_url(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db), read_only=True)
    pid, title, stage_count = con.execute(
        "SELECT p.project_id, p.title, count(*) FROM projects p JOIN project_stages s USING (project_id) "
        "GROUP BY ALL ORDER BY count(*) DESC, p.project_id LIMIT 1").fetchone()
    con.close()
    at = app(demo_db, monkeypatch, project=title)
    at.switch_page(page("projects.py")).run()
    assert not at.exception
    assert title in [h.value for h in at.header]
    timeline = figure(at, 0)
    assert sum(len(values(t["y"])) if isinstance(t["y"], dict) else len(t["y"]) for t in timeline["data"]) == stage_count


def test_submit_form_reports_problems_and_offers_a_valid_record(demo_db, monkeypatch):
    from tests.test_forms import error_summary

    at = app(demo_db, monkeypatch)
    at.switch_page(page("projects.py")).run()
    at.text_input(key="form_id").input("Not A Slug")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    problems = dict((message, key) for key, message in error_summary(at))  # in the words of the form's labels
    assert problems["Enter the title"] == "form_title" and problems["Enter the one-line summary"] == "form_summary"
    assert any(m.startswith("Id must be lower-case letters") for m in problems)
    assert len(at.get("download_button")) == 0
    at.text_input(key="form_id").input("new-triage-model")
    at.text_input(key="form_title").input("New triage model")
    at.text_input(key="form_summary").input("Ranks referrals by urgency.")
    at.selectbox(key="form_lead").select("ai-skunkworks")
    at.text_area(key="form_repos").input("https://github.com/nhsx/new-triage-model")
    at.get("form_submit_button")[0].click().run()
    assert not error_summary(at)
    assert "id: new-triage-model" in at.code[0].value
    assert len(at.get("download_button")) == 1


def test_record_text_is_shown_escaped(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    build_with_project(db, description="<script>alert('owned')</script> **not bold**")
    at = app(db, monkeypatch, project="Risky text", period="All time")
    at.switch_page(page("projects.py")).run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "script" in m.value]
    assert shown == ["&lt;script&gt;alert\\(\\'owned\\'\\)&lt;\\/script&gt; \\*\\*not bold\\*\\*"]


def test_pathway_funnel_matches_the_records(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, period="All time")
    at.switch_page(page("pathway.py")).run()
    assert not at.exception
    funnel = figure(at, 0)["data"][0]
    con = duckdb.connect(str(demo_db), read_only=True)
    reached = con.execute("""
        SELECT st.label, (SELECT count(DISTINCT s.project_id) FROM project_stages s JOIN stages x USING (stage)
                          WHERE x.phase <> 'closed' AND x.ordinal >= st.ordinal
                            AND s.entered_on <= DATE '2026-09-30')
        FROM stages st WHERE st.phase <> 'closed' ORDER BY st.ordinal""").fetchall()
    pilots = con.execute("SELECT count(*) FROM projects WHERE current_stage = 'pilot'").fetchone()[0]
    con.close()
    assert list(zip(funnel["y"], values(funnel["x"]))) == reached
    readiness = at.dataframe[-1].value
    assert len(readiness) == pilots


def test_pathway_stalled_list_follows_the_months_chosen(demo_db, monkeypatch):
    strict = app(demo_db, monkeypatch, stalled_months="1", period="All time")
    strict.switch_page(page("pathway.py")).run()
    lenient = app(demo_db, monkeypatch, stalled_months="24", period="All time")
    lenient.switch_page(page("pathway.py")).run()
    count = lambda at: next((len(d.value) for d in at.dataframe if "months_quiet" in d.value.columns), 0)
    assert count(strict) > count(lenient)
