"""The loader: rows that do not fit the contract are refused with the table, row and field."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl import warehouse
from etl.records import rows as project_rows
from etl.warehouse import load


@pytest.fixture
def con():
    c = duckdb.connect()
    warehouse.apply_schema(c)
    yield c
    c.close()


TEAM = {"team_id": "t", "name": "T", "short_name": "T", "organisation": "NHS England"}


def test_rows_are_saved_and_counted(con):
    assert load.save_rows(con, "teams", [TEAM, {**TEAM, "team_id": "u"}]) == 2
    assert con.execute("SELECT team_id FROM teams ORDER BY 1").fetchall() == [("t",), ("u",)]


def test_unknown_field_names_table_row_and_field(con):
    with pytest.raises(load.LoadError, match=r"teams row 2: unknown field\(s\) colour"):
        load.save_rows(con, "teams", [TEAM, {**TEAM, "team_id": "u", "colour": "red"}])


def test_missing_required_field_is_named(con):
    with pytest.raises(load.LoadError, match=r"teams row 1: field 'organisation' is required"):
        load.save_rows(con, "teams", [{"team_id": "t", "name": "T", "short_name": "T"}])


def test_duplicate_keys_in_a_batch_are_refused_not_collapsed(con):
    with pytest.raises(load.LoadError, match=r"teams rows 1 and 2: duplicate key \(team_id\) = 't'"):
        load.save_rows(con, "teams", [TEAM, TEAM])
    assert con.execute("SELECT count(*) FROM teams").fetchone()[0] == 0


def test_email_address_in_a_person_column_is_refused(con):
    with pytest.raises(load.LoadError, match=r"people row 1: field 'github_login' looks like an e-mail"):
        load.save_rows(con, "people", [{"person_key": "p_1", "github_login": "a@b.org", "source": "x"}])


def test_replace_upserts_by_primary_key(con):
    load.save_rows(con, "teams", [TEAM])
    load.save_rows(con, "teams", [{**TEAM, "name": "Renamed"}], replace=True)
    assert con.execute("SELECT name FROM teams").fetchall() == [("Renamed",)]


RECORD = {
    "id": "demo-project", "title": "A project", "summary": "Does things.", "lead_team": "t",
    "partner_teams": ["u", "t"],
    "stages": [{"stage": "pilot", "date": "2024-05-01"}, {"stage": "idea", "date": "2023-01-10"},
               {"stage": "discovery", "date": dt.date(2023, 6, 1)}],
    "tags": {"technique": ["nlp"], "domain": ["patient safety"]},
    "repositories": [{"full_name": "org/repo", "url": "https://github.com/org/repo"}],
    "outputs": [{"kind": "case_study", "title": "Case study", "url": "https://example.org/cs"}],
}


def test_project_record_flattens_with_current_stage_the_latest():
    rows = project_rows.project_rows(RECORD)
    project = rows["projects"][0]
    assert (project["current_stage"], project["stage_since"], project["started_on"]) == (
        "pilot", dt.date(2024, 5, 1), dt.date(2023, 1, 10))
    assert project["case_study_url"] == "https://example.org/cs"
    assert [r["stage"] for r in rows["project_stages"]] == ["idea", "discovery", "pilot"]
    assert rows["project_teams"] == [{"project_id": "demo-project", "team_id": "t", "role": "lead"},
                                     {"project_id": "demo-project", "team_id": "u", "role": "partner"}]
    assert rows["project_tags"][0] == {"project_id": "demo-project", "category": "domain", "tag": "patient safety"}


def test_project_record_with_bad_date_names_project_and_value():
    bad = {**RECORD, "stages": [{"stage": "idea", "date": "01/02/2023"}]}
    with pytest.raises(load.LoadError, match=r"project demo-project: '01/02/2023' is not an ISO date"):
        project_rows.project_rows(bad)


def test_projects_save_into_every_project_table(con):
    load.save_rows(con, "teams", [TEAM, {**TEAM, "team_id": "u"}])
    assert project_rows.save_projects(con, [RECORD]) == 1
    assert con.execute("SELECT current_stage FROM projects").fetchone()[0] == "pilot"
    assert con.execute("SELECT count(*) FROM project_stages").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM project_outputs").fetchone()[0] == 1
    assert con.execute("SELECT stage_label, lead_team FROM project_overview").fetchone() == ("Pilot", "T")
