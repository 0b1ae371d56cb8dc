"""Project records: one YAML file per project in data/projects/, checked before anything loads.

A record is checked whole: every problem in every file is collected and reported in one
run, each naming the file and line (or the spreadsheet row), the field, the bad value and
what was expected. A checked record comes back in canonical form (see `validate`), which is
what `etl.load.project_rows` flattens into warehouse rows. A register kept as a spreadsheet
(.csv or .xlsx, one project per row) converts to record files with `import_register`.

The record format, the checks and the register's columns are documented in
data/projects/README.md.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from etl.records import teams as _teams
from etl.shared import yamlfile
from etl.warehouse.schema import STAGES

DATA_ACCESS = ("patient identifiable", "pseudonymised", "synthetic", "open")
OUTPUT_KINDS = ("code", "case_study", "technical_report", "publication", "aia", "model_card")
GOVERNANCE_VALUES = ("done", "in progress", "not started", "not needed")
TAG_CATEGORIES = ("domain", "technique", "data_type", "language")

#: Every allowed top-level field, in the documented order (the order `to_yaml` writes), with
#: what it holds (usable as help text in forms).
FIELDS = {
    "id": "a lower-case slug, e.g. synthetic-ae-data; the file is named <id>.yml",
    "title": "text",
    "summary": "one line of text, at most 300 characters",
    "description": "plain text",
    "lead_team": "a team id from data/teams.yml",
    "partner_teams": "a list of team ids from data/teams.yml",
    "origin": "text: where the idea came from",
    "work_area": "text: the main work area",
    "tags": "a mapping of tag lists by category (domain, technique, data_type, language)",
    "data_access": "one of " + ", ".join(DATA_ACCESS),
    "stages": "a list of {stage: STAGE, date: YYYY-MM-DD} entries, oldest first",
    "years": "{from: YEAR, to: YEAR}",
    "repositories": "a list of repository addresses (https://HOST/OWNER/NAME)",
    "outputs": "a list of {kind: KIND, title: TEXT, url: ADDRESS, date: YYYY-MM-DD} entries",
    "governance": "a mapping of dpia, aia and clinical_safety_case to " + ", ".join(GOVERNANCE_VALUES),
    "operational_owner": "text: who runs it after handover to operations",
    "impact": "a mapping of text, hours_saved_per_year and organisations_using",
}
REQUIRED = ("id", "title", "summary", "lead_team", "stages")
STAGE_FIELDS = ("stage", "date")
OUTPUT_FIELDS = ("kind", "title", "url", "date")
YEARS_FIELDS = ("from", "to")
GOVERNANCE_FIELDS = ("dpia", "aia", "clinical_safety_case")
IMPACT_FIELDS = ("text", "hours_saved_per_year", "organisations_using")
STAGE_NAMES = tuple(stage for stage, *_ in STAGES)
CLOSED_STAGES = ("paused", "retired")
SUMMARY_MAX = 300
YEAR_RANGE = (2000, 2100)
TEAMS_FILE = "data/teams.yml"
KIND_LABELS = {"code": "Code", "case_study": "Case study", "technical_report": "Technical report",
               "publication": "Publication", "aia": "Algorithmic impact assessment", "model_card": "Model card"}

#: Register columns, in the order of data/projects/README.md (and register-template.csv).
REGISTER_COLUMNS = (
    "id", "title", "summary", "description", "lead_team", "origin", "work_area", "data_access", "operational_owner",
    "partner_teams",
    *TAG_CATEGORIES,
    *STAGE_NAMES,
    "years_from", "years_to",
    "repositories",
    "case_study", "technical_report", "publication", "aia", "model_card", "code",
    "dpia", "aia_status", "clinical_safety_case",
    "impact", "hours_saved_per_year", "organisations_using",
)
_REGISTER_TEXT = ("id", "title", "summary", "description", "lead_team", "origin", "work_area", "data_access",
                  "operational_owner")
_REGISTER_GOVERNANCE = {"dpia": "dpia", "aia_status": "aia", "clinical_safety_case": "clinical_safety_case"}

_ORDINAL = {stage: ordinal for stage, _, ordinal, _ in STAGES}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9-]+$")
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a record file or a register row."""

    source: str          # file as given, e.g. data/projects/x.yml or register.xlsx
    line: int | None     # YAML line, 1-based, when known
    row: int | None      # spreadsheet row as the user sees it (header = row 1)
    field: str           # e.g. stages[2].date (list entries count from 1); "" for the whole file
    message: str         # names the bad value and what was expected

    def __str__(self) -> str:
        if self.row is not None:
            where = f"{self.source} row {self.row}"
        elif self.line is not None:
            where = f"{self.source}:{self.line}"
        else:
            where = self.source
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RecordsError(ValueError):
    """Record files (or a register) hold problems; `problems` lists them all, str() one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- showing values ------------------------------------------------------------------------

def _plain(value):
    """`value` without the loader's "__line__" keys."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _show(value) -> str:
    """A value as a message shows it: text quoted, other kinds named."""
    if isinstance(value, str):
        return repr(_short(value))
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
        return f"a list {_short(repr(_plain(value)))}"
    if isinstance(value, dict):
        return f"a mapping {_short(repr(_plain(value)))}"
    return f"a {type(value).__name__}"


