"""The warehouse file: its shape, and how a new version replaces the old one safely.

A build never writes into the live file. It writes a temporary file in the same folder,
checks it, checkpoints and closes it, then renames it over the live file in one step. A
dashboard that already had the old file open keeps reading it; new connections see the new
one. If anything fails, the temporary file is removed and the live file is untouched.
"""
from __future__ import annotations

import contextlib
import functools
import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from filelock import FileLock, Timeout

from etl import config
from etl.db import run, scalar

STAGES = [
    # stage, label, ordinal, phase
    ("idea", "Idea", 1, "idea"),
    ("discovery", "Discovery", 2, "R&D"),
    ("proof_of_concept", "Proof of concept", 3, "R&D"),
    ("pilot", "Pilot", 4, "pilot"),
    ("operational", "Operational", 5, "operational"),
    ("paused", "Paused", 6, "closed"),
    ("retired", "Retired", 7, "closed"),
]

# Integrity rules checked before a build may replace the live file: (description, query
# returning offending rows). Each query returns at most a few example rows.
INTEGRITY_CHECKS = [
    ("commit authors missing from people",
     "SELECT DISTINCT person_key FROM commits WHERE person_key NOT IN (SELECT person_key FROM people)"),
    ("co-authors missing from people",
     "SELECT DISTINCT person_key FROM commit_coauthors WHERE person_key NOT IN (SELECT person_key FROM people)"),
    ("commits of unknown repositories",
     "SELECT DISTINCT full_name FROM commits WHERE full_name NOT IN (SELECT full_name FROM repositories)"),
    ("repositories mapped to unknown teams",
     "SELECT full_name, team_id FROM repositories WHERE team_id IS NOT NULL AND team_id NOT IN (SELECT team_id FROM teams)"),
    ("memberships of unknown people or teams",
     "SELECT person_key, team_id FROM memberships WHERE person_key NOT IN (SELECT person_key FROM people) OR team_id NOT IN (SELECT team_id FROM teams)"),
    ("projects led by unknown teams",
     "SELECT project_id, lead_team_id FROM projects WHERE lead_team_id NOT IN (SELECT team_id FROM teams)"),
    ("project teams that are unknown",
     "SELECT project_id, team_id FROM project_teams WHERE team_id NOT IN (SELECT team_id FROM teams)"),
    ("project stages that are not on the pathway",
     "SELECT project_id, stage FROM project_stages WHERE stage NOT IN (SELECT stage FROM stages)"),
    ("project rows for unknown projects",
     "SELECT project_id FROM project_stages WHERE project_id NOT IN (SELECT project_id FROM projects) "
     "UNION SELECT project_id FROM project_repos WHERE project_id NOT IN (SELECT project_id FROM projects)"),
    ("team history of unknown teams",
     "SELECT team_id FROM team_history WHERE team_id NOT IN (SELECT team_id FROM teams)"),
    ("languages, dependencies or releases of unknown repositories",
     "SELECT DISTINCT full_name FROM (SELECT full_name FROM repo_languages UNION ALL SELECT full_name FROM dependencies "
     "UNION ALL SELECT full_name FROM releases) WHERE full_name NOT IN (SELECT full_name FROM repositories)"),
    ("co-authors of unknown commits",
     "SELECT a.full_name, a.sha FROM commit_coauthors a ANTI JOIN commits c USING (full_name, sha)"),
    ("project teams, tags or outputs of unknown projects",
     "SELECT DISTINCT project_id FROM (SELECT project_id FROM project_teams UNION ALL SELECT project_id FROM project_tags "
     "UNION ALL SELECT project_id FROM project_outputs) WHERE project_id NOT IN (SELECT project_id FROM projects)"),
    ("people in two teams' memberships that overlap",
     "SELECT a.person_key, a.team_id, b.team_id FROM memberships a JOIN memberships b ON a.person_key = b.person_key "
     "AND (a.team_id, a.valid_from) < (b.team_id, b.valid_from) "
     "AND a.valid_from <= coalesce(b.valid_to, DATE '9999-12-31') AND b.valid_from <= coalesce(a.valid_to, DATE '9999-12-31')"),
]

