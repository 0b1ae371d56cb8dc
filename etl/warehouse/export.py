"""`python -m etl export --parquet DIR`: every warehouse table as Parquet, for the operational
platforms (Foundry, Databricks) and for analysts using DuckDB or Spark.

One file per table (`DIR/<table>.parquet`), except commits, partitioned by year
(`DIR/commits/year=2024/...`, Hive style, which Spark and DuckDB read as a column). Beside them,
`schema.json` lists every table with its columns, types, descriptions and row count, and
`schema.sql` is the contract the tables were built from. The export is written into a new
folder and swapped in whole, so a reader never sees half of one. People's GitHub logins are
left out (the column is empty) unless DSA_SHOW_LOGINS allows them. Nothing secret is stored in
the warehouse, and every text value is redacted again on its way out (etl.shared.redaction).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import duckdb

from etl import config, warehouse
from etl.shared import redaction

PARTITIONED = {"commits": "year(authored_at)"}


class ExportError(ValueError):
    """The export could not be written; the message says why."""


def parquet(db_path: Path, out_dir: Path) -> dict[str, int]:
    """Write the export; returns rows per table."""
    db_path, out_dir = Path(db_path), Path(out_dir)
    warehouse.examine(db_path)  # Unreadable: one line saying why and what to run
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file; the export writes a folder: choose a new or empty folder")
    staging = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    try:
        if out_dir.exists() and not (out_dir / "schema.json").exists() and any(out_dir.iterdir()):
            raise ExportError(f"{out_dir} holds files that are not an earlier export; choose an empty or new folder")
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        counts = _write(db_path, staging)
        shutil.copy(config.SCHEMA_FILE, staging / "schema.sql")
        _swap_in(staging, out_dir)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)  # nothing half-written is left
        if isinstance(exc, duckdb.IOException) and str(db_path) in str(exc):
            raise warehouse.damaged(db_path, exc) from None
        if isinstance(exc, (OSError, duckdb.IOException)):
            raise ExportError(f"{out_dir}: the export cannot be written there ({_reason(exc, out_dir)}); "
                              "choose a folder this user may write in") from None
        raise
    return counts


def _write(db_path: Path, staging: Path) -> dict[str, int]:
    """Every table's Parquet and schema.json into `staging`; rows per table."""
    con = warehouse.open_read_only(db_path)
    try:
        tables = warehouse.table_names(con, "warehouse")
        redact = redaction.for_sql(con)
        described = _columns(con)
        counts, manifest = {}, {}
        for table in tables:
            select = _select(table, described[table], redact)
            if table in PARTITIONED:
                target = staging / table
                con.execute(f"COPY (SELECT *, {PARTITIONED[table]} AS year FROM ({select})) TO '{_sql(target)}' "
                            "(FORMAT parquet, PARTITION_BY (year))")
                path = f"{table}/year=*/*.parquet"
            else:
                con.execute(f"COPY ({select}) TO '{_sql(staging / f'{table}.parquet')}' (FORMAT parquet)")
                path = f"{table}.parquet"
            counts[table] = con.execute(f'SELECT count(*) FROM warehouse."{table}"').fetchone()[0]
            manifest[table] = {"path": path, "rows": counts[table], "description": described[table]["comment"],
                               "partitioned_by": "year" if table in PARTITIONED else None,
                               "columns": described[table]["columns"]}
        meta = dict(con.execute("SELECT key, value FROM warehouse.warehouse_meta").fetchall())
    finally:
        con.close()
    (staging / "schema.json").write_text(json.dumps({
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "schema_version": meta.get("schema_version"), "contents": meta.get("contents"),
        "github_logins_included": config.show_logins(), "tables": manifest}, indent=2, default=str) + "\n")
    return counts


def _reason(exc: Exception, out_dir: Path) -> str:
    if isinstance(exc, OSError):
        return config.unmakeable(out_dir.parent, exc)
    return str(exc).splitlines()[0]


def _columns(con) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for table, comment in con.execute("SELECT table_name, comment FROM duckdb_tables() "
                                      "WHERE database_name = 'warehouse' AND schema_name = 'main'").fetchall():
        out[table] = {"comment": comment, "columns": []}
    for table, name, dtype, comment in con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = 'warehouse' AND schema_name = 'main' ORDER BY table_name, column_index").fetchall():
        if table in out:
            out[table]["columns"].append({"name": name, "type": dtype, "description": comment})
    return out


def _select(table: str, described: dict, redact: redaction.SqlRedaction) -> str:
    """Every column of `table`, text redacted; people's logins left empty unless allowed."""
    hide_logins = table == "people" and not config.show_logins()
    columns = ["NULL::VARCHAR AS github_login" if hide_logins and c["name"] == "github_login"
               else redact.column(c["name"], c["type"]) for c in described["columns"]]
    return "SELECT " + ", ".join(columns) + f' FROM warehouse."{table}"'


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` with `staging` in two renames; the old export is removed after."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")
