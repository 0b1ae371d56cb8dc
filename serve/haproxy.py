"""HAProxy in front of the Streamlit workers: its configuration, written from the options.

Why HAProxy (Debian's `haproxy` package): it keeps each browser on one worker with a cookie it
inserts itself (`cookie ... insert indirect nocache`: the worker never sees it, and no cache
keeps it), checks each worker's /_stcore/health and takes a failed one out of the rotation, and
passes websockets through with their own idle timeout (`timeout tunnel`). When the worker a
cookie names is down, the request goes to another one (`option redispatch`), which starts a new
session there: the page reloads on it and the browser's cookie names the new worker.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

COOKIE = "dsa_worker"
HEALTH = "/_stcore/health"
# One line a request, written when the request ends (a websocket's when the tab closes): the
# path without its query string, so a sign-in's authorisation code is never written down.
LOG_FORMAT = "%t %ci %HM %HP %ST %b/%s %CC %Tt ms %B bytes"


class HAProxyMissing(RuntimeError):
    """No haproxy executable."""


def executable() -> str:
    """The haproxy program: on the PATH, else Debian's /usr/sbin/haproxy (not on a user's PATH)."""
    found = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")
                                             if Path(p).exists()), None)
    if not found:
        raise HAProxyMissing("HAProxy is not installed: run bin/serve, which installs it, "
                             "or `apt-get install haproxy`")
    return found


def local_config(*, address: str, port: int, workers: dict[str, int], run_dir: Path,
                 access_log: bool = False) -> str:
    """The configuration for `bin/serve`: `workers` (name to port) listening on 127.0.0.1."""
    servers = "".join(f"    server {name} 127.0.0.1:{worker_port} cookie {name}\n"
                      for name, worker_port in workers.items())
    return _config(address, port, run_dir, access_log,
                   f"    cookie {COOKIE} insert indirect nocache httponly attr \"SameSite=Lax\"\n{servers}")


def replicas_config(*, address: str, port: int, target: str, slots: int, run_dir: Path,
                    access_log: bool = False) -> str:
    """The configuration for containers: the replicas behind the DNS name of `target`
    (`host:port`, e.g. compose's `worker:8501`), up to `slots` of them, found again as they come
    and go. Each one's cookie value is made from its address (`dynamic`), as replicas have none."""
    resolvers = ("resolvers dns\n"
                 "    parse-resolv-conf\n"
                 "    hold valid 10s\n"
                 "    hold obsolete 10s\n\n")
    servers = (f"    cookie {COOKIE} insert indirect nocache dynamic httponly attr \"SameSite=Lax\"\n"
               "    dynamic-cookie-key assembly-insights\n"
               f"    server-template w 1-{slots} {target} resolvers dns init-addr none\n")
    return resolvers + _config(address, port, run_dir, access_log, servers)


def _config(address: str, port: int, run_dir: Path, access_log: bool, servers: str) -> str:
    log_global = "    log stdout format raw local0 info info\n" if access_log else ""
    log_defaults = "    log global\n" if access_log else ""
    log_frontend = (f"    capture cookie {COOKIE}= len 32\n"
                    f"    log-format \"{LOG_FORMAT}\"\n") if access_log else ""
    return f"""global
    maxconn 4096
    stats socket {run_dir / "haproxy.sock"} mode 600 level user
{log_global}
defaults
    mode http
{log_defaults}    option dontlognull
    option forwardfor
    option redispatch
    retries 2
    timeout connect 5s
    timeout client 60s
    timeout server 120s
    timeout http-request 15s
    timeout http-keep-alive 15s
    timeout queue 30s
    # A tab's websocket (/_stcore/stream) is open as long as the tab is.
    timeout tunnel 24h
    timeout client-fin 10s
    timeout server-fin 10s

frontend dashboard
    bind {address}:{port}
{log_frontend}    default_backend workers

backend workers
    balance leastconn
    option httpchk
    http-check send meth GET uri {HEALTH}
    http-check expect string ok
    default-server check inter 2s fall 2 rise 1
{servers}"""


def check(config_file: Path) -> str | None:
    """What HAProxy says is wrong with `config_file` (its first alert, one line), or None when it
    accepts it."""
    done = subprocess.run([executable(), "-c", "-f", str(config_file)], capture_output=True, text=True)
    if done.returncode == 0:
        return None
    said = (done.stderr + done.stdout).splitlines()
    alerts = [re.sub(r"^\[ALERT\]\s+\(\d+\) : (config : )?", "", line) for line in said if line.startswith("[ALERT]")]
    return (alerts or said or [f"exit code {done.returncode}"])[0].strip()
