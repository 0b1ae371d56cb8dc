"""GitHub refresh figures against the local test server (which speaks GitHub's REST API).

Runs the real command line, `python -m etl refresh`, over a generated set of organisations:
a first load, a refresh with nothing changed, a refresh after changes in a few repositories,
and a first load with 10% of responses failing. Prints requests (from etl_runs, checked
against the server's own count), seconds, and each budget.

    .venv/bin/python benchmarks/github_refresh.py [--repos 300] [--commits 50] [--no-graphql]

--no-graphql: the server answers 404 on /api/graphql (a gateway passing only REST), so languages
and files are read through REST; the budgets are the GraphQL path's and are not applied.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from tests.github_server import FakeGitHub  # noqa: E402

TOKEN = "benchmark-token"
T0 = dt.datetime(2023, 4, 3, 9, 0)


NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {}, "outputs": [], "source": "import matplotlib.pyplot as plt\nimport seaborn"}]})


def populate(gh: FakeGitHub, repos: int, commits_per_repo: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    orgs = ["nhsx", "nhsengland", "NHSDigital"]
    for org in orgs:
        gh.add_org(org)
    total = 0
    for i in range(repos):
        name = f"{orgs[i % 3]}/project-{i:04d}"
        gh.add_repo(name, languages={"Python": rng.randint(1000, 90000), "Jupyter Notebook": rng.randint(0, 50000)},
                    topics=["nlp"] if i % 5 == 0 else [])
        n = max(1, int(rng.expovariate(1 / commits_per_repo)))
        for c in range(n):
            files = {"requirements.txt": "pandas>=2\nscikit-learn\n"} if c == 0 else {f"src/m{c % 7}.py": f"v{c}"}
            if c == 0 and i % 10 == 5:  # a prototype with no manifest: dependencies inferred from its imports
                files = {"src/model.py": "import pandas as pd\nfrom sklearn import linear_model\n",
                         "notebooks/explore.ipynb": NOTEBOOK}
            if c == 0 and i % 4 == 0:
                files["pyproject.toml"] = '[project]\nname = "x"\ndependencies = ["numpy>=1.26", "torch"]\n'
            gh.commit(name, message=f"change {c}", date=T0 + dt.timedelta(hours=c * 7 + i),
                      author_login=f"analyst-{rng.randint(1, 60)}", files=files)
        total += n
        if i % 6 == 0:
            gh.add_release(name, "v1.0.0", published_at=T0 + dt.timedelta(days=30))
    return total


def refresh(config_file: Path, db: Path, base_url: str, *extra: str) -> tuple[float, int]:
    env = {**os.environ, "GITHUB_API_URL": base_url, "GITHUB_TOKEN": TOKEN, "DSA_SALT": "benchmark"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "etl", "refresh", "--config", str(config_file), "--db", str(db), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"refresh failed ({done.returncode}):\n{done.stderr}")
    con = duckdb.connect(str(db), read_only=True)
    requests = con.execute("SELECT api_requests FROM etl_runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    con.close()
    return seconds, requests


def write_config(work: Path) -> Path:
    """A sources file for the three test organisations, each mapped to a team, without client-side
    throttling or retry pauses (the server is local)."""
    config_file = work / "sources.yml"
    config_file.write_text(
        f"teams_file: {ROOT / 'data' / 'teams.yml'}\n"
        "github:\n  seconds_between_requests: 0\n  retry_backoff: 0\n  max_rate_limit_wait: 0\n"
        "  organisations: [nhsx, nhsengland, NHSDigital]\n"
        "team_rules:\n  - {team: analytics-unit, organisation: nhsx}\n  - {team: data-science-hub, organisation: nhsengland}\n"
        "  - {team: nhsd-data-science, organisation: NHSDigital}\n")
    return config_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=300)
    parser.add_argument("--commits", type=int, default=50, help="mean commits per repository")
    parser.add_argument("--no-graphql", action="store_true", help="serve no GraphQL: measure the REST path")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dsa-bench-"))
    config_file = write_config(work)
    rows = []
    with FakeGitHub(token=TOKEN) as gh:
        gh.retry_after_seconds = 0
        if args.no_graphql:
            gh.graphql_mode = "404"
        t = time.perf_counter()
        commits = populate(gh, args.repos, args.commits)
        print(f"test server: {args.repos} repositories, {commits} commits (generated in {time.perf_counter() - t:.1f} s)")
        db = work / "warehouse.duckdb"

        gh.reset_log()
        seconds, made = refresh(config_file, db, gh.base_url)
        assert made == gh.request_count(counted_only=False), "etl_runs.api_requests disagrees with the server"
        budget = 6 * args.repos + math.ceil(commits / 100)
        rows.append(("first load", made, budget, seconds, made / args.repos))

        gh.reset_log()
        seconds, made = refresh(config_file, db, gh.base_url)
        budget = math.ceil(args.repos / 100) + 3
        rows.append(("no change", made, budget, seconds, made / args.repos))

        changed = 5
        for i in range(changed):
            gh.commit(f"nhsx/project-{i * 3:04d}", message="new work", date=T0 + dt.timedelta(days=400),
                      author_login="analyst-7", files={"src/new.py": "x"})
        gh.reset_log()
        seconds, made = refresh(config_file, db, gh.base_url)
        budget = math.ceil(args.repos / 100) + 3 + 6 * changed + changed
        rows.append((f"{changed} repos changed", made, budget, seconds, made / changed))

        faulty = work / "faulty.duckdb"
        gh.reset_log()
        gh.set_faults(0.10, kinds=("502", "secondary"), seed=3)
        seconds, made = refresh(config_file, faulty, gh.base_url)
        failed = sum(1 for r in gh.requests if r["status"] in (502, 403))
        gh.set_faults(0)
        rows.append((f"first load, 10% faults ({failed} failed)", made, None, seconds, made / args.repos))

    if args.no_graphql:  # the budgets stand for the GraphQL path
        rows = [(name, made, None, seconds, per) for name, made, _budget, seconds, per in rows]
    print("\n| run | requests | budget | within | seconds | requests per repo |\n|---|---:|---:|---|---:|---:|")
    for name, made, budget, seconds, per in rows:
        within = "-" if budget is None else ("yes" if made <= budget else "NO")
        print(f"| {name} | {made} | {budget if budget is not None else '-'} | {within} | {seconds:.1f} | {per:.2f} |")
    same = compare(db, faulty)
    print(f"\nwarehouse after the faulty load equals the fault-free one: {same}")


def compare(a: Path, b: Path) -> bool:
    volatile = {"github_repo_state": "fetched_at", "data_problems": "detected_at"}
    out = []
    for path in (a, b):
        con = duckdb.connect(str(path), read_only=True)
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
                  if t not in ("etl_runs", "warehouse_meta")]
        snapshot = {}
        for t in tables:
            cols = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name=? "
                                             "ORDER BY column_index", [t]).fetchall() if c != volatile.get(t)]
            snapshot[t] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall(), key=repr)
        con.close()
        out.append(snapshot)
    return out[0] == out[1]


if __name__ == "__main__":
    main()
