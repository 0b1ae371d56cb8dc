"""Save plain dicts into the warehouse: the one loader every source goes through.

Sources (demo, GitHub, local git, project records) yield plain dicts; the functions here
check them against the schema and write them. A bad row raises LoadError naming the table,
the row and the field, before anything of that batch is written.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from etl.db import run
from etl.warehouse.build import utcnow


class LoadError(ValueError):
    """A row does not fit the warehouse contract."""


_COLUMNS: dict[str, dict[str, dict]] = {}
_KEYS: dict[str, list[str]] = {}

# Columns that identify people: an '@' there means an e-mail address slipped through.
PERSON_COLUMNS = {"person_key", "github_login"}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, dict]:
    """Columns of `table` and whether each is required. Every warehouse a process writes has the
    same schema (etl/warehouse/schema.sql), so the answer is kept per table name after the first ask."""
    if table not in _COLUMNS:
        _COLUMNS[table] = _read_columns(con, table)
    return _COLUMNS[table]


def _read_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, dict]:
    rows = con.execute(
        "SELECT column_name, is_nullable, column_default FROM duckdb_columns() "
        "WHERE table_name = ? AND database_name = current_database() AND schema_name = 'main' "
        "ORDER BY column_index",
        [table],
    ).fetchall()
    if not rows:
        raise LoadError(f"unknown table {table!r}")
    return {name: {"required": not nullable and default is None} for name, nullable, default in rows}


def _primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    if table not in _KEYS:
        _KEYS[table] = _read_primary_key(con, table)
    return _KEYS[table]


def _read_primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY' AND database_name = current_database()",
        [table],
    ).fetchall()
    return list(rows[0][0]) if rows else []


def save_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Mapping], *, replace: bool = False) -> int:
    """Insert `rows` (dicts keyed by column name) into `table`; returns the number written.

    With replace=True, rows whose primary key already exists are replaced (an upsert);
    otherwise an existing key is an error. Duplicate keys within `rows` are always an error.
    """
    rows = list(rows)
    if not rows:
        return 0
    columns = _columns(con, table)
    present: list[str] = []
    for i, row in enumerate(rows):
        unknown = set(row) - set(columns)
        if unknown:
            raise LoadError(f"{table} row {i + 1}: unknown field(s) {', '.join(sorted(unknown))}")
        for name in row:
            if name not in present:
                present.append(name)
        for name, spec in columns.items():
            if spec["required"] and row.get(name) is None:
                raise LoadError(f"{table} row {i + 1}: field {name!r} is required but missing")
        for name in PERSON_COLUMNS & set(row):
            if isinstance(row[name], str) and "@" in row[name]:
                raise LoadError(f"{table} row {i + 1}: field {name!r} looks like an e-mail address; "
                                "people are stored only as pseudonymous keys")
    key = _primary_key(con, table)
    if key:
        seen: dict[tuple, int] = {}
        for i, row in enumerate(rows):
            k = tuple(row.get(c) for c in key)
            if k in seen:
                raise LoadError(f"{table} rows {seen[k] + 1} and {i + 1}: duplicate key "
                                f"({', '.join(key)}) = {k if len(k) > 1 else k[0]!r}")
            seen[k] = i
    frame = pd.DataFrame.from_records(rows, columns=present)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    try:
        con.register("_incoming", frame)
        run(con, f'{verb} INTO "{table}" BY NAME SELECT * FROM _incoming')
    except duckdb.Error as exc:
        raise LoadError(f"{table}: {exc}") from None
    finally:
        con.unregister("_incoming")
    return len(rows)


def problem(source: str, subject: str, kind: str, message: str, detail: str = "") -> dict:
    """A `data_problems` row, found now."""
    return {"source": source, "subject": subject, "kind": kind, "detail": detail, "message": message,
            "detected_at": utcnow()}


class Pending:
    """Rows waiting to be saved, per table, written by flush() in one save_rows per table: a
    source that fetches repository after repository saves them in batches, not one by one.
    Tables are written in the order first added, so keys referring to earlier tables hold."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.rows: dict[tuple[str, bool], list[Mapping]] = {}

    def add(self, table: str, rows: Iterable[Mapping], *, replace: bool = False) -> None:
        self.rows.setdefault((table, replace), []).extend(rows)

    def flush(self) -> None:
        for (table, replace), rows in self.rows.items():
            save_rows(self.con, table, rows, replace=replace)
        self.rows = {}
