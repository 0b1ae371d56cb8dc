"""Builds killed with SIGKILL, and two refreshes at once: the live warehouse stays as it was, the
lock dies with the process, the next run succeeds and cleans up. (benchmarks/crash_safety.py
runs the same checks over many random moments.)"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from etl import config, warehouse
from tests.conftest import build_tiny, data_tables, runs
from tests.test_github_refresh import SALT, TOKEN, gh, populate, sources  # noqa: F401 (gh is a fixture)


def etl(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=config.ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(folder: Path, suffix: str, proc: subprocess.Popen, seconds: float = 60) -> Path:
    """The first file in `folder` whose name ends with `suffix`, once it appears."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        assert proc.poll() is None, f"the process ended first: {proc.communicate()}"
        time.sleep(0.01)
    raise AssertionError(f"no *{suffix} in {folder} after {seconds} s")


def lock_is_free_at_once(db: Path) -> bool:
    lock = warehouse.lock_for(db)
    lock.acquire(timeout=0)  # raises filelock.Timeout if anything still holds it
    lock.release()
    return True


def test_demo_build_killed_while_writing_leaves_the_warehouse_and_the_next_run_cleans_up(tmp_path, demo_db_master):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    before, runs_before = data_tables(db), runs(db)
    proc = etl("demo", "--db", str(db))
    wait_for(tmp_path, ".tmp.wal", proc)  # the new warehouse is being written
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert data_tables(db) == before
    assert runs(db) == runs_before  # a killed run cannot log itself: no row for it
    assert lock_is_free_at_once(db)  # flock dies with the process
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # what the killed build left
    again = etl("demo", "--db", str(db))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert data_tables(db) == data_tables(demo_db_master)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_a_killed_build_that_spilled_to_disk_does_not_block_the_next(tmp_path):
    """DuckDB spills a build that outgrows memory into a folder beside its file (`.tmp.tmp`);
    a build killed then leaves that folder, which the next build must remove, not trip over."""
    db = tmp_path / "w.duckdb"
    build_tiny(db, team_name="Before")
    spilling = subprocess.Popen([sys.executable, "-c", f"""
import time
from pathlib import Path
from etl import warehouse
with warehouse.build(Path({str(db)!r}), "test") as b:
    b.con.execute("SET memory_limit = '40MB'; SET threads = 1; SET preserve_insertion_order = false")
    b.con.execute("CREATE TEMP TABLE t AS SELECT md5(range::VARCHAR) AS s FROM range(1000000) ORDER BY s")
    time.sleep(60)
"""], cwd=config.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    spill = wait_for(tmp_path, ".tmp.tmp", spilling)
    spilling.send_signal(signal.SIGKILL)
    spilling.wait()
    assert spill.is_dir()
    build_tiny(db, team_name="After")
    assert [r[1] for r in data_tables(db)["teams"] if r[0] == "team-a"] == ["After"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_two_refreshes_at_once_the_second_says_so_and_exits_2(gh, tmp_path):
    populate(gh, org_size=3)
    db = tmp_path / "w.duckdb"
    cfg = sources(tmp_path)
    inside, release = threading.Event(), threading.Event()

    def hold_the_first_in_its_build(request):  # the listing comes after the build took the lock
        if request["path"].endswith("/orgs/nhsx/repos") and not release.is_set():
            inside.set()
            release.wait(60)

    gh.on_request = hold_the_first_in_its_build
    env = {"GITHUB_API_URL": gh.base_url, "GITHUB_TOKEN": TOKEN, "DSA_SALT": SALT}
    first = etl("refresh", "--config", str(cfg.path), "--db", str(db), env=env)
    assert inside.wait(60)
    second = etl("refresh", "--config", str(cfg.path), "--db", str(db), env=env)
    try:
        _, said = second.communicate(timeout=120)
    finally:
        release.set()
    assert second.returncode == 2
    errors = [line for line in said.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and errors[0].endswith(
        f"another ETL run is already updating {db}; try again when it has finished"), said
    assert "Traceback" not in said
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert runs(db) == [("github", "succeeded", None)]  # the refused run is not logged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yml", "w.duckdb", "w.duckdb.lock"]