def _one_of(values) -> str:
    return "one of " + ", ".join(values)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _join(parent: str, key) -> str:
    return f"{parent}.{key}" if parent else str(key)


# --- checking one record -------------------------------------------------------------------

class _Checker:
    """Collects problems, finding each one's line from the YAML node lines or "__line__" keys."""

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
            path = _parent(path)

    def add(self, field: str, message: str, *, at: str | None = None) -> None:
        line = None if self.row is not None else self.line(field if at is None else at)
        self.problems.append(Problem(self.source, line, self.row, field, message))

    def keys(self, path: str, mapping: dict, allowed, *, noun: str = "field") -> None:
        """Report keys of `mapping` that are not in `allowed`."""
        for key in mapping:
            if key in ("__line__",) or (path == "" and key == "_path"):
                continue
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (expected {_one_of(allowed)})"
                self.add(path, f"unknown {noun} {key!r}{hint}", at=_join(path, key))

    def missing(self, path: str, expected: str) -> None:
        self.add(path, f"required field is missing ({expected})")

    # values

    def text(self, path: str, value, *, required: str | None = None) -> str | None:
        """Stripped text, or None (absent, empty or wrong); `required` says what is expected if missing."""
        if value is None:
            if required:
                self.missing(path, required)
            return None
        if not isinstance(value, str):
            self.add(path, f"expected text, found {_show(value)}")
            return None
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not value and required:
            self.add(path, f"required field is empty ({required})")
        return value or None

    def date(self, path: str, value, *, required: bool = False) -> dt.date | None:
        if value is None:
            if required:
                self.missing(path, "a date, YYYY-MM-DD")
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
        self.add(path, f"{_show(value)} is not an ISO date (YYYY-MM-DD)")
        return None

    def mapping(self, path: str, value, expected: str) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(path, f"expected {expected}, found {_show(value)}")
            return None
        self.note(path, value)
        return value

    def sequence(self, path: str, value, expected: str) -> list | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.add(path, f"expected {expected}, found {_show(value)}")
            return None
        return value

    def choice(self, path: str, value, allowed, what: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value.strip() not in allowed:
            self.add(path, f"{_show(value)} is not {what} (expected {_one_of(allowed)})")
            return None
        return value.strip()

    def team(self, path: str, value, *, required: str | None = None) -> str | None:
        team = self.text(path, value, required=required)
        if team is not None and self.known_teams is not None and team not in self.known_teams:
            self.add(path, f"{team!r} is not a team in {TEAMS_FILE}")
            return None
        return team

    def number(self, path: str, value, *, whole: bool = False) -> int | float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.add(path, f"expected a number, found {_show(value)}")
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

    def year(self, path: str, value, *, required: bool = False) -> int | None:
        if value is None:
            if required:
                self.missing(path, "a year, e.g. 2021")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
            self.add(path, f"{_show(value)} is not a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}")
            return None
        return value

    def web_address(self, path: str, value) -> str | None:
        url = self.text(path, value)
        if url is None:
            return None
        problem = _address_problem(url)
        if problem:
            self.add(path, problem)
            return None
        return url


def _address_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        return f"{url!r} is not a web address (expected http:// or https:// and a host)"
    if parts.username or parts.password:
        return f"{url!r} holds a user name or password; give the address without them"
    return None


def parse_repository(url: str) -> dict:
    """{"url", "host", "full_name"} for a repository address; ValueError (a message) if it is not one.

    github.com: https://github.com/OWNER/NAME (".git" and a trailing /tree/... or /blob/... are dropped);
    GitLab (gitlab.com or a gitlab.* host): GROUP/[SUBGROUPS/]NAME, all kept in full_name;
    Azure DevOps: https://dev.azure.com/ORG/PROJECT/_git/REPO or https://ORG.visualstudio.com/PROJECT/_git/REPO,
    full_name ORG/PROJECT/REPO; any other host: a path of at least two segments (OWNER/NAME...).
    """
    text = url.strip() if isinstance(url, str) else url
    generic = f"{_show(text)} is not a repository address (https://HOST/OWNER/NAME)"
    if not isinstance(text, str):
        raise ValueError(generic)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", text):
        raise ValueError(generic)
    if parts.username or parts.password:
        raise ValueError(f"{text!r} holds a user name or password; give the address without them")
    host = parts.hostname.lower()
    segments = [s for s in parts.path.split("/") if s]

    if host in ("github.com", "www.github.com"):
        if len(segments) > 2 and segments[2] in ("tree", "blob"):
            segments = segments[:2]
        if len(segments) == 2 and segments[1].endswith(".git"):
            segments[1] = segments[1][:-4]
        if (len(segments) != 2 or not _GITHUB_OWNER.match(segments[0]) or not _GITHUB_NAME.match(segments[1])
                or segments[1] in (".", "..")):
            raise ValueError(f"{text!r} is not a GitHub repository address (https://github.com/OWNER/NAME)")
        full_name = "/".join(segments)
        return {"url": f"https://github.com/{full_name}", "host": "github", "full_name": full_name}

    if host == "gitlab.com" or host.startswith("gitlab."):
        if "-" in segments:
            segments = segments[:segments.index("-")]
        if segments and segments[-1].endswith(".git"):
            segments[-1] = segments[-1][:-4]
        if len(segments) < 2 or not all(segments):
            raise ValueError(f"{text!r} is not a GitLab repository address "
                             f"(https://{host}/GROUP/NAME or https://{host}/GROUP/SUBGROUP/NAME)")
        full_name = "/".join(segments)
        return {"url": f"{parts.scheme}://{parts.netloc}/{full_name}", "host": "gitlab", "full_name": full_name}

    if host == "dev.azure.com" or host.endswith(".visualstudio.com"):
        if host == "dev.azure.com":
            org, rest = (segments[0], segments[1:]) if segments else ("", [])
        else:
            org, rest = host.split(".")[0], segments
            if rest and rest[0].lower() == "defaultcollection":
                rest = rest[1:]
        if not org or len(rest) < 3 or rest[1] != "_git" or not rest[0] or not rest[2]:
            raise ValueError(f"{text!r} is not an Azure DevOps repository address "
                             "(https://dev.azure.com/ORG/PROJECT/_git/REPO)")
        project, repo = rest[0], rest[2]
        url = (f"https://dev.azure.com/{org}/{project}/_git/{repo}" if host == "dev.azure.com"
               else f"https://{parts.netloc}/{project}/_git/{repo}")
        return {"url": url, "host": "azure-devops", "full_name": f"{org}/{project}/{repo}"}

    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][:-4]
    if len(segments) < 2 or not all(segments):
        raise ValueError(generic)
    full_name = "/".join(segments)
    return {"url": f"{parts.scheme}://{parts.netloc}/{full_name}", "host": "other", "full_name": full_name}


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
    c = _Checker(source, lines, row, known_teams)
    if not isinstance(record, dict):
        c.add("", f"expected a mapping of fields (id: ..., title: ...), found {_show(record)}")
        return None, c.problems
    c.note("", record)
    c.keys("", record, FIELDS)
    out: dict = {}

    record_id = c.text("id", record.get("id"), required=FIELDS["id"])
    if record_id is not None and not _SLUG.match(record_id):
        c.add("id", f"{record_id!r} is not a lower-case slug (lower-case letters, digits and single hyphens, "
                    "e.g. synthetic-ae-data)")
    out["id"] = record_id
    out["title"] = c.text("title", record.get("title"), required="text")
    summary = c.text("summary", record.get("summary"), required=FIELDS["summary"])
    if summary is not None:
        if "\n" in summary or "\r" in summary:
            c.add("summary", f"{_show(summary)} has a line break; the summary is one line "
                             "(put more in description)")
        if len(summary) > SUMMARY_MAX:
            c.add("summary", f"{_show(summary)} is {len(summary)} characters long; "
                             f"expected at most {SUMMARY_MAX} (put more in description)")
    out["summary"] = summary
    out["description"] = c.text("description", record.get("description"))
    out["lead_team"] = c.team("lead_team", record.get("lead_team"), required=FIELDS["lead_team"])

    partners = c.sequence("partner_teams", record.get("partner_teams"), "a list of team ids")
    if partners is not None:
        out["partner_teams"] = []
        for i, value in enumerate(partners, 1):
            team = c.team(f"partner_teams[{i}]", value, required="a team id")
            if team is not None:
                if team in out["partner_teams"]:
                    c.add(f"partner_teams[{i}]", f"{team!r} is listed twice")
                out["partner_teams"].append(team)

    out["origin"] = c.text("origin", record.get("origin"))
    out["work_area"] = c.text("work_area", record.get("work_area"))

    tags = c.mapping("tags", record.get("tags"), "a mapping of tag categories to lists of tags")
    if tags is not None:
        c.keys("tags", tags, TAG_CATEGORIES, noun="tag category")
        out["tags"] = {}
        for category in TAG_CATEGORIES:
            path = f"tags.{category}"
            values = c.sequence(path, tags.get(category), "a list of tags, e.g. [nlp, imaging]")
            if values is None:
                continue
            kept = []
            for i, value in enumerate(values, 1):
                tag = c.text(f"{path}[{i}]", value, required="a tag")
                if tag is not None:
                    if tag in kept:
                        c.add(f"{path}[{i}]", f"{tag!r} is listed twice")
                    kept.append(tag)
            out["tags"][category] = kept

    out["data_access"] = c.choice("data_access", record.get("data_access"), DATA_ACCESS, "a data access class")
    out["stages"] = _stages(c, record.get("stages"))

    years = c.mapping("years", record.get("years"), "a mapping {from: YEAR, to: YEAR}")
    if years is not None:
        c.keys("years", years, YEARS_FIELDS)
        start = c.year("years.from", years.get("from"), required=True)
        end = c.year("years.to", years.get("to"))
        if start is not None and end is not None and end < start:
            c.add("years.to", f"{end} is before years.from {start}; expected a year from {start}")
        out["years"] = {"from": start, "to": end}

    repos = c.sequence("repositories", record.get("repositories"), "a list of repository addresses")
    if repos is not None:
        out["repositories"] = []
        seen: dict[str, int] = {}
        for i, value in enumerate(repos, 1):
            path = f"repositories[{i}]"
            if isinstance(value, dict):  # a canonical entry: its url is what counts
                c.note(path, value)
                c.keys(path, value, ("url", "host", "full_name"))
                value = value.get("url")
            try:
                repo = parse_repository(value)
            except ValueError as exc:
                c.add(path, str(exc))
                continue
            if repo["full_name"] in seen:
                c.add(path, f"{repo['url']!r} is listed twice (as {repo['full_name']}, "
                            f"also repositories[{seen[repo['full_name']]}])")
            seen.setdefault(repo["full_name"], i)
            out["repositories"].append(repo)

    outputs = c.sequence("outputs", record.get("outputs"), "a list of {kind, title, url, date} entries")
    if outputs is not None:
        out["outputs"] = []
        seen_outputs: dict[tuple, int] = {}
        for i, value in enumerate(outputs, 1):
            path = f"outputs[{i}]"
            entry = c.mapping(path, value, "a mapping {kind: KIND, title: TEXT, url: ADDRESS, date: YYYY-MM-DD}")
            if entry is None:
                if value is None:
                    c.add(path, "expected a mapping {kind: KIND, title: TEXT, url: ADDRESS, date: YYYY-MM-DD}, "
                                "found nothing")
                continue
            c.keys(path, entry, OUTPUT_FIELDS)
            kind = entry.get("kind")
            if kind is None:
                c.missing(f"{path}.kind", _one_of(OUTPUT_KINDS))
            kind = c.choice(f"{path}.kind", kind, OUTPUT_KINDS, "an output kind")
            title = c.text(f"{path}.title", entry.get("title"), required="text")
            url = c.web_address(f"{path}.url", entry.get("url"))
            date = c.date(f"{path}.date", entry.get("date"))
            if kind and title:
                if (kind, title) in seen_outputs:
                    c.add(f"{path}.title", f"{title!r} is listed twice as a {kind} "
                                           f"(also outputs[{seen_outputs[kind, title]}])")
                seen_outputs.setdefault((kind, title), i)
            out["outputs"].append({"kind": kind, "title": title, "url": url, "date": date})

    governance = c.mapping("governance", record.get("governance"), "a mapping of dpia, aia, clinical_safety_case")
    if governance is not None:
        c.keys("governance", governance, GOVERNANCE_FIELDS)
        out["governance"] = {}
        for name in GOVERNANCE_FIELDS:
            value = c.choice(f"governance.{name}", governance.get(name), GOVERNANCE_VALUES, "a governance value")
            if value is not None:
                out["governance"][name] = value

    out["operational_owner"] = c.text("operational_owner", record.get("operational_owner"))

    impact = c.mapping("impact", record.get("impact"), "a mapping of text, hours_saved_per_year, organisations_using")
    if impact is not None:
        c.keys("impact", impact, IMPACT_FIELDS)
        found = {"text": c.text("impact.text", impact.get("text")),
                 "hours_saved_per_year": c.number("impact.hours_saved_per_year", impact.get("hours_saved_per_year")),
                 "organisations_using": c.number("impact.organisations_using", impact.get("organisations_using"),
                                                 whole=True)}
        out["impact"] = {k: v for k, v in found.items() if v is not None}

    if c.problems:
        return None, _by_line(c.problems)
    canonical = {k: v for k, v in out.items() if v is not None}
    canonical["_path"] = source
    return canonical, []


