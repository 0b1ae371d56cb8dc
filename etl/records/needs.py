"""Needs and positions: one YAML file per need under data/needs/, checked and loaded as project
records are.

A need names the teams that raised it (data/teams.yml), the technologies it concerns (entries
of data/radar.yml by name, or category ids of data/taxonomy.yml), the projects it blocks or
would help (project records by id) and its dated status history, each entry with who was asked
(a role or body) and the Assembly's position in words. Its schema is need_fields.py; this
module holds the checks of its own kinds, the reading of a folder of needs (through
files.read_folder, so sizes, YAML bounds, lines and ids are handled as for projects) and the
rows the warehouse keeps (needs, need_teams, need_technologies, need_projects,
need_status_history).

Dates are held against the data date (`Known.as_of`: today, or the demo's snapshot): nothing in a
need may be dated after it, history dates never go back, and a need is raised on or before its
first status. Nothing in a need may hold an e-mail address: a person is never named by one, and
no message repeats it.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field as dataclass_field, replace
from pathlib import Path

import duckdb

from analyses import vocabulary
from etl.records import checks, files, need_fields
from etl.records.errors import Problem, RecordsError, by_line, errors, show
from etl.records.fields import Field
from etl.reference import radar, taxonomy
from etl.reference.reading import ReferenceError
from etl.warehouse.load import save_rows

#: Something that looks like an e-mail address, anywhere in a text.
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
NEED_TABLES = ("needs", "need_teams", "need_technologies", "need_projects", "need_status_history")
_STATUSES = vocabulary.current().need_statuses
_FIRST = tuple(s.id for s in _STATUSES if s.first)
_FINAL = tuple(s.id for s in _STATUSES if s.final)


@dataclass(frozen=True)
class Known:
    """What a need may refer to, and its data date; None: that reference is not checked."""

    teams: set[str] | None = None
    projects: set[str] | None = None
    radar: set[str] | None = None        # names of data/radar.yml's entries
    categories: set[str] | None = None   # category ids of data/taxonomy.yml
    as_of: dt.date = dataclass_field(default_factory=lambda: checks.today())
    as_of_is: str = "today"              # how messages name the data date
    projects_in: str = need_fields.PROJECTS_FOLDER


class NeedChecker(checks.Checker):
    """A record checker that knows projects and technologies, and refuses e-mail addresses in
    any text."""

    def __init__(self, source: str, lines: Mapping | None, row: int | None, known: Known):
        super().__init__(source, lines, row, known.teams)
        self.known = known

    def text(self, path: str, value, **kwargs) -> str | None:
        if isinstance(value, str) and EMAIL.search(value):
            self.add(path, "holds an e-mail address; name a role or body instead (e.g. National Data Platform "
                           "team): a need never names a person by their address")
            return None
        return super().text(path, value, **kwargs)


def validate(record, *, source: str, known: Known, lines: Mapping | None = None,
             row: int | None = None) -> tuple[dict | None, list[Problem]]:
    """Check one need; (canonical need, []) if it is right, else (None, every problem).

    As checks.validate for a project record: `record` is a parsed YAML mapping, a register row's
    record or a canonical need (which passes unchanged); `lines` maps field paths to YAML lines;
    with `row`, problems name that spreadsheet row. The canonical need has the file's keys (absent
    optional fields left out, text stripped) with raised_on a date; technologies a list of
    {"name", "kind": radar|category (None when the reference was not read)}; projects a list of
    {"project", "relation"}; history a list of {"status", "date", "position"} and "asked" when
    given; and "_path": source. No problem's message repeats an e-mail address.
    """
    c = NeedChecker(source, lines, row, known)
    if not isinstance(record, dict):
        c.add("", f"expected a mapping of fields (id: ..., title: ...), found {show(record)}")
        return None, _scrubbed(c.problems)
    c.note("", record)
    c.keys("", record, need_fields.NAMES)
    out = {f.name: checks.check_field(c, f.name, f, record.get(f.name)) for f in need_fields.NEED}
    _raised_on(c, out)
    if c.problems:
        return None, by_line(_scrubbed(c.problems))
    canonical = {k: v for k, v in out.items() if v is not None}
    canonical["_path"] = source
    return canonical, []


def _scrubbed(problems: list[Problem]) -> list[Problem]:
    """The problems, with anything like an e-mail address in a message (a value shown, an unknown
    field's name) replaced: messages end up in logs and the run log."""
    return [replace(p, message=EMAIL.sub("<e-mail address>", p.message), field=EMAIL.sub("<e-mail address>", p.field))
            for p in problems]


def _after_data_date(c: NeedChecker, day: dt.date) -> str | None:
    if day > c.known.as_of:
        return f"{day} is after {c.known.as_of} ({c.known.as_of_is}), the date the data is taken"
    return None


def _raised_on(c: NeedChecker, need: dict) -> None:
    """raised_on: not after the data date, nor after the first status's date."""
    raised, history = need.get("raised_on"), need.get("history") or []
    if raised is None:
        return
    late = _after_data_date(c, raised)
    if late:
        c.add("raised_on", f"{late}; a need is raised on a day that has come")
    first = next(((i, e["date"]) for i, e in enumerate(history, 1) if e.get("date")), None)
    if first and raised > first[1]:
        c.add("raised_on", f"{raised} is after {first[1]}, the date of history[{first[0]}]; a need is raised on or "
                           "before the day of its first status")


# --- the kinds of a need's fields ---------------------------------------------------------------

def _close(word: str, choices: Iterable[str]) -> str:
    by_lower = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1)
    return f"; did you mean {by_lower[found[0]]!r}?" if found else ""


