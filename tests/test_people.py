"""One definition of a person (the person_identity view), used by every count of people: a
person committing from two addresses joined by an alias in teams.yml is one contributor on the
Overview, in Collaboration's analyses and in the annual report."""
from __future__ import annotations

import datetime as dt
import functools
import re
import textwrap

import duckdb
import pytest

from analyses import metrics, queries
from etl import pipeline, warehouse
from etl.shared import identity
from etl.warehouse import load
from tests.test_git_source import commit, etl, run_git
from tests.test_github_refresh import SALT
from tests.test_pages import app, fresh_caches, headline, page  # noqa: F401 (fresh_caches is a fixture)

ANN_WORK, ANN_HOME = ("Ann Analyst", "ann@work.nhs.test"), ("Ann Analyst", "ann.home@mail.test")
BEN = ("Ben Builder", "ben@work.nhs.test")


@pytest.fixture
def warehouse_with_an_alias(tmp_path):
    """A clone with three commits by Ann (two from her work address, one from home) and one by
    Ben, loaded with `etl refresh --config` where teams.yml joins Ann's addresses by an alias."""
    repo = tmp_path / "clones" / "analysis"
    repo.mkdir(parents=True)
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "remote", "add", "origin", "https://gitlab.example.nhs.uk/dc-london/analysis.git")
    commit(repo, "Start", {"a.py": "import pandas\n"}, ANN_WORK, "2026-01-05T10:00:00+00:00")
    commit(repo, "More", {"b.py": "import numpy\n"}, ANN_WORK, "2026-02-05T10:00:00+00:00")
    commit(repo, "From home", {"c.py": "x = 1\n"}, ANN_HOME, "2026-03-05T10:00:00+00:00")
    commit(repo, "Ben's fix", {"a.py": "import pandas as pd\n"}, BEN, "2026-03-06T10:00:00+00:00")
    work, home = (identity.key_for_email(who[1], SALT) for who in (ANN_WORK, ANN_HOME))
    teams = tmp_path / "teams.yml"
    teams.write_text(textwrap.dedent(f"""\
        teams:
          - id: dc-london
            name: Direct Commissioning London
            short_name: DC London
            organisation: NHS England
            formed_on: 2021-04-01
        aliases:
          - {{person: {work}, also: [{home}]}}
        """))
    (tmp_path / "projects").mkdir()
    config = tmp_path / "sources.yml"
    config.write_text(f"teams_file: {teams}\nrecords_dir: {tmp_path / 'projects'}\n"
                      f"git:\n  - path: {tmp_path / 'clones'}\n    team: dc-london\n")
    db = tmp_path / "w.duckdb"
    done = etl("refresh", "--config", str(config), "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def test_a_person_with_two_addresses_joined_by_an_alias_counts_once_everywhere(warehouse_with_an_alias, monkeypatch,
                                                                               tmp_path):
    db = warehouse_with_an_alias
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(DISTINCT person_key) FROM commits").fetchone()[0] == 3  # three keys stored...
    assert con.execute("SELECT count(DISTINCT canonical_key) FROM person_identity").fetchone()[0] == 2  # ...two people
    con.close()

    # The Overview, for the whole period (the commits are older than the last 12 months).
    at = app(db, monkeypatch, period="All time")
    assert not at.exception, [e.message for e in at.exception]
    assert headline(at)["Contributors"] == 2

    # Collaboration's analyses: the team's people, the repository's bus factor and its people.
    cur = warehouse.cursor(warehouse.open_read_only(db))
    run = functools.partial(queries.run, cur)
    whole = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 3, 31)}
    assert run("collab_team_activity", **whole)[["team_id", "people", "commits"]].values.tolist() == [["dc-london", 2, 4]]
    bus = run("bus_factor", as_of=dt.date(2026, 3, 31), scope="repository")
    assert bus[["people_12m", "commits_12m", "bus_factor"]].values.tolist() == [[2, 4, 1]]  # Ann made 3 of 4
    assert run("repository_activity", **whole, teams=[]).contributors.tolist() == [2]
    assert run("who_uses", package="pandas", as_of=dt.date(2026, 3, 31)).people_12m.tolist() == [2]

    # The annual report for the same dates says the same.
    out = tmp_path / "report.html"
    done = etl("report", "--from", "2026-01-01", "--to", "2026-03-31", "--out", str(out), "--db", str(db))
    assert done.returncode == 0, done.stderr
    cards = dict((name, value) for value, name in re.findall(
        r"<div class='card'><span class='n'>([\d,]+)</span><span>([^<]+)</span></div>", out.read_text()))
    assert cards["Contributors"] == "2" and cards["Commits"] == "4"


