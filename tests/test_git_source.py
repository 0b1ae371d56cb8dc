"""The git source on real repositories built in a temporary folder with the git command line:
several authors, a merge, tags, manifests, a renamed file, vendored and documentation files, a
bare clone, and folders that are not (or no longer) repositories."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import config, source_config
from etl.shared import identity
from tests.conftest import runs
from tests.test_github_refresh import SALT, TOKEN, gh  # noqa: F401 (gh is a fixture)

MIT = ("MIT License\n\nCopyright (c) 2024 NHS England\n\nPermission is hereby granted, free of charge, to any person "
       "obtaining a copy of this software...\n")
ALICE, BOB, CAROL, DAN = ("Alice Analyst", "alice@example.nhs.test"), ("Bob Builder", "bob@example.nhs.test"), \
    ("Carol Coder", "carol@example.nhs.test"), ("Dan Data", "dan@example.nhs.test")


def run_git(repo: Path, *args: str, who=ALICE, when: str = "2024-01-10T10:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_AUTHOR_DATE": when,
           "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1], "GIT_COMMITTER_DATE": when,
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)


def commit(repo: Path, message: str, files: dict[str, str], who=ALICE, when="2024-01-10T10:00:00+00:00") -> str:
    write(repo, files)
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", message, who=who, when=when)
    return run_git(repo, "rev-parse", "HEAD")


def make_analysis(root: Path) -> Path:
    """A clone with a work tree on an internal GitLab: 6 commits by 3 authors (one merge), 2 tags."""
    repo = root / "analysis"
    repo.mkdir(parents=True)
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "remote", "add", "origin", "https://gitlab.example.nhs.uk/dc-london/analysis.git")
    commit(repo, "Start", {"requirements.txt": "pandas>=2\nscikit-learn==1.4.0\n", "src/model.py": "import pandas\n" * 10,
                           "LICENSE": MIT, "README.md": "# Analysis\n", "docs/guide.md": "x" * 500,
                           "node_modules/lib/index.js": "y" * 900}, ALICE, "2024-01-10T10:00:00+00:00")
    second = commit(repo, "SQL and R", {"queries/beds.sql": "SELECT TOP 10 * FROM [dbo].[beds]\nGO\n",
                                        "R/plot.R": "library(ggplot2)\n" * 4}, BOB, "2024-01-11T10:00:00+00:00")
    run_git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "Feature", {"src/feature.py": "import numpy\n" * 3}, CAROL, "2024-01-12T10:00:00+00:00")
    run_git(repo, "checkout", "-q", "main")
    commit(repo, "Notes", {"NOTES.txt": "n\n"}, ALICE, "2024-01-13T10:00:00+00:00")
    run_git(repo, "merge", "-q", "--no-ff", "feature", "-m",
            f"Merge feature\n\nCo-authored-by: {DAN[0]} <{DAN[1]}>", who=ALICE, when="2024-01-14T10:00:00+00:00")
    run_git(repo, "mv", "src/model.py", "src/models.py")
    run_git(repo, "commit", "-q", "-m", "Rename", who=BOB, when="2024-01-15T10:00:00+00:00")
    run_git(repo, "tag", "v0.9", second)
    run_git(repo, "tag", "-a", "v1.0", "-m", "First release", who=ALICE, when="2024-01-16T09:00:00+00:00")
    return repo


def make_bare(root: Path) -> Path:
    """A bare clone of a GitHub repository: named as the GitHub source names it."""
    work = root / "work-shared"
    work.mkdir()
    run_git(work, "init", "-q", "-b", "trunk")
    commit(work, "Package", {"pyproject.toml": '[project]\nname = "Shared_Tool"\ndependencies = ["polars"]\n',
                             "shared_tool/__init__.py": "x = 1\n"}, DAN, "2024-02-01T10:00:00+00:00")
    bare = root / "clones" / "shared-tool.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    run_git(bare, "remote", "set-url", "origin", "git@github.com:nhsx/shared-tool.git")
    return bare


@pytest.fixture
def clones(tmp_path) -> Path:
    root = tmp_path / "clones"
    root.mkdir()
    make_analysis(root)
    make_bare(tmp_path)
    (root / "not-a-repo").mkdir()
    (root / "not-a-repo" / "notes.txt").write_text("hello")
    empty = root / "empty"
    empty.mkdir()
    run_git(empty, "init", "-q", "-b", "main")
    broken = root / "broken"
    broken.mkdir()
    run_git(broken, "init", "-q", "-b", "main")
    commit(broken, "Will break", {"a.py": "x = 1\n"})
    for obj in (broken / ".git" / "objects").glob("??/*"):
        obj.unlink()  # every object gone: git cannot read this repository any more
    return root


def etl(*args, **env):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "DSA_SALT": SALT, **env})


def q(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_clones_load_into_the_same_tables_as_github(clones, tmp_path):
    db = tmp_path / "w.duckdb"
    done = etl("refresh", "--git", str(clones), "--db", str(db), GITHUB_TOKEN="", GITHUB_API_URL="http://127.0.0.1:9")
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT full_name, org, name, default_branch, license, source, html_url FROM repositories ORDER BY 1") == [
        ("gitlab.example.nhs.uk/dc-london/analysis", "gitlab.example.nhs.uk/dc-london", "analysis", "main", "MIT", "git",
         "https://gitlab.example.nhs.uk/dc-london/analysis"),
        ("nhsx/shared-tool", "nhsx", "shared-tool", "trunk", None, "git", "https://github.com/nhsx/shared-tool")]
    analysis = "gitlab.example.nhs.uk/dc-london/analysis"
    assert q(db, "SELECT count(*), count(*) FILTER (WHERE is_merge), min(authored_at), max(authored_at) FROM commits "
                 "WHERE full_name = ?", analysis) == [(6, 1, dt.datetime(2024, 1, 10, 10), dt.datetime(2024, 1, 15, 10))]
    keys = {name: identity.key_for_email(email, SALT) for name, email in (ALICE, BOB, CAROL, DAN)}
    assert q(db, "SELECT person_key, count(*) FROM commits WHERE full_name = ? GROUP BY 1 ORDER BY 2 DESC, 1", analysis) == \
        sorted([(keys["Alice Analyst"], 3), (keys["Bob Builder"], 2), (keys["Carol Coder"], 1)], key=lambda r: (-r[1], r[0]))
    assert q(db, "SELECT person_key FROM commit_coauthors") == [(keys["Dan Data"],)]
    assert q(db, "SELECT created_at, pushed_at FROM repositories WHERE full_name = ?", analysis) == [
        (dt.datetime(2024, 1, 10, 10), dt.datetime(2024, 1, 15, 10))]
    assert q(db, "SELECT tag, published_at FROM releases WHERE full_name = ? ORDER BY 1", analysis) == [
        ("v0.9", dt.datetime(2024, 1, 11, 10)), ("v1.0", dt.datetime(2024, 1, 16, 9))]
    # Languages from extensions; the renamed file counts once under its new name; node_modules and docs are left out.
    assert q(db, "SELECT language, bytes FROM repo_languages WHERE full_name = ? ORDER BY 1", analysis) == [
        ("Python", len("import pandas\n" * 10) + len("import numpy\n" * 3)), ("R", len("library(ggplot2)\n" * 4)),
        ("TSQL", len("SELECT TOP 10 * FROM [dbo].[beds]\nGO\n"))]
    assert q(db, "SELECT primary_language FROM repositories WHERE full_name = ?", analysis) == [("Python",)]
    assert q(db, "SELECT full_name, package, version_spec, inferred FROM dependencies ORDER BY 1, 2") == [
        (analysis, "pandas", ">=2", False), (analysis, "scikit-learn", "==1.4.0", False),
        ("nhsx/shared-tool", "polars", None, False)]
    assert q(db, "SELECT full_name, ecosystem, package FROM repo_packages") == [("nhsx/shared-tool", "pypi", "shared-tool")]
    # Folders that are not repositories, an empty one and a corrupt one are reported; the rest loaded.
    problems = q(db, "SELECT kind, subject FROM data_problems WHERE source = 'git' AND kind <> 'unmapped_repository' "
                     "ORDER BY 1")
    assert [k for k, _ in problems] == ["empty_repository", "not_a_repository", "unreadable_repository"]
    assert problems[1][1].endswith("not-a-repo") and problems[2][1].endswith("broken")
    assert "not-a-repo: not a git repository, and no clone inside it; skipped" in done.stderr
    assert runs(db)[-1][:2] == ("git", "succeeded")


def test_no_e_mail_address_reaches_the_warehouse(clones, tmp_path):
    db = tmp_path / "w.duckdb"
    assert etl("refresh", "--git", str(clones), "--db", str(db)).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                     "WHERE data_type = 'VARCHAR' AND schema_name = 'main'").fetchall():
        found = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" LIKE \'%example.nhs.test%\'').fetchone()[0]
        assert found == 0, (table, column)
    con.close()


def test_a_second_refresh_reads_only_new_commits(clones, tmp_path):
    db = tmp_path / "w.duckdb"
    assert etl("refresh", "--git", str(clones), "--db", str(db)).returncode == 0
    repo = clones / "analysis"
    commit(repo, "More", {"src/extra.py": "import scipy\n"}, CAROL, "2024-03-01T10:00:00+00:00")
    done = etl("refresh", "--git", str(clones), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT commits_added, repos_changed FROM etl_runs ORDER BY started_at DESC LIMIT 1") == [(1, 1)]
    assert q(db, "SELECT count(*) FROM commits WHERE full_name LIKE 'gitlab%'") == [(7,)]
    assert q(db, "SELECT count(*) FROM dependencies WHERE package = 'pandas'") == [(1,)]
    # History rewritten (amend): that repository is read again in full.
    run_git(repo, "commit", "-q", "--amend", "-m", "More, amended", who=CAROL, when="2024-03-02T10:00:00+00:00")
    assert etl("refresh", "--git", str(clones), "--db", str(db)).returncode == 0
    assert q(db, "SELECT count(*), max(authored_at) FROM commits WHERE full_name LIKE 'gitlab%'") == [
        (7, dt.datetime(2024, 3, 1, 10))]  # amend keeps the author date; the old commit is gone
    nothing = etl("refresh", "--git", str(clones), "--db", str(db))
    assert q(db, "SELECT commits_added, repos_changed FROM etl_runs ORDER BY started_at DESC LIMIT 1") == [(0, 0)]
    assert nothing.returncode == 0


def test_git_sources_in_the_configuration_map_teams(clones, tmp_path):
    cfg = tmp_path / "sources.yml"
    cfg.write_text(f"teams_file: {config.DATA_DIR / 'teams.yml'}\nrecords_dir: {config.DATA_DIR / 'projects'}\n"
                   f"git:\n  - path: {clones}\n    team: dc-london\n"
                   "team_rules:\n  - team: ai-skunkworks\n    repositories: ['nhsx/*']\n")
    loaded = source_config.load(cfg)
    assert loaded.git == (source_config.GitSource(clones, "dc-london"),) and not loaded.has_github
    db = tmp_path / "w.duckdb"
    assert etl("refresh", "--config", str(cfg), "--db", str(db)).returncode == 0
    assert q(db, "SELECT full_name, team_id FROM repositories ORDER BY 1") == [
        ("gitlab.example.nhs.uk/dc-london/analysis", "dc-london"), ("nhsx/shared-tool", "dc-london")]
    bad = tmp_path / "bad.yml"
    bad.write_text("git:\n  - folder: /tmp\n")
    with pytest.raises(source_config.ConfigError, match="git"):
        source_config.load(bad)


def test_the_same_person_on_github_and_in_a_clone_is_one_person(gh, clones, tmp_path):
    gh.add_org("nhsx")
    gh.add_repo("nhsx/dashboard", languages={"Python": 100})
    gh.commit("nhsx/dashboard", message="Start", date=dt.datetime(2024, 1, 20), author_login="alice-nhs",
              author_email=ALICE[1], author_name=ALICE[0], files={"app.py": "x"})
    db = tmp_path / "w.duckdb"
    done = etl("refresh", "--org", "nhsx", "--git", str(clones / "analysis"), "--db", str(db),
               GITHUB_API_URL=gh.base_url, GITHUB_TOKEN=TOKEN)
    assert done.returncode == 0, done.stderr
    login_key, email_key = identity.key_for_login("alice-nhs", SALT), identity.key_for_email(ALICE[1], SALT)
    assert q(db, "SELECT DISTINCT person_key FROM commits WHERE full_name = 'nhsx/dashboard'") == [(login_key,)]
    assert (email_key,) in q(db, "SELECT DISTINCT person_key FROM commits WHERE full_name LIKE 'gitlab%'")
    assert q(db, "SELECT canonical_key FROM person_identity WHERE person_key = ?", email_key) == [(login_key,)]
    alice = q(db, "SELECT DISTINCT full_name FROM contributions WHERE person_key = ? ORDER BY 1", login_key)
    assert alice == [("gitlab.example.nhs.uk/dc-london/analysis",), ("nhsx/dashboard",)]
    assert runs(db)[-1][:2] == ("github+git", "succeeded")
