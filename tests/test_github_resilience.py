"""The GitHub source in the real world: nothing lost, nothing silently skipped.

Against tests/github_server.py (real HTTP, real PyGithub, real DuckDB): a gateway without
GraphQL, a part of the API missing, rate limits and deadlines that stop a run half-way,
renames and transfers, deleted repositories, and a host that cannot be reached. Each way of
stopping compares the warehouse before and after, table by table.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from etl import config, source_config
from etl.github import outcome as outcome_module, refresh
from tests.github_server import FakeGitHub
from tests.test_github_refresh import SALT, TOKEN, comparable, etl_cli, gh  # noqa: F401 (gh: the fixture)

ORG = "nhs-r-community"
T0 = dt.datetime(2024, 3, 4, 9, 0)
# Columns that say when something was fetched or whether the last run refreshed it.
VOLATILE = {"github_repo_state": {"fetched_at", "complete"}, "data_problems": {"detected_at"}}


def organisation(gh: FakeGitHub, repos: int = 35) -> list[str]:
    """One organisation like the Assembly's: R and Python projects, a few commits each (one by
    an address GitHub links to no account, some with co-authors), manifests, releases on every
    third, one repository empty."""
    gh.add_org(ORG)
    names = []
    for i in range(repos):
        name = f"{ORG}/project-{i:02d}"
        names.append(name)
        python = i % 2 == 1
        gh.add_repo(name, languages={"Python": 3000 + i, "Shell": 40} if python else {"R": 5000 + i, "TSQL": 300},
                    topics=["nlp"] if i % 5 == 0 else [])
        if i == 34:
            continue  # an empty repository
        for c in range(1 + i % 4):
            if c == 0:
                files = ({"requirements.txt": "pandas>=2\nnumpy\n", "src/app.py": "import pandas\n"} if python else
                         {"DESCRIPTION": "Package: p\nImports: dplyr (>= 1.0), ggplot2\n"})
            else:
                files = {f"src/change{c}.{'py' if python else 'R'}": f"x = {c}\n"}
            message = f"change {c}" + ("\n\nCo-authored-by: Pair <pair@example.nhs.test>" if c == 2 else "")
            if c == 1:
                gh.commit(name, message=message, date=T0 + dt.timedelta(days=i, hours=c), files=files,
                          author_email="no-account@example.nhs.test", author_name="No Account")
            else:
                gh.commit(name, message=message, date=T0 + dt.timedelta(days=i, hours=c), files=files,
                          author_login=f"analyst-{(i + c) % 7}")
        if i % 3 == 0:
            gh.add_release(name, "v1.0.0", published_at=T0 + dt.timedelta(days=60))
    return names


def org_sources(tmp_path: Path, *, backoff: float = 0, extra: str = "") -> source_config.SourcesConfig:
    path = tmp_path / "org.yml"
    path.write_text(f"""
teams_file: {config.DATA_DIR / 'teams.yml'}
records_dir: {config.DATA_DIR / 'projects'}
github:
  seconds_between_requests: 0
  retry_backoff: {backoff}
  max_rate_limit_wait: 0
  organisations:
    - name: {ORG}
      team: analytics-unit
{extra}""")
    return source_config.load(path)


def tables(path: Path) -> dict[str, list[dict]]:
    """Every table's rows as dicts, without the run log and the columns that say when."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            if table in ("etl_runs", "warehouse_meta"):
                continue
            cursor = con.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            drop = VOLATILE.get(table, set())
            out[table] = sorted(({c: v for c, v in zip(columns, row) if c not in drop} for row in cursor.fetchall()),
                                key=repr)
        return out
    finally:
        con.close()


def of(rows: list[dict], names: set[str]) -> list[dict]:
    """The rows of these repositories (by full_name, or subject for data_problems)."""
    return [r for r in rows if r.get("full_name", r.get("subject")) in names]


