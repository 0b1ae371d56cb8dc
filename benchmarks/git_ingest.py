"""Git source ingest speed against raw `git log`, on a generated repository.

    .venv/bin/python benchmarks/git_ingest.py [--commits 120000] [--authors 400]

Builds a repository with `git fast-import` (each commit changes one small file, authors drawn
from a pool, one commit in 50 with a Co-authored-by trailer), then times:
- raw `git log` printing the same fields the git source asks for, to /dev/null;
- the git source reading the commits (fetch.commits and rows.commit_rows: git log plus parsing and
  keying);
- a whole first load, `python -m etl refresh --git PATH` into a new warehouse (commits saved,
  tree, languages, manifests, tags);
- a second refresh with 1,000 new commits (incremental).
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.git import fetch, rows  # noqa: E402
from etl.shared.people import People  # noqa: E402


def build(repo: Path, commits: int, authors: int, start: int = 0, seed: int = 1) -> None:
    rng = random.Random(seed + start)
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    lines = []
    parent = None
    if start:
        parent = subprocess.run(["git", "-C", str(repo), "rev-parse", "main"], capture_output=True, text=True,
                                check=True).stdout.strip()
    when = 1_600_000_000 + start * 600
    for i in range(start, start + commits):
        who = rng.randrange(authors)
        when += rng.randint(60, 1200)
        message = f"change {i}\n" + (f"\nCo-authored-by: Pair {who + 1} <pair{who + 1}@example.nhs.test>\n"
                                     if i % 50 == 0 else "")
        body = f"value = {i}\n".encode()
        lines.append(f"commit refs/heads/main\nmark :{i + 1}\n"
                     f"author Analyst {who} <analyst{who}@example.nhs.test> {when} +0000\n"
                     f"committer Analyst {who} <analyst{who}@example.nhs.test> {when} +0000\n"
                     f"data {len(message.encode())}\n{message}\n")
        if i == start and parent:
            lines.append(f"from {parent}\n")
        lines.append(f"M 100644 inline src/module_{i % 200}.py\ndata {len(body)}\n{body.decode()}\n")
        if i == 0:
            reqs = b"pandas>=2\nnumpy\n"
            lines.append(f"M 100644 inline requirements.txt\ndata {len(reqs)}\n{reqs.decode()}\n")
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input="".join(lines).encode(), check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-f", "main"], check=True)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=120_000)
    parser.add_argument("--authors", type=int, default=400)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="git-ingest-"))
    repo = work / "big"
    took, _ = timed(lambda: build(repo, args.commits, args.authors))
    print(f"built {args.commits:,} commits by {args.authors} authors in {took:.1f} s")
    fmt = fetch.LOG_FORMAT
    raw, _ = timed(lambda: subprocess.run(["git", "-C", str(repo), "log", "--no-color", "--no-mailmap",
                                            f"--format={fmt}", "main"], stdout=subprocess.DEVNULL, check=True))
    head = fetch.head(repo, "main")
    read, batch = timed(lambda: rows.commit_rows("local/big", fetch.commits(repo, head),
                                                 People("benchmark", source="git")))
    assert len(batch.commits) == args.commits
    env = {**os.environ, "DSA_SALT": "benchmark"}
    db = work / "w.duckdb"
    load, done = timed(lambda: subprocess.run([sys.executable, "-m", "etl", "refresh", "--git", str(repo), "--db",
                                               str(db)], cwd=ROOT, env=env, capture_output=True, text=True))
    assert done.returncode == 0, done.stderr
    build(repo, 1000, args.authors, start=args.commits)
    again, done = timed(lambda: subprocess.run([sys.executable, "-m", "etl", "refresh", "--git", str(repo), "--db",
                                                str(db)], cwd=ROOT, env=env, capture_output=True, text=True))
    assert done.returncode == 0, done.stderr
    n = args.commits
    print()
    print("| step | seconds | commits per second | ratio to raw git log |")
    print("|---|---:|---:|---:|")
    print(f"| raw `git log` ({n:,} commits, same fields) | {raw:.2f} | {n / raw:,.0f} | 1.00 |")
    print(f"| git source reads them (log, parse, person keys) | {read:.2f} | {n / read:,.0f} | {read / raw:.2f} |")
    print(f"| first load, `etl refresh --git` (whole run, saved) | {load:.2f} | {n / load:,.0f} | {load / raw:.2f} |")
    print(f"| second refresh, 1,000 new commits | {again:.2f} | - | - |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
