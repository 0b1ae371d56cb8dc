"""The named analyses under analyses/queries/: declared, runnable as written, and right on known data."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from analyses import metrics, queries
from etl import config, pipeline, warehouse
from etl.records import rows as project_rows
from tests import small_warehouse
from tests.conftest import build_tiny
from tests.small_warehouse import PERIOD


@pytest.fixture
def demo(demo_db_master):
    con = warehouse.open_read_only(demo_db_master)
    yield con
    con.close()


def test_every_query_file_runs_with_its_defaults_and_gives_the_same_columns_on_any_warehouse(demo, tmp_path):
    """Each query has a title, runs with the defaults it declares, and gives the same columns on
    the demo and on a warehouse with no data at all (a first `records load` gives one); and every
    query the code asks for by name exists."""
    empty = tmp_path / "empty.duckdb"
    with pipeline.build(empty, "test") as b:
        b.data_as_of = dt.datetime(2025, 3, 31)
    catalogue = queries.catalogue()
    asked_for = {name for folder in ("pages", "dashboard", "publish", "analyses", "etl")
                 for path in (config.ROOT / folder).rglob("*.py")
                 for name in re.findall(r"""\b(?:query|queries\.run)\((?:\w+, *)?["']([a-z_]+)["']""", path.read_text())}
    assert asked_for and asked_for - set(catalogue) == set()
    con = warehouse.open_read_only(empty)
    try:
        for name, query in catalogue.items():
            assert query.title, name
            on_demo = list(queries.run(warehouse.cursor(demo), name).columns)
            assert list(queries.run(warehouse.cursor(con), name).columns) == on_demo, name
    finally:
        con.close()


def test_query_file_runs_as_is_in_a_console_after_its_set_lines(demo):
    query = queries.catalogue()["projects_by_stage"]
    cur = warehouse.cursor(demo)
    for param in query.params:  # what a person does in the DuckDB CLI
        cur.execute(f"SET VARIABLE {param.name} = {param.default_sql}").fetchall()
    console = cur.execute(query.sql).fetchall()
    assert console == [tuple(r) for r in queries.run(warehouse.cursor(demo), "projects_by_stage").itertuples(index=False)]


def test_unknown_query_or_parameter_is_refused(demo):
    with pytest.raises(queries.QueryError, match="no query named 'nope'"):
        queries.run(warehouse.cursor(demo), "nope")
    with pytest.raises(queries.QueryError, match="has no parameter"):
        queries.run(warehouse.cursor(demo), "team_activity", colour="red")


def test_commits_by_month_add_up_to_the_summary(demo):
    params = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31), "teams": []}
    monthly = queries.run(warehouse.cursor(demo), "commits_by_team_month", **params)
    summary = queries.run(warehouse.cursor(demo), "team_activity", **params).iloc[0]
    assert monthly.commits.sum() == summary.commits
    assert sorted(monthly.month.dt.month.unique()) == list(range(1, 13))


def test_team_activity_counts_months_without_commits_as_zero_and_an_empty_choice_as_one_row(demo):
    last = demo.execute("SELECT max(authored_at)::DATE FROM commits").fetchone()[0]
    after = dt.date(last.year + 1, 12, 31)  # a period running on past the last commit
    got = queries.run(warehouse.cursor(demo), "team_activity", date_from=dt.date(last.year, last.month, 1),
                      date_to=after, teams=[], top=10)
    every = got.iloc[0]
    assert len(every.monthly) == 12 * (after.year - last.year) + 12 - last.month + 1
    assert every.monthly[0] > 0 and list(every.monthly[1:]) == [0] * (len(every.monthly) - 1)

    nobody = queries.run(warehouse.cursor(demo), "team_activity", date_from=dt.date(2024, 1, 1),
                         date_to=dt.date(2024, 6, 30), teams=["no-such-team"], top=10)
    assert len(nobody) == 1 and nobody.commits[0] == 0 and list(nobody.monthly[0]) == [0] * 6


def test_projects_by_stage_uses_the_stage_held_on_the_day(tmp_path):
    from etl.warehouse import load

    db = tmp_path / "w.duckdb"
    with pipeline.build(db, "test") as b:
        load.save_rows(b.con, "teams", [{"team_id": "t", "name": "T", "short_name": "T", "organisation": "O"}])
        project_rows.save_projects(b.con, [{
            "id": "p1", "title": "P1", "summary": "s", "lead_team": "t",
            "stages": [{"stage": "idea", "date": "2024-01-01"}, {"stage": "pilot", "date": "2025-01-01"}],
        }])
    con = warehouse.open_read_only(db)
    by_stage = lambda day: dict(queries.run(warehouse.cursor(con), "projects_by_stage", date_to=day)[["stage", "projects"]].values)
    assert by_stage(dt.date(2023, 6, 1))["idea"] == 0
    assert by_stage(dt.date(2024, 6, 1))["idea"] == 1 and by_stage(dt.date(2024, 6, 1))["pilot"] == 0
    assert by_stage(dt.date(2025, 6, 1))["pilot"] == 1 and by_stage(dt.date(2025, 6, 1))["idea"] == 0
    con.close()