def last_run(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute("SELECT * FROM etl_runs ORDER BY started_at DESC, finished_at DESC LIMIT 1")
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    finally:
        con.close()


def states(path: Path) -> dict[str, bool]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("SELECT full_name, complete FROM github_repo_state").fetchall())
    finally:
        con.close()


def assert_holds_everything_it_held(before: dict, after: dict, kept: set[str]) -> None:
    """Table by table: `after` holds exactly what `before` did (the server did not change), plus
    a `not_refreshed` problem for each repository kept."""
    for table, rows in before.items():
        if table == "data_problems":
            added = [r for r in after[table] if r not in rows]
            assert {r["subject"] for r in added} == kept and {r["kind"] for r in added} <= {"not_refreshed"}
            assert all(r in after[table] for r in rows)
        else:
            assert after[table] == rows, f"{table} changed"


# --- GraphQL is an optimisation ------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["404", "403", "errors"])
def test_a_host_without_graphql_gives_the_same_warehouse_through_rest(gh, tmp_path, mode, caplog):
    names = organisation(gh)
    cfg = org_sources(tmp_path)
    with_graphql, without = tmp_path / "with.duckdb", tmp_path / "without.duckdb"
    refresh.refresh(with_graphql, cfg)
    graphql_requests = gh.request_count(counted_only=False)
    gh.reset_log()
    gh.graphql_mode = mode
    caplog.set_level("WARNING", logger="etl.github")
    outcome = refresh.refresh(without, cfg)
    rest_requests = gh.request_count(counted_only=False)
    assert (outcome.fetched, outcome.removed, outcome.failed, outcome.kept) == (len(names), [], {}, {})
    assert tables(without) == tables(with_graphql)
    counts = duckdb.connect(str(without), read_only=True).execute(
        "SELECT (SELECT count(*) FROM repositories), (SELECT count(*) FROM commits), "
        "(SELECT count(*) FROM repo_languages), (SELECT count(*) FROM dependencies)").fetchone()
    # commits: 1 + i % 4 for i < 34 (8 cycles of 1+2+3+4, then 1 + 2); languages and dependencies:
    # two per repository but the empty one
    assert counts == (35, 83, 68, 68)
    said = [r.getMessage() for r in caplog.records if "GraphQL is not available" in r.getMessage()]
    assert len(said) == 1  # said once, then REST throughout
    assert not [r for r in caplog.records if r.name.startswith("etl") and "removed" in r.getMessage()]
    graphql_posts = [r for r in gh.requests if r["path"].endswith("/graphql")]
    assert len(graphql_posts) == (1 if mode != "errors" else 3)
    # REST costs one request for the languages and one per file instead of one query: measured
    assert rest_requests > graphql_requests
    print(f"first load of {len(names)} repositories: {graphql_requests} requests with GraphQL, "
          f"{rest_requests} with GraphQL {mode}")


def test_without_a_token_graphql_refuses_and_rest_reads_the_files(tmp_path, monkeypatch):
    server = FakeGitHub(token=None)
    with server:
        monkeypatch.setenv("GITHUB_API_URL", server.base_url)
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        monkeypatch.setenv("DSA_SALT", SALT)
        organisation(server, repos=4)
        db = tmp_path / "w.duckdb"
        outcome = refresh.refresh(db, org_sources(tmp_path))
        assert (outcome.fetched, outcome.failed) == (4, {})
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("SELECT count(*) FROM dependencies").fetchone()[0] == 8
        assert con.execute("SELECT count(DISTINCT full_name) FROM repo_languages").fetchone()[0] == 4
        con.close()


# --- a 404 means deleted only when the repository itself is gone --------------------------------

