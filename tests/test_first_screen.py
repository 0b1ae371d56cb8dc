"""The product's identity and what the first screen says: the NHS-blue band with the product's
name, the Overview's headline figures with their change against the period before, its team
trend bars on one stated scale, and the tech radar naming every technology by ring."""
from __future__ import annotations

import colorsys
import re

import duckdb
import pytest
import streamlit as st

from analyses import metrics, periods, vocabulary
from dashboard import figures
from tests import small_warehouse
from tests.test_pages import app, figure, headline, html_table, page

WORDS = vocabulary.current()


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def band(at) -> str:
    return next(h.value for h in at.html if 'class="ai-band"' in h.value)


def test_every_page_carries_the_product_name_in_the_nhs_blue_band_and_demo_data_is_marked(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    for script in ("overview.py", "radar.py", "projects.py"):
        at.switch_page(page(script)).run()
        assert not at.exception
        shown = band(at)
        assert '<p class="ai-band-name">Assembly Insights</p>' in shown
        assert "NHS England · Data Science Assembly" in shown
        assert ">Synthetic demo data</span>" in shown
        assert "[data-testid=\"stHeader\"] { background: #005EB8; }" in shown  # Streamlit's bar turns NHS blue


def test_a_live_warehouse_has_the_band_without_the_demo_mark(tmp_path, monkeypatch):
    at = app(small_warehouse.build(tmp_path / "w.duckdb"), monkeypatch)
    assert not at.exception
    assert "Assembly Insights" in band(at) and "Synthetic demo data" not in band(at)


def test_headline_figures_say_their_change_against_the_period_as_long_before(tmp_path, monkeypatch):
    """Counted independently for the small warehouse: the Overview's last 12 months are 1 April 2024
    to 31 March 2025; the 12 months before, 1 April 2023 to 31 March 2024, are FY 2023/24."""
    db = small_warehouse.build(tmp_path / "w.duckdb")
    at = app(db, monkeypatch)
    body = "".join(h.value for h in at.html)
    said = {name: change for name, _value, change, *_ in html_table(at, "Headline figures")[0] if len(_) == 1}
    con = duckdb.connect(str(db), read_only=True)
    before = {
        "Projects": con.execute("SELECT count(DISTINCT project_id) FROM project_stages "
                                "WHERE entered_on <= DATE '2024-03-31'").fetchone()[0],
        "Active repositories": con.execute(
            "SELECT count(DISTINCT c.full_name) FROM commits c JOIN people p USING (person_key) "
            "WHERE NOT p.is_bot AND c.authored_at >= DATE '2023-04-01' AND c.authored_at < DATE '2024-04-01'").fetchone()[0],
    }
    con.close()
    now = headline(at)
    for name, then in before.items():
        difference = now[name] - then
        expected = ("No change on" if not difference else f"{'▲' if difference > 0 else '▼'} {abs(difference)} on")
        assert said[name] == f"{expected} FY 2023/24", (name, said[name], then)  # 12 months that are a financial year
        assert f"Compared with {then:,} in 1 Apr 2023 to 31 Mar 2024" in body
    assert "Teams in the selection" not in said  # the sidebar's choice: nothing to compare


def test_the_change_is_left_out_when_the_period_before_starts_before_the_data(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, period="all")
    rows, _ = html_table(at, "Headline figures")
    assert all(len(row) == 3 for row in rows)  # name, value, what it counts: no change line
    assert 'class="ai-change' not in "".join(h.value for h in at.html)


def test_the_headline_change_comes_from_the_measures_catalogue(demo_db, monkeypatch):
    """One definition per figure: the change is the same measure over the period before."""
    at = app(demo_db, monkeypatch, period="fy-2025-26")
    rows, _ = html_table(at, "Headline figures")
    repos_now = metrics.value("active_repositories", _runner(demo_db), *_days("fy-2025-26"))
    repos_then = metrics.value("active_repositories", _runner(demo_db), *_days("fy-2024-25"))
    row = next(r for r in rows if r[0] == "Active repositories")
    assert row[1] == f"{int(repos_now):,}"
    difference = int(repos_now - repos_then)
    assert row[2] == (f"{'▲' if difference > 0 else '▼'} {abs(difference):,} on FY 2024/25" if difference
                      else "No change on FY 2024/25")


def _runner(db):
    from analyses import queries
    from etl import warehouse

    con = warehouse.open_read_only(db)
    return lambda name, **params: queries.run(warehouse.cursor(con), name, **params)


def _days(key):
    import datetime as dt

    found = periods.find(periods.available(dt.date(2016, 4, 1), dt.date(2026, 9, 30)), key)
    return found.start, found.end


def test_team_trend_bars_share_one_scale_that_the_table_states(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    page_html = "".join(h.value for h in at.html)
    body = re.search(r'<table class="ai-table ai-activity".*?</table>', page_html)[0]
    caption = re.search(r'<caption class="ai-scale">([^<]*)</caption>', body)[1]
    top, team, month = re.fullmatch(r"Team rows share one scale: the tallest is ([\d,]+) commits \((.+), (\w{3} \d{4})\); "
                                    r"the All teams row has its own, tallest [\d,]+\.", caption).groups()  # 8 teams: no rest
    hovers = dict(re.findall(r'<tr><th scope="row">([^<]*)</th>.*?title="Commits: ([^"]*)"', body))
    assert f"{month}: {top}" in hovers[team]
    biggest = max(int(n.replace(",", "")) for hover in hovers.values() for n in re.findall(r": ([\d,]+)(?:;|$)", hover))
    assert biggest == int(top.replace(",", ""))
    # The busiest team month is full height; a quieter team's busiest month is not.
    heights = {name: max(map(int, re.findall(r"% (\d+)% no-repeat", row)))
               for name, row in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', body)}
    assert heights[team] == 100 and heights["No team"] < 50


def test_the_radar_names_every_technology_beside_its_quadrant_under_its_ring(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.switch_page(page("radar.py")).run()
    assert not at.exception
    radar = figure(at, 0)
    legends = {a["text"].split("<br>")[0]: a["text"] for a in radar["layout"]["annotations"]}
    assert set(legends) == {f"<b>{q.label.upper()}</b>" for q in WORDS.quadrants}
    con = duckdb.connect(str(demo_db), read_only=True)
    entries = con.execute("SELECT name, quadrant, ring FROM radar_entries").fetchall()
    con.close()
    table = at.dataframe[0].value
    numbers = dict(zip(table.name, table.number))
    for name, quadrant, ring in entries:
        legend = legends[f"<b>{vocabulary.labels(WORDS.quadrants)[quadrant].upper()}</b>"]
        lines = legend.split("<br>")
        line = next(i for i, text in enumerate(lines) if re.fullmatch(rf"{numbers[name]}  {re.escape(name)}( ◆)?", text))
        heading = next(text for text in reversed(lines[:line]) if "●" in text)
        assert f"● {vocabulary.labels(WORDS.rings)[ring]}" in heading  # under its own ring
    # Numbers count up within each quadrant, so a legend reads in order.
    assert list(table.number) == list(range(1, len(entries) + 1))


def test_ring_colours_are_distinct_and_not_near_invisible_on_white():
    colours = [r.colour for r in WORDS.rings]
    assert len(set(colours)) == len(colours)

    def rgb(c):
        return [int(c[i:i + 2], 16) for i in (1, 3, 5)]

    hues = {c: colorsys.rgb_to_hsv(*(v / 255 for v in rgb(c)))[0] * 360 for c in colours}
    for a in colours:  # hues far apart: no two similar blues
        for b in colours:
            if a != b:
                apart = abs(hues[a] - hues[b])
                assert min(apart, 360 - apart) >= 40, (a, b)
    for c in colours:
        r, g, b = (v / 255 for v in rgb(c))
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.75, c  # not a pale colour lost on white
    # Each blip's number is written in the colour that reads on its ring's colour.
    assert figures._ink("#ED8B00") != "#FFFFFF" and figures._ink("#005EB8") == "#FFFFFF"
