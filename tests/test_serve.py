"""`bin/serve` (`python -m serve`): Streamlit workers behind HAProxy, run for real.

Each test starts the supervisor over a copy of the demo warehouse and drives it in Debian's
Chromium or over HTTP: a page and its export through the proxy, each browser's requests all on
one worker (HAProxy's access log says which worker answered each request), a killed worker
started again while another browser's session carries on, and SIGTERM or Ctrl+C leaving no
process behind. Also: HAProxy accepts the configurations serve writes, and compose.yaml and the
Dockerfile name files and commands that exist.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from etl import config
from serve import haproxy
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_app
from tests.test_browser_signin import provider, sign_in  # noqa: F401 (provider is a fixture)

ROOT = config.ROOT
START_LINE = re.compile(r"^Assembly Insights on (http://\S+): (\d+) workers?, ready in [\d.]+ s")


class Served:
    """A running `python -m serve`: its process, address, output, run folder and access log."""

    def __init__(self, proc: subprocess.Popen, port: int, tmp: Path) -> None:
        self.proc, self.port, self.tmp = proc, port, tmp
        self.url = f"http://127.0.0.1:{port}"
        self.run_dir, self.access_log = tmp / "run", tmp / "access.log"
        self.stdout, self.stderr = tmp / "serve.out", tmp / "serve.err"

    def worker_ports(self) -> dict[str, int]:
        """Worker name -> port, as HAProxy was configured."""
        text = (self.run_dir / "haproxy.cfg").read_text()
        return {name: int(port) for name, port in re.findall(r"server (w\d+) 127\.0\.0\.1:(\d+) cookie", text)}

    def worker_pid(self, name: str) -> int:
        port = self.worker_ports()[name]
        pids = [pid for pid, _ in descendants(self.proc.pid)
                if f"--server.port\0{port}\0" in cmdline(pid)]
        assert len(pids) == 1, (name, pids)
        return pids[0]

    def server_states(self) -> dict[str, str]:
        """HAProxy's view of each worker (UP, DOWN...), from its stats socket."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.run_dir / "haproxy.sock"))
            s.sendall(b"show stat\n")
            data = b"".join(iter(lambda: s.recv(65536), b""))
        rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
        return {row[1]: row[17] for row in rows if row[0] == "workers" and row[1].startswith("w")}

    def access_lines(self, start: int = 0) -> list[dict]:
        """The access log's requests from byte `start`: path, status, worker and the cookie sent."""
        text = self.access_log.read_bytes()[start:].decode()
        found = []
        for line in text.splitlines():
            fields = line.split()
            found.append({"path": fields[3], "status": fields[4], "worker": fields[5].split("/")[1],
                          "cookie": fields[6].partition("=")[2] or None})
        return found


@contextlib.contextmanager
def served(db: Path, tmp: Path, *, workers: int = 2, port: int | None = None, env: dict | None = None):
    """`python -m serve` on a free port of 127.0.0.1 over the warehouse `db`, once it said it is ready;
    `env` is added to its environment."""
    port = port or free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    out, err = open(tmp / "serve.out", "w"), open(tmp / "serve.err", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "serve", "--port", str(port), "--workers", str(workers), "--address", "127.0.0.1",
         "--access-log", str(tmp / "access.log"), "--run-dir", str(tmp / "run")],
        cwd=ROOT, env={**os.environ, "DSA_DB": str(db), **(env or {})}, stdout=out, stderr=err)
    server = Served(proc, port, tmp)
    try:
        deadline = time.monotonic() + 180
        while not server.stdout.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start (exit code {proc.poll()}):\n{server.stderr.read_text()}")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        out.close()
        err.close()


def proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), fields[19])
    return table


def descendants(pid: int) -> set[tuple[int, str]]:
    """(pid, start time) of every process below `pid`."""
    table = proc_table()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, (parent, _) in table.items() if parent in frontier}
        found |= {(p, table[p][1]) for p in frontier}
    return found


