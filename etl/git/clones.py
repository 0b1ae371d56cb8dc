"""The git source: repositories read from local clones (GitLab, Azure DevOps, internal servers,
or GitHub without a token), through the `git` command line, which is the fastest reader there is.

Everything lands in the same tables as the GitHub source: `repositories` (source 'git'),
`repo_languages` (bytes per language from file extensions of the default branch, with
Linguist's vendored and documentation exclusions), `commits` and `commit_coauthors` (people
keyed from their e-mail address exactly as the GitHub source keys an address), `releases`
(tags), `dependencies` and `repo_packages` (the same manifest parsers). Nothing is written
here: refresh.py decides and saves.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from etl.github.fetch import COAUTHOR, People

# Field and record separators that cannot occur in what git prints for these fields.
_F, _R = "\x1f", "\x1e"
_LOG_FORMAT = _F.join(["%H", "%P", "%ae", "%an", "%aI", "%(trailers:key=Co-authored-by,valueonly,separator=%x1d)"]) + _R


class GitError(RuntimeError):
    """A folder could not be read as a git repository; the message says which and why."""


def git(path: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    done = subprocess.run(["git", "-C", str(path), *args], input=input_bytes, capture_output=True,
                          env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    if done.returncode != 0:
        raise GitError(f"{path}: git {args[0]} failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout


# --- finding repositories ------------------------------------------------------------------

def is_repository(path: Path) -> bool:
    """True for the top folder of a clone with a work tree, or for a bare clone itself."""
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--absolute-git-dir", "--is-bare-repository",
                           "--show-toplevel"], capture_output=True, text=True)
    lines = done.stdout.splitlines()
    if done.returncode != 0 and not (len(lines) >= 2 and lines[1] == "true"):
        return False
    here = Path(path).resolve()
    if len(lines) >= 2 and lines[1] == "true":  # bare: the folder is the repository itself
        return Path(lines[0]).resolve() == here
    return len(lines) >= 3 and Path(lines[2]).resolve() == here


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The repositories in `paths`: each path that is a clone, or the clones directly inside it.
    Returns (repositories, problems); a folder inside that is not a clone is a problem, not an
    error, and the rest are still found."""
    found, problems = [], []
    for path in paths:
        path = Path(path).expanduser()
        if not path.is_dir():
            problems.append(f"{path}: no such folder")
        elif is_repository(path):
            found.append(path)
        else:
            children = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
            clones = [p for p in children if is_repository(p)]
            found += clones
            problems += [f"{p}: not a git repository; skipped" for p in children if p not in clones]
            if not children:
                problems.append(f"{path}: neither a git repository nor a folder of clones")
    seen, unique = set(), []
    for p in found:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique, problems


# --- naming --------------------------------------------------------------------------------