@pytest.mark.parametrize("path, status, part, graphql", [
    ("/(commits|compare)", 404, "commits", "on"),
    ("/git/trees/", 404, "git tree", "on"),
    ("/releases", 403, "releases and tags", "on"),
    ("/git/blobs/", 404, "languages and files", "404"),  # a file, read through REST
])
def test_a_part_failing_fails_that_repository_only_and_it_is_fetched_again_next_run(gh, tmp_path, path, status,
                                                                                      part, graphql):
    organisation(gh, repos=6)
    gh.graphql_mode = graphql
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    victim = f"{ORG}/project-03"
    for name in (f"{ORG}/project-0{i}" for i in range(6)):
        if name != f"{ORG}/project-05":
            gh.commit(name, message="more", date=T0 + dt.timedelta(days=90), author_login="analyst-1",
                      files={"NEWS.md": "x", "requirements.txt": "pandas>=2\nnumpy\nscipy\n"})
    gh.refuse(rf"^/repos/{victim}{path}", status=status)
    gh.reset_log()
    outcome = refresh.refresh(db, cfg)
    assert outcome.removed == [] and list(outcome.failed) == [victim] and outcome.fetched == 4
    assert f"GitHub answered {status} for the {part}" in outcome.failed[victim]
    looked_up = [r["path"] for r in gh.requests if r["path"].startswith("/api/v3/repositories/")]
    assert len(looked_up) == (1 if status == 404 else 0)  # a 404 is checked against the repository itself
    after = tables(db)
    assert [r["full_name"] for r in of(after["repositories"], {victim})] == [victim]  # with the listing's metadata
    for table in ("commits", "releases", "repo_languages", "dependencies"):
        assert of(after[table], {victim}) == of(before[table], {victim}), table
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT kind, detail FROM data_problems WHERE subject = ?", [victim]).fetchall() == [
        ("fetch_failed", part)]
    con.close()
    assert states(db)[victim] is False
    run = last_run(db)
    assert (run["status"], run["repos_kept"], run["repos_removed"]) == ("partial", 1, 0)
    assert json.loads(run["repos_detail"])["kept"] == {victim: f"its fetch failed: {status} for the {part}"}
    gh.clear_refusals()
    outcome = refresh.refresh(db, cfg)
    assert outcome.fetched == 1 and not outcome.partial
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM commits WHERE full_name = ?", [victim]).fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM dependencies WHERE full_name = ?", [victim]).fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM data_problems WHERE subject = ?", [victim]).fetchone() == (0,)
    con.close()


def test_a_repository_deleted_between_runs_is_removed_once_github_confirms_it(gh, tmp_path):
    organisation(gh, repos=6)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    gh.delete_repo(f"{ORG}/project-02")
    gh.reset_log()
    outcome = refresh.refresh(db, cfg)
    assert outcome.removed == [f"{ORG}/project-02"]
    assert "404 for its id" in outcome.removal_reasons[f"{ORG}/project-02"]
    assert [r["path"] for r in gh.requests if r["path"].startswith("/api/v3/repositories/")] != []
    run = last_run(db)
    assert (run["status"], run["repos_removed"]) == ("succeeded", 1)
    assert "1 removed (deleted on GitHub" in run["message"]


def test_a_renamed_repository_keeps_its_commits_under_the_new_name(gh, tmp_path):
    organisation(gh, repos=6)
    gh.add_org("nhsengland")
    cfg = org_sources(tmp_path, extra="    - name: nhsengland\n")
    db, fresh = tmp_path / "w.duckdb", tmp_path / "fresh.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.rename_repo(f"{ORG}/project-01", f"{ORG}/forecasting")          # renamed
    gh.rename_repo(f"{ORG}/project-02", "nhsengland/project-02")        # transferred
    gh.reset_log()
    outcome = refresh.refresh(db, cfg)
    assert outcome.moved == {f"{ORG}/project-01": f"{ORG}/forecasting",
                             f"{ORG}/project-02": "nhsengland/project-02"}
    assert (outcome.removed, outcome.fetched) == ([], 0)  # moved, not deleted and reloaded
    assert gh.request_count(counted_only=False) == 2      # the two listings: ids matched, nothing looked up
    after = tables(db)
    for old, new in outcome.moved.items():
        for table in ("commits", "commit_coauthors", "releases", "repo_languages", "dependencies"):
            moved = [{**r, "full_name": new} for r in of(before[table], {old})]
            assert of(after[table], {new}) == moved, table
            assert of(after[table], {old}) == []
    refresh.refresh(fresh, cfg)
    assert comparable(db) == comparable(fresh)  # the same as loading the renamed world from scratch


