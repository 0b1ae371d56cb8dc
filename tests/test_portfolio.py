"""Project records and teams, as a user handles them: check, import a register, load."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import config
from etl.demo import files as demo_files, settings
from etl.records import files, yaml_writer
from etl.shared import identity
from tests.conftest import build_tiny, data_tables, runs

TEAMS = config.DATA_DIR / "teams.yml"


def etl(*args, env=None):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          env={**os.environ, "DSA_SALT": "test-salt", **(env or {})}, timeout=300)


def write_record(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


GOOD = """id: synthetic-ae-data
title: Synthetic A&E data
summary: Synthetic emergency-department records for safe development.
lead_team: ai-skunkworks
partner_teams: [analytics-unit]
data_access: synthetic
tags:
  technique: [synthetic data]
stages:
  - {stage: idea, date: 2021-03-01}
  - {stage: pilot, date: 2022-06-15}
repositories:
  - https://github.com/nhsx/synthetic-ae
  - https://gitlab.com/group/sub/project
governance: {dpia: not needed, aia: done, clinical_safety_case: not needed}
"""


@pytest.fixture
def good_folder(tmp_path) -> Path:
    folder = tmp_path / "projects"
    write_record(folder, "synthetic-ae-data.yml", GOOD)
    return folder


def test_check_passes_valid_records(good_folder):
    done = etl("check", "--records", str(good_folder), "--teams", str(TEAMS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_check_prints_one_line_per_problem_and_loads_nothing(tmp_path, good_folder):
    write_record(good_folder, "broken.yml", "id: broken\ntitle: Broken\nsummary: x\nlead_team: ai-lab\n"
                 "stages:\n  - {stage: idea, date: 2022-13-01}\n  - {stage: launch, date: 2022-01-01}\n"
                 "colour: red\n")
    write_record(good_folder, "empty.yml", "")
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    before = data_tables(db)
    done = etl("check", "--records", str(good_folder), "--teams", str(TEAMS), env={"DSA_DB": str(db)})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(re_line.startswith(f"{good_folder / 'broken.yml'}:4: lead_team: 'ai-lab'") for re_line in lines), lines
    assert any(":6: stages[1].date: '2022-13-01'" in line for line in lines), lines
    assert any(":7: stages[2].stage: 'launch'" in line for line in lines), lines
    assert any(line.endswith("broken.yml:8: unknown field 'colour' (expected one of id, title, summary, description, "
                             "lead_team, partner_teams, origin, work_area, tags, data_access, stages, years, "
                             "repositories, outputs, governance, operational_owner, impact)") for line in lines), lines
    assert any("empty.yml" in line and "empty" in line for line in lines), lines
    assert all(str(good_folder) in line for line in lines)
    assert data_tables(db) == before
    loaded = etl("records", "load", "--records", str(good_folder), "--teams", str(TEAMS), "--db", str(db))
    assert loaded.returncode == 1
    assert data_tables(db) == before


def test_records_load_replaces_the_portfolio_and_keeps_everything_else(tmp_path, good_folder):
    db = tmp_path / "w.duckdb"
    build_tiny(db, team_id="dc-london")
    done = etl("records", "load", "--records", str(good_folder), "--teams", str(TEAMS), "--db", str(db))
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT project_id, current_stage, lead_team_id, aia FROM projects").fetchall() == [
        ("synthetic-ae-data", "pilot", "ai-skunkworks", "done")]
    assert con.execute("SELECT full_name, host FROM project_repos ORDER BY 1").fetchall() == [
        ("group/sub/project", "gitlab"), ("nhsx/synthetic-ae", "github")]
    assert con.execute("SELECT count(*) FROM commits").fetchone() == (3,)  # carried over
    assert con.execute("SELECT count(*) FROM teams").fetchone()[0] == 7
    con.close()
    assert runs(db)[-1][:2] == ("records", "succeeded")


def test_an_xlsx_register_imports_into_records_that_pass_check_and_load(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    register = tmp_path / "register.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    header = (config.DATA_DIR / "projects" / "register-template.csv").read_text().strip().split(",")
    sheet.append(header)
    row = dict.fromkeys(header, None)
    row.update(id="bed-forecast", title="Bed occupancy forecasting", summary="Forecasts beds a week ahead.",
               lead_team="data-science-hub", partner_teams="dc-london; analytics-unit", technique="forecasting; time series",
               idea=dt.datetime(2022, 1, 10), discovery=dt.datetime(2022, 3, 1), pilot=dt.datetime(2023, 2, 1),
               repositories="https://github.com/nhsengland/bed-forecast", case_study="https://example.org/cs",
               dpia="done", hours_saved_per_year=1200.0, organisations_using=12.0, data_access="pseudonymised")
    sheet.append([row[h] for h in header])
    book.save(register)
    out = tmp_path / "projects"
    done = etl("records", "import", str(register), "--out", str(out), "--teams", str(TEAMS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "bed-forecast.yml").exists()
    assert etl("check", "--records", str(out), "--teams", str(TEAMS)).returncode == 0
    db = tmp_path / "w.duckdb"
    assert etl("records", "load", "--records", str(out), "--teams", str(TEAMS), "--db", str(db)).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT current_stage, hours_saved_per_year, organisations_using, case_study_url FROM projects"
                       ).fetchall() == [("pilot", 1200.0, 12, "https://example.org/cs")]
    assert con.execute("SELECT team_id, role FROM project_teams ORDER BY role, team_id").fetchall() == [
        ("data-science-hub", "lead"), ("analytics-unit", "partner"), ("dc-london", "partner")]
    con.close()


def test_a_register_with_a_bad_row_writes_nothing(tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("id,title,summary,lead_team,idea,repositories\n"
                        "ok-one,OK,Fine.,dc-london,2023-01-01,https://github.com/a/b\n"
                        "bad-one,Bad,Wrong.,dc-london,01/02/2023,github.com/nhsx\n")
    out = tmp_path / "projects"
    done = etl("records", "import", str(register), "--out", str(out), "--teams", str(TEAMS))
    assert done.returncode == 1
    assert "row 3" in done.stdout and "01/02/2023" in done.stdout and "github.com/nhsx" in done.stdout
    assert not out.exists() or not list(out.iterdir())


def test_memberships_load_as_pseudonymous_keys(tmp_path, good_folder, monkeypatch):
    teams_file = tmp_path / "teams.yml"
    teams_file.write_text(TEAMS.read_text().replace(
        "    description: Regional analytics for specialised and direct commissioning in London.\n",
        "    description: Regional analytics for specialised and direct commissioning in London.\n"
        "    members:\n      - {login: Quiet-Otter, from: 2022-04-01, to: 2024-03-31}\n"
        "      - {login: bright-heron, from: 2023-01-01}\n"))
    db = tmp_path / "w.duckdb"
    done = etl("records", "load", "--records", str(good_folder), "--teams", str(teams_file), "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT m.person_key, m.team_id, m.valid_from, m.valid_to, p.github_login FROM memberships m "
                      "JOIN people p USING (person_key) ORDER BY m.valid_from").fetchall()
    con.close()
    assert got == [
        (identity.key_for_login("quiet-otter", "test-salt"), "dc-london", dt.date(2022, 4, 1), dt.date(2024, 3, 31), "Quiet-Otter"),
        (identity.key_for_login("bright-heron", "test-salt"), "dc-london", dt.date(2023, 1, 1), None, "bright-heron")]
    assert b"@" not in b"".join(str(r).encode() for r in got)


def test_demo_records_are_valid_record_files():
    """The demo's teams and records are files in the formats users write: `etl check` passes
    them, and they read back as the same canonical records the demo loads."""
    done = etl("check", "--records", str(settings.PROJECTS_DIR), "--teams", str(settings.TEAMS_FILE))
    assert done.returncode == 0, done.stdout + done.stderr
    team_ids = {t["team_id"] for t in demo_files.teams()["teams"]}
    loaded = demo_files.project_records(team_ids)
    assert len(loaded) == 40 and len(team_ids) == 8
    for record in loaded:
        assert record["_path"] == f"data/demo/projects/{record['id']}.yml"
        written = yaml_writer.to_yaml(record)
        again, problems = files.parse_text(written, source="again", known_teams=team_ids, expected_id=record["id"])
        assert problems == [] and {**again, "_path": record["_path"]} == record


def test_aliases_load_as_pairs_of_person_keys(tmp_path, good_folder):
    teams_file = tmp_path / "teams.yml"
    email_key = etl("person-key", "ann.laptop@example.nhs.uk").stdout.strip()
    teams_file.write_text(TEAMS.read_text() + f"\naliases:\n  - {{person: Ann-NHS, also: [ann-old, {email_key}]}}\n")
    db = tmp_path / "w.duckdb"
    done = etl("records", "load", "--records", str(good_folder), "--teams", str(teams_file), "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(db), read_only=True)
    got = set(con.execute("SELECT alias_key, person_key FROM person_aliases").fetchall())
    con.close()
    ann = identity.key_for_login("ann-nhs", "test-salt")
    assert got == {(identity.key_for_login("ann-old", "test-salt"), ann),
                   (identity.key_for_email("ann.laptop@example.nhs.uk", "test-salt"), ann)}
    assert email_key == identity.key_for_email("ann.laptop@example.nhs.uk", "test-salt")