def still_running(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Those of `processes` that exist (the same process: same pid and start time), zombies aside."""
    alive = set()
    for pid, started in processes:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[19] == started and fields[0] != "Z":
            alive.add((pid, started))
    return alive


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text() + "\0"
    except OSError:
        return ""


def health(url: str) -> bool:
    try:
        return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(0.3)
    return result


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (bin/dev test does it for you)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_tab(browser, url: str):
    """A new browser (its own cookies) with one tab showing `url`, drawn; the tab."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(url)
    wait_for_app(tab)
    return tab


def worker_of(tab) -> str:
    """The worker HAProxy's cookie keeps this tab's browser on."""
    return next(c["value"] for c in tab.context.cookies() if c["name"] == haproxy.COOKIE)


def download_csv(tab, nth: int, title: str) -> pd.DataFrame:
    """Export dialog of the page's `nth` chart, then its Data (CSV): the table downloaded."""
    tab.locator('[data-testid="stMain"] [data-testid="stButton"] button', has_text="Export").nth(nth).click()
    dialog = tab.get_by_role("dialog")
    dialog.get_by_text(f"Export: {title}").wait_for()
    with tab.expect_download(timeout=60_000) as download:
        dialog.get_by_role("button", name="Data (CSV)").click()
    table = pd.read_csv(download.value.path())
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="hidden")
    return table