def _stages(c: _Checker, value) -> list[dict] | None:
    if value is None:
        c.missing("stages", FIELDS["stages"])
        return None
    entries = c.sequence("stages", value, FIELDS["stages"])
    if entries is None:
        return None
    if not entries:
        c.add("stages", f"the list is empty; expected at least one dated stage ({FIELDS['stages']})")
        return None
    out = []
    last_date = last_stage = None  # (index, value) of the latest valid ones
    for i, item in enumerate(entries, 1):
        path = f"stages[{i}]"
        entry = c.mapping(path, item, "a mapping {stage: STAGE, date: YYYY-MM-DD}")
        if entry is None:
            if item is None:
                c.add(path, "expected a mapping {stage: STAGE, date: YYYY-MM-DD}, found nothing")
            continue
        c.keys(path, entry, STAGE_FIELDS)
        stage = entry.get("stage")
        if stage is None:
            c.missing(f"{path}.stage", _one_of(STAGE_NAMES))
        stage = c.choice(f"{path}.stage", stage, STAGE_NAMES, "a stage")
        date = c.date(f"{path}.date", entry.get("date"), required=True)
        if date is not None and last_date is not None and date <= last_date[1]:
            c.add(f"{path}.date", f"{date} is not after {last_date[1]}, the date of stages[{last_date[0]}] "
                                  "(stage dates must rise)")
        if (stage is not None and last_stage is not None and stage not in CLOSED_STAGES
                and last_stage[1] not in CLOSED_STAGES and _ORDINAL[stage] <= _ORDINAL[last_stage[1]]):
            c.add(f"{path}.stage", f"{stage!r} cannot follow {last_stage[1]!r} (stages[{last_stage[0]}]): stages go "
                                   "forward along the pathway; only after paused or retired may a project "
                                   "repeat a stage or return to an earlier one")
        if date is not None:
            last_date = (i, date)
        if stage is not None:
            last_stage = (i, stage)
        out.append({"stage": stage, "date": date})
    return out


