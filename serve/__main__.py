"""`python -m serve [--port P] [--workers N]`: the dashboard for many people, as `bin/serve` runs it.

Exit codes: 0 stopped by Ctrl+C or SIGTERM; 2 not started, with one line saying why (HAProxy
missing, the port taken, a worker that would not start).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from serve import haproxy, supervisor

MAX_WORKERS = 64


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bin/serve", description="Serve the dashboard with several Streamlit "
                                "workers behind HAProxy, each browser kept on one worker.")
    p.add_argument("--port", type=int, default=8501, help="port people open (default 8501)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="Streamlit processes, each using up to one core (default: the number of cores, "
                        f"here {os.cpu_count()})")
    p.add_argument("--address", default="0.0.0.0",
                   help="address to listen on (default 0.0.0.0, every interface; 127.0.0.1 for this machine only)")
    p.add_argument("--access-log", type=Path, metavar="FILE",
                   help="append one line per request to FILE: time, client, method, path (without query "
                        "string), status, worker")
    p.add_argument("--run-dir", type=Path, metavar="DIR",
                   help="where HAProxy's configuration and socket go (default: a temporary folder, removed "
                        "on exit)")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    p = parser()
    args = p.parse_args(argv)
    if not 1 <= args.port <= 65535:
        p.error(f"--port must be between 1 and 65535, not {args.port}")
    if not 1 <= args.workers <= MAX_WORKERS:
        p.error(f"--workers must be between 1 and {MAX_WORKERS}, not {args.workers}")
    if args.access_log:
        try:
            args.access_log.parent.mkdir(parents=True, exist_ok=True)
            args.access_log.open("a").close()
        except OSError as exc:
            logging.error("cannot write the access log %s: %s", args.access_log, exc.strerror)
            return 2
    try:
        return supervisor.Supervisor(address=args.address, port=args.port, workers=args.workers,
                                     run_dir=args.run_dir, access_log=args.access_log).run()
    except (supervisor.ServeError, haproxy.HAProxyMissing) as exc:
        logging.error("%s", exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