def projects_by(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM projects WHERE started_on <= DATE '2026-09-30'").fetchone()[0]
    finally:
        con.close()


# -- processes, over HTTP ---------------------------------------------------------------------

def test_ctrl_c_stops_the_workers_and_haproxy_and_exits_0(demo_db, tmp_path):
    with served(demo_db, tmp_path, workers=1) as server:
        url, workers = START_LINE.match(server.stdout.read_text()).groups()
        assert workers == "1" and url == f"http://localhost:{server.port}"
        assert health(server.url)  # through HAProxy
        processes = descendants(server.proc.pid)
        assert len(processes) == 2  # the worker and HAProxy
        server.proc.send_signal(signal.SIGINT)
        assert server.proc.wait(timeout=30) == 0
    assert still_running(processes) == set()
    assert not health(server.url)


def test_a_port_in_use_is_refused_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "serve", "--port", str(port), "--workers", "1",
                               "--address", "127.0.0.1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0] and "--port" in lines[0]


def test_haproxy_accepts_the_configurations_serve_writes_and_refuses_a_broken_one(tmp_path):
    local = tmp_path / "local.cfg"
    local.write_text(haproxy.local_config(address="127.0.0.1", port=8501, workers={"w1": 40001, "w2": 40002},
                                          run_dir=tmp_path, access_log=True))
    replicas = tmp_path / "replicas.cfg"
    replicas.write_text(haproxy.replicas_config(address="0.0.0.0", port=8501, target="worker:8501", slots=8,
                                                run_dir=tmp_path))
    assert haproxy.check(local) is None
    assert haproxy.check(replicas) is None
    broken = tmp_path / "broken.cfg"
    broken.write_text(local.read_text().replace("timeout tunnel 24h", "timeout tunnel forever"))
    assert "tunnel" in haproxy.check(broken)


# -- containers -------------------------------------------------------------------------------

def _interpolated(words: list[str]) -> list[str]:
    """Compose's ${NAME:-default} as it reads with nothing set."""
    return [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", w) for w in words]


def test_compose_runs_haproxy_workers_and_a_refresh_job_with_commands_that_exist():
    from streamlit import config as streamlit_config

    from etl import schedule
    from etl.__main__ import parser as etl_parser
    from serve import proxy

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"proxy", "worker", "refresh"}
    for name, service in services.items():
        assert service["build"] == "." and service["image"] == "assembly-insights", name
        assert service["command"][:2] == ["python", "-m"], name
        assert importlib.util.find_spec(service["command"][2]), name  # the module runs

    worker = _interpolated(services["worker"]["command"])
    assert worker[2:5] == ["streamlit", "run", "app.py"] and (ROOT / "app.py").exists()
    options = dict(zip(worker[5::2], worker[6::2]))
    assert all(o.startswith("--") and o[2:] in streamlit_config.get_config_options() for o in options), options
    assert options["--server.address"] == "0.0.0.0"
    assert int(_interpolated([str(services["worker"]["deploy"]["replicas"])])[0]) >= 2
    compile(services["worker"]["healthcheck"]["test"][3], "healthcheck", "exec")  # Python that parses
    assert "/_stcore/health" in services["worker"]["healthcheck"]["test"][3]

    args = proxy.parser().parse_args(_interpolated(services["proxy"]["command"])[3:])
    assert args.to == f"worker:{options['--server.port']}"  # the workers' service name and port
    assert services["proxy"]["depends_on"]["worker"]["condition"] == "service_healthy"
    assert services["proxy"]["ports"][0].endswith(f":{args.port}")

    refresh = _interpolated(services["refresh"]["command"])
    args = etl_parser().parse_args(refresh[3:])
    assert args.func.__name__ == "cmd_schedule" and schedule.parse_interval(args.every) == 6 * 3600

    warehouse = "warehouse:/warehouse"  # one warehouse for the dashboard and the refresh
    assert warehouse in services["worker"]["volumes"] and warehouse in services["refresh"]["volumes"]
    assert set(compose["volumes"]) >= {"warehouse", "salt"}
    assert {s["environment"]["DSA_DB"] for s in (services["worker"], services["refresh"])} == {"/warehouse/warehouse.duckdb"}
    assert services["refresh"]["environment"]["DSA_SALT_FILE"].startswith("/salt/")


def test_the_dockerfile_builds_from_python_slim_with_chromium_and_haproxy_and_serves():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert next(line for line in lines if line.startswith("FROM")) == "FROM python:3.11-slim"
    installs = " ".join(line for line in lines if "apt-get install" in line)
    assert {"chromium", "haproxy"} <= set(installs.split())
    copied = [line.split()[1] for line in lines if line.startswith("COPY") and line.split()[1] != "."]
    assert copied and all((ROOT / f).exists() for f in copied)
    assert "pip install --no-cache-dir -r requirements.txt" in " ".join(lines)
    env = " ".join(line for line in lines if "DSA_DB=" in line)
    assert "DSA_DB=/warehouse/warehouse.duckdb" in env
    command = yaml.safe_load(next(line for line in lines if line.startswith("CMD"))[3:])
    assert command[:3] == ["python", "-m", "serve"] and importlib.util.find_spec("serve.__main__")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", ".env", ".streamlit/secrets.toml"} <= set(ignored)


# -- in the browser ---------------------------------------------------------------------------

@pytest.mark.browser
def test_a_tab_and_its_export_are_served_through_haproxy_by_one_worker(demo_db, tmp_path, chromium):
    with served(demo_db, tmp_path) as server:
        start = server.access_log.stat().st_size  # the readiness checks before: not the browser's
        tab = open_tab(chromium, f"{server.url}/overview")
        assert tab.get_by_role("heading", name="Overview").is_visible()
        table = download_csv(tab, 0, "Projects by stage")
        assert list(table.columns) == ["Stage", "Phase", "Projects"]
        assert table.Projects.sum() == projects_by(demo_db)
        worker = worker_of(tab)
        assert worker in server.worker_ports()
        tab.context.close()  # the websocket's line is written when it closes
        requests = wait_until(lambda: [r for r in server.access_lines(start) if r["path"] == "/_stcore/stream"]
                              and server.access_lines(start), 10, "the websocket's line in the access log")
    paths = {r["path"] for r in requests}
    assert "/_stcore/stream" in paths and any(p.startswith("/media/") for p in paths), paths
    assert {r["worker"] for r in requests} == {worker}  # every request of the tab, on one worker
    assert all(r["cookie"] in (None, worker) for r in requests)
    assert [r for r in requests if r["path"].startswith("/media/")][0]["status"] == "200"


@pytest.mark.browser
def test_signing_in_through_haproxy_comes_back_to_the_worker_that_sent_the_browser(demo_db, provider, tmp_path,
                                                                                   chromium):
    """The sign-in's start (/auth/login) and the provider's callback (/oauth2callback) reach the
    browser's worker; the settings reach the workers through the environment."""
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'''
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-cookie-secret-made-for-this-test-only"
client_id = "assembly-insights-test"
client_secret = "a-client-secret-made-for-this-test-only"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[access.viewer]
domains = ["nhs.net"]
''')
    with served(demo_db, tmp_path / "serve", port=port, env={"STREAMLIT_SECRETS_FILES": str(secrets)}) as server:
        start = server.access_log.stat().st_size
        tab = chromium.new_context().new_page()
        sign_in(tab, server.url, "viewer")
        tab.get_by_label("Headline figures").wait_for(timeout=60_000)  # the Overview, signed in
        assert "viewer" in tab.locator('[data-testid="stSidebar"]').inner_text()
        worker = worker_of(tab)
        requests = server.access_lines(start)
    paths = [r["path"] for r in requests]
    assert "/auth/login" in paths and "/oauth2callback" in paths
    assert {r["worker"] for r in requests} == {worker}


