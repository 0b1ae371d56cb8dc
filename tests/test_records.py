"""Project records: every mistake is named by file, line (or row), field and value; good records
load into the warehouse; a register spreadsheet converts into record files."""
from __future__ import annotations

import csv
import datetime as dt
import re

import duckdb
import pytest

from etl import config, pipeline, warehouse
from etl.records import addresses, checks, fields, files, rows as project_rows, spreadsheet, teams, yaml_writer
from etl.records.errors import Problem, RecordsError
from etl.warehouse import load

KNOWN = {"ai-skunkworks", "analytics-unit", "data-science-hub"}
SRC = "data/projects/nlp-triage.yml"

# Line numbers matter: the expected messages below name them.
GOOD = """\
id: nlp-triage
title: NLP triage
summary: Sorts incident reports by theme.
lead_team: ai-skunkworks
partner_teams: [analytics-unit]
data_access: pseudonymised
stages:
  - {stage: idea, date: 2021-03-01}
  - {stage: discovery, date: 2021-05-10}
  - {stage: pilot, date: 2022-06-15}
repositories:
  - https://github.com/nhsx/nlp-triage
outputs:
  - {kind: case_study, title: NLP triage case study, url: https://example.org/cs, date: 2023-05-01}
governance:
  dpia: done
impact:
  hours_saved_per_year: 1200
"""


def parse(text, expected_id="nlp-triage"):
    return files.parse_text(text, source=SRC, known_teams=KNOWN, expected_id=expected_id)


def problems_of(text, **kwargs):
    record, problems = parse(text, **kwargs)
    assert record is None
    return [str(p) for p in problems]


def test_good_record_parses_to_the_canonical_form():
    record, problems = parse(GOOD)
    assert problems == []
    assert record == {
        "id": "nlp-triage", "title": "NLP triage", "summary": "Sorts incident reports by theme.",
        "lead_team": "ai-skunkworks", "partner_teams": ["analytics-unit"], "data_access": "pseudonymised",
        "stages": [{"stage": "idea", "date": dt.date(2021, 3, 1)}, {"stage": "discovery", "date": dt.date(2021, 5, 10)},
                   {"stage": "pilot", "date": dt.date(2022, 6, 15)}],
        "repositories": [{"url": "https://github.com/nhsx/nlp-triage", "host": "github", "full_name": "nhsx/nlp-triage"}],
        "outputs": [{"kind": "case_study", "title": "NLP triage case study", "url": "https://example.org/cs",
                     "date": dt.date(2023, 5, 1)}],
        "governance": {"dpia": "done"},
        "impact": {"hours_saved_per_year": 1200},
        "_path": SRC,
    }


ONE_OF_STAGES = "one of idea, discovery, proof_of_concept, pilot, operational, paused, retired"
ONE_OF_KINDS = "one of code, case_study, technical_report, publication, aia, model_card"
ONE_OF_GOVERNANCE = "one of done, in progress, not started, not needed"


