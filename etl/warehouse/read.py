"""Reading a warehouse file without getting in the way of the builds that replace it."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.db import run


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


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


