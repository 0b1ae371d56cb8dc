"""Shared fixtures: a demo warehouse built once per test session, and small hand-built ones."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from etl import pipeline, warehouse
from etl.records import rows as project_rows
from etl.warehouse import load


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory) -> Path:
    """The demo warehouse, built once; copy it (demo_db) before anything may change it."""
    from etl.demo import build

    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    build.build_demo(path)
    return path


@pytest.fixture
def demo_db(demo_db_master, tmp_path) -> Path:
    """A private copy of the demo warehouse for one test."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db_master, path)
    return path


def tiny_rows(team_name: str = "Team A", team_id: str = "team-a") -> dict[str, list[dict]]:
    """A minimal consistent warehouse: two teams, two people, one repository, three commits."""
    return {
        "teams": [
            {"team_id": team_id, "name": team_name, "short_name": team_name, "organisation": "NHS England"},
            {"team_id": "team-b", "name": "Team B", "short_name": "Team B", "organisation": "NHS England"},
        ],
        "people": [
            {"person_key": "p_0000000000000001", "github_login": "alpha", "source": "test"},
            {"person_key": "p_0000000000000002", "github_login": None, "source": "test"},
        ],
        "repositories": [
            {"full_name": "org/repo", "org": "org", "name": "repo", "team_id": team_id, "source": "test"},
        ],
        "commits": [
            {"full_name": "org/repo", "sha": f"{i:040x}", "person_key": f"p_000000000000000{1 + i % 2}",
             "authored_at": dt.datetime(2025, 1, 1 + i)} for i in range(3)
        ],
    }


def build_tiny(path: Path, team_name: str = "Team A", data_as_of: dt.datetime | None = None,
               team_id: str = "team-a") -> None:
    with pipeline.build(path, "test") as b:
        b.data_as_of = data_as_of or dt.datetime(2025, 3, 31)
        for table, rows in tiny_rows(team_name, team_id).items():
            load.save_rows(b.con, table, rows)


def data_tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, except the run log: what "the warehouse's data" means."""
    con = warehouse.open_read_only(path)
    try:
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in warehouse.table_names(con) if t != "etl_runs"}
    finally:
        con.close()


def runs(path: Path) -> list[tuple]:
    """(source, status, message) of every run, oldest first."""
    con = warehouse.open_read_only(path)
    try:
        return con.execute("SELECT source, status, message FROM etl_runs ORDER BY started_at, finished_at").fetchall()
    finally:
        con.close()


def build_with_project(path: Path, *, description: str) -> None:
    """The tiny warehouse plus one project whose description is given."""
    with pipeline.build(path, "test") as b:
        b.data_as_of = dt.datetime(2025, 3, 31)
        for table, rows in tiny_rows().items():
            load.save_rows(b.con, table, rows)
        project_rows.save_projects(b.con, [{
            "id": "risky-text", "title": "Risky text", "summary": "A record with markup in it.",
            "description": description, "lead_team": "team-a",
            "stages": [{"stage": "idea", "date": "2025-01-02"}],
            "repositories": [{"full_name": "org/repo", "host": "github", "url": "https://github.com/org/repo"}],
        }])