def small_warehouse(path, *, aliases=(), links=(), bots=()):
    """Five keys for three people: ann (a login and a work address), bo (a login, and an address
    GitHub linked to it) and cy (a bot's login and a login); commits per key as listed."""
    keys = {"ann": "p_000000000000a001", "ann_mail": "p_000000000000a002", "bo": "p_000000000000b001",
            "bo_mail": "p_000000000000b002", "cy": "p_000000000000c001"}
    commits = {"ann": 2, "ann_mail": 1, "bo": 1, "bo_mail": 2, "cy": 3}
    with pipeline.build(path, "test") as b:
        b.data_as_of = dt.datetime(2025, 3, 31)
        load.save_rows(b.con, "teams", [{"team_id": "t", "name": "T", "short_name": "T", "organisation": "NHS England"}])
        load.save_rows(b.con, "people", [
            {"person_key": k, "github_login": None if name.endswith("_mail") else name,
             "is_bot": name in bots, "source": "test"} for name, k in keys.items()])
        load.save_rows(b.con, "repositories", [{"full_name": "o/r", "org": "o", "name": "r", "team_id": "t",
                                                "source": "test"}])
        load.save_rows(b.con, "commits", [
            {"full_name": "o/r", "sha": f"{name}{i}", "person_key": keys[name],
             "authored_at": dt.datetime(2025, 1, 1 + i)} for name, n in commits.items() for i in range(n)])
        load.save_rows(b.con, "person_aliases", [{"alias_key": keys[a], "person_key": keys[p]} for a, p in aliases])
        load.save_rows(b.con, "person_links", [{"alias_key": keys[a], "person_key": keys[p]} for a, p in links])
    return keys


@pytest.mark.parametrize("joins, people", [
    ({}, 5),                                                                    # nothing joined: five keys
    ({"aliases": [("ann_mail", "ann")]}, 4),                                    # an alias in teams.yml
    ({"links": [("bo_mail", "bo")]}, 4),                                        # an address GitHub linked
    ({"aliases": [("ann_mail", "ann")], "links": [("bo_mail", "bo")]}, 3),
    ({"aliases": [("ann_mail", "ann")], "links": [("bo_mail", "bo")], "bots": ["cy"]}, 2),  # bots left out
    ({"aliases": [("ann_mail", "ann")], "links": [("ann_mail", "bo")]}, 3),     # a link joins ann's address to bo,
])                                                                              # so ann and bo are one person
def test_people_are_counted_by_the_one_definition(tmp_path, joins, people):
    small_warehouse(tmp_path / "w.duckdb", **joins)
    cur = warehouse.cursor(warehouse.open_read_only(tmp_path / "w.duckdb"))
    run = functools.partial(queries.run, cur)
    start, end = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
    assert metrics.value("contributors", run, start, end) == people
    assert run("collab_team_activity", date_from=start, date_to=end).people.sum() == people
    assert run("repository_activity", date_from=start, date_to=end, teams=[]).contributors.tolist() == [people]
    assert run("bus_factor", as_of=end, scope="repository").people_12m.tolist() == [people]


def test_the_person_counted_is_a_key_with_a_login(tmp_path):
    keys = small_warehouse(tmp_path / "w.duckdb", aliases=[("ann_mail", "ann")], links=[("bo_mail", "bo")])
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    got = dict(con.execute("SELECT person_key, canonical_key FROM person_identity").fetchall())
    con.close()
    assert got == {keys["ann"]: keys["ann"], keys["ann_mail"]: keys["ann"], keys["bo"]: keys["bo"],
                   keys["bo_mail"]: keys["bo"], keys["cy"]: keys["cy"]}


def test_no_count_of_people_reads_person_keys_around_the_definition():
    """Queries count people through commit_activity or contributions (both built on person_identity),
    never from the commits or people tables directly."""
    offenders = []
    for name, query in queries.catalogue().items():
        sql = re.sub(r"--[^\n]*", "", query.sql)
        if re.search(r"count\s*\(\s*DISTINCT\s+\w*\.?person_key", sql, re.I) and re.search(
                r"\b(FROM|JOIN)\s+(commits|commit_coauthors|people)\b", sql, re.I):
            offenders.append(name)
    assert not offenders