def _by_line(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


# --- YAML text and folders -----------------------------------------------------------------

def _node_lines(node, prefix: str, lines: dict, repeated: list) -> None:
    """Fill `lines` with the line of every field path; note keys given twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            path = _join(prefix, key)
            line = key_node.start_mark.line + 1
            if key in seen:
                repeated.append((prefix, key, line))
            seen.add(key)
            lines.setdefault(path, line)
            _node_lines(value_node, path, lines, repeated)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, 1):
            path = f"{prefix}[{i}]"
            lines[path] = item.start_mark.line + 1
            _node_lines(item, path, lines, repeated)


def _parse(text: str, source: str, known_teams: set[str] | None, expected_id: str | None):
    """(canonical record or None, problems, field lines, the id as written or None)."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, [Problem(source, None, None, "", "file is empty")], {}, None
    loader = yamlfile.LineLoader(text)
    lines: dict[str, int] = {}
    repeated: list = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(source, None, None, "", "file is empty (only comments)")], {}, None
        lines[""] = node.start_mark.line + 1
        _node_lines(node, "", lines, repeated)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(source, mark.line + 1 if mark else None, None, "", f"not valid YAML: {what}")], {}, None
    finally:
        loader.dispose()
    record, problems = validate(data, source=source, known_teams=known_teams, lines=lines)
    for parent, key, line in repeated:
        problems.append(Problem(source, line, None, parent, f"field {key!r} is given twice; give each field once"))
    raw_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    if expected_id is not None and raw_id is not None and raw_id.strip() != expected_id:
        problems.append(Problem(source, lines.get("id"), None, "id",
                                f"{raw_id.strip()!r} differs from the file name; expected {expected_id!r} "
                                "(a record is named <id>.yml: rename the file or change the id)"))
    if problems:
        return None, _by_line(problems), lines, raw_id
    return record, [], lines, raw_id


