"""Statement helpers for DuckDB 2.0, which blocks a connection while a result is unfetched."""
from __future__ import annotations

import duckdb


def run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    """Execute `sql` and fetch its whole result, leaving the connection free."""
    return con.execute(sql, params or []).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    """The first column of the first row, or None when there is no row."""
    rows = run(con, sql, params)
    return rows[0][0] if rows else None