def test_a_rename_is_found_through_the_old_name_when_the_id_was_not_recorded(gh, tmp_path):
    organisation(gh, repos=4)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    con = duckdb.connect(str(db))
    con.execute("UPDATE github_repo_state SET repo_id = NULL")  # as written before ids were recorded
    con.close()
    commits = tables(db)["commits"]
    gh.rename_repo(f"{ORG}/project-01", f"{ORG}/renamed")
    outcome = refresh.refresh(db, cfg)
    assert outcome.moved == {f"{ORG}/project-01": f"{ORG}/renamed"} and outcome.removed == []
    assert of(tables(db)["commits"], {f"{ORG}/renamed"}) == [
        {**r, "full_name": f"{ORG}/renamed"} for r in of(commits, {f"{ORG}/project-01"})]


def test_an_unknown_organisation_or_repository_is_reported_and_the_rest_loads(gh, tmp_path):
    organisation(gh, repos=3)
    cfg = org_sources(tmp_path, extra="    - name: no-such-org\n  repositories: [nhsx/no-such-repo]\n")
    db = tmp_path / "w.duckdb"
    outcome = refresh.refresh(db, cfg)
    assert outcome.fetched == 3
    assert set(outcome.skipped) == {"no-such-org (organisation)", "nhsx/no-such-repo"}
    run = last_run(db)
    assert (run["status"], run["repos_skipped"]) == ("partial", 2)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT subject, kind FROM data_problems WHERE kind = 'not_loaded' ORDER BY 1").fetchall() == [
        ("nhsx/no-such-repo", "not_loaded"), ("no-such-org", "not_loaded")]
    con.close()


# --- a partial run keeps what it did not refresh -----------------------------------------------

def test_full_refresh_stopped_by_the_rate_limit_half_way_keeps_every_repository(gh, tmp_path):
    names = organisation(gh)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.set_rate_limit(remaining=50, reset_in=60)  # 50 requests a minute, and no waiting
    outcome = refresh.refresh(db, cfg, full=True)
    assert outcome.stopped_at_rate_limit and 0 < outcome.fetched < len(names)
    kept = set(outcome.kept)
    assert len(kept) == len(names) - outcome.fetched and not outcome.skipped
    assert_holds_everything_it_held(before, tables(db), kept)
    assert {n for n, complete in states(db).items() if not complete} == kept  # fetched again next run
    run = last_run(db)
    assert (run["status"], run["repos_kept"], run["repos_skipped"], run["repos_removed"]) == (
        "partial", len(kept), 0, 0)
    assert set(json.loads(run["repos_detail"])["kept"]) == kept
    gh.set_rate_limit(remaining=5000)
    refresh.refresh(db, cfg)
    assert not [n for n, complete in states(db).items() if not complete]


def test_full_refresh_whose_every_graphql_answer_is_rate_limited_keeps_every_repository(gh, tmp_path):
    names = organisation(gh)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.set_rate_limit(remaining=0, reset_in=3600, resource="graphql")  # every answer: 200, errors RATE_LIMITED
    outcome = refresh.refresh(db, cfg, full=True)
    assert outcome.stopped_at_rate_limit and "GraphQL rate limit" in outcome.stopped
    assert outcome.failed == {}  # the limit stops the run; it is no repository's failure
    kept = set(outcome.kept)
    assert len(kept) == len(names) - outcome.fetched and not outcome.skipped
    assert_holds_everything_it_held(before, tables(db), kept)
    assert last_run(db)["status"] == "partial"


