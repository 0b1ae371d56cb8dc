"""The demo warehouse: complete, consistent, realistic in shape, and the same on every build."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import warehouse
from etl.demo import build, files, settings
from etl.shared import identity

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_TABLES = sorted(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", (ROOT / "etl" / "warehouse" / "schema.sql").read_text()))
DATA_TABLES = [t for t in SCHEMA_TABLES if t != "etl_runs"]
BOT_LOGINS = {"dependabot[bot]", "github-actions[bot]", "pre-commit-ci[bot]"}
# A membership with no end lasts until the snapshot.
OPEN_END = "coalesce(valid_to, DATE '2026-09-30')"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    counts = build.build_demo(path)
    return path, counts


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A second file, built twice into the same path."""
    path = tmp_path_factory.mktemp("demo-again") / "warehouse.duckdb"
    build.build_demo(path)
    build.build_demo(path)
    return path


@pytest.fixture
def con(built):
    c = duckdb.connect(str(built[0]), read_only=True)
    yield c
    c.close()


def scalar(con, sql, params=()):
    return con.execute(sql, list(params)).fetchone()[0]


def table_rows(path: Path) -> dict[str, list[tuple]]:
    c = duckdb.connect(str(path), read_only=True)
    try:
        return {t: c.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in DATA_TABLES}
    finally:
        c.close()


# --- shape -----------------------------------------------------------------------------

def test_file_holds_every_table_and_view_of_the_schema(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert len(SCHEMA_TABLES) >= 19
    assert set(SCHEMA_TABLES) <= tables
    assert {"commit_activity", "project_overview"} <= views
    assert dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())["contents"] == "demo"


def test_counts_are_in_the_expected_ranges(con, built):
    counts = {t: scalar(con, f'SELECT count(*) FROM "{t}"') for t in SCHEMA_TABLES}
    assert counts["teams"] >= 7
    assert 35 <= counts["projects"] <= 45
    assert 90 <= counts["repositories"] <= 110
    assert 55 <= scalar(con, "SELECT count(*) FROM people WHERE NOT is_bot") <= 65
    assert 30_000 <= counts["commits"] <= 60_000
    assert counts["stages"] == 7
    for table in ("team_history", "memberships", "repo_languages", "dependencies", "commit_coauthors",
                  "releases", "project_stages", "project_teams", "project_tags", "project_repos", "project_outputs"):
        assert counts[table] > 0, table
    # build_demo reports what the file holds.
    for table, n in built[1].items():
        assert counts[table] == n, table


def test_projects_cover_every_stage_and_every_team_leads_several(con):
    stages = {r[0] for r in con.execute("SELECT DISTINCT current_stage FROM projects").fetchall()}
    assert stages == {s[0] for s in warehouse.STAGES}
    for team, n in con.execute("SELECT team_id, count(p.project_id) FROM teams LEFT JOIN projects p "
                               "ON p.lead_team_id = team_id GROUP BY 1").fetchall():
        assert n >= 2, team
    assert scalar(con, "SELECT count(*) FROM projects p WHERE NOT EXISTS "
                       "(SELECT 1 FROM project_repos r WHERE r.project_id = p.project_id)") == 2
    recent = scalar(con, "SELECT count(*) FROM projects WHERE started_on > DATE '2025-09-30'")
    assert 8 <= recent <= 12
    with_partners = scalar(con, "SELECT count(DISTINCT project_id) FROM project_teams WHERE role = 'partner'")
    assert 10 <= with_partners <= 20
    assert scalar(con, "SELECT count(*) FROM projects WHERE current_stage = 'operational' "
                       "AND operational_owner IS NULL") == 0


