"""The checks of one project record, following the record's schema (fields.py).

`validate` walks the declared fields in order: each field's kind says which check applies,
its declaration says whether it is required, which values it allows and what a message says
is expected. The rules that span several entries (stage dates rise and stages go forward,
years in order, a repository or an output once) are the kinds stages, years, repositories and
outputs. Every problem is collected, with the line it is on (from the YAML nodes' lines or
the "__line__" keys the loader adds), so one run reports them all.

Text is bounded (each text field's `limit`, fields.py), addresses follow addresses.address_problem,
and dates are held against today: a stage dated after today that the project has already left
is an impossible history (an error); `warnings` names dates more than FUTURE_DAYS ahead on a
record that passed (worth a look, but loaded).
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping

from analyses import vocabulary
from etl.records import fields
from etl.records.addresses import address_problem, parse_repository
from etl.records.errors import Problem, by_line, join, one_of, parent, show
from etl.records.fields import Field

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ORDINAL = {s.id: s.ordinal for s in vocabulary.current().stages}
_CLOSED = vocabulary.ids(vocabulary.current().closed_stages)
FUTURE_DAYS = 365  # a date further ahead than this is a warning


def today() -> dt.date:
    """The day dates are held against (the machine's local date)."""
    return dt.date.today()


class Checker:
    """Collects problems, finding each one's line from the YAML node lines or "__line__" keys.

    `kinds` adds or replaces the checks of field kinds (by kind name), for records of another
    schema (etl/records/needs.py); a project record's checker has none."""

    kinds: Mapping = {}

    def __init__(self, source: str, lines: Mapping | None, row: int | None, known_teams: set[str] | None):
        self.source, self.lines, self.row, self.known_teams = source, dict(lines or {}), row, known_teams
        self.mapping_lines: dict[str, int] = {}
        self.problems: list[Problem] = []

    def note(self, path: str, mapping: dict) -> None:
        if isinstance(mapping.get("__line__"), int):
            self.mapping_lines[path] = mapping["__line__"]

    def line(self, path: str) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if path in self.mapping_lines:
                return self.mapping_lines[path]
            if not path:
                return None
            path = parent(path)

    def add(self, field: str, message: str, *, at: str | None = None, warning: bool = False) -> None:
        line = None if self.row is not None else self.line(field if at is None else at)
        self.problems.append(Problem(self.source, line, self.row, field, message, warning))

    def keys(self, path: str, mapping: dict, allowed, *, noun: str = "field") -> None:
        """Report keys of `mapping` that are not in `allowed`."""
        for key in mapping:
            if key in ("__line__",) or (path == "" and key == "_path"):
                continue
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (expected {one_of(allowed)})"
                self.add(path, f"unknown {noun} {show(key) if isinstance(key, str) else repr(key)}{hint}",
                         at=join(path, key))

    def missing(self, path: str, expected: str) -> None:
        self.add(path, f"required field is missing ({expected})")

    # values

    def text(self, path: str, value, *, required: str | None = None, limit: int = 0, hint: str = "") -> str | None:
        """Stripped text, or None (absent, empty, longer than `limit` characters, or wrong); `required`
        says what is expected if missing, `hint` what to do with text that is too long."""
        if value is None:
            if required:
                self.missing(path, required)
            return None
        if not isinstance(value, str):
            self.add(path, f"expected text, found {show(value)}")
            return None
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not value and required:
            self.add(path, f"required field is empty ({required})")
        if limit and len(value) > limit:
            self.add(path, f"{show(value)} is {len(value):,} characters long; expected at most {limit:,}{hint}")
            return None
        return value or None

    def date(self, path: str, value, *, required: str | None = None) -> dt.date | None:
        if value is None:
            if required:
                self.missing(path, required)
            return None
        if isinstance(value, dt.datetime):
            if value.time() == dt.time(0) and value.tzinfo is None:
                return value.date()
        elif isinstance(value, dt.date):
            return value
        elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(path, f"{show(value)} is not an ISO date (YYYY-MM-DD)")
        return None

    def mapping(self, path: str, value, expected: str) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(path, f"expected {expected}, found {show(value)}")
            return None
        self.note(path, value)
        return value

    def sequence(self, path: str, value, expected: str) -> list | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.add(path, f"expected {expected}, found {show(value)}")
            return None
        return value

    def choice(self, path: str, value, allowed, what: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value.strip() not in allowed:
            self.add(path, f"{show(value)} is not {what} (expected {one_of(allowed)})")
            return None
        return value.strip()

    def team(self, path: str, value, *, required: str | None = None) -> str | None:
        team = self.text(path, value, required=required)
        if team is not None and self.known_teams is not None and team not in self.known_teams:
            self.add(path, f"{show(team)} is not a team in {fields.TEAMS_FILE}")
            return None
        return team

    def number(self, path: str, value, *, whole: bool = False) -> int | float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.add(path, f"expected a number, found {show(value)}")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if value < 0:
            self.add(path, f"{value} is negative; expected a number of 0 or more")
            return None
        if whole and not isinstance(value, int):
            self.add(path, f"{value} is not a whole number; expected a count")
            return None
        return value

    def year(self, path: str, value, *, required: str | None = None) -> int | None:
        if value is None:
            if required:
                self.missing(path, required)
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        low, high = fields.YEAR_RANGE
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(path, f"{show(value)} is not a year from {low} to {high}")
            return None
        return value

    def web_address(self, path: str, value) -> str | None:
        url = self.text(path, value)
        if url is None:
            return None
        problem = address_problem(url)
        if problem:
            self.add(path, problem)
            return None
        return url


def validate(record: dict, *, source: str, known_teams: set[str] | None, lines: Mapping | None = None,
             row: int | None = None) -> tuple[dict | None, list[Problem]]:
    """Check one record; (canonical record, []) if it is right, else (None, every problem).

    `record` is a parsed YAML mapping (it may hold "__line__" keys from yamlfile.LineLoader)
    or a dict built by a form or an import; a canonical record passes unchanged. `lines`
    maps field paths ("lead_team", "stages[2].date"; list entries count from 1) to YAML
    lines; without it, lines come from the "__line__" keys. With `row`, problems name that
    spreadsheet row instead of a line. known_teams=None skips the team check.

    The canonical record has the YAML format's keys (absent optional fields stay absent;
    text is stripped) with: stages a list of {"stage", "date": datetime.date}; repositories
    a list of {"url", "host": github|gitlab|azure-devops|other, "full_name"}; outputs a list
    of {"kind", "title", "url" or None, "date" or None}; tags a mapping of lists of text in
    category order; years {"from": int, "to": int or None}; governance and impact mappings
    (numbers int or float); and "_path": source.
    """
    c = Checker(source, lines, row, known_teams)
    if not isinstance(record, dict):
        c.add("", f"expected a mapping of fields (id: ..., title: ...), found {show(record)}")
        return None, c.problems
    c.note("", record)
    c.keys("", record, fields.NAMES)
    out = {f.name: check_field(c, f.name, f, record.get(f.name)) for f in fields.RECORD}
    if c.problems:
        return None, by_line(c.problems)
    canonical = {k: v for k, v in out.items() if v is not None}
    canonical["_path"] = source
    return canonical, []


def warnings(record: dict, *, source: str, lines: Mapping | None = None, row: int | None = None) -> list[Problem]:
    """Warnings for a canonical record (one that passed `validate`): dates and years more than
    FUTURE_DAYS after today (the latest stage's date, outputs' dates, years.from and years.to),
    which are likely mistyped years. They do not stop the record loading."""
    c = Checker(source, lines, row, None)
    now = today()
    horizon = now + dt.timedelta(days=FUTURE_DAYS)
    dated = [(f"stages[{len(record['stages'])}].date", record["stages"][-1]["date"], "a stage is dated the day the "
              "project entered it")] if record.get("stages") else []
    dated += [(f"outputs[{i}].date", o.get("date"), "an output is dated the day it was published")
              for i, o in enumerate(record.get("outputs") or [], 1)]
    for path, day, meaning in dated:
        if day is not None and day > horizon:
            c.add(path, f"{day} is more than a year after today ({now}); {meaning}: check the year", warning=True)
    for part, value in (record.get("years") or {}).items():
        if value is not None and value > horizon.year:
            c.add(f"years.{part}", f"{value} is more than a year after this year ({now.year}); check the year",
                  warning=True)
    return by_line(c.problems)


def check_field(c: Checker, path: str, field: Field, value):
    """The checked value of one field (None if absent or wrong; problems go to `c`)."""
    return (c.kinds.get(field.kind) or _KINDS[field.kind])(c, path, field, value)


def _required(field: Field) -> str | None:
    return field.expects if field.required else None


def _text(c: Checker, path: str, field: Field, value) -> str | None:
    return c.text(path, value, required=_required(field), limit=field.limit)


def _slug(c: Checker, path: str, field: Field, value) -> str | None:
    text = _text(c, path, field, value)
    if text is not None and not _SLUG.match(text):
        c.add(path, f"{show(text)} is not a lower-case slug (lower-case letters, digits and single hyphens, "
                    f"e.g. {field.example})")
    return text


def _line(c: Checker, path: str, field: Field, value) -> str | None:
    text = c.text(path, value, required=_required(field), limit=field.limit, hint=" (put more in description)")
    if text is not None and "\n" in text:
        c.add(path, f"{show(text)} has a line break; the {field.name} is one line (put more in description)")
    return text


def _choice(c: Checker, path: str, field: Field, value) -> str | None:
    if value is None and field.required:
        c.missing(path, field.expects)
    return c.choice(path, value, field.values, field.what)


def _list(c: Checker, path: str, field: Field, value) -> list | None:
    """A list of single values, each once."""
    entries = entries_of(c, path, field, value)
    if entries is None:
        return None
    kept, seen = [], set()
    for i, item in enumerate(entries, 1):
        got = check_field(c, f"{path}[{i}]", field.item, item)
        if got is not None:
            if got in seen:
                c.add(f"{path}[{i}]", f"{show(got)} is listed twice")
            seen.add(got)
            kept.append(got)
    return kept


def entries_of(c: Checker, path: str, field: Field, value) -> list | None:
    """The entries of a list field, or None (absent, not a list, or empty where one is needed)."""
    if value is None:
        if field.required:
            c.missing(path, field.expects)
        return None
    entries = c.sequence(path, value, field.expects)
    if entries is not None and not entries and field.at_least:
        c.add(path, f"the list is empty; expected at least {field.at_least} ({field.expects})")
        return None
    return entries


def _mapping(c: Checker, path: str, field: Field, value) -> dict | None:
    """A mapping of the field's parts: those given (a flow mapping: every part, None if absent)."""
    mapping = c.mapping(path, value, field.expects)
    if mapping is None:
        return None
    c.keys(path, mapping, field.names, noun=field.noun)
    found = {p.name: check_field(c, f"{path}.{p.name}", p, mapping.get(p.name)) for p in field.parts}
    return found if field.flow else {k: v for k, v in found.items() if v is not None}


def entry_of(c: Checker, path: str, field: Field, value) -> dict | None:
    """One mapping entry of a list (stages, outputs): nothing there is a problem too."""
    if value is None:
        c.add(path, f"expected {field.expects}, found nothing")
        return None
    return _mapping(c, path, field, value)


def _stages(c: Checker, path: str, field: Field, value) -> list[dict] | None:
    """Dated stages: dates rise; stages go forward unless a closed stage comes before or after;
    no stage the project has left is dated after today."""
    entries = entries_of(c, path, field, value)
    if entries is None:
        return None
    out, numbered = [], []
    last_date = last_stage = None  # (index, value) of the latest valid ones
    for i, item in enumerate(entries, 1):
        at = f"{path}[{i}]"
        entry = entry_of(c, at, field.item, item)
        if entry is None:
            continue
        stage, date = entry["stage"], entry["date"]
        if date is not None and last_date is not None and date <= last_date[1]:
            c.add(f"{at}.date", f"{date} is not after {last_date[1]}, the date of {path}[{last_date[0]}] "
                                "(stage dates must rise)")
        if (stage is not None and last_stage is not None and stage not in _CLOSED
                and last_stage[1] not in _CLOSED and _ORDINAL[stage] <= _ORDINAL[last_stage[1]]):
            c.add(f"{at}.stage", f"{stage!r} cannot follow {last_stage[1]!r} ({path}[{last_stage[0]}]): stages go "
                                 f"forward along the pathway; only after {_either(_CLOSED)} may a project "
                                 "repeat a stage or return to an earlier one")
        if date is not None:
            last_date = (i, date)
        if stage is not None:
            last_stage = (i, stage)
        out.append(entry)
        numbered.append((i, entry))
    _left_in_future(c, path, numbered)
    return out


def _left_in_future(c: Checker, path: str, numbered: list[tuple[int, dict]]) -> None:
    """A stage followed by another was entered and left: a date after today for it is impossible."""
    now = today()
    for (i, entry), (j, later) in zip(numbered, numbered[1:]):
        if entry["date"] is not None and entry["date"] > now:
            moved_on = f"{later['stage']!r} ({path}[{j}])" if later["stage"] else f"{path}[{j}]"
            c.add(f"{path}[{i}].date", f"{entry['date']} is after today ({now}), but the project has since moved on "
                                       f"to {moved_on}; a stage is dated the day the project entered it")


def _either(values) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def _years(c: Checker, path: str, field: Field, value) -> dict | None:
    years = _mapping(c, path, field, value)
    if years is not None and years["from"] is not None and years["to"] is not None and years["to"] < years["from"]:
        c.add(f"{path}.to", f"{years['to']} is before {path}.from {years['from']}; expected a year from "
                            f"{years['from']}")
    return years


def _repositories(c: Checker, path: str, field: Field, value) -> list[dict] | None:
    """Repository addresses (or canonical entries, whose url counts), each repository once."""
    entries = entries_of(c, path, field, value)
    if entries is None:
        return None
    out, seen = [], {}
    for i, item in enumerate(entries, 1):
        at = f"{path}[{i}]"
        if isinstance(item, dict):
            c.note(at, item)
            c.keys(at, item, ("url", "host", "full_name"))
            item = item.get("url")
        repo = check_field(c, at, field.item, item)
        if repo is None:
            continue
        if repo["full_name"] in seen:
            first = seen[repo["full_name"]]
            c.add(at, f"{repo['url']!r} is listed twice (as {repo['full_name']}, also {path}[{first}])")
        seen.setdefault(repo["full_name"], i)
        out.append(repo)
    return out


def _repository(c: Checker, path: str, field: Field, value) -> dict | None:
    try:
        return parse_repository(value)
    except ValueError as exc:
        c.add(path, str(exc))
        return None


def _outputs(c: Checker, path: str, field: Field, value) -> list[dict] | None:
    """Output entries, each kind and title once."""
    entries = entries_of(c, path, field, value)
    if entries is None:
        return None
    out, seen = [], {}
    for i, item in enumerate(entries, 1):
        at = f"{path}[{i}]"
        entry = entry_of(c, at, field.item, item)
        if entry is None:
            continue
        kind, title = entry["kind"], entry["title"]
        if kind and title:
            if (kind, title) in seen:
                c.add(f"{at}.title", f"{show(title)} is listed twice as a {kind} (also {path}[{seen[kind, title]}])")
            seen.setdefault((kind, title), i)
        out.append(entry)
    return out


_KINDS = {
    "slug": _slug,
    "text": _text,
    "line": _line,
    "team": lambda c, path, f, value: c.team(path, value, required=_required(f)),
    "choice": _choice,
    "date": lambda c, path, f, value: c.date(path, value, required=_required(f)),
    "year": lambda c, path, f, value: c.year(path, value, required=_required(f)),
    "number": lambda c, path, f, value: c.number(path, value),
    "count": lambda c, path, f, value: c.number(path, value, whole=True),
    "address": lambda c, path, f, value: c.web_address(path, value),
    "repository": _repository,
    "list": _list,
    "mapping": _mapping,
    "stages": _stages,
    "years": _years,
    "repositories": _repositories,
    "outputs": _outputs,
}
