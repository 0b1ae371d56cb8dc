"""The ETL command line, run as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from etl import config

CONTRACT = {"teams", "team_history", "people", "memberships", "projects", "project_stages", "project_repos",
            "repositories", "repo_languages", "dependencies", "commits", "releases", "etl_runs"}


def etl(*args, env=None):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_demo_writes_the_contract_tables_to_the_given_path_and_status_reads_them(tmp_path):
    db = tmp_path / "x.duckdb"
    done = etl("demo", "--db", str(db))
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(db), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert CONTRACT <= tables
    status = etl("status", env={"DSA_DB": str(db)})
    assert status.returncode == 0, status.stderr
    assert "succeeded" in status.stdout and "demo" in status.stdout
    assert "commits" in status.stdout


def test_status_without_a_warehouse_says_how_to_make_one(tmp_path):
    done = etl("status", "--db", str(tmp_path / "none.duckdb"))
    assert done.returncode == 2
    assert "python -m etl demo" in done.stderr


def repeat_a_key(source, target, after: str, repeated: str) -> tuple[int, int]:
    """Copy `source` to `target` with the line `repeated` inserted after the first line equal to
    `after`: (line of the repeat, line of the first use), counting from 1."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.rstrip("\n") == after) + 1
    target.write_text("".join(lines[:first] + [repeated + "\n"] + lines[first:]), encoding="utf-8")
    return first + 1, first


@pytest.mark.parametrize("option, name, after, repeated, key", [
    ("--teams", "teams.yml", "    short_name: AI Skunkworks", "    short_name: Skunkworks", "short_name"),
    ("--taxonomy", "taxonomy.yml", "    pandas: data-wrangling", "    pandas: visualisation", "pandas"),
    ("--radar", "radar.yml", "    quadrant: libraries", "    quadrant: tools", "quadrant"),
])
def test_check_refuses_a_key_given_twice_naming_file_line_and_key(tmp_path, option, name, after, repeated, key):
    """PyYAML alone keeps the last of two values silently; `etl check` names the repeat."""
    copy = tmp_path / name
    copy.write_text((config.DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    as_shipped = etl("check", option, str(copy))
    assert as_shipped.returncode == 0, as_shipped.stdout + as_shipped.stderr
    line, first = repeat_a_key(config.DATA_DIR / name, copy, after, repeated)
    done = etl("check", option, str(copy))
    assert done.returncode == 1
    assert (f"{copy}:{line}: key '{key}' is given twice in one mapping (first on line {first}); give each key once"
            in done.stdout.splitlines()), done.stdout


def test_refresh_refuses_a_sources_file_with_a_key_given_twice(tmp_path):
    from etl import source_config

    sources = tmp_path / "sources.yml"
    sources.write_text((config.ROOT / "sources.example.yml").read_text(encoding="utf-8"), encoding="utf-8")
    assert source_config.load(sources).github.organisations  # the example as it is reads well
    line, first = repeat_a_key(config.ROOT / "sources.example.yml", sources, "  forks: exclude", "  forks: include")
    # An unreachable API: were the file accepted, the refresh would fail at once rather than reach GitHub.
    done = etl("refresh", "--config", str(sources), "--db", str(tmp_path / "w.duckdb"),
               env={"GITHUB_API_URL": "http://127.0.0.1:9", "DSA_SALT": "test-salt"})
    assert done.returncode == 2
    assert f"{sources}:{line}: key 'forks' is given twice in one mapping (first on line {first})" in done.stderr
    assert not (tmp_path / "w.duckdb").exists()