@pytest.mark.parametrize("old, new, expected", [
    pytest.param("lead_team: ai-skunkworks", "lead_team: ai-lab",
                 f"{SRC}:4: lead_team: 'ai-lab' is not a team in data/teams.yml", id="unknown lead team"),
    pytest.param("partner_teams: [analytics-unit]", "partner_teams: [analytics-unit, skunk]",
                 f"{SRC}:5: partner_teams[2]: 'skunk' is not a team in data/teams.yml", id="unknown partner team"),
    pytest.param("date: 2021-05-10", "date: 2021-13-01",
                 f"{SRC}:9: stages[2].date: '2021-13-01' is not an ISO date (YYYY-MM-DD)", id="impossible date"),
    pytest.param("date: 2021-05-10", "date: 10/05/2021",
                 f"{SRC}:9: stages[2].date: '10/05/2021' is not an ISO date (YYYY-MM-DD)", id="non-ISO date"),
    pytest.param("stage: discovery", "stage: research",
                 f"{SRC}:9: stages[2].stage: 'research' is not a stage (expected {ONE_OF_STAGES})",
                 id="stage not allowed"),
    pytest.param("date: 2022-06-15", "date: 2021-05-10",
                 f"{SRC}:10: stages[3].date: 2021-05-10 is not after 2021-05-10, the date of stages[2] "
                 "(stage dates must rise)", id="stage dates out of order"),
    pytest.param("stage: pilot", "stage: idea",
                 f"{SRC}:10: stages[3].stage: 'idea' cannot follow 'discovery' (stages[2]): stages go forward along "
                 "the pathway; only after paused or retired may a project repeat a stage or return to an earlier one",
                 id="stage going back"),
    pytest.param("{stage: idea, date: 2021-03-01}", "{stage: idea}",
                 f"{SRC}:8: stages[1].date: required field is missing (a date, YYYY-MM-DD)", id="stage without date"),
    pytest.param("  - https://github.com/nhsx/nlp-triage", "  - github.com/nhsx",
                 f"{SRC}:12: repositories[1]: 'github.com/nhsx' is not a repository address (https://HOST/OWNER/NAME)",
                 id="repository without scheme"),
    pytest.param("https://github.com/nhsx/nlp-triage", "https://github.com/nhsx",
                 f"{SRC}:12: repositories[1]: 'https://github.com/nhsx' is not a GitHub repository address "
                 "(https://github.com/OWNER/NAME)", id="github address without name"),
    pytest.param("impact:", "sumary: x\nimpact:",
                 f"{SRC}:17: unknown field 'sumary'; did you mean 'summary'?", id="unknown field"),
    pytest.param("{stage: idea, date: 2021-03-01}", "{stage: idea, date: 2021-03-01, note: first}",
                 f"{SRC}:8: stages[1]: unknown field 'note' (expected one of stage, date)", id="unknown stage field"),
    pytest.param("  dpia: done", "  dpia: done\n  ethics: done",
                 f"{SRC}:17: governance: unknown field 'ethics' (expected one of dpia, aia, clinical_safety_case)",
                 id="unknown governance field"),
    pytest.param("  hours_saved_per_year: 1200", "  hours_saved_per_year: 1200\n  lives: 3",
                 f"{SRC}:19: impact: unknown field 'lives' (expected one of text, hours_saved_per_year, "
                 "organisations_using)", id="unknown impact field"),
    pytest.param("impact:", "tags: {topic: [nlp]}\nimpact:",
                 f"{SRC}:17: tags: unknown tag category 'topic' (expected one of domain, technique, data_type, "
                 "language)", id="unknown tag category"),
    pytest.param("impact:", "years: {from: 2021, until: 2023}\nimpact:",
                 f"{SRC}:17: years: unknown field 'until' (expected one of from, to)", id="unknown years field"),
    pytest.param("title: NLP triage", "title: [NLP, triage]",
                 f"{SRC}:2: title: expected text, found a list ['NLP', 'triage']", id="wrong type: list for text"),
    pytest.param("partner_teams: [analytics-unit]", "partner_teams: analytics-unit",
                 f"{SRC}:5: partner_teams: expected a list of team ids, found 'analytics-unit'",
                 id="wrong type: text for list"),
    pytest.param("  hours_saved_per_year: 1200", "  hours_saved_per_year: 1,200",
                 f"{SRC}:18: impact.hours_saved_per_year: expected a number, found '1,200'", id="wrong type: number"),
    pytest.param("  hours_saved_per_year: 1200", "  hours_saved_per_year: -5",
                 f"{SRC}:18: impact.hours_saved_per_year: -5 is negative; expected a number of 0 or more",
                 id="negative impact"),
    pytest.param("  hours_saved_per_year: 1200", "  organisations_using: 2.5",
                 f"{SRC}:18: impact.organisations_using: 2.5 is not a whole number; expected a count",
                 id="fractional count"),
    pytest.param("id: nlp-triage", "id: nlp-triage-2",
                 f"{SRC}:1: id: 'nlp-triage-2' differs from the file name; expected 'nlp-triage' "
                 "(a record is named <id>.yml: rename the file or change the id)", id="id differs from file name"),
    pytest.param("kind: case_study", "kind: video",
                 f"{SRC}:14: outputs[1].kind: 'video' is not an output kind (expected {ONE_OF_KINDS})",
                 id="bad output kind"),
    pytest.param("url: https://example.org/cs", "url: example.org/cs",
                 f"{SRC}:14: outputs[1].url: 'example.org/cs' is not a web address (expected http:// or https:// "
                 "and a host)", id="bad output address"),
    pytest.param("dpia: done", "dpia: complete",
                 f"{SRC}:16: governance.dpia: 'complete' is not a governance value (expected {ONE_OF_GOVERNANCE})",
                 id="bad governance value"),
    pytest.param("data_access: pseudonymised", "data_access: anonymised",
                 f"{SRC}:6: data_access: 'anonymised' is not a data access class (expected one of patient "
                 "identifiable, pseudonymised, synthetic, open)", id="bad data access"),
    pytest.param("summary: Sorts incident reports by theme.", 'summary: "Sorts incident reports\\nby theme."',
                 f"{SRC}:3: summary: 'Sorts incident reports\\nby theme.' has a line break; the summary is one line "
                 "(put more in description)", id="summary with newline"),
    pytest.param("summary: Sorts incident reports by theme.", "summary: " + "x" * 301,
                 f"{SRC}:3: summary: '{'x' * 67}...' is 301 characters long; expected at most 300 "
                 "(put more in description)", id="summary too long"),
    pytest.param("title: NLP triage\n", "",
                 f"{SRC}:1: title: required field is missing (text)", id="required field missing"),
    pytest.param("impact:", "years: {from: 2023, to: 2021}\nimpact:",
                 f"{SRC}:17: years.to: 2021 is before years.from 2023; expected a year from 2023", id="years reversed"),
    pytest.param("impact:", "years: {from: 1999}\nimpact:",
                 f"{SRC}:17: years.from: the number 1999 is not a year from 2000 to 2100", id="year out of range"),
    pytest.param("title: NLP triage", "title: NLP triage\ntitle: Triage",
                 f"{SRC}:3: field 'title' is given twice; give each field once", id="field given twice"),
    pytest.param("title: NLP triage", "title: [NLP triage",
                 f"{SRC}:3: not valid YAML: expected ',' or ']', but got ':'", id="YAML syntax"),
])
def test_each_kind_of_problem_is_named_exactly(old, new, expected):
    assert old in GOOD
    assert problems_of(GOOD.replace(old, new, 1)) == [expected]


