"""A refresh started from the dashboard: a separate process, so no viewer waits for it, with its
log beside the warehouse for the Data page to follow."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from etl import config

PROGRESS = re.compile(r"fetched (\d+)/(\d+) repositories")
DONE = re.compile(r"^refresh exit code (\d+)$")


class AlreadyRunning(RuntimeError):
    """A refresh started from the dashboard is still running."""


def log_path(db: Path) -> Path:
    return Path(db).with_name(f".{Path(db).name}.refresh.log")


def pid_path(db: Path) -> Path:
    return Path(db).with_name(f".{Path(db).name}.refresh.pid")


def running(db: Path) -> int | None:
    """The process id of the refresh started from the dashboard, while it runs."""
    try:
        pid = int(pid_path(db).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    try:  # a recycled pid is not our refresh
        if b"etl" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
    except OSError:
        pass
    return pid


def start(db: Path) -> int:
    """Start `python -m etl refresh` for `db` in the background; returns its process id."""
    db = Path(db)
    if running(db):
        raise AlreadyRunning("a refresh started from the dashboard is still running")
    log = open(log_path(db), "w")
    command = [sys.executable, "-m", "etl", "refresh", "--db", str(db)]
    if os.environ.get("DSA_CONFIG"):
        command += ["--config", os.environ["DSA_CONFIG"]]
    # The shell waits for the refresh and writes its exit code last, for the page to read.
    proc = subprocess.Popen(["/bin/sh", "-c", '"$@"; echo "refresh exit code $?"', "refresh", *command],
                            cwd=config.ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=os.environ.copy())
    log.close()
    pid_path(db).write_text(str(proc.pid))
    return proc.pid


def progress(db: Path) -> dict:
    """What the log says: {"lines": last lines, "done": n, "total": n, "exit_code": int or None}."""
    try:
        lines = log_path(db).read_text(errors="replace").splitlines()
    except OSError:
        return {"lines": [], "done": 0, "total": 0, "exit_code": None}
    done = total = 0
    exit_code = None
    for line in lines:
        if m := PROGRESS.search(line):
            done, total = int(m.group(1)), int(m.group(2))
        if m := DONE.match(line.strip()):
            exit_code = int(m.group(1))
    return {"lines": lines[-12:], "done": done, "total": total, "exit_code": exit_code}
