"""Needs and positions as records: need files are checked as project records are (every mistake
named by file, line and field), load with the records into the warehouse's need tables (or load
nothing), import from a register, and the demo's needs pass the same checks."""
from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from analyses import vocabulary
from etl import config
from etl.demo import build, files as demo_files, nhs_scale, settings
from etl.records import need_docs, need_fields, needs, portfolio, yaml_writer
from tests.conftest import data_tables, runs

TEAMS = config.DATA_DIR / "teams.yml"
WORDS = vocabulary.current()
TODAY = dt.date.today()

PROJECT = """\
id: brain-mri
title: Synthetic brain MRI
summary: Synthetic MRI scans for testing imaging algorithms.
lead_team: ai-imaging
stages:
  - {stage: idea, date: 2024-03-04}
  - {stage: proof_of_concept, date: 2024-10-07}
"""

# Line numbers matter: the expected messages below name them.
GOOD = """\
id: gpu-for-imaging
title: GPU access for imaging work
summary: Imaging teams need GPUs on the platform.
category: platform
raised_by: [ai-imaging, ai-skunkworks]
raised_on: 2025-01-15
technologies: [PyTorch, deep-learning]
projects:
  - {project: brain-mri, relation: blocks}
history:
  - status: raised
    date: 2025-01-15
    position: Raised at the quarterly meeting.
  - status: under_discussion
    date: 2025-02-20
    asked: National Data Platform team
    position: Platform team asked for GPU hours a month.
  - status: agreed_position
    date: 2025-04-10
    asked: National Data Platform team
    position: The Assembly asks for a shared GPU pool.
"""

# A second need: two statuses on one day, a description, no technologies or projects.
TRAINING = """\
id: spacy-training
title: Training in spaCy
summary: Analysts need training in text analysis.
description: |-
  New analysts have not used an NLP library.
  Four sessions would do.
category: workforce
raised_by: [patient-safety]
raised_on: 2025-07-16
history:
  - {status: raised, date: 2025-07-16, position: Raised by Patient Safety.}
  - {status: under_discussion, date: 2025-07-16, asked: Learning and Development, position: Discussed the same day.}
  - {status: delivered, date: 2026-03-18, position: Four sessions ran.}
"""


def etl(*args):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "DSA_SALT": "test-salt"})


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    """(records, needs): one project record and one need, beside each other as data/ holds them."""
    records, need_dir = tmp_path / "projects", tmp_path / "needs"
    records.mkdir()
    need_dir.mkdir()
    (records / "brain-mri.yml").write_text(PROJECT, encoding="utf-8")
    (need_dir / "gpu-for-imaging.yml").write_text(GOOD, encoding="utf-8")
    return records, need_dir


def problems(records: Path) -> list[str]:
    return [str(p) for p in portfolio.check(records, TEAMS) if not p.warning]


# --- checks ----------------------------------------------------------------------------------

