"""Tech stack and Tech radar pages under AppTest on the demo warehouse, checked against direct
counts from the warehouse tables."""
from __future__ import annotations

import re

import duckdb

from etl import warehouse
from etl.reference import radar as radar_file
from tests.conftest import build_tiny
from tests.html_text import page_answer
from tests.test_pages import app, figure, fresh_caches, page, values  # noqa: F401 (fixture)
from tests.test_text import shown

AS_OF = "DATE '2026-09-30'"
# Repositories with a commit by a person (not a bot) in the 12 months to the demo's data date.
ACTIVE = f"""
    SELECT DISTINCT c.full_name FROM commits c JOIN people p USING (person_key)
    WHERE NOT p.is_bot AND c.authored_at >= {AS_OF} - INTERVAL 12 MONTH AND c.authored_at < {AS_OF} + INTERVAL 1 DAY
"""


def sql(db, query: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def open_page(db, monkeypatch, name: str, **query_params):
    at = app(db, monkeypatch, **query_params)
    at.switch_page(page(name)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_radar_lists_where_the_curated_rings_and_real_use_disagree(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "radar.py")
    # Independently: packages on hold that an active repository still declares, and adopted
    # ones that no active repository declares.
    used = {name for (name,) in sql(demo_db, f"""
        SELECT DISTINCT e.name FROM radar_entries e
        JOIN dependencies d ON d.package = e.match_value AND e.match_kind IN ('pypi', 'cran', 'npm')
        WHERE d.full_name IN ({ACTIVE})
        UNION
        SELECT DISTINCT e.name FROM radar_entries e
        JOIN repo_languages l ON e.match_kind = 'language' AND l.language = e.match_value
        WHERE l.full_name IN ({ACTIVE})""")}
    entries = sql(demo_db, "SELECT name, ring, match_kind FROM radar_entries")
    held_but_used = {n for n, ring, kind in entries if ring == "hold" and n in used}
    adopted_unused = {n for n, ring, kind in entries if ring == "adopt" and kind and n not in used}
    assert held_but_used and adopted_unused, "the demo radar should show both kinds of disagreement"

    warning = shown(next(w.value for w in at.warning if "disagree" in w.value))  # read as text
    listed = {line.split("**")[1] for line in warning.splitlines() if line.startswith("- **")}
    assert held_but_used | adopted_unused <= listed
    for name in held_but_used:
        assert f"**{name}** (hold): On hold, but" in warning
    for name in adopted_unused:
        assert f"**{name}** (adopt): Adopted, but no team has used it" in warning

    radar = figure(at, 0)
    blips = [t for t in radar["data"] if t.get("mode") == "markers+text"]
    assert sum(len(t["text"]) for t in blips) == len(entries)
    diamonds = sum(symbol == "diamond" for t in blips for symbol in t["marker"]["symbol"])
    assert diamonds == len(listed)
    table = at.dataframe[0].value
    assert len(table) == len(entries) and list(table["number"]) == list(range(1, len(entries) + 1))
    history = at.dataframe[1].value
    assert len(history) == sql(demo_db, "SELECT count(*) FROM radar_moves")[0][0]


def test_radar_quadrant_choice_narrows_the_reasons(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "radar.py", quadrant="Languages")
    languages = {n for (n,) in sql(demo_db, "SELECT name FROM radar_entries WHERE quadrant = 'languages'")}
    reasons = [m.value for m in at.markdown if " since " in m.value and "·" in m.value]
    assert {re.sub(r"\\(.)", r"\1", r.split("**")[1]) for r in reasons} == languages  # markdown escapes undone


def test_languages_by_team_match_the_warehouse(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "tech_stack.py")
    # A repository counts for a language that is at least 10% of its bytes.
    expected = sql(demo_db, f"""
        SELECT count(*) FROM (SELECT DISTINCT r.team_id, l.language, l.full_name
        FROM repo_languages l JOIN repositories r USING (full_name)
        WHERE l.full_name IN ({ACTIVE})
          AND l.bytes * 10 >= (SELECT sum(bytes) FROM repo_languages x WHERE x.full_name = l.full_name))""")[0][0]
    bars = figure(at, 0)["data"]
    assert sum(row[0] for t in bars for row in t["customdata"]) == expected  # the counts, on hover
    # Drawn as shares of each team's repositories: every team's bar adds up to 100%.
    per_team = {}
    for t in bars:
        for team, share in zip(t["y"], values(t["x"])):
            per_team[team] = per_team.get(team, 0) + share
    assert all(abs(total - 100) < 0.6 for total in per_team.values())
    colours = [t["marker"]["color"] for t in bars]
    assert len(set(colours)) == len(colours), "two languages share a colour"
    assert bars[-1]["name"] == "Other" or len(bars) <= 8


def test_category_from_the_url_limits_the_heatmap(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "tech_stack.py", category="Deep learning")  # the URL carries the label people see
    heatmap = next(figure(at, i) for i in range(len(at.get("plotly_chart")))
                   if figure(at, i)["data"][0]["type"] == "heatmap")
    shown = set(heatmap["data"][0]["x"])  # libraries across, teams down
    deep = {p for (p,) in sql(demo_db, "SELECT package FROM package_categories WHERE category = 'deep-learning'")}
    assert shown and shown <= deep
    in_use = {p for (p,) in sql(demo_db, f"""SELECT DISTINCT d.package FROM dependencies d
        JOIN package_categories c ON c.package = d.package AND c.ecosystem = d.ecosystem
        WHERE c.category = 'deep-learning' AND d.full_name IN ({ACTIVE})""")}
    assert shown == in_use


def test_who_uses_lists_every_repository_with_the_library(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "tech_stack.py", package="torch")
    users = at.dataframe[0].value
    expected = {r for (r,) in sql(demo_db, "SELECT DISTINCT full_name FROM dependencies WHERE package = 'torch'")}
    assert set(users["full_name"]) == expected and len(users) == len(expected)
    teams = {t for (t,) in sql(demo_db, """SELECT DISTINCT coalesce(t.short_name, 'No team') FROM dependencies d
        JOIN repositories r USING (full_name) LEFT JOIN teams t USING (team_id) WHERE d.package = 'torch'""")}
    assert set(users["team"]) == teams


def test_version_spread_highlights_the_teams_on_an_older_major(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "tech_stack.py", versions_of="pandas")
    behind = {t for (t,) in sql(demo_db, """
        SELECT DISTINCT coalesce(t.short_name, 'No team') FROM package_usage u LEFT JOIN teams t USING (team_id)
        WHERE u.package = 'pandas' AND u.major_version < (SELECT max(major_version) FROM package_usage
                                                         WHERE package = 'pandas')""")}
    pinned = {t for (t,) in sql(demo_db, """SELECT DISTINCT coalesce(t.short_name, 'No team') FROM package_usage u
        LEFT JOIN teams t USING (team_id) WHERE u.package = 'pandas' AND u.major_version IS NOT NULL""")}
    assert behind and pinned - behind, "the demo should have teams behind on pandas and teams up to date"
    grid = next(figure(at, i) for i in range(len(at.get("plotly_chart")))
                if figure(at, i)["data"][0]["type"] == "heatmap" and figure(at, i)["data"][0]["x"] == ["pandas"])
    cells = grid["data"][0]
    assert set(cells["y"]) == pinned
    assert {team for team, row in zip(cells["y"], cells["z"]) if row[0] == 2} == behind  # highlighted
    assert list(cells["y"])[:len(behind)] == sorted(behind)  # those behind first
    # The answer in one sentence, not a list of every team: how many, and on what.
    answer = shown(next(m.value for m in at.markdown if "older major version" in m.value)).replace("**", "")
    teams = len(pinned - {"No team"})
    assert answer.startswith(f"{len(behind - {'No team'})} of {teams} teams pin an older major version than the newest in use")
    newest = sql(demo_db, "SELECT max(major_version) FROM package_usage WHERE package = 'pandas'")[0][0]
    assert f"behind {newest}.x" in answer and not at.warning


def test_the_answer_names_the_main_languages_and_the_most_used_library(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "tech_stack.py")
    active = sql(demo_db, f"SELECT count(*) FROM ({ACTIVE})")[0][0]
    python = sql(demo_db, f"""SELECT count(*) FROM repo_languages l WHERE l.language = 'Python' AND l.full_name IN ({ACTIVE})
        AND l.bytes * 10 >= (SELECT sum(bytes) FROM repo_languages x WHERE x.full_name = l.full_name)""")[0][0]
    pandas_teams = sql(demo_db, f"""SELECT count(DISTINCT team_id) FROM package_usage
        WHERE package = 'pandas' AND team_id IS NOT NULL AND full_name IN ({ACTIVE})""")[0][0]
    teams = sql(demo_db, f"SELECT count(DISTINCT team_id) FROM repositories WHERE full_name IN ({ACTIVE})")[0][0]
    answer, _ = page_answer(at)
    assert answer.startswith(f"Python is in {python} of the {active} active repositories ({python / active:.0%})")
    assert f"the library most teams use is pandas, in {pandas_teams} of the {teams} teams with commits" in answer
    assert answer.endswith("in the last 12 months.")


def test_an_outdated_demo_warehouse_is_rebuilt(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db))
    con.execute("DROP TABLE radar_moves")
    con.close()
    assert warehouse.missing_tables(demo_db) == ["radar_moves"]
    at = open_page(demo_db, monkeypatch, "radar.py")
    assert warehouse.missing_tables(demo_db) == []
    assert len(at.dataframe[1].value) == len(radar_file.rows()["radar_moves"])


def test_an_outdated_real_warehouse_says_how_to_upgrade_it(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE radar_moves")
    con.close()
    at = app(db, monkeypatch)
    assert not at.exception
    assert "lacks radar_moves" in at.error[0].value and "python -m etl refresh" in at.error[0].value
    build_tiny(db)  # any build adds the missing tables
    assert warehouse.missing_tables(db) == []


def test_tables_of_collaboration_and_tech_stack_show_no_missing_values_or_raw_codes(demo_db, monkeypatch):
    """A reader sees words: no None or nan in a text cell, no stage code such as proof_of_concept."""
    stages = {s for (s,) in sql(demo_db, "SELECT stage FROM stages")}
    for name in ("collaboration.py", "tech_stack.py"):
        at = open_page(demo_db, monkeypatch, name)
        assert at.dataframe, name
        for table in at.dataframe:
            text = table.value.select_dtypes(include=["object", "str"])
            assert not text.isna().any().any(), (name, text.columns[text.isna().any()].tolist())
            if "stage" in text or "current_stage" in text:
                shown = set(text.get("stage", text.get("current_stage")))
                assert shown and not shown & stages, (name, shown)
        assert not any("(s)" in m.value for m in [*at.markdown, *at.caption]), name
