"""The GitHub source end to end: PyGithub against a local server speaking GitHub's API.

Nothing of PyGithub, DuckDB or the file system is mocked. The server (tests/github_server.py)
keeps a real git-like history per repository, paginates, rate-limits and fails on request.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import config, source_config
from etl.github import refresh
from etl.shared import identity
from tests.conftest import data_tables, runs
from tests.github_server import FakeGitHub

TOKEN = "ghp_TestTokenThatMustNeverLeak0123456789"
SALT = "test-salt"
T0 = dt.datetime(2024, 1, 8, 9, 0)

# Columns that say when something was fetched: they differ between two equally correct runs.
VOLATILE = {"github_repo_state": ["fetched_at"], "data_problems": ["detected_at"]}


def comparable(path: Path) -> dict:
    tables = data_tables(path)
    con = duckdb.connect(str(path), read_only=True)
    for table, columns in VOLATILE.items():
        names = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]).fetchall()]
        keep = [i for i, n in enumerate(names) if n not in columns]
        tables[table] = sorted((tuple(row[i] for i in keep) for row in tables[table]), key=repr)
    con.close()
    tables.pop("warehouse_meta")
    return tables


def day(n: int, hour: int = 10) -> dt.datetime:
    return T0 + dt.timedelta(days=n, hours=hour - 9)


def populate(gh: FakeGitHub, *, org_size: int = 120) -> None:
    """Two organisations: a large one (more than one listing page) and a small one with the interesting cases."""
    gh.add_org("nhsx")
    gh.add_org("nhsengland")
    gh.add_user("dependabot[bot]", type="Bot")
    for i in range(org_size):
        name = f"nhsx/skunkworks-{i:03d}" if i % 3 == 0 else f"nhsx/analysis-{i:03d}"
        gh.add_repo(name, description=f"Repository {i}", languages={"Python": 5000 + i, "Shell": 100},
                    topics=["ai-imaging"] if i % 10 == 1 else [], stars=i % 7)
        gh.commit(name, message="Initial commit", date=day(i % 30), author_login=f"analyst-{i % 9}",
                  files={"README.md": "# x", "requirements.txt": "pandas>=2\nscikit-learn==1.4.0\n"})
        if i % 4 == 0:
            gh.commit(name, message="Add model\n\nCo-authored-by: Pair Programmer <pair@example.nhs.test>",
                      date=day(i % 30 + 1), author_email="no-account@example.nhs.test", author_name="Analyst Without Account",
                      files={"model.py": "import sklearn"})
    gh.add_repo("nhsx/old-fork", fork=True)
    gh.commit("nhsx/old-fork", message="fork", date=day(1), author_login="analyst-1")
    # The interesting cases
    gh.add_repo("nhsengland/dc-london-demand", languages={"R": 9000, "TSQL": 3000}, topics=["forecasting"],
                license_spdx="OGL-UK-3.0")
    gh.commit("nhsengland/dc-london-demand", message="Start", date=day(0), author_login="analyst-1",
              files={"DESCRIPTION": "Package: demand\nImports: dplyr (>= 1.0), ggplot2\n",
                     "app/package.json": '{"dependencies": {"react": "^18.0.0"}}'})
    gh.commit("nhsengland/dc-london-demand", message="Bump", date=day(2), author_login="dependabot[bot]",
              files={"renv.lock": '{"Packages": {"dplyr": {"Package": "dplyr", "Version": "1.1.4"}}}'})
    gh.add_release("nhsengland/dc-london-demand", "v1.0.0", published_at=day(3))
    gh.add_tag("nhsengland/dc-london-demand", "v0.9")
    gh.add_repo("nhsengland/empty-repo", languages={})
    gh.add_repo("nhsengland/unmapped-tool", languages={"Python": 10})
    gh.commit("nhsengland/unmapped-tool", message="x", date=day(5), author_login="analyst-2",
              files={"pyproject.toml": "[project\nname = broken"})


def sources(tmp_path: Path, records: Path | None = None) -> source_config.SourcesConfig:
    text = f"""