def test_a_good_need_passes_check(folders):
    records, _ = folders
    assert problems(records) == []
    done = etl("check", "--records", str(records), "--teams", str(TEAMS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All records, needs, teams, the taxonomy and the radar are valid." in done.stderr


FUTURE = TODAY + dt.timedelta(days=30)


@pytest.mark.parametrize("old, new, expected", [
    pytest.param("raised_by: [ai-imaging, ai-skunkworks]", "raised_by: [ai-imaging, ai-lab]",
                 "5: raised_by[2]: 'ai-lab' is not a team in data/teams.yml", id="unknown team"),
    pytest.param("[PyTorch, deep-learning]", "[Pytorch, deep-learning]",
                 "7: technologies[1]: 'Pytorch' is neither an entry of data/radar.yml nor a category of "
                 "data/taxonomy.yml; did you mean 'PyTorch'?", id="unknown technology"),
    pytest.param("[PyTorch, deep-learning]", "[PyTorch, deep-learning, PyTorch]",
                 "7: technologies[3]: 'PyTorch' is listed twice (also technologies[1])", id="technology twice"),
    pytest.param("project: brain-mri,", "project: brain-scan,",
                 "9: projects[1].project: 'brain-scan' is not a project: no record brain-scan.yml in {records}; "
                 "did you mean 'brain-mri'?", id="unknown project"),
    pytest.param("relation: blocks", "relation: needs",
                 "9: projects[1].relation: 'needs' is not a relation (expected one of blocks, would_help)",
                 id="unknown relation"),
    pytest.param("category: platform", "category: platforms",
                 "4: category: 'platforms' is not a need category (expected one of tooling, platform, data access, "
                 "information governance, workforce, other)", id="unknown category"),
    pytest.param("status: under_discussion", "status: discussed",
                 "14: history[2].status: 'discussed' is not a need status (expected one of raised, under_discussion, "
                 "agreed_position, escalated, delivered, declined)", id="unknown status"),
    pytest.param("date: 2025-02-20", "date: 2025-01-10",
                 "15: history[2].date: 2025-01-10 is before 2025-01-15, the date of history[1]; list the statuses "
                 "oldest first (a date may repeat, never go back)", id="history dates not ascending"),
    pytest.param("raised_on: 2025-01-15", "raised_on: 2025-01-20",
                 "6: raised_on: 2025-01-20 is after 2025-01-15, the date of history[1]; a need is raised on or before "
                 "the day of its first status", id="raised after the first status"),
    pytest.param("date: 2025-04-10", f"date: {FUTURE}",
                 f"19: history[3].date: {FUTURE} is after {TODAY} (today), the date the data is taken; a status is "
                 "dated the day the need reached it", id="a date after the data date"),
    pytest.param("status: agreed_position", "status: raised",
                 "18: history[3].status: 'raised' may only be the first status (history[1]): a need is raised once",
                 id="raised again"),
    pytest.param("status: under_discussion", "status: declined",
                 "14: history[2].status: 'declined' ends a need's history, but history[3] follows it; a need raised "
                 "again is a new need (a new file)", id="a status after a final one"),
    pytest.param("    position: Raised at the quarterly meeting.\n", "",
                 "11: history[1].position: required field is missing (text)", id="position missing"),
    pytest.param("history:\n", "histories:\n",
                 "10: unknown field 'histories'; did you mean 'history'?", id="misspelt field"),
])
def test_each_mistake_names_the_file_line_and_field(folders, old, new, expected):
    records, need_dir = folders
    assert old in GOOD
    path = need_dir / "gpu-for-imaging.yml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    found = problems(records)
    assert f"{path}:{expected.format(records=records)}" in found, found


@pytest.mark.parametrize("old, new, field", [
    ("asked: National Data Platform team", "asked: jane.doe@nhs.net", "16: history[2].asked"),
    ("position: Platform team asked for GPU hours a month.",
     "position: Ask Jane (jane.doe@nhs.net) for the GPU hours.", "17: history[2].position"),
    ("title: GPU access for imaging work", "title: GPUs, ask j.doe@nhs.net", "2: title"),
    ("summary: Imaging teams need GPUs on the platform.", "summary: Write to gpu+team@nhs.uk", "3: summary"),
    ("raised_by: [ai-imaging, ai-skunkworks]", "raised_by: [ai-imaging, lead@ai-imaging.nhs.uk]", "5: raised_by[2]"),
    ("category: platform", "category: platform@nhs.net", "4: category"),
])
def test_an_email_address_anywhere_is_refused_and_never_repeated(folders, old, new, field):
    records, need_dir = folders
    path = need_dir / "gpu-for-imaging.yml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    found = problems(records)
    assert any(line.startswith(f"{path}:{field}: ") for line in found), found
    assert not any("@" in line.replace(str(path), "") for line in found), found
    done = etl("check", "--records", str(records), "--teams", str(TEAMS))
    assert done.returncode == 1 and "@" not in done.stdout + done.stderr


def test_an_email_address_in_a_text_says_to_name_a_role():
    need = {**needs_of(GOOD), "history": [{"status": "raised", "date": dt.date(2025, 1, 15), "asked": "a.b@nhs.net",
                                          "position": "Raised."}]}
    need.pop("projects")
    got, found = needs.validate(need, source="x.yml", known=needs.Known())
    assert got is None and [str(p) for p in found] == [
        "x.yml: history[1].asked: holds an e-mail address; name a role or body instead (e.g. National Data Platform "
        "team): a need never names a person by their address"]


def needs_of(text: str) -> dict:
    import yaml

    return yaml.safe_load(text)


def test_dates_are_held_against_the_data_date_given():
    """The demo holds its needs against its snapshot, not against today."""
    known = needs.Known(as_of=dt.date(2025, 3, 1), as_of_is="the demo's snapshot")
    need = needs_of(GOOD)
    need.pop("projects")
    got, found = needs.validate(need, source="x.yml", known=known)
    assert got is None and [str(p) for p in found] == [
        "x.yml: history[3].date: 2025-04-10 is after 2025-03-01 (the demo's snapshot), the date the data is taken; a "
        "status is dated the day the need reached it"]
    need["raised_on"] = dt.date(2025, 3, 2)
    _, found = needs.validate(need, source="x.yml", known=known)
    assert "x.yml: raised_on: 2025-03-02 is after 2025-03-01 (the demo's snapshot), the date the data is taken; a " \
           "need is raised on a day that has come" in [str(p) for p in found]


def test_a_broken_record_is_not_reported_again_for_the_needs_naming_it(folders):
    records, need_dir = folders
    (records / "brain-mri.yml").write_text(PROJECT.replace("lead_team: ai-imaging", "lead_team: nobody"))
    found = problems(records)
    assert found == [f"{records / 'brain-mri.yml'}:4: lead_team: 'nobody' is not a team in data/teams.yml"]


def test_a_needs_folder_given_must_exist(folders, tmp_path):
    records, _ = folders
    assert [str(p) for p in portfolio.check(records, TEAMS, tmp_path / "elsewhere")] == [
        f"{tmp_path / 'elsewhere'}: no such folder of need records"]
    assert portfolio.check(records, TEAMS, tmp_path / "needs") == []


# --- loading ---------------------------------------------------------------------------------

def table(db: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def test_the_warehouse_rows_are_the_yaml(folders, tmp_path):
    """A hand-built case: every need table's rows, written out from the two files above."""
    records, need_dir = folders
    (need_dir / "spacy-training.yml").write_text(TRAINING, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    done = etl("records", "load", "--records", str(records), "--teams", str(TEAMS), "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    d = dt.date
    gpu, spacy = str(need_dir / "gpu-for-imaging.yml"), str(need_dir / "spacy-training.yml")
    assert table(db, "SELECT need_id, title, summary, description, category, raised_on, current_status, status_since, "
                     "record_path FROM needs ORDER BY need_id") == [
        ("gpu-for-imaging", "GPU access for imaging work", "Imaging teams need GPUs on the platform.", None, "platform",
         d(2025, 1, 15), "agreed_position", d(2025, 4, 10), gpu),
        ("spacy-training", "Training in spaCy", "Analysts need training in text analysis.",
         "New analysts have not used an NLP library.\nFour sessions would do.", "workforce", d(2025, 7, 16),
         "delivered", d(2026, 3, 18), spacy)]
    assert table(db, "SELECT need_id, team_id FROM need_teams ORDER BY ALL") == [
        ("gpu-for-imaging", "ai-imaging"), ("gpu-for-imaging", "ai-skunkworks"), ("spacy-training", "patient-safety")]
    assert table(db, "SELECT need_id, technology, kind FROM need_technologies ORDER BY ALL") == [
        ("gpu-for-imaging", "PyTorch", "radar"), ("gpu-for-imaging", "deep-learning", "category")]
    assert table(db, "SELECT need_id, project_id, relation FROM need_projects") == [
        ("gpu-for-imaging", "brain-mri", "blocks")]
    assert table(db, "SELECT need_id, seq, status, dated_on, asked, position FROM need_status_history "
                     "ORDER BY need_id, seq") == [
        ("gpu-for-imaging", 1, "raised", d(2025, 1, 15), None, "Raised at the quarterly meeting."),
        ("gpu-for-imaging", 2, "under_discussion", d(2025, 2, 20), "National Data Platform team",
         "Platform team asked for GPU hours a month."),
        ("gpu-for-imaging", 3, "agreed_position", d(2025, 4, 10), "National Data Platform team",
         "The Assembly asks for a shared GPU pool."),
        ("spacy-training", 1, "raised", d(2025, 7, 16), None, "Raised by Patient Safety."),
        ("spacy-training", 2, "under_discussion", d(2025, 7, 16), "Learning and Development",
         "Discussed the same day."),
        ("spacy-training", 3, "delivered", d(2026, 3, 18), None, "Four sessions ran.")]
    # Every technology is on the radar or in the taxonomy, as its kind says.
    assert table(db, "SELECT count(*) FROM need_technologies t WHERE (kind = 'radar' AND technology NOT IN "
                     "(SELECT name FROM radar_entries)) OR (kind = 'category' AND technology NOT IN "
                     "(SELECT category FROM categories))") == [(0,)]
    assert runs(db)[-1][:2] == ("records", "succeeded")
    assert "1 project records, 2 needs" in runs(db)[-1][2]


@pytest.mark.parametrize("breakage, where", [
    (("raised_by: [ai-imaging, ai-skunkworks]", "raised_by: [ai-lab]"), ":5: raised_by[1]: 'ai-lab' is not a team"),
    (("[PyTorch, deep-learning]", "[Tensorflow]"), ":7: technologies[1]: 'Tensorflow' is neither an entry"),
    (("project: brain-mri,", "project: nowhere,"), ":9: projects[1].project: 'nowhere' is not a project"),
    (("category: platform", "category: hardware"), ":4: category: 'hardware' is not a need category"),
    (("status: agreed_position", "status: agreed"), ":18: history[3].status: 'agreed' is not a need status"),
    (("date: 2025-04-10", "date: 2025-02-01"), ":19: history[3].date: 2025-02-01 is before 2025-02-20"),
    (("asked: National Data Platform team", "asked: someone@nhs.net"), ":16: history[2].asked: holds an e-mail"),
])
def test_a_bad_need_loads_nothing_and_the_warehouse_keeps_what_it_had(folders, tmp_path, breakage, where):
    """Records and needs load together: with a broken need, neither a new need nor a changed
    project record replaces what the warehouse holds."""
    records, need_dir = folders
    db = tmp_path / "w.duckdb"
    assert etl("records", "load", "--records", str(records), "--teams", str(TEAMS), "--db", str(db)).returncode == 0
    before = data_tables(db)
    assert len(before["needs"]) == 1 and len(before["need_status_history"]) == 3
    (need_dir / "spacy-training.yml").write_text(TRAINING, encoding="utf-8")
    (records / "brain-mri.yml").write_text(PROJECT.replace("Synthetic brain MRI", "Renamed"), encoding="utf-8")
    path = need_dir / "gpu-for-imaging.yml"
    path.write_text(GOOD.replace(*breakage, 1), encoding="utf-8")
    done = etl("records", "load", "--records", str(records), "--teams", str(TEAMS), "--db", str(db))
    assert done.returncode == 1
    assert any(line.startswith(f"{path}{where}") for line in done.stdout.splitlines()), done.stdout
    assert "@" not in done.stdout
    assert "Nothing was loaded; the warehouse is as it was." in done.stderr
    assert data_tables(db) == before
    path.write_text(GOOD, encoding="utf-8")
    assert etl("records", "load", "--records", str(records), "--teams", str(TEAMS), "--db", str(db)).returncode == 0
    assert table(db, "SELECT need_id FROM needs ORDER BY 1") == [("gpu-for-imaging",), ("spacy-training",)]
    assert table(db, "SELECT title FROM projects") == [("Renamed",)]


def test_a_refresh_with_a_broken_need_keeps_the_previous_records_and_needs(folders, tmp_path):
    from tests.test_git_source import commit, etl as etl_git, run_git

    records, need_dir = folders
    repo = tmp_path / "clones" / "analysis"
    repo.mkdir(parents=True)
    run_git(repo, "init", "-q", "-b", "main")
    commit(repo, "Start", {"a.py": "import torch\n"})
    sources = tmp_path / "sources.yml"
    sources.write_text(f"teams_file: {TEAMS}\nrecords_dir: {records}\n"
                       f"git:\n  - path: {tmp_path / 'clones'}\n    team: ai-imaging\n")
    db = tmp_path / "w.duckdb"
    assert etl_git("refresh", "--config", str(sources), "--db", str(db)).returncode == 0
    assert table(db, "SELECT need_id, current_status FROM needs") == [("gpu-for-imaging", "agreed_position")]
    (need_dir / "gpu-for-imaging.yml").write_text(GOOD.replace("category: platform", "category: hardware"))
    (need_dir / "spacy-training.yml").write_text(TRAINING, encoding="utf-8")
    done = etl_git("refresh", "--config", str(sources), "--db", str(db))
    assert done.returncode == 0, done.stderr
    status, message = runs(db)[-1][1:]
    assert status == "partial" and "problem(s) in the project records or needs, the previous records and needs are " \
                                   "kept" in message and "category: 'hardware'" in message
    assert table(db, "SELECT need_id, current_status FROM needs") == [("gpu-for-imaging", "agreed_position")]
    assert table(db, "SELECT count(*) FROM need_status_history") == [(3,)]


# --- a register of needs ---------------------------------------------------------------------

def register(path: Path, rows: list[dict]) -> Path:
    """A register of needs with the template's columns: CSV, or a workbook whose dates are date cells."""
    header = need_docs.TEMPLATE.read_text(encoding="utf-8").strip().split(",")
    if path.suffix == ".xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        book.active.append(header)
        for row in rows:
            book.active.append([dt.datetime.fromisoformat(row[h]) if h in DATE_COLUMNS and row.get(h) else row.get(h)
                                for h in header])
        book.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


DATE_COLUMNS = {"raised_on", *vocabulary.ids(WORDS.need_statuses)}


ROW = {"id": "gpu-for-imaging", "title": "GPU access for imaging work",
       "summary": "Imaging teams need GPUs on the platform.", "category": "platform",
       "raised_by": "ai-imaging; ai-skunkworks", "raised_on": "2025-01-15",
       "technologies": "PyTorch; deep-learning", "blocks": "brain-mri", "raised": "2025-01-15",
       "raised_position": "Raised at the quarterly meeting.", "agreed_position": "2025-04-10",
       "agreed_position_asked": "National Data Platform team",
       "agreed_position_position": "The Assembly asks for a shared GPU pool.",
       "under_discussion": "2025-02-20", "under_discussion_asked": "National Data Platform team",
       "under_discussion_position": "Platform team asked for GPU hours a month."}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_register_of_needs_imports_into_files_that_pass_check(folders, tmp_path, kind):
    records, need_dir = folders
    (need_dir / "gpu-for-imaging.yml").unlink()
    sheet = register(tmp_path / f"needs.{kind}", [ROW])
    done = etl("records", "import", str(sheet), "--of", "needs", "--records", str(records), "--teams", str(TEAMS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == f"wrote {need_dir / 'gpu-for-imaging.yml'}\n"  # by default, the needs beside the records
    written = (need_dir / "gpu-for-imaging.yml").read_text(encoding="utf-8")
    assert needs_of(written) == needs_of(GOOD)  # the same need as the hand-written file
    assert problems(records) == []


def test_a_register_with_a_bad_row_writes_nothing_and_names_row_and_column(folders, tmp_path):
    records, need_dir = folders
    sheet = register(tmp_path / "needs.csv", [
        {**ROW, "id": "fine-one"},
        {**ROW, "id": "bad-one", "blocks": "brain-scan", "raised_on": "2025-03-01",
         "agreed_position_asked": "x.y@nhs.net"}])
    out = tmp_path / "out"
    done = etl("records", "import", str(sheet), "--of", "needs", "--out", str(out), "--records", str(records),
               "--teams", str(TEAMS))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert f"{sheet} row 3: blocks: 'brain-scan' is not a project: no record brain-scan.yml in {records}; did you " \
           "mean 'brain-mri'?" in lines, lines
    assert f"{sheet} row 3: raised_on: 2025-03-01 is after 2025-01-15, the date of column raised; a need is raised " \
           "on or before the day of its first status" in lines, lines
    assert any(line.startswith(f"{sheet} row 3: agreed_position_asked: holds an e-mail address") for line in lines)
    assert "@" not in done.stdout and not out.exists()


# --- documentation ---------------------------------------------------------------------------

def test_the_needs_readme_is_generated_from_the_schema_and_shows_a_valid_need():
    assert need_docs.is_current(), "run: python -m etl dictionary"
    text = need_docs.README.read_text(encoding="utf-8")
    block = text.split(need_docs.FIELDS_MARKERS[0], 1)[1].split(need_docs.FIELDS_MARKERS[1], 1)[0]
    for f in need_fields.NEED:
        assert f"| `{f.name}` |" in block
        for part in f.parts:
            assert f"| `{f.name}[].{part.name}` |" in block
    example = need_docs.example_need()
    assert set(example) - {"_path"} == set(need_fields.NAMES)
    again, found = needs.validate(needs_of(yaml_writer.to_yaml(example, need_fields.NEED)), source="again",
                                  known=needs.Known())
    assert found == [] and {**again, "_path": example["_path"]} == example


# --- the demo --------------------------------------------------------------------------------

def test_the_demo_needs_are_valid_need_files_that_round_trip():
    done = etl("check", "--records", str(settings.PROJECTS_DIR), "--teams", str(settings.TEAMS_FILE))
    assert done.returncode == 0, done.stdout + done.stderr
    team_ids = {t["team_id"] for t in demo_files.teams()["teams"]}
    projects = demo_files.project_records(team_ids)
    loaded = demo_files.need_records(team_ids, projects)
    assert len(loaded) == len(list(settings.NEEDS_DIR.glob("*.yml"))) >= 12
    known = needs.Known(teams=team_ids, projects={p["id"] for p in projects}, radar=None, categories=None)
    for need in loaded:
        assert need["_path"] == f"data/demo/needs/{need['id']}.yml"
        again, found = needs.validate(needs_of(yaml_writer.to_yaml(need, need_fields.NEED)), source="again",
                                      known=known)
        assert found == [] and again["history"] == need["history"] and again["raised_by"] == need["raised_by"]


def test_the_demo_warehouse_holds_every_demo_need_across_statuses_and_categories(demo_db):
    team_ids = {t["team_id"] for t in demo_files.teams()["teams"]}
    files_hold = demo_files.need_records(team_ids, demo_files.project_records(team_ids))
    expected = {t: sorted((tuple(r.values()) for n in files_hold for r in needs.need_rows(n)[t]), key=repr)
                for t in needs.NEED_TABLES}
    held = data_tables(demo_db)
    for t in needs.NEED_TABLES:
        assert held[t] == expected[t], t
    assert {s for (s,) in table(demo_db, "SELECT DISTINCT current_status FROM needs")} == set(
        vocabulary.ids(WORDS.need_statuses))
    assert {c for (c,) in table(demo_db, "SELECT DISTINCT category FROM needs")} == set(
        vocabulary.ids(WORDS.need_categories))
    # Tied to the demo's teams, projects and technologies; every need has a history, none after the snapshot.
    assert table(demo_db, "SELECT count(*) FROM need_projects WHERE project_id NOT IN "
                          "(SELECT project_id FROM projects) OR relation NOT IN ('blocks', 'would_help')") == [(0,)]
    assert table(demo_db, "SELECT count(*) FROM need_technologies WHERE technology NOT IN (SELECT name FROM "
                          "radar_entries UNION ALL SELECT category FROM categories)") == [(0,)]
    assert table(demo_db, "SELECT max(dated_on) <= ? FROM need_status_history",
                 [build.DEMO_AS_OF.date()]) == [(True,)]
    assert table(demo_db, "SELECT count(*) FROM needs WHERE need_id NOT IN (SELECT need_id FROM need_status_history)"
                          " OR need_id NOT IN (SELECT need_id FROM need_teams)") == [(0,)]


def test_the_demo_covers_the_needs_of_the_assembly_story(demo_db):
    """GPU access for imaging, R and Python on the platform, a route to production, synthetic data,
    IG guidance towards a medical device, and training in a library on the radar's adopt ring."""
    ids = {n for (n,) in table(demo_db, "SELECT need_id FROM needs")}
    assert {"gpu-for-imaging", "r-python-versions-on-platform", "rd-code-to-production",
            "synthetic-data-for-development", "ig-guidance-rd-to-medical-device", "spacy-training"} <= ids
    assert table(demo_db, "SELECT r.ring FROM need_technologies t JOIN radar_entries r ON r.name = t.technology "
                          "JOIN needs USING (need_id) WHERE need_id = 'spacy-training' AND category = 'workforce'") == [
        ("adopt",)]


def test_the_nhs_scale_needs_pass_the_checks():
    """The NHS-scale generator's needs (without building the million commits): 60, each valid."""
    team_ids = [t["team_id"] for t in build.generate_teams()["teams"]]
    projects = [f"project-{n}" for n in range(20)]
    made = nhs_scale.needs(np.random.default_rng(nhs_scale.SEED), team_ids, projects)
    checked = build.checked_needs(made, set(team_ids), set(projects))
    assert len(checked) == nhs_scale.SCALE["needs"] == 60
    assert {n["category"] for n in checked} == set(vocabulary.ids(WORDS.need_categories))
    assert len({n["history"][-1]["status"] for n in checked}) >= 5


def test_the_nhs_scale_build_loads_its_needs(tmp_path, monkeypatch):
    """The NHS-scale build, shrunk (the same code at a twentieth of the teams' work): its needs
    go through the checks into the need tables, and the warehouse passes its integrity checks."""
    for key, n in {"teams": 12, "people": 60, "repositories": 40, "commits": 2000, "projects": 15, "needs": 10}.items():
        monkeypatch.setitem(nhs_scale.SCALE, key, n)
    counts = nhs_scale.build(tmp_path / "w.duckdb")
    assert counts["needs"] == 10 and counts["need_teams"] >= 10 and counts["need_status_history"] >= 10
    assert "10 needs" in nhs_scale.describe(counts)
    assert table(tmp_path / "w.duckdb", "SELECT count(*) FROM need_projects WHERE project_id NOT IN "
                                        "(SELECT project_id FROM projects)") == [(0,)]
