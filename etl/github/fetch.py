"""fetch_* functions: read GitHub through PyGithub and return plain dicts shaped like warehouse rows.

Nothing here touches the warehouse; refresh.py decides what to fetch and saves the results.
Every function reads the JSON PyGithub already received (see `listed`), so no lazy
attribute access costs an extra request.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import re
import urllib.parse
from dataclasses import dataclass, field

from github import GithubException, UnknownObjectException
from github.GithubObject import GithubObject
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from etl.shared import identity, imports, manifests

COAUTHOR = re.compile(r"^\s*co-authored-by:\s*(?P<name>.*?)\s*<(?P<email>[^<>\s]+)>\s*$", re.IGNORECASE | re.MULTILINE)
GRAPHQL_FILES_PER_QUERY = 50


def listed(obj: GithubObject) -> dict:
    """The JSON an object arrived with. PyGithub's own `raw_data` of a list item first
    re-fetches the item in full (one request per repository, commit or release); the base
    class's property returns what the list already gave, which holds every field we read."""
    return GithubObject.raw_data.fget(obj)


def organisation_repositories(github_client, org: str) -> PaginatedList:
    """GET /orgs/{org}/repos?type=all, 100 per page: the listing alone, without first
    fetching the organisation itself."""
    return PaginatedList(Repository, github_client.requester, f"/orgs/{urllib.parse.quote(org, safe='')}/repos",
                         {"type": "all"})


def timestamp(value: str | None) -> dt.datetime | None:
    """GitHub's ISO 8601 time as naive UTC."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


@dataclass
class People:
    """People met while fetching, keyed pseudonymously. E-mail addresses are hashed, never kept."""

    salt: str
    rows: dict[str, dict] = field(default_factory=dict)
    source: str = "github"
    links: dict[str, str] = field(default_factory=dict)  # e-mail key -> account key (person_links)

    def link(self, email: str, account_key: str) -> None:
        """GitHub linked a commit by `email` to an account: the two keys are one person."""
        if email and "@" in email:
            email_key = identity.key_for_email(email, self.salt)
            if email_key != account_key:
                self.links[email_key] = account_key

    def _add(self, key: str, login: str | None, bot: bool, seen: dt.datetime | None) -> str:
        day = seen.date() if seen else None
        row = self.rows.get(key)
        if row is None:
            self.rows[key] = {"person_key": key, "github_login": login, "is_bot": bot, "first_seen": day,
                              "source": self.source}
        else:
            row["github_login"] = row["github_login"] or login
            row["is_bot"] = row["is_bot"] or bot
            if day and (row["first_seen"] is None or day < row["first_seen"]):
                row["first_seen"] = day
        return key

    def seen(self, key: str, when: dt.datetime | None) -> None:
        """`key` (already met) was seen again at `when`."""
        row = self.rows[key]
        if when and (row["first_seen"] is None or when.date() < row["first_seen"]):
            row["first_seen"] = when.date()

    def from_login(self, login: str, seen=None, *, bot: bool = False) -> str:
        return self._add(identity.key_for_login(login, self.salt), login, bot or identity.is_bot(login), seen)

    def from_email(self, email: str, name: str | None, seen=None) -> str:
        normalised = identity.normalise_email(email)
        if normalised.startswith("login:"):  # a GitHub noreply address names its login
            return self.from_login(normalised[6:], seen)
        bot = identity.is_bot(name) if name else False
        return self._add(identity.key_for_email(email, self.salt), None, bot, seen)


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


def commit_rows(full_name: str, items: list[dict], people: People) -> tuple[list[dict], list[dict]]:
    """`commits` and `commit_coauthors` rows from GitHub's commit JSON."""
    commits, coauthors = [], []
    for item in items:
        detail = item["commit"]
        authored = timestamp((detail.get("author") or {}).get("date") or (detail.get("committer") or {}).get("date"))
        account = item.get("author") or None
        if account and account.get("login"):
            key = people.from_login(account["login"], authored, bot=account.get("type") == "Bot")
            people.link((detail.get("author") or {}).get("email") or "", key)
        else:
            author = detail.get("author") or {}
            key = people.from_email(author.get("email") or "", author.get("name"), authored)
        commits.append({"full_name": full_name, "sha": item["sha"], "person_key": key, "authored_at": authored,
                        "is_merge": len(item.get("parents") or []) > 1})
        seen = {key}
        for match in COAUTHOR.finditer(detail.get("message") or ""):
            co = people.from_email(match["email"], match["name"], authored)
            if co not in seen:
                seen.add(co)
                coauthors.append({"full_name": full_name, "sha": item["sha"], "person_key": co})
    return commits, coauthors


