"""`python -m etl schedule --every 6h`: refresh on a schedule as a long-running process, for a
container or a VM without cron.

Each cycle runs the same refresh as `python -m etl refresh` and logs one line with its outcome.
A failing run is logged (and recorded in etl_runs by the refresh itself) and the next cycle runs
as planned. SIGTERM or SIGINT stops the process cleanly: while waiting, at once; during a run,
the run is abandoned (the live warehouse stays as it was, the run is logged as failed) and the
process exits 0.
"""
from __future__ import annotations

import logging
import re
import signal
import threading
import time
from collections.abc import Callable

log = logging.getLogger("etl.schedule")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Stopped(BaseException):
    """Raised in the running cycle when the process is asked to stop."""


def parse_interval(text: str) -> float:
    """Seconds in "90s", "30m", "6h", "1d" or "1.5h"."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text or "")
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not an interval: use a number and a unit, e.g. 90s, 30m, 6h or 1d")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run(cycle: Callable[[], int], every: float, *, max_runs: int | None = None,
        install_signals: bool = True) -> int:
    """Call `cycle` (returning an exit code) every `every` seconds, measured from each start,
    until stopped or `max_runs` cycles have run. Returns the number of cycles run."""
    stop = threading.Event()
    running = threading.Event()

    def on_signal(signum, _frame):
        log.info("received %s: stopping", signal.Signals(signum).name)
        stop.set()
        if running.is_set():
            raise Stopped(f"stopped by {signal.Signals(signum).name} before the run finished")

    previous = {}
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, on_signal)
    runs = 0
    try:
        while not stop.is_set() and (max_runs is None or runs < max_runs):
            started = time.monotonic()
            runs += 1
            running.set()
            try:
                code = cycle()
                log.info("scheduled run %d finished: %s", runs, _meaning(code))
            except Stopped:
                log.info("scheduled run %d stopped part-way; the warehouse is as it was before it", runs)
                break
            except Exception as exc:  # noqa: BLE001 - a failing run must not stop the schedule
                log.error("scheduled run %d failed: %s: %s", runs, type(exc).__name__, exc)
            finally:
                running.clear()
            if max_runs is not None and runs >= max_runs:
                break
            wait = max(0.0, every - (time.monotonic() - started))
            log.info("next run in %s", _duration(wait))
            stop.wait(wait)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("scheduler stopped after %d run(s)", runs)
    return runs


def _meaning(code: int) -> str:
    return {0: "succeeded", 2: "failed, nothing loaded (see the line above)",
            3: "partial (rate limit or some repositories failed)"}.get(code, f"exit code {code}")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