def test_commits_span_the_three_years_and_grow(con):
    first, last, months = con.execute(
        "SELECT min(authored_at), max(authored_at), count(DISTINCT date_trunc('month', authored_at)) FROM commits"
    ).fetchone()
    assert first.date() >= dt.date(2023, 10, 1) and first.date() <= dt.date(2023, 10, 7)
    assert last <= build.DEMO_AS_OF and last.date() == dt.date(2026, 9, 30)
    assert months >= 35
    monthly = dict(con.execute(
        "SELECT strftime(authored_at, '%Y-%m'), count(*) FROM commits c JOIN people USING (person_key) "
        "WHERE NOT is_bot GROUP BY 1").fetchall())
    first_year = sum(n for m, n in monthly.items() if "2023-10" <= m <= "2024-09")
    last_year = sum(n for m, n in monthly.items() if "2025-10" <= m <= "2026-09")
    assert first_year < last_year < 2 * first_year
    weekend = scalar(con, "SELECT avg(CASE WHEN dayofweek(authored_at) IN (0, 6) THEN 1 ELSE 0 END) "
                          "FROM commit_activity WHERE NOT is_bot")
    assert weekend < 0.08
    merges = scalar(con, "SELECT avg(CASE WHEN is_merge THEN 1 ELSE 0 END) FROM commits")
    assert 0.05 <= merges <= 0.11


def weekday_rate(con, first: dt.date, last: dt.date) -> float:
    """Commits by people (not bots) per working day, Monday to Friday, from `first` to `last`."""
    weekdays = sum((first + dt.timedelta(days=n)).weekday() < 5 for n in range((last - first).days + 1))
    commits = scalar(con, "SELECT count(*) FROM commit_activity WHERE NOT is_bot AND dayofweek(authored_at) "
                          "BETWEEN 1 AND 5 AND authored_at >= ? AND authored_at < ?", [first, last + dt.timedelta(days=1)])
    return commits / weekdays


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_august_is_quieter_than_july_and_september(con, year):
    """The demo's August runs at 0.6 of the months around it (etl.demo.demo._season); per working
    day, so that months of different lengths compare. Without the dip the ratio is about 1."""
    around = (weekday_rate(con, dt.date(year, 7, 1), dt.date(year, 7, 31))
              + weekday_rate(con, dt.date(year, 9, 1), dt.date(year, 9, 30))) / 2
    ratio = weekday_rate(con, dt.date(year, 8, 1), dt.date(year, 8, 31)) / around
    assert 0.45 <= ratio <= 0.75, f"August {year} at {ratio:.2f} of July and September"


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_late_december_is_quieter_than_november_and_january(con, year):
    """From 21 December to 2 January the demo runs at 0.12 of the weeks around it; per working day
    against November and January from the 3rd. Without the dip the ratio is about 1."""
    around = (weekday_rate(con, dt.date(year, 11, 1), dt.date(year, 11, 30))
              + weekday_rate(con, dt.date(year + 1, 1, 3), dt.date(year + 1, 1, 31))) / 2
    ratio = weekday_rate(con, dt.date(year, 12, 21), dt.date(year, 12, 31)) / around
    assert 0.05 <= ratio <= 0.25, f"21-31 December {year} at {ratio:.2f} of November and January"


# --- keys and privacy -----------------------------------------------------------------

def test_primary_keys_are_unique(con):
    keys = con.execute("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                       "WHERE constraint_type = 'PRIMARY KEY' AND schema_name = 'main'").fetchall()
    # contributions (derived) has no key: a person may co-author one commit under two aliases.
    assert {t for t, _ in keys} >= set(DATA_TABLES) - {"project_outputs", "contributions"}
    for table, columns in keys:
        cols = ", ".join(f'"{c}"' for c in columns)
        total, distinct = con.execute(
            f'SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {cols} FROM "{table}")) FROM "{table}"'
        ).fetchone()
        assert total == distinct, f"{table} ({cols})"
    # project_outputs has no key; the demo still never repeats an output.
    assert scalar(con, "SELECT count(*) - count(DISTINCT (project_id, kind, title)) FROM project_outputs") == 0


@pytest.mark.parametrize("table", ["people", "commits", "commit_coauthors", "memberships", "person_aliases"])
def test_no_email_addresses_in_person_tables(con, table):
    columns = [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND data_type = 'VARCHAR'", [table]
    ).fetchall()]
    assert "person_key" in columns
    for column in columns:
        assert scalar(con, f'SELECT count(*) FROM "{table}" WHERE "{column}" LIKE \'%@%\'') == 0, column
    assert scalar(con, "SELECT count(*) FROM people WHERE NOT regexp_matches(person_key, '^p_[0-9a-f]{16}$')") == 0


