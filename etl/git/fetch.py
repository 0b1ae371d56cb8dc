"""Read local clones with the `git` command line, which is the fastest reader there is: git
output in, plain data out (paths, names, shas, texts, dates as git prints them).

Nothing here makes warehouse rows (rows.py) or writes anything (refresh.py decides and
saves). Each function runs git in one clone; a failure raises GitError naming the clone.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.shared import contents, languages

# Field and record separators that cannot occur in what git prints for these fields.
_F, _R = "\x1f", "\x1e"
LOG_FORMAT = _F.join(["%H", "%P", "%ae", "%an", "%aI", "%(trailers:key=Co-authored-by,valueonly,separator=%x1d)"]) + _R
TRAILER_SEPARATOR = "\x1d"


class GitError(RuntimeError):
    """A folder could not be read as a git repository; the message says which and why."""


def git(path: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """The output of `git -C path args...`; GitError when git fails."""
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


def description(path: Path) -> str | None:
    """A bare clone's `description` file, unless it is git's placeholder."""
    for candidate in (Path(path) / "description", Path(path) / ".git" / "description"):
        try:
            text = candidate.read_text(errors="replace").strip()
        except OSError:
            continue
        if text and not text.startswith("Unnamed repository"):
            return text.splitlines()[0][:300]
    return None


# --- the default branch --------------------------------------------------------------------

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
    """The commit at the head of `branch`."""
    return git(path, "rev-parse", f"refs/heads/{branch}^{{commit}}").decode().strip()


def tree_sha(path: Path, commit: str) -> str:
    """The root tree of `commit`."""
    return git(path, "rev-parse", f"{commit}^{{tree}}").decode().strip()


def is_ancestor(path: Path, older: str, newer: str) -> bool:
    """True when `older` is reachable from `newer` (history was not rewritten in between)."""
    return subprocess.run(["git", "-C", str(path), "merge-base", "--is-ancestor", older, newer],
                          capture_output=True).returncode == 0


# --- commits -------------------------------------------------------------------------------

def commits(path: Path, branch_head: str, since: str | None = None) -> Iterator[dict]:
    """Commits reachable from `branch_head` (and not from `since`), streamed from one `git log`:
    {"sha", "parents" (space-separated), "email", "name", "date" (ISO 8601), "trailers"
    (Co-authored-by values separated by TRAILER_SEPARATOR)}, newest first."""
    args = ["log", "--no-color", "--no-mailmap", f"--format={LOG_FORMAT}", branch_head]
    if since:
        args.append(f"^{since}")
    proc = subprocess.Popen(["git", "-C", str(path), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "LC_ALL": "C"})
    buffer = b""
    for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
        buffer += chunk
        *records, buffer = buffer.split(_R.encode())
        for record in records:
            yield _commit(record)
    stderr = proc.stderr.read()
    if proc.wait() != 0:
        raise GitError(f"{path}: git log failed: {stderr.decode(errors='replace').strip()[:300]}")
    if buffer.strip():
        yield _commit(buffer)


def _commit(record: bytes) -> dict:
    sha, parents, email, name, date, trailers = record.decode("utf-8", errors="replace").strip("\n").split(_F)
    return {"sha": sha, "parents": parents, "email": email, "name": name, "date": date, "trailers": trailers}


def tags(path: Path) -> list[tuple[str, str]]:
    """(tag, date as ISO 8601) for every tag pointing at a commit: the tagger's date, or the commit's."""
    out = []
    fmt = _F.join(["%(refname:short)", "%(creatordate:iso-strict)", "%(objecttype)", "%(*objecttype)"])
    for line in git(path, "for-each-ref", "refs/tags", f"--format={fmt}").decode().splitlines():
        name, when, kind, target = line.split(_F)
        if kind == "commit" or target == "commit":
            out.append((name, when))
    return out


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


def read_files(path: Path, files: list[tuple[str, str, int]], root_tree: str) -> contents.Files:
    """The files of a tree that say something: bytes per language (file extensions, with the
    .sql files read to tell T-SQL apart), the manifests, and the Python sources when there is
    no Python manifest. A blob git cannot give is read as empty."""
    counted = languages.bytes_per_language(files, lambda shas: blobs(path, shas))
    entries = [{"path": p, "type": "blob", "size": size, "sha": sha} for p, sha, size in files]
    wanted, problems = contents.manifest_paths(entries)
    shas = {p: sha for p, sha, _ in files}
    found = blobs(path, [shas[p] for p in wanted])
    read = contents.Files(root_tree, list(shas), counted, wanted, {p: found.get(shas[p], b"") for p in wanted}, problems)
    if not contents.has_python_manifest(shas):
        sources, read.source_problems = contents.source_paths(entries)
        read.sources = {p: blobs(path, [shas[p]]).get(shas[p], b"") for p in sources}
    return read


_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)(\.(md|txt|rst))?$", re.IGNORECASE)


def licence_text(files: list[tuple[str, str, int]], path: Path) -> str | None:
    """The text of the licence file at the root ("" if git cannot give it), or None if none."""
    candidates = [(p, sha) for p, sha, size in files if "/" not in p and _LICENCE_FILE.match(p) and size < 200_000]
    if not candidates:
        return None
    return blobs(path, [candidates[0][1]]).get(candidates[0][1], b"").decode("utf-8", errors="replace")
