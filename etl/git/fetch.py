"""Read local clones with the `git` command line, which is the fastest reader there is: git
output in, plain data out (paths, names, shas, texts, dates as git prints them).

Nothing here makes warehouse rows (rows.py) or writes anything (refresh.py decides and
saves). Each function runs git in one clone; a failure raises GitError naming the clone.

Every git call is offline (OFFLINE): a partial clone's absent blobs are never fetched from its
promisor remote, and git never asks for a password. Absent blobs are found first (`rev-list
--missing=print`, which never fetches) and never asked for, so git versions that ignore
GIT_NO_LAZY_FETCH (before 2.44) stay offline too; GIT_ALLOW_PROTOCOL naming no protocol makes
any fetch git might still try fail at once instead of reaching the network.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl.shared import contents, languages
from etl.shared.people import COAUTHOR

# Field and record separators that cannot occur in what git prints for these fields.
_F, _R = "\x1f", "\x1e"
# %aE and %aN are the author as the clone's .mailmap maps them (git's own mapping).
LOG_FORMAT = _F.join(["%H", "%P", "%aE", "%aN", "%aI", "%(trailers:key=Co-authored-by,valueonly,separator=%x1d)"]) + _R
TRAILER_SEPARATOR = "\x1d"
OFFLINE = {"GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": "none", "LC_ALL": "C"}

MAX_DEPTH = 8          # clones are found down to this many folders below a folder given
MAX_FOLDERS = 20_000   # folders looked at below one folder given, at most


class GitError(RuntimeError):
    """A folder could not be read as a git repository; the message says which and why."""


def _env() -> dict[str, str]:
    return {**os.environ, **OFFLINE}


def _command(path: Path, args: tuple[str, ...], config: tuple[str, ...]) -> list[str]:
    return ["git", "-C", str(path), *(a for c in config for a in ("-c", c)), *args]


def git(path: Path, *args: str, input_bytes: bytes | None = None, config: tuple[str, ...] = ()) -> bytes:
    """The output of `git -C path [-c config...] args...`, offline; GitError when git fails."""
    done = subprocess.run(_command(path, args, config), input=input_bytes, capture_output=True, env=_env())
    if done.returncode != 0:
        raise GitError(f"{path}: git {args[0]} failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout


def succeeds(path: Path, *args: str) -> bool:
    """True when `git -C path args...` exits 0 (a question git answers with its exit code)."""
    return subprocess.run(_command(path, args, ()), capture_output=True, env=_env()).returncode == 0


# --- finding repositories ------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A clone found under a folder given (`given`), at `path` as reached from it: a symlink is
    kept as the link, never replaced by the folder it points to."""

    path: Path
    given: Path
    bare: bool

    @property
    def relative(self) -> str:
        """The clone's path under the folder given; the folder's own name when it is the clone."""
        if self.path == self.given:
            return self.given.absolute().name
        return self.path.relative_to(self.given).as_posix()


@dataclass(frozen=True)
class Problem:
    """Something found while looking for clones that is not a clone: a row of data_problems."""

    subject: str
    kind: str
    message: str


def repository_kind(path: Path) -> str | None:
    """"bare" for a bare clone, "work tree" for the top folder of a clone with a work tree, else None."""
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--absolute-git-dir", "--is-bare-repository",
                           "--show-toplevel"], capture_output=True, text=True, env=_env())
    lines = done.stdout.splitlines()
    here = Path(path).resolve()
    if len(lines) >= 2 and lines[1] == "true":  # bare: the folder is the repository itself
        return "bare" if Path(lines[0]).resolve() == here else None
    if done.returncode == 0 and len(lines) >= 3 and Path(lines[2]).resolve() == here:
        return "work tree"
    return None


def is_repository(path: Path) -> bool:
    """True for the top folder of a clone with a work tree, or for a bare clone itself."""
    return repository_kind(path) is not None


