"""Paths and settings, in one place.

Every setting has a default that works on a fresh clone; the environment overrides it.
Secrets (tokens, the identity salt) come only from the environment, never from files in git.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "warehouse.duckdb"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema.sql"
QUERIES_DIR = ROOT / "queries"

#: Bumped whenever schema.sql changes in a way readers must know about.
SCHEMA_VERSION = "1"


def db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The warehouse file: `--db` if given, else `DSA_DB`, else data/warehouse.duckdb."""
    chosen = cli_value or os.environ.get("DSA_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def show_logins() -> bool:
    """`DSA_SHOW_LOGINS=true` lets the dashboard name people by their GitHub login (for example
    in the bus-factor list). Off by default: people appear only as pseudonymous counts."""
    return os.environ.get("DSA_SHOW_LOGINS", "").strip().lower() in ("1", "true", "yes", "on")