def parse_text(text: str, *, source: str, known_teams: set[str] | None,
               expected_id: str | None = None) -> tuple[dict | None, list[Problem]]:
    """Check a record given as YAML text (a file's or a form's); as `validate`, plus YAML syntax,
    empty text, fields given twice and (with expected_id, the file stem) an id that differs."""
    record, problems, _, _ = _parse(text, source, known_teams, expected_id)
    return record, problems


def record_files(folder: Path) -> list[Path]:
    """The record files of `folder`: *.yml and *.yaml by name, less templates (names starting
    with "_" or ".", or ending in "template")."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in (".yml", ".yaml")
                  and not p.name.startswith(("_", ".")) and not p.stem.lower().endswith("template"))


def _read_text(path: Path, source: str) -> tuple[str | None, list[Problem]]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(source, line, None, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]


def load_folder(folder: Path, known_teams: set[str] | None) -> list[dict]:
    """The canonical records of every record file in `folder`, sorted by file name.

    Raises RecordsError with every problem of every file (UTF-8, empty files, YAML syntax,
    the checks of `validate`, ids that differ from the file name, ids used twice) if any.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RecordsError([Problem(str(folder), None, None, "", "no such folder of project records")])
    records, problems = [], []
    first_with_id: dict[str, str] = {}
    for path in record_files(folder):
        source = str(path)
        text, found = _read_text(path, source)
        if text is None:
            problems.extend(found)
            continue
        record, found, lines, raw_id = _parse(text, source, known_teams, path.stem)
        record_id = record["id"] if record else (raw_id.strip() if raw_id else None)
        if record_id:
            if record_id in first_with_id and record_id == path.stem:  # else the file name problem says it
                found.append(Problem(source, lines.get("id"), None, "id",
                                     f"{record_id!r} is also the id in {first_with_id[record_id]}; "
                                     "expected each project once"))
                record = None
            first_with_id.setdefault(record_id, source)
        problems.extend(_by_line(found))
        if record is not None:
            records.append(record)
    if problems:
        raise RecordsError(problems)
    return records


