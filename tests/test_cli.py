"""The ETL command line, run as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys

import duckdb

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
    assert done.returncode == 1
    assert "python -m etl demo" in done.stderr
