"""The supervisor of `bin/serve`: Streamlit workers and HAProxy, started, watched and stopped.

It starts the workers at once, waits until each answers /_stcore/health, starts HAProxy in front
of them and waits until the dashboard answers through it; then prints one line (the address and
the number of workers). A process that dies is started again after a pause that doubles with
each quick failure (1 s, 2 s, 4 s... at most 30 s; a process that ran a minute starts from 1 s),
logged in one line. Ctrl+C, SIGTERM or SIGHUP stop HAProxy, then the workers (SIGTERM, then
SIGKILL after 10 s), then whatever they had started (Chromium for image exports, a refresh), and
the supervisor exits 0; a second Ctrl+C kills at once.

No process is left behind: the supervisor is a "child subreaper" on Linux, so processes whose
parent died (a killed worker's Chromium) become its children, and are stopped with it; and each
process it starts is told to end if the supervisor itself is killed (PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from serve import haproxy

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("serve")

STARTUP_SECONDS = 180  # for each worker to answer /_stcore/health
STOP_SECONDS = 10  # for each process to end after SIGTERM, before SIGKILL
REAP_SECONDS = 2  # how often to look for exited processes a dead worker left to us
MAX_PAUSE = 30  # seconds between restarts of a process that keeps failing
STEADY_SECONDS = 60  # a process that ran this long before dying starts again after 1 s
# What Streamlit prints when it starts: the worker's own address, which nobody should open.
STARTUP_CHATTER = re.compile(r"^\s*$|You can now view your Streamlit app|^\s*URL: http://127\.0\.0\.1:\d+\s*$"
                             r"|Uvicorn server started on 127\.0\.0\.1:\d+")

_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 1, 36
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


class ServeError(RuntimeError):
    """The dashboard could not be served; the message says why, in one line."""


def _end_with_parent() -> None:  # runs in the child between fork and exec
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """One supervised process (a worker or HAProxy) in a process group of its own, whose output is
    relayed to stderr line by line, each line prefixed with its name."""

    def __init__(self, name: str, argv: list[str], *, env: dict | None = None, stdout=None) -> None:
        self.name, self.argv, self.env, self.stdout = name, argv, env, stdout
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.failures = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.stdout if self.stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE if self.stdout is not None else subprocess.STDOUT,
            start_new_session=True, preexec_fn=_end_with_parent if _libc else None,
            text=True, errors="replace", bufsize=1)
        stream = self.proc.stderr if self.stdout is not None else self.proc.stdout
        threading.Thread(target=_relay, args=(stream, self.name), daemon=True).start()
        self.started = time.monotonic()
        self.restart_at = None

    @property
    def pid(self) -> int:
        return self.proc.pid if self.proc else 0

    def exit_code(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def signal(self, sig: int) -> None:
        """Send `sig` to the process and everything in its process group."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def plan_restart(self) -> str:
        """Schedule the next start after a pause; one line saying what happened."""
        ran = time.monotonic() - self.started
        self.failures = 1 if ran >= STEADY_SECONDS else self.failures + 1
        pause = min(2 ** (self.failures - 1), MAX_PAUSE)
        self.restart_at = time.monotonic() + pause
        code = self.proc.returncode
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
        return f"{self.name} (pid {self.pid}) {how} after {ran:.0f} s; starting it again in {pause} s"


def _relay(stream, name: str) -> None:
    """Copy the process's output to stderr until it closes; keep reading even when stderr cannot be
    written (a closed terminal), or the process would block on a full pipe."""
    for line in stream:
        if not STARTUP_CHATTER.search(line):
            try:
                sys.stderr.write(f"{name} | {line}")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
    stream.close()


def free_port(taken: set[int]) -> int:
    """A port of 127.0.0.1 nothing listens on, not in `taken`."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port


def check_port_free(address: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {address}:{port} ({exc.strerror}): "
                             "choose another port with --port") from None


def answers(url: str) -> bool:
    """True when `url` (a health check) answers "ok"."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read() == b"ok"
    except (OSError, ValueError):
        return False


