"""Warehouse files as people meet them when something went wrong, for the tests of one-line
failures: none at the path, an empty file, a text file, a DuckDB file cut short, a folder, and a
warehouse an earlier version of Assembly Insights built (its schema older than this one's)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl import config
from tests import small_warehouse

KINDS = ("missing", "empty", "text", "truncated", "folder", "older")
OLDER = str(int(config.SCHEMA_VERSION) - 1)


def older_schema(path: Path) -> Path:
    """The small warehouse as the version before this one left it: `repositories.stars` had not
    been added yet, and warehouse_meta records the earlier schema version."""
    small_warehouse.build(path)
    con = duckdb.connect(str(path))
    try:
        con.execute("ALTER TABLE repositories DROP COLUMN stars")
        con.execute("UPDATE warehouse_meta SET value = ? WHERE key = 'schema_version'", [OLDER])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def make(kind: str, path: Path) -> Path:
    """A warehouse path of the given kind (KINDS); returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("team,commits\nai-imaging,12\n" * 50, encoding="utf-8")
    elif kind == "truncated":  # a copy cut off half-way, as a full disk or an interrupted transfer leaves it
        whole = path.with_name("whole.duckdb")
        small_warehouse.build(whole)
        data = whole.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        whole.unlink()
    elif kind == "folder":
        path.mkdir()
    elif kind == "older":
        older_schema(path)
    elif kind != "missing":
        raise ValueError(kind)
    return path


def damaged_beyond_its_catalogue(path: Path) -> Path:
    """The small warehouse with one data block of `commits.sha` zeroed: opening the file and its
    catalogue work, and the damage shows only when a query reads that block."""
    small_warehouse.build(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        blocks = con.execute("SELECT DISTINCT block_id FROM pragma_storage_info('commits') "
                             "WHERE column_name = 'sha' AND block_id >= 0").fetchall()
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    start = 3 * 4096 + blocks[0][0] * size  # after the file's three 4 KiB headers; 8 bytes of checksum first
    data[start + 8: start + size] = bytes(size - 8)
    path.write_bytes(bytes(data))
    return path
