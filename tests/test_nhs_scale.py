"""The NHS-scale warehouse (`python -m etl demo --scale nhs`): its size, its consistency, and
the dashboard over it, with many teams folded into "Other teams" on team charts."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analyses import queries
from dashboard import collaboration_figures, data, figures
from etl import config, warehouse
from etl.demo import nhs_scale
from publish import theme
from tests import html_text

pytestmark = pytest.mark.nhs_scale  # select with -m nhs_scale, leave out with -m "not nhs_scale"


@pytest.fixture(scope="module")
def nhs_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("nhs") / "warehouse.duckdb"
    done = subprocess.run([sys.executable, "-m", "etl", "demo", "--scale", "nhs", "--db", str(path)],
                          cwd=config.ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1,000,000 commits" in done.stderr
    return path


def test_the_warehouse_has_nhs_scale_and_is_consistent(nhs_db):
    con = duckdb.connect(str(nhs_db), read_only=True)
    count = lambda table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("repositories") >= 5000 and count("commits") >= 1_000_000 and count("projects") >= 500
    assert count("people WHERE NOT is_bot") >= 3000 and count("teams") >= 40
    assert count("needs") >= 60 and count("need_status_history") >= count("needs")
    assert dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())["demo_scale"] == "nhs"
    # Every commit counts once per author in contributions unless its author is a bot.
    humans = con.execute("SELECT count(*) FROM commits JOIN people USING (person_key) WHERE NOT is_bot").fetchone()[0]
    assert con.execute("SELECT count(*) FROM contributions WHERE role = 'author'").fetchone()[0] == humans
    assert count("team_links_yearly") > 0 and count("team_activity_yearly") > 0
    con.close()
    con = warehouse.open_read_only(nhs_db)
    assert warehouse.check_integrity(con) == []
    con.close()


def test_the_same_seed_gives_the_same_rows():
    first = next(t for t in nhs_scale.generate(7) if t[0] == "repositories")[1][:50]
    again = next(t for t in nhs_scale.generate(7) if t[0] == "repositories")[1][:50]
    assert first == again


def test_overview_names_the_ten_busiest_of_forty_teams_and_adds_up_the_rest(nhs_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("DSA_DB", str(nhs_db))
    at = AppTest.from_file(str(config.ROOT / "tests" / "app_entry.py"), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    rows, _ = html_text.rows("".join(h.value for h in at.html), "Activity by team, Last 12 months")
    assert rows[1][0] == "All teams" and len(rows) == 1 + 1 + 10 + 1
    assert re.fullmatch(r"\d+ other teams( and repositories with no team)?", rows[-1][0])
    commits = [int(row[1].replace(",", "")) for row in rows[1:]]
    assert commits[0] == sum(commits[1:]) and commits[1:11] == sorted(commits[1:11], reverse=True)
    assert any("the 10 busiest have a row each" in h.value for h in at.html)
    # The chart the Export menu gives folds the forty teams into seven and the rest, as every team chart does.
    monthly = data.query("commits_by_team_month", date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30), teams=[])
    names = [trace.name for trace in figures.activity_figure(monthly, theme.team_colours(data.query("team_list"))).data]
    assert len(names) == 8 and re.fullmatch(r"Other \(\d+ teams\)", names[-1])
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(db, monkeypatch, name: str):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("DSA_DB", str(db))
    at = AppTest.from_file(str(config.ROOT / "tests" / "app_entry.py"), default_timeout=180).run()
    at.switch_page(str(config.ROOT / "pages" / name)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at, [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def legend_colours(fig: dict) -> list[str]:
    """The colour of each legend entry of a chart (its traces that show in the legend)."""
    return [t["marker"]["color"] for t in fig["data"]
            if t.get("showlegend") is not False and isinstance(t.get("marker", {}).get("color"), str) and t.get("name")]


def test_collaboration_of_forty_teams_ranks_pairs_centres_on_one_team_and_names_every_team(nhs_db, monkeypatch):
    at, charts = open_page(nhs_db, monkeypatch, "collaboration.py")
    con = warehouse.open_read_only(nhs_db)
    links = queries.run(warehouse.cursor(con), "collab_links", date_from=dt.date(2025, 10, 1), date_to=dt.date(2026, 9, 30))
    activity = queries.run(warehouse.cursor(con), "collab_team_activity", date_from=dt.date(2025, 10, 1),
                           date_to=dt.date(2026, 9, 30))
    con.close()
    people = links[links.link == "people"].sort_values("weight", ascending=False)
    # First: the strongest pairs, strongest first.
    bars = charts[0]["data"][0]
    assert bars["type"] == "bar" and len(bars["y"]) == collaboration_figures.TOP_PAIRS
    assert list(bars["x"]) == list(people.weight.head(collaboration_figures.TOP_PAIRS))
    # Then the network round the team with the most links (then the greatest link weight), its
    # strongest links only.
    ends = pd.concat([people[["team_a", "weight"]].set_axis(["team", "weight"], axis=1),
                      people[["team_b", "weight"]].set_axis(["team", "weight"], axis=1)])
    ranked = ends.groupby("team").weight.agg(["size", "sum"]).sort_values(["size", "sum"], ascending=False)
    assert tuple(ranked.iloc[0]) != tuple(ranked.iloc[1])  # the busiest team is clear
    ego = next(c for c in charts if c["layout"].get("annotations"))
    assert ego["layout"]["annotations"][0]["text"].endswith(f"<b>{ranked.index[0]}</b>")
    assert len(next(t for t in ego["data"] if t["mode"] == "markers+text")["text"]) == collaboration_figures.PARTNERS
    # And the matrix of every pair, every team named on both axes.
    matrix = next(c for c in charts if c["data"][0]["type"] == "heatmap")
    teams = set(activity.team) | set(people.team_a) | set(people.team_b)
    assert set(matrix["data"][0]["y"]) == set(matrix["data"][0]["x"]) == teams and len(teams) > 30
    assert matrix["layout"]["xaxis"]["dtick"] == matrix["layout"]["yaxis"]["dtick"] == 1
    assert matrix["layout"]["height"] >= 20 * len(teams)
    # No chart has more than eight legend entries, nor two teams in one colour.
    for chart in charts:
        colours = [c for c in legend_colours(chart) if c != theme.UNMAPPED]
        assert len(legend_colours(chart)) <= 8 and len(colours) == len(set(colours)), chart["layout"].get("height")
    answer, _ = html_text.page_answer(at)
    assert "of contributions crossed team lines" in answer and "a year earlier" in answer


def test_tech_stack_of_forty_teams_shows_the_top_teams_and_the_rest_together(nhs_db, monkeypatch):
    at, charts = open_page(nhs_db, monkeypatch, "tech_stack.py")
    languages = charts[0]
    rows = languages["layout"]["yaxis"]["categoryarray"]
    assert len(rows) == 16 and re.fullmatch(r"Other \(\d+ teams\)", rows[0])  # drawn bottom up: Other last
    heat = next(c for c in charts if c["data"][0]["type"] == "heatmap")
    assert len(heat["data"][0]["y"]) == 16 and re.fullmatch(r"Other \(\d+ teams\)", heat["data"][0]["y"][-1])
    assert len(heat["data"][0]["x"]) == 15
    for chart in charts:
        colours = [c for c in legend_colours(chart) if c != theme.UNMAPPED]
        assert len(legend_colours(chart)) <= 8 and len(colours) == len(set(colours))
    assert not at.warning
