"""data/teams.yml: the shipped file loads, and mistakes are named by file, line, team and field."""
from __future__ import annotations

import datetime as dt

import pytest

from etl import config, teams


def test_shipped_teams_file_loads_with_dated_history():
    rows = teams.load(config.DATA_DIR / "teams.yml")
    ids = [t["team_id"] for t in rows["teams"]]
    assert {"ai-skunkworks", "ai-imaging", "data-science-hub", "analytics-unit", "patient-safety",
            "nhsd-data-science", "dc-london"} <= set(ids)
    nhsd = [h for h in rows["team_history"] if h["team_id"] == "nhsd-data-science"]
    assert [(h["organisation"], h["valid_from"], h["valid_to"], h["event"]) for h in nhsd] == [
        ("NHS Digital", dt.date(2018, 4, 1), dt.date(2023, 1, 31), "formed"),
        ("NHS England", dt.date(2023, 2, 1), None, "merged")]


def write(tmp_path, text):
    path = tmp_path / "teams.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, message", [
    ("teams:\n  - id: a\n    name: A\n    organisation: O\n    colour: red\n",
     r"teams.yml:2: unknown field\(s\) colour"),
    ("teams:\n  - id: Bad Id\n    name: A\n    organisation: O\n",
     r"teams.yml:2: id: 'Bad Id' is not a lower-case slug"),
    ("teams:\n  - id: a\n    name: A\n",
     r"teams.yml:2: team a: organisation: required text is missing"),
    ("teams:\n  - id: a\n    name: A\n    organisation: O\n    history:\n      - {from: 01/02/2020, name: X}\n",
     r"teams.yml:2: team a: history line 6: from: '01/02/2020' is not an ISO date"),
    ("teams:\n  - id: a\n    name: A\n    organisation: O\n    successor: b\n",
     r"team a: successor 'b' is not a team in this file"),
    ("teams:\n  - {id: a, name: A, organisation: O}\n  - {id: a, name: B, organisation: O}\n",
     r"team id 'a' is used more than once"),
    ("teams: []\n", r"expected a top-level `teams:` list"),
])
def test_mistakes_are_reported_with_where_and_what(tmp_path, text, message):
    with pytest.raises(teams.TeamsError, match=message):
        teams.load(write(tmp_path, text))


def test_every_mistake_is_reported_in_one_run(tmp_path):
    path = write(tmp_path, "teams:\n  - {id: a, name: A}\n  - {id: b, name: B, organisation: O, colour: red}\n")
    with pytest.raises(teams.TeamsError) as caught:
        teams.load(path)
    assert len(str(caught.value).splitlines()) == 2
