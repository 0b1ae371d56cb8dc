"""Operations: the Data page, the refresh button for allowed users only, a refresh started from
the dashboard running in the background, freshness warnings and `etl status` as a probe."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dashboard import operations
from etl import config, pipeline, warehouse
from tests.conftest import build_tiny, runs
from tests.test_github_refresh import SALT, TOKEN, gh, populate, sources  # noqa: F401 (gh is a fixture)
from tests.test_pages import app, fresh_caches, page  # noqa: F401 (fixture)


def open_data_page(db, monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = app(db, monkeypatch)
    at.switch_page(page("data.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def buttons(at) -> list[str]:
    return [b.label for b in at.button]


def test_refresh_button_is_hidden_from_viewers(demo_db, monkeypatch):
    monkeypatch.delenv("DSA_REFRESH_USERS", raising=False)
    at = open_data_page(demo_db, monkeypatch)
    assert "Refresh now" not in buttons(at)
    assert any("DSA_REFRESH_USERS" in c.value for c in at.caption)


def test_refresh_button_is_shown_to_allowed_users(demo_db, monkeypatch):
    at = open_data_page(demo_db, monkeypatch, DSA_REFRESH_USERS="*")
    assert "Refresh now" in buttons(at)


def test_who_may_refresh():
    os.environ.pop("DSA_REFRESH_USERS", None)
    assert not config.may_refresh(None) and not config.may_refresh("ops@example.nhs.uk")
    os.environ["DSA_REFRESH_USERS"] = "Ops@Example.nhs.uk, lead@example.nhs.uk"
    try:
        assert config.may_refresh("ops@example.nhs.uk") and config.may_refresh("LEAD@example.nhs.uk")
        assert not config.may_refresh("viewer@example.nhs.uk") and not config.may_refresh(None)
    finally:
        os.environ.pop("DSA_REFRESH_USERS")


def test_data_page_lists_runs_sources_and_quality_findings(demo_db, monkeypatch):
    at = open_data_page(demo_db, monkeypatch)
    tables = {tuple(d.value.columns)[:3]: d.value for d in at.dataframe}
    history = next(v for k, v in tables.items() if k[:3] == ("started_at", "source", "status"))
    assert len(history) == len(runs(demo_db))
    summary = next(v for k, v in tables.items() if k[:2] == ("Check", "Findings"))
    found = dict(zip(summary.Check, summary.Findings))
    con = duckdb.connect(str(demo_db), read_only=True)
    unmapped = con.execute("SELECT count(*) FROM repositories WHERE team_id IS NULL").fetchone()[0]
    con.close()
    assert found["Repositories mapped to no team"] == unmapped > 0
    assert found["People without a team membership"] == 3  # the demo's three people outside data/teams.yml


def test_a_refresh_started_from_the_page_runs_in_the_background(gh, demo_db, tmp_path, monkeypatch):
    populate(gh, org_size=2)
    cfg = sources(tmp_path)
    at = open_data_page(demo_db, monkeypatch, DSA_REFRESH_USERS="*", DSA_CONFIG=str(cfg.path))
    at.button(key="refresh_now").click().run()
    assert not at.exception
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and operations.progress(demo_db)["exit_code"] is None:
        time.sleep(0.5)
    state = operations.progress(demo_db)
    assert state["exit_code"] == 0, "\n".join(state["lines"])
    assert operations.running(demo_db) is None
    assert warehouse.live_meta(demo_db)["contents"] == "live"  # the demo data was replaced by GitHub's
    assert runs(demo_db)[-1][:2] == ("github", "succeeded")
    assert TOKEN not in operations.log_path(demo_db).read_text()


def started(proc: subprocess.Popen) -> subprocess.Popen:
    """`proc` once it runs its own program: Popen can return while the child is still between
    fork and exec, when /proc/PID/cmdline is empty or still the test's own command line."""
    own = b"\0".join(str(arg).encode() for arg in proc.args) + b"\0"
    deadline = time.monotonic() + 10
    while Path(f"/proc/{proc.pid}/cmdline").read_bytes() != own and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


def test_only_one_background_refresh_at_a_time(tmp_path):
    db = tmp_path / "w.duckdb"
    other = started(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "etl", "refresh"]))
    try:
        operations.pid_path(db).write_text(str(other.pid))
        assert operations.running(db) == other.pid
        with pytest.raises(operations.AlreadyRunning):
            operations.start(db)
    finally:
        other.kill()
        other.wait()
    assert operations.running(db) is None
    unrelated = started(subprocess.Popen(["sleep", "60"]))  # a recycled process id is not a refresh
    try:
        operations.pid_path(db).write_text(str(unrelated.pid))
        assert operations.running(db) is None
    finally:
        unrelated.kill()
        unrelated.wait()


def stale_warehouse(path, hours_old: float, status: str = "succeeded"):
    build_tiny(path)
    con = duckdb.connect(str(path))
    when = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=hours_old)
    con.execute("UPDATE etl_runs SET started_at = ?, finished_at = ?, status = ?", [when, when, status])
    con.close()


def status_cli(db, **env):
    return subprocess.run([sys.executable, "-m", "etl", "status", "--db", str(db)], cwd=config.ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_status_fails_when_the_data_is_stale_or_the_last_run_failed(tmp_path):
    db = tmp_path / "w.duckdb"
    stale_warehouse(db, hours_old=30)
    done = status_cli(db)
    assert done.returncode == 1 and "PROBLEM: The data is 30 hours old" in done.stdout
    assert status_cli(db, DSA_MAX_AGE_HOURS="48").returncode == 0
    stale_warehouse(db, hours_old=1)
    assert status_cli(db).returncode == 0


def raise_in_build():
    raise RuntimeError("GitHub refused the token (401 Bad credentials)")


def test_status_after_a_failed_run(tmp_path):
    db = tmp_path / "w.duckdb"
    stale_warehouse(db, hours_old=1)
    with pytest.raises(RuntimeError):
        with pipeline.build(db, "github"):
            raise_in_build()
    done = status_cli(db)
    assert done.returncode == 1
    assert "PROBLEM: The last run (github" in done.stdout and "failed: GitHub refused the token" in done.stdout


def test_every_page_warns_when_live_data_is_stale(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    stale_warehouse(db, hours_old=50)
    at = app(db, monkeypatch)
    assert any("The data is 50 hours old" in w.value for w in at.warning)
    at.switch_page(page("repositories.py")).run()
    assert any("The data is 50 hours old" in w.value for w in at.warning)