def test_team_filter_leaves_out_unmapped_repositories(tmp_path):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    con = warehouse.open_read_only(db)
    assert len(queries.run(warehouse.cursor(con), "repository_activity", teams=["team-a"])) == 1
    assert len(queries.run(warehouse.cursor(con), "repository_activity", teams=["team-b"])) == 0
    con.close()


# --- Every figure counted by hand, on the small warehouse of tests/small_warehouse.py -------
# Its docstring lists the commits, authors, repositories and teams the counts below come from.

MONTHS = [pd.Timestamp(2024, 4, 1) + pd.DateOffset(months=i) for i in range(12)]  # April 2024 to March 2025
END = dt.date(2025, 3, 31)
T = pd.Timestamp  # how dates and instants come back from a query


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    con = warehouse.open_read_only(small_warehouse.build(tmp_path_factory.mktemp("small") / "w.duckdb"))
    yield con
    con.close()


def table(frame: pd.DataFrame, *columns) -> list[tuple]:
    """The rows of `columns`, in order, with every kind of missing value as None."""
    return [tuple(None if not isinstance(v, list) and pd.isna(v) else v for v in row)
            for row in frame[list(columns)].itertuples(index=False)]


def run(con, name, **params) -> pd.DataFrame:
    return queries.run(warehouse.cursor(con), name, **params)


def test_activity_measures_counted_by_hand(small):
    """The headline activity measures (analyses.metrics), which read team_activity's first row."""
    def measures(start, end, teams=()):
        return tuple(metrics.value(key, lambda name, **p: run(small, name, **p), start, end, teams)
                     for key in ("commits", "active_repositories", "contributors", "active_teams"))

    # commits 2-10; repositories a1, a2, b1, x1; people A, B, C, D; teams Alpha and Beta (x1 has none)
    assert measures(PERIOD["date_from"], PERIOD["date_to"]) == (9, 4, 4, 2)
    assert measures(PERIOD["date_from"], PERIOD["date_to"], ["alpha"]) == (5, 2, 3, 1)  # commits 2-6
    # October 2023 to September 2026 also takes commit 1 (A, org/a1) and 11 (C, org/g1, Gamma).
    assert measures(dt.date(2023, 10, 1), dt.date(2026, 9, 30)) == (11, 5, 4, 3)


