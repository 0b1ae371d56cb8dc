"""fetch_* functions: read GitHub through PyGithub and return plain dicts, as GitHub gave them.

Nothing here touches the warehouse or makes rows: rows.py turns what is fetched into
warehouse rows, and refresh.py decides what to fetch and saves. Every function reads the
JSON PyGithub already received (see `listed`), so no lazy attribute access costs an extra
request.
"""
from __future__ import annotations

import base64
import json
import urllib.parse
from dataclasses import dataclass

from github import GithubException, UnknownObjectException
from github.GithubObject import GithubObject
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from etl.shared import contents

GRAPHQL_FILES_PER_QUERY = 50
GRAPHQL_BYTES_PER_QUERY = 4_000_000


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


def fetch_repository(github_client, full_name: str) -> tuple[Repository, dict]:
    """One repository named in the configuration, and its JSON (one request)."""
    repo = github_client.get_repo(full_name)
    return repo, repo.raw_data


@dataclass
class CommitLog:
    """Commits of the default branch as GitHub gave them (newest first when `mode` is "replace")."""

    mode: str                 # "replace": these are all commits; "append": these are new; "none": nothing new
    head_sha: str | None
    items: list[dict]


def fetch_commits(repo: Repository, branch: str, since_head: str | None) -> CommitLog:
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
                return CommitLog("none", since_head, [])
            if status == "ahead":
                items = [listed(c) for c in comparison.commits]
                return CommitLog("append", items[-1]["sha"] if items else since_head, items)
        except UnknownObjectException:
            pass  # the old head no longer exists: read everything again
    try:
        items = [listed(c) for c in repo.get_commits(sha=branch)]
    except GithubException as exc:
        if exc.status == 409:  # "Git Repository is empty."
            return CommitLog("replace", None, [])
        raise
    return CommitLog("replace", items[0]["sha"] if items else None, items)


def fetch_releases(repo: Repository) -> tuple[list[dict], list[dict]]:
    """The JSON of every release, then of every tag; two requests (per 100)."""
    releases = [listed(r) for r in repo.get_releases()]
    return releases, [listed(t) for t in repo.get_tags()]


def fetch_files(client_github, repo: Repository, branch: str, known_tree_sha: str | None) -> contents.Files | None:
    """The files of the default branch that say something (manifests, or Python sources when
    there is no Python manifest) and its languages; None if its root tree is unchanged since
    `known_tree_sha` (then neither can have changed).

    The git tree costs one request; the languages and the files one GraphQL query per 50
    files (or 4 MB); a file GitHub's GraphQL will not give as text (UTF-16, or truncated)
    one REST request more.
    """
    tree = listed(repo.get_git_tree(branch, recursive=True))
    if known_tree_sha and tree["sha"] == known_tree_sha:
        return None
    blobs = {e["path"]: e for e in tree["tree"] if e.get("type") == "blob"}
    paths, problems = contents.manifest_paths(tree["tree"])
    languages, texts = _read_files(client_github, repo, branch, paths, blobs, problems, with_languages=True)
    files = contents.Files(tree["sha"], list(blobs), languages, paths, texts, problems)
    if not contents.has_python_manifest(blobs):
        sources, files.source_problems = contents.source_paths(tree["tree"])
        files.sources = {}
        if sources:
            _, files.sources = _read_files(client_github, repo, branch, sources, blobs, files.source_problems,
                                           with_languages=False)
    return files


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
            _keep_text(repo, path, found.get(f"f{i}"), blobs, texts, problems)
    return languages, texts


def _keep_text(repo: Repository, path: str, blob: dict | None, blobs: dict[str, dict], texts: dict,
               problems: list[dict]) -> None:
    """Put the content of `path` (a GraphQL blob, else its REST bytes) into `texts`, or a problem."""
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
