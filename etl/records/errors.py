"""Problems in record files and registers, and how their messages show values.

Every check collects Problems rather than stopping at the first, so one run reports every
mistake in every file, each naming the file and line (or the spreadsheet row), the field, the
bad value and what was expected. A warning is a Problem that does not stop a record loading
(a date far ahead, say): `etl check` prints it and still passes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a record file or a register row."""

    source: str          # file as given, e.g. data/projects/x.yml or register.xlsx
    line: int | None     # YAML line, 1-based, when known
    row: int | None      # spreadsheet row as the user sees it (header = row 1)
    field: str           # e.g. stages[2].date (list entries count from 1); "" for the whole file
    message: str         # names the bad value and what was expected
    warning: bool = False  # worth a look, but the record is loaded

    def __str__(self) -> str:
        if self.row is not None:
            where = f"{self.source} row {self.row}"
        elif self.line is not None:
            where = f"{self.source}:{self.line}"
        else:
            where = self.source
        if self.warning:
            where += ": warning"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RecordsError(ValueError):
    """Record files (or a register) hold problems; `problems` lists them all, str() one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors(problems) -> list[Problem]:
    """The problems that are not warnings."""
    return [p for p in problems if not p.warning]


def by_line(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


def plain(value):
    """`value` without the loader's "__line__" keys."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def show(value) -> str:
    """A value as a message shows it: text quoted, other kinds named."""
    if isinstance(value, str):
        return repr(short(value))
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return f"a list {short(repr(plain(value)))}"
    if isinstance(value, dict):
        return f"a mapping {short(repr(plain(value)))}"
    return f"a {type(value).__name__}"


def one_of(values) -> str:
    return "one of " + ", ".join(values)


def parent(path: str) -> str:
    """The field path one level up: stages[2].date -> stages[2] -> stages -> ""."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def join(parent_path: str, key) -> str:
    return f"{parent_path}.{key}" if parent_path else str(key)