def discover(paths: list[Path]) -> tuple[list[Found], list[Problem]]:
    """The clones in `paths`: each path that is a clone, or the clones found at any depth below
    it (down to MAX_DEPTH folders, at most MAX_FOLDERS folders looked at; a clone's own folders
    are not searched). Returns (clones, problems): a folder with no clone in it, or a search cut
    short, is a problem, not an error, and the rest are still found."""
    found, problems = [], []
    for given in paths:
        given = Path(given).expanduser()
        kind = repository_kind(given) if given.is_dir() else None
        if not given.is_dir():
            problems.append(Problem(str(given), "not_a_repository", "no such folder"))
        elif kind:
            found.append(Found(given, given, kind == "bare"))
        else:
            search = _Search(given)
            if not search.folder(given, 0) and not search.problems:
                search.problems.append(Problem(str(given), "not_a_repository",
                                               "neither a git repository nor a folder of clones"))
            found += search.found
            problems += search.problems
    return found, problems


@dataclass
class _Search:
    given: Path
    found: list[Found] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    visited: set[Path] = field(default_factory=set)
    looked_at: int = 0
    stopped: bool = False

    def folder(self, folder: Path, depth: int) -> bool:
        """Search the folders inside `folder` (at `depth` below the one given); True when a
        clone was found. A folder with no clone anywhere below it is reported once, itself."""
        self.visited.add(folder.resolve())
        children = _subfolders(folder, self.problems)
        if children and depth >= MAX_DEPTH:
            self.problems.append(Problem(str(folder), "search_limit", f"more than {MAX_DEPTH} folders below "
                                         f"{self.given}; the folders inside it were not searched"))
            return False
        any_found = False
        for child in children:
            if self.stopped:
                break
            self.looked_at += 1
            if self.looked_at > MAX_FOLDERS:
                self.stopped = True
                self.problems.append(Problem(str(self.given), "search_limit", f"more than {MAX_FOLDERS:,} folders; "
                                             f"the search stopped at {child}"))
                break
            kind = repository_kind(child) if _looks_like_clone(child) else None
            if kind:
                self.found.append(Found(child, self.given, kind == "bare"))
                any_found = True
            elif child.resolve() not in self.visited:  # else a link back up the tree, or a folder met twice
                any_found = self._inside(child, depth + 1) or any_found
        return any_found

    def _inside(self, child: Path, depth: int) -> bool:
        before = len(self.problems)
        if self.folder(child, depth):
            return True
        limits = [p for p in self.problems[before:] if p.kind == "search_limit"]
        self.problems[before:] = limits or [Problem(str(child), "not_a_repository",
                                                    "not a git repository, and no clone inside it; skipped")]
        return False


def _subfolders(folder: Path, problems: list[Problem]) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir())
    except OSError as exc:
        problems.append(Problem(str(folder), "not_a_repository", f"could not be listed ({exc.strerror})"))
        return []


def _looks_like_clone(folder: Path) -> bool:
    """A cheap look before asking git: a `.git` inside, or a bare repository's HEAD and objects."""
    return (folder / ".git").exists() or ((folder / "HEAD").is_file() and (folder / "objects").is_dir())


# --- naming --------------------------------------------------------------------------------

