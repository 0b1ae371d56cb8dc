"""Results of named analyses stored by every warehouse build, for the periods the dashboard
offers, so that a page's first view reads a few hundred rows instead of every contribution.

A stored result is used only while the query that made it is unchanged: each build records the
digest of every query's text beside its rows, and `read` answers None (run the query live) when
the query file has changed since.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analyses import periods, queries

# Yearly derived tables and the named analyses (analyses/queries/) run for each financial year to
# fill them; each table is read back by the query of the same name.
YEARLY = {"collab_links": "team_links_yearly", "collab_team_activity": "team_activity_yearly"}
# Named analyses (analyses/queries/) whose results every build stores for each reporting period the
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


def fill(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Store the yearly and per-period results of a new build whose data describes `as_of`,
    with the digest of each query that made them."""
    _fill_yearly(con, as_of)
    _fill_by_period(con, as_of)
    _run(con, "DELETE FROM stored_queries")
    tables: dict[str, list[str]] = {}
    for name, table in YEARLY.items():
        tables.setdefault(name, []).append(table)
    for name, (table, _) in BY_PERIOD.items():
        tables.setdefault(name, []).append(table)
    for name, stored_in in sorted(tables.items()):
        _run(con, "INSERT INTO stored_queries VALUES (?, ?, ?)", [name, queries.get(name).digest, ", ".join(stored_in)])


def is_current(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the results stored for the named query were made by the query as its file reads
    now (False after an edit, and for a warehouse built before digests were kept)."""
    if not _has_table(con, "stored_queries"):
        return False
    return _scalar(con, "SELECT query_digest FROM stored_queries WHERE query_name = ?", [name]) == queries.get(name).digest


def _fill_yearly(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Fill the yearly collaboration tables: the dashboard's own analyses (collab_links,
    collab_team_activity; all teams) run for every financial year from the first contribution or
    project (and at least the ten years the trend charts show) to `as_of`, the day the data
    describes, so trend charts read a few hundred rows instead of every contribution, and the
    rules stay in one place."""
    for table in YEARLY.values():
        _run(con, f'DELETE FROM "{table}"')
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
    offer for this data (analyses/periods.py, from the first commit to `as_of`), so a page's
    first view after a build reads a few hundred rows instead of every contribution."""
    for table in ["report_periods", *(table for table, _ in BY_PERIOD.values())]:
        _run(con, f'DELETE FROM "{table}"')
    first = _scalar(con, "SELECT min(authored_at)::DATE FROM commits") or as_of
    done = set()
    for period in periods.available(first, as_of):
        if (period.start, period.end) in done:  # all time can be a financial year
            continue
        done.add((period.start, period.end))
        _run(con, "INSERT INTO report_periods VALUES (?, ?, ?)", [period.start, period.end, period.key])
        for name, (table, _) in BY_PERIOD.items():
            rows = queries.run(con, name, date_from=period.start, date_to=period.end)
            rows.insert(0, "row_order", range(len(rows)))
            _insert_frame(con, table, rows.assign(period_start=period.start, period_end=period.end))


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    """Add `rows` to `table`, matching columns by name."""
    con.register("_rows", rows)
    try:
        _run(con, f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    finally:
        con.unregister("_rows")


def read(con: duckdb.DuckDBPyConnection, name: str, date_from: dt.date, date_to: dt.date,
         teams: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """What the named analysis gives for this period and these teams (empty: all), read from
    its BY_PERIOD table; None when the build stored no result for it (another period, a team
    filter the stored rows cannot answer, a warehouse built before the table existed) or the
    query has changed since the build ran it."""
    if name not in BY_PERIOD or not is_current(con, name):
        return None
    table, team_columns = BY_PERIOD[name]
    if teams and not team_columns:
        return None
    if not _has_table(con, table) or not _scalar(
            con, "SELECT count(*) FROM report_periods WHERE period_start = ? AND period_end = ?", [date_from, date_to]):
        return None
    picked = " OR ".join(f"list_contains($teams, {column})" for column in team_columns) if teams else "true"
    return con.execute(
        f'SELECT * EXCLUDE (period_start, period_end, row_order) FROM "{table}" '
        f"WHERE period_start = $start AND period_end = $end AND ({picked}) ORDER BY row_order",
        {"start": date_from, "end": date_to, **({"teams": list(teams)} if teams else {})}).df()




def _run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    rows = _run(con, sql, params)
    return rows[0][0] if rows else None


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(_scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                             "AND database_name = current_database() AND table_name = ?", [table]))
