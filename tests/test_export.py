"""`python -m etl export --parquet DIR`: every table reads back with the warehouse's row counts."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from etl import config, warehouse
from etl.warehouse import export


def run_export(db, out, **env):
    return subprocess.run([sys.executable, "-m", "etl", "export", "--db", str(db), "--parquet", str(out)],
                          cwd=config.ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_every_table_reads_back_with_the_same_row_count(demo_db, tmp_path):
    out = tmp_path / "export"
    done = run_export(demo_db, out)
    assert done.returncode == 0, done.stderr
    live = warehouse.open_read_only(demo_db)
    tables = warehouse.table_names(live, "warehouse")
    expected = {t: live.execute(f'SELECT count(*) FROM warehouse."{t}"').fetchone()[0] for t in tables}
    live.close()
    schema = json.loads((out / "schema.json").read_text())
    assert set(schema["tables"]) == set(tables)
    con = duckdb.connect()
    for table in tables:
        path = out / schema["tables"][table]["path"]
        got = con.execute(f"SELECT count(*) FROM read_parquet('{path}', hive_partitioning = true)").fetchone()[0]
        assert got == expected[table] == schema["tables"][table]["rows"], table
    years = con.execute(f"SELECT year, count(*) FROM read_parquet('{out}/commits/*/*.parquet') GROUP BY 1 ORDER BY 1").fetchall()
    assert [y for y, _ in years] == [2023, 2024, 2025, 2026]
    assert sum(n for _, n in years) == expected["commits"]
    columns = [c["name"] for c in schema["tables"]["commits"]["columns"]]
    assert columns == ["full_name", "sha", "person_key", "authored_at", "is_merge"]
    assert all(c["description"] for c in schema["tables"]["commits"]["columns"])
    assert (out / "schema.sql").read_text() == config.SCHEMA_FILE.read_text()


def test_logins_are_left_out_unless_allowed(demo_db, tmp_path):
    con = duckdb.connect()
    assert run_export(demo_db, tmp_path / "private").returncode == 0
    assert con.execute(f"SELECT count(github_login) FROM '{tmp_path}/private/people.parquet'").fetchone() == (0,)
    assert run_export(demo_db, tmp_path / "open", DSA_SHOW_LOGINS="true").returncode == 0
    assert con.execute(f"SELECT count(github_login) FROM '{tmp_path}/open/people.parquet'").fetchone()[0] > 0
    exported = b"".join(p.read_bytes() for p in (tmp_path / "private").rglob("*") if p.is_file())
    assert b"@example" not in exported and b"GITHUB_TOKEN" not in exported


def test_an_export_replaces_the_previous_one_whole_and_refuses_other_folders(demo_db, tmp_path):
    out = tmp_path / "export"
    assert run_export(demo_db, out).returncode == 0
    (out / "leftover.parquet").write_bytes(b"old")
    assert run_export(demo_db, out).returncode == 0
    assert not (out / "leftover.parquet").exists()
    other = tmp_path / "documents"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(export.ExportError, match="not an earlier export"):
        export.parquet(demo_db, other)
    assert (other / "notes.txt").read_text() == "keep me"
    done = run_export(tmp_path / "missing.duckdb", tmp_path / "x")
    assert done.returncode == 2 and "no warehouse there" in done.stderr