teams_file: {config.DATA_DIR / 'teams.yml'}
records_dir: {records or config.DATA_DIR / 'projects'}
github:
  seconds_between_requests: 0
  retry_backoff: 0
  max_rate_limit_wait: 0
  organisations:
    - name: nhsx
      team: analytics-unit
    - name: nhsengland
team_rules:
  - team: ai-skunkworks
    repositories: ["nhsx/skunkworks-*"]
  - team: ai-imaging
    topics: [ai-imaging]
  - team: dc-london
    repositories: ["nhsengland/dc-london-*"]
"""
    path = tmp_path / "sources.yml"
    path.write_text(text)
    return source_config.load(path)


@pytest.fixture
def gh(monkeypatch):
    server = FakeGitHub(token=TOKEN)
    server.retry_after_seconds = 0
    with server:
        monkeypatch.setenv("GITHUB_API_URL", server.base_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("DSA_SALT", SALT)
        yield server


def test_first_load_holds_every_repository_with_its_details(gh, tmp_path):
    populate(gh)
    db = tmp_path / "w.duckdb"
    outcome = refresh.refresh(db, sources(tmp_path))
    assert (outcome.listed, outcome.fetched, outcome.removed) == (123, 123, [])  # the fork is excluded
    con = duckdb.connect(str(db), read_only=True)
    q = lambda sql, *p: con.execute(sql, list(p)).fetchall()
    assert q("SELECT count(*) FROM repositories") == [(123,)]
    assert q("SELECT team_id, count(*) FROM repositories GROUP BY ALL ORDER BY 1 NULLS LAST") == [
        ("ai-imaging", 8), ("ai-skunkworks", 40), ("analytics-unit", 72), ("dc-london", 1), (None, 2)]
    assert q("SELECT license, topics, primary_language FROM repositories WHERE full_name = 'nhsengland/dc-london-demand'") == [
        ("OGL-UK-3.0", ["forecasting"], "R")]
    assert q("SELECT language, bytes FROM repo_languages WHERE full_name = 'nhsengland/dc-london-demand' ORDER BY 1") == [
        ("R", 9000), ("TSQL", 3000)]
    # commits: 120 initial + 30 "Add model" + 2 + 1
    assert q("SELECT count(*) FROM commits") == [(153,)]
    salt_key = identity.key_for_login("analyst-1", SALT)
    assert q("SELECT count(*) FROM commits WHERE person_key = ?", salt_key)[0][0] > 0
    email_key = identity.key_for_email("no-account@example.nhs.test", SALT)
    assert q("SELECT github_login, is_bot FROM people WHERE person_key = ?", email_key) == [(None, False)]
    assert q("SELECT count(*) FROM commit_coauthors WHERE person_key = ?", identity.key_for_email("pair@example.nhs.test", SALT)) == [(30,)]
    assert q("SELECT is_bot FROM people WHERE github_login = 'dependabot[bot]'") == [(True,)]
    assert q("SELECT tag, published_at IS NOT NULL FROM releases ORDER BY tag") == [("v0.9", True), ("v1.0.0", True)]
    assert q("SELECT manifest_path, ecosystem, package, version_spec FROM dependencies "
             "WHERE full_name = 'nhsengland/dc-london-demand' ORDER BY 1, 3") == [
        ("DESCRIPTION", "cran", "dplyr", ">= 1.0"), ("DESCRIPTION", "cran", "ggplot2", None),
        ("app/package.json", "npm", "react", "^18.0.0"), ("renv.lock", "cran", "dplyr", "==1.1.4")]
    assert q("SELECT count(*) FROM dependencies WHERE package = 'scikit-learn' AND version_spec = '==1.4.0'") == [(120,)]
    assert q("SELECT subject, kind FROM data_problems ORDER BY 1, 2") == [
        ("nhsengland/empty-repo", "unmapped_repository"),
        ("nhsengland/unmapped-tool", "manifest_unparsed"), ("nhsengland/unmapped-tool", "unmapped_repository")]
    assert q("SELECT head_sha IS NULL, complete FROM github_repo_state WHERE full_name = 'nhsengland/empty-repo'") == [(True, True)]
    run = q("SELECT status, repos_seen, repos_changed, commits_added, api_requests FROM etl_runs")[0]
    assert run[:4] == ("succeeded", 123, 123, 153)
    assert run[4] == gh.request_count(counted_only=False)
    con.close()


def test_first_load_stays_within_six_requests_per_repository_plus_one_per_100_commits(gh, tmp_path):
    populate(gh)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    budget = 6 * 123 + math.ceil(153 / 100)
    assert gh.request_count(counted_only=False) <= budget


def test_refresh_with_nothing_changed_costs_only_the_listing(gh, tmp_path):
    populate(gh)
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    before = comparable(db)
    gh.reset_log()
    outcome = refresh.refresh(db, sources(tmp_path))
    assert outcome.fetched == 0
    made = gh.request_count(counted_only=False)
    assert made == 2 + 1  # nhsx: 2 pages of 100, nhsengland: 1 page
    assert made <= math.ceil(123 / 100) + 3
    assert comparable(db) == before
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT api_requests, repos_changed FROM etl_runs ORDER BY started_at DESC LIMIT 1").fetchone() == (made, 0)
    con.close()


def change_world(gh: FakeGitHub) -> None:
    """New commits, a long-lived branch merged in, a new repository, one deleted, metadata edits."""
    name = "nhsengland/dc-london-demand"
    gh.create_branch(name, "feature")
    gh.commit(name, message="Old work on a branch", date=day(4), author_login="analyst-3", branch="feature",
              files={"R/model.R": "library(forecast)"})
    gh.commit(name, message="Mainline", date=day(40), author_login="analyst-1",
              files={"DESCRIPTION": "Package: demand\nImports: dplyr (>= 1.1), forecast\n"})
    gh.merge(name, "feature", date=day(41), author_login="analyst-1")
    gh.commit("nhsx/analysis-001", message="More\n\nCo-authored-by: analyst-4 <4+analyst-4@users.noreply.github.com>",
              date=day(42), author_login="analyst-2")
    gh.add_repo("nhsx/skunkworks-new", languages={"Python": 1})
    gh.commit("nhsx/skunkworks-new", message="new", date=day(43), author_login="analyst-5")
    gh.delete_repo("nhsx/analysis-002")
    gh.update_repo("nhsx/analysis-004", stars=99, topics=["nlp"])
    gh.commit("nhsengland/empty-repo", message="First", date=day(44), author_login="analyst-6", files={"a.py": "x"})


def test_incremental_refreshes_end_equal_to_a_full_load(gh, tmp_path):
    populate(gh)
    db, full = tmp_path / "w.duckdb", tmp_path / "full.duckdb"
    refresh.refresh(db, sources(tmp_path))
    change_world(gh)
    gh.reset_log()
    outcome = refresh.refresh(db, sources(tmp_path))
    assert outcome.removed == ["nhsx/analysis-002"]
    assert outcome.fetched == 4  # dc-london-demand, analysis-001, skunkworks-new, empty-repo
    assert gh.request_count(counted_only=False) <= 3 + 6 * 4 + 1
    refresh.refresh(full, sources(tmp_path), full=True)
    assert comparable(db) == comparable(full)
    con = duckdb.connect(str(db), read_only=True)
    merged = con.execute("SELECT count(*) FROM commits WHERE full_name = 'nhsengland/dc-london-demand'").fetchone()[0]
    assert merged == 2 + 3  # two before; the branch commit, the mainline commit and the merge
    assert con.execute("SELECT stars, topics FROM repositories WHERE full_name = 'nhsx/analysis-004'").fetchone() == (99, ["nlp"])
    assert con.execute("SELECT package FROM dependencies WHERE full_name = 'nhsengland/dc-london-demand' "
                       "AND manifest_path = 'DESCRIPTION' ORDER BY 1").fetchall() == [("dplyr",), ("forecast",)]
    con.close()


def test_rewritten_history_reloads_that_repository(gh, tmp_path):
    populate(gh, org_size=3)
    db, full = tmp_path / "w.duckdb", tmp_path / "full.duckdb"
    name = "nhsengland/dc-london-demand"
    first = gh.commit(name, message="keep", date=day(10), author_login="analyst-1")
    gh.commit(name, message="to be dropped", date=day(11), author_login="analyst-1")
    refresh.refresh(db, sources(tmp_path))
    gh.force_push(name, "main", first, date=day(12))
    gh.commit(name, message="after rewrite", date=day(13), author_login="analyst-2")
    refresh.refresh(db, sources(tmp_path))
    refresh.refresh(full, sources(tmp_path), full=True)
    assert comparable(db) == comparable(full)


def test_faults_and_secondary_limits_do_not_change_the_result(gh, tmp_path):
    populate(gh, org_size=40)
    clean, faulty = tmp_path / "clean.duckdb", tmp_path / "faulty.duckdb"
    refresh.refresh(clean, sources(tmp_path))
    gh.reset_log()
    gh.set_faults(0.10, kinds=("502", "secondary"), seed=7)
    refresh.refresh(faulty, sources(tmp_path))
    failures = [r for r in gh.requests if r["status"] in (502, 403)]
    assert len(failures) >= 10
    assert comparable(faulty) == comparable(clean)
    assert runs(faulty)[-1][:2] == ("github", "succeeded")


def test_primary_rate_limit_stops_cleanly_and_the_next_run_completes(gh, tmp_path):
    populate(gh, org_size=30)
    db, full = tmp_path / "w.duckdb", tmp_path / "full.duckdb"
    gh.set_rate_limit(remaining=40, reset_in=3600)
    outcome = refresh.refresh(db, sources(tmp_path))
    assert outcome.stopped_at_rate_limit and 0 < outcome.fetched < 33
    assert runs(db)[-1][:2] == ("github", "partial")
    con = duckdb.connect(str(db), read_only=True)
    # only whole repositories are kept: each has its languages and its state
    assert con.execute("SELECT count(*) FROM repositories").fetchone()[0] == outcome.fetched
    assert con.execute("SELECT count(*) FROM github_repo_state WHERE complete").fetchone()[0] == outcome.fetched
    con.close()
    gh.set_rate_limit(remaining=5000)
    refresh.refresh(db, sources(tmp_path))
    refresh.refresh(full, sources(tmp_path), full=True)
    assert comparable(db) == comparable(full)


def test_repository_removed_between_listing_and_fetching_is_dropped(gh, tmp_path):
    populate(gh, org_size=3)
    db = tmp_path / "w.duckdb"
    original = gh.commit  # the server deletes the repository right after it has been listed

    def delete_after_listing(request):
        if request["path"].endswith("/orgs/nhsengland/repos"):
            gh.delete_repo("nhsengland/unmapped-tool")

    gh.on_request = delete_after_listing
    outcome = refresh.refresh(db, sources(tmp_path))
    assert "nhsengland/unmapped-tool" in outcome.removed
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM repositories WHERE full_name = 'nhsengland/unmapped-tool'").fetchone() == (0,)
    con.close()
    assert original


def etl_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_bad_token_exits_with_one_clear_line_and_keeps_the_data(gh, tmp_path):
    populate(gh, org_size=3)
    db = tmp_path / "w.duckdb"
    cfg = sources(tmp_path)
    refresh.refresh(db, cfg)
    before = comparable(db)
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db),
                   env={"GITHUB_TOKEN": "bad", "GITHUB_API_URL": gh.base_url, "DSA_SALT": SALT})
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "Bad credentials" in errors[0] and "GITHUB_TOKEN" in errors[0]
    assert "Traceback" not in done.stderr
    assert comparable(db) == before
    assert runs(db)[-1][:2] == ("github", "failed")


def test_token_never_reaches_logs_or_the_warehouse(gh, tmp_path):
    populate(gh, org_size=3)
    db = tmp_path / "w.duckdb"
    cfg = sources(tmp_path)
    gh.fail_next(2, "502")
    done = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db),
                   env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.base_url, "DSA_SALT": SALT})
    assert done.returncode == 0, done.stderr
    gh.set_rate_limit(remaining=0, reset_in=3600)
    failed = etl_cli("refresh", "--config", str(cfg.path), "--db", str(db),
                     env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.base_url, "DSA_SALT": SALT})
    assert failed.returncode == 2
    for text in (done.stdout, done.stderr, failed.stdout, failed.stderr):
        assert TOKEN not in text
    blob = db.read_bytes()
    assert TOKEN.encode() not in blob
    assert b"no-account@example.nhs.test" not in blob and b"pair@example.nhs.test" not in blob


def test_killed_refresh_leaves_the_previous_warehouse_and_the_next_run_succeeds(gh, tmp_path):
    populate(gh, org_size=40)
    db = tmp_path / "w.duckdb"
    cfg = sources(tmp_path)
    refresh.refresh(db, cfg)
    before = comparable(db)
    change_world(gh)
    slow = tmp_path / "slow.yml"
    slow.write_text(cfg.path.read_text().replace("seconds_between_requests: 0", "seconds_between_requests: 0.2"))
    gh.reset_log()
    proc = subprocess.Popen([sys.executable, "-m", "etl", "refresh", "--config", str(slow), "--db", str(db), "--full"],
                            cwd=config.ROOT, env={**os.environ, "GITHUB_API_URL": gh.base_url, "GITHUB_TOKEN": TOKEN,
                                                  "DSA_SALT": SALT},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while gh.request_count(counted_only=False) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert comparable(db) == before  # the live file was never written
    outcome = refresh.refresh(db, sources(tmp_path))
    assert outcome.removed == ["nhsx/analysis-002"]
    assert runs(db)[-1][:2] == ("github", "succeeded")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_config_errors_name_the_file_and_setting(tmp_path):
    bad = tmp_path / "sources.yml"
    bad.write_text("github:\n  organisations:\n    - name: nhsx\n      forks: sometimes\n")
    with pytest.raises(source_config.ConfigError, match=r"sources.yml: github.organisations\[0\].forks: expected one of include, exclude"):
        source_config.load(bad)
    bad.write_text("github:\n  organisation: [nhsx]\n")
    with pytest.raises(source_config.ConfigError, match=r"github: unknown setting\(s\) organisation"):
        source_config.load(bad)
    bad.write_text("team_rules:\n  - team: no-such-team\n    organisation: nhsx\ngithub:\n  organisations: [nhsx]\n")
    with pytest.raises(source_config.ConfigError, match="no-such-team are not in"):
        refresh.refresh(tmp_path / "w.duckdb", source_config.load(bad))


def test_example_configuration_is_valid_and_maps_teams():
    cfg = source_config.load(config.ROOT / "sources.example.yml")
    assert cfg.team_for("nhsx/skunkworks-ct-alignment", []) == "ai-skunkworks"
    assert cfg.team_for("nhsx/other", ["medical-imaging"]) == "ai-imaging"
    assert cfg.team_for("nhsx/other", []) == "analytics-unit"
    assert cfg.team_for("nhsengland/anything", []) == "data-science-hub"
    assert cfg.team_for("someone/else", []) is None


def test_manifest_over_one_megabyte_is_skipped_and_reported(gh, tmp_path):
    populate(gh, org_size=1)
    big = "numpy\n" + "# padding\n" * 110_000
    gh.commit("nhsengland/unmapped-tool", message="big", date=day(6), author_login="analyst-2",
              files={"requirements.txt": big, "pyproject.toml": None})
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT kind, detail FROM data_problems WHERE subject = 'nhsengland/unmapped-tool' "
                       "AND kind LIKE 'manifest%'").fetchall() == [("manifest_too_large", "requirements.txt")]
    assert con.execute("SELECT count(*) FROM dependencies WHERE full_name = 'nhsengland/unmapped-tool'").fetchone() == (0,)
    con.close()


def test_unknown_organisation_alone_stops_with_one_clear_line_and_loads_nothing(gh, tmp_path):
    populate(gh, org_size=1)
    db = tmp_path / "w.duckdb"
    cfg = source_config.with_command_line(source_config.load(None), ["no-such-org"], [])
    with pytest.raises(refresh.RefreshError, match="GitHub organisation 'no-such-org' was not found"):
        refresh.refresh(db, cfg)
    assert not db.exists()


def test_unknown_organisation_among_others_is_skipped_and_the_others_load(gh, tmp_path):
    populate(gh, org_size=1)
    db = tmp_path / "w.duckdb"
    cfg = source_config.with_command_line(sources(tmp_path), ["no-such-org"], [])
    outcome = refresh.refresh(db, cfg)
    assert outcome.fetched == 4 and list(outcome.skipped) == ["no-such-org (organisation)"]
    assert runs(db)[-1][:2] == ("github", "partial")
    assert "GitHub organisation 'no-such-org' was not found" in runs(db)[-1][2]


def test_broken_records_do_not_stop_a_refresh_and_the_previous_records_stay(gh, tmp_path):
    populate(gh, org_size=1)
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "demand.yml").write_text(
        "id: demand\ntitle: Demand model\nsummary: Forecasts demand.\nlead_team: dc-london\n"
        "stages:\n  - {stage: idea, date: 2023-01-01}\nrepositories:\n  - https://github.com/nhsengland/dc-london-demand\n")
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path, folder))
    (folder / "demand.yml").write_text((folder / "demand.yml").read_text().replace("Demand model", "Renamed"))
    (folder / "broken.yml").write_text("id: broken\ntitle: x\nsummary: x\nlead_team: nobody\nstages: []\n")
    refresh.refresh(db, sources(tmp_path, folder))
    status, message = runs(db)[-1][1:]
    assert status == "partial"
    assert "problem(s) in the project records or needs, the previous records and needs are kept" in message
    assert "broken.yml" in message
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT project_id, title FROM projects").fetchall() == [("demand", "Demand model")]
    assert con.execute("SELECT count(*) FROM repositories").fetchone()[0] == 4
    con.close()


def notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}},
                       "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells]})


def test_repository_without_a_manifest_gets_dependencies_inferred_from_its_imports(gh, tmp_path):
    populate(gh, org_size=1)
    # A notebook big enough that GitHub's GraphQL truncates its text: read through REST instead.
    outputs = [{"output_type": "stream", "name": "stdout", "text": ["x" * 1000 + "\n"] * 600}]
    big = json.loads(notebook("import seaborn as sns\nfrom statsmodels.tsa import arima"))
    big["cells"][0]["outputs"] = outputs
    gh.add_repo("nhsengland/prototype", languages={"Jupyter Notebook": 9000, "Python": 3000})
    gh.commit("nhsengland/prototype", message="Prototype", date=day(3), author_login="analyst-4", files={
        "src/model.py": "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\n"
                        "import cv2\nfrom PIL import Image\nfrom helpers import clean\nimport os, json\n",
        "src/helpers.py": "import pandas as pd\n",
        "notebooks/explore.ipynb": notebook("%matplotlib inline\nimport matplotlib.pyplot as plt", "!pip install x"),
        "notebooks/large.ipynb": json.dumps(big),
        "notebooks/broken.ipynb": '{"cells": [',
    })
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT package, manifest_path, version_spec, inferred FROM dependencies "
                       "WHERE full_name = 'nhsengland/prototype' ORDER BY package").fetchall()
    assert rows == [
        ("matplotlib", "notebooks/explore.ipynb", None, True),
        ("numpy", "src/model.py", None, True),
        ("opencv-python", "src/model.py", None, True),
        ("pandas", "src/helpers.py", None, True),
        ("pillow", "src/model.py", None, True),
        ("scikit-learn", "src/model.py", None, True),
        ("seaborn", "notebooks/large.ipynb", None, True),
        ("statsmodels", "notebooks/large.ipynb", None, True),
    ]
    problems = con.execute("SELECT kind, detail FROM data_problems WHERE subject = 'nhsengland/prototype' "
                           "AND kind <> 'unmapped_repository'").fetchall()
    assert problems == [("source_unparsed", "notebooks/broken.ipynb")]
    blob_reads = [r for r in gh.requests if "/repos/nhsengland/prototype/git/blobs/" in r["path"]]
    assert len(blob_reads) == 1  # only the truncated notebook
    # Repositories with a manifest are not read for imports: model.py's sklearn is not inferred there.
    assert con.execute("SELECT count(*) FROM dependencies WHERE inferred AND full_name <> 'nhsengland/prototype'"
                       ).fetchone() == (0,)
    con.close()


def test_utf16_requirements_file_is_read_through_the_blob_api(gh, tmp_path):
    populate(gh, org_size=1)
    text = "# exported on Windows\r\npandas==2.2.1\r\nnumpy>=1.26\r\n"
    gh.commit("nhsengland/unmapped-tool", message="Windows export", date=day(6), author_login="analyst-2",
              files={"requirements.txt": "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
                     "pyproject.toml": None})
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT package, version_spec, inferred FROM dependencies "
                       "WHERE full_name = 'nhsengland/unmapped-tool' ORDER BY 1").fetchall() == [
        ("numpy", ">=1.26", False), ("pandas", "==2.2.1", False)]
    assert con.execute("SELECT count(*) FROM data_problems WHERE subject = 'nhsengland/unmapped-tool' "
                       "AND kind <> 'unmapped_repository'").fetchone() == (0,)
    assert any("/repos/nhsengland/unmapped-tool/git/blobs/" in r["path"] for r in gh.requests)
    con.close()


def test_python_files_beyond_the_cap_are_reported_not_read(gh, tmp_path, monkeypatch):
    from etl.shared import imports

    populate(gh, org_size=1)
    monkeypatch.setattr(imports, "MAX_FILES", 3)
    gh.add_repo("nhsengland/many-scripts", languages={"Python": 500})
    gh.commit("nhsengland/many-scripts", message="scripts", date=day(3), author_login="analyst-4",
              files={f"s{i}.py": f"import {name}\n" for i, name in enumerate(["numpy", "pandas", "scipy", "torch"])})
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT package FROM dependencies WHERE full_name = 'nhsengland/many-scripts' ORDER BY 1"
                       ).fetchall() == [("numpy",), ("pandas",), ("scipy",)]
    assert con.execute("SELECT kind, detail FROM data_problems WHERE subject = 'nhsengland/many-scripts' "
                       "AND kind <> 'unmapped_repository'").fetchall() == [("sources_capped", "s3.py")]
    con.close()


def test_packages_a_repository_publishes_are_recorded(gh, tmp_path):
    populate(gh, org_size=1)
    gh.add_repo("nhsengland/ds-toolkit", languages={"Python": 900})
    gh.commit("nhsengland/ds-toolkit", message="Package", date=day(3), author_login="analyst-4", files={
        "pyproject.toml": '[project]\nname = "DS_Toolkit"\ndependencies = ["pandas"]\n',
        "docs/pyproject.toml": '[project]\nname = "ds-toolkit-docs"\n',
        "r/DESCRIPTION": "Package: dstoolkitr\nImports: dplyr\n"})
    db = tmp_path / "w.duckdb"
    refresh.refresh(db, sources(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT ecosystem, package, manifest_path FROM repo_packages "
                       "WHERE full_name = 'nhsengland/ds-toolkit' ORDER BY 1, 2").fetchall() == [
        ("cran", "dstoolkitr", "r/DESCRIPTION"), ("pypi", "ds-toolkit", "pyproject.toml"),
        ("pypi", "ds-toolkit-docs", "docs/pyproject.toml")]
    con.close()
    gh.commit("nhsengland/ds-toolkit", message="No R any more", date=day(9), author_login="analyst-4",
              files={"r/DESCRIPTION": None})
    refresh.refresh(db, sources(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT package FROM repo_packages WHERE full_name = 'nhsengland/ds-toolkit' ORDER BY 1"
                       ).fetchall() == [("ds-toolkit",), ("ds-toolkit-docs",)]
    con.close()
