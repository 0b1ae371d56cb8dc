"""Rows from GitHub's JSON: plain dicts in (as fetch.py returns them), warehouse rows out.

No network and no warehouse here, so every function can be tested from a recorded payload.
Languages, dependencies and published packages are made by etl.shared.contents, which the
git source shares; the state rows by state.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from etl.github.fetch import CommitLog
from etl.shared.people import COAUTHOR, People


def timestamp(value: str | None) -> dt.datetime | None:
    """GitHub's ISO 8601 time as naive UTC."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def repository_row(raw: dict, team_id: str | None) -> dict:
    """A `repositories` row from GitHub's repository JSON."""
    licence = raw.get("license") or {}
    spdx = licence.get("spdx_id")
    return {
        "full_name": raw["full_name"],
        "org": raw["owner"]["login"],
        "name": raw["name"],
        "description": raw.get("description"),
        "primary_language": raw.get("language"),
        "stars": raw.get("stargazers_count") or 0,
        "forks": raw.get("forks_count") or 0,
        "open_issues": raw.get("open_issues_count") or 0,
        "license": spdx if spdx and spdx != "NOASSERTION" else (licence.get("key") or None),
        "archived": bool(raw.get("archived")),
        "is_fork": bool(raw.get("fork")),
        "created_at": timestamp(raw.get("created_at")),
        "pushed_at": timestamp(raw.get("pushed_at")),
        "default_branch": raw.get("default_branch"),
        "topics": list(raw.get("topics") or []),
        "team_id": team_id,
        "source": "github",
        "html_url": raw.get("html_url"),
    }


@dataclass
class Commits:
    mode: str                 # "replace": these are all commits; "append": these are new; "none": nothing new
    head_sha: str | None
    rows: list[dict]
    coauthors: list[dict]


def commits(full_name: str, log: CommitLog, people: People) -> Commits:
    """The `commits` and `commit_coauthors` rows of a fetched commit log, with how to save them."""
    rows, coauthors = commit_rows(full_name, log.items, people)
    return Commits(log.mode, log.head_sha, rows, coauthors)


def commit_rows(full_name: str, items: list[dict], people: People) -> tuple[list[dict], list[dict]]:
    """`commits` and `commit_coauthors` rows from GitHub's commit JSON."""
    made, coauthors = [], []
    for item in items:
        detail = item["commit"]
        authored = timestamp((detail.get("author") or {}).get("date") or (detail.get("committer") or {}).get("date"))
        key = _author_key(item, authored, people)
        made.append({"full_name": full_name, "sha": item["sha"], "person_key": key, "authored_at": authored,
                     "is_merge": len(item.get("parents") or []) > 1})
        seen = {key}
        for match in COAUTHOR.finditer(detail.get("message") or ""):
            co = people.from_email(match["email"], match["name"], authored)
            if co not in seen:
                seen.add(co)
                coauthors.append({"full_name": full_name, "sha": item["sha"], "person_key": co})
    return made, coauthors


def _author_key(item: dict, authored: dt.datetime | None, people: People) -> str:
    """The author's account key when GitHub linked the commit to one, else their address's key."""
    author = item["commit"].get("author") or {}
    account = item.get("author") or None
    if account and account.get("login"):
        key = people.from_login(account["login"], authored, bot=account.get("type") == "Bot")
        people.link(author.get("email") or "", key)
        return key
    return people.from_email(author.get("email") or "", author.get("name"), authored)


def releases(full_name: str, raw_releases: list[dict], raw_tags: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """`releases` rows (tag, published_at) of the published releases, and {tag: commit sha}
    for tags that have no release, whose date is the tagged commit's (see tag_rows)."""
    found = {}
    for raw in raw_releases:
        if raw.get("draft"):
            continue
        found[raw["tag_name"]] = {"full_name": full_name, "tag": raw["tag_name"],
                                  "published_at": timestamp(raw.get("published_at") or raw.get("created_at"))}
    bare_tags = {}
    for raw in raw_tags:
        if raw["name"] not in found:
            bare_tags[raw["name"]] = raw["commit"]["sha"]
    return list(found.values()), bare_tags


def tag_rows(full_name: str, bare_tags: dict[str, str], commit_dates: dict) -> list[dict]:
    """`releases` rows of tags without a release, dated by their commit (None when unknown)."""
    return [{"full_name": full_name, "tag": tag, "published_at": commit_dates.get(sha)}
            for tag, sha in sorted(bare_tags.items())]
