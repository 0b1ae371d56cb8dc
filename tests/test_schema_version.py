"""The schema version: every warehouse records the version of etl/warehouse/schema.sql it was built
with, the version changes whenever the file does, and a warehouse of another version (or a file
that is no warehouse at all) is refused in one line that says what to run."""
from __future__ import annotations

import hashlib

import duckdb
import pytest

from etl import config, warehouse
from tests import broken_warehouses
from tests.conftest import build_tiny, data_tables, runs

# The digest of schema.sql (sha256, LF line endings) at each schema version; a version's digest
# never changes. Changing schema.sql: bump config.SCHEMA_VERSION, set config.SCHEMA_DIGEST, add it here.
RELEASED = {
    "2": "d911a146ff19193e053082eb613ea54fa10600659411625d581a8ce9a1237156",
    "3": "81351bff2c4652499d0716e1fcff25ce7b974bdc1e3a34e4d32068bf5c5e10e4",
}


def test_schema_sql_changes_only_with_a_new_schema_version():
    digest = hashlib.sha256(config.SCHEMA_FILE.read_bytes().replace(b"\r\n", b"\n")).hexdigest()
    version = config.SCHEMA_VERSION
    assert RELEASED.get(version, digest) == digest, (
        f"etl/warehouse/schema.sql changed (sha256 {digest}) but SCHEMA_VERSION is still {version}: bump "
        f"SCHEMA_VERSION in etl/config.py, set SCHEMA_DIGEST to {digest} and add the pair to RELEASED here")
    assert config.SCHEMA_DIGEST == digest, f"set SCHEMA_DIGEST in etl/config.py to {digest}"
    assert version in RELEASED, f"add schema {version} ({digest}) to RELEASED in this test"
    assert int(version) == max(int(v) for v in RELEASED), "SCHEMA_VERSION only goes up"


def test_a_build_records_the_schema_version_and_a_reader_accepts_it(tmp_path):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    assert warehouse.examine(db) == {"schema_version": config.SCHEMA_VERSION, "contents": "live"}


@pytest.mark.parametrize("recorded, says", [
    (broken_warehouses.OLDER, f"was built by an older version of Assembly Insights (schema {broken_warehouses.OLDER}, "
                              f"this version reads {config.SCHEMA_VERSION})"),
    (str(int(config.SCHEMA_VERSION) + 1), f"was built by a newer version of Assembly Insights "
                                          f"(schema {int(config.SCHEMA_VERSION) + 1}, this version reads "
                                          f"{config.SCHEMA_VERSION})"),
    ("2b", f"was built by another version of Assembly Insights (schema '2b', this version reads "
           f"{config.SCHEMA_VERSION})"),
    (None, f"was built by an older version of Assembly Insights (no schema version recorded, this version reads "
           f"{config.SCHEMA_VERSION})"),
])
def test_a_warehouse_of_another_schema_version_is_refused_saying_how_to_rebuild_it(tmp_path, recorded, says):
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    con = duckdb.connect(str(db))
    if recorded is None:
        con.execute("DELETE FROM warehouse_meta WHERE key = 'schema_version'")
    else:
        con.execute("UPDATE warehouse_meta SET value = ? WHERE key = 'schema_version'", [recorded])
    con.close()
    with pytest.raises(warehouse.Unreadable) as refused:
        warehouse.examine(db)
    assert str(refused.value) == (f"{db} {says}: run `python -m etl refresh --full` (or `python -m etl demo`) "
                                  "to rebuild it")
    assert refused.value.kind == "other_schema" and refused.value.meta["contents"] == "live"


@pytest.mark.parametrize("kind, says", [
    ("missing", "{db}: no warehouse there; build one with `python -m etl demo` or `python -m etl refresh`"),
    ("empty", "{db} is an empty file, not a warehouse"),
    ("text", "{db} is not a DuckDB database, so not a warehouse: check --db or DSA_DB"),
    ("truncated", "{db} cannot be read, the file is damaged or incomplete (IO Error: "),
    ("folder", "{db} is a folder, not a warehouse file: give the file's path in --db or DSA_DB, "
               "e.g. {db}/warehouse.duckdb"),
])
def test_what_is_not_a_readable_warehouse_is_named_in_one_line(tmp_path, kind, says):
    db = broken_warehouses.make(kind, tmp_path / "w.duckdb")
    with pytest.raises(warehouse.Unreadable) as refused:
        warehouse.examine(db)
    assert str(refused.value).startswith(says.format(db=db)), str(refused.value)
    assert "\n" not in str(refused.value)
    assert refused.value.kind == {"truncated": "damaged", "text": "not_duckdb"}.get(kind, kind)


def test_a_duckdb_database_that_is_not_a_warehouse_is_named(tmp_path):
    db = tmp_path / "analysis.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE results AS SELECT 42 AS answer")
    con.close()
    with pytest.raises(warehouse.Unreadable, match="is a DuckDB database but not an Assembly Insights warehouse"):
        warehouse.examine(db)


@pytest.mark.parametrize("kind", ["text", "folder", "foreign"])
def test_a_build_never_replaces_what_is_not_a_warehouse(tmp_path, kind):
    db = tmp_path / "w.duckdb"
    if kind == "foreign":
        con = duckdb.connect(str(db))
        con.execute("CREATE TABLE results AS SELECT 42 AS answer")
        con.close()
    else:
        broken_warehouses.make(kind, db)
    before = db.read_bytes() if db.is_file() else None
    with pytest.raises(warehouse.WarehouseError, match="nothing was written"):
        build_tiny(db)
    assert (db.read_bytes() if db.is_file() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


@pytest.mark.parametrize("kind", ["empty", "truncated", "older"])
def test_a_build_replaces_an_empty_damaged_or_older_warehouse(tmp_path, kind):
    db = broken_warehouses.make(kind, tmp_path / "w.duckdb")
    build_tiny(db, team_name="Rebuilt")
    assert warehouse.examine(db)["schema_version"] == config.SCHEMA_VERSION
    assert ("team-a", "Rebuilt") in [row[:2] for row in data_tables(db)["teams"]]
    logged = [status for _source, status, _message in runs(db)]
    if kind == "truncated":  # as much of its run log as can still be read is kept
        assert logged[-1] == "succeeded"
    else:  # the older warehouse's run is kept
        assert logged == ["succeeded"] * (2 if kind == "older" else 1)