def _teams_problems(text: str, teams_path: Path) -> list[Problem]:
    source = str(teams_path)
    problems = []
    for message in text.splitlines():
        if message.startswith(source):
            rest = message[len(source):]
            located = re.match(r"^:(\d+): (.*)$", rest)
            if located:
                problems.append(Problem(source, int(located.group(1)), None, "", located.group(2)))
                continue
            if rest.startswith(": "):
                problems.append(Problem(source, None, None, "", rest[2:]))
                continue
        problems.append(Problem(source, None, None, "", message))
    return problems


def _team_ids_leniently(teams_path: Path) -> set[str] | None:
    """Team ids in a teams file that did not pass its checks, or None if it cannot be read."""
    try:
        raw = yaml.safe_load(Path(teams_path).read_text(encoding="utf-8"))
        return {t["id"] for t in raw["teams"] if isinstance(t, dict) and isinstance(t.get("id"), str)}
    except Exception:  # noqa: BLE001 -- the teams file's own problems are already reported
        return None


def check(records_dir: Path, teams_file: Path) -> list[Problem]:
    """Every problem in data/teams.yml and the project records; [] when all is well."""
    problems: list[Problem] = []
    try:
        known = {t["team_id"] for t in _teams.load(teams_file)["teams"]}
    except _teams.TeamsError as exc:
        problems.extend(_teams_problems(str(exc), Path(teams_file)))
        known = _team_ids_leniently(teams_file)
    try:
        load_folder(records_dir, known)
    except RecordsError as exc:
        problems.extend(exc.problems)
    return problems


# --- writing YAML --------------------------------------------------------------------------

class _Flow(dict):
    """A mapping written on one line: {stage: idea, date: 2021-03-01}."""


