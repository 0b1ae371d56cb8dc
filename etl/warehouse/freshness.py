"""Can people trust the data? The latest run and the age of the data, in one place, for the
dashboard's warning and for `python -m etl status` (a monitoring probe)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from etl import config


@dataclass(frozen=True)
class Freshness:
    contents: str                       # demo or live
    last_success: dt.datetime | None    # when the newest succeeded run finished (UTC)
    last_run: dt.datetime | None        # when the newest run of any outcome finished
    last_status: str | None
    last_message: str | None
    last_source: str | None
    max_age_hours: float

    def age_hours(self, now: dt.datetime) -> float | None:
        return None if self.last_success is None else (now - self.last_success).total_seconds() / 3600

    def problems(self, now: dt.datetime) -> list[str]:
        """What an operator must know, one sentence each; [] when all is well. Demo data is a
        fixed snapshot and is never stale."""
        out = []
        if self.last_status is not None and self.last_status != "succeeded":
            out.append(f"The last run ({self.last_source}, {self.last_run:%d %b %Y %H:%M} UTC) {self.last_status}"
                       + (f": {self.last_message}" if self.last_message else ""))
        if self.contents != "demo":
            age = self.age_hours(now)
            if age is None:
                out.append("No run has succeeded yet")
            elif age > self.max_age_hours:
                out.append(f"The data is {_hours(age)} old (last successful refresh {self.last_success:%d %b %Y %H:%M} "
                           f"UTC), more than the {_hours(self.max_age_hours)} allowed (DSA_MAX_AGE_HOURS)")
        return out


def read(con: duckdb.DuckDBPyConnection, catalog: str = "warehouse") -> Freshness:
    """From a connection made by warehouse.open_read_only (the file is attached as `warehouse`)."""
    meta = dict(con.execute(f"SELECT key, value FROM {catalog}.warehouse_meta").fetchall())
    success = con.execute(f"SELECT max(finished_at) FROM {catalog}.etl_runs WHERE status = 'succeeded'").fetchone()[0]
    last = con.execute(f"SELECT finished_at, status, message, source FROM {catalog}.etl_runs "
                       "ORDER BY finished_at DESC NULLS LAST LIMIT 1").fetchone()
    last = last or (None, None, None, None)
    return Freshness(meta.get("contents", "live"), success, last[0], last[1], last[2], last[3], config.max_age_hours())


def removal_problem(con: duckdb.DuckDBPyConnection, max_share: float, catalog: str = "warehouse") -> str | None:
    """A sentence when the newest run that changed the data removed more than `max_share` of the
    repositories it knew and was not started with --confirm-removals; else None (also for
    warehouses written before runs recorded removals)."""
    have = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = ? "
                                       "AND table_name = 'etl_runs'", [catalog]).fetchall()}
    if not {"repos_removed", "removals_confirmed"} <= have:
        return None
    last = con.execute(f"SELECT finished_at, source, repos_removed, repos_seen, removals_confirmed FROM {catalog}.etl_runs "
                       "WHERE status IN ('succeeded', 'partial') ORDER BY finished_at DESC NULLS LAST LIMIT 1").fetchone()
    if not last or not last[2] or last[4]:
        return None
    finished, source, removed, seen = last[0], last[1], last[2], last[3] or 0
    share = removed / (removed + seen)
    if share <= max_share:
        return None
    return (f"The last refresh ({source}, {finished:%d %b %Y %H:%M} UTC) removed {removed} of {removed + seen} "
            f"repositories ({share:.0%}), more than the {max_share:.0%} allowed (DSA_MAX_REMOVED_SHARE): check they "
            "were deleted or moved on GitHub (etl_runs.repos_detail names each and why); give --confirm-removals "
            "when a removal is expected")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _hours(value: float) -> str:
    return f"{value:.0f} hours" if value >= 10 else f"{value:.1f} hours"