@pytest.mark.browser
def test_a_killed_worker_is_started_again_and_another_browser_carries_on(demo_db, tmp_path, chromium):
    with served(demo_db, tmp_path) as server:
        first = open_tab(chromium, f"{server.url}/overview")
        for _ in range(6):  # a new browser goes to the worker with fewer connections
            second = open_tab(chromium, f"{server.url}/overview")
            if worker_of(second) != worker_of(first):
                break
            second.context.close()
        assert worker_of(second) != worker_of(first)
        second.locator('[data-testid="stMain"] [data-testid="stButton"] button', has_text="Export").first.click()
        second.get_by_role("dialog").get_by_role("button", name="PNG image").wait_for()  # Chromium started
        victim = worker_of(second)
        pid = server.worker_pid(victim)
        left = wait_until(lambda: {p for p in descendants(pid) if "chrom" in cmdline(p[0])}, 30,
                          "Chromium started by the worker for exports")

        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: re.search(rf"(?m)^\S+ \S+ WARNING {victim} \(pid {pid}\) killed by SIGKILL after \d+ s; "
                                     r"starting it again in 1 s$", server.stderr.read_text()), 10,
                   "one line saying the worker died and when it starts again")

        table = download_csv(first, 1, "Commits by team per month")  # the other browser's session goes on
        assert table.Commits.sum() > 0
        assert first.locator('[data-testid="stException"]').count() == 0

        wait_until(lambda: server.server_states().get(victim) == "UP"
                   and health(f"http://127.0.0.1:{server.worker_ports()[victim]}"), 60, f"{victim} serving again")
        assert server.worker_pid(victim) != pid
        wait_until(lambda: not still_running(left), 30, "the dead worker's Chromium gone")

        # A browser whose cookie names the restarted worker is served by it again.
        start = server.access_log.stat().st_size
        context = chromium.new_context()
        context.add_cookies([{"name": haproxy.COOKIE, "value": victim, "url": server.url}])
        third = context.new_page()
        third.goto(f"{server.url}/overview")
        wait_for_app(third)
        assert third.locator('[data-testid="stException"]').count() == 0
        requests = server.access_lines(start)
        assert requests and {r["worker"] for r in requests} == {victim}
        assert worker_of(third) == victim


@pytest.mark.browser
def test_sigterm_stops_every_process_it_started_and_exits_0(demo_db, tmp_path, chromium):
    with served(demo_db, tmp_path) as server:
        tab = open_tab(chromium, f"{server.url}/overview")
        tab.locator('[data-testid="stMain"] [data-testid="stButton"] button', has_text="Export").first.click()
        tab.get_by_role("dialog").get_by_role("button", name="PNG image").wait_for()

        def with_chromium():
            found = descendants(server.proc.pid)
            return found if any("chrom" in cmdline(p) for p, _ in found) else None

        processes = wait_until(with_chromium, 30, "a worker's Chromium for exports")
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=60) == 0
    assert still_running(processes) == set()
    assert not health(server.url)
    assert START_LINE.match(server.stdout.read_text())
    assert len(server.stdout.read_text().splitlines()) == 1  # one line at start, nothing else on stdout