def test_team_activity_counted_by_hand(small):
    got = run(small, "team_activity", **PERIOD, top=10)
    assert table(got, "place", "team_id", "team", "teams", "unmapped", "commits", "contributors", "repositories") == [
        (0, None, None, 2, True, 9, 4, 4),              # all together: B and D count once each
        (1, "alpha", "Alpha", 1, False, 5, 3, 2),        # commits 2-6 by A, B, C in a1 and a2
        (2, "beta", "Beta", 1, False, 3, 2, 1),          # commits 7-9 by B, D in b1
        (3, "unmapped", "No team", 0, True, 1, 1, 1),    # commit 10 by D in x1
    ]
    assert all([pd.Timestamp(m) for m in months] == MONTHS for months in got.months)
    assert [list(m) for m in got.monthly] == [
        # Apr May Jun Jul Aug Sep Oct Nov Dec Jan Feb Mar  (the bots' August and January commits never count)
        [2, 2, 2, 1, 0, 0, 0, 1, 0, 0, 0, 1],
        [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ]


def test_team_activity_puts_all_but_the_top_teams_in_one_row_counting_people_once(small):
    got = run(small, "team_activity", **PERIOD, top=1)
    assert table(got, "place", "team_id", "team", "teams", "unmapped", "commits", "contributors", "repositories") == [
        (0, None, None, 2, True, 9, 4, 4),
        (1, "alpha", "Alpha", 1, False, 5, 3, 2),
        (2, None, None, 1, True, 4, 2, 2),   # Beta and no team: commits 7-10, B and D, b1 and x1
    ]
    assert list(got.monthly[2]) == [0, 2, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
    quiet = run(small, "team_activity", **PERIOD, teams=["gamma"], top=10)  # Gamma: nothing in the period
    assert table(quiet, "place", "teams", "unmapped", "commits", "contributors", "repositories") == [(0, 0, False, 0, 0, 0)]
    assert list(quiet.monthly[0]) == [0] * 12


def test_projects_by_stage_counted_by_hand(small):
    def by_stage(day, teams=()):
        return dict(table(run(small, "projects_by_stage", date_to=day, teams=list(teams)), "stage", "projects"))

    none = dict.fromkeys(("idea", "discovery", "proof_of_concept", "pilot", "operational", "paused", "retired"), 0)
    # On 31 March 2025: quiet idea, forecast discovery, triage pilot, deployed operational, scanner paused,
    # legacy retired; "future" has no stage yet.
    assert by_stage(END) == {**none, "idea": 1, "discovery": 1, "pilot": 1, "operational": 1, "paused": 1, "retired": 1}
    # On 30 June 2024: quiet and forecast ideas, triage (since May) and scanner (since 15 June) at proof of
    # concept, deployed still a pilot, legacy retired.
    assert by_stage(dt.date(2024, 6, 30)) == {**none, "idea": 2, "proof_of_concept": 2, "pilot": 1, "retired": 1}
    # Beta leads forecast and future and is a partner in triage; Gamma leads legacy and quiet.
    assert by_stage(END, ["beta"]) == {**none, "discovery": 1, "pilot": 1}
    assert by_stage(END, ["gamma"]) == {**none, "idea": 1, "retired": 1}


def test_pathway_progress_counted_by_hand(small):
    got = run(small, "pathway_progress", date_to=END)
    assert table(got, "project_id", "lead_team", "start_year", "reached_stage", "stage_on_day") == [
        ("legacy", "Gamma", 2022, "discovery", "retired"),          # retiring is not progress
        ("deployed", "Alpha", 2023, "operational", "operational"),
        ("quiet", "Gamma", 2023, "idea", "idea"),
        ("triage", "Alpha", 2023, "pilot", "pilot"),
        ("forecast", "Beta", 2024, "discovery", "discovery"),
        ("scanner", "Alpha", 2024, "proof_of_concept", "paused"),    # paused after reaching proof of concept
    ]  # oldest first; "future" had no stage by then
    earlier = run(small, "pathway_progress", date_to=dt.date(2024, 6, 30), teams=["beta"])
    assert table(earlier, "project_id", "reached_stage", "stage_on_day") == [
        ("triage", "proof_of_concept", "proof_of_concept"), ("forecast", "idea", "idea")]


def test_project_moves_counted_by_hand(small):
    got = run(small, "project_moves", **PERIOD)
    assert table(got, "entered_on", "title", "lead_team", "stage", "stage_before", "move") == [
        (T(2024, 4, 20), "Bed forecast", "Beta", "idea", None, "started"),
        (T(2024, 5, 1), "Triage model", "Alpha", "proof_of_concept", "discovery", "advanced"),
        (T(2024, 5, 20), "Scan reader", "Alpha", "idea", None, "started"),
        (T(2024, 6, 15), "Scan reader", "Alpha", "proof_of_concept", "idea", "advanced"),
        (T(2024, 7, 1), "Bed forecast", "Beta", "discovery", "idea", "advanced"),
        (T(2024, 9, 1), "Scan reader", "Alpha", "paused", "proof_of_concept", "stopped"),
        (T(2024, 10, 1), "Triage model", "Alpha", "pilot", "proof_of_concept", "advanced"),
        (T(2024, 12, 1), "Deployed tool", "Alpha", "operational", "pilot", "deployed"),
    ]  # legacy and quiet moved before the period, future after it
    assert table(run(small, "project_moves", **PERIOD, teams=["gamma"]), "title") == []
    assert table(run(small, "project_moves", **PERIOD, teams=["beta"]), "title") == [
        ("Bed forecast",), ("Triage model",), ("Bed forecast",), ("Triage model",)]


def test_repository_activity_counted_by_hand(small):
    got = run(small, "repository_activity", **PERIOD)
    assert table(got, "full_name", "team", "commits", "contributors", "last_commit", "projects") == [
        ("org/a1", "Alpha", 3, 2, T(2024, 6, 10, 10), "Scan reader; Triage model"),  # 2-4; not the bot's 12
        ("org/b1", "Beta", 3, 2, T(2024, 11, 20, 10), "Bed forecast"),               # 7-9; not 13
        ("org/a2", "Alpha", 2, 2, T(2025, 3, 31, 18), "Deployed tool"),              # 5, 6
        ("org/x1", "No team", 1, 1, T(2024, 7, 1, 10), "Bed forecast"),              # 10
        ("org/a3", "Alpha", 0, 0, None, None),
        ("org/g1", "Gamma", 0, 0, None, "Legacy dashboard"),                                   # 11 is older
    ]
    assert table(run(small, "repository_activity", **PERIOD, teams=["alpha"]), "full_name") == [
        ("org/a1",), ("org/a2",), ("org/a3",)]


def test_stalled_projects_counted_by_hand(small):
    # Six months before 31 March 2025 is 30 September 2024. On the pathway then: quiet (idea since March
    # 2023, no code), triage (pilot only since October) and forecast (discovery since July, but the bot
    # committed to org/b1 in January: code moved). Only quiet is stalled, 24 months on.
    six = run(small, "stalled_projects", date_to=END, months=6)
    assert table(six, "project_id", "lead_team", "stage", "last_commit", "months_quiet") == [
        ("quiet", "Gamma", "Idea", None, 24)]
    # Three months: since 31 December 2024. Triage's pilot began in October and its code last moved in
    # August (the bot): stalled too, five months on from October. Forecast is not, for the bot's January commit.
    three = run(small, "stalled_projects", date_to=END, months=3)
    assert table(three, "project_id", "stage_since", "last_commit", "months_quiet") == [
        ("quiet", T(2023, 3, 1), None, 24),
        ("triage", T(2024, 10, 1), T(2024, 8, 1, 6), 5),
    ]
    assert table(run(small, "stalled_projects", date_to=END, months=3, teams=["beta"]), "project_id") == [("triage",)]


def test_who_uses_counted_by_hand(small):
    got = run(small, "who_uses", package="pandas", as_of=END)
    assert table(got, "team", "full_name", "inferred", "projects", "commits_12m", "people_12m", "last_commit") == [
        ("Alpha", "org/a1", False, "Scan reader; Triage model", 3, 2, T(2024, 6, 10, 10)),  # 2-4: A, B
        ("Beta", "org/b1", False, "Bed forecast", 3, 2, T(2024, 11, 20, 10)),             # 7-9: B, D
        ("Alpha", "org/a2", True, "Deployed tool", 2, 2, T(2025, 3, 31, 18)),             # 5, 6: A, C
        ("No team", "org/x1", False, "Bed forecast", 1, 1, T(2024, 7, 1, 10)),            # 10: D
        ("Gamma", "org/g1", False, "Legacy dashboard", 0, 0, T(2023, 12, 1, 10)),         # 11 is older
    ]
    assert [set(v.split("; ")) for v in got.versions] == [
        {">=2.0", "==2.1"}, {"any version"}, {"any version"}, {"<3"}, {"==1.5"}]
    assert table(run(small, "who_uses", package="dplyr", as_of=END), "full_name", "ecosystem") == [("org/a2", "cran")]


def test_languages_by_team_counted_by_hand(small):
    got = run(small, "languages_by_team", **PERIOD)
    assert table(got, "team", "language", "bytes", "repositories") == [
        ("Alpha", "Python", 10000, 2),     # a1 9000 and a2 1000 (a fifth of a2); a3 had no commit
        ("Alpha", "R", 4000, 1),
        ("Alpha", "Shell", 500, 0),        # under a tenth of a1
        ("Beta", "Python", 3000, 1),
        ("No team", "Jupyter Notebook", 2000, 1),
    ]  # Gamma's org/g1 had no commit in the period
    assert ("Gamma", "R", 7000, 1) in table(run(small, "languages_by_team"), "team", "language", "bytes", "repositories")
    assert table(run(small, "languages_by_team", **PERIOD, min_share=0.5), "language", "repositories")[:2] == [
        ("Python", 1), ("R", 1)]  # a2's Python is a fifth of it: no longer counted


def test_library_adoption_counted_by_hand(small):
    got = run(small, "library_adoption", **PERIOD)
    # Active repositories a1, a2, b1, x1. pandas: two teams, four repositories; scikit-learn: two teams, two;
    # dplyr: one team. org/a1 names pandas in two manifests and counts once.
    assert table(got, "team", "package", "ecosystem", "category", "repositories") == [
        ("Alpha", "dplyr", "cran", "data-wrangling", 1),
        ("Alpha", "pandas", "pypi", "data-wrangling", 2),
        ("Beta", "pandas", "pypi", "data-wrangling", 1),
        ("No team", "pandas", "pypi", "data-wrangling", 1),
        ("Alpha", "scikit-learn", "pypi", "classical-ml", 1),
        ("Beta", "scikit-learn", "pypi", "classical-ml", 1),
    ]
    widest = run(small, "library_adoption", **PERIOD, max_packages=1)
    assert table(widest, "team", "package") == [("Alpha", "pandas"), ("Beta", "pandas"), ("No team", "pandas")]
    ml = run(small, "library_adoption", **PERIOD, category="classical-ml", teams=["beta"])
    assert table(ml, "team", "package", "repositories") == [("Beta", "scikit-learn", 1)]