_REMOTE = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?[:/](?P<path>.+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Identity:
    full_name: str
    org: str
    name: str
    html_url: str | None
    from_remote: bool = True


def names(found: Found) -> list[Identity]:
    """The names the clone may take, best first. From its remote (`origin`, else its only
    remote): a GitHub remote gives owner/name, as the GitHub source names it, so both sources
    agree; another host gives host/group/.../name. A clone with no remote on a server is named
    by its path under the folder given, `local/<path>` (`local/team-a/analysis`); should that
    name be taken by a different repository, the folder given's own name is put in front, and
    then the whole path."""
    remote = _from_remote(remote_url(found.path))
    if remote:
        return [remote]
    relative = found.relative
    absolute = found.path.absolute().as_posix().strip("/")
    return [_local(p) for p in dict.fromkeys([relative, f"{found.given.absolute().name}/{relative}", absolute])]


def identify(found: Found) -> Identity:
    """The clone's name (the first of names())."""
    return names(found)[0]


def remote_url(path: Path) -> str:
    """The URL of the `origin` remote, else of the only remote; "" when there is none."""
    done = subprocess.run(_command(path, ("config", "--get-regexp", r"^remote\..*\.url$"), ()), capture_output=True,
                          text=True, env=_env())
    urls = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    if "remote.origin.url" in urls:
        return urls["remote.origin.url"].strip()
    return next(iter(urls.values())).strip() if len(urls) == 1 else ""


def _from_remote(remote: str) -> Identity | None:
    """The name a remote on a server gives; None for no remote, or one on this machine."""
    m = _REMOTE.match(remote) if remote and not remote.startswith(("/", ".", "file:", "~")) else None
    if not m:
        return None
    host, repo_path = m.group("host").lower(), m.group("path").strip("/")
    if host == "github.com" and repo_path.count("/") == 1:
        org, name = repo_path.split("/")
        return Identity(f"{org}/{name}", org, name, f"https://github.com/{org}/{name}")
    org, _, name = repo_path.rpartition("/")
    return Identity(f"{host}/{repo_path}", f"{host}/{org}" if org else host, name, f"https://{host}/{repo_path}")


def _local(relative: str) -> Identity:
    *groups, last = relative.split("/")
    name = last.removesuffix(".git") or last
    org = "/".join(["local", *groups])
    return Identity(f"{org}/{name}", org, name, None, from_remote=False)


def same_history(a: Path, b: Path) -> bool:
    """True when two clones hold the same repository (a root commit of one is in the other;
    a shallow clone's cut-off commits count as its roots): a copy, not a namesake."""
    roots_a, roots_b = _roots(a), _roots(b)
    return bool(roots_a & roots_b) or any(has_commit(b, r) for r in roots_a) or any(has_commit(a, r) for r in roots_b)


def _roots(path: Path) -> set[str]:
    return set(git(path, "rev-list", "--max-parents=0", "HEAD").decode().split())


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
    if not succeeds(path, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"):
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
    return succeeds(path, "merge-base", "--is-ancestor", older, newer)


def has_commit(path: Path, sha: str) -> bool:
    """True when the commit `sha` is in the clone."""
    return succeeds(path, "cat-file", "-e", f"{sha}^{{commit}}")


def shallow_boundary(path: Path, branch_head: str) -> list[str]:
    """The commits of the branch whose parents a shallow clone left out (sorted); [] when the
    branch's history is complete."""
    if git(path, "rev-parse", "--is-shallow-repository").strip() != b"true":
        return []
    shallow = Path(git(path, "rev-parse", "--absolute-git-dir").decode().strip()) / "shallow"
    try:
        cut = shallow.read_text().split()
    except OSError:
        return []
    return sorted(sha for sha in cut[:50] if sha == branch_head or is_ancestor(path, sha, branch_head))


# --- commits -------------------------------------------------------------------------------

def commits(path: Path, branch_head: str, since: str | None = None, mailmap: Mailmap | None = None) -> Iterator[dict]:
    """Commits reachable from `branch_head` (and not from `since`), streamed from one `git log`:
    {"sha", "parents" (space-separated), "email", "name", "date" (ISO 8601), "trailers"
    (Co-authored-by values separated by TRAILER_SEPARATOR)}, newest first. Authors and
    co-authors are as the clone's .mailmap maps them."""
    args = ["log", "--no-color", f"--format={LOG_FORMAT}", branch_head]
    if since:
        args.append(f"^{since}")
    proc = subprocess.Popen(_command(path, tuple(args), mailmap.config if mailmap else ()), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env())
    buffer = b""
    for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
        buffer += chunk
        *records, buffer = buffer.split(_R.encode())
        for record in records:
            yield _commit(record, mailmap)
    stderr = proc.stderr.read()
    if proc.wait() != 0:
        raise GitError(f"{path}: git log failed: {stderr.decode(errors='replace').strip()[:300]}")
    if buffer.strip():
        yield _commit(buffer, mailmap)


def _commit(record: bytes, mailmap: Mailmap | None) -> dict:
    sha, parents, email, name, date, trailers = record.decode("utf-8", errors="replace").strip("\n").split(_F)
    if mailmap and trailers.strip():
        trailers = TRAILER_SEPARATOR.join(mailmap.contact(v) for v in trailers.split(TRAILER_SEPARATOR))
    return {"sha": sha, "parents": parents, "email": email, "name": name, "date": date, "trailers": trailers}


def authors(path: Path, branch_head: str, mailmap: Mailmap | None = None) -> Counter:
    """Commits per (name, e-mail address) of the authors of the branch's whole history, mapped by .mailmap."""
    out = git(path, "log", f"--format=%aN{_F}%aE", branch_head, config=mailmap.config if mailmap else ())
    return Counter(tuple(line.split(_F, 1)) for line in out.decode("utf-8", errors="replace").splitlines()
                   if _F in line)


@dataclass
class Mailmap:
    """The clone's .mailmap as git applies it. In a bare clone git reads HEAD:.mailmap; when a
    partial clone lacks that blob, the mapping is switched off (`readable` False) rather than
    fetched. Co-authors are mapped with `git check-mailmap`, once per person."""

    path: Path
    config: tuple[str, ...] = ()
    readable: bool = True
    present: bool = False
    _mapped: dict[str, str] = field(default_factory=dict)

    def contact(self, value: str) -> str:
        """A Co-authored-by value ("Name <address>") as the mailmap maps it."""
        if not self.present:
            return value
        m = COAUTHOR.match(f"Co-authored-by: {value.strip()}")
        if not m:
            return value
        text = f"{m['name']} <{m['email']}>"
        if text not in self._mapped:
            self._mapped[text] = git(self.path, "check-mailmap", "--stdin", input_bytes=(text + "\n").encode(),
                                     config=self.config).decode("utf-8", errors="replace").strip() or text
        return self._mapped[text]


def mailmap_of(found: Found, tree: Tree | None) -> Mailmap:
    """How to apply the clone's .mailmap (`tree`: the head's files as read now; None when they
    are as last read, all of them in the clone)."""
    if found.bare and tree is not None and any(p == ".mailmap" for p, _ in tree.absent):
        return Mailmap(found.path, ("mailmap.blob=",), readable=False)
    if tree is None:
        committed = found.bare and succeeds(found.path, "cat-file", "-e", "HEAD:.mailmap")
    else:
        committed = any(p == ".mailmap" for p, _, _ in tree.files)
    present = (committed or (not found.bare and (found.path / ".mailmap").is_file())
               or succeeds(found.path, "config", "--get-regexp", r"^mailmap\.(file|blob)$"))
    return Mailmap(found.path, present=present)


def mailmap_blob(path: Path, commit: str) -> str | None:
    """The blob of the .mailmap committed at `commit`: "" when there is none, None when the
    commit is not in the clone (the blob itself is not read)."""
    try:
        out = git(path, "ls-tree", commit, "--", ".mailmap")
    except GitError:
        return None
    parts = out.split()
    return parts[2].decode() if len(parts) >= 3 else ""


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

@dataclass
class Tree:
    """The files of a commit: `files` (path, blob sha, size) whose content is in the clone, and
    `absent` (path, blob sha) whose content is not (a partial clone, or a damaged one), their
    size unknown. Symbolic links and submodules are not files here."""

    sha: str
    files: list[tuple[str, str, int]]
    absent: list[tuple[str, str]]


def tree(path: Path, commit: str) -> Tree:
    """The files of `commit`, without asking git for any blob it lacks (that would fetch it)."""
    missing = absent_objects(path, commit)
    listed = []
    for line in git(path, "ls-tree", "-r", "-z", commit).split(b"\0"):
        meta, _, file_path = line.partition(b"\t")
        mode, kind, sha = (meta.split() + [b"", b"", b""])[:3]
        if kind == b"blob" and mode != b"120000":  # 120000: a symbolic link, whose blob is the link's text
            listed.append((file_path.decode("utf-8", errors="replace"), sha.decode()))
    sizes = blob_sizes(path, sorted({sha for _, sha in listed if sha not in missing}))
    return Tree(tree_sha(path, commit), [(p, sha, sizes[sha]) for p, sha in listed if sha in sizes],
                [(p, sha) for p, sha in listed if sha not in sizes])


def absent_objects(path: Path, commit: str) -> set[str]:
    """The objects of `commit`'s tree that are not in the clone (`rev-list --missing=print` never fetches)."""
    out = git(path, "rev-list", "--objects", "--no-object-names", "--no-walk", "--missing=print", commit)
    return {line[1:].decode() for line in out.split(b"\n") if line.startswith(b"?")}


def blob_sizes(path: Path, shas: list[str]) -> dict[str, int]:
    """The size of each blob in the clone, from one `git cat-file --batch-check`."""
    if not shas:
        return {}
    out = git(path, "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)",
              input_bytes=("\n".join(shas) + "\n").encode())
    sizes = {}
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            sizes[parts[0]] = int(parts[2])
    return sizes


def blobs(path: Path, shas: list[str]) -> dict[str, bytes]:
    """The content of several blobs (all in the clone) from one `git cat-file --batch`."""
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


def read_files(path: Path, files: Tree) -> contents.Files:
    """The files of a tree that say something: bytes per language (file extensions, with the
    .sql files read to tell T-SQL apart), the manifests, and the Python sources when there is
    no Python manifest. Only blobs in the clone are read: a manifest that is not is a problem,
    and files that are not count for no language (their size is unknown)."""
    read = lambda shas: blobs(path, shas)  # noqa: E731
    counted = languages.bytes_per_language(files.files, read)
    entries = [{"path": p, "type": "blob", "size": size, "sha": sha} for p, sha, size in files.files]
    entries += [{"path": p, "type": "blob", "size": None, "sha": sha} for p, sha in files.absent]
    shas = {e["path"]: e["sha"] for e in entries}
    absent = {p for p, _ in files.absent}
    wanted, problems = contents.manifest_paths(entries)
    problems += [{"kind": "file_unreadable", "detail": p, "message": f"{p} is not in the clone (a partial clone "
                  "leaves file contents out); its dependencies are not counted"} for p in wanted if p in absent]
    found = read([shas[p] for p in wanted if p not in absent])
    texts = {p: found[shas[p]] for p in wanted if shas[p] in found}
    result = contents.Files(files.sha, list(shas), counted, wanted, texts, problems)
    if not contents.has_python_manifest(shas):
        sources, result.source_problems = contents.source_paths(entries)
        missing = [p for p in sources if p in absent]
        if missing:
            result.source_problems.append({"kind": "file_unreadable", "detail": missing[0], "message": (
                f"{len(missing)} of {len(sources)} Python files and notebooks are not in the clone (a partial clone); "
                "imports were read from the others")})
        found = read([shas[p] for p in sources if p not in absent])
        result.sources = {p: found[shas[p]] for p in sources if shas[p] in found}
    return result


_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)(\.(md|txt|rst))?$", re.IGNORECASE)


def licence_text(files: Tree, path: Path) -> str | None:
    """The text of the licence file at the root, or None if there is none in the clone."""
    candidates = sorted((p, sha) for p, sha, size in files.files if "/" not in p and _LICENCE_FILE.match(p)
                        and size < 200_000)
    if not candidates:
        return None
    return blobs(path, [candidates[0][1]]).get(candidates[0][1], b"").decode("utf-8", errors="replace")


def licence_absent(files: Tree) -> bool:
    """True when the root holds a licence file whose content is not in the clone."""
    return any("/" not in p and _LICENCE_FILE.match(p) for p, _ in files.absent)
