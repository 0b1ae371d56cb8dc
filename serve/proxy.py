"""`python -m serve.proxy --to worker:8501`: HAProxy alone, in front of worker replicas.

For containers (compose.yaml), where each worker is a container of its own and the container
runtime restarts the ones that die: this writes the configuration for the replicas behind the
DNS name given (each browser kept on one replica by its cookie, each replica health-checked,
websockets passed), then becomes HAProxy, which stops on SIGTERM. Access logs go to stdout with
--access-log.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

from serve import haproxy


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m serve.proxy", description="HAProxy in front of the Streamlit "
                                "replicas behind one DNS name, each browser kept on one replica.")
    p.add_argument("--to", required=True, metavar="HOST:PORT",
                   help="the replicas' DNS name and port, e.g. worker:8501 (each address it resolves to is one)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--slots", type=int, default=16, help="most replicas followed at once (default 16)")
    p.add_argument("--access-log", action="store_true", help="one line per request on stdout")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    p = parser()
    args = p.parse_args(argv)
    host, _, port = args.to.rpartition(":")
    if not host or not port.isdigit():
        p.error(f"--to must be HOST:PORT, e.g. worker:8501, not {args.to!r}")
    if args.slots < 1:
        p.error(f"--slots must be at least 1, not {args.slots}")
    try:
        executable = haproxy.executable()
    except haproxy.HAProxyMissing as exc:
        logging.error("%s", exc)
        return 2
    run_dir = Path(tempfile.mkdtemp(prefix="haproxy-"))
    config = run_dir / "haproxy.cfg"
    config.write_text(haproxy.replicas_config(address="0.0.0.0", port=args.port, target=args.to, slots=args.slots,
                                              run_dir=run_dir, access_log=args.access_log))
    problem = haproxy.check(config)
    if problem:
        logging.error("HAProxy refuses %s: %s", config, problem)
        return 2
    logging.info("HAProxy on port %d in front of %s (up to %d replicas)", args.port, args.to, args.slots)
    os.execv(executable, [executable, "-db", "-f", str(config)])


if __name__ == "__main__":
    sys.exit(main())
