"""The Assembly's teams, from data/teams.yml: names, homes, dated renames and mergers, and
dated memberships (GitHub logins; the caller turns them into pseudonymous person keys).

Errors name the file, the line, the team and the field.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from etl.shared import yamlfile

EVENTS = ("formed", "renamed", "moved", "merged", "ended")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TEAM_FIELDS = {"id", "name", "short_name", "directorate", "organisation", "description", "formed_on", "ended_on",
               "successor", "history", "members"}
HISTORY_FIELDS = {"from", "name", "directorate", "organisation", "event"}
MEMBER_FIELDS = {"login", "from", "to"}
ALIAS_FIELDS = {"person", "also"}
PERSON_KEY = re.compile(r"^p_[0-9a-f]{16}$")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")  # GitHub's rule for user names


class TeamsError(ValueError):
    """data/teams.yml holds a wrong value; the message says where."""


def load(path: Path) -> dict[str, list[dict]]:
    """Rows for the teams and team_history tables, and the dated memberships, checked.

    "members" rows are {"github_login" (as written), "team_id", "valid_from", "valid_to"
    (last day, or None while it lasts)}; the caller hashes the logins into person keys.
    """
    path = Path(path)
    raw = yamlfile.read(path, TeamsError, what="teams file", with_lines=True)
    if not isinstance(raw, dict) or not isinstance(raw.get("teams"), list) or not raw["teams"]:
        raise TeamsError(f"{path}: expected a top-level `teams:` list with at least one team")
    teams, history, members, problems = [], [], [], []
    for item in raw["teams"]:
        where = f"{path}:{item.get('__line__', '?') if isinstance(item, dict) else '?'}"
        try:
            team, periods = _team(item, where)
        except TeamsError as exc:
            problems.append(str(exc))
            continue
        teams.append(team)
        history.extend(periods)
        found, member_problems = _members(item.get("members"), f"{where}: team {team['team_id']}", team["team_id"])
        members.extend(found)
        problems.extend(member_problems)
    ids = [t["team_id"] for t in teams]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{path}: team id {dup!r} is used more than once")
    for t in teams:
        if t["successor_team_id"] and t["successor_team_id"] not in ids:
            problems.append(f"{path}: team {t['team_id']}: successor {t['successor_team_id']!r} is not a team in this file")
    problems.extend(_overlaps(members, path))
    aliases, alias_problems = _aliases(raw.get("aliases"), path)
    problems.extend(alias_problems)
    if problems:
        raise TeamsError("\n".join(problems))
    return {"teams": teams, "team_history": history,
            "members": [{k: v for k, v in m.items() if k != "line"} for m in members], "aliases": aliases}


def _aliases(value, path: Path) -> tuple[list[dict], list[str]]:
    """Identity merge: [{"person", "also"}], each a GitHub login or a person key (p_ and 16 hex
    digits, as `python -m etl person-key` prints for an e-mail address), checked."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], [f"{path}: aliases: expected a list of {{person: LOGIN, also: [LOGIN or PERSON-KEY, ...]}}"]
    rows, problems, seen = [], [], {}

    def identifier(text, where: str) -> str | None:
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: a GitHub login or a person key is required")
        elif "@" in text:  # the address itself is not repeated: messages end up in logs
            problems.append(f"{where}: an e-mail address is given; use its person key instead "
                            "(`python -m etl person-key` prints it), so no address is kept in git")
        elif not (PERSON_KEY.match(text.strip()) or _LOGIN.match(text.strip())):
            problems.append(f"{where}: {text!r} is neither a GitHub login nor a person key (p_ and 16 hex digits)")
        else:
            return text.strip()
        return None

    for entry in value:
        where = f"{path}:{entry.get('__line__', '?') if isinstance(entry, dict) else '?'}: aliases"
        shape = _shape_problem(entry, ALIAS_FIELDS, where, "each entry must be a mapping {person: LOGIN, also: [...]}")
        if shape:
            problems.append(shape)
            continue
        person = identifier(entry.get("person"), f"{where}: person")
        also = entry.get("also")
        also = [also] if isinstance(also, str) else also
        if not isinstance(also, list) or not also:
            problems.append(f"{where}: also: list the other logins or person keys of this person")
            continue
        for other in also:
            other = identifier(other, f"{where}: also")
            if person is None or other is None:
                continue
            if other.lower() == person.lower():
                problems.append(f"{where}: also: {other!r} is the person itself")
            elif other.lower() in seen:
                problems.append(f"{where}: also: {other!r} is already an alias of {seen[other.lower()]!r}")
            else:
                seen[other.lower()] = person
                rows.append({"person": person, "also": other})
    for row in rows:
        if row["person"].lower() in seen:
            problems.append(f"{path}: aliases: {row['person']!r} is itself an alias of {seen[row['person'].lower()]!r}; "
                            "join every key to one person")
    return rows, problems