class _FlowList(list):
    """A list written on one line: [a, b]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):  # lists indented under their key
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


def _represent_text(dumper, text):
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Flow, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m, flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, s: d.represent_sequence("tag:yaml.org,2002:seq", s, flow_style=True))


def to_yaml(record: dict) -> str:
    """A canonical record as YAML text in the documented field order (what a person would write)."""
    doc: dict = {}
    for key in FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if key == "partner_teams":
            value = _FlowList(value)
        elif key == "tags":
            value = {cat: _FlowList(value[cat]) for cat in TAG_CATEGORIES if cat in value}
        elif key == "stages":
            value = [_Flow(stage=s["stage"], date=s["date"]) for s in value]
        elif key == "years":
            value = _Flow({k: value[k] for k in YEARS_FIELDS if value.get(k) is not None})
        elif key == "repositories":
            value = [r["url"] if isinstance(r, dict) else r for r in value]
        elif key == "outputs":
            value = [_Flow({k: o[k] for k in OUTPUT_FIELDS if o.get(k) is not None}) for o in value]
        elif key == "governance":
            value = {k: value[k] for k in GOVERNANCE_FIELDS if k in value}
        elif key == "impact":
            value = {k: value[k] for k in IMPACT_FIELDS if k in value}
        doc[key] = value
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=1_000_000)


# --- importing a register ------------------------------------------------------------------

def _split(value) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in re.split(r"[;\n]", str(value)) if part.strip()]


def _cell(value):
    """A spreadsheet cell: None if empty, text stripped, whole floats as int."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_text(value):
    """A cell that should hold text: date cells and numbers as they read."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _as_number(value):
    if isinstance(value, str):
        for kind in (int, float):
            try:
                return _cell(kind(value))
            except ValueError:
                pass
    return value


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) and value.time() == dt.time(0) else value


def _read_register(path: Path, source: str) -> tuple[list[list], list[Problem]]:
    """The register's rows (header first) as lists of cells."""
    if not path.is_file():
        return [], [Problem(source, None, None, "", "no such file")]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [], [Problem(source, None, None, "", f"not UTF-8 text (byte {exc.start}); "
                                                        "save the register as CSV UTF-8")]
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))], []
    if suffix == ".xlsx":
        try:
            import openpyxl
        except ImportError:
            return [], [Problem(source, None, None, "", "reading .xlsx needs the openpyxl package "
                                                        "(pip install openpyxl), or save the register as CSV")]
        try:
            book = openpyxl.load_workbook(path, data_only=True)
        except Exception as exc:  # noqa: BLE001 -- openpyxl raises many kinds for a damaged file
            return [], [Problem(source, None, None, "", f"not a readable Excel workbook (.xlsx): {exc}")]
        try:
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)], []
        finally:
            book.close()
    return [], [Problem(source, None, None, "", f"expected a .csv or .xlsx register, found {path.suffix or 'no'} "
                                                "file type")]


def _record_from_row(cells: dict) -> tuple[dict, dict[str, str]]:
    """A record (YAML shape) from one register row, and the column each field path came from."""
    record: dict = {}
    columns: dict[str, str] = {}
    for name in _REGISTER_TEXT:
        if cells.get(name) is not None:
            record[name] = _as_text(cells[name])
            columns[name] = name
    if cells.get("partner_teams") is not None:
        record["partner_teams"] = _split(_as_text(cells["partner_teams"]))
        columns["partner_teams"] = "partner_teams"
    for category in TAG_CATEGORIES:
        if cells.get(category) is not None:
            record.setdefault("tags", {})[category] = _split(_as_text(cells[category]))
            columns[f"tags.{category}"] = category
    entered = []
    for stage in STAGE_NAMES:
        value = cells.get(stage)
        dates = _split(value) if isinstance(value, str) else [] if value is None else [value]
        for date in map(_as_date, dates):
            order = date if isinstance(date, dt.date) else _iso_or_none(date)
            entered.append((order or dt.date.max, _ORDINAL[stage], stage, date))
    record["stages"] = []
    for i, (_, _, stage, date) in enumerate(sorted(entered, key=lambda e: e[:2]), 1):
        record["stages"].append({"stage": stage, "date": date})
        columns[f"stages[{i}]"] = stage
    if cells.get("years_from") is not None or cells.get("years_to") is not None:
        record["years"] = {"from": _as_number(cells.get("years_from")), "to": _as_number(cells.get("years_to"))}
        columns.update({"years.from": "years_from", "years.to": "years_to", "years": "years_from"})
    if cells.get("repositories") is not None:
        record["repositories"] = _split(cells["repositories"])
        columns["repositories"] = "repositories"
    outputs = []
    for kind in OUTPUT_KINDS:
        addresses = _split(cells.get(kind))
        for n, url in enumerate(addresses, 1):
            title = KIND_LABELS[kind] + (f" {n}" if len(addresses) > 1 else "")
            outputs.append({"kind": kind, "title": title, "url": url})
            columns[f"outputs[{len(outputs)}]"] = kind
    if outputs:
        record["outputs"] = outputs
    for column, name in _REGISTER_GOVERNANCE.items():
        if cells.get(column) is not None:
            record.setdefault("governance", {})[name] = _as_text(cells[column])
            columns[f"governance.{name}"] = column
    if cells.get("impact") is not None:
        record.setdefault("impact", {})["text"] = _as_text(cells["impact"])
        columns["impact.text"] = "impact"
    for name in ("hours_saved_per_year", "organisations_using"):
        if cells.get(name) is not None:
            record.setdefault("impact", {})[name] = _as_number(cells[name])
            columns[f"impact.{name}"] = name
    return record, columns


