"""Named analyses: one SQL file per question, in this folder (analyses/queries/).

Each file starts with a comment saying what it returns, then declares its parameters as
SQL a console can run as-is, for example:

    -- Commits per month for each team.
    -- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
    -- SET VARIABLE teams = []::VARCHAR[];           -- teams to include; empty means all

The body reads them with getvariable('date_from'). In the DuckDB CLI, run the SET lines
(uncommented) and then the file; the dashboard and the report set them for you.

A file is read again whenever it changes on disk, and each query carries a digest of its text:
results stored by a build (analyses.stored) and results cached by the dashboard are used only
while the query that made them is the same text, so an edited query shows at once.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

FOLDER = Path(__file__).resolve().parent

_PARAM = re.compile(r"^--\s*SET VARIABLE\s+(\w+)\s*=\s*(.+?);\s*(?:--\s*(.*))?$")


class QueryError(ValueError):
    """A query was asked for by a wrong name or with wrong parameters."""


@dataclass(frozen=True)
class Param:
    name: str
    default_sql: str
    doc: str


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    params: tuple[Param, ...]
    sql: str

    @property
    def digest(self) -> str:
        """A digest of the query's exact text: what stored and cached results are keyed on."""
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()[:16]

    @property
    def param_names(self) -> set[str]:
        return {p.name for p in self.params}


def parse(path: Path) -> Query:
    """Read a query file: its first comment line is the title, SET VARIABLE lines the params."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("--"):
        raise QueryError(f"{path.name}: the first line must be a comment saying what the query returns")
    params = []
    for line in lines:
        m = _PARAM.match(line.strip())
        if m:
            params.append(Param(m.group(1), m.group(2), (m.group(3) or "").strip()))
    used = set(re.findall(r"getvariable\('(\w+)'\)", text))
    declared = {p.name for p in params}
    if used != declared:
        raise QueryError(f"{path.name}: parameters used {sorted(used)} but declared {sorted(declared)}")
    return Query(path.stem, lines[0].lstrip("- ").strip(), tuple(params), text)


_read: dict[Path, tuple[tuple[int, int], Query]] = {}  # each file's (mtime, size) when read, and its query


def get(name: str, folder: Path | None = None) -> Query:
    """The named query as its file reads now (parsed again only when the file has changed)."""
    if not re.fullmatch(r"\w+", name):
        raise QueryError(f"{name!r} is not a query name (letters, digits and underscores)")
    path = (folder or FOLDER) / f"{name}.sql"
    try:
        stat = path.stat()
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in (folder or FOLDER).glob("*.sql")))
        raise QueryError(f"no query named {name!r}; known: {known}") from None
    seen = _read.get(path)
    if seen is None or seen[0] != (stat.st_mtime_ns, stat.st_size):
        seen = ((stat.st_mtime_ns, stat.st_size), parse(path))
        _read[path] = seen
    return seen[1]


def catalogue(folder: Path | None = None) -> dict[str, Query]:
    """Every query under `folder` (default: this package's folder), by name."""
    return {p.stem: get(p.stem, folder) for p in sorted((folder or FOLDER).glob("*.sql"))}


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run the named query on `con` (a cursor of its own) and return the whole result."""
    query = get(name)
    unknown = set(params) - query.param_names
    if unknown:
        raise QueryError(f"query {name!r} has no parameter(s) {', '.join(sorted(unknown))}")
    for p in query.params:
        if p.name in params:
            value = params[p.name]
            if isinstance(value, tuple):
                value = list(value)
            con.execute(f"SET VARIABLE {p.name} = CAST(? AS {_declared_type(con, p)})", [value]).fetchall()
        else:
            con.execute(f"SET VARIABLE {p.name} = {p.default_sql}").fetchall()
    return con.execute(query.sql).df()


def _declared_type(con: duckdb.DuckDBPyConnection, p: Param) -> str:
    """The SQL type of a parameter, taken from its default so callers cannot change it."""
    return con.execute(f"SELECT typeof({p.default_sql})").fetchone()[0]
