"""Rows from what git printed: plain data in (as fetch.py returns it), warehouse rows out.

The rows land in the same tables as the GitHub source's: `repositories` (source 'git'),
`commits` and `commit_coauthors` (people keyed from their e-mail address exactly as the
GitHub source keys an address), `releases` (tags), and `data_problems` rows naming person
keys whose authors share a name (possible_same_person). Languages, dependencies and published
packages are made by etl.shared.contents, which both sources share; the state rows by
state.py. No git and no warehouse here.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from etl.git.fetch import TRAILER_SEPARATOR, Identity
from etl.shared import identity
from etl.shared.people import COAUTHOR, People


def utc(text: str) -> dt.datetime:
    """git's ISO 8601 time as naive UTC."""
    moment = dt.datetime.fromisoformat(text)
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


@dataclass
class CommitBatch:
    commits: list[dict] = field(default_factory=list)
    coauthors: list[dict] = field(default_factory=list)
    authors: Counter = field(default_factory=Counter)  # commits per (author name, person key); never saved


def commit_rows(full_name: str, log: Iterable[dict], people: People) -> CommitBatch:
    """`commits` and `commit_coauthors` rows of the commits in `log` (fetch.commits)."""
    batch = CommitBatch()
    keys: dict[tuple[str, str], str] = {}  # one HMAC per distinct address, however many commits
    for commit in log:
        _add_commit(commit, full_name, people, keys, batch)
    return batch


def _add_commit(commit: dict, full_name: str, people: People, keys: dict, batch: CommitBatch) -> None:
    sha, email, name, trailers = commit["sha"], commit["email"], commit["name"], commit["trailers"]
    authored = utc(commit["date"])
    key = keys.get((email, name))
    if key is None:
        key = keys[(email, name)] = people.from_email(email, name, authored)
    else:
        people.seen(key, authored)
    batch.authors[(name, key)] += 1
    batch.commits.append({"full_name": full_name, "sha": sha, "person_key": key, "authored_at": authored,
                          "is_merge": " " in commit["parents"].strip()})
    if trailers.strip():
        seen = {key}
        for value in trailers.split(TRAILER_SEPARATOR):
            match = COAUTHOR.match(f"Co-authored-by: {value.strip()}")
            if match:
                co = people.from_email(match["email"], match["name"], authored)
                if co not in seen:
                    seen.add(co)
                    batch.coauthors.append({"full_name": full_name, "sha": sha, "person_key": co})


def author_keys(authors: Counter, salt: str) -> Counter:
    """Commits per (name, person key) from commits per (name, e-mail address) (fetch.authors)."""
    keyed = Counter()
    for (name, email), n in authors.items():
        keyed[(name, identity.key_for_email(email, salt))] += n
    return keyed


def same_name_problems(seen: Iterable[tuple[str, str, int, str]], person_of: dict[str, str],
                       alias_persons: set[str], teams_file: str) -> list[dict]:
    """`data_problems` rows (source 'git', kind possible_same_person) for authors with the same
    name and different person keys that no alias or link joins yet: `seen` is (name, person
    key, commits, repository); `person_of` maps a key already joined to others to the key its
    person is named by; `alias_persons` are the keys that already head an aliases entry. The
    name itself is in no row: the subject is the keys, the message the alias line that joins
    them, ready to copy."""
    by_name: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, set()]))
    for name, key, commits, repository in seen:
        normal = " ".join(name.casefold().split())
        if normal and not identity.is_bot(name):
            by_name[normal][key][0] += commits
            by_name[normal][key][1].add(repository)
    problems = []
    for keys in by_name.values():
        people: dict[str, int] = Counter()
        for key, (commits, _) in keys.items():
            people[person_of.get(key, key)] += commits
        if len(people) > 1:
            problems.append(_same_person_problem(keys, people, alias_persons, teams_file))
    return sorted(problems, key=lambda p: p["subject"])


def _same_person_problem(keys: dict[str, list], people: Counter, alias_persons: set[str], teams_file: str) -> dict:
    person, *also = sorted(people, key=lambda k: (-people[k], k))
    repositories = sorted(set().union(*(repos for _, repos in keys.values())))
    shown = ", ".join(repositories[:3]) + (f" and {len(repositories) - 3} more" if len(repositories) > 3 else "")
    line = f"- {{person: {person}, also: [{', '.join(also)}]}}"
    heads = [k for k in also if k in alias_persons]
    merge = (f"; {', '.join(heads)} already head an aliases entry: move that entry's keys into this line"
             if heads else "")
    message = (f"{len(keys)} person keys share an author name in git clones ({shown}) but count as {len(people)} "
               f"people; if they are one person, add this line under aliases: in {teams_file}: {line}{merge}")
    return {"subject": ", ".join(sorted(keys)), "kind": "possible_same_person", "detail": "", "message": message}


def release_rows(full_name: str, tags: list[tuple[str, str]]) -> list[dict]:
    """`releases` rows from (tag, date) pairs: in a clone every tag of a commit is a release."""
    return [{"full_name": full_name, "tag": tag, "published_at": utc(when)} for tag, when in tags]


_LICENCES = [  # (SPDX id, phrases all found in the licence text, case-insensitive)
    ("OGL-UK-3.0", ("open government licence", "version 3")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("GPL-3.0-only", ("gnu general public license", "version 3")),
    ("GPL-2.0-only", ("gnu general public license", "version 2")),
    ("AGPL-3.0-only", ("gnu affero general public license",)),
    ("LGPL-3.0-only", ("gnu lesser general public license",)),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("BSD-3-Clause", ("redistribution and use", "neither the name")),
    ("BSD-2-Clause", ("redistribution and use",)),
    ("MIT", ("permission is hereby granted, free of charge",)),
    ("Unlicense", ("this is free and unencumbered software",)),
    ("CC-BY-4.0", ("creative commons attribution 4.0",)),
]


def licence(text: str | None) -> str | None:
    """SPDX id of a licence file's text, "other" for one not recognised, None for no file."""
    if text is None:
        return None
    text = " ".join(text.lower().split())
    return next((spdx for spdx, phrases in _LICENCES if all(p in text for p in phrases)), "other")


def repository_row(ident: Identity, branch: str, team: str | None, *, description: str | None, licence: str | None,
                   first_commit: dt.datetime | None, last_commit: dt.datetime | None,
                   primary_language: str | None) -> dict:
    """The `repositories` row of a clone: dates from its commits, the top language as the primary one."""
    return {
        "full_name": ident.full_name, "org": ident.org, "name": ident.name, "description": description,
        "primary_language": primary_language, "license": licence, "archived": False, "is_fork": False,
        "created_at": first_commit, "pushed_at": last_commit, "default_branch": branch, "topics": [],
        "team_id": team, "source": "git", "html_url": ident.html_url}