def test_id_must_be_a_slug():
    assert problems_of(GOOD.replace("id: nlp-triage", "id: NLP_Triage"), expected_id=None) == [
        f"{SRC}:1: id: 'NLP_Triage' is not a lower-case slug (lower-case letters, digits and single hyphens, "
        "e.g. synthetic-ae-data)"]


def test_stages_may_pause_then_return_or_repeat_and_retire_after_anything():
    text = GOOD.replace("  - {stage: pilot, date: 2022-06-15}\n",
                        "  - {stage: paused, date: 2021-08-01}\n  - {stage: discovery, date: 2022-01-01}\n"
                        "  - {stage: pilot, date: 2022-06-15}\n  - {stage: retired, date: 2023-01-01}\n")
    record, problems = parse(text)
    assert problems == []
    assert [s["stage"] for s in record["stages"]] == ["idea", "discovery", "paused", "discovery", "pilot", "retired"]


def test_all_problems_of_a_record_are_reported_together_in_line_order():
    text = (GOOD.replace("lead_team: ai-skunkworks", "lead_team: ai-lab")
            .replace("stage: discovery", "stage: research").replace("kind: case_study", "kind: video"))
    assert [p.split(": ")[0] for p in problems_of(text)] == [f"{SRC}:4", f"{SRC}:9", f"{SRC}:14"]


def test_dict_records_from_a_form_use_their_mapping_lines_or_none():
    record, problems = checks.validate({"id": "x", "title": "X", "summary": "S", "lead_team": "nobody",
                                         "stages": [{"stage": "idea", "date": "2024-01-01"}]},
                                        source="form", known_teams=KNOWN)
    assert record is None and [str(p) for p in problems] == ["form: lead_team: 'nobody' is not a team in data/teams.yml"]
    _, problems = checks.validate({"id": "x", "title": "X", "summary": "S", "lead_team": "ai-skunkworks",
                                    "stages": [{"stage": "idea", "date": "2024-01-01", "__line__": 7}], "__line__": 1},
                                   source="form", known_teams=KNOWN, row=None)
    assert problems == []


def test_a_canonical_record_validates_to_itself():
    record, _ = parse(GOOD)
    again, problems = checks.validate(record, source=SRC, known_teams=KNOWN)
    assert problems == [] and again == record