def test_graphql_rate_limit_resetting_within_the_wait_is_waited_for(gh, tmp_path):
    organisation(gh, repos=3)
    cfg = org_sources(tmp_path)
    waiting = dataclasses.replace(cfg, github=dataclasses.replace(cfg.github, max_rate_limit_wait=30))
    # The reset is a few seconds away: far enough that the first query meets the limit even on a
    # loaded machine, near enough to be within max_rate_limit_wait.
    gh.set_rate_limit(remaining=0, reset_in=5, resource="graphql")
    started = time.monotonic()
    outcome = refresh.refresh(tmp_path / "w.duckdb", waiting)
    assert (outcome.fetched, outcome.partial) == (3, False)
    assert time.monotonic() - started >= 1
    limited = [r for r in gh.requests if r["path"].endswith("/graphql")]
    assert len(limited) == 4  # the answer carrying RATE_LIMITED, then one query per repository


def test_full_refresh_whose_every_graphql_answer_carries_errors_still_completes(gh, tmp_path):
    organisation(gh)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.graphql_mode = "errors"
    outcome = refresh.refresh(db, cfg, full=True)
    assert not outcome.partial
    assert tables(db) == before


def test_incremental_refresh_stopped_by_the_rate_limit_keeps_the_previous_rows_of_the_rest(gh, tmp_path):
    names = organisation(gh, repos=12)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    for name in names:
        gh.commit(name, message="new", date=T0 + dt.timedelta(days=100), author_login="analyst-2",
                  files={"NEWS.md": "x"})
    gh.set_rate_limit(remaining=20, reset_in=3600)
    outcome = refresh.refresh(db, cfg)
    assert outcome.stopped_at_rate_limit and 0 < outcome.fetched < len(names)
    kept = set(outcome.kept)
    assert kept and len(kept) + outcome.fetched == len(names)
    after = tables(db)
    for table in ("commits", "commit_coauthors", "releases", "repo_languages", "dependencies", "repo_packages"):
        assert of(after[table], kept) == of(before[table], kept), table
    fetched = set(names) - kept
    assert len(of(after["commits"], fetched)) == len(of(before["commits"], fetched)) + len(fetched)
    assert {n for n, complete in states(db).items() if not complete} == kept


def test_a_time_limit_stops_the_run_and_keeps_the_rest(gh, tmp_path, monkeypatch):
    names = organisation(gh, repos=12)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    clock = {"now": 0.0}  # one "second" per request: the limit falls after a known number of requests
    gh.on_request = lambda request: clock.__setitem__("now", clock["now"] + 1)
    monkeypatch.setattr(outcome_module, "_clock", lambda: clock["now"])
    outcome = refresh.refresh(db, cfg, full=True, time_limit=30)
    assert outcome.stopped.startswith("the time limit of 30 seconds was reached")
    assert 0 < outcome.fetched < len(names)
    kept = set(outcome.kept)
    assert len(kept) == len(names) - outcome.fetched
    assert_holds_everything_it_held(before, tables(db), kept)
    assert last_run(db)["repos_kept"] == len(kept)


def test_failures_in_a_row_stop_the_run_and_it_keeps_the_rest(gh, tmp_path):
    names = organisation(gh, repos=20)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.refuse(rf"^/repos/{ORG}/project-1[2-9]/releases", status=403)  # releases of the last eight refused
    outcome = refresh.refresh(db, cfg, full=True)
    assert outcome.fetched == 12 and len(outcome.failed) == refresh.STREAK_TO_STOP
    assert outcome.stopped.startswith("3 repositories in a row failed the same way (403 for the releases and tags)")
    kept = set(outcome.kept)
    assert kept == set(names[12:])
    after = tables(db)
    for table, rows in before.items():
        if table != "data_problems":
            assert after[table] == rows, table
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT kind, count(*) FROM data_problems WHERE subject LIKE '%project-1%' "
                       "AND kind IN ('fetch_failed', 'not_refreshed') GROUP BY 1 ORDER BY 1").fetchall() == [
        ("fetch_failed", 3), ("not_refreshed", 5)]
    con.close()