def _members(value, where: str, team_id: str) -> tuple[list[dict], list[str]]:
    """A team's dated memberships (each with its "line" for later messages), and their problems."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], [f"{where}: members: expected a list of {{login: GITHUB-LOGIN, from: YYYY-MM-DD}} entries"]
    rows, problems = [], []
    for entry in value:
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        w = f"{where}: members line {line}"
        shape = _shape_problem(entry, MEMBER_FIELDS, w, "each member must be a mapping {login: GITHUB-LOGIN, from: YYYY-MM-DD}")
        if shape:
            problems.append(shape)
            continue
        found = []
        login = entry.get("login")
        if not isinstance(login, str) or not login.strip():
            found.append(f"{w}: login: a GitHub login is required")
        elif "@" in login:  # the address itself is not repeated: messages end up in logs
            found.append(f"{w}: login: an e-mail address is given; "
                         "memberships hold GitHub logins, never e-mail addresses")
        elif any(ch.isspace() for ch in login.strip()):
            found.append(f"{w}: login: {login!r} is not a GitHub login (letters, digits and hyphens)")
        dates = {}
        for name in ("from", "to"):
            try:
                dates[name] = _date(entry.get(name), f"{w}: {name}")
            except TeamsError as exc:
                found.append(str(exc))
                dates[name] = False
        if dates["from"] is None:
            found.append(f"{w}: from: a date (YYYY-MM-DD) is required")
        elif dates["from"] and dates["to"] and dates["to"] < dates["from"]:
            found.append(f"{w}: to: {dates['to']} is before from {dates['from']}")
        if found:
            problems.extend(found)
            continue
        rows.append({"github_login": login.strip(), "team_id": team_id, "valid_from": dates["from"],
                     "valid_to": dates["to"], "line": line})
    return rows, problems


def _shape_problem(entry, allowed: set[str], where: str, expected: str) -> str | None:
    """Why a list entry is not a mapping with only `allowed` fields, or None."""
    if not isinstance(entry, dict):
        return f"{where}: {expected}"
    unknown = set(entry) - allowed - {"__line__"}
    return f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}" if unknown else None


def _overlaps(members: list[dict], path: Path) -> list[str]:
    """A person is in one team at a time: a login's memberships must not overlap."""
    def period(m):
        return f"from {m['valid_from']}" + (f" to {m['valid_to']}" if m["valid_to"] else "")

    by_login: dict[str, list[dict]] = {}
    for m in members:
        by_login.setdefault(m["github_login"].lower(), []).append(m)
    problems = []
    for spans in by_login.values():
        spans = sorted(spans, key=lambda m: m["valid_from"])
        for i, a in enumerate(spans):
            for b in spans[i + 1:]:
                if b["valid_from"] <= (a["valid_to"] or dt.date.max):
                    problems.append(
                        f"{path}:{b['line']}: members: login {b['github_login']!r} is in team {a['team_id']} "
                        f"({period(a)}, line {a['line']}) and in team {b['team_id']} ({period(b)}, line {b['line']}) "
                        "at the same time; a person's memberships must not overlap")
    return problems


def _team(item, where: str) -> tuple[dict, list[dict]]:
    if not isinstance(item, dict):
        raise TeamsError(f"{where}: each team must be a mapping of fields")
    unknown = set(item) - TEAM_FIELDS - {"__line__"}
    if unknown:
        raise TeamsError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    team_id = item.get("id")
    if not isinstance(team_id, str) or not _SLUG.match(team_id):
        raise TeamsError(f"{where}: id: {team_id!r} is not a lower-case slug like ai-skunkworks")
    where = f"{where}: team {team_id}"
    for required in ("name", "organisation"):
        if not isinstance(item.get(required), str) or not item[required].strip():
            raise TeamsError(f"{where}: {required}: required text is missing")
    formed = _date(item.get("formed_on"), f"{where}: formed_on")
    ended = _date(item.get("ended_on"), f"{where}: ended_on")
    team = {
        "team_id": team_id, "name": item["name"], "short_name": item.get("short_name") or item["name"],
        "directorate": item.get("directorate"), "organisation": item["organisation"],
        "description": item.get("description"), "formed_on": formed, "ended_on": ended,
        "successor_team_id": item.get("successor"),
    }
    periods = []
    for entry in item.get("history") or []:
        w = f"{where}: history line {entry.get('__line__', '?') if isinstance(entry, dict) else '?'}"
        if not isinstance(entry, dict):
            raise TeamsError(f"{w}: each history entry must be a mapping")
        unknown = set(entry) - HISTORY_FIELDS - {"__line__"}
        if unknown:
            raise TeamsError(f"{w}: unknown field(s) {', '.join(sorted(unknown))}")
        event = entry.get("event", "renamed")
        if event not in EVENTS:
            raise TeamsError(f"{w}: event: {event!r} is not one of {', '.join(EVENTS)}")
        start = _date(entry.get("from"), f"{w}: from")
        if start is None:
            raise TeamsError(f"{w}: from: a date (YYYY-MM-DD) is required")
        periods.append({"team_id": team_id, "valid_from": start, "name": entry.get("name") or team["name"],
                        "directorate": entry.get("directorate", team["directorate"]),
                        "organisation": entry.get("organisation") or team["organisation"], "event": event})
    if not periods:
        periods.append({"team_id": team_id, "valid_from": formed or dt.date(2000, 1, 1), "name": team["name"],
                        "directorate": team["directorate"], "organisation": team["organisation"], "event": "formed"})
    periods.sort(key=lambda p: p["valid_from"])
    for earlier, later in zip(periods, periods[1:]):
        if earlier["valid_from"] == later["valid_from"]:
            raise TeamsError(f"{where}: history has two entries from {later['valid_from']}")
        earlier["valid_to"] = later["valid_from"] - dt.timedelta(days=1)
    periods[-1]["valid_to"] = None
    return team, periods


def _date(value, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TeamsError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
