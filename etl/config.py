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
SCHEMA_FILE = Path(__file__).resolve().parent / "warehouse" / "schema.sql"

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


def max_age_hours() -> float:
    """`DSA_MAX_AGE_HOURS`: how old live data may be before the dashboard warns and
    `python -m etl status` fails (default 26: a daily refresh with two hours' grace)."""
    text = os.environ.get("DSA_MAX_AGE_HOURS", "").strip()
    try:
        value = float(text) if text else 26.0
    except ValueError:
        raise ValueError(f"DSA_MAX_AGE_HOURS={text!r} is not a number of hours") from None
    if value <= 0:
        raise ValueError(f"DSA_MAX_AGE_HOURS={text!r} must be more than 0")
    return value


def max_removed_share() -> float:
    """`DSA_MAX_REMOVED_SHARE`: the share of its repositories (0 to 1) one refresh may remove
    before `python -m etl status` fails (default 0.10), unless the run was started with
    `--confirm-removals`."""
    text = os.environ.get("DSA_MAX_REMOVED_SHARE", "").strip()
    try:
        value = float(text) if text else 0.10
    except ValueError:
        raise ValueError(f"DSA_MAX_REMOVED_SHARE={text!r} is not a number between 0 and 1") from None
    if not 0 <= value <= 1:
        raise ValueError(f"DSA_MAX_REMOVED_SHARE={text!r} must be between 0 and 1")
    return value


def refresh_users() -> set[str]:
    """`DSA_REFRESH_USERS`: who may start a refresh from the Data page: signed-in users' e-mail
    addresses, comma-separated, or `*` for everyone who can open the dashboard (a deployment
    only operators reach). Empty (the default): nobody; refreshes run from the schedule."""
    return {part.strip().lower() for part in os.environ.get("DSA_REFRESH_USERS", "").split(",") if part.strip()}


def may_refresh(email: str | None) -> bool:
    allowed = refresh_users()
    return "*" in allowed or (bool(email) and email.strip().lower() in allowed)