def fetch_commits(repo: Repository, branch: str, people: People, since_head: str | None) -> Commits:
    """Commits on `branch`: all of them, or only those not reachable from `since_head`.

    With a previous head, GitHub's compare returns exactly the commits reachable from the
    branch but not from that head (merged-in branches included). If the history was
    rewritten (diverged, behind, or the old head is gone), every commit is read again.
    An empty repository has no commits (GitHub answers 409).
    """
    if since_head:
        try:
            comparison = repo.compare(since_head, branch, comparison_commits_per_page=100)
            status = listed(comparison)["status"]
            if status == "identical":
                return Commits("none", since_head, [], [])
            if status == "ahead":
                items = [listed(c) for c in comparison.commits]
                rows, coauthors = commit_rows(repo.full_name, items, people)
                return Commits("append", items[-1]["sha"] if items else since_head, rows, coauthors)
        except UnknownObjectException:
            pass  # the old head no longer exists: read everything again
    try:
        items = [listed(c) for c in repo.get_commits(sha=branch)]
    except GithubException as exc:
        if exc.status == 409:  # "Git Repository is empty."
            return Commits("replace", None, [], [])
        raise
    rows, coauthors = commit_rows(repo.full_name, items, people)
    return Commits("replace", items[0]["sha"] if items else None, rows, coauthors)


def fetch_releases(repo: Repository) -> tuple[list[dict], dict[str, str]]:
    """Releases (tag, published_at) and every tag's commit; two requests.

    Returns the release rows and {tag: commit sha} for tags that have no release, whose
    date is the date of the tagged commit (looked up by the caller).
    """
    releases = {}
    for r in repo.get_releases():
        raw = listed(r)
        if raw.get("draft"):
            continue
        releases[raw["tag_name"]] = {"full_name": repo.full_name, "tag": raw["tag_name"],
                                     "published_at": timestamp(raw.get("published_at") or raw.get("created_at"))}
    bare_tags = {}
    for t in repo.get_tags():
        raw = listed(t)
        if raw["name"] not in releases:
            bare_tags[raw["name"]] = raw["commit"]["sha"]
    return list(releases.values()), bare_tags


@dataclass
class Contents:
    """What the default branch's files say: languages, dependencies, and problems reading them."""

    tree_sha: str | None
    languages: list[dict]
    dependencies: list[dict]
    problems: list[dict]
    packages: list[dict]  # what the repository publishes (repo_packages rows)


def manifest_paths(tree: list[dict]) -> tuple[list[str], list[dict]]:
    """Manifest files in a git tree, and problems for ones too large to read."""
    wanted, problems = [], []
    for entry in tree:
        if entry.get("type") != "blob" or manifests.manifest_kind(entry["path"]) is None:
            continue
        if (entry.get("size") or 0) > manifests.MAX_MANIFEST_BYTES:
            problems.append({"kind": "manifest_too_large", "detail": entry["path"],
                             "message": f"{entry['path']} is {entry['size']:,} bytes, over the 1 MB limit; not read"})
        else:
            wanted.append(entry["path"])
    return sorted(wanted), problems