def test_a_rate_limit_while_listing_makes_a_partial_run_that_keeps_everything(gh, tmp_path):
    organisation(gh, repos=5)
    gh.add_org("nhsengland")
    gh.add_repo("nhsengland/tool", languages={"Python": 10})
    gh.commit("nhsengland/tool", message="x", date=T0, author_login="analyst-1", files={"a.py": "import os\n"})
    cfg = org_sources(tmp_path, extra="    - name: nhsengland\n")
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.delete_repo("nhsengland/tool")  # not listed any more, but the listing never gets there
    gh.set_rate_limit(remaining=1, reset_in=3600)  # the first organisation's page, then the limit
    outcome = refresh.refresh(db, cfg)
    assert outcome.stopped_at_rate_limit and "while listing" in outcome.stopped
    assert outcome.removed == [] and "nhsengland/tool" in outcome.kept
    after = tables(db)
    for table, rows in before.items():
        if table != "data_problems":
            assert after[table] == rows, table
    assert last_run(db)["status"] == "partial"


# --- systemic failure fails the run --------------------------------------------------------------

def test_an_endpoint_missing_for_every_repository_fails_the_run_and_leaves_the_warehouse(gh, tmp_path):
    organisation(gh, repos=8)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    gh.refuse(r"/git/trees/")
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db), "--full",
                   env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.base_url, "DSA_SALT": SALT})
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "Traceback" not in done.stderr
    assert "3 of 3 repositories fetched failed the same way: GitHub answered 404 for the git tree" in errors[0]
    assert "the warehouse was not changed" in errors[0]
    assert tables(db) == before
    assert last_run(db)["status"] == "failed"


@pytest.mark.parametrize("trouble, says", [
    ("token", "GitHub refused the token (401 Bad credentials) at {url}: check GITHUB_TOKEN"),
    ("network", "the git tree could not be read: cannot reach GitHub at {url} (127.0.0.1:"),
])
def test_the_token_or_the_network_failing_for_every_repository_fails_the_run(gh, tmp_path, trouble, says):
    organisation(gh, repos=8)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    before = tables(db)
    if trouble == "token":  # the token is revoked once the organisation is listed
        gh.on_request = lambda request: setattr(gh, "token", "revoked") if request["path"].endswith("/repos") else None
    else:
        gh.drop(r"/git/trees/")
    with pytest.raises(refresh.RefreshError) as stopped:
        refresh.refresh(db, cfg, full=True)
    line = str(stopped.value)
    assert "\n" not in line and "3 of 3 repositories fetched failed the same way" in line
    assert says.format(url=gh.base_url) in line and line.endswith("the warehouse was not changed")
    assert tables(db) == before


def test_status_fails_after_a_run_that_removed_more_than_the_share_unless_confirmed(gh, tmp_path):
    names = organisation(gh, repos=10)
    cfg = org_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, cfg)
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.base_url, "DSA_SALT": SALT}
    status = etl_cli("status", "--db", str(db), env=env)
    assert status.returncode == 0, status.stdout
    gh.delete_repo(names[0])  # 1 of 10: within the 10% allowed
    refresh.refresh(db, cfg)
    assert etl_cli("status", "--db", str(db), env=env).returncode == 0
    for name in names[1:4]:
        gh.delete_repo(name)  # 3 of 9: a third
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db), env=env)
    assert done.returncode == 0
    assert "3 removed (deleted on GitHub, or no longer visible to the token (404 for its id))" in \
        done.stderr.splitlines()[-1]
    status = etl_cli("status", "--db", str(db), env=env)
    assert status.returncode == 1
    assert "PROBLEM: The last refresh (github" in status.stdout and "removed 3 of 9 repositories (33%)" in status.stdout
    assert etl_cli("status", "--db", str(db), env={**env, "DSA_MAX_REMOVED_SHARE": "0.5"}).returncode == 0
    gh.delete_repo(names[4])  # 1 of 6, expected and confirmed
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db), "--confirm-removals", env=env)
    assert done.returncode == 0 and last_run(db)["removals_confirmed"] is True
    assert etl_cli("status", "--db", str(db), env=env).returncode == 0