# Derived tables and the views that compute them: filled by every build after the data is in,
# so that pages read a table rather than re-running the rules behind it on every query.
DERIVED = {"contributions": "contribution_attribution"}
# Yearly derived tables and the named analyses (queries/) run for each financial year to fill them.
YEARLY = {"collab_links": "team_links_yearly", "collab_team_activity": "team_activity_yearly"}
# Named analyses (queries/) whose results every build stores for each reporting period the
# dashboard offers (report_periods), all teams: the table, and the columns naming a row's teams,
# by which a page's team filter picks rows (None: the stored rows serve only views of all teams).
BY_PERIOD = {
    "collab_team_activity": ("collab_team_activity_by_period", None),  # the analysis takes no teams
    "collab_links": ("collab_links_by_period", ("team_a_id", "team_b_id")),
    "collab_flows": ("collab_flows_by_period", ("home_team_id", "repo_team_id")),
    "cross_team_repositories": ("cross_team_repositories_by_period", None),
    "cross_team_projects": ("cross_team_projects_by_period", None),
    "languages_by_team": ("languages_by_team_by_period", None),
    "languages_over_time": ("languages_over_time_by_period", None),
    "team_people_quarterly": ("team_people_quarterly_by_period", None),
}


class WarehouseError(Exception):
    """A build could not complete; the live warehouse was left as it was."""


class BusyError(WarehouseError):
    """Another process is already building this warehouse."""


class AlreadyBuilt(WarehouseError):
    """A build asked for only if the warehouse was missing found it already there."""


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of the contract (idempotent) and the reference rows."""
    run(con, config.SCHEMA_FILE.read_text(encoding="utf-8"))
    for stage in STAGES:
        run(con, "INSERT INTO stages VALUES (?, ?, ?, ?) ON CONFLICT (stage) DO NOTHING", stage)
    run(con, "INSERT OR REPLACE INTO warehouse_meta VALUES ('schema_version', ?)", [config.SCHEMA_VERSION])


def table_names(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    """Base tables of the warehouse, in a stable order."""
    where = "AND database_name = ?" if catalog else "AND database_name = current_database()"
    rows = con.execute(
        f"SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' {where} ORDER BY table_name",
        [catalog] if catalog else [],
    ).fetchall()
    return [r[0] for r in rows]


def missing_tables(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Tables of the current contract that the live warehouse at `path` lacks: it was built by an
    earlier version. Adding tables is the only kind of change made without a new SCHEMA_VERSION,
    so the next build (demo, refresh or records load) adds them and keeps everything else.
    `con`: a read-only view of that file already open (open_read_only), to use instead of
    opening one."""
    own = con is None
    con = open_read_only(path) if own else con
    try:
        have = set(table_names(con, "warehouse"))
    finally:
        if own:
            con.close()
    return [t for t in contract_tables() if t not in have]


@functools.cache
def contract_tables() -> tuple[str, ...]:
    """The tables this version's schema creates (read once per process)."""
    fresh = duckdb.connect(":memory:")
    try:
        apply_schema(fresh)
        return tuple(table_names(fresh))
    finally:
        fresh.close()


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: scalar(con, f'SELECT count(*) FROM "{t}"') for t in table_names(con)}


def check_integrity(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Problems that would make the warehouse inconsistent, one sentence each."""
    problems = []
    for what, query in INTEGRITY_CHECKS:
        rows = con.execute(f"{query} LIMIT 5").fetchall()
        if rows:
            examples = "; ".join(", ".join(str(v) for v in row) for row in rows)
            problems.append(f"{what}: {examples}")
    return problems


def lock_for(path: Path) -> FileLock:
    """The lock that lets only one build of a given warehouse run at a time."""
    return FileLock(str(path) + ".lock")


def new_run_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass
class Build:
    """A warehouse under construction: a connection to the temporary file and the run record."""

    con: duckdb.DuckDBPyConnection
    path: Path
    tmp_path: Path
    source: str
    run_id: str
    started_at: dt.datetime
    data_as_of: dt.datetime | None = None
    contents: str = "live"
    status: str = "succeeded"
    stats: dict = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def build(path: Path, source: str, *, wait: float = 0, if_missing: bool = False,
          redact=lambda text: text) -> Iterator[Build]:
    """Build a new version of the warehouse at `path` and swap it in if the body succeeds.

    Only one build per warehouse runs at a time: a second one raises BusyError after
    waiting `wait` seconds. With if_missing=True, a warehouse that exists once the lock is
    held raises AlreadyBuilt (several dashboard sessions starting on an empty folder build
    it once). Any exception in the body, or an integrity problem found afterwards, leaves
    the live file's data exactly as it was; the failed run is added to its etl_runs log,
    with the error passed through `redact` (so no secret reaches the warehouse).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = lock_for(path)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise BusyError(f"another ETL run is already updating {path}; try again when it has finished") from None
    _remove_abandoned_builds(path)
    if if_missing and path.exists():
        lock.release()
        raise AlreadyBuilt(f"{path} already exists")
    started = utcnow()
    tmp_path = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    con = duckdb.connect(str(tmp_path))
    try:
        run(con, "SET enable_progress_bar = false")
        apply_schema(con)
        b = Build(con=con, path=path, tmp_path=tmp_path, source=source,
                  run_id=new_run_id(started), started_at=started)
        yield b
        _finish(b)
        con.close()
        os.replace(tmp_path, path)
    except BaseException as exc:
        con.close()
        if path.exists():
            _record_failure(path, source, started, redact(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)))
        raise
    finally:
        for leftover in (tmp_path, Path(str(tmp_path) + ".wal")):
            leftover.unlink(missing_ok=True)
        lock.release()


