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

from github import GithubException
from github.GithubObject import GithubObject
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from etl.github.client import GraphQL, GraphQLUnusable
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
    """One repository named in the configuration, and its JSON (one request; GitHub redirects
    the old name of a renamed or transferred repository to the repository as it is now)."""
    repo = github_client.get_repo(full_name)
    return repo, repo.raw_data


def repository_now(github_client, repo_id: int | None, full_name: str) -> dict | None:
    """A repository as GitHub has it now (one request), or None when GitHub answers 404: by id
    (GET /repositories/{id}, which follows renames and transfers) when the id is known, else by
    name (GitHub redirects an old name). Any other failure raises."""
    path = f"/repositories/{int(repo_id)}" if repo_id is not None else \
        "/repos/" + "/".join(urllib.parse.quote(part, safe="") for part in full_name.split("/", 1))
    try:
        _headers, raw = github_client.requester.requestJsonAndCheck("GET", path)
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise
    return raw


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
        except GithubException as exc:
            if exc.status != 404:
                raise
            # the old head no longer exists, or shares no history with the branch: read everything
            # again (if the repository itself is gone, listing its commits says so)
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


def fetch_tree(repo: Repository, branch: str) -> dict:
    """The git tree of `branch`, recursive (one request)."""
    return listed(repo.get_git_tree(branch, recursive=True))


def fetch_files(graphql: GraphQL, repo: Repository, branch: str, tree: dict) -> contents.Files:
    """The files of the default branch that say something (manifests, or Python sources when
    there is no Python manifest) and its languages, given its git `tree` (fetch_tree).

    Through GraphQL (while `graphql.usable`): the languages and the files one query per 50 files
    (or 4 MB); a file GitHub's GraphQL will not give as text (UTF-16, or truncated) one REST
    request more. Through REST (GraphQL missing, refusing or failing): the languages one request
    (/languages), each file one request (its git blob).
    """
    blobs = {e["path"]: e for e in tree["tree"] if e.get("type") == "blob"}
    paths, problems = contents.manifest_paths(tree["tree"])
    languages, texts = _read_files(graphql, repo, branch, paths, blobs, problems, with_languages=True)
    files = contents.Files(tree["sha"], list(blobs), languages, paths, texts, problems)
    if not contents.has_python_manifest(blobs):
        sources, files.source_problems = contents.source_paths(tree["tree"])
        files.sources = {}
        if sources:
            _, files.sources = _read_files(graphql, repo, branch, sources, blobs, files.source_problems,
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


def _read_files(graphql: GraphQL, repo: Repository, branch: str, paths: list[str], blobs: dict[str, dict],
                problems: list[dict], *, with_languages: bool) -> tuple[dict[str, int], dict[str, str | bytes]]:
    """The content of `paths` on `branch` (and, with `with_languages`, GitHub Linguist's bytes per
    language): through GraphQL while it serves, else through REST. Unreadable files become problems."""
    if graphql.usable:
        found: list[dict] = []
        try:
            languages, texts = _read_graphql(graphql, repo, branch, paths, blobs, found, with_languages)
        except GraphQLUnusable:
            pass  # this repository's files through REST; GraphQL says once if it is given up
        else:
            problems.extend(found)
            return languages, texts
    languages = _rest_languages(repo) if with_languages else {}
    texts = {}
    for path in paths:
        raw = _blob_bytes(repo, blobs.get(path, {}).get("sha"))
        if raw is None:
            problems.append({"kind": "file_unreadable", "detail": path, "message": f"{path} could not be read"})
        else:
            texts[path] = _as_text(raw)
    return languages, texts


def _read_graphql(graphql: GraphQL, repo: Repository, branch: str, paths: list[str], blobs: dict[str, dict],
                  problems: list[dict], with_languages: bool) -> tuple[dict[str, int], dict[str, str | bytes]]:
    """Text from GraphQL, or the raw bytes (REST) of a file GraphQL calls binary or truncates. With
    `with_languages`, the first query (made even for no paths) also returns the languages."""
    languages: dict[str, int] = {}
    texts: dict[str, str | bytes] = {}
    for n, chunk in enumerate(_chunks(paths, blobs) or [[]]):
        first = with_languages and n == 0
        if not chunk and not first:
            continue
        found = _graphql_repository(graphql, repo.full_name, branch, chunk, with_languages=first)
        if first:
            languages = {e["node"]["name"]: int(e["size"]) for e in (found.get("languages") or {}).get("edges", [])}
        for i, path in enumerate(chunk):
            _keep_text(repo, path, found.get(f"f{i}"), blobs, texts, problems)
    return languages, texts


def _rest_languages(repo: Repository) -> dict[str, int]:
    """GitHub Linguist's bytes per language through REST (one request). PyGithub 2.10 adds the
    request's own "url" to the answer: only the numbers are kept."""
    return {name: int(n) for name, n in repo.get_languages().items() if isinstance(n, int)}


def _as_text(raw: bytes) -> str | bytes:
    """UTF-8 text as GraphQL would give it; other bytes (UTF-16, binary) as they are."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


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
    """A file's bytes through the REST git blob endpoint (one request); None without a sha. A
    blob the tree names but GitHub will not give is a failure of the repository's files (it raises)."""
    if not sha:
        return None
    raw = listed(repo.get_git_blob(sha))
    if raw.get("encoding") == "base64":
        return base64.b64decode(raw.get("content") or "")
    return (raw.get("content") or "").encode("utf-8")


def _graphql_repository(graphql: GraphQL, full_name: str, branch: str, paths: list[str], *, with_languages: bool) -> dict:
    """One GraphQL query: the repository's languages and the text of `paths` on `branch`."""
    owner, name = full_name.split("/", 1)
    fields = ["languages(first: 100, orderBy: {field: SIZE, direction: DESC}) { edges { size node { name } } }"] \
        if with_languages else []
    fields += [f"f{i}: object(expression: {json.dumps(f'{branch}:{p}')}) "
               "{ ... on Blob { text byteSize isBinary isTruncated } }" for i, p in enumerate(paths)]
    query = f"query {{ r0: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{ {' '.join(fields)} }} }}"
    return graphql.query(query).get("r0") or {}