def source_paths(tree: list[dict]) -> tuple[list[str], list[dict]]:
    """Python files and notebooks to infer imports from: at most imports.MAX_FILES, each under
    imports.MAX_SOURCE_BYTES, in path order; problems for what is left out."""
    wanted, problems = [], []
    for entry in tree:
        if entry.get("type") != "blob" or imports.source_kind(entry["path"]) is None:
            continue
        if (entry.get("size") or 0) > imports.MAX_SOURCE_BYTES:
            problems.append({"kind": "source_too_large", "detail": entry["path"],
                             "message": f"{entry['path']} is {entry['size']:,} bytes, over the 1 MB limit; "
                                        "its imports were not read"})
        else:
            wanted.append(entry["path"])
    wanted.sort()
    if len(wanted) > imports.MAX_FILES:
        problems.append({"kind": "sources_capped", "detail": wanted[imports.MAX_FILES],
                         "message": f"{len(wanted):,} Python files and notebooks; imports were read from the first "
                                    f"{imports.MAX_FILES} in path order"})
        wanted = wanted[:imports.MAX_FILES]
    return wanted, problems


@functools.cache
def _import_names() -> dict[str, str | None]:
    return imports.load_mapping()


def fetch_contents(client_github, repo: Repository, branch: str, known_tree_sha: str | None) -> Contents | None:
    """Languages and dependencies of the default branch; None if its root tree is unchanged
    since `known_tree_sha` (then neither can have changed).

    Dependencies come from the manifest files. A repository with no Python manifest has its
    Python files and notebooks read instead, and the distributions they import are recorded
    as inferred. The git tree costs one request; the languages and the files one GraphQL
    query per 50 files (or 4 MB); a file GitHub's GraphQL will not give as text (UTF-16, or
    truncated) one REST request more.
    """
    tree = listed(repo.get_git_tree(branch, recursive=True))
    if known_tree_sha and tree["sha"] == known_tree_sha:
        return None
    blobs = {e["path"]: e for e in tree["tree"] if e.get("type") == "blob"}
    paths, problems = manifest_paths(tree["tree"])
    languages, texts = _read_files(client_github, repo, branch, paths, blobs, problems, with_languages=True)
    deps: list[dict] = []
    published: dict[tuple[str, str], dict] = {}  # the shallowest manifest naming a package wins (paths are sorted)
    for path in sorted(paths, key=lambda p: (p.count("/"), p)):
        if path not in texts:
            continue
        try:
            content = texts[path]
            rows = manifests.parse(path, content) if isinstance(content, str) else manifests.parse_bytes(path, content)
        except manifests.ManifestError as exc:
            problems.append({"kind": "manifest_unparsed", "detail": path, "message": str(exc)})
            continue
        deps.extend({"full_name": repo.full_name, **row, "inferred": False} for row in rows)
        for row in manifests.provides(path, content if isinstance(content, str) else manifests.decode(content, path)):
            published.setdefault((row["ecosystem"], row["package"]), {"full_name": repo.full_name, **row,
                                                                     "manifest_path": path})
    if not any(manifests.manifest_kind(p) in PYTHON_MANIFESTS for p in blobs):
        sources, skipped = source_paths(tree["tree"])
        problems.extend(skipped)
        if sources:
            _, source_texts = _read_files(client_github, repo, branch, sources, blobs, problems, with_languages=False)
            files = {}
            for path, content in source_texts.items():
                try:
                    files[path] = content if isinstance(content, str) else manifests.decode(content, path)
                except manifests.ManifestError as exc:
                    problems.append({"kind": "source_unparsed", "detail": path, "message": str(exc)})
            rows, inferred_problems = imports.infer(files, mapping=_import_names(), also_local=list(blobs))
            problems.extend(inferred_problems)
            deps.extend({"full_name": repo.full_name, **row, "inferred": True} for row in rows)
    language_rows = [{"full_name": repo.full_name, "language": lang, "bytes": n} for lang, n in sorted(languages.items())]
    return Contents(tree["sha"], language_rows, _unique_dependencies(deps), problems, list(published.values()))


