"""Crash safety: builds killed with SIGKILL at a random moment, and two refreshes at once.

For each command (a GitHub refresh against tests/github_server.py, a refresh of local git clones
with --git, the demo build), each trial starts the real command line on an existing warehouse,
kills it with SIGKILL at a moment drawn uniformly over the command's normal duration (measured
first: the median of three uninterrupted runs), then checks:

  1. the live warehouse opens read-only with exactly its content before the trial (every table's
     rows, sorted, the run log included), or, when the kill came after the swap, exactly a
     finished run's content plus that run's one row in etl_runs;
  2. the build lock is free: how long taking it waits once the killed process is gone;
  3. the next run exits 0 and its result equals a clean run's (the times at which things were
     fetched aside);
  4. no temporary file is left: after the next run the folder holds the files it held before the
     trials.

Then two refreshes at once: the second must say so and exit non-zero while the first succeeds.

    .venv/bin/python benchmarks/crash_safety.py [--trials 20] [--repos 36] [--clones 4] [--seed 22]

Prints a table; exits 1 if any trial failed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import filelock  # noqa: E402

from benchmarks.github_refresh import TOKEN, populate, write_config  # noqa: E402
from etl import warehouse  # noqa: E402
from tests.github_server import FakeGitHub  # noqa: E402

# Columns that say when something was fetched: they differ between two equally correct runs.
VOLATILE = {"github_repo_state": {"fetched_at"}, "git_repo_state": {"fetched_at"}, "data_problems": {"detected_at"}}
LOCK_LIMIT = 10.0  # seconds the lock probe waits before calling the lock stuck
SALT = "crash-safety"
T0 = dt.datetime(2024, 6, 3, 9, 0)


@dataclass
class Command:
    """One command under test: how to run it, what it starts from, what a clean run gives."""

    name: str                          # a short name, for log files
    label: str                         # what the table calls it
    argv: list[str]
    env: dict[str, str]
    folder: Path                       # holds the live warehouse of the trials, and nothing else
    start: Path                        # the warehouse every trial starts from (kept outside `folder`)
    expected: dict = field(default_factory=dict)
    duration: float = 0.0

    @property
    def db(self) -> Path:
        return self.folder / "w.duckdb"


@dataclass
class Trial:
    kill_after: float
    landed: str = ""                   # before swap, after swap, finished first
    lock_wait: float = 0.0
    temporary_after_kill: int = 0
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading a warehouse


def tables(path: Path, *, with_runs: bool, drop_volatile: bool) -> dict[str, list[tuple]]:
    """Every table's rows, sorted (tests/conftest.py data_tables, optionally with etl_runs and
    without the fetch times)."""
    con = warehouse.open_read_only(path)
    try:
        out = {}
        for table in warehouse.table_names(con):
            if table == "etl_runs" and not with_runs:
                continue
            names = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'warehouse' AND table_name = ? "
                "ORDER BY column_index", [table]).fetchall()]
            if drop_volatile:
                names = [c for c in names if c not in VOLATILE.get(table, set())]
            columns = ", ".join(f'"{c}"' for c in names)
            out[table] = sorted(con.execute(f'SELECT {columns} FROM "{table}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def exact(path: Path) -> dict:
    return tables(path, with_runs=True, drop_volatile=False)


def comparable(path: Path) -> dict:
    return tables(path, with_runs=False, drop_volatile=True)


def differences(a: dict, b: dict) -> str:
    names = sorted(t for t in set(a) | set(b) if a.get(t) != b.get(t))
    return ", ".join(f"{t} ({len(a.get(t, []))} vs {len(b.get(t, []))} rows)" for t in names[:5])


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------- running the command line


def start(cmd: Command, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, "-m", "etl", *cmd.argv, "--db", str(cmd.db)], cwd=ROOT,
                                env=cmd.env, stdout=out, stderr=subprocess.STDOUT)


def run_to_end(cmd: Command, log: Path) -> tuple[int, float]:
    started = time.perf_counter()
    proc = start(cmd, log)
    code = proc.wait()
    return code, time.perf_counter() - started


def restore(cmd: Command) -> None:
    """Put the starting warehouse in place (no process holds the folder's files now)."""
    shutil.copyfile(cmd.start, cmd.db)


def lock_wait(db: Path) -> float:
    """Seconds until the build lock of `db` is ours; LOCK_LIMIT if it never is."""
    lock = warehouse.lock_for(db)
    started = time.perf_counter()
    try:
        lock.acquire(timeout=LOCK_LIMIT)
    except filelock.Timeout:
        return LOCK_LIMIT
    waited = time.perf_counter() - started
    lock.release()
    return waited


def prepare(cmd: Command, logs: Path) -> None:
    """Measure the command's normal duration (the median of three uninterrupted runs) and its
    clean result (which all three must give)."""
    results, seconds = [], []
    for i in range(3):
        restore(cmd)
        code, took = run_to_end(cmd, logs / f"{cmd.name}-clean-{i}.log")
        if code != 0:
            sys.exit(f"{cmd.name}: a clean run failed ({code}); see {logs}")
        results.append(comparable(cmd.db))
        seconds.append(took)
    for other in results[1:]:
        if other != results[0]:
            sys.exit(f"{cmd.name}: two clean runs differ ({differences(results[0], other)}); VOLATILE is incomplete")
    cmd.expected, cmd.duration = results[0], statistics.median(seconds)


# ---------------------------------------------------------------- one trial


def trial(cmd: Command, kill_after: float, folder_files: list[str], log: Path) -> Trial:
    t = Trial(kill_after)
    restore(cmd)
    before = exact(cmd.db)
    proc = start(cmd, log)
    started = time.perf_counter()
    time.sleep(max(0.0, started + kill_after - time.perf_counter()))
    finished_first = proc.poll() is not None
    if not finished_first:
        proc.send_signal(signal.SIGKILL)
    code = proc.wait()
    if not finished_first and code == 0:
        finished_first = True  # it ended between the look and the signal: the kill came too late to count
    elif not finished_first and code != -signal.SIGKILL:
        t.problems.append(f"exit status {code} after SIGKILL")
    # 2. The lock: free once the process is gone (flock is released by the kernel when it dies).
    t.lock_wait = lock_wait(cmd.db)
    if t.lock_wait >= LOCK_LIMIT:
        t.problems.append(f"the lock was still held {LOCK_LIMIT:.0f} s after the process died")
    t.temporary_after_kill = sum(1 for name in files(cmd.folder) if name not in folder_files)

    # 1. The live warehouse: as before, or (the kill came after the swap) a finished run's.
    try:
        after = exact(cmd.db)
    except Exception as exc:  # noqa: BLE001 - any failure to open or read is what this check looks for
        t.problems.append(f"the live warehouse does not open: {exc}")
        after = None
    if after is not None:
        if after == before:
            t.landed = "before swap"
            if finished_first:
                t.problems.append(f"the run finished (exit {code}) but the warehouse is unchanged")
        elif committed(before["etl_runs"], after["etl_runs"]) and comparable(cmd.db) == cmd.expected:
            t.landed = "finished first" if finished_first else "after swap"
        else:
            t.landed = "broken"
            t.problems.append(f"the live warehouse changed: {differences(before, after)}")

    # 3. The next run succeeds and ends equal to a clean run.
    code, _ = run_to_end(cmd, log.with_suffix(".next.log"))
    if code != 0:
        t.problems.append(f"the next run exited {code}")
    else:
        result = comparable(cmd.db)
        if result != cmd.expected:
            t.problems.append(f"the next run differs from a clean one: {differences(result, cmd.expected)}")

    # 4. No temporary file left behind.
    left = [name for name in files(cmd.folder) if name not in folder_files]
    if left:
        t.problems.append(f"left in the folder: {', '.join(left)}")
    return t


def committed(runs_before: list[tuple], runs_after: list[tuple]) -> bool:
    """The run log grew by exactly one successful run, as a finished build leaves it."""
    new = [r for r in runs_after if r not in runs_before]
    return len(runs_after) == len(runs_before) + 1 and len(new) == 1 and "succeeded" in new[0]


def trials(cmd: Command, n: int, rng: random.Random, logs: Path) -> tuple[list[Trial], list[str], list[str]]:
    """`n` killed runs; returns them, and the folder's files before and after all of them."""
    restore(cmd)
    folder_files = files(cmd.folder)
    done = []
    for i in range(n):
        t = trial(cmd, rng.uniform(0, cmd.duration), folder_files, logs / f"{cmd.name}-trial-{i:02d}.log")
        done.append(t)
        status = "ok" if not t.problems else "FAILED: " + "; ".join(t.problems)
        print(f"  {cmd.name} trial {i + 1:2d}: killed at {t.kill_after:5.2f} s, {t.landed}, lock wait "
              f"{t.lock_wait * 1000:.1f} ms, {t.temporary_after_kill} temporary file(s) after the kill: {status}",
              flush=True)
    after = files(cmd.folder)
    if after != folder_files:
        done[-1].problems.append(f"the folder held {', '.join(folder_files)} before the trials, {', '.join(after)} after")
    return done, folder_files, after


# ---------------------------------------------------------------- two refreshes at once


def two_at_once(cmd: Command, slow_config: Path, logs: Path) -> dict:
    """Start a (throttled) refresh, start a second once the first holds the lock, and report both."""
    restore(cmd)
    before = files(cmd.folder)
    slow = Command(cmd.name, cmd.label, ["refresh", "--config", str(slow_config)], cmd.env, cmd.folder, cmd.start)
    first = start(slow, logs / "concurrent-first.log")
    deadline = time.monotonic() + 60
    while not any(n.endswith(".tmp") and n not in before for n in files(cmd.folder)) and time.monotonic() < deadline:
        time.sleep(0.02)  # the first's temporary file exists only while its build holds the lock
    second_log = logs / "concurrent-second.log"
    code, seconds = run_to_end(cmd, second_log)
    first_running = first.poll() is None
    first_code = first.wait()
    errors = [line for line in second_log.read_text().splitlines() if " ERROR " in line]
    return {"second_exit": code, "second_seconds": seconds, "second_line": errors[-1] if errors else "(no ERROR line)",
            "first_running_meanwhile": first_running, "first_exit": first_code,
            "first_result_clean": first_code == 0 and comparable(cmd.db) == cmd.expected,
            "files_unchanged": files(cmd.folder) == before}


# ---------------------------------------------------------------- the commands


def github_command(work: Path, gh: FakeGitHub, repos: int) -> tuple[Command, Path]:
    """A refresh of a few dozen repositories, starting from a warehouse one round of changes old."""
    config_file = write_config(work)
    slow = work / "slow.yml"
    slow.write_text(config_file.read_text().replace("seconds_between_requests: 0", "seconds_between_requests: 0.1"))
    populate(gh, repos, 50)
    env = {**os.environ, "GITHUB_API_URL": gh.base_url, "GITHUB_TOKEN": TOKEN, "DSA_SALT": SALT}
    cmd = Command("github", f"`etl refresh` (GitHub test server, {repos} repositories)",
                  ["refresh", "--config", str(config_file)], env, work / "github",
                  work / "github-start.duckdb")
    first_load(cmd, work)
    for i in range(0, repos, 3):  # a third of the repositories move on, one appears, one goes
        name = f"{['nhsx', 'nhsengland', 'NHSDigital'][i % 3]}/project-{i:04d}"
        gh.commit(name, message="new work", date=T0 + dt.timedelta(days=i), author_login=f"analyst-{i % 11}",
                  files={"src/new.py": f"v{i}", "requirements.txt": "pandas>=2\npolars\n"})
    gh.add_repo("nhsx/project-new", languages={"Python": 1200})
    gh.commit("nhsx/project-new", message="start", date=T0, author_login="analyst-3", files={"a.py": "import numpy"})
    gh.delete_repo("nhsengland/project-0001")
    return cmd, slow


def git_command(work: Path, clones: int) -> Command:
    """A refresh of local clones with --git, starting from a warehouse a few commits old."""
    folder = work / "clones"
    for i in range(clones):
        repo = folder / f"analysis-{i}"
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "remote", "add", "origin", f"https://gitlab.example.nhs.uk/dc-london/analysis-{i}.git")
        for c in range(40):
            commit(repo, c, {"requirements.txt": "pandas>=2\nscikit-learn\n"} if c == 0 else {f"src/m{c % 7}.py": f"v{c}"})
    config_file = work / "git-sources.yml"
    config_file.write_text(f"teams_file: {ROOT / 'data' / 'teams.yml'}\n"
                           "team_rules:\n  - {team: dc-london, repositories: ['gitlab.example.nhs.uk/dc-london/*']}\n")
    env = {**os.environ, "DSA_SALT": SALT}
    cmd = Command("git", f"`etl refresh --git` ({clones} local clones)",
                  ["refresh", "--config", str(config_file), "--git", str(folder)], env,
                  work / "git", work / "git-start.duckdb")
    first_load(cmd, work)
    for i in range(clones):
        for c in range(40, 45):
            commit(folder / f"analysis-{i}", c, {f"src/n{c}.py": "import numpy\n"})
    return cmd


