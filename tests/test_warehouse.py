"""The warehouse file: built all-or-nothing, one build at a time, readable while replaced."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import duckdb
import pytest

from etl import config, warehouse
from etl.warehouse import load
from tests.conftest import build_tiny, data_tables, runs, tiny_rows


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_creates_every_contract_table_and_logs_the_run(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path)
    con = duckdb.connect(str(path), read_only=True)
    tables = set(warehouse.table_names(con))
    assert {"teams", "people", "memberships", "projects", "project_stages", "project_repos", "repositories",
            "repo_languages", "dependencies", "commits", "releases", "etl_runs"} <= tables
    run = con.execute("SELECT source, status, data_as_of, counts FROM etl_runs").fetchall()
    assert len(run) == 1
    assert run[0][:3] == ("test", "succeeded", __import__("datetime").datetime(2025, 3, 31))
    assert '"commits": 3' in run[0][3]
    assert con.execute("SELECT value FROM warehouse_meta WHERE key='schema_version'").fetchone()[0] == config.SCHEMA_VERSION
    assert con.execute("SELECT count(*) FROM stages").fetchone()[0] == 7
    con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_build_keeps_the_data_and_logs_the_failure(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path)
    before = data_tables(path)
    with pytest.raises(RuntimeError, match="source went away"):
        with warehouse.build(path, "test", redact=lambda t: t.replace("s3cret", "***")) as b:
            load.save_rows(b.con, "teams", tiny_rows()["teams"])
            raise RuntimeError("source went away with s3cret")
    assert data_tables(path) == before
    assert runs(path) == [("test", "succeeded", None), ("test", "failed", "source went away with ***")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_files_of_a_killed_build_are_cleaned_up_by_the_next(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path)
    (tmp_path / ".w.duckdb.999.deadbeef.tmp").write_bytes(b"half-written")
    (tmp_path / ".w.duckdb.999.deadbeef.tmp.wal").write_bytes(b"half-written")
    build_tiny(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_inconsistent_build_is_refused_with_the_offending_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path)
    before = data_tables(path)
    rows = tiny_rows()
    rows["repositories"][0]["team_id"] = "no-such-team"
    with pytest.raises(warehouse.WarehouseError, match=r"repositories mapped to unknown teams: org/repo, no-such-team"):
        with warehouse.build(path, "test") as b:
            for table, batch in rows.items():
                load.save_rows(b.con, table, batch)
    assert data_tables(path) == before
    assert runs(path)[-1][:2] == ("test", "failed")


def test_runs_accumulate_across_builds(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path)
    build_tiny(path, team_name="Team A renamed")
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM etl_runs").fetchone()[0] == 2
    assert con.execute("SELECT name FROM teams WHERE team_id='team-a'").fetchone()[0] == "Team A renamed"
    assert con.execute("SELECT count(*) FROM commits").fetchone()[0] == 3
    con.close()


def test_second_build_while_one_runs_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from etl import warehouse; from pathlib import Path\n"
         f"lock = warehouse.lock_for(Path({str(path)!r})); lock.acquire(); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True, cwd=config.ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(warehouse.BusyError, match="another ETL run is already updating"):
            with warehouse.build(path, "test"):
                pass
        assert not path.exists()
    finally:
        holder.kill()
        holder.wait()


def test_reader_keeps_old_file_and_new_reader_sees_replacement(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path, team_name="Before")
    old = warehouse.open_read_only(path)
    assert old.execute("SELECT name FROM teams WHERE team_id='team-a'").fetchone()[0] == "Before"
    build_tiny(path, team_name="After")  # the ETL replaces the file while a reader is open
    assert old.execute("SELECT name FROM teams WHERE team_id='team-a'").fetchone()[0] == "Before"
    new = warehouse.open_read_only(path)
    assert new.execute("SELECT name FROM teams WHERE team_id='team-a'").fetchone()[0] == "After"
    old.close()
    new.close()


def test_if_missing_build_does_not_replace_an_existing_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    build_tiny(path)
    before = digest(path)
    with pytest.raises(warehouse.AlreadyBuilt):
        with warehouse.build(path, "test", if_missing=True):
            pass
    assert digest(path) == before
    # the lock was released: a normal build still works
    build_tiny(path)


def test_schema_refuses_email_addresses_in_person_columns(tmp_path):
    con = duckdb.connect()
    warehouse.apply_schema(con)
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO people (person_key, source) VALUES ('someone@nhs.net', 'x')")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO commits VALUES ('a/b', 'abc', 'x@y.org', now(), false)")