PYTHON_MANIFESTS = {manifests.REQUIREMENTS, manifests.PYPROJECT, manifests.SETUP_CFG, manifests.SETUP_PY,
                    manifests.PIPFILE, manifests.CONDA_ENV}
GRAPHQL_BYTES_PER_QUERY = 4_000_000


def _chunks(paths: list[str], blobs: dict[str, dict]) -> list[list[str]]:
    """Paths in groups of at most GRAPHQL_FILES_PER_QUERY files and GRAPHQL_BYTES_PER_QUERY bytes."""
    chunks, current, size = [], [], 0
    for path in paths:
        n = blobs.get(path, {}).get("size") or 0
        if current and (len(current) == GRAPHQL_FILES_PER_QUERY or size + n > GRAPHQL_BYTES_PER_QUERY):
            chunks.append(current)
            current, size = [], 0
        current.append(path)
        size += n
    return chunks + [current] if current else chunks


def _read_files(client_github, repo: Repository, branch: str, paths: list[str], blobs: dict[str, dict],
                problems: list[dict], *, with_languages: bool) -> tuple[dict[str, int], dict[str, str | bytes]]:
    """The content of `paths` on `branch`: text from GraphQL, or the raw bytes (REST) of a file
    GraphQL calls binary or truncates. With `with_languages`, the first query (made even for no
    paths) also returns GitHub Linguist's bytes per language. Unreadable files become problems."""
    languages: dict[str, int] = {}
    texts: dict[str, str | bytes] = {}
    for n, chunk in enumerate(_chunks(paths, blobs) or [[]]):
        first = with_languages and n == 0
        if not chunk and not first:
            continue
        found = _graphql_repository(client_github, repo.full_name, branch, chunk, with_languages=first)
        if first:
            languages = {e["node"]["name"]: int(e["size"]) for e in (found.get("languages") or {}).get("edges", [])}
        for i, path in enumerate(chunk):
            blob = found.get(f"f{i}")
            if blob is None:
                problems.append({"kind": "file_unreadable", "detail": path, "message": f"{path} could not be read"})
            elif blob.get("isBinary") or blob.get("isTruncated") or blob.get("text") is None:
                raw = _blob_bytes(repo, blobs.get(path, {}).get("sha"))
                if raw is None:
                    problems.append({"kind": "file_unreadable", "detail": path, "message": f"{path} could not be read"})
                else:
                    texts[path] = raw
            else:
                texts[path] = blob["text"]
    return languages, texts


def _blob_bytes(repo: Repository, sha: str | None) -> bytes | None:
    """A file's bytes through the REST git blob endpoint (one request)."""
    if not sha:
        return None
    try:
        raw = listed(repo.get_git_blob(sha))
    except UnknownObjectException:
        return None
    if raw.get("encoding") == "base64":
        return base64.b64decode(raw.get("content") or "")
    return (raw.get("content") or "").encode("utf-8")


def _unique_dependencies(rows: list[dict]) -> list[dict]:
    seen = {}
    for row in rows:
        seen.setdefault((row["manifest_path"], row["package"]), row)
    return list(seen.values())


def _graphql_repository(client_github, full_name: str, branch: str, paths: list[str], *, with_languages: bool) -> dict:
    """One GraphQL query: the repository's languages and the text of `paths` on `branch`."""
    owner, name = full_name.split("/", 1)
    fields = ["languages(first: 100, orderBy: {field: SIZE, direction: DESC}) { edges { size node { name } } }"] \
        if with_languages else []
    fields += [f"f{i}: object(expression: {json.dumps(f'{branch}:{p}')}) "
               "{ ... on Blob { text byteSize isBinary isTruncated } }" for i, p in enumerate(paths)]
    query = f"query {{ r0: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{ {' '.join(fields)} }} }}"
    _headers, data = client_github.requester.graphql_query(query, {})
    return (data.get("data") or {}).get("r0") or {}
