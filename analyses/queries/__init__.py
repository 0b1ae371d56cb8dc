"""Named analyses: one SQL file per question, in this folder (analyses/queries/).

Each file starts with a comment saying what it returns, then declares its parameters as
SQL a console can run as-is, for example:

    -- Commits per month for each team.
    -- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
    -- SET VARIABLE teams = []::VARCHAR[];           -- teams to include; empty means all

The body reads them with getvariable('date_from'). In the DuckDB CLI, run the SET lines
(uncommented) and then the file; the dashboard and the report set them for you.
"""
from __future__ import annotations

import functools
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


@functools.cache
def catalogue(folder: Path = FOLDER) -> dict[str, Query]:
    """Every query under `folder`, by name."""
    return {p.stem: parse(p) for p in sorted(folder.glob("*.sql"))}


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run the named query on `con` (a cursor of its own) and return the whole result."""
    queries = catalogue()
    if name not in queries:
        raise QueryError(f"no query named {name!r}; known: {', '.join(sorted(queries))}")
    query = queries[name]
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