def _technology(c: NeedChecker, path: str, field: Field, value) -> dict | None:
    """A radar entry's name, else a taxonomy category id (exactly as written there)."""
    name = c.text(path, value.get("name") if isinstance(value, dict) else value, required=field.expects)
    if name is None:
        return None
    entries, categories = c.known.radar, c.known.categories
    if entries is not None and name in entries:
        return {"name": name, "kind": "radar"}
    if categories is not None and name in categories:
        return {"name": name, "kind": "category"}
    if entries is None or categories is None:
        return {"name": name, "kind": None}  # a reference that could not be read is reported by itself
    c.add(path, f"{show(name)} is neither an entry of {need_fields.RADAR_FILE} nor a category of "
                f"{need_fields.TAXONOMY_FILE}{_close(name, entries | categories)}")
    return None


def _technologies(c: NeedChecker, path: str, field: Field, value) -> list[dict] | None:
    entries = checks.entries_of(c, path, field, value)
    if entries is None:
        return None
    out, seen = [], {}
    for i, item in enumerate(entries, 1):
        got = checks.check_field(c, f"{path}[{i}]", field.item, item)
        if got is None:
            continue
        if got["name"] in seen:
            c.add(f"{path}[{i}]", f"{show(got['name'])} is listed twice (also {path}[{seen[got['name']]}])")
            continue
        seen[got["name"]] = i
        out.append(got)
    return out


def _project(c: NeedChecker, path: str, field: Field, value) -> str | None:
    project = c.text(path, value, required=field.expects)
    known = c.known.projects
    if project is not None and known is not None and project not in known:
        c.add(path, f"{show(project)} is not a project: no record {project}.yml in {c.known.projects_in}"
                    f"{_close(project, known)}")
        return None
    return project


def _need_projects(c: NeedChecker, path: str, field: Field, value) -> list[dict] | None:
    """{project, relation} entries, each project once."""
    entries = checks.entries_of(c, path, field, value)
    if entries is None:
        return None
    out, seen = [], {}
    for i, item in enumerate(entries, 1):
        at = f"{path}[{i}]"
        entry = checks.entry_of(c, at, field.item, item)
        if entry is None:
            continue
        project = entry["project"]
        if project in seen:
            c.add(f"{at}.project", f"{show(project)} is listed twice (also {path}[{seen[project]}]); give a "
                                   "project once, with the relation that matters most")
            continue
        if project is not None:
            seen[project] = i
        out.append(entry)
    return out


def _history(c: NeedChecker, path: str, field: Field, value) -> list[dict] | None:
    """Dated statuses, oldest first: dates never go back nor pass the data date; a first status
    (raised) only first, a final one (delivered, declined) only last."""
    entries = checks.entries_of(c, path, field, value)
    if entries is None:
        return None
    out, last = [], None  # last: (index, date) of the latest dated entry
    for i, item in enumerate(entries, 1):
        at = f"{path}[{i}]"
        entry = checks.entry_of(c, at, field.item, item)
        if entry is None:
            continue
        status, day = entry.get("status"), entry.get("date")
        if status in _FIRST and i != 1:
            c.add(f"{at}.status", f"{status!r} may only be the first status ({path}[1]): a need is {status} once")
        if status in _FINAL and i != len(entries):
            c.add(f"{at}.status", f"{status!r} ends a need's history, but {path}[{i + 1}] follows it; a need raised "
                                  "again is a new need (a new file)")
        if day is not None:
            if last is not None and day < last[1]:
                c.add(f"{at}.date", f"{day} is before {last[1]}, the date of {path}[{last[0]}]; list the statuses "
                                    "oldest first (a date may repeat, never go back)")
            late = _after_data_date(c, day)
            if late:
                c.add(f"{at}.date", f"{late}; a status is dated the day the need reached it")
            last = (i, day)
        out.append(entry)
    return out


