"""Projects, Pathway and Repositories open with one sentence that answers the page's question,
its figures the headline measures (analyses.metrics) with their definitions; the Pathway's start
years name the part year; the Data page's run history reads with one run."""
from __future__ import annotations

import datetime as dt
import functools
import json
import re

import pandas as pd
import pytest

from analyses import metrics, queries
from etl import warehouse
from tests.html_text import page_answer as answer
from tests.test_pages import app, fresh_caches, page  # noqa: F401 (fresh_caches is a fixture)

AS_OF = dt.date(2026, 9, 30)


@pytest.fixture
def measure(demo_db):
    con = warehouse.open_read_only(demo_db)
    run = functools.partial(queries.run, warehouse.cursor(con))
    yield lambda key, start, end=AS_OF, teams=(): int(metrics.value(key, run, start, end, teams))
    con.close()


def test_pathway_answers_with_the_operational_measures(demo_db, monkeypatch, measure):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("pathway.py")).run()
    sentence, definitions = answer(at)
    start = dt.date(2025, 10, 1)
    ever, now, went, total = (measure(k, start) for k in ("ever_operational", "operational_now", "went_operational",
                                                          "projects"))
    went_text = f"{went:,}" if went else "none"
    assert sentence == (f"{ever:,} of the {total:,} projects started by 30 Sep 2026 have reached operational use, "
                        f"{now:,} of them operational now; {went_text} went operational in the last 12 months.")
    for key in ("projects", "ever_operational", "operational_now", "went_operational"):
        assert metrics.get(key).definition in definitions, key


def test_pathway_answer_follows_the_team_and_a_part_year(demo_db, monkeypatch, measure):
    at = app(demo_db, monkeypatch, team="AI Imaging", period="FY 2026/27 (to date)")
    at.switch_page(page("pathway.py")).run()
    sentence, _ = answer(at)
    start, teams = dt.date(2026, 4, 1), ("ai-imaging",)
    assert sentence.startswith(f"{measure('ever_operational', start, teams=teams):,} of the "
                               f"{measure('projects', start, teams=teams):,} projects")
    assert sentence.endswith("went operational in FY 2026/27 to date.")


def test_projects_and_repositories_answer_with_their_measures(demo_db, monkeypatch, measure):
    at = app(demo_db, monkeypatch, period="FY 2024/25")
    at.switch_page(page("projects.py")).run()
    sentence, definitions = answer(at)
    start, end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    started = measure("started", start, end)
    assert sentence == (f"{measure('projects', start, end):,} projects started by 31 Mar 2025, "
                        f"{measure('operational_now', start, end):,} of them operational now; "
                        f"{started:,} started in FY 2024/25.")
    assert metrics.get("started").definition in definitions

    at.switch_page(page("repositories.py")).run()
    sentence, definitions = answer(at)
    con = warehouse.open_read_only(demo_db)
    total, archived = con.execute("SELECT count(*), count(*) FILTER (WHERE archived) FROM repositories").fetchone()
    con.close()
    assert sentence == (f"{measure('active_repositories', start, end):,} of the {total:,} repositories had a commit "
                        f"by a person in FY 2024/25; {archived:,} are archived.")
    assert definitions == f"Active repositories: {metrics.get('active_repositories').definition}"


def test_pathway_cohorts_count_each_start_year_and_name_the_part_year(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, period="All time")
    at.switch_page(page("pathway.py")).run()
    cohorts = next(d.value for d in at.dataframe if "start_year" in d.value.columns)
    con = warehouse.open_read_only(demo_db)
    started = dict(con.execute("SELECT year(started_on)::VARCHAR, count(*) FROM projects GROUP BY 1").fetchall())
    operational = dict(con.execute("""SELECT year(started_on)::VARCHAR, count(DISTINCT project_id) FROM projects
                                      JOIN project_stages USING (project_id) WHERE stage = 'operational'
                                      GROUP BY 1""").fetchall())
    con.close()
    started["2026 (to 30 Sep)"] = started.pop("2026")  # the year the data ends in, named as a part year
    stages = [c for c in cohorts.columns if re.fullmatch(r"s\d+", c)]  # projects reaching each stage, in order
    first, last = stages[0], stages[-1]
    assert dict(zip(cohorts.start_year, cohorts[first])) == started
    assert list(cohorts.start_year) == sorted(started, reverse=True)
    got = dict(zip(cohorts.start_year, cohorts[last]))
    assert {y: n for y, n in got.items() if n} == {y: n for y, n in operational.items() if n}
    assert any("2026 (to 30 Sep): a part year" in c.value for c in at.caption)
    # Its chart, made when the Export dialog opens, draws without error.
    at.button(key="by_year_chart_export").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [b.proto.label for b in at.get("download_button")][:2] == ["PNG image", "SVG image"]


def test_run_history_with_one_run_reads_as_days(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("data.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    runs = next(d for d in at.dataframe if "repos_kept" in d.value.columns)
    assert len(runs.value) == 1 and runs.value.repos_kept.isna().all()  # the demo build keeps no such count
    assert runs.proto.placeholder == ""  # shown blank, not "None"
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))
    layout = chart["layout"]
    shown_from, shown_to = (pd.Timestamp(t) for t in layout["xaxis"]["range"])
    assert shown_to - shown_from == pd.Timedelta(days=7)
    assert layout["xaxis"]["dtick"] == 86_400_000 and "%H" not in layout["xaxis"]["tickformat"]
    assert layout["legend"]["title"]["text"] == "Outcome" and layout["showlegend"] is True
    assert [t["name"] for t in chart["data"]] == ["Succeeded"]