def children_of(pid: int) -> list[tuple[int, str]]:
    """(pid, state) of every process whose parent is `pid`, read from /proc."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()  # after "(command name)", which may hold spaces
        if int(fields[1]) == pid:
            found.append((int(entry.name), fields[0]))
    return found


class Supervisor:
    """Serve the dashboard with `workers` Streamlit processes behind HAProxy on address:port."""

    def __init__(self, *, address: str, port: int, workers: int, run_dir: Path | None = None,
                 access_log: Path | None = None) -> None:
        self.address, self.port, self.count = address, port, workers
        self.keep_run_dir = run_dir is not None
        self.run_dir = run_dir
        self.access_log = access_log
        self.workers: list[Child] = []
        self.proxy: Child | None = None
        self.stopping = threading.Event()
        self.force = False
        self.began = time.monotonic()
        self.next_reap = 0.0

    @property
    def url(self) -> str:
        host = "localhost" if self.address in ("0.0.0.0", "::", "127.0.0.1") else self.address
        return f"http://{_bracketed(host)}:{self.port}"

    def run(self) -> int:
        """Serve until stopped; 0 when stopped by a signal. Raises ServeError when the dashboard
        could not be started (everything started is stopped first)."""
        self._install_signals()
        if _libc:
            _libc.prctl(_PR_SET_CHILD_SUBREAPER, 1)
        try:
            if self._start():
                print(f"Assembly Insights on {self.url}: {self.count} worker{'s' * (self.count != 1)}, "
                      f"ready in {time.monotonic() - self.began:.1f} s (Ctrl+C stops)", flush=True)
                while not self.stopping.wait(0.25):
                    self._tick()
        finally:
            self._stop_all()
        return 0

    def _install_signals(self) -> None:
        def on_signal(signum, _frame):
            if self.stopping.is_set():
                self.force = True
            else:
                log.info("%s: stopping", signal.Signals(signum).name)
            self.stopping.set()

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, on_signal)

    def _start(self) -> bool:
        """Workers, then HAProxy, each answering; False when stopped meanwhile."""
        executable = haproxy.executable()
        check_port_free(self.address, self.port)
        if self.run_dir is None:
            self.run_dir = Path(tempfile.mkdtemp(prefix="assembly-insights-serve-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        ports: dict[str, int] = {}
        for i in range(1, self.count + 1):
            ports[f"w{i}"] = free_port({self.port, *ports.values()})
        env = worker_environment()
        for name, port in ports.items():
            self.workers.append(Child(name, worker_command(port), env=env))
            self.workers[-1].start()
        for worker, port in zip(self.workers, ports.values()):
            if not self._wait(worker, f"http://127.0.0.1:{port}{haproxy.HEALTH}"):
                return False
        config = self.run_dir / "haproxy.cfg"
        config.write_text(haproxy.local_config(address=self.address, port=self.port, workers=ports,
                                               run_dir=self.run_dir, access_log=self.access_log is not None))
        problem = haproxy.check(config)
        if problem:
            raise ServeError(f"HAProxy refuses {config}: {problem}")
        log_file = open(self.access_log, "a", buffering=1) if self.access_log else subprocess.DEVNULL
        self.proxy = Child("haproxy", [executable, "-db", "-f", str(config)], stdout=log_file)
        self.proxy.start()
        host = "127.0.0.1" if self.address in ("0.0.0.0", "::") else self.address
        return self._wait(self.proxy, f"http://{_bracketed(host)}:{self.port}{haproxy.HEALTH}")

    def _wait(self, child: Child, health_url: str) -> bool:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not answers(health_url):
            if child.exit_code() is not None:
                raise ServeError(f"{child.name} exited with code {child.exit_code()} before answering "
                                 f"{health_url} (its output is above)")
            if time.monotonic() > deadline:
                raise ServeError(f"{child.name} did not answer {health_url} within {STARTUP_SECONDS} s")
            if self.stopping.wait(0.2):
                return False
        return True

    def _tick(self) -> None:
        """Restart what died, when its pause is over; reap processes left by a dead worker."""
        for child in [*self.workers, self.proxy]:
            if child.restart_at is None and child.exit_code() is not None:
                log.warning("%s", child.plan_restart())
            elif child.restart_at is not None and time.monotonic() >= child.restart_at:
                child.start()
        if time.monotonic() < self.next_reap:
            return
        self.next_reap = time.monotonic() + REAP_SECONDS
        managed = {c.pid for c in [*self.workers, self.proxy]}
        for pid, state in children_of(os.getpid()):
            if state == "Z" and pid not in managed:
                os.waitpid(pid, os.WNOHANG)

    def _stop_all(self) -> None:
        """HAProxy, then the workers, then anything left among our children; the run folder."""
        for group in ([self.proxy] if self.proxy else [], self.workers):
            self._stop([c for c in group if c.proc is not None])
        self._stop_left_behind()
        if self.proxy and self.proxy.stdout not in (None, subprocess.DEVNULL):
            self.proxy.stdout.close()
        if self.run_dir and not self.keep_run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def _stop(self, children: list[Child]) -> None:
        """SIGTERM to each process group, SIGKILL to those still there after STOP_SECONDS (or at
        once after a second Ctrl+C)."""
        for child in children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while any(c.exit_code() is None for c in children) and not self.force and time.monotonic() < deadline:
            time.sleep(0.1)
        for child in children:
            if child.exit_code() is None:
                log.warning("%s (pid %d) did not stop: killing it", child.name, child.pid)
            child.signal(signal.SIGKILL)  # also whatever is left of its process group
            child.proc.wait()

    def _stop_left_behind(self) -> None:
        """Processes the workers started that outlived them (now our children, as we are their
        subreaper): SIGTERM, then SIGKILL after STOP_SECONDS, until none is left."""
        deadline = time.monotonic() + STOP_SECONDS
        told: set[int] = set()
        while left := children_of(os.getpid()):
            late = self.force or time.monotonic() > deadline
            for pid, state in left:
                if state == "Z":
                    os.waitpid(pid, os.WNOHANG)
                elif late or pid not in told:
                    told.add(pid)
                    try:
                        os.kill(pid, signal.SIGKILL if late else signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            time.sleep(0.1)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def worker_command(port: int) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:port, headless, watching no files."""
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]


def worker_environment() -> dict[str, str]:
    """This environment, passed to every worker; a relative DSA_DB made absolute, as workers run
    in the project's folder."""
    env = dict(os.environ)
    if env.get("DSA_DB"):
        env["DSA_DB"] = str(Path(env["DSA_DB"]).expanduser().absolute())
    return env
