"""The catalogue of headline measures (analyses.metrics): names that say what differs, one
definition each, and the same figures on the dashboard and in the annual report."""
from __future__ import annotations

import datetime as dt
import functools
import html
import re

import pytest

from analyses import metrics, queries
from etl import pipeline, warehouse
from etl.records import rows as project_rows
from etl.warehouse import load
from publish import report
from tests import html_text
from tests.test_pages import app, fresh_caches, headline, page  # noqa: F401 (fresh_caches is a fixture)


def test_every_measure_has_its_own_name_a_definition_and_a_query():
    names = [m.name for m in metrics.CATALOGUE]
    assert len(names) == len(set(names)), "two measures share a name"
    for m in metrics.CATALOGUE:
        assert m.definition.endswith(".") and 20 < len(m.definition) < 160, m.key
        assert m.query in queries.catalogue(), m.key
    # Measures that sound alike are told apart by their names.
    assert {"Operational now", "Ever reached operational", "Went operational in the period"} <= set(names)
    assert {"Teams in the selection", "Teams with commits", "Teams with a link"} <= set(names)


def pathway_warehouse(path):
    """Four projects of one team, with the period 1 April 2025 to 31 March 2026 in mind:
    op-now      pilot 2023, operational 2024-06            -> operational now, ever reached
    op-retired  operational 2023-01, retired 2024-02       -> ever reached, not now
    op-new      discovery 2024, operational 2025-09-01     -> went operational in the period
    at-pilot    idea 2025-05-01, pilot 2025-11-01          -> started in and moved on in the period"""
    stages = {"op-now": [("pilot", "2023-03-01"), ("operational", "2024-06-01")],
              "op-retired": [("operational", "2023-01-02"), ("retired", "2024-02-01")],
              "op-new": [("discovery", "2024-04-01"), ("operational", "2025-09-01")],
              "at-pilot": [("idea", "2025-05-01"), ("pilot", "2025-11-01")]}
    with pipeline.build(path, "test") as b:
        b.data_as_of = dt.datetime(2026, 3, 31)
        load.save_rows(b.con, "teams", [{"team_id": "t", "name": "T", "short_name": "T", "organisation": "NHS England"}])
        project_rows.save_projects(b.con, [{"id": pid, "title": pid, "summary": "s", "lead_team": "t",
                                    "stages": [{"stage": s, "date": d} for s, d in history]}
                                   for pid, history in stages.items()])


def test_operational_measures_count_what_their_names_say(tmp_path):
    pathway_warehouse(tmp_path / "w.duckdb")
    cur = warehouse.cursor(warehouse.open_read_only(tmp_path / "w.duckdb"))
    run = functools.partial(queries.run, cur)
    got = {key: metrics.value(key, run, dt.date(2025, 4, 1), dt.date(2026, 3, 31))
           for key in ("projects", "operational_now", "ever_operational", "went_operational", "started", "moved_on",
                       "stopped")}
    assert got == {"projects": 4, "operational_now": 2, "ever_operational": 3, "went_operational": 1, "started": 1,
                   "moved_on": 1, "stopped": 0}
    # On 31 January 2024 only op-retired had gone operational (op-now was still at pilot), and had
    # not yet been retired.
    assert metrics.value("operational_now", run, dt.date(2023, 4, 1), dt.date(2024, 1, 31)) == 1
    assert metrics.value("ever_operational", run, dt.date(2023, 4, 1), dt.date(2024, 1, 31)) == 1
    # On 31 March 2025: op-now operational; op-retired retired, but it had reached operational.
    assert metrics.value("operational_now", run, dt.date(2024, 4, 1), dt.date(2025, 3, 31)) == 1
    assert metrics.value("ever_operational", run, dt.date(2024, 4, 1), dt.date(2025, 3, 31)) == 2


def report_cards(html: str) -> dict[str, str]:
    return {name: value for value, name in re.findall(
        r"<div class='card'><span class='n'>([\d,%]+)</span><span>([^<]+)</span></div>", html)}


def test_the_reports_headline_figures_are_the_dashboards(demo_db, monkeypatch):
    cur = warehouse.cursor(warehouse.open_read_only(demo_db))
    html = report.annual(cur, dt.date(2025, 4, 1), dt.date(2026, 3, 31)).html
    cards = report_cards(html)
    assert list(cards) == [metrics.get(k).name for k in report.HEADLINES]
    # Each definition is printed with its figure.
    for key in report.HEADLINES:
        assert metrics.get(key).definition.replace("'", "&#x27;") in html
    at = app(demo_db, monkeypatch, period="FY 2025/26")
    assert not at.exception, [e.message for e in at.exception]
    shown = headline(at)
    for name in ("Projects", "Active repositories", "Contributors"):
        assert cards[name] == f"{shown[name]:,}", name
    # The Overview's note on stages and the report's pathway section name both operational measures alike.
    stage_note = " ".join(h.value for h in at.html)
    for key in ("operational_now", "ever_operational"):
        m = metrics.get(key)
        run = functools.partial(queries.run, cur)
        figure = m.shown(m.value(run, dt.date(2025, 4, 1), dt.date(2026, 3, 31)))
        assert f"{m.name}: {figure}" in html or f"{m.name}: {figure}" in stage_note.replace(m.name.lower(), m.name)


def test_pages_show_each_measures_definition_where_the_figure_is(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    # name, value, (the change against the period before,) what it counts
    notes = {row[0]: row[-1] for row in html_text.rows("".join(h.value for h in at.html), "Headline figures")[0]}
    for key in ("projects", "active_repositories", "contributors", "teams_selected"):
        assert notes[metrics.get(key).name] == metrics.get(key).definition
    at.switch_page(page("collaboration.py")).run()
    helps = {m.label: m.proto.help for m in at.metric}
    for key in ("cross_team_repositories", "cross_team_projects", "team_pairs_linked", "share_across_teams"):
        assert helps[metrics.get(key).name] == metrics.get(key).definition
    assert any(metrics.get("teams_linked").name in md.value for md in at.markdown)


@pytest.mark.parametrize("link", ["people", "coauthored", "projects", "code"])
def test_teams_with_a_link_are_the_teams_in_the_chosen_links(demo_db, link):
    cur = warehouse.cursor(warehouse.open_read_only(demo_db))
    run = functools.partial(queries.run, cur)
    start, end = dt.date(2025, 10, 1), dt.date(2026, 9, 30)
    links = run("collab_links", date_from=start, date_to=end, teams=[])
    chosen = links[links.link == link]
    assert metrics.value("teams_linked", run, start, end, link=link) == len(set(chosen.team_a_id) | set(chosen.team_b_id))
    assert metrics.value("teams_linked", run, start, end, ("ai-imaging",), link=link) == int(
        "ai-imaging" in set(chosen.team_a_id) | set(chosen.team_b_id))


def test_the_repositories_page_counts_active_repositories_as_the_overview_does(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, team="AI Imaging")
    overview = headline(at)["Active repositories"]
    at.switch_page(page("repositories.py")).run()
    assert not at.exception
    sentence = next(h.value for h in at.html if 'class="ai-answer"' in h.value)  # the page's answer, first
    assert re.search(r">(\S+) of the ", sentence).group(1) == f"{overview:,}"
    assert metrics.get("active_repositories").definition in html.unescape(sentence)
    listed = at.dataframe[0].value
    assert (listed.commits > 0).sum() == overview  # the page's own table agrees with the measure