def test_empty_text_and_a_non_mapping_are_problems():
    assert problems_of("") == [f"{SRC}: file is empty"]
    assert problems_of("# only a comment\n") == [f"{SRC}: file is empty (only comments)"]
    assert problems_of("- id: x\n") == [f"{SRC}:1: expected a mapping of fields (id: ..., title: ...), "
                                        "found a list [{'id': 'x'}]"]


# --- folders ---------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty projects folder, named by a relative path as the CLI would give it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "projects").mkdir()
    return tmp_path / "projects"


def test_folder_problems_are_all_reported_in_one_run(folder):
    (folder / "nlp-triage.yml").write_text(GOOD)
    (folder / "broken.yml").write_bytes(b"id: broken\ntitle: caf\xe9\n")
    (folder / "empty.yml").write_text("   \n")
    (folder / "other.yml").write_text(GOOD.replace("lead_team: ai-skunkworks", "lead_team: ai-lab"))
    (folder / "nlp-triage.yaml").write_text(GOOD)
    (folder / "_template.yml").write_text("id: \n")          # templates are not records
    (folder / "README.md").write_text("# Project records\n")
    with pytest.raises(RecordsError) as caught:
        files.load_folder(folder.relative_to(folder.parent), KNOWN)
    assert str(caught.value).splitlines() == [
        "projects/broken.yml:2: not UTF-8 text (byte 21); save the file as UTF-8",
        "projects/empty.yml: file is empty",
        "projects/nlp-triage.yml:1: id: 'nlp-triage' is also the id in projects/nlp-triage.yaml; "
        "expected each project once",
        "projects/other.yml:1: id: 'nlp-triage' differs from the file name; expected 'other' "
        "(a record is named <id>.yml: rename the file or change the id)",
        "projects/other.yml:4: lead_team: 'ai-lab' is not a team in data/teams.yml",
    ]
    assert all(isinstance(p, Problem) for p in caught.value.problems)


def test_a_valid_folder_loads_into_every_project_table(folder):
    (folder / "nlp-triage.yml").write_text(GOOD)
    (folder / "second.yml").write_text(GOOD.replace("nlp-triage", "second").replace("partner_teams: [analytics-unit]\n", ""))
    loaded = files.load_folder(folder, KNOWN)
    assert [r["id"] for r in loaded] == ["nlp-triage", "second"]
    assert loaded[0]["_path"] == str(folder / "nlp-triage.yml")
    rows = project_rows.project_rows(loaded[0])
    assert rows["projects"][0]["current_stage"] == "pilot"
    assert rows["project_repos"] == [{"project_id": "nlp-triage", "full_name": "nhsx/nlp-triage", "host": "github",
                                      "url": "https://github.com/nhsx/nlp-triage"}]
    con = duckdb.connect()
    warehouse.apply_schema(con)
    load.save_rows(con, "teams", [{"team_id": t, "name": t, "short_name": t, "organisation": "NHS England"}
                                  for t in sorted(KNOWN)])
    assert project_rows.save_projects(con, loaded) == 2
    assert con.execute("SELECT project_id, dpia, hours_saved_per_year FROM projects ORDER BY 1").fetchall() == [
        ("nlp-triage", "done", 1200.0), ("second", "done", 1200.0)]


def test_missing_folder_is_a_problem(tmp_path):
    with pytest.raises(RecordsError, match="no such folder"):
        files.load_folder(tmp_path / "nowhere", KNOWN)


def test_check_reports_teams_and_records_problems(folder):
    teams_yml = folder.parent / "teams.yml"
    teams_yml.write_text("teams:\n  - {id: ai-skunkworks, name: AI Skunkworks, organisation: NHS England}\n"
                         "  - {id: analytics-unit, name: Analytics Unit, organisation: NHS England, colour: red}\n")
    (folder / "nlp-triage.yml").write_text(GOOD)
    assert [str(p) for p in files.check(folder, teams_yml)] == [
        f"{teams_yml}:3: unknown field(s) colour",
    ]
    teams_yml.write_text("teams:\n  - {id: ai-skunkworks, name: AI Skunkworks, organisation: NHS England}\n")
    assert [str(p) for p in files.check(folder, teams_yml)] == [
        f"{folder / 'nlp-triage.yml'}:5: partner_teams[1]: 'analytics-unit' is not a team in data/teams.yml"]
    teams_yml.write_text("teams:\n  - {id: ai-skunkworks, name: AI Skunkworks, organisation: NHS England}\n"
                         "  - {id: analytics-unit, name: Analytics Unit, organisation: NHS England}\n")
    assert files.check(folder, teams_yml) == []


