"""`python -m etl schedule`: runs on an interval against the test GitHub server, survives a
failing run, and stops cleanly on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from etl import config, schedule
from etl.github import refresh
from tests.conftest import data_tables, runs
from tests.test_github_refresh import SALT, TOKEN, day, gh, populate, sources  # noqa: F401 (gh is a fixture)


def start(args, gh, **env):
    return subprocess.Popen([sys.executable, "-m", "etl", "schedule", *args], cwd=config.ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "GITHUB_API_URL": gh.base_url, "GITHUB_TOKEN": TOKEN,
                                 "DSA_SALT": SALT, **env})


class Output:
    """The process's output, read by a thread so waiting for a line can time out."""

    def __init__(self, proc):
        self.lines: list[str] = []
        self._seen = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc):
        for line in proc.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()

    def wait_for(self, text: str, timeout: float = 120) -> None:
        with self._seen:
            if not self._seen.wait_for(lambda: any(text in line for line in self.lines), timeout=timeout):
                pytest.fail(f"no line with {text!r} in {timeout} s; got:\n{self.text}")

    @property
    def text(self) -> str:
        return "".join(self.lines)


def test_two_cycles_one_failing_are_both_in_the_run_log(gh, tmp_path):
    populate(gh, org_size=2)
    db = tmp_path / "w.duckdb"
    cfg = sources(tmp_path)
    refresh.refresh(db, cfg)
    before = len(data_tables(db)["commits"])
    gh.token = "a-rotated-token"  # the scheduler's token is refused: the first cycle fails
    proc = start(["--every", "3s", "--max-runs", "2", "--config", str(cfg.path), "--db", str(db)], gh)
    out = Output(proc)
    out.wait_for("scheduled run 1 finished")
    gh.token = TOKEN  # fixed before the next cycle
    gh.commit("nhsx/analysis-001", message="More work", date=day(50), author_login="analyst-3",
              files={"notes.md": "x"})
    out.wait_for("scheduler stopped after 2 run(s)")
    assert proc.wait(timeout=30) == 0
    log = out.text
    assert "scheduled run 1 finished: failed" in log and "scheduled run 2 finished: succeeded" in log
    assert TOKEN not in log and "a-rotated-token" not in log
    logged = runs(db)
    assert [(source, status) for source, status, _ in logged] == [
        ("github", "succeeded"), ("github", "failed"), ("github", "succeeded")]
    assert "GitHub refused the token (401 Bad credentials)" in logged[1][2]
    assert len(data_tables(db)["commits"]) == before + 1  # the second cycle loaded the new commit


def test_sigterm_while_waiting_stops_at_once(gh, tmp_path):
    populate(gh, org_size=1)
    db = tmp_path / "w.duckdb"
    cfg = sources(tmp_path)
    proc = start(["--every", "1h", "--config", str(cfg.path), "--db", str(db)], gh)
    out = Output(proc)
    try:
        out.wait_for("next run in")
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert time.monotonic() - sent < 10
    finally:
        proc.kill()
    out.wait_for("scheduler stopped after 1 run(s)", timeout=5)
    assert "received SIGTERM: stopping" in out.text
    assert [status for _, status, _ in runs(db)] == ["succeeded"]


def test_sigterm_during_a_run_leaves_the_warehouse_as_it_was(tmp_path):
    """In-process: a cycle that is interrupted by the signal leaves no half-written state."""
    calls = []

    def cycle():
        calls.append(time.monotonic())
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
        time.sleep(5)  # interrupted by the handler raising Stopped
        return 0

    started = time.monotonic()
    assert schedule.run(cycle, every=3600) == 1
    assert time.monotonic() - started < 3
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL or callable(signal.getsignal(signal.SIGTERM))


def test_a_cycle_that_raises_does_not_stop_the_schedule():
    outcomes = iter([RuntimeError("boom"), 0, 3])

    def cycle():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert schedule.run(cycle, every=0.01, max_runs=3, install_signals=False) == 3


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("30m", 1800), ("6h", 21600), ("1d", 86400), ("1.5h", 5400)])
def test_intervals(text, seconds):
    assert schedule.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["6", "0h", "-1h", "6 hours", ""])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError, match="is not an interval"):
        schedule.parse_interval(text)
