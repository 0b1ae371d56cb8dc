"""The warehouse file: its shape, and how a new version replaces the old one safely.

A build never writes into the live file. It writes a temporary file in the same folder,
checks it, checkpoints and closes it, then renames it over the live file in one step. A
dashboard that already had the old file open keeps reading it; new connections see the new
one. If anything fails, the temporary file is removed and the live file is untouched.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from etl import config
from etl.db import run
from etl.shared import redaction
from etl.warehouse.read import Unreadable, _sql_str, examine
from etl.warehouse.schema import apply_schema, check_integrity, row_counts, table_names

log = logging.getLogger("etl.warehouse")


class WarehouseError(Exception):
    """A build could not complete; the live warehouse was left as it was."""


class BusyError(WarehouseError):
    """Another process is already building this warehouse."""


class AlreadyBuilt(WarehouseError):
    """A build asked for only if the warehouse was missing found it already there."""


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
          redact=lambda text: text, derive: Callable[[Build], None] | None = None) -> Iterator[Build]:
    """Build a new version of the warehouse at `path` and swap it in if the body succeeds.

    Only one build per warehouse runs at a time: a second one raises BusyError after
    waiting `wait` seconds. With if_missing=True, a warehouse that exists once the lock is
    held raises AlreadyBuilt (several dashboard sessions starting on an empty folder build
    it once). `derive(b)` runs after the body, before the checks: the steps every build ends
    with (etl.pipeline.derive). Any exception in the body, or an integrity problem found
    afterwards, leaves the live file's data exactly as it was; the failed run is added to its
    etl_runs log. Every etl_runs row written (message, repos_detail) goes through `redact` (the
    caller's: a token it holds) and etl.shared.redaction (anything secret-shaped), and earlier
    rows carried over are redacted again, so no secret reaches the warehouse.
    """
    path = Path(path)
    lock = _lock(path, wait)
    try:
        _remove_abandoned_builds(path)
        if if_missing and path.exists():
            raise AlreadyBuilt(f"{path} already exists")
        _check_replaceable(path)
    except BaseException:
        lock.release()
        raise
    started = utcnow()
    tmp_path = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    con = duckdb.connect(str(tmp_path))
    try:
        run(con, "SET enable_progress_bar = false")
        apply_schema(con)
        b = Build(con=con, path=path, tmp_path=tmp_path, source=source,
                  run_id=new_run_id(started), started_at=started)
        yield b
        _finish(b, derive, redact)
        con.close()
        os.replace(tmp_path, path)
    except BaseException as exc:
        con.close()
        if path.exists():
            message = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
            _record_failure(path, source, started, redaction.redact(redact(message)))
        raise
    finally:
        for leftover in (tmp_path, Path(str(tmp_path) + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(str(tmp_path) + ".tmp", ignore_errors=True)  # DuckDB's spill folder, if it was left
        lock.release()


def _lock(path: Path, wait: float) -> FileLock:
    """The build lock of `path`, held; its folder is made if need be. One line if it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = config.unmakeable(path.parent, exc)
        raise WarehouseError(f"{path}: its folder {path.parent} cannot be made ({why}): check --db or DSA_DB") from None
    lock = lock_for(path)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise BusyError(f"another ETL run is already updating {path}; try again when it has finished") from None
    except OSError as exc:
        raise WarehouseError(f"{path}: cannot write in {path.parent} ({exc.strerror or exc}): check --db or DSA_DB, "
                             "and that this user may write there") from None
    return lock


def _check_replaceable(path: Path) -> None:
    """A build replaces a warehouse (even a damaged one or one of another schema version), an
    empty file or nothing; never a folder, nor a file that is not a warehouse."""
    try:
        examine(path)
    except Unreadable as exc:
        if exc.kind in ("folder", "unreadable", "not_duckdb", "foreign"):
            raise WarehouseError(f"{exc}; nothing was written") from None


def _finish(b: Build, derive: Callable[[Build], None] | None, redact: Callable[[str], str]) -> None:
    """Derive what the build's data implies, check the new warehouse, log the run in it (redacted),
    make it durable."""
    # One moment for the run: whatever `derive` stores per period must use the periods the
    # dashboard will derive from the run's data_as_of, even for a build that finishes after midnight.
    b.data_as_of = b.data_as_of or utcnow()
    if derive is not None:
        derive(b)
    problems = check_integrity(b.con)
    if problems:
        raise WarehouseError("the new warehouse is inconsistent, nothing was replaced:\n  " + "\n  ".join(problems))
    run(b.con, "INSERT OR REPLACE INTO warehouse_meta VALUES ('contents', ?)", [b.contents])
    for key, value in b.meta.items():
        run(b.con, "INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])
    _keep_run_log(b)
    _redact_runs(b.con)
    finished = utcnow()
    message, detail = b.stats.get("message"), b.stats.get("repos_detail")
    counts = row_counts(b.con)
    counts["etl_runs"] += 1
    run(
        b.con,
        """INSERT INTO etl_runs (run_id, source, started_at, finished_at, status, data_as_of,
               repos_seen, repos_changed, commits_added, api_requests, rate_limit_remaining, counts, message,
               repos_kept, repos_skipped, repos_removed, removals_confirmed, repos_detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [b.run_id, b.source, b.started_at, finished, b.status, b.data_as_of,
         b.stats.get("repos_seen"), b.stats.get("repos_changed"), b.stats.get("commits_added"),
         b.stats.get("api_requests"), b.stats.get("rate_limit_remaining"),
         json.dumps(counts, sort_keys=True), None if message is None else redaction.redact(redact(message)),
         b.stats.get("repos_kept"), b.stats.get("repos_skipped"), b.stats.get("repos_removed"),
         b.stats.get("removals_confirmed"), None if detail is None else redaction.redact_json(redact(detail))],
    )
    run(b.con, "CHECKPOINT")


def _redact_runs(con: duckdb.DuckDBPyConnection) -> None:
    """Redact the messages and details of the runs carried over from the live warehouse (written
    before a secret was recognised as one, or by an earlier version)."""
    redact = redaction.for_sql(con)
    run(con, f"UPDATE etl_runs SET message = {redact.expression('message')}, "
             f"repos_detail = {redact.json('repos_detail')} "
             "WHERE message IS NOT NULL OR repos_detail IS NOT NULL")


def _keep_run_log(b: Build) -> None:
    """Earlier runs of the live warehouse stay in the log: the columns this version shares with
    the one that wrote it. A live file that cannot be read (being rebuilt) has none to give."""
    if not b.path.exists():
        return
    try:
        run(b.con, f"ATTACH '{_sql_str(b.path)}' AS previous (READ_ONLY)")
    except duckdb.Error as exc:
        log.warning("the run log of %s cannot be read (%s); the new warehouse starts a new one", b.path,
                    str(exc).splitlines()[0])
        return
    try:
        ours = _column_names(b.con, None, "etl_runs")
        kept = [c for c in _column_names(b.con, "previous", "etl_runs") if c in ours]
        if kept:
            names = ", ".join(f'"{c}"' for c in kept)
            run(b.con, f"INSERT OR IGNORE INTO etl_runs ({names}) SELECT {names} FROM previous.etl_runs")
    except duckdb.Error as exc:
        log.warning("the run log of %s cannot be kept (%s); the new warehouse starts a new one", b.path,
                    str(exc).splitlines()[0])
    finally:
        run(b.con, "DETACH previous")


def _column_names(con: duckdb.DuckDBPyConnection, catalog: str | None, table: str) -> list[str]:
    where = "database_name = ?" if catalog else "database_name = current_database()"
    rows = con.execute(f"SELECT column_name FROM duckdb_columns() WHERE {where} AND schema_name = 'main' "
                       "AND table_name = ? ORDER BY column_index", [catalog, table] if catalog else [table]).fetchall()
    return [c for (c,) in rows]


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
    """Delete what builds killed before they could clean up left beside the warehouse: their
    temporary file, its `.wal`, and the folder DuckDB spills to (`.tmp.tmp`) when a build
    outgrows memory.

    Only called while holding the build lock, so no live build owns them. Best effort: a
    leftover that cannot be removed is logged, and never stops the build (each build's own
    file names are new).
    """
    for leftover in path.parent.glob(f".{path.name}.*.tmp*"):
        try:
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)
            else:
                leftover.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove %s, left by an interrupted build: %s", leftover, exc)


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