def test_shipped_records_and_teams_pass_the_check():
    assert files.check(config.DATA_DIR / "projects", config.DATA_DIR / "teams.yml") == []


# --- YAML out --------------------------------------------------------------------------------

FULL = {
    "id": "synthetic-ae-data", "title": "Synthetic A&E data", "summary": "yes",
    "description": "A generative model.\n\nTrained on: HES A&E, 2019.", "lead_team": "ai-skunkworks",
    "partner_teams": ["analytics-unit", "data-science-hub"], "origin": "call for ideas", "work_area": "2024",
    "tags": {"domain": ["urgent care"], "technique": ["synthetic data", "#hash", "a: b"], "language": []},
    "data_access": "synthetic",
    "stages": [{"stage": "idea", "date": dt.date(2021, 3, 1)}, {"stage": "paused", "date": dt.date(2021, 4, 1)},
               {"stage": "idea", "date": dt.date(2021, 5, 1)}],
    "years": {"from": 2021, "to": None},
    "repositories": [addresses.parse_repository(u) for u in (
        "https://github.com/nhsx/synthetic-ae", "https://gitlab.com/group/sub/project",
        "https://dev.azure.com/org/project/_git/repo", "https://bitbucket.org/team/repo")],
    "outputs": [{"kind": "case_study", "title": "Case study, with comma", "url": "https://example.org/cs?a=1#x",
                 "date": dt.date(2023, 5, 1)},
                {"kind": "publication", "title": "Paper", "url": None, "date": None}],
    "governance": {"dpia": "done", "aia": "not needed"},
    "operational_owner": "NHS England",
    "impact": {"text": "Saves time.", "hours_saved_per_year": 12.5, "organisations_using": 14},
    "_path": "data/projects/synthetic-ae-data.yml",
}


def test_to_yaml_round_trips_and_reads_like_the_readme():
    text = yaml_writer.to_yaml(FULL)
    again, problems = files.parse_text(text, source=FULL["_path"], known_teams=KNOWN, expected_id=FULL["id"])
    assert problems == []
    assert again == FULL
    assert text.startswith("id: synthetic-ae-data\ntitle: Synthetic A&E data\nsummary: 'yes'\ndescription: |-\n")
    assert "partner_teams: [analytics-unit, data-science-hub]\n" in text
    assert "stages:\n  - {stage: idea, date: 2021-03-01}\n" in text
    assert "years: {from: 2021}\n" in text
    assert "repositories:\n  - https://github.com/nhsx/synthetic-ae\n" in text
    assert "  - {kind: publication, title: Paper}\n" in text
    assert "_path" not in text and "__line__" not in text
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(" ")]
    assert keys == [k for k in fields.NAMES if k in FULL]


