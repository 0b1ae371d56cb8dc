"""The warehouse's shape: the tables and views of etl/warehouse/schema.sql, the pathway's
stages (from data/vocabulary.yml), and the integrity rules a new build must pass before it may replace the live file."""
from __future__ import annotations

import functools
from pathlib import Path

import duckdb

from analyses import vocabulary
from etl import config
from etl.db import run, scalar
from etl.warehouse.read import open_read_only

#: The rows of the `stages` table, (stage, label, ordinal, phase) in pathway order, from the
#: vocabulary (data/vocabulary.yml).
STAGES = [(s.id, s.label, s.ordinal, s.phase) for s in vocabulary.current().stages]

# Integrity rules checked before a build may replace the live file: (description, query
# returning offending rows). Each query returns at most a few example rows.
INTEGRITY_CHECKS = [
    ("commit authors missing from people",
     "SELECT DISTINCT person_key FROM commits WHERE person_key NOT IN (SELECT person_key FROM people)"),
    ("co-authors missing from people",
     "SELECT DISTINCT person_key FROM commit_coauthors WHERE person_key NOT IN (SELECT person_key FROM people)"),
    ("commits of unknown repositories",
     "SELECT DISTINCT full_name FROM commits WHERE full_name NOT IN (SELECT full_name FROM repositories)"),
    ("repositories mapped to unknown teams",
     "SELECT full_name, team_id FROM repositories WHERE team_id IS NOT NULL AND team_id NOT IN (SELECT team_id FROM teams)"),
    ("memberships of unknown people or teams",
     "SELECT person_key, team_id FROM memberships WHERE person_key NOT IN (SELECT person_key FROM people) OR team_id NOT IN (SELECT team_id FROM teams)"),
    ("projects led by unknown teams",
     "SELECT project_id, lead_team_id FROM projects WHERE lead_team_id NOT IN (SELECT team_id FROM teams)"),
    ("project teams that are unknown",
     "SELECT project_id, team_id FROM project_teams WHERE team_id NOT IN (SELECT team_id FROM teams)"),
    ("project stages that are not on the pathway",
     "SELECT project_id, stage FROM project_stages WHERE stage NOT IN (SELECT stage FROM stages)"),
    ("project rows for unknown projects",
     "SELECT project_id FROM project_stages WHERE project_id NOT IN (SELECT project_id FROM projects) "
     "UNION SELECT project_id FROM project_repos WHERE project_id NOT IN (SELECT project_id FROM projects)"),
    ("team history of unknown teams",
     "SELECT team_id FROM team_history WHERE team_id NOT IN (SELECT team_id FROM teams)"),
    ("languages, dependencies or releases of unknown repositories",
     "SELECT DISTINCT full_name FROM (SELECT full_name FROM repo_languages UNION ALL SELECT full_name FROM dependencies "
     "UNION ALL SELECT full_name FROM releases) WHERE full_name NOT IN (SELECT full_name FROM repositories)"),
    ("co-authors of unknown commits",
     "SELECT a.full_name, a.sha FROM commit_coauthors a ANTI JOIN commits c USING (full_name, sha)"),
    ("project teams, tags or outputs of unknown projects",
     "SELECT DISTINCT project_id FROM (SELECT project_id FROM project_teams UNION ALL SELECT project_id FROM project_tags "
     "UNION ALL SELECT project_id FROM project_outputs) WHERE project_id NOT IN (SELECT project_id FROM projects)"),
    ("needs raised by unknown teams",
     "SELECT need_id, team_id FROM need_teams WHERE team_id NOT IN (SELECT team_id FROM teams)"),
    ("needs tied to unknown projects",
     "SELECT need_id, project_id FROM need_projects WHERE project_id NOT IN (SELECT project_id FROM projects)"),
    ("need teams, technologies, projects or history of unknown needs",
     "SELECT DISTINCT need_id FROM (SELECT need_id FROM need_teams UNION ALL SELECT need_id FROM need_technologies "
     "UNION ALL SELECT need_id FROM need_projects UNION ALL SELECT need_id FROM need_status_history) "
     "WHERE need_id NOT IN (SELECT need_id FROM needs)"),
    ("needs without a status history",
     "SELECT need_id FROM needs ANTI JOIN need_status_history USING (need_id)"),
    ("people in two teams' memberships that overlap",
     "SELECT a.person_key, a.team_id, b.team_id FROM memberships a JOIN memberships b ON a.person_key = b.person_key "
     "AND (a.team_id, a.valid_from) < (b.team_id, b.valid_from) "
     "AND a.valid_from <= coalesce(b.valid_to, DATE '9999-12-31') AND b.valid_from <= coalesce(a.valid_to, DATE '9999-12-31')"),
]


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of the contract (idempotent) and the reference rows."""
    run(con, config.SCHEMA_FILE.read_text(encoding="utf-8"))
    for stage in STAGES:
        run(con, "INSERT INTO stages VALUES (?, ?, ?, ?) ON CONFLICT (stage) DO NOTHING", stage)
    run(con, "INSERT OR REPLACE INTO warehouse_meta VALUES ('schema_version', ?)", [config.SCHEMA_VERSION])


def table_names(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    """Base tables of the warehouse, in a stable order."""
    where = "AND database_name = ?" if catalog else "AND database_name = current_database()"
    rows = con.execute(
        f"SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' {where} ORDER BY table_name",
        [catalog] if catalog else [],
    ).fetchall()
    return [r[0] for r in rows]


def missing_tables(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Tables of the current contract that the live warehouse at `path` lacks although it records
    this SCHEMA_VERSION (every change of schema.sql bumps it, so only a warehouse changed by hand
    lacks one); the next build (demo, refresh or records load) adds them and keeps the rest.
    `con`: a read-only view of that file already open (open_read_only), to use instead of
    opening one."""
    own = con is None
    con = open_read_only(path) if own else con
    try:
        have = set(table_names(con, "warehouse"))
    finally:
        if own:
            con.close()
    return [t for t in contract_tables() if t not in have]


@functools.cache
def contract_tables() -> tuple[str, ...]:
    """The tables this version's schema creates (read once per process)."""
    fresh = duckdb.connect(":memory:")
    try:
        apply_schema(fresh)
        return tuple(table_names(fresh))
    finally:
        fresh.close()


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: scalar(con, f'SELECT count(*) FROM "{t}"') for t in table_names(con)}


def check_integrity(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Problems that would make the warehouse inconsistent, one sentence each."""
    problems = []
    for what, query in INTEGRITY_CHECKS:
        rows = con.execute(f"{query} LIMIT 5").fetchall()
        if rows:
            examples = "; ".join(", ".join(str(v) for v in row) for row in rows)
            problems.append(f"{what}: {examples}")
    return problems


