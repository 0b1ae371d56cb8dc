"""The named analyses under analyses/queries/: declared, runnable as written, and right on known data."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyses import queries
from etl import pipeline, warehouse
from tests.conftest import build_tiny


@pytest.fixture
def demo(demo_db_master):
    con = warehouse.open_read_only(demo_db_master)
    yield con
    con.close()


def test_every_query_file_declares_its_parameters_and_runs_with_defaults(demo):
    catalogue = queries.catalogue()
    assert len(catalogue) >= 7
    for name, query in catalogue.items():
        assert query.title, name
        frame = queries.run(warehouse.cursor(demo), name)
        assert len(frame.columns) > 0, name


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


def test_team_activity_gives_all_teams_the_busiest_each_and_the_rest_together(demo):
    params = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31), "teams": []}
    got = queries.run(warehouse.cursor(demo), "team_activity", **params, top=3)
    human = """FROM commit_activity c JOIN repositories r USING (full_name)
               WHERE NOT c.is_bot AND c.authored_at >= DATE '2024-01-01' AND c.authored_at < DATE '2025-01-01'"""
    summary = demo.execute(f"SELECT count(*) AS commits, count(DISTINCT c.person_key) AS contributors, "
                           f"count(DISTINCT c.full_name) AS active_repositories {human}").df().iloc[0]
    busiest = demo.execute(f"""SELECT coalesce(r.team_id, 'unmapped') AS team, count(*) AS commits {human}
                               GROUP BY ALL ORDER BY commits DESC, team""").fetchall()
    assert len(busiest) > 4  # enough teams for some to share the last row
    assert list(got.place) == [0, 1, 2, 3, 4]

    every = got.iloc[0]
    assert (every.commits, every.contributors, every.repositories) == (
        summary.commits, summary.contributors, summary.active_repositories)
    assert pd.isna(every.team) and every.teams == sum(team != "unmapped" for team, _ in busiest)

    assert [(row.team_id, row.commits, row.teams) for row in got.iloc[1:4].itertuples()] == [
        (team, commits, 1) for team, commits in busiest[:3]]
    names = dict(demo.execute("SELECT team_id, short_name FROM teams").fetchall())
    assert list(got.team[1:4]) == [names.get(team, "No team") for team, _ in busiest[:3]]

    rest = got.iloc[4]
    rest_teams = [team for team, _ in busiest[3:]]
    expected = demo.execute(f"""SELECT count(*), count(DISTINCT c.person_key), count(DISTINCT c.full_name) {human}
                                AND coalesce(r.team_id, 'unmapped') IN ?""", [rest_teams]).fetchone()
    assert (rest.commits, rest.contributors, rest.repositories) == expected
    assert pd.isna(rest.team) and pd.isna(rest.team_id)
    assert rest.teams == sum(team != "unmapped" for team in rest_teams) and rest.unmapped == ("unmapped" in rest_teams)

    for row in got.itertuples():  # every month of the period, in order, adding up to the row's commits
        assert [pd.Timestamp(m).month for m in row.months] == list(range(1, 13))
        assert sum(row.monthly) == row.commits


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
        load.save_projects(b.con, [{
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