NeedChecker.kinds = {"technology": _technology, "technologies": _technologies, "project": _project,
                     "need_projects": _need_projects, "history": _history}


# --- what needs refer to ----------------------------------------------------------------------

def technologies(radar_file: Path | None = None,
                 taxonomy_file: Path | None = None) -> tuple[set[str] | None, set[str] | None, list[Problem]]:
    """Names of the radar's entries and the taxonomy's category ids (None for a file that cannot
    be read), and a problem for each such file: needs cannot be checked against it."""
    radar_names = categories = None
    problems = []
    try:
        radar_names = {e["name"] for e in radar.rows(radar_file)["radar_entries"]}
    except ReferenceError as exc:
        problems.append(_unreadable(radar_file or radar.RADAR, exc))
    try:
        categories = {c["category"] for c in taxonomy.rows(taxonomy_file)["categories"]}
    except ReferenceError as exc:
        problems.append(_unreadable(taxonomy_file or taxonomy.TAXONOMY, exc))
    return radar_names, categories, problems


def _unreadable(path: Path, exc: ReferenceError) -> Problem:
    first = str(exc).splitlines()[0]
    return Problem(str(path), None, None, "", f"cannot be read, so the needs' technologies cannot be checked against "
                                              f"it: {first}")


# --- folders of needs ---------------------------------------------------------------------------

def form(known: Known) -> files.Form:
    """Need files, checked against `known`."""
    return files.Form("need", lambda data, source, lines: validate(data, source=source, known=known, lines=lines))


def check(folder: Path, known: Known) -> list[Problem]:
    """Every problem of every need file in `folder` ([] when all is well, or no folder)."""
    return _scrubbed(files.read_folder(folder, form(known))[1]) if Path(folder).is_dir() else []


def load_folder(folder: Path, known: Known) -> list[dict]:
    """The canonical needs of `folder` (none if there is no such folder), sorted by file name;
    RecordsError with every problem if any."""
    if not Path(folder).is_dir():
        return []
    needs, problems = files.read_folder(folder, form(known))
    problems = _scrubbed(problems)
    if errors(problems):
        raise RecordsError(errors(problems))
    return needs


# --- warehouse rows -----------------------------------------------------------------------------

def need_rows(need: Mapping) -> dict[str, list[dict]]:
    """One canonical need as rows per warehouse table."""
    nid = need["id"]
    history = [{"need_id": nid, "seq": i, "status": e["status"], "dated_on": e["date"], "asked": e.get("asked"),
                "position": e["position"]} for i, e in enumerate(need["history"], 1)]
    row = {"need_id": nid, "title": need["title"], "summary": need["summary"], "description": need.get("description"),
           "category": need["category"], "raised_on": need["raised_on"], "current_status": history[-1]["status"],
           "status_since": history[-1]["dated_on"], "record_path": need.get("_path")}
    return {
        "needs": [row],
        "need_teams": [{"need_id": nid, "team_id": t} for t in need["raised_by"]],
        "need_technologies": [{"need_id": nid, "technology": t["name"], "kind": t["kind"]}
                              for t in need.get("technologies", [])],
        "need_projects": [{"need_id": nid, "project_id": p["project"], "relation": p["relation"]}
                          for p in need.get("projects", [])],
        "need_status_history": history,
    }


def save_needs(con: duckdb.DuckDBPyConnection, needs: Iterable[Mapping]) -> int:
    """Save canonical needs into the need tables (added to what they hold); returns how many."""
    tables: dict[str, list[dict]] = {t: [] for t in NEED_TABLES}
    n = 0
    for need in needs:
        for table, rows in need_rows(need).items():
            tables[table].extend(rows)
        n += 1
    for table in NEED_TABLES:
        save_rows(con, table, tables[table])
    return n