def _finish(b: Build) -> None:
    """Load the reference data, check the new warehouse, log the run in it, make it durable."""
    from etl import reference  # reference -> load -> warehouse: imported here, not at the top

    reference.save(b.con)
    for table, view in DERIVED.items():
        run(b.con, f'DELETE FROM "{table}"')
        run(b.con, f'INSERT INTO "{table}" BY NAME SELECT * FROM "{view}"')
    # One moment for the run: the periods stored below must be those the dashboard will derive
    # from the run's data_as_of, even for a build that finishes after midnight.
    b.data_as_of = b.data_as_of or utcnow()
    _fill_yearly(b.con, b.data_as_of.date())
    _fill_by_period(b.con, b.data_as_of.date())
    problems = check_integrity(b.con)
    if problems:
        raise WarehouseError("the new warehouse is inconsistent, nothing was replaced:\n  " + "\n  ".join(problems))
    run(b.con, "INSERT OR REPLACE INTO warehouse_meta VALUES ('contents', ?)", [b.contents])
    for key, value in b.meta.items():
        run(b.con, "INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])
    # Earlier runs of the live warehouse stay in the log.
    if b.path.exists():
        run(b.con, f"ATTACH '{_sql_str(b.path)}' AS previous (READ_ONLY)")
        if "etl_runs" in table_names(b.con, "previous"):
            run(b.con, "INSERT OR IGNORE INTO etl_runs BY NAME SELECT * FROM previous.etl_runs")
        run(b.con, "DETACH previous")
    finished = utcnow()
    counts = row_counts(b.con)
    counts["etl_runs"] += 1
    run(
        b.con,
        """INSERT INTO etl_runs (run_id, source, started_at, finished_at, status, data_as_of,
               repos_seen, repos_changed, commits_added, api_requests, rate_limit_remaining, counts, message)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [b.run_id, b.source, b.started_at, finished, b.status, b.data_as_of,
         b.stats.get("repos_seen"), b.stats.get("repos_changed"), b.stats.get("commits_added"),
         b.stats.get("api_requests"), b.stats.get("rate_limit_remaining"),
         json.dumps(counts, sort_keys=True), b.stats.get("message")],
    )
    run(b.con, "CHECKPOINT")


def _fill_yearly(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Fill the yearly collaboration tables: the dashboard's own analyses (collab_links,
    collab_team_activity; all teams) run for every financial year from the first contribution or
    project (and at least the ten years the trend charts show) to `as_of`, the day the data
    describes, so trend charts read a few hundred rows instead of every contribution, and the
    rules stay in one place."""
    from dashboard import queries  # the analyses live beside the dashboard's other queries

    for table in YEARLY.values():
        run(con, f'DELETE FROM "{table}"')
    first, last = con.execute("""SELECT least(min(authored_at)::DATE, (SELECT min(started_on) FROM projects)),
                                        max(authored_at)::DATE FROM contributions""").fetchone()
    last = max(last or as_of, as_of)
    first = min(first or last, dt.date(last.year - 10, 4, 1))
    for year in range(first.year if first.month >= 4 else first.year - 1, last.year + 1):
        start, end = dt.date(year, 4, 1), min(dt.date(year + 1, 3, 31), last)
        if start > end:
            break
        for name, table in YEARLY.items():
            _insert_frame(con, table, queries.run(con, name, date_from=start, date_to=end).assign(year_start=start))


def _fill_by_period(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Store the BY_PERIOD analyses (all teams) for every reporting period the dashboard will
    offer for this data (dashboard/periods.py, from the first commit to `as_of`), so a page's
    first view after a build reads a few hundred rows instead of every contribution."""
    from dashboard import periods, queries  # the analyses live beside the dashboard's other queries

    for table in ["report_periods", *(table for table, _ in BY_PERIOD.values())]:
        run(con, f'DELETE FROM "{table}"')
    first = scalar(con, "SELECT min(authored_at)::DATE FROM commits") or as_of
    done = set()
    for period in periods.available(first, as_of):
        if (period.start, period.end) in done:  # all time can be a financial year
            continue
        done.add((period.start, period.end))
        run(con, "INSERT INTO report_periods VALUES (?, ?, ?)", [period.start, period.end, period.key])
        for name, (table, _) in BY_PERIOD.items():
            rows = queries.run(con, name, date_from=period.start, date_to=period.end)
            rows.insert(0, "row_order", range(len(rows)))
            _insert_frame(con, table, rows.assign(period_start=period.start, period_end=period.end))


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    """Add `rows` to `table`, matching columns by name."""
    con.register("_rows", rows)
    try:
        run(con, f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    finally:
        con.unregister("_rows")


def stored_result(con: duckdb.DuckDBPyConnection, name: str, date_from: dt.date, date_to: dt.date,
                  teams: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """What the named analysis gives for this period and these teams (empty: all), read from
    its BY_PERIOD table; None when the build stored no result for it (another period, a team
    filter the stored rows cannot answer, or a warehouse built before the table existed)."""
    if name not in BY_PERIOD:
        return None
    table, team_columns = BY_PERIOD[name]
    if teams and not team_columns:
        return None
    if table not in table_names(con) or not scalar(
            con, "SELECT count(*) FROM report_periods WHERE period_start = ? AND period_end = ?", [date_from, date_to]):
        return None
    picked = " OR ".join(f"list_contains($teams, {column})" for column in team_columns) if teams else "true"
    return con.execute(
        f'SELECT * EXCLUDE (period_start, period_end, row_order) FROM "{table}" '
        f"WHERE period_start = $start AND period_end = $end AND ({picked}) ORDER BY row_order",
        {"start": date_from, "end": date_to, **({"teams": list(teams)} if teams else {})}).df()


def _record_failure(path: Path, source: str, started: dt.datetime, message: str) -> None:
    """Add a failed run to the live warehouse's log, leaving its data as it was.

    The log lives inside the warehouse, which the dashboard may be reading, so the row goes
    into a copy that then replaces the live file, like any build.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.failed.tmp")
    try:
        shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp))
        try:
            run(con, """INSERT INTO etl_runs (run_id, source, started_at, finished_at, status, message)
                        VALUES (?, ?, ?, ?, 'failed', ?)""",
                [new_run_id(started), source, started, utcnow(), message[:4000]])
            run(con, "CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    except (OSError, duckdb.Error):
        pass  # the warehouse is not ours to repair; the error itself is still raised to the caller
    finally:
        tmp.unlink(missing_ok=True)


def _remove_abandoned_builds(path: Path) -> None:
    """Delete temporary files of builds that were killed before they could clean up.

    Only called while holding the build lock, so no live build owns them.
    """
    for leftover in path.parent.glob(f".{path.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)


def live_meta(path: Path) -> dict[str, str]:
    """warehouse_meta of the live warehouse, or {} if there is none or it cannot be read."""
    if not Path(path).exists():
        return {}
    try:
        con = open_read_only(path)
    except duckdb.Error:
        return {}
    try:
        return dict(run(con, "SELECT key, value FROM warehouse_meta"))
    except duckdb.Error:
        return {}
    finally:
        con.close()


def carry_over(b: Build, tables: list[str]) -> None:
    """Copy `tables` from the live warehouse into the one being built (incremental runs)."""
    run(b.con, f"ATTACH '{_sql_str(b.path)}' AS previous (READ_ONLY)")
    try:
        previous = set(table_names(b.con, "previous"))
        for table in tables:
            if table in previous:
                run(b.con, f'INSERT INTO "{table}" BY NAME SELECT * FROM previous."{table}"')
    finally:
        run(b.con, "DETACH previous")


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A private read-only view of the warehouse: an in-memory database with the file attached.

    Attaching (rather than connecting to the path) sidesteps DuckDB's per-path instance
    cache, so a reader opened after the file was replaced sees the new file.
    """
    con = duckdb.connect(":memory:")
    run(con, f"ATTACH '{_sql_str(Path(path))}' AS warehouse (READ_ONLY)")
    run(con, "USE warehouse")
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a read-only view (open_read_only) for one query in one thread."""
    cur = con.cursor()
    run(cur, "USE warehouse")
    return cur