def test_people_keys_come_from_the_demo_salt(con):
    for key, login in con.execute("SELECT person_key, github_login FROM people WHERE github_login IS NOT NULL").fetchall():
        assert key == identity.key_for_login(login, build.DEMO_SALT)
    no_login = scalar(con, "SELECT count(*) FROM people WHERE github_login IS NULL")
    # Those whose address GitHub links to no account, and five who also commit from such an address (aliases).
    assert 11 <= no_login <= 15
    aliased = con.execute("SELECT p.github_login IS NULL FROM person_aliases a JOIN people p ON p.person_key = a.alias_key").fetchall()
    assert aliased == [(True,)] * 5
    assert scalar(con, "SELECT count(*) FROM people WHERE source <> 'demo'") == 0


# --- determinism and rebuilds ---------------------------------------------------------

def test_two_builds_hold_identical_data(built, rebuilt):
    first, second = table_rows(built[0]), table_rows(rebuilt)
    for table in DATA_TABLES:
        assert len(first[table]) == len(second[table]), table
        assert first[table] == second[table], table


def test_rebuilding_the_same_path_keeps_the_run_log_and_no_duplicates(built, rebuilt):
    c = duckdb.connect(str(rebuilt), read_only=True)
    try:
        runs = c.execute("SELECT source, status, data_as_of, commits_added, message, counts FROM etl_runs").fetchall()
        counts = {t: scalar(c, f'SELECT count(*) FROM "{t}"') for t in DATA_TABLES}
    finally:
        c.close()
    assert len(runs) == 2
    for source, status, as_of, added, message, logged in runs:
        assert (source, status, as_of, message) == ("demo", "succeeded", build.DEMO_AS_OF, "demo data")
        assert added == counts["commits"]
        assert json.loads(logged)["commits"] == counts["commits"]
    for table, n in built[1].items():
        assert counts[table] == n, table


_DIGEST = ("import hashlib, json; from etl.demo import build; "
           "print(hashlib.sha256(json.dumps(build.generate(), sort_keys=True, default=str).encode()).hexdigest())")


