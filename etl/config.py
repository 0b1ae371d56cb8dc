"""Paths and settings, in one place.

Every setting has a default that works on a fresh clone; the environment overrides it.
Secrets (tokens, the identity salt) come only from the environment, never from files in git.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "warehouse.duckdb"
SCHEMA_FILE = Path(__file__).resolve().parent / "warehouse" / "schema.sql"

#: The version of etl/warehouse/schema.sql. Every warehouse records the version it was built
#: with (warehouse_meta.schema_version), and readers refuse another version with a line saying
#: how to rebuild it. Bump it whenever schema.sql changes, and set SCHEMA_DIGEST to the file's
#: new digest: tests/test_schema_version.py fails until both are done.
SCHEMA_VERSION = "3"
#: sha256 of schema.sql (line endings as LF) at SCHEMA_VERSION.
SCHEMA_DIGEST = "81351bff2c4652499d0716e1fcff25ce7b974bdc1e3a34e4d32068bf5c5e10e4"


class SettingError(ValueError):
    """A setting in the environment has a value that cannot be used; str() is one line naming
    the variable, its value and what is expected."""


def db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The warehouse file: `--db` if given, else `DSA_DB`, else data/warehouse.duckdb."""
    chosen = cli_value or os.environ.get("DSA_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def unmakeable(folder: Path, exc: OSError) -> str:
    """Why `folder` could not be made (mkdir raised `exc`), in words: a file standing where a
    folder of its path should be, or the system's reason."""
    for above in (folder, *folder.parents):
        if above.exists():
            return f"{above} is a file" if not above.is_dir() else (exc.strerror or str(exc))
    return exc.strerror or str(exc)


def show_logins() -> bool:
    """`DSA_SHOW_LOGINS=true` lets the dashboard name people by their GitHub login (for example
    in the bus-factor list). Off by default: people appear only as pseudonymous counts."""
    text = os.environ.get("DSA_SHOW_LOGINS", "")
    if text.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if text.strip().lower() in ("", "0", "false", "no", "off"):
        return False
    raise SettingError(f"DSA_SHOW_LOGINS={text!r}: expected true or false (or 1/0, yes/no, on/off); "
                       "unset, logins are not shown")


def max_age_hours() -> float:
    """`DSA_MAX_AGE_HOURS`: how old live data may be before the dashboard warns and
    `python -m etl status` fails (default 26: a daily refresh with two hours' grace)."""
    return _number("DSA_MAX_AGE_HOURS", 26.0, "a number of hours above 0, e.g. 26", lambda v: v > 0)


def max_removed_share() -> float:
    """`DSA_MAX_REMOVED_SHARE`: the share of its repositories (0 to 1) one refresh may remove
    before `python -m etl status` fails (default 0.10), unless the run was started with
    `--confirm-removals`."""
    return _number("DSA_MAX_REMOVED_SHARE", 0.10, "a share from 0 to 1, e.g. 0.10", lambda v: 0 <= v <= 1)


def public_url() -> str | None:
    """`DSA_PUBLIC_URL`: the dashboard's address as its readers know it (e.g.
    https://insights.example.nhs.uk), named in the source line of every exported chart and table.
    Unset: exports name the Assembly only."""
    text = os.environ.get("DSA_PUBLIC_URL", "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password \
            or any(c.isspace() or c in "<>\"'`" for c in text):
        raise SettingError(f"DSA_PUBLIC_URL={text!r}: expected the dashboard's web address, e.g. "
                           "https://insights.example.nhs.uk; unset, exports name no address")
    return text.rstrip("/")


def _number(name: str, default: float, expected: str, fits) -> float:
    text = os.environ.get(name, "")
    if not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and fits(value)):
        raise SettingError(f"{name}={text!r}: expected {expected}; unset, it is {default:g}")
    return value


#: Every setting read from the environment whose value can be wrong, by its reader.
CHECKED_SETTINGS = (show_logins, max_age_hours, max_removed_share, public_url)


def setting_problems() -> list[str]:
    """One line per setting in the environment with a value that cannot be used; [] when all
    are usable. Commands and the dashboard check this before anything else."""
    problems = []
    for read in CHECKED_SETTINGS:
        try:
            read()
        except SettingError as exc:
            problems.append(str(exc))
    return problems


def refresh_users() -> set[str]:
    """`DSA_REFRESH_USERS`: who may start a refresh from the Data page: signed-in users' e-mail
    addresses, comma-separated, or `*` for everyone who can open the dashboard (a deployment
    only operators reach). Empty (the default): nobody; refreshes run from the schedule."""
    return {part.strip().lower() for part in os.environ.get("DSA_REFRESH_USERS", "").split(",") if part.strip()}


def may_refresh(email: str | None) -> bool:
    allowed = refresh_users()
    return "*" in allowed or (bool(email) and email.strip().lower() in allowed)


def startup_problems() -> list[str]:
    """What stops every command and the dashboard before they start, one line each: mistakes in
    data/vocabulary.yml, which nearly every module reads when imported (each naming the file,
    line and field), then settings in the environment that cannot be used."""
    from analyses import vocabulary

    try:
        vocabulary.current()
    except vocabulary.VocabularyError as exc:
        return str(exc).splitlines()
    return setting_problems()