def test_to_yaml_of_a_parsed_readme_example_round_trips():
    readme = (config.DATA_DIR / "projects" / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    record, problems = files.parse_text(example, source="example.yml", known_teams=KNOWN)
    assert problems == []
    assert files.parse_text(yaml_writer.to_yaml(record), source="example.yml", known_teams=KNOWN) == (record, [])


# --- repository addresses -----------------------------------------------------------------------

@pytest.mark.parametrize("url, host, full_name, normalised", [
    ("https://github.com/nhsx/synthetic-ae", "github", "nhsx/synthetic-ae", "https://github.com/nhsx/synthetic-ae"),
    ("https://github.com/nhsx/synthetic-ae.git", "github", "nhsx/synthetic-ae", "https://github.com/nhsx/synthetic-ae"),
    ("https://github.com/nhsx/synthetic-ae/", "github", "nhsx/synthetic-ae", "https://github.com/nhsx/synthetic-ae"),
    ("http://www.github.com/nhsx/synth.ae/tree/main/src", "github", "nhsx/synth.ae", "https://github.com/nhsx/synth.ae"),
    ("https://github.com/nhsx/synthetic-ae/blob/main/README.md", "github", "nhsx/synthetic-ae",
     "https://github.com/nhsx/synthetic-ae"),
    ("https://gitlab.com/group/project", "gitlab", "group/project", "https://gitlab.com/group/project"),
    ("https://gitlab.com/group/sub/deeper/project.git", "gitlab", "group/sub/deeper/project",
     "https://gitlab.com/group/sub/deeper/project"),
    ("https://gitlab.com/group/sub/project/-/tree/main", "gitlab", "group/sub/project",
     "https://gitlab.com/group/sub/project"),
    ("https://gitlab.example.nhs.uk/team/project", "gitlab", "team/project", "https://gitlab.example.nhs.uk/team/project"),
    ("https://dev.azure.com/org/project/_git/repo", "azure-devops", "org/project/repo",
     "https://dev.azure.com/org/project/_git/repo"),
    ("https://dev.azure.com/org/project/_git/repo?path=/src", "azure-devops", "org/project/repo",
     "https://dev.azure.com/org/project/_git/repo"),
    ("https://nhsd.visualstudio.com/project/_git/repo", "azure-devops", "nhsd/project/repo",
     "https://nhsd.visualstudio.com/project/_git/repo"),
    ("https://bitbucket.org/team/repo", "other", "team/repo", "https://bitbucket.org/team/repo"),
    ("https://git.example.org/a/b/c.git", "other", "a/b/c", "https://git.example.org/a/b/c"),
])
def test_repository_addresses_parse_by_host(url, host, full_name, normalised):
    assert addresses.parse_repository(url) == {"url": normalised, "host": host, "full_name": full_name}


@pytest.mark.parametrize("url, message", [
    ("github.com/nhsx/x", "'github.com/nhsx/x' is not a repository address (https://HOST/OWNER/NAME)"),
    ("ftp://github.com/nhsx/x", "'ftp://github.com/nhsx/x' is not a repository address (https://HOST/OWNER/NAME)"),
    ("https://github.com/nhsx", "'https://github.com/nhsx' is not a GitHub repository address "
                                "(https://github.com/OWNER/NAME)"),
    ("https://github.com/nhsx/x/issues", "'https://github.com/nhsx/x/issues' is not a GitHub repository address "
                                         "(https://github.com/OWNER/NAME)"),
    ("https://gitlab.com/project", "'https://gitlab.com/project' is not a GitLab repository address "
                                   "(https://gitlab.com/GROUP/NAME or https://gitlab.com/GROUP/SUBGROUP/NAME)"),
    ("https://dev.azure.com/org/project", "'https://dev.azure.com/org/project' is not an Azure DevOps repository "
                                          "address (https://dev.azure.com/ORG/PROJECT/_git/REPO)"),
    ("https://example.org/repo", "'https://example.org/repo' is not a repository address (https://HOST/OWNER/NAME)"),
    ("https://user:token@github.com/a/b", "'https://user:token@github.com/a/b' holds a user name or password; "
                                          "give the address without them"),
    (42, "the number 42 is not a repository address (https://HOST/OWNER/NAME)"),
])
def test_malformed_repository_addresses_say_what_is_expected(url, message):
    with pytest.raises(ValueError) as caught:
        addresses.parse_repository(url)
    assert str(caught.value) == message


def test_the_same_repository_twice_is_a_problem():
    text = GOOD.replace("  - https://github.com/nhsx/nlp-triage\n",
                        "  - https://github.com/nhsx/nlp-triage\n  - https://github.com/nhsx/nlp-triage.git\n")
    assert problems_of(text) == [f"{SRC}:13: repositories[2]: 'https://github.com/nhsx/nlp-triage' is listed twice "
                                 "(as nhsx/nlp-triage, also repositories[1])"]


# --- register import -------------------------------------------------------------------------

SHIPPED_TEAMS = teams.load(config.DATA_DIR / "teams.yml")
SHIPPED = {t["team_id"] for t in SHIPPED_TEAMS["teams"]}


def test_register_template_has_the_readme_columns_in_order():
    template = config.DATA_DIR / "projects" / "register-template.csv"
    assert template.read_text(encoding="utf-8").splitlines() == [",".join(spreadsheet.COLUMNS)]
    readme = (config.DATA_DIR / "projects" / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Importing a register", 1)[1]
    documented = [c for line in table.splitlines() if line.startswith("| `")
                  for c in re.findall(r"`([a-z_]+)`", line.split("|")[1])]
    assert documented == list(spreadsheet.COLUMNS)


def write_csv(path, header, rows, *, bom=True):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


CSV_HEADER = ["id", "title", "summary", "lead_team", "partner_teams", "technique", "idea", "discovery", "pilot",
              "paused", "repositories", "case_study", "dpia", "aia_status", "hours_saved_per_year",
              "organisations_using", "years_from", "description"]
CSV_ROWS = [
    ["nlp-triage", "NLP triage", "Sorts incident reports.", "ai-skunkworks", "analytics-unit; data-science-hub",
     "nlp; classification", "2021-03-01", "2021-05-10", "2022-06-15", "", "https://github.com/nhsx/nlp-triage\n"
     "https://gitlab.com/g/sub/nlp", "https://example.org/cs", "done", "not needed", "1200", "3", "2021",
     "Two lines\nof text."],
    ["synth-data", "Synthetic data", "Safe test data.", "analytics-unit", "", "", "2020-01-01", "", "",
     "2020-06-01; 2021-02-01", "", "", "", "", "", "", "", ""],
]


def build_warehouse(path, written_dir):
    loaded = files.load_folder(written_dir, SHIPPED)
    with pipeline.build(path, "records") as b:
        load.save_rows(b.con, "teams", SHIPPED_TEAMS["teams"])
        load.save_rows(b.con, "team_history", SHIPPED_TEAMS["team_history"])
        project_rows.save_projects(b.con, loaded)
    con = warehouse.open_read_only(path)
    try:
        return con.execute("SELECT project_id, current_stage, stage_since, hours_saved_per_year, organisations_using, "
                           "dpia, aia, years_from FROM projects ORDER BY 1").fetchall()
    finally:
        con.close()


def test_csv_register_imports_to_records_that_load(tmp_path):
    register = write_csv(tmp_path / "register.csv", CSV_HEADER, CSV_ROWS)
    out = tmp_path / "projects"
    written = spreadsheet.import_register(register, out, SHIPPED)
    assert written == [out / "nlp-triage.yml", out / "synth-data.yml"]
    text = (out / "nlp-triage.yml").read_text(encoding="utf-8")
    assert "partner_teams: [analytics-unit, data-science-hub]\n" in text
    assert "  - https://gitlab.com/g/sub/nlp\n" in text
    loaded = {r["id"]: r for r in files.load_folder(out, SHIPPED)}
    assert loaded["nlp-triage"]["outputs"] == [{"kind": "case_study", "title": "Case study",
                                                "url": "https://example.org/cs", "date": None}]
    assert loaded["nlp-triage"]["description"] == "Two lines\nof text."
    assert [(s["stage"], s["date"]) for s in loaded["synth-data"]["stages"]] == [
        ("idea", dt.date(2020, 1, 1)), ("paused", dt.date(2020, 6, 1)), ("paused", dt.date(2021, 2, 1))]
    assert build_warehouse(tmp_path / "w.duckdb", out) == [
        ("nlp-triage", "pilot", dt.date(2022, 6, 15), 1200.0, 3, "done", "not needed", 2021),
        ("synth-data", "paused", dt.date(2021, 2, 1), None, None, None, None, 2020)]


def test_xlsx_register_with_date_cells_and_float_numbers_imports(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Title", "Summary", "Lead team", "idea", "proof_of_concept", "operational", "years_from",
                  "years_to", "hours_saved_per_year", "organisations_using", "domain", "model_card", None])
    sheet.append(["triage-model", "Triage model", "Predicts triage.", "ai-imaging", dt.datetime(2022, 1, 3),
                  dt.datetime(2022, 9, 1), "2023-04-01", 2022.0, 2024.0, 1200.0, 14.0, "imaging", "https://x.org/mc",
                  None])
    sheet.append([None] * 14)                       # empty rows are skipped
    sheet.append(["second", "Second", "Another.", "dc-london", dt.date(2023, 5, 2), None, None, None, None, 7.5,
                  None, None, None, None])
    register = tmp_path / "register.xlsx"
    book.save(register)
    out = tmp_path / "projects"
    assert spreadsheet.import_register(register, out, SHIPPED) == [out / "triage-model.yml", out / "second.yml"]
    text = (out / "triage-model.yml").read_text(encoding="utf-8")
    assert "  - {stage: idea, date: 2022-01-03}\n" in text
    assert "years: {from: 2022, to: 2024}\n" in text
    assert "  hours_saved_per_year: 1200\n  organisations_using: 14\n" in text
    assert build_warehouse(tmp_path / "w.duckdb", out) == [
        ("second", "idea", dt.date(2023, 5, 2), 7.5, None, None, None, 2023),
        ("triage-model", "operational", dt.date(2023, 4, 1), 1200.0, 14, None, None, 2022)]


def test_register_problems_name_rows_and_columns_and_nothing_is_written(tmp_path):
    rows = [
        ["a", "A", "S", "ai-lab", "", "", "2021-03-01", "", "", "", "github.com/nhsx", "", "yes", "", "", "", "", ""],
        ["b", "B", "S", "ai-skunkworks", "", "", "2021-03-01", "2020-01-01", "", "", "", "", "", "", "1,200", "", "", ""],
        ["c", "C", "S", "ai-skunkworks", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["a", "A", "S", "ai-skunkworks", "", "", "2021-03-01", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    register = write_csv(tmp_path / "register.csv", CSV_HEADER, rows)
    out = tmp_path / "projects"
    with pytest.raises(RecordsError) as caught:
        spreadsheet.import_register(register, out, SHIPPED)
    assert str(caught.value).splitlines() == [
        f"{register} row 2: lead_team: 'ai-lab' is not a team in data/teams.yml",
        f"{register} row 2: repositories: 'github.com/nhsx' is not a repository address (https://HOST/OWNER/NAME)",
        f"{register} row 2: dpia: 'yes' is not a governance value (expected {ONE_OF_GOVERNANCE})",
        f"{register} row 3: idea: 'idea' cannot follow 'discovery': stages go forward along the "
        "pathway; only after paused or retired may a project repeat a stage or return to an earlier one",
        f"{register} row 3: hours_saved_per_year: expected a number, found '1,200'",
        f"{register} row 4: stages: no stage has a date; give the date of at least one stage (columns idea, discovery, "
        "proof_of_concept, pilot, operational, paused, retired)",
        f"{register} row 5: id: 'a' is also the id in row 2; expected each project once",
    ]
    assert not out.exists()


def test_register_header_problems_are_reported_on_row_1(tmp_path):
    register = write_csv(tmp_path / "register.csv", ["id", "title", "summary", "stage_pilot", "title"], [["x"] * 5])
    with pytest.raises(RecordsError) as caught:
        spreadsheet.import_register(register, tmp_path / "out", SHIPPED)
    assert str(caught.value).splitlines() == [
        f"{register} row 1: stage_pilot: unknown column 'stage_pilot'; did you mean 'pilot'? (the columns are listed "
        "in data/projects/README.md; nothing is dropped silently)",
        f"{register} row 1: title: column 'title' appears twice (columns 2 and 5); expected each column once",
        f"{register} row 1: lead_team: required column 'lead_team' is missing",
    ]


def test_existing_record_files_are_replaced_only_with_force(tmp_path):
    register = write_csv(tmp_path / "register.csv", CSV_HEADER, CSV_ROWS[1:])
    out = tmp_path / "projects"
    out.mkdir()
    (out / "synth-data.yml").write_text("old\n")
    with pytest.raises(RecordsError) as caught:
        spreadsheet.import_register(register, out, SHIPPED)
    assert str(caught.value) == (f"{register} row 2: id: {out / 'synth-data.yml'} already exists; "
                                 "import with --force to replace it")
    assert (out / "synth-data.yml").read_text() == "old\n"
    assert spreadsheet.import_register(register, out, SHIPPED, force=True) == [out / "synth-data.yml"]
    assert (out / "synth-data.yml").read_text().startswith("id: synth-data\n")


def test_register_file_problems(tmp_path):
    bad = tmp_path / "register.csv"
    bad.write_bytes(b"id,title\nx,caf\xe9\n")
    with pytest.raises(RecordsError, match=r"register.csv: not UTF-8 text \(byte 14\)"):
        spreadsheet.import_register(bad, tmp_path / "out", SHIPPED)
    other = tmp_path / "register.ods"
    other.write_text("x")
    with pytest.raises(RecordsError, match=r"register.ods: expected a .csv or .xlsx register"):
        spreadsheet.import_register(other, tmp_path / "out", SHIPPED)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(RecordsError, match=r"empty.csv: file is empty"):
        spreadsheet.import_register(empty, tmp_path / "out", SHIPPED)
