"""Reading a warehouse file without getting in the way of the builds that replace it, and
telling, in one line, why a file cannot be read as this version's warehouse."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl import config
from etl.db import run

REBUILD = "run `python -m etl refresh --full` (or `python -m etl demo`) to rebuild it"
_MAGIC = b"DUCK"  # bytes 8 to 12 of every DuckDB database file


class Unreadable(Exception):
    """The file at a warehouse path cannot be read as this version's warehouse. str() is one
    line naming the file, why, and what to run. `kind`: missing, folder, unreadable (not even
    its first bytes), empty, not_duckdb, foreign (a DuckDB database that is not a warehouse),
    damaged, other_schema. `meta`: the file's warehouse_meta when it could be read."""

    def __init__(self, message: str, kind: str, meta: dict[str, str] | None = None):
        super().__init__(message)
        self.kind = kind
        self.meta = meta or {}


def examine(path: Path) -> dict[str, str]:
    """warehouse_meta of the warehouse at `path` once it is known to be one this version reads;
    raises Unreadable otherwise (no file, a folder, an empty or foreign file, a damaged one, or
    one of another schema version)."""
    path = Path(path)
    _check_file(path)
    try:
        con = open_read_only(path)
    except duckdb.Error as exc:
        raise damaged(path, exc) from None
    try:
        if not run(con, "SELECT 1 FROM duckdb_tables() WHERE database_name = 'warehouse' "
                        "AND schema_name = 'main' AND table_name = 'warehouse_meta'"):
            raise Unreadable(f"{path} is a DuckDB database but not an Assembly Insights warehouse (it has no "
                             "warehouse_meta table): check --db or DSA_DB", "foreign")
        meta = dict(run(con, "SELECT key, value FROM warehouse_meta"))
    except duckdb.Error as exc:
        raise damaged(path, exc) from None
    finally:
        con.close()
    _check_version(path, meta)
    return meta


def damaged(path: Path, exc: Exception) -> Unreadable:
    """The Unreadable for a warehouse DuckDB fails to read (`exc`): truncated, or damaged."""
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Unreadable(f"{path} cannot be read, the file is damaged or incomplete ({detail}): {REBUILD}, "
                      "or restore it from a backup", "damaged")


def is_damage(exc: Exception) -> bool:
    """Whether a DuckDB error means the file itself is damaged (truncated, overwritten), not
    that a query is wrong: DuckDB reads a file's blocks only when a query needs them."""
    return isinstance(exc, duckdb.IOException) or "Corrupt database file" in str(exc)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise Unreadable(f"{path}: no warehouse there; build one with `python -m etl demo` or "
                         "`python -m etl refresh` (or point --db or DSA_DB at one)", "missing")
    if path.is_dir():
        raise Unreadable(f"{path} is a folder, not a warehouse file: give the file's path in --db or DSA_DB, "
                         f"e.g. {path / 'warehouse.duckdb'}", "folder")
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise Unreadable(f"{path} cannot be read ({exc.strerror or exc}): check --db or DSA_DB, and that this "
                         "user may read it", "unreadable") from None
    if not head:
        raise Unreadable(f"{path} is an empty file, not a warehouse: remove it, or build one there with "
                         "`python -m etl demo` or `python -m etl refresh`", "empty")
    if head[8:12] != _MAGIC:
        raise Unreadable(f"{path} is not a DuckDB database, so not a warehouse: check --db or DSA_DB", "not_duckdb")


def _check_version(path: Path, meta: dict[str, str]) -> None:
    found, reads = meta.get("schema_version"), config.SCHEMA_VERSION
    if found == reads:
        return
    if found is None:
        which, schema = "an older version", "no schema version recorded"
    elif found.isdigit() and int(found) > int(reads):
        which, schema = "a newer version", f"schema {found}"
    elif found.isdigit():
        which, schema = "an older version", f"schema {found}"
    else:
        which, schema = "another version", f"schema {found[:20]!r}"
    raise Unreadable(f"{path} was built by {which} of Assembly Insights ({schema}, this version reads {reads}): "
                     f"{REBUILD}", "other_schema", meta)


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