def demo_command(work: Path, starting_from: Path) -> Command:
    """The demo build, starting from another warehouse (a GitHub one), so a swap would show."""
    cmd = Command("demo", "`etl demo`", ["demo"], {**os.environ}, work / "demo", work / "demo-start.duckdb")
    cmd.folder.mkdir()
    shutil.copyfile(starting_from, cmd.start)
    shutil.copyfile(starting_from, cmd.db)
    lock = warehouse.lock_for(cmd.db)  # the lock file every build leaves, as in the other folders
    lock.acquire(timeout=0)
    lock.release()
    return cmd


def first_load(cmd: Command, work: Path) -> None:
    cmd.folder.mkdir(parents=True)
    code, _ = run_to_end(cmd, work / "logs" / f"{cmd.name}-first-load.log")
    if code != 0:
        sys.exit(f"{cmd.name}: the first load failed ({code})")
    shutil.copyfile(cmd.db, cmd.start)


def git(repo: Path, *args: str, when: str = "2024-06-03T10:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Analyst", "GIT_AUTHOR_EMAIL": "analyst@example.nhs.test",
           "GIT_COMMITTER_NAME": "Analyst", "GIT_COMMITTER_EMAIL": "analyst@example.nhs.test",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)


def commit(repo: Path, n: int, changes: dict[str, str]) -> None:
    for name, text in changes.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"change {n}", when=(T0 + dt.timedelta(hours=n * 5)).isoformat() + "+00:00")


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--repos", type=int, default=36, help="repositories on the GitHub test server")
    parser.add_argument("--clones", type=int, default=4, help="local clones for --git (0: leave it out)")
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="dsa-crash-"))
    logs = work / "logs"
    logs.mkdir()
    print(f"work folder {work}; filelock {filelock.__version__} ({filelock.FileLock.__name__})", flush=True)
    rows, concurrent = [], None
    with FakeGitHub(token=TOKEN) as gh:
        gh.retry_after_seconds = 0
        github, slow = github_command(work, gh, args.repos)
        commands = [github]
        if args.clones:
            commands.append(git_command(work, args.clones))
        commands.append(demo_command(work, github.start))
        for cmd in commands:
            prepare(cmd, logs)
            print(f"{cmd.label}: normal duration {cmd.duration:.2f} s", flush=True)
            rows.append((cmd, *trials(cmd, args.trials, rng, logs)))
        concurrent = two_at_once(github, slow, logs)

    print("\n| command | normal duration | trials run | trials survived | killed before swap / after swap / finished "
          "first | killed mid-build (temporary files present) | max lock wait | files in the folder before -> after |")
    print("|---|---:|---:|---:|---|---:|---:|---|")
    failed = 0
    for cmd, done, before, after in rows:
        survived = sum(1 for t in done if not t.problems)
        failed += len(done) - survived
        landed = [sum(1 for t in done if t.landed == k) for k in ("before swap", "after swap", "finished first")]
        print(f"| {cmd.label} | {cmd.duration:.1f} s | {len(done)} | {survived} | {' / '.join(map(str, landed))} | "
              f"{sum(1 for t in done if t.temporary_after_kill)} | {max(t.lock_wait for t in done) * 1000:.1f} ms | "
              f"{len(before)} -> {len(after)} ({', '.join(after)}) |")
    c = concurrent
    print(f"\nTwo refreshes at once: the second exited {c['second_exit']} after {c['second_seconds']:.1f} s, "
          f"the first still running: {c['first_running_meanwhile']}; it said:\n  {c['second_line']}\n"
          f"The first exited {c['first_exit']}; its result equals a clean run's: {c['first_result_clean']}; "
          f"folder unchanged: {c['files_unchanged']}")
    concurrent_ok = (c["second_exit"] != 0 and "already updating" in c["second_line"] and c["first_running_meanwhile"]
                     and c["first_exit"] == 0 and c["first_result_clean"] and c["files_unchanged"])
    if failed or not concurrent_ok:
        print(f"\n{failed} trial(s) failed" + ("" if concurrent_ok else "; the two-at-once check failed"))
        return 1
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
