"""The demo's input files in data/demo/: the teams (in data/teams.yml's format), the project
records (the record format of data/projects/README.md), the needs (the format of
data/needs/README.md) and repositories.yml, the generator's hints about each repository
(documented in its header comment).

Teams, records and needs go through the same loaders and checks as real data; repositories.yml
is checked against them. Every problem names the file, the line and the field.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from etl import config
from etl.demo.settings import DEMO_AS_OF, NEEDS_DIR, PROJECTS_DIR, REPOSITORIES_FILE, TEAMS_FILE
from etl.records import files as record_files, needs as need_files, teams as team_file
from etl.records.errors import RecordsError
from etl.shared import yamlfile
from etl.warehouse import STAGES

KINDS = ("ml", "nlp", "imaging", "lib", "dash_py", "dash_js", "r", "sql", "docs", "notebooks", "java")
ACTIONS_SCHEDULES = ("daily", "weekly")
TOP_FIELDS = ("stages", "without_project", "kinds", "projects", "unlinked")
STAGE_FIELDS = ("activity", "stars", "stops_within_days", "archived")
# Optional on any repository: hints for its activity, bots, dependencies, topics and contributors.
EXTRA_FIELDS = ("activity", "actions", "no_manifest", "key_person", "topics", "contributors_from")
PROJECT_REPO_FIELDS = ("repo", "kind", "created_in", "description", "active_until", *EXTRA_FIELDS)
UNLINKED_FIELDS = ("repo", "team", "kind", "created", "description", "active_until", "archived", "fork", *EXTRA_FIELDS)
_FULL_NAME = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")


class DemoFilesError(ValueError):
    """A file in data/demo/ holds a wrong value; the message says where."""


def teams(path: Path = TEAMS_FILE) -> dict[str, list[dict]]:
    """Rows of the teams and team_history tables, read by etl.records.teams.load."""
    rows = team_file.load(path)
    if rows["members"] or rows["aliases"]:
        raise DemoFilesError(f"{path}: members, aliases: the demo's people are generated in code; "
                             "list no members or aliases here")
    return {"teams": rows["teams"], "team_history": rows["team_history"]}


def project_records(team_ids: set[str], folder: Path = PROJECTS_DIR) -> list[dict]:
    """The canonical records, read and checked by etl.records.files.load_folder. Each record's "_path"
    (the projects table's record_path) is relative to the repository when the file is in it,
    so the demo warehouse is the same on every machine."""
    found = record_files.load_folder(folder, team_ids)
    for record in found:
        path = Path(record["_path"]).resolve()
        if path.is_relative_to(config.ROOT):
            record["_path"] = path.relative_to(config.ROOT).as_posix()
    return found


def need_records(team_ids: set[str], project_records: list[dict], folder: Path = NEEDS_DIR) -> list[dict]:
    """The canonical needs, read and checked by etl.records.needs.load_folder against the demo's
    teams and records, the radar and taxonomy, and the demo's snapshot date (nothing after it).
    Each need's "_path" is relative to the repository, as the records' are."""
    entries, categories, unreadable = need_files.technologies()
    if unreadable:
        raise RecordsError(unreadable)
    known = need_files.Known(teams=team_ids, projects={r["id"] for r in project_records}, radar=entries,
                             categories=categories, as_of=DEMO_AS_OF.date(), as_of_is="the demo's snapshot",
                             projects_in=_shown(PROJECTS_DIR))
    found = need_files.load_folder(folder, known)
    for need in found:
        need["_path"] = _shown(Path(need["_path"]))
    return found


def _shown(path: Path) -> str:
    path = Path(path).resolve()
    return path.relative_to(config.ROOT).as_posix() if path.is_relative_to(config.ROOT) else str(path)


def repository_hints(project_records: list[dict], team_ids: set[str], path: Path = REPOSITORIES_FILE) -> dict:
    """repositories.yml, checked against the records and teams.

    {"stages": {stage: {"activity", "stars", "stops_within_days"?, "archived"?}},
     "without_project": {"activity", "stars"}, "kinds": {kind: {"activity"}},
     "repositories": [...]} with the repositories in the file's order, each {"full_name",
    "team" (None: the Assembly's own), "kind", "description", "project" (record id or None),
    "created_in" (a stage of the project) or "created" (a date), "active_until" (date or None),
    "archived", "extras" (the optional fields given, and "fork")}.
    """
    raw = yamlfile.read(path, DemoFilesError, what="demo repositories file", with_lines=True)
    if not isinstance(raw, dict):
        raise DemoFilesError(f"{path}: expected a mapping of {', '.join(TOP_FIELDS)}")
    c = _Check(path)
    c.fields(raw, TOP_FIELDS, "", raw, required=TOP_FIELDS)
    hints = {"stages": _stage_hints(c, raw), "without_project": {}, "kinds": _kind_hints(c, raw),
             "repositories": _project_repositories(c, raw, project_records, team_ids) + _unlinked(c, raw, team_ids)}
    plain = c.mapping(raw.get("without_project"), "without_project", raw)
    if plain is not None:
        c.fields(plain, ("activity", "stars"), "without_project", plain, required=("activity", "stars"))
        hints["without_project"] = {k: c.number(plain.get(k), f"without_project.{k}", plain)
                                    for k in ("activity", "stars")}
    seen = set()
    for repo in hints["repositories"]:
        if repo["full_name"] in seen:
            c.add(repo["node"], f"{repo['where']}.repo", f"{repo['full_name']!r} is listed before; "
                                                          "expected each repository once")
        seen.add(repo["full_name"])
        if repo["kind"] in KINDS and repo["kind"] not in hints["kinds"]:
            c.add(raw.get("kinds") or raw, "kinds", f"no entry for kind {repo['kind']!r} (used by {repo['full_name']})")
        del repo["node"], repo["where"]
    c.raise_if_any()
    return hints


def _kind_hints(c: _Check, raw: dict) -> dict:
    kinds = c.mapping(raw.get("kinds"), "kinds", raw) or {}
    out = {}
    for kind, entry in _items(kinds):
        if kind not in KINDS:
            c.add(kinds, f"kinds.{kind}", f"not a kind the generator knows; expected one of {', '.join(KINDS)}")
        entry = c.mapping(entry, f"kinds.{kind}", kinds)
        if entry is not None:
            c.fields(entry, ("activity",), f"kinds.{kind}", entry, required=("activity",))
            out[kind] = {"activity": c.number(entry.get("activity"), f"kinds.{kind}.activity", entry)}
    return out


def _project_repositories(c: _Check, raw: dict, project_records: list[dict], team_ids: set[str]) -> list[dict]:
    """The `projects` section: each record's repositories, in the file's order."""
    by_id = {r["id"]: r for r in project_records}
    listed = c.mapping(raw.get("projects"), "projects", raw) or {}
    out = []
    for project_id, entries in _items(listed):
        record = by_id.get(project_id)
        if record is None:
            c.add(listed, f"projects.{project_id}", f"no project record {project_id}.yml in {PROJECTS_DIR.name}/")
            continue
        if not isinstance(entries, list):
            c.add(listed, f"projects.{project_id}", "expected a list of {repo, kind, created_in, description} entries")
            continue
        stage_names = [s["stage"] for s in record["stages"]]
        for i, entry in enumerate(entries, 1):
            where = f"projects.{project_id}[{i}]"
            repo = _repository(c, entry, where, PROJECT_REPO_FIELDS, ("repo", "kind", "created_in", "description"),
                               team_ids, listed)
            if repo is None:
                continue
            if entry.get("created_in") not in stage_names:
                c.add(entry, f"{where}.created_in", f"{entry.get('created_in')!r} is not a stage of the project "
                                                    f"(its stages: {', '.join(stage_names)})")
            repo.update(team=record["lead_team"], project=project_id, created_in=entry.get("created_in"),
                        created=None, archived=False,
                        active_until=c.date(entry.get("active_until"), f"{where}.active_until", entry))
            out.append(repo)
        _same_repositories(c, listed, project_id, record, [e for e in entries if isinstance(e, dict)])
    for record in project_records:
        if record.get("repositories") and record["id"] not in listed:
            c.add(listed, f"projects.{record['id']}", f"the record {record['id']}.yml lists repositories; "
                                                      "expected their kind, created_in and description here")
    return out


def _unlinked(c: _Check, raw: dict, team_ids: set[str]) -> list[dict]:
    """The `unlinked` section: repositories of no project."""
    entries = raw.get("unlinked")
    if entries is not None and not isinstance(entries, list):
        c.add(raw, "unlinked", "expected a list of {repo, team, kind, created, description} entries")
    out = []
    for i, entry in enumerate(entries if isinstance(entries, list) else [], 1):
        where = f"unlinked[{i}]"
        repo = _repository(c, entry, where, UNLINKED_FIELDS, ("repo", "kind", "created", "description"), team_ids, raw)
        if repo is None:
            continue
        team = entry.get("team")
        if team is not None and team not in team_ids:
            c.add(entry, f"{where}.team", f"{team!r} is not a team in {TEAMS_FILE.name}")
        repo.update(team=team, project=None, created_in=None,
                    created=c.date(entry.get("created"), f"{where}.created", entry),
                    active_until=c.date(entry.get("active_until"), f"{where}.active_until", entry),
                    archived=c.flag(entry.get("archived"), f"{where}.archived", entry))
        if entry.get("fork") is not None:
            repo["extras"]["fork"] = c.flag(entry["fork"], f"{where}.fork", entry)
        out.append(repo)
    return out


def _stage_hints(c: _Check, raw: dict) -> dict:
    stages = c.mapping(raw.get("stages"), "stages", raw)
    if stages is None:
        return {}
    names = [s[0] for s in STAGES]
    c.fields(stages, names, "stages", stages, required=names, noun="stage")
    out = {}
    for stage, entry in _items(stages):
        entry = c.mapping(entry, f"stages.{stage}", stages)
        if entry is None or stage not in names:
            continue
        c.fields(entry, STAGE_FIELDS, f"stages.{stage}", entry, required=("activity", "stars"))
        out[stage] = {"activity": c.number(entry.get("activity"), f"stages.{stage}.activity", entry),
                      "stars": c.number(entry.get("stars"), f"stages.{stage}.stars", entry),
                      "archived": c.flag(entry.get("archived"), f"stages.{stage}.archived", entry)}
        if entry.get("stops_within_days") is not None:
            out[stage]["stops_within_days"] = c.number(entry["stops_within_days"], f"stages.{stage}.stops_within_days",
                                                       entry, whole=True)
    return out


def _repository(c: _Check, entry, where: str, allowed: tuple, required: tuple, team_ids: set[str],
                parent: dict) -> dict | None:
    """The fields every repository has, and its extras; None if it is not a mapping."""
    if not isinstance(entry, dict):
        c.add(parent, where, "expected a mapping {repo: OWNER/NAME, kind: KIND, ...}")
        return None
    c.fields(entry, allowed, where, entry, required=required)
    full_name = entry.get("repo")
    if not isinstance(full_name, str) or not _FULL_NAME.match(full_name):
        c.add(entry, f"{where}.repo", f"{full_name!r} is not a GitHub repository name (OWNER/NAME)")
    if entry.get("kind") not in KINDS:
        c.add(entry, f"{where}.kind", f"{entry.get('kind')!r} is not one of {', '.join(KINDS)}")
    if not isinstance(entry.get("description"), str):
        c.add(entry, f"{where}.description", "expected the repository's one-line description")
    extras = {}
    if entry.get("activity") is not None:
        extras["activity"] = c.number(entry["activity"], f"{where}.activity", entry)
    if entry.get("actions") is not None:
        if entry["actions"] not in ACTIONS_SCHEDULES:
            c.add(entry, f"{where}.actions", f"{entry['actions']!r} is not one of {', '.join(ACTIONS_SCHEDULES)}")
        extras["actions"] = entry["actions"]
    for flag in ("no_manifest", "key_person"):
        if entry.get(flag) is not None:
            extras[flag] = c.flag(entry[flag], f"{where}.{flag}", entry)
    for name in ("topics", "contributors_from"):
        values = entry.get(name)
        if values is None:
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            c.add(entry, f"{where}.{name}", "expected a list of text, e.g. [a, b]")
            continue
        if name == "contributors_from":
            for team in values:
                if team not in team_ids:
                    c.add(entry, f"{where}.{name}", f"{team!r} is not a team in {TEAMS_FILE.name}")
        extras[name] = list(values)
    return {"full_name": full_name, "kind": entry.get("kind"), "description": entry.get("description"),
            "extras": extras, "node": entry, "where": where}


def _same_repositories(c: _Check, listed: dict, project_id: str, record: dict, entries: list[dict]) -> None:
    in_record = [r["full_name"] for r in record.get("repositories", [])]
    hinted = [e.get("repo") for e in entries]
    for i, entry in enumerate(entries, 1):
        if entry.get("repo") not in in_record:
            c.add(entry, f"projects.{project_id}[{i}].repo",
                  f"{entry.get('repo')!r} is not among the repositories of {project_id}.yml")
    for name in in_record:
        if name not in hinted:
            c.add(entries[0] if entries else listed, f"projects.{project_id}",
                  f"{project_id}.yml lists {name!r}; expected an entry for it here")


def _items(mapping: dict):
    return [(k, v) for k, v in mapping.items() if k != "__line__"]


class _Check:
    """Collects problems, each naming the file, the line and the field."""

    def __init__(self, path: Path):
        self.path, self.problems = path, []

    def add(self, node, field: str, message: str) -> None:
        line = node.get("__line__", "?") if isinstance(node, dict) else "?"
        self.problems.append(f"{self.path}:{line}: {field}: {message}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise DemoFilesError("\n".join(self.problems))

    def fields(self, entry: dict, allowed, where: str, node, *, required=(), noun: str = "field") -> None:
        prefix = f"{where}." if where else ""
        for key, _ in _items(entry):
            if key not in allowed:
                self.add(node, f"{prefix}{key}", f"unknown {noun}; expected one of {', '.join(allowed)}")
        for key in required:
            if entry.get(key) is None:
                self.add(node, f"{prefix}{key}", f"required {noun} is missing")

    def mapping(self, value, where: str, node) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(node, where, f"expected a mapping, found {value!r}")
            return None
        return value

    def number(self, value, where: str, node, *, whole: bool = False):
        kinds = int if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
            self.add(node, where, f"{value!r} is not a {'whole ' if whole else ''}number of 0 or more")
            return None
        return value

    def flag(self, value, where: str, node) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(node, where, f"{value!r} is not true or false")
        return value is True

    def date(self, value, where: str, node) -> dt.date | None:
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        self.add(node, where, f"{value!r} is not an ISO date (YYYY-MM-DD)")
        return None