def test_generate_is_the_same_in_every_process():
    """String hashing is salted per process: output must not depend on set or hash order."""
    procs = [subprocess.Popen([sys.executable, "-c", _DIGEST], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
             for seed in ("1", "2024")]
    digests = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    here = hashlib.sha256(json.dumps(build.generate(), sort_keys=True, default=str).encode()).hexdigest()
    assert digests == {here}


# --- projects -------------------------------------------------------------------------

def test_stage_histories_ascend_and_match_the_project_row(con):
    ordinal = {s[0]: s[2] for s in warehouse.STAGES}
    history: dict[str, list] = {}
    for pid, stage, entered in con.execute(
            "SELECT project_id, stage, entered_on FROM project_stages ORDER BY project_id, entered_on").fetchall():
        history.setdefault(pid, []).append((stage, entered))
    projects = con.execute("SELECT project_id, current_stage, stage_since, started_on FROM projects").fetchall()
    assert len(history) == len(projects)
    for pid, current, since, started in projects:
        rows = history[pid]
        dates = [d for _, d in rows]
        assert all(a < b for a, b in zip(dates, dates[1:])), pid
        assert all(ordinal[a] < ordinal[b] for (a, _), (b, _) in zip(rows, rows[1:])), pid
        assert dt.date(2019, 6, 1) <= dates[0] and dates[-1] <= dt.date(2026, 9, 30), pid
        assert (current, since, started) == (rows[-1][0], dates[-1], dates[0]), pid
    overview = dict(con.execute("SELECT project_id, current_stage FROM project_overview").fetchall())
    assert overview == {p[0]: p[1] for p in projects}


def test_project_links_point_at_generated_repositories(con):
    assert scalar(con, "SELECT count(*) FROM project_repos WHERE full_name NOT IN (SELECT full_name FROM repositories)") == 0
    assert scalar(con, "SELECT count(*) FROM project_repos WHERE url <> 'https://github.com/' || full_name") == 0
    unlinked = scalar(con, "SELECT count(*) FROM repositories WHERE full_name NOT IN (SELECT full_name FROM project_repos)")
    assert 5 <= unlinked <= 20
    # Repositories of retired projects are archived and quiet.
    assert scalar(con, """SELECT count(*) FROM project_repos JOIN projects USING (project_id)
                          JOIN repositories r USING (full_name)
                          WHERE current_stage = 'retired' AND (NOT r.archived OR r.pushed_at::DATE > DATE '2025-01-31')""") == 0


# --- teams, people, commits -----------------------------------------------------------

def test_team_history_periods_chain(con):
    rows = con.execute("SELECT team_id, valid_from, valid_to, name, organisation, event FROM team_history "
                       "ORDER BY team_id, valid_from").fetchall()
    by_team: dict[str, list] = {}
    for row in rows:
        by_team.setdefault(row[0], []).append(row)
    teams = {r[0]: r[1:] for r in con.execute("SELECT team_id, name, organisation, formed_on FROM teams").fetchall()}
    assert set(by_team) == set(teams)
    for team, periods in by_team.items():
        assert periods[0][5] == "formed" and periods[0][1] == teams[team][2], team
        for a, b in zip(periods, periods[1:]):
            assert a[2] == b[1] - dt.timedelta(days=1), team
        assert periods[-1][2] is None, team
        assert (periods[-1][3], periods[-1][4]) == teams[team][:2], team
    nhsd = by_team["nhsd-data-science"]
    assert nhsd[0][4] == "NHS Digital" and nhsd[-1][4] == "NHS England"
    assert (nhsd[-1][1], nhsd[-1][5]) == (dt.date(2023, 2, 1), "merged")
    assert [p[4] for p in by_team["ai-skunkworks"]][:2] == ["NHSX", "NHS England"]


def test_memberships_and_moves(con):
    # Everyone is a member of some team, counted under their main key, except three visiting
    # fellows left out of the teams file (the collaboration analysis infers their team).
    assert scalar(con, "SELECT count(*) FROM person_identity i WHERE NOT is_bot AND NOT EXISTS "
                       "(SELECT 1 FROM memberships m WHERE m.person_key = i.canonical_key)") == 3
    assert scalar(con, "SELECT count(*) FROM memberships JOIN people USING (person_key) WHERE is_bot") == 0
    assert scalar(con, "SELECT max(n) FROM (SELECT count(*) n FROM memberships WHERE valid_to IS NULL GROUP BY person_key)") == 1
    moves = con.execute("""
        SELECT a.person_key, a.valid_to, b.valid_from FROM memberships a JOIN memberships b
          ON a.person_key = b.person_key AND a.valid_from < b.valid_from""").fetchall()
    assert 8 <= len(moves) <= 12
    assert all(b == a + dt.timedelta(days=1) for _, a, b in moves)
    joined = dict(con.execute("SELECT person_key, min(valid_from) FROM memberships GROUP BY 1").fetchall())
    first_seen = dict(con.execute("SELECT person_key, first_seen FROM people WHERE list_contains(?, person_key)",
                                  [list(joined)]).fetchall())
    assert first_seen == joined


def test_people_commit_only_while_they_are_around(con):
    assert scalar(con, """SELECT count(*) FROM commits c JOIN people p USING (person_key)
                          WHERE c.authored_at::DATE < p.first_seen""") == 0
    # Members commit only while in a team (under any of their keys); the three not in the
    # teams file at all are the only exception.
    assert scalar(con, f"""SELECT count(DISTINCT i.canonical_key) FROM commits c JOIN person_identity i USING (person_key)
                           WHERE NOT i.is_bot AND NOT EXISTS (
                             SELECT 1 FROM memberships m WHERE m.person_key = i.canonical_key
                             AND c.authored_at::DATE BETWEEN m.valid_from AND {OPEN_END})""") == 3
    assert scalar(con, "SELECT count(*) FROM commit_coauthors x JOIN commits c USING (full_name, sha) "
                       "WHERE x.person_key = c.person_key") == 0
    assert scalar(con, "SELECT count(*) FROM commit_coauthors x ANTI JOIN commits c USING (full_name, sha)") == 0
    share = scalar(con, "SELECT (SELECT count(*) FROM commit_coauthors) / count(*) FROM commits")
    assert 0.015 <= share <= 0.05


def test_some_repositories_have_contributors_from_several_teams(con):
    teams_per_repo = dict(con.execute(f"""
        SELECT c.full_name, count(DISTINCT m.team_id) FROM commits c
        JOIN memberships m ON m.person_key = c.person_key
         AND c.authored_at::DATE BETWEEN m.valid_from AND {OPEN_END}
        GROUP BY 1""").fetchall())
    # Teams work in pockets: in three years, about one repository in four had anyone from another
    # team (joint projects, the shared toolkit, people who moved), not most of them.
    assert 10 <= sum(1 for n in teams_per_repo.values() if n >= 2) <= 35
    assert teams_per_repo["nhsengland/ds-toolkit"] == 3  # the Hub's, with the Service and the Analytics Unit
    # ...and most commits to a team's repository come from that team.
    own = scalar(con, f"""
        SELECT avg(CASE WHEN m.team_id = r.team_id THEN 1 ELSE 0 END) FROM commits c
        JOIN repositories r USING (full_name)
        JOIN memberships m ON m.person_key = c.person_key
         AND c.authored_at::DATE BETWEEN m.valid_from AND {OPEN_END}
        WHERE r.team_id IS NOT NULL AND r.team_id <> 'covid-analytics'""")
    assert own > 0.9


def test_the_links_between_teams_are_few_and_each_has_a_reason(built):
    """The story of data/demo/repositories.yml: in the last 12 months people crossed team lines
    only through the shared toolkit and joint projects, and people who moved team."""
    from analyses import queries

    reader = warehouse.open_read_only(built[0])
    try:
        cursor = warehouse.cursor(reader)
        period = {"date_from": dt.date(2025, 10, 1), "date_to": dt.date(2026, 9, 30), "teams": []}
        links = queries.run(cursor, "collab_links", **period)
        repos = queries.run(cursor, "cross_team_repositories", **period)
        active = queries.run(cursor, "team_activity", **period, top=10)
    finally:
        reader.close()
    people = {frozenset((r.team_a_id, r.team_b_id)) for r in links[links.link == "people"].itertuples()}
    assert people == {frozenset(pair) for pair in [
        ("data-science-hub", "nhsd-data-science"),   # the toolkit, record linkage, two who moved
        ("analytics-unit", "data-science-hub"),      # the toolkit, one who moved
        ("ai-imaging", "ai-skunkworks"),             # the federated learning pilot, one who moved
        ("ai-skunkworks", "patient-safety"),         # complaints and incident text
    ]}
    assert int(active.loc[active.place == 0, "teams"].iloc[0]) == 7  # 4 of 21 pairs linked
    assert {"nhsengland/ds-toolkit", "nhsx/federated-learning-pilot"} <= set(repos.full_name)
    assert len(repos) <= 0.25 * int(active.loc[active.place == 0, "repositories"].iloc[0])


def test_bots_are_flagged(con):
    rows = con.execute("SELECT github_login, is_bot FROM people").fetchall()
    assert {login for login, bot in rows if bot} == BOT_LOGINS
    assert all(bot == identity.is_bot(login) for login, bot in rows)
    by_bot = dict(con.execute("SELECT p.github_login, count(*) FROM commits JOIN people p USING (person_key) "
                              "WHERE p.is_bot GROUP BY 1").fetchall())
    assert set(by_bot) == BOT_LOGINS
    assert scalar(con, "SELECT count(*) FROM commit_activity WHERE is_bot AND sha IN "
                       "(SELECT sha FROM commits WHERE is_merge)") == 0


def test_repository_metadata_agrees_with_its_rows(con):
    assert scalar(con, """SELECT count(*) FROM repositories r WHERE pushed_at IS DISTINCT FROM
                          (SELECT max(authored_at) FROM commits c WHERE c.full_name = r.full_name)""") == 0
    assert scalar(con, """SELECT count(*) FROM repositories r WHERE primary_language IS DISTINCT FROM
                          (SELECT arg_max(language, bytes) FROM repo_languages l WHERE l.full_name = r.full_name)""") == 0
    assert scalar(con, "SELECT count(*) FROM repositories WHERE html_url <> 'https://github.com/' || full_name "
                       "OR full_name <> org || '/' || name OR created_at > pushed_at") == 0
    assert 1 <= scalar(con, "SELECT count(*) FROM repositories WHERE team_id IS NULL") <= 3
    for table in ("repo_languages", "dependencies", "releases"):
        assert scalar(con, f"SELECT count(*) FROM {table} WHERE full_name NOT IN (SELECT full_name FROM repositories)") == 0
    assert scalar(con, """SELECT count(*) FROM releases l JOIN (SELECT full_name, min(authored_at) lo, max(authored_at) hi
                          FROM commits GROUP BY 1) c USING (full_name)
                          WHERE l.published_at < c.lo OR l.published_at::DATE > c.hi::DATE + 1""") == 0
    ecosystems = {r[0] for r in con.execute("SELECT DISTINCT ecosystem FROM dependencies").fetchall()}
    assert ecosystems == {"pypi", "cran", "npm", "conda"}
    inferred = con.execute("SELECT DISTINCT full_name FROM dependencies WHERE inferred").fetchall()
    assert 2 <= len(inferred) <= 8
    assert scalar(con, """SELECT count(*) FROM dependencies d WHERE inferred AND EXISTS (SELECT 1 FROM dependencies e
                          WHERE e.full_name = d.full_name AND NOT e.inferred)""") == 0


def test_views_return_rows(con):
    assert scalar(con, "SELECT count(*) FROM project_overview") == scalar(con, "SELECT count(*) FROM projects")
    assert scalar(con, "SELECT count(*) FROM project_overview WHERE stage_label IS NULL OR lead_team IS NULL") == 0
    assert scalar(con, "SELECT sum(repo_count) FROM project_overview") == scalar(con, "SELECT count(*) FROM project_repos")
    assert scalar(con, "SELECT count(*) FROM commit_activity") == scalar(con, "SELECT count(*) FROM commits")
    assert scalar(con, "SELECT count(DISTINCT repo_team_id) FROM commit_activity") >= 7


# --- the demo's files -----------------------------------------------------------------

def test_a_wrong_repository_hint_is_reported_with_its_file_line_and_field(tmp_path):
    good = settings.REPOSITORIES_FILE.read_text(encoding="utf-8")
    bad = good.replace('{repo: nhsx/synthetic-ae-validation, kind: ml, created_in: pilot,',
                       '{repo: nhsx/synthetic-ae-validation, kind: ml, created_in: paused,')
    bad = bad.replace("{repo: nhsx/skunkworks-website, team: ai-skunkworks,", "{repo: nhsx/skunkworks-website, team: ai-lab,")
    bad = bad.replace("    - {repo: nhsx/fl-trust-node,", "    - {repo: nhsx/fl-trust-nodes,")
    path = tmp_path / "repositories.yml"
    path.write_text(bad, encoding="utf-8")
    line = {needle: next(i for i, text in enumerate(bad.splitlines(), 1) if needle in text)
            for needle in ("synthetic-ae-validation", "skunkworks-website", "fl-trust-nodes", "federated-learning-pilot,")}
    team_ids = {t["team_id"] for t in files.teams()["teams"]}
    project_records = files.project_records(team_ids)
    with pytest.raises(files.DemoFilesError) as caught:
        files.repository_hints(project_records, team_ids, path)
    problems = str(caught.value).splitlines()
    assert len(problems) == 4, problems
    assert problems[0].startswith(f"{path}:{line['synthetic-ae-validation']}: projects.synthetic-ae-data[2].created_in: "
                                  "'paused' is not a stage of the project")
    assert problems[1] == (f"{path}:{line['fl-trust-nodes']}: projects.federated-learning-pilot[2].repo: "
                           "'nhsx/fl-trust-nodes' is not among the repositories of federated-learning-pilot.yml")
    assert problems[2] == (f"{path}:{line['federated-learning-pilot,']}: projects.federated-learning-pilot: "
                           "federated-learning-pilot.yml lists 'nhsx/fl-trust-node'; expected an entry for it here")
    assert problems[3] == f"{path}:{line['skunkworks-website']}: unlinked[2].team: 'ai-lab' is not a team in teams.yml"
    # The file as it is passes.
    assert len(files.repository_hints(project_records, team_ids)["repositories"]) == 101


def test_the_demo_teams_file_lists_no_members(tmp_path):
    path = tmp_path / "teams.yml"
    path.write_text(settings.TEAMS_FILE.read_text(encoding="utf-8").replace(
        "    formed_on: 2021-04-01\n", "    formed_on: 2021-04-01\n    members:\n      - {login: quiet-otter, from: 2022-04-01}\n"),
        encoding="utf-8")
    with pytest.raises(files.DemoFilesError, match="members, aliases: the demo's people are generated"):
        files.teams(path)