# --- network trouble reads as one line -----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, done.stderr
    assert not [line for line in done.stderr.splitlines() if " WARNING " in line and "Retrying" in line]
    return errors[0]


def test_nothing_listening_at_the_api_url_ends_in_one_line_within_a_bounded_time(tmp_path):
    cfg = org_sources(tmp_path, backoff=1)  # the default backoff: the retries the README states
    url = f"http://127.0.0.1:{free_port()}/api/v3"
    started = time.monotonic()
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(tmp_path / "w.duckdb"),
                   env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": url, "DSA_SALT": SALT})
    took = time.monotonic() - started
    line = one_error_line(done)
    assert done.returncode == 2
    assert f"cannot reach GitHub at {url} (127.0.0.1:" in line and "connection refused" in line
    assert "after 3 attempts" in line
    assert took < 60
    print(f"nothing listening: exit {done.returncode} after {took:.1f} s: {line.split(' ERROR ', 1)[1]}")
    assert not (tmp_path / "w.duckdb").exists()


def test_a_host_that_does_not_resolve_or_speak_tls_ends_in_one_line(gh, tmp_path):
    cfg = org_sources(tmp_path)
    for url, cause in (("http://no-such-host.invalid/api/v3", "the host name does not resolve (DNS)"),
                       (gh.base_url.replace("http://", "https://"), "the TLS handshake failed")):
        done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(tmp_path / "w.duckdb"),
                       env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": url, "DSA_SALT": SALT})
        assert done.returncode == 2
        assert cause in one_error_line(done)


def test_a_proxy_that_does_not_rewrite_self_links_is_named_with_the_url_to_set(gh, tmp_path):
    organisation(gh, repos=2)
    cfg = org_sources(tmp_path)
    gh.link_origin = "http://github.internal:8080"  # GitHub behind a proxy names itself by its own address
    db = tmp_path / "w.duckdb"
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db),
                   env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.base_url, "DSA_SALT": SALT})
    assert done.returncode == 2
    line = one_error_line(done)
    assert f"GitHub at {gh.base_url} names itself http://github.internal:8080/api/v3" in line
    assert "set GITHUB_API_URL (or github.api_url) to http://github.internal:8080/api/v3" in line


def test_another_server_answering_at_the_api_url_is_named_as_not_github(tmp_path):
    """A proxy or another web server at GITHUB_API_URL answers 404 with an empty body: the line
    says the answer did not come from GitHub's API, not that the organisation is gone."""
    import http.server
    import threading

    class NotGitHub(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response_only(404)
            self.send_header("Server", "corporate-proxy")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotGitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/v3"
        cfg = org_sources(tmp_path)
        done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(tmp_path / "w.duckdb"),
                       env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": url, "DSA_SALT": SALT})
    finally:
        server.shutdown()
    assert done.returncode == 2
    line = one_error_line(done)
    assert f"GitHub organisation '{ORG}' was not found at {url}" in line
    assert "404 with an empty body from server 'corporate-proxy', did not come from GitHub's API" in line
    assert not (tmp_path / "w.duckdb").exists()


def test_every_stop_and_skip_is_documented_in_the_readme():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Loading real data from GitHub", 1)[1].split("\n### ", 1)[0]
    for phrase in ("--confirm-removals", "DSA_MAX_REMOVED_SHARE", "--time-limit", "GET /repositories/{id}",
                   "REST", "repos_kept", "3 attempts"):
        assert phrase in section, phrase