_REMOTE = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?[:/](?P<path>.+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Identity:
    full_name: str
    org: str
    name: str
    html_url: str | None


def identify(path: Path) -> Identity:
    """The repository's name: from the origin remote (GitHub remotes give owner/name, as the
    GitHub source names them, so both sources agree; other hosts give host/group/name), else
    local/<folder>."""
    try:
        remote = git(path, "config", "--get", "remote.origin.url").decode().strip()
    except GitError:
        remote = ""
    m = _REMOTE.match(remote) if remote and not remote.startswith(("/", ".", "file:")) else None
    if m:
        host, repo_path = m.group("host").lower(), m.group("path").strip("/")
        if host == "github.com" and repo_path.count("/") == 1:
            org, name = repo_path.split("/")
            return Identity(f"{org}/{name}", org, name, f"https://github.com/{org}/{name}")
        org, _, name = repo_path.rpartition("/")
        return Identity(f"{host}/{repo_path}", f"{host}/{org}" if org else host, name, f"https://{host}/{repo_path}")
    name = Path(path).resolve().name.removesuffix(".git")
    return Identity(f"local/{name}", "local", name, None)


def default_branch(path: Path) -> str | None:
    """The branch HEAD names (in a bare clone, the remote's default); None when it has no commit."""
    try:
        branch = git(path, "symbolic-ref", "--short", "HEAD").decode().strip()
    except GitError:
        return None
    # `rev-parse --verify` of the bare ref reads the ref alone, so it tells an empty repository
    # (no ref yet) from a damaged one (a ref whose commit is missing).
    exists = subprocess.run(["git", "-C", str(path), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
                            capture_output=True).returncode == 0
    if not exists:
        return None  # an empty repository: the branch has no commit yet
    try:
        git(path, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
    except GitError:
        raise GitError(f"{path}: branch {branch} points to a commit that is not in the repository "
                       "(the clone is damaged)") from None
    return branch


def head(path: Path, branch: str) -> str:
    return git(path, "rev-parse", f"refs/heads/{branch}^{{commit}}").decode().strip()


def is_ancestor(path: Path, older: str, newer: str) -> bool:
    return subprocess.run(["git", "-C", str(path), "merge-base", "--is-ancestor", older, newer],
                          capture_output=True).returncode == 0


# --- commits -------------------------------------------------------------------------------

@dataclass
class CommitBatch:
    commits: list[dict] = field(default_factory=list)
    coauthors: list[dict] = field(default_factory=list)


def read_commits(path: Path, full_name: str, branch_head: str, people: People, since: str | None = None) -> CommitBatch:
    """Commits reachable from `branch_head` (and not from `since`), streamed from one `git log`."""
    args = ["log", "--no-color", "--no-mailmap", f"--format={_LOG_FORMAT}", branch_head]
    if since:
        args.append(f"^{since}")
    proc = subprocess.Popen(["git", "-C", str(path), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "LC_ALL": "C"})
    batch = CommitBatch()
    keys: dict[tuple[str, str], str] = {}  # one HMAC per distinct address, however many commits
    buffer = b""
    for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
        buffer += chunk
        *records, buffer = buffer.split(_R.encode())
        for record in records:
            _add_commit(record.decode("utf-8", errors="replace").strip("\n"), full_name, people, keys, batch)
    stderr = proc.stderr.read()
    if proc.wait() != 0:
        raise GitError(f"{path}: git log failed: {stderr.decode(errors='replace').strip()[:300]}")
    if buffer.strip():
        _add_commit(buffer.decode("utf-8", errors="replace").strip("\n"), full_name, people, keys, batch)
    return batch


def _add_commit(record: str, full_name: str, people: People, keys: dict, batch: CommitBatch) -> None:
    sha, parents, email, name, when, trailers = record.split(_F)
    authored = _utc(when)
    key = keys.get((email, name))
    if key is None:
        key = keys[(email, name)] = people.from_email(email, name, authored)
    else:
        people.seen(key, authored)
    batch.commits.append({"full_name": full_name, "sha": sha, "person_key": key, "authored_at": authored,
                          "is_merge": " " in parents.strip()})
    if trailers.strip():
        seen = {key}
        for value in trailers.split("\x1d"):
            match = COAUTHOR.match(f"Co-authored-by: {value.strip()}")
            if match:
                co = people.from_email(match["email"], match["name"], authored)
                if co not in seen:
                    seen.add(co)
                    batch.coauthors.append({"full_name": full_name, "sha": sha, "person_key": co})


def _utc(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


# --- files of the default branch -------------------------------------------------------------

def tree(path: Path, commit: str) -> list[tuple[str, str, int]]:
    """(path, blob sha, size) of every file in `commit`'s tree."""
    out = []
    for line in git(path, "ls-tree", "-r", "-l", "-z", commit).split(b"\0"):
        if not line:
            continue
        meta, _, file_path = line.partition(b"\t")
        mode, kind, sha, size = meta.split()
        if kind == b"blob":
            out.append((file_path.decode("utf-8", errors="replace"), sha.decode(), int(size) if size != b"-" else 0))
    return out


def blobs(path: Path, shas: list[str]) -> dict[str, bytes]:
    """The content of several blobs from one `git cat-file --batch`."""
    if not shas:
        return {}
    data = git(path, "cat-file", "--batch", input_bytes=("\n".join(shas) + "\n").encode())
    out, pos = {}, 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        out[header[0].decode()] = data[pos:pos + size]
        pos += size + 1
    return out


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
_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)(\.(md|txt|rst))?$", re.IGNORECASE)


def licence(files: list[tuple[str, str, int]], path: Path) -> str | None:
    """SPDX id of the licence file at the root, "other" for one not recognised, None if none."""
    candidates = [(p, sha) for p, sha, size in files if "/" not in p and _LICENCE_FILE.match(p) and size < 200_000]
    if not candidates:
        return None
    text = blobs(path, [candidates[0][1]]).get(candidates[0][1], b"").decode("utf-8", errors="replace").lower()
    text = " ".join(text.split())
    return next((spdx for spdx, phrases in _LICENCES if all(p in text for p in phrases)), "other")


def tags(path: Path) -> list[tuple[str, dt.datetime]]:
    """(tag, date) for every tag pointing at a commit: the tagger's date, or the commit's."""
    out = []
    fmt = _F.join(["%(refname:short)", "%(creatordate:iso-strict)", "%(objecttype)", "%(*objecttype)"])
    for line in git(path, "for-each-ref", "refs/tags", f"--format={fmt}").decode().splitlines():
        name, when, kind, target = line.split(_F)
        if kind == "commit" or target == "commit":
            out.append((name, _utc(when)))
    return out