def _iso_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and _ISO_DATE.match(value) else None
    except ValueError:
        return None


def _column_of(field: str, columns: dict[str, str]) -> str:
    path = field
    while path:
        if path in columns:
            return columns[path]
        path = _parent(path)
    return field


def _register_problem(problem: Problem, columns: dict[str, str]) -> Problem:
    if problem.field == "stages":
        return replace(problem, field="stages",
                       message="no stage has a date; give the date of at least one stage "
                               f"(columns {', '.join(STAGE_NAMES)})")
    message = re.sub(r" \(stages\[\d+\]\)", "", problem.message)  # entry numbers mean nothing in a sheet
    message = re.sub(r"the date of stages\[(\d+)\]", lambda m: f"the date in column {columns[f'stages[{m[1]}]']}",
                     message)
    return replace(problem, line=None, field=_column_of(problem.field, columns), message=message)


def import_register(path: Path, out_dir: Path, known_teams: set[str] | None, *, force: bool = False) -> list[Path]:
    """Write one record file per row of a register (.csv or .xlsx, first sheet) into `out_dir`.

    Every row is checked first; any problem (with its row and column) raises RecordsError and
    nothing is written. An existing <id>.yml (or .yaml) in out_dir is a problem unless `force`.
    Returns the paths written, in row order.
    """
    path, out_dir = Path(path), Path(out_dir)
    source = str(path)
    rows, problems = _read_register(path, source)
    if problems:
        raise RecordsError(problems)
    if not rows or not any(_cell(v) is not None for v in rows[0]):
        raise RecordsError([Problem(source, None, None, "", "file is empty; expected a header row of column names "
                                                            "(see data/projects/register-template.csv)")])
    header = [str(_as_text(_cell(v)) or "").strip().lower().replace(" ", "_") for v in rows[0]]
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            if any(i < len(r) and _cell(r[i]) is not None for r in rows[1:]):
                problems.append(Problem(source, None, 1, "", f"column {i + 1} has values but no name in the header"))
            continue
        if name in index:
            problems.append(Problem(source, None, 1, name, f"column {name!r} appears twice (columns {index[name] + 1} "
                                                           f"and {i + 1}); expected each column once"))
            continue
        index[name] = i
        if name not in REGISTER_COLUMNS:
            close = difflib.get_close_matches(name, REGISTER_COLUMNS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(Problem(source, None, 1, name, f"unknown column {name!r}; {hint}(the columns are listed "
                                                           "in data/projects/README.md; nothing is dropped silently)"))
    for name in ("id", "title", "summary", "lead_team"):
        if name not in index:
            problems.append(Problem(source, None, 1, name, f"required column {name!r} is missing"))
    if problems:
        raise RecordsError(problems)

    checked: list[tuple[int, dict]] = []
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], 2):
        values = {name: _cell(cells[i]) if i < len(cells) else None for name, i in index.items()}
        if all(v is None for v in values.values()):
            continue
        record, columns = _record_from_row(values)
        canonical, found = validate(record, source=source, known_teams=known_teams, row=number)
        problems.extend(_register_problem(p, columns) for p in found)
        record_id = canonical["id"] if canonical else record.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in first_row_of:
            problems.append(Problem(source, None, number, "id", f"{record_id!r} is also the id in row "
                                                                f"{first_row_of[record_id]}; expected each project once"))
            continue
        first_row_of[record_id] = number
        if canonical is None:
            continue
        existing = [out_dir / f"{record_id}{suffix}" for suffix in (".yml", ".yaml")
                    if (out_dir / f"{record_id}{suffix}").exists()]
        if existing and not (force and existing == [out_dir / f"{record_id}.yml"]):
            problems.append(Problem(source, None, number, "id", f"{existing[0]} already exists; "
                                    + ("import with --force to replace it" if not force else
                                       "remove it: the import writes .yml files")))
            continue
        checked.append((number, canonical))
    if problems:
        raise RecordsError(problems)
    if not checked:
        raise RecordsError([Problem(source, None, None, "", "no project rows under the header")])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for _, record in checked:
        target = out_dir / f"{record['id']}.yml"
        target.write_text(to_yaml(record), encoding="utf-8", newline="\n")
        written.append(target)
    return written
