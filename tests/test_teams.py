"""data/teams.yml: the shipped file loads, and mistakes are named by file, line, team and field."""
from __future__ import annotations

import datetime as dt

import pytest

from etl import config
from etl.records import teams


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


# --- dated memberships -------------------------------------------------------------------------

MEMBERS = """\
teams:
  - id: a
    name: A
    organisation: O
    members:
      - {login: Alice-1, from: 2020-01-01, to: 2022-12-31}
      - {login: bob, from: 2021-06-01}
  - id: b
    name: B
    organisation: O
    members:
      - {login: alice-1, from: 2023-01-01}
"""


def test_members_load_as_dated_memberships_with_logins_as_written(tmp_path):
    rows = teams.load(write(tmp_path, MEMBERS))
    assert rows["members"] == [
        {"github_login": "Alice-1", "team_id": "a", "valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2022, 12, 31)},
        {"github_login": "bob", "team_id": "a", "valid_from": dt.date(2021, 6, 1), "valid_to": None},
        {"github_login": "alice-1", "team_id": "b", "valid_from": dt.date(2023, 1, 1), "valid_to": None},
    ]


def test_shipped_teams_file_has_a_members_list():
    assert teams.load(config.DATA_DIR / "teams.yml")["members"] == []


@pytest.mark.parametrize("member, message", [
    ("{login: alice@nhs.net, from: 2020-01-01}",
     "teams.yml:2: team a: members line 6: login: an e-mail address is given; "
     "memberships hold GitHub logins, never e-mail addresses"),
    ("{login: alice smith, from: 2020-01-01}",
     "teams.yml:2: team a: members line 6: login: 'alice smith' is not a GitHub login (letters, digits and hyphens)"),
    ("{from: 2020-01-01}", "teams.yml:2: team a: members line 6: login: a GitHub login is required"),
    ("{login: alice, from: 01/02/2020}",
     "teams.yml:2: team a: members line 6: from: '01/02/2020' is not an ISO date (YYYY-MM-DD)"),
    ("{login: alice, from: 2020-01-01, to: 2021-13-01}",
     "teams.yml:2: team a: members line 6: to: '2021-13-01' is not an ISO date (YYYY-MM-DD)"),
    ("{login: alice}", "teams.yml:2: team a: members line 6: from: a date (YYYY-MM-DD) is required"),
    ("{login: alice, from: 2021-01-01, to: 2020-12-31}",
     "teams.yml:2: team a: members line 6: to: 2020-12-31 is before from 2021-01-01"),
    ("{login: alice, from: 2021-01-01, role: lead}", "teams.yml:2: team a: members line 6: unknown field(s) role"),
])
def test_member_mistakes_are_named(tmp_path, member, message):
    path = write(tmp_path, f"teams:\n  - id: a\n    name: A\n    organisation: O\n    members:\n      - {member}\n")
    with pytest.raises(teams.TeamsError) as caught:
        teams.load(path)
    assert str(caught.value) == f"{tmp_path}/{message}"
    assert "alice@" not in str(caught.value)


def test_members_must_be_a_list(tmp_path):
    path = write(tmp_path, "teams:\n  - id: a\n    name: A\n    organisation: O\n    members: alice\n")
    with pytest.raises(teams.TeamsError, match=r"teams.yml:2: team a: members: expected a list of \{login"):
        teams.load(path)


def test_overlapping_memberships_name_the_login_and_both_teams(tmp_path):
    path = write(tmp_path, MEMBERS.replace("{login: alice-1, from: 2023-01-01}", "{login: alice-1, from: 2022-12-31}"))
    with pytest.raises(teams.TeamsError) as caught:
        teams.load(path)
    assert str(caught.value) == (
        f"{path}:12: members: login 'alice-1' is in team a (from 2020-01-01 to 2022-12-31, line 6) and in team b "
        "(from 2022-12-31, line 12) at the same time; a person's memberships must not overlap")


def test_open_ended_membership_overlaps_any_later_one(tmp_path):
    path = write(tmp_path, MEMBERS.replace("{login: alice-1, from: 2023-01-01}", "{login: BOB, from: 2030-01-01}"))
    with pytest.raises(teams.TeamsError, match=r"login 'BOB' is in team a \(from 2021-06-01, line 7\) and in team b"):
        teams.load(path)


def test_every_membership_mistake_is_reported_in_one_run(tmp_path):
    path = write(tmp_path, MEMBERS.replace("Alice-1, from: 2020-01-01", "a@b.org, from: 2020-01-01")
                 .replace("{login: bob, from: 2021-06-01}", "{login: bob, from: 2021-06-31}")
                 .replace("alice-1, from: 2023-01-01", "alice-1, from: 2023-01-01, to: 2022-01-01"))
    with pytest.raises(teams.TeamsError) as caught:
        teams.load(path)
    assert [line.split(": ", 2)[1] for line in str(caught.value).splitlines()] == ["team a", "team a", "team b"]


ALIASES_TEAMS = "teams:\n  - {id: a, name: A, organisation: O}\n"


def test_aliases_join_logins_and_person_keys_to_one_person(tmp_path):
    path = write(tmp_path, ALIASES_TEAMS + "aliases:\n"
                 "  - person: ann-nhs\n    also: [ann-old, p_0123456789abcdef]\n"
                 "  - {person: bob, also: bob2}\n")
    assert teams.load(path)["aliases"] == [
        {"person": "ann-nhs", "also": "ann-old"}, {"person": "ann-nhs", "also": "p_0123456789abcdef"},
        {"person": "bob", "also": "bob2"}]


def test_alias_mistakes_are_named_and_no_address_is_repeated(tmp_path):
    path = write(tmp_path, ALIASES_TEAMS + "aliases:\n"
                 "  - {person: ann, also: [ann@example.nhs.uk]}\n"       # line 4
                 "  - {person: bob, also: [bob]}\n"                       # line 5
                 "  - {person: cat, also: [ann-old, p_12]}\n"             # line 6
                 "  - {person: dan, also: [ann-old]}\n"                   # line 7
                 "  - {person: eve, also: [], colour: red}\n"             # line 8
                 "  - {person: fay}\n"                                    # line 9
                 "  - {person: gil, also: [cat]}\n")                      # line 10
    with pytest.raises(teams.TeamsError) as err:
        teams.load(path)
    lines = str(err.value).splitlines()
    assert lines == [
        f"{path}:4: aliases: also: an e-mail address is given; use its person key instead "
        "(`python -m etl person-key` prints it), so no address is kept in git",
        f"{path}:5: aliases: also: 'bob' is the person itself",
        f"{path}:6: aliases: also: 'p_12' is neither a GitHub login nor a person key (p_ and 16 hex digits)",
        f"{path}:7: aliases: also: 'ann-old' is already an alias of 'cat'",
        f"{path}:8: aliases: unknown field(s) colour",
        f"{path}:9: aliases: also: list the other logins or person keys of this person",
        f"{path}: aliases: 'cat' is itself an alias of 'gil'; join every key to one person",
    ]
    assert "example.nhs.uk" not in str(err.value)
