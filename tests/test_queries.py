"""The named analyses under queries/: declared, runnable as written, and right on known data."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import queries
from etl import warehouse
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
    query = queries.catalogue()["activity_summary"]
    cur = warehouse.cursor(demo)
    for param in query.params:  # what a person does in the DuckDB CLI
        cur.execute(f"SET VARIABLE {param.name} = {param.default_sql}").fetchall()
    console = cur.execute(query.sql).fetchall()
    assert console == [tuple(r) for r in queries.run(warehouse.cursor(demo), "activity_summary").itertuples(index=False)]


def test_unknown_query_or_parameter_is_refused(demo):
    with pytest.raises(queries.QueryError, match="no query named 'nope'"):
        queries.run(warehouse.cursor(demo), "nope")
    with pytest.raises(queries.QueryError, match="has no parameter"):
        queries.run(warehouse.cursor(demo), "activity_summary", colour="red")


def test_activity_summary_matches_a_direct_count(demo):
    params = {"date_from": dt.date(2025, 4, 1), "date_to": dt.date(2026, 3, 31), "teams": ["data-science-hub"]}
    got = queries.run(warehouse.cursor(demo), "activity_summary", **params).iloc[0]
    expected = demo.execute("""
        SELECT count(*), count(DISTINCT c.full_name), count(DISTINCT c.person_key)
        FROM commits c JOIN repositories r USING (full_name) JOIN people p USING (person_key)
        WHERE NOT p.is_bot AND r.team_id = 'data-science-hub'
          AND c.authored_at >= DATE '2025-04-01' AND c.authored_at < DATE '2026-04-01'""").fetchone()
    assert (got.commits, got.active_repositories, got.contributors) == expected
    assert got.commits > 0


def test_commits_by_month_add_up_to_the_summary(demo):
    params = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31), "teams": []}
    monthly = queries.run(warehouse.cursor(demo), "commits_by_team_month", **params)
    summary = queries.run(warehouse.cursor(demo), "activity_summary", **params).iloc[0]
    assert monthly.commits.sum() == summary.commits
    assert sorted(monthly.month.dt.month.unique()) == list(range(1, 13))


def test_projects_by_stage_uses_the_stage_held_on_the_day(tmp_path):
    from etl import load

    db = tmp_path / "w.duckdb"
    with warehouse.build(db, "test") as b:
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
