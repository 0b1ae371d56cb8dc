"""Save plain dicts into the warehouse: the one loader every source goes through.

Sources (demo, GitHub, local git, project records) yield plain dicts; the functions here
check them against the schema and write them. A bad row raises LoadError naming the table,
the row and the field, before anything of that batch is written.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from analyses import vocabulary
from etl.db import run
from etl.warehouse.build import utcnow

_STAGE_ORDER = {s.id: s.ordinal for s in vocabulary.current().stages}


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


def _iso_date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LoadError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def project_rows(record: Mapping) -> dict[str, list[dict]]:
    """Flatten one project record (the YAML record format) into rows per warehouse table."""
    pid = record["id"]
    where = f"project {pid}"
    history = sorted(
        ({"project_id": pid, "stage": s["stage"], "entered_on": _iso_date(s["date"], where)}
         for s in record["stages"]),
        key=lambda r: (r["entered_on"], _STAGE_ORDER.get(r["stage"], 0)),  # same day: pathway order
    )
    if not history:
        raise LoadError(f"{where}: field 'stages' needs at least one dated stage")
    current = history[-1]
    teams = [{"project_id": pid, "team_id": record["lead_team"], "role": "lead"}]
    teams += [{"project_id": pid, "team_id": t, "role": "partner"}
              for t in record.get("partner_teams", []) if t != record["lead_team"]]
    tags = [{"project_id": pid, "category": cat, "tag": tag}
            for cat, values in sorted(record.get("tags", {}).items()) for tag in values]
    repos = [{"project_id": pid, "full_name": r["full_name"], "host": r.get("host", "github"), "url": r.get("url")}
             for r in record.get("repositories", [])]
    outputs = [{"project_id": pid, "kind": o["kind"], "title": o["title"], "url": o.get("url"),
                "published_on": _iso_date(o["date"], where) if o.get("date") else None}
               for o in record.get("outputs", [])]
    governance = record.get("governance") or {}
    impact = record.get("impact") or {}
    case_study = next((o.get("url") for o in record.get("outputs", []) if o["kind"] == "case_study"), None)
    project = {
        "project_id": pid,
        "title": record["title"],
        "summary": record["summary"],
        "description": record.get("description"),
        "lead_team_id": record["lead_team"],
        "current_stage": current["stage"],
        "stage_since": current["entered_on"],
        "started_on": history[0]["entered_on"],
        "origin": record.get("origin"),
        "work_area": record.get("work_area"),
        "data_access": record.get("data_access"),
        "operational_owner": record.get("operational_owner"),
        "case_study_url": case_study,
        "years_from": (record.get("years") or {}).get("from") or history[0]["entered_on"].year,
        "years_to": (record.get("years") or {}).get("to") or (
            history[-1]["entered_on"].year if current["stage"] == "retired" else None),
        "dpia": governance.get("dpia"),
        "aia": governance.get("aia"),
        "clinical_safety_case": governance.get("clinical_safety_case"),
        "impact": impact.get("text"),
        "hours_saved_per_year": impact.get("hours_saved_per_year"),
        "organisations_using": impact.get("organisations_using"),
        "record_path": record.get("_path"),
    }
    return {"projects": [project], "project_stages": history, "project_teams": teams,
            "project_tags": tags, "project_repos": repos, "project_outputs": outputs}


def save_projects(con: duckdb.DuckDBPyConnection, records: Iterable[Mapping]) -> int:
    """Save project records (one dict per project, in the record format); returns how many."""
    tables: dict[str, list[dict]] = {}
    n = 0
    for record in records:
        for table, rows in project_rows(record).items():
            tables.setdefault(table, []).extend(rows)
        n += 1
    for table in ("projects", "project_stages", "project_teams", "project_tags", "project_repos", "project_outputs"):
        save_rows(con, table, tables.get(table, []))
    return n
