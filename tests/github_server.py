"""A fake GitHub for tests: REST API v3 (and a small GraphQL subset) over real HTTP.

Standard library only. ``FakeGitHub`` holds an in-memory git model (content-addressed blobs,
trees and commits whose shas are computed exactly as git computes them) and serves it from a
``ThreadingHTTPServer`` in a background thread, with the JSON shapes, headers, pagination,
conditional requests, rate limits and error bodies of api.github.com, so that PyGithub (or
plain ``requests``) can be pointed at it with ``Github(base_url=server.base_url, ...)``.

    with FakeGitHub() as gh:
        gh.add_repo("nhsengland/demo", languages={"Python": 1200})
        sha = gh.commit("nhsengland/demo", message="init", date=dt.datetime(2025, 1, 1),
                        author_login="alice", files={"README.md": "# demo\\n"})
        g = github.Github(base_url=gh.base_url, auth=github.Auth.Token("test-token"))

Deliberate simplifications: every repository is public; objects are not shared between
repositories (no fork networks); writes (POST/PATCH/PUT/DELETE on REST) are not supported.
"""
from __future__ import annotations

import base64
import datetime as dt
import difflib
import hashlib
import heapq
import http.server
import json
import math
import random
import re
import socket
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeGitHub"]

API_PREFIX = "/api/v3"
GRAPHQL_PATH = "/api/graphql"
DOCS_URL = "https://docs.github.com/rest"
HTML_BASE = "https://github.com"
UTC = dt.timezone.utc
EMPTY_TREE_SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
DEFAULT_CREATED_AT = dt.datetime(2020, 1, 1, tzinfo=UTC)
CONTENTS_MAX_BYTES = 1024 * 1024          # the contents API stops inlining content above 1 MB
GRAPHQL_TEXT_LIMIT = 512000               # Blob.text is truncated above this many bytes
SECONDARY_MESSAGE = ("You have exceeded a secondary rate limit. "
                     "Please wait a few minutes before you try again.")
SECONDARY_DOCS = ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                  "#about-secondary-rate-limits")
PRIMARY_DOCS = ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                "#about-the-rate-limit")
TOKEN_USER = "etl-bot"
WEB_FLOW = "web-flow"

_LICENSES = {
    "MIT": ("mit", "MIT License"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0"),
    "GPL-2.0": ("gpl-2.0", "GNU General Public License v2.0"),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0"),
    "LGPL-2.1": ("lgpl-2.1", "GNU Lesser General Public License v2.1"),
    "LGPL-3.0": ("lgpl-3.0", "GNU Lesser General Public License v3.0"),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0"),
    "BSD-2-Clause": ("bsd-2-clause", 'BSD 2-Clause "Simplified" License'),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License'),
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0"),
    "EPL-2.0": ("epl-2.0", "Eclipse Public License 2.0"),
    "BSL-1.0": ("bsl-1.0", "Boost Software License 1.0"),
    "Unlicense": ("unlicense", "The Unlicense"),
    "CC0-1.0": ("cc0-1.0", "Creative Commons Zero v1.0 Universal"),
    "CC-BY-4.0": ("cc-by-4.0", "Creative Commons Attribution 4.0 International"),
    "CC-BY-SA-4.0": ("cc-by-sa-4.0", "Creative Commons Attribution Share Alike 4.0 International"),
    "OGL-UK-3.0": ("ogl-uk-3.0", "Open Government Licence v3.0"),
    "NOASSERTION": ("other", "Other"),
}


# ----------------------------------------------------------------------------------------------
# helpers


def _utc(value: Any) -> dt.datetime:
    """A datetime (aware, naive-UTC), date or ISO string -> aware UTC datetime, whole seconds."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {value!r}")
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=0)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def _node_id(kind: str, ident: Any) -> str:
    return base64.b64encode(f"0{len(kind) + 1}:{kind}{ident}".encode()).decode()


def _b64_lines(data: bytes) -> str:
    """Base64 wrapped at 60 characters with a trailing newline, as GitHub sends file content."""
    text = base64.b64encode(data).decode()
    return "".join(text[i:i + 60] + "\n" for i in range(0, len(text), 60))


def _q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def _qpath(text: str) -> str:
    return urllib.parse.quote(text, safe="/")


def _git_object_sha(kind: str, payload: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(payload)}\0".encode() + payload).hexdigest()


def _natural_key(text: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", text) if part]


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _line_diff(old: bytes | None, new: bytes | None) -> tuple[int, int, str | None]:
    """(additions, deletions, patch) for one file; patch None for binary files."""
    if (old is not None and not _is_text(old)) or (new is not None and not _is_text(new)):
        return 0, 0, None
    a = (old or b"").decode("utf-8").splitlines()
    b = (new or b"").decode("utf-8").splitlines()
    if len(a) + len(b) > 20000:               # keep huge generated files cheap
        return len(b), len(a), None
    lines = list(difflib.unified_diff(a, b, n=3, lineterm=""))[2:]
    adds = sum(1 for line in lines if line.startswith("+"))
    dels = sum(1 for line in lines if line.startswith("-"))
    return adds, dels, "\n".join(lines)


class _HttpError(Exception):
    def __init__(self, status: int, message: str | None = "Not Found", documentation_url: str = DOCS_URL,
                 body: Any = None, headers: dict[str, str] | None = None):
        super().__init__(status, message)
        self.status = status
        self.body = body if body is not None else (
            None if message is None else {"message": message, "documentation_url": documentation_url})
        self.headers = headers or {}


class _NotFound(_HttpError):
    def __init__(self) -> None:
        super().__init__(404, "Not Found")


def _empty_repo_error(doc: str = "https://docs.github.com/rest/commits/commits#list-commits") -> _HttpError:
    return _HttpError(409, "Git Repository is empty.", doc)


# ----------------------------------------------------------------------------------------------
# data model


@dataclass
class _Account:
    login: str
    id: int
    type: str                      # "User", "Bot" or "Organization"
    created_at: dt.datetime = DEFAULT_CREATED_AT


@dataclass
class _Commit:
    sha: str
    tree: str
    parents: list[str]
    message: str
    author: tuple[str, str, dt.datetime]        # name, email, date
    committer: tuple[str, str, dt.datetime]
    author_login: str | None
    committer_login: str | None
    flat: dict[str, str]                        # path -> blob sha (the whole snapshot)


@dataclass
class _Release:
    id: int
    tag: str
    name: str | None
    published_at: dt.datetime | None
    created_at: dt.datetime
    target_commitish: str
    author_login: str
    body: str | None = None
    draft: bool = False
    prerelease: bool = False


@dataclass
class _Repo:
    id: int
    owner: str
    name: str
    description: str | None
    languages: dict[str, int]
    topics: list[str]
    license_spdx: str | None
    fork: bool
    archived: bool
    default_branch: str
    created_at: dt.datetime
    updated_at: dt.datetime
    pushed_at: dt.datetime
    stars: int
    forks: int
    open_issues: int
    homepage: str | None
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    releases: list[_Release] = field(default_factory=list)
    commits: dict[str, _Commit] = field(default_factory=dict)
    objects: set[str] = field(default_factory=set)      # trees and blobs of this repository
    stats_requested: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def empty(self) -> bool:
        return not self.branches


# ----------------------------------------------------------------------------------------------
# GraphQL (the small subset the ETL uses, parsed properly rather than pattern-matched)


class _GqlError(Exception):
    def __init__(self, message: str, locations: list[dict] | None = None, **extra: Any):
        super().__init__(message)
        self.error = {"message": message, **({"locations": locations} if locations else {}), **extra}


@dataclass
class _GqlField:
    alias: str
    name: str
    args: dict[str, Any]
    selections: list | None
    loc: dict


@dataclass
class _GqlFragment:
    type_name: str
    selections: list


@dataclass
class _GqlVar:
    name: str


_GQL_TOKEN = re.compile(r'''
    (?P<ws>[\s,\ufeff]+|\#[^\n]*)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<spread>\.\.\.)
  | (?P<punct>[{}():$!=\[\]@|&])
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
''', re.VERBOSE)


class _GqlParser:
    def __init__(self, text: str):
        self.tokens: list[tuple[str, str, dict]] = []
        pos = 0
        while pos < len(text):
            m = _GQL_TOKEN.match(text, pos)
            line = text.count("\n", 0, pos) + 1
            loc = {"line": line, "column": pos - (text.rfind("\n", 0, pos) + 1) + 1}
            if not m:
                raise _GqlError(f'Parse error on "{text[pos]}" at [{loc["line"]}, {loc["column"]}]', [loc])
            kind = m.lastgroup or ""
            if kind != "ws":
                self.tokens.append((kind, m.group(), loc))
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str, dict]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("eof", "", {"line": 0, "column": 0})

    def next(self) -> tuple[str, str, dict]:
        tok = self.peek()
        if tok[0] == "eof":
            raise _GqlError("Parse error on end of input")
        self.i += 1
        return tok

    def expect(self, value: str) -> dict:
        kind, text, loc = self.next()
        if text != value or kind == "str":
            raise _GqlError(f'Parse error on "{text}" ({kind.upper()}) at [{loc["line"]}, {loc["column"]}]', [loc])
        return loc

    def name(self) -> tuple[str, dict]:
        kind, text, loc = self.next()
        if kind != "name":
            raise _GqlError(f'Parse error on "{text}" ({kind.upper()}) at [{loc["line"]}, {loc["column"]}]', [loc])
        return text, loc

    def document(self) -> list:
        kind, text, loc = self.peek()
        if kind == "name" and text in ("mutation", "subscription"):
            raise _GqlError(f"This fake GitHub only answers queries, not {text}s", [loc])
        if kind == "name" and text == "query":
            self.next()
            if self.peek()[0] == "name":
                self.next()
            if self.peek()[1] == "(":
                depth = 0
                while True:
                    tok = self.next()[1]
                    depth += tok == "("
                    depth -= tok == ")"
                    if depth == 0:
                        break
        selections = self.selection_set()
        if self.peek()[0] != "eof":
            kind, text, loc = self.peek()
            raise _GqlError(f'Parse error on "{text}" ({kind.upper()}) at [{loc["line"]}, {loc["column"]}]', [loc])
        return selections

    def selection_set(self) -> list:
        self.expect("{")
        out: list = []
        while self.peek()[1] != "}":
            if self.peek()[0] == "spread":
                self.next()
                on, _ = self.name()
                if on != "on":
                    raise _GqlError("Named fragments are not supported by this fake GitHub")
                type_name, _ = self.name()
                out.append(_GqlFragment(type_name, self.selection_set()))
                continue
            alias, loc = self.name()
            name = alias
            if self.peek()[1] == ":":
                self.next()
                name, _ = self.name()
            args: dict[str, Any] = {}
            if self.peek()[1] == "(":
                self.next()
                while self.peek()[1] != ")":
                    arg, _ = self.name()
                    self.expect(":")
                    args[arg] = self.value()
                self.expect(")")
            while self.peek()[1] == "@":         # directives are ignored
                self.next()
                self.name()
                if self.peek()[1] == "(":
                    while self.next()[1] != ")":
                        pass
            selections = self.selection_set() if self.peek()[1] == "{" else None
            out.append(_GqlField(alias, name, args, selections, loc))
        self.expect("}")
        return out

    def value(self) -> Any:
        kind, text, loc = self.next()
        if kind == "str":
            return json.loads(text)
        if kind == "num":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if text == "$":
            return _GqlVar(self.name()[0])
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(text, text)
        if text == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
            self.next()
            return items
        if text == "{":
            obj = {}
            while self.peek()[1] != "}":
                key, _ = self.name()
                self.expect(":")
                obj[key] = self.value()
            self.next()
            return obj
        raise _GqlError(f'Parse error on "{text}" ({kind.upper()}) at [{loc["line"]}, {loc["column"]}]', [loc])


# ----------------------------------------------------------------------------------------------
# the server


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    def _serve(self) -> None:
        fake: FakeGitHub = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if fake._dropping(self.command, self.path):  # the connection closes with no answer
            self.close_connection = True
            return
        status, headers, payload = fake._handle(self.command, self.path, self.headers, body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        # headers and body in one send: avoids the 40 ms Nagle / delayed-ACK stall per request
        self._headers_buffer.append(b"\r\n")
        if payload and self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.flush_headers()

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.open_connections.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.open_connections.discard(self.connection)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr logging
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeGitHub:
    """An in-memory GitHub served over HTTP on 127.0.0.1 (see the module docstring)."""

    retry_after_seconds: float = 1

    def __init__(self, token: str | None = "test-token", rate_limit: int = 5000):
        self.token = token
        self.rate_limit = rate_limit
        self.retry_after_seconds = 1
        #: Called with each request's log entry after it was answered (tests use it to change the world mid-run).
        self.on_request = None
        self.requests: list[dict] = []
        self.server_errors: list[str] = []      # tracebacks of internal errors (answered with 500)
        self.base_url = ""
        self.graphql_url = ""
        self._origin = ""
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._accounts: dict[str, _Account] = {}
        self._emails: dict[str, str] = {}
        self._repos: dict[str, _Repo] = {}
        self._blobs: dict[str, bytes] = {}
        self._trees: dict[str, list[tuple[str, str, str]]] = {}   # sha -> [(name, "blob"|"tree", sha)]
        self._next_id = 10000
        self._next_release_id = 1000
        self._request_serial = 0
        self._buckets: dict[tuple[str, str], dict[str, int]] = {}
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = ("502", "secondary")
        self._fault_rng = random.Random(0)
        self._fault_streaks: dict[str, int] = {}
        self._forced_faults: list[str] = []
        self._moved: dict[str, int] = {}          # old full name (lower case) -> id of the renamed repository
        self._refused: list[tuple[re.Pattern, int, str]] = []
        self._dropped: list[re.Pattern] = []
        #: How /api/graphql answers: "on" (served), "404" (not there: a proxy or gateway passing only
        #: REST), "403" (refused, as for a token GraphQL does not accept), or "errors" (200 with an
        #: `errors` list and no data, as GitHub answers a query that timed out).
        self.graphql_mode = "on"
        #: The origin (scheme://host:port) the server names itself by in self-links, pagination
        #: links and download URLs; None: the address it listens on. Set it to mimic a server
        #: behind a reverse proxy that does not rewrite links.
        self.link_origin: str | None = None
        self._add_account(TOKEN_USER, "User", ident=1)
        self._add_account(WEB_FLOW, "User", ident=19864447)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> str:
        with self._lock:
            if self._server is not None:
                return self.base_url
            server = _Server(("127.0.0.1", 0), _Handler)
            server.fake = self  # type: ignore[attr-defined]
            server.open_connections = set()  # type: ignore[attr-defined]
            port = server.server_address[1]
            self._origin = f"http://127.0.0.1:{port}"
            self.base_url = self._origin + API_PREFIX
            self.graphql_url = self._origin + GRAPHQL_PATH
            self._server = server
            self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"fake-github-{port}", daemon=True)
            self._thread.start()
            return self.base_url

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        for conn in list(server.open_connections):  # type: ignore[attr-defined]
            try:
                conn.shutdown(2)
            except OSError:
                pass
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def _links_origin(self) -> str:
        return self.link_origin or self._origin

    @property
    def _links_api(self) -> str:
        return self._links_origin + API_PREFIX

    # ------------------------------------------------------------------ data model: accounts

    def _add_account(self, login: str, type: str, ident: int | None = None) -> _Account:
        key = login.lower()
        if key in self._accounts:
            return self._accounts[key]
        if ident is None:
            self._next_id += 1
            ident = self._next_id
        account = _Account(login, ident, type)
        self._accounts[key] = account
        return account

    def add_org(self, login: str) -> None:
        with self._lock:
            existing = self._accounts.get(login.lower())
            if existing is not None and existing.type != "Organization":
                raise ValueError(f"{login} is already a {existing.type}")
            self._add_account(login, "Organization")

    def add_user(self, login: str, *, type: str = "User") -> None:
        if type not in ("User", "Bot"):
            raise ValueError("type must be 'User' or 'Bot'")
        with self._lock:
            existing = self._accounts.get(login.lower())
            if existing is not None and existing.type == "Organization":
                raise ValueError(f"{login} is an organisation")
            if existing is not None:
                existing.type = type
            else:
                self._add_account(login, type)

    def _user_for_commit(self, login: str) -> _Account:
        account = self._accounts.get(login.lower())
        if account is None:
            account = self._add_account(login, "Bot" if login.endswith("[bot]") else "User")
        if account.type == "Organization":
            raise ValueError(f"{login} is an organisation, not a commit author")
        return account

    # ------------------------------------------------------------------ data model: repositories

    def _repo(self, full_name: str) -> _Repo:
        repo = self._repos.get(full_name.lower())
        if repo is None:
            raise KeyError(f"no repository {full_name!r}")
        return repo

    def add_repo(self, full_name: str, *, description: str | None = None, languages: dict[str, int] | None = None,
                 topics=(), license_spdx: str | None = "MIT", fork: bool = False, archived: bool = False,
                 default_branch: str = "main", created_at=None, stars: int = 0, forks: int = 0,
                 open_issues: int = 0, homepage: str | None = None) -> None:
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"full_name must be owner/name, got {full_name!r}")
        with self._lock:
            if full_name.lower() in self._repos:
                raise ValueError(f"repository {full_name} already exists")
            account = self._accounts.get(owner.lower()) or self._add_account(owner, "Organization")
            created = _utc(created_at) if created_at is not None else DEFAULT_CREATED_AT
            self._next_id += 1
            self._repos[full_name.lower()] = _Repo(
                id=self._next_id, owner=account.login, name=name, description=description,
                languages=dict(languages or {}), topics=list(topics), license_spdx=license_spdx,
                fork=fork, archived=archived, default_branch=default_branch, created_at=created,
                updated_at=created, pushed_at=created, stars=stars, forks=forks,
                open_issues=open_issues, homepage=homepage)

    def update_repo(self, full_name: str, **fields: Any) -> None:
        """Change repository metadata (bumps updated_at to now unless given; never pushed_at)."""
        allowed = {"description", "languages", "topics", "license_spdx", "fork", "archived", "default_branch",
                   "created_at", "updated_at", "pushed_at", "stars", "forks", "open_issues", "homepage"}
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"unknown repository fields: {sorted(unknown)}")
        with self._lock:
            repo = self._repo(full_name)
            for key, value in fields.items():
                if key in ("created_at", "updated_at", "pushed_at"):
                    value = _utc(value)
                elif key == "topics":
                    value = list(value)
                elif key == "languages":
                    value = dict(value or {})
                setattr(repo, key, value)
            if "updated_at" not in fields:
                repo.updated_at = max(repo.updated_at, _now())

    def delete_repo(self, full_name: str) -> None:
        with self._lock:
            repo = self._repos.pop(full_name.lower(), None)
            if repo is not None:
                self._moved = {old: ident for old, ident in self._moved.items() if ident != repo.id}

    def rename_repo(self, full_name: str, new_full_name: str) -> None:
        """Rename a repository, or transfer it to another owner (an organisation created if
        unknown), as GitHub does: it keeps its id, history and pushed_at, and its old name
        answers 301 Moved Permanently to /repositories/{id} (REST; GraphQL no longer resolves it)."""
        owner, _, name = new_full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"new_full_name must be owner/name, got {new_full_name!r}")
        with self._lock:
            repo = self._repo(full_name)
            if new_full_name.lower() in self._repos and new_full_name.lower() != full_name.lower():
                raise ValueError(f"repository {new_full_name} already exists")
            account = self._accounts.get(owner.lower()) or self._add_account(owner, "Organization")
            del self._repos[full_name.lower()]
            self._moved[full_name.lower()] = repo.id
            self._moved.pop(new_full_name.lower(), None)
            repo.owner, repo.name = account.login, name
            self._repos[new_full_name.lower()] = repo
            repo.updated_at = max(repo.updated_at, _now())

    # ------------------------------------------------------------------ data model: git

    def _store_blob(self, repo: _Repo, content: bytes) -> str:
        sha = _git_object_sha("blob", content)
        self._blobs[sha] = content
        repo.objects.add(sha)
        return sha

    def _write_tree(self, repo: _Repo, flat: dict[str, str]) -> str:
        root: dict = {}
        for path, sha in flat.items():
            node = root
            parts = path.split("/")
            for part in parts[:-1]:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise ValueError(f"{path}: a parent folder is a file")
                node = child
            if isinstance(node.get(parts[-1]), dict):
                raise ValueError(f"{path} is a folder")
            node[parts[-1]] = sha

        def build(node: dict) -> str:
            entries = [(name, "tree", build(v)) if isinstance(v, dict) else (name, "blob", v)
                       for name, v in node.items()]
            entries.sort(key=lambda e: (e[0] + ("/" if e[1] == "tree" else "")).encode())
            raw = b"".join((b"40000 " if kind == "tree" else b"100644 ") + name.encode() + b"\0" + bytes.fromhex(sha)
                           for name, kind, sha in entries)
            sha = _git_object_sha("tree", raw)
            self._trees[sha] = entries
            repo.objects.add(sha)
            return sha

        return build(root)

    def _make_commit(self, repo: _Repo, *, parents: list[str], flat: dict[str, str], message: str,
                     author: tuple[str, str, dt.datetime], committer: tuple[str, str, dt.datetime],
                     author_login: str | None, committer_login: str | None) -> str:
        tree = self._write_tree(repo, flat)
        text = f"tree {tree}\n" + "".join(f"parent {p}\n" for p in parents)
        text += f"author {author[0]} <{author[1]}> {int(author[2].timestamp())} +0000\n"
        text += f"committer {committer[0]} <{committer[1]}> {int(committer[2].timestamp())} +0000\n"
        text += "\n" + (message if message.endswith("\n") else message + "\n")
        sha = _git_object_sha("commit", text.encode())
        repo.commits[sha] = _Commit(sha, tree, list(parents), message, author, committer,
                                    author_login, committer_login, flat)
        return sha

    def _pushed(self, repo: _Repo, when: dt.datetime) -> None:
        repo.pushed_at = when
        repo.updated_at = max(repo.updated_at, when)

    def commit(self, full_name: str, *, message: str, date, author_login: str | None = None,
               author_email: str | None = None, author_name: str | None = None,
               files: dict[str, str | bytes | None] | None = None, branch: str | None = None) -> str:
        """Push one new commit on ``branch`` (default branch if None); returns its sha.

        A branch that does not exist yet starts from the default branch head (or from nothing when
        the repository is empty; as on GitHub, the first branch pushed to an empty repository
        becomes its default branch).
        """
        when = _utc(date)
        with self._lock:
            repo = self._repo(full_name)
            branch = branch or repo.default_branch
            if repo.empty:
                parent = None
                if branch != repo.default_branch:
                    repo.default_branch = branch
            else:
                parent = repo.branches.get(branch) or repo.branches[repo.default_branch]
            flat = dict(repo.commits[parent].flat) if parent else {}
            for path, content in (files or {}).items():
                path = path.strip("/")
                if content is None:
                    flat.pop(path, None)
                    for other in [p for p in flat if p.startswith(path + "/")]:
                        del flat[other]
                else:
                    flat[path] = self._store_blob(repo, content.encode() if isinstance(content, str) else bytes(content))
            login = None
            if author_login is not None:
                account = self._user_for_commit(author_login)
                login = account.login
                email = author_email or f"{account.id}+{account.login}@users.noreply.github.com"
                name = author_name or account.login
            else:
                email = author_email or "developer@example.com"
                name = author_name or email.split("@")[0]
            sha = self._make_commit(repo, parents=[parent] if parent else [], flat=flat, message=message,
                                    author=(name, email, when), committer=(name, email, when),
                                    author_login=login, committer_login=login)
            repo.branches[branch] = sha
            self._pushed(repo, when)
            return sha

    def create_branch(self, full_name: str, branch: str, from_ref: str | None = None) -> None:
        with self._lock:
            repo = self._repo(full_name)
            sha = self._resolve(repo, from_ref or repo.default_branch)
            if sha is None:
                raise ValueError(f"cannot resolve {from_ref or repo.default_branch!r} in {full_name}")
            repo.branches[branch] = sha

    def merge(self, full_name: str, source_branch: str, *, date, author_login: str, into: str | None = None,
              message: str | None = None) -> str:
        """A merge commit as GitHub's merge button makes it (committer GitHub / web-flow)."""
        when = _utc(date)
        with self._lock:
            repo = self._repo(full_name)
            into = into or repo.default_branch
            ours = repo.branches[into]
            theirs = self._resolve(repo, source_branch)
            if theirs is None:
                raise ValueError(f"unknown branch {source_branch!r}")
            base = self._merge_base(repo, ours, theirs)
            base_flat = repo.commits[base].flat if base else {}
            theirs_flat = repo.commits[theirs].flat
            flat = dict(repo.commits[ours].flat)
            for path in set(base_flat) | set(theirs_flat):
                if base_flat.get(path) != theirs_flat.get(path):
                    if path in theirs_flat:
                        flat[path] = theirs_flat[path]
                    else:
                        flat.pop(path, None)
            account = self._user_for_commit(author_login)
            email = f"{account.id}+{account.login}@users.noreply.github.com"
            if message is None:
                message = (f"Merge branch '{source_branch}'" if into == repo.default_branch
                           else f"Merge branch '{source_branch}' into {into}")
            sha = self._make_commit(repo, parents=[ours, theirs], flat=flat, message=message,
                                    author=(account.login, email, when),
                                    committer=("GitHub", "noreply@github.com", when),
                                    author_login=account.login, committer_login=WEB_FLOW)
            repo.branches[into] = sha
            self._pushed(repo, when)
            return sha

    def force_push(self, full_name: str, branch: str, sha: str, *, date=None) -> None:
        with self._lock:
            repo = self._repo(full_name)
            target = self._resolve(repo, sha)
            if target is None:
                raise ValueError(f"unknown commit {sha!r}")
            repo.branches[branch] = target
            self._pushed(repo, _utc(date) if date is not None else _now())

    def add_tag(self, full_name: str, tag: str, sha: str | None = None) -> None:
        with self._lock:
            repo = self._repo(full_name)
            target = self._resolve(repo, sha or repo.default_branch)
            if target is None:
                raise ValueError(f"cannot tag {sha or repo.default_branch!r}: no such commit")
            repo.tags[tag] = target

    def add_release(self, full_name: str, tag: str, *, published_at, sha: str | None = None,
                    name: str | None = None, body: str | None = None, draft: bool = False,
                    prerelease: bool = False, author_login: str | None = None) -> None:
        """A release (and its tag, unless it exists). created_at is the tagged commit's date, as on GitHub."""
        with self._lock:
            repo = self._repo(full_name)
            if tag not in repo.tags:
                self.add_tag(full_name, tag, sha)
            commit = repo.commits[repo.tags[tag]]
            if author_login:
                self._user_for_commit(author_login)
            self._next_release_id += 1
            repo.releases.append(_Release(
                id=self._next_release_id, tag=tag, name=name,
                published_at=None if draft else _utc(published_at), created_at=commit.committer[2],
                target_commitish=sha or repo.default_branch,
                author_login=author_login or commit.author_login or TOKEN_USER,
                body=body, draft=draft, prerelease=prerelease))

    # ------------------------------------------------------------------ git queries

    def _resolve(self, repo: _Repo, ref: str | None) -> str | None:
        if not ref:
            return None
        if ref in repo.commits:
            return ref
        for prefix in ("refs/heads/", "refs/tags/", "heads/", "tags/"):
            if ref.startswith(prefix):
                table = repo.branches if "heads" in prefix else repo.tags
                return table.get(ref[len(prefix):])
        if ref == "HEAD":
            return repo.branches.get(repo.default_branch)
        if ref in repo.branches:
            return repo.branches[ref]
        if ref in repo.tags:
            return repo.tags[ref]
        if re.fullmatch(r"[0-9a-fA-F]{4,39}", ref):
            matches = [s for s in repo.commits if s.startswith(ref.lower())]
            if len(matches) == 1:
                return matches[0]
        return None

    def _ancestors(self, repo: _Repo, sha: str) -> set[str]:
        seen = {sha}
        stack = [sha]
        while stack:
            for parent in repo.commits[stack.pop()].parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    def _merge_base(self, repo: _Repo, a: str, b: str) -> str | None:
        common = self._ancestors(repo, a) & self._ancestors(repo, b)
        if not common:
            return None
        best = set(common)
        for sha in common:
            if sha in best:
                best -= self._ancestors(repo, sha) - {sha}
        return max(best, key=lambda s: (repo.commits[s].committer[2], s))

    def _log(self, repo: _Repo, heads: list[str]) -> list[_Commit]:
        """Commits reachable from heads in `git log` order (newest committer date first)."""
        counter = 0
        heap: list[tuple[float, int, str]] = []
        seen: set[str] = set()
        for head in heads:
            if head not in seen:
                seen.add(head)
                heapq.heappush(heap, (-repo.commits[head].committer[2].timestamp(), counter, head))
                counter += 1
        out = []
        while heap:
            _, _, sha = heapq.heappop(heap)
            commit = repo.commits[sha]
            out.append(commit)
            for parent in commit.parents:
                if parent not in seen:
                    seen.add(parent)
                    heapq.heappush(heap, (-repo.commits[parent].committer[2].timestamp(), counter, parent))
                    counter += 1
        return out

    def _lookup_path(self, tree_sha: str, path: str) -> tuple[str, str] | None:
        """(kind, sha) of path inside a tree; ("tree", root) for ''."""
        kind, sha = "tree", tree_sha
        for part in [p for p in path.strip("/").split("/") if p]:
            if kind != "tree":
                return None
            entry = next((e for e in self._trees[sha] if e[0] == part), None)
            if entry is None:
                return None
            kind, sha = entry[1], entry[2]
        return kind, sha

    # ------------------------------------------------------------------ faults and limits

    def set_faults(self, rate: float, kinds=("502", "secondary"), seed: int = 0) -> None:
        kinds = tuple(kinds)
        for kind in kinds:
            if kind != "secondary" and not re.fullmatch(r"5\d\d", str(kind)):
                raise ValueError(f"unknown fault kind {kind!r} (use 'secondary' or a 5xx status)")
        with self._lock:
            self._fault_rate = float(rate)
            self._fault_kinds = tuple(str(k) for k in kinds)
            self._fault_rng = random.Random(seed)
            self._fault_streaks.clear()

    def refuse(self, path_pattern: str, status: int = 404, message: str | None = None) -> None:
        """Answer `status` (GitHub's JSON error body) to every request whose path (after the API
        root, e.g. ``/repos/o/r/git/trees/main``) matches the regular expression: a part of the API
        missing or forbidden, as behind a gateway that passes only some paths, or for a token
        without access to it. ``clear_refusals()`` undoes it."""
        default = {403: "Resource not accessible by personal access token", 404: "Not Found"}
        with self._lock:
            self._refused.append((re.compile(path_pattern), int(status), message or default.get(status, "Error")))

    def clear_refusals(self) -> None:
        with self._lock:
            self._refused.clear()
            self._dropped.clear()

    def drop(self, path_pattern: str) -> None:
        """Close the connection without an answer to every request whose path (after the API
        root) matches the regular expression: network trouble on the way to some of the API.
        ``clear_refusals()`` undoes it."""
        with self._lock:
            self._dropped.append(re.compile(path_pattern))

    def _dropping(self, method: str, raw_path: str) -> bool:
        path = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path)
        api_path = path[len(API_PREFIX):] if path.startswith(API_PREFIX + "/") else path
        with self._lock:
            if not any(p.search(api_path) for p in self._dropped):
                return False
            self.requests.append({"method": method, "path": path, "query": {}, "status": None, "counted": False})
            return True

    def fail_next(self, n: int, kind: str = "502") -> None:
        with self._lock:
            self._forced_faults.extend([str(kind)] * n)

    def set_rate_limit(self, remaining: int, reset_in: float = 3600, *, resource: str = "core") -> None:
        with self._lock:
            bucket = self._bucket("auth", resource)
            bucket["remaining"] = max(0, min(int(remaining), bucket["limit"]))
            bucket["reset"] = int(math.ceil(time.time() + reset_in))

    def _bucket(self, identity: str, resource: str) -> dict[str, int]:
        key = (identity, resource)
        now = time.time()
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket["reset"]:
            if identity == "anon":
                limit = 60 if resource == "core" else 0
            else:
                limit = self.rate_limit
            bucket = {"limit": limit, "remaining": limit, "reset": int(now) + 3600}
            self._buckets[key] = bucket
        return bucket

    def _pick_fault(self, key: str) -> str | None:
        if self._forced_faults:
            return self._forced_faults.pop(0)
        if self._fault_rate <= 0:
            return None
        draw = self._fault_rng.random()
        if draw < self._fault_rate and self._fault_streaks.get(key, 0) < 3:
            self._fault_streaks[key] = self._fault_streaks.get(key, 0) + 1
            return self._fault_rng.choice(self._fault_kinds)
        self._fault_streaks.pop(key, None)
        return None

    # ------------------------------------------------------------------ observation

    def request_count(self, *, counted_only: bool = True) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r["counted"] or not counted_only)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # ------------------------------------------------------------------ HTTP plumbing

    def _handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        split = urllib.parse.urlsplit(raw_path)
        path = split.path
        query_pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        query = dict(query_pairs)
        entry = {"method": method, "path": urllib.parse.unquote(path), "query": query, "status": None,
                 "counted": False}
        with self._lock:
            self.requests.append(entry)
            self._request_serial += 1
            is_graphql = path.rstrip("/") == GRAPHQL_PATH
            resource = "graphql" if is_graphql else "core"
            is_rate_limit = method == "GET" and path.rstrip("/") == API_PREFIX + "/rate_limit"
            identity, auth_ok = self._authenticate(headers.get("Authorization"))
            bucket = self._bucket(identity, resource)
            counted = False
            status, out_headers, payload = 500, {}, b""
            try:
                fault = None if is_rate_limit else self._pick_fault(f"{method} {raw_path}")
                if fault == "secondary":
                    raise _HttpError(403, SECONDARY_MESSAGE, SECONDARY_DOCS, headers={
                        "Retry-After": str(int(math.ceil(max(0.0, float(self.retry_after_seconds)))))})
                if fault is not None:
                    raise _HttpError(int(fault), "Server Error")
                api_path = urllib.parse.unquote(path[len(API_PREFIX):]) if path.startswith(API_PREFIX + "/") else path
                refused = next((r for r in self._refused if r[0].search(api_path)), None)
                if refused is not None:
                    counted = path.startswith(API_PREFIX)
                    raise _HttpError(refused[1], refused[2])
                if not auth_ok:
                    raise _HttpError(401, "Bad credentials", DOCS_URL)
                if is_graphql and identity == "anon":
                    raise _HttpError(401, "This endpoint requires you to be authenticated.",
                                     "https://docs.github.com/graphql/guides/forming-calls-with-graphql"
                                     "#authenticating-with-graphql")
                if is_rate_limit:
                    status, data, extra = 200, self._rate_limit_body(identity), {}
                elif bucket["remaining"] <= 0:
                    who = "user ID 1" if identity == "auth" else "127.0.0.1"
                    message = f"API rate limit exceeded for {who}."
                    if identity == "anon":
                        message += (" (But here's the good news: Authenticated requests get a higher rate limit. "
                                    "Check out the documentation for more details.)")
                    if is_graphql:      # GraphQL answers an exhausted budget with 200 and an error
                        status, data, extra = 200, {"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
                                                                "message": message}]}, {}
                    else:
                        raise _HttpError(403, message, PRIMARY_DOCS)
                elif is_graphql and self.graphql_mode != "on":
                    status, data, extra = self._graphql_refused()
                elif is_graphql:
                    counted = True
                    if method != "POST":
                        raise _NotFound()
                    status, data, extra = self._graphql(body)
                elif method in ("GET", "HEAD") and (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
                    counted = True
                    status, data, extra = self._route_get(path[len(API_PREFIX):], query_pairs)
                elif method in ("GET", "HEAD") and path.startswith("/raw/"):
                    status, data, extra = self._raw(path)
                    counted = False
                else:
                    counted = path.startswith(API_PREFIX)
                    raise _NotFound()
                if isinstance(data, (bytes, bytearray)):
                    payload = bytes(data)
                    out_headers = {"Content-Type": "text/plain; charset=utf-8"}
                else:
                    payload = b"" if data is None else json.dumps(data, separators=(",", ":")).encode()
                    out_headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else {}
                out_headers.update(extra)
                if status == 200 and method in ("GET", "HEAD"):
                    etag = 'W/"' + hashlib.sha256(payload).hexdigest() + '"'
                    out_headers["ETag"] = etag
                    out_headers["Cache-Control"] = "private, max-age=60, s-maxage=60"
                    if self._etag_matches(headers.get("If-None-Match"), etag):
                        status, payload, counted = 304, b"", False
                        out_headers.pop("Content-Type", None)
            except _HttpError as err:
                counted = counted and err.status not in (401,)
                status = err.status
                if isinstance(err.body, bytes):
                    payload, out_headers = err.body, {"Content-Type": "text/plain; charset=utf-8"}
                else:
                    payload = b"" if err.body is None else json.dumps(err.body, separators=(",", ":")).encode()
                    out_headers = {"Content-Type": "application/json; charset=utf-8"} if err.body is not None else {}
                out_headers.update(err.headers)
            except Exception as err:  # a bug in the fake: answer 500 and keep the traceback for the test
                self.server_errors.append(traceback.format_exc())
                counted, status = False, 500
                payload = json.dumps({"message": f"fake GitHub internal error: {err!r}",
                                      "documentation_url": DOCS_URL}).encode()
                out_headers = {"Content-Type": "application/json; charset=utf-8"}
            if counted and not is_rate_limit:
                bucket["remaining"] = max(0, bucket["remaining"] - 1)
            entry["status"] = status
            entry["counted"] = counted
            out_headers.update(self._standard_headers(bucket, resource, identity))
            result = status, out_headers, payload
        hook = self.on_request
        if hook is not None:  # outside the lock: a hook may change the model (e.g. delete a repository)
            hook(dict(entry))
        return result

    def _authenticate(self, header: str | None) -> tuple[str, bool]:
        if not header:
            return "anon", True
        scheme, _, credential = header.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[2]
            except Exception:
                return "auth", False
        elif scheme.lower() not in ("token", "bearer"):
            return "auth", False
        if not credential or (self.token is not None and credential != self.token):
            return "auth", False
        return "auth", True

    @staticmethod
    def _etag_matches(header: str | None, etag: str) -> bool:
        if not header:
            return False
        bare = etag.removeprefix("W/")
        return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == bare for tag in header.split(","))

    def _standard_headers(self, bucket: dict[str, int], resource: str, identity: str) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(bucket["limit"]),
            "X-RateLimit-Remaining": str(bucket["remaining"]),
            "X-RateLimit-Reset": str(bucket["reset"]),
            "X-RateLimit-Used": str(bucket["limit"] - bucket["remaining"]),
            "X-RateLimit-Resource": resource,
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": f"FAKE:{self._request_serial:08X}",
            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding",
        }
        if identity == "auth":
            headers["X-OAuth-Scopes"] = "read:org, repo"
            headers["X-Accepted-OAuth-Scopes"] = ""
        return headers

    def _rate_limit_body(self, identity: str) -> dict:
        def rate(resource: str) -> dict:
            b = self._bucket(identity, resource)
            return {"limit": b["limit"], "used": b["limit"] - b["remaining"], "remaining": b["remaining"],
                    "reset": b["reset"], "resource": resource}

        core = rate("core")
        search_limit = 30 if identity == "auth" else 10
        reset = int(time.time()) + 60
        search = {"limit": search_limit, "used": 0, "remaining": search_limit, "reset": reset, "resource": "search"}
        return {"resources": {"core": core, "search": search, "graphql": rate("graphql"),
                              "code_search": {**search, "limit": 10, "remaining": 10, "resource": "code_search"}},
                "rate": core}

    def _paginate(self, path: str, query_pairs: list[tuple[str, str]], items: list, *, default_per_page: int = 30,
                  max_per_page: int = 100) -> tuple[list, dict[str, str]]:
        query = dict(query_pairs)
        try:
            per_page = int(query.get("per_page", default_per_page))
        except ValueError:
            per_page = default_per_page
        per_page = default_per_page if per_page <= 0 else min(per_page, max_per_page)
        try:
            page = max(1, int(query.get("page", 1)))
        except ValueError:
            page = 1
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page: page * per_page]

        def url(n: int) -> str:
            pairs = [(k, v) for k, v in query_pairs if k != "page"]
            if any(k == "page" for k, _ in query_pairs):
                pairs = [(k, str(n) if k == "page" else v) for k, v in query_pairs]
            else:
                pairs.append(("page", str(n)))
            return f"{self._links_origin}{path}?{urllib.parse.urlencode(pairs)}"

        links = []
        if page > 1:
            links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
        if page < last:
            links.append(f'<{url(page + 1)}>; rel="next"')
            links.append(f'<{url(last)}>; rel="last"')
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        return chunk, ({"Link": ", ".join(links)} if links else {})

    # ------------------------------------------------------------------ JSON shapes

    def _user_url(self, login: str) -> str:
        return f"{self._links_api}/users/{_q(login)}"

    def _account_json(self, login: str) -> dict:
        account = self._accounts[login.lower()]
        url = self._user_url(account.login)
        kind = {"User": "User", "Bot": "Bot", "Organization": "Organization"}[account.type]
        html = (f"{HTML_BASE}/apps/{account.login[:-5]}" if account.type == "Bot" and account.login.endswith("[bot]")
                else f"{HTML_BASE}/{account.login}")
        return {
            "login": account.login, "id": account.id,
            "node_id": _node_id({"Organization": "Organization", "Bot": "Bot"}.get(kind, "User"), account.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4", "gravatar_id": "",
            "url": url, "html_url": html, "followers_url": f"{url}/followers",
            "following_url": f"{url}/following{{/other_user}}", "gists_url": f"{url}/gists{{/gist_id}}",
            "starred_url": f"{url}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{url}/subscriptions",
            "organizations_url": f"{url}/orgs", "repos_url": f"{url}/repos", "events_url": f"{url}/events{{/privacy}}",
            "received_events_url": f"{url}/received_events", "type": kind, "user_view_type": "public",
            "site_admin": False,
        }

    def _full_user_json(self, login: str) -> dict:
        account = self._accounts[login.lower()]
        public_repos = sum(1 for r in self._repos.values() if r.owner.lower() == account.login.lower())
        data = self._account_json(login)
        data.update({"name": None, "company": None, "blog": "", "location": None, "email": None, "hireable": None,
                     "bio": None, "twitter_username": None, "public_repos": public_repos, "public_gists": 0,
                     "followers": 0, "following": 0, "created_at": _iso(account.created_at),
                     "updated_at": _iso(account.created_at)})
        return data

    def _org_json(self, login: str) -> dict:
        account = self._accounts[login.lower()]
        url = f"{self._links_api}/orgs/{_q(account.login)}"
        public_repos = sum(1 for r in self._repos.values() if r.owner.lower() == account.login.lower())
        return {
            "login": account.login, "id": account.id, "node_id": _node_id("Organization", account.id), "url": url,
            "repos_url": f"{url}/repos", "events_url": f"{url}/events", "hooks_url": f"{url}/hooks",
            "issues_url": f"{url}/issues", "members_url": f"{url}/members{{/member}}",
            "public_members_url": f"{url}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4", "description": None,
            "name": account.login, "company": None, "blog": "", "location": None, "email": None,
            "twitter_username": None, "is_verified": False, "has_organization_projects": True,
            "has_repository_projects": True, "public_repos": public_repos, "public_gists": 0, "followers": 0,
            "following": 0, "html_url": f"{HTML_BASE}/{account.login}", "created_at": _iso(account.created_at),
            "updated_at": _iso(account.created_at), "archived_at": None, "type": "Organization",
        }

    def _license_json(self, spdx: str | None) -> dict | None:
        if spdx is None:
            return None
        key, name = _LICENSES.get(spdx, (spdx.lower(), spdx))
        return {"key": key, "name": name, "spdx_id": spdx, "url": None if key == "other" else
                f"{self._links_api}/licenses/{key}", "node_id": _node_id("License", key)}

    def _repo_url(self, repo: _Repo) -> str:
        return f"{self._links_api}/repos/{repo.owner}/{repo.name}"

    def _repo_json(self, repo: _Repo, *, full: bool) -> dict:
        url = self._repo_url(repo)
        html = f"{HTML_BASE}/{repo.full_name}"
        head = repo.branches.get(repo.default_branch)
        size = 0
        if head:
            size = math.ceil(sum(len(self._blobs[s]) for s in repo.commits[head].flat.values()) / 1024)
        language = max(repo.languages.items(), key=lambda kv: kv[1])[0] if repo.languages else None
        data = {
            "id": repo.id, "node_id": _node_id("Repository", repo.id), "name": repo.name,
            "full_name": repo.full_name, "private": False, "owner": self._account_json(repo.owner),
            "html_url": html, "description": repo.description, "fork": repo.fork, "url": url,
            "forks_url": f"{url}/forks", "keys_url": f"{url}/keys{{/key_id}}",
            "collaborators_url": f"{url}/collaborators{{/collaborator}}", "teams_url": f"{url}/teams",
            "hooks_url": f"{url}/hooks", "issue_events_url": f"{url}/issues/events{{/number}}",
            "events_url": f"{url}/events", "assignees_url": f"{url}/assignees{{/user}}",
            "branches_url": f"{url}/branches{{/branch}}", "tags_url": f"{url}/tags",
            "blobs_url": f"{url}/git/blobs{{/sha}}", "git_tags_url": f"{url}/git/tags{{/sha}}",
            "git_refs_url": f"{url}/git/refs{{/sha}}", "trees_url": f"{url}/git/trees{{/sha}}",
            "statuses_url": f"{url}/statuses/{{sha}}", "languages_url": f"{url}/languages",
            "stargazers_url": f"{url}/stargazers", "contributors_url": f"{url}/contributors",
            "subscribers_url": f"{url}/subscribers", "subscription_url": f"{url}/subscription",
            "commits_url": f"{url}/commits{{/sha}}", "git_commits_url": f"{url}/git/commits{{/sha}}",
            "comments_url": f"{url}/comments{{/number}}", "issue_comment_url": f"{url}/issues/comments{{/number}}",
            "contents_url": f"{url}/contents/{{+path}}", "compare_url": f"{url}/compare/{{base}}...{{head}}",
            "merges_url": f"{url}/merges", "archive_url": f"{url}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{url}/downloads", "issues_url": f"{url}/issues{{/number}}",
            "pulls_url": f"{url}/pulls{{/number}}", "milestones_url": f"{url}/milestones{{/number}}",
            "notifications_url": f"{url}/notifications{{?since,all,participating}}",
            "labels_url": f"{url}/labels{{/name}}", "releases_url": f"{url}/releases{{/id}}",
            "deployments_url": f"{url}/deployments", "created_at": _iso(repo.created_at),
            "updated_at": _iso(repo.updated_at), "pushed_at": _iso(repo.pushed_at),
            "git_url": f"git://github.com/{repo.full_name}.git", "ssh_url": f"git@github.com:{repo.full_name}.git",
            "clone_url": f"{html}.git", "svn_url": html, "homepage": repo.homepage, "size": size,
            "stargazers_count": repo.stars, "watchers_count": repo.stars, "language": language,
            "has_issues": True, "has_projects": True, "has_downloads": True, "has_wiki": True,
            "has_pages": False, "has_discussions": False, "forks_count": repo.forks, "mirror_url": None,
            "archived": repo.archived, "disabled": False, "open_issues_count": repo.open_issues,
            "license": self._license_json(repo.license_spdx), "allow_forking": True, "is_template": False,
            "web_commit_signoff_required": False, "topics": list(repo.topics), "visibility": "public",
            "forks": repo.forks, "open_issues": repo.open_issues, "watchers": repo.stars,
            "default_branch": repo.default_branch,
            "permissions": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
        }
        if full:
            owner = self._accounts[repo.owner.lower()]
            if owner.type == "Organization":
                data["organization"] = self._account_json(repo.owner)
            data.update({"temp_clone_token": None, "custom_properties": {}, "network_count": repo.forks,
                         "subscribers_count": 0})
        return data

    def _commit_json(self, repo: _Repo, commit: _Commit) -> dict:
        url = self._repo_url(repo)
        html = f"{HTML_BASE}/{repo.full_name}"

        def person(p: tuple[str, str, dt.datetime]) -> dict:
            return {"name": p[0], "email": p[1], "date": _iso(p[2])}

        return {
            "sha": commit.sha, "node_id": _node_id("Commit", f"{repo.id}:{commit.sha}"),
            "commit": {
                "author": person(commit.author), "committer": person(commit.committer),
                "message": commit.message, "tree": {"sha": commit.tree, "url": f"{url}/git/trees/{commit.tree}"},
                "url": f"{url}/git/commits/{commit.sha}", "comment_count": 0,
                "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                                 "verified_at": None},
            },
            "url": f"{url}/commits/{commit.sha}", "html_url": f"{html}/commit/{commit.sha}",
            "comments_url": f"{url}/commits/{commit.sha}/comments",
            "author": self._account_json(commit.author_login) if commit.author_login else None,
            "committer": self._account_json(commit.committer_login) if commit.committer_login else None,
            "parents": [{"sha": p, "url": f"{url}/commits/{p}", "html_url": f"{html}/commit/{p}"}
                        for p in commit.parents],
        }

    def _files_json(self, repo: _Repo, ref: str, old: dict[str, str], new: dict[str, str]) -> list[dict]:
        url = self._repo_url(repo)
        html = f"{HTML_BASE}/{repo.full_name}"
        files = []
        for path in sorted(set(old) | set(new)):
            a, b = old.get(path), new.get(path)
            if a == b:
                continue
            status = "added" if a is None else "removed" if b is None else "modified"
            adds, dels, patch = _line_diff(self._blobs[a] if a else None, self._blobs[b] if b else None)
            entry = {"sha": b or a, "filename": path, "status": status, "additions": adds, "deletions": dels,
                     "changes": adds + dels, "blob_url": f"{html}/blob/{ref}/{_qpath(path)}",
                     "raw_url": f"{html}/raw/{ref}/{_qpath(path)}",
                     "contents_url": f"{url}/contents/{_qpath(path)}?ref={ref}"}
            if patch is not None:
                entry["patch"] = patch
            files.append(entry)
        return files

    def _release_json(self, repo: _Repo, release: _Release) -> dict:
        url = self._repo_url(repo)
        html = f"{HTML_BASE}/{repo.full_name}"
        return {
            "url": f"{url}/releases/{release.id}", "assets_url": f"{url}/releases/{release.id}/assets",
            "upload_url": f"https://uploads.github.com/repos/{repo.full_name}/releases/{release.id}/assets{{?name,label}}",
            "html_url": f"{html}/releases/tag/{_qpath(release.tag)}", "id": release.id,
            "author": self._account_json(release.author_login), "node_id": _node_id("Release", release.id),
            "tag_name": release.tag, "target_commitish": release.target_commitish, "name": release.name,
            "draft": release.draft, "immutable": False, "prerelease": release.prerelease,
            "created_at": _iso(release.created_at), "updated_at": _iso(release.published_at or release.created_at),
            "published_at": _iso(release.published_at), "assets": [],
            "tarball_url": f"{url}/tarball/{_qpath(release.tag)}", "zipball_url": f"{url}/zipball/{_qpath(release.tag)}",
            "body": release.body,
        }

    # ------------------------------------------------------------------ REST routing

    def _route_get(self, path: str, query_pairs: list[tuple[str, str]]) -> tuple[int, Any, dict]:
        query = dict(query_pairs)
        full_path = API_PREFIX + path
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
        if parts == ["user"]:
            return 200, self._full_user_json(TOKEN_USER), {}
        if len(parts) == 2 and parts[0] == "users":
            if parts[1].lower() not in self._accounts:
                raise _NotFound()
            account = self._accounts[parts[1].lower()]
            return 200, (self._org_json(account.login) | {"type": "Organization"} if account.type == "Organization"
                         else self._full_user_json(account.login)), {}
        if len(parts) == 2 and parts[0] == "orgs":
            account = self._accounts.get(parts[1].lower())
            if account is None or account.type != "Organization":
                raise _NotFound()
            return 200, self._org_json(account.login), {}
        if len(parts) == 3 and parts[0] in ("orgs", "users") and parts[2] == "repos":
            account = self._accounts.get(parts[1].lower())
            if account is None or (parts[0] == "orgs" and account.type != "Organization"):
                raise _NotFound()
            kind = query.get("type", "all" if parts[0] == "orgs" else "owner")
            repos = [r for r in sorted(self._repos.values(), key=lambda r: r.id)
                     if r.owner.lower() == account.login.lower()]
            if kind == "forks":
                repos = [r for r in repos if r.fork]
            elif kind == "sources":
                repos = [r for r in repos if not r.fork]
            elif kind in ("private", "internal"):
                repos = []
            page, links = self._paginate(full_path, query_pairs, repos)
            return 200, [self._repo_json(r, full=False) for r in page], links
        if len(parts) >= 2 and parts[0] == "repositories" and parts[1].isdigit():
            repo = next((r for r in self._repos.values() if r.id == int(parts[1])), None)
            if repo is None:
                raise _NotFound()
            return self._route_repo(repo, parts[2:], full_path, query_pairs)
        if len(parts) >= 3 and parts[0] == "repos":
            repo = self._repos.get(f"{parts[1]}/{parts[2]}".lower())
            if repo is None:
                moved = self._moved.get(f"{parts[1]}/{parts[2]}".lower())
                if moved is not None:  # a renamed or transferred repository: GitHub redirects its old name
                    target = f"{self._links_api}/repositories/{moved}" + "".join(
                        "/" + _q(p) for p in parts[3:])
                    if query_pairs:
                        target += "?" + urllib.parse.urlencode(query_pairs)
                    raise _HttpError(301, "Moved Permanently", "https://docs.github.com/v3/#http-redirects",
                                     body={"message": "Moved Permanently", "url": target,
                                           "documentation_url": "https://docs.github.com/v3/#http-redirects"},
                                     headers={"Location": target})
                raise _NotFound()
            return self._route_repo(repo, parts[3:], full_path, query_pairs)
        raise _NotFound()

    def _route_repo(self, repo: _Repo, rest: list[str], full_path: str,
                    query_pairs: list[tuple[str, str]]) -> tuple[int, Any, dict]:
        query = dict(query_pairs)
        head = rest[0] if rest else ""
        tail = "/".join(rest[1:])
        if not rest:
            return 200, self._repo_json(repo, full=True), {}
        if rest == ["languages"]:
            return 200, dict(sorted(repo.languages.items(), key=lambda kv: -kv[1])), {}
        if rest == ["topics"]:
            return 200, {"names": list(repo.topics)}, {}
        if rest == ["commits"]:
            return self._list_commits(repo, full_path, query_pairs)
        if head == "commits" and tail:
            return self._get_commit(repo, tail, full_path, query_pairs)
        if head == "compare" and tail:
            return self._compare(repo, tail, full_path, query_pairs)
        if rest == ["branches"]:
            items = [{"name": name, "commit": {"sha": sha, "url": f"{self._repo_url(repo)}/commits/{sha}"},
                      "protected": False} for name, sha in sorted(repo.branches.items())]
            page, links = self._paginate(full_path, query_pairs, items)
            return 200, page, links
        if head == "branches" and tail:
            if tail not in repo.branches:
                raise _HttpError(404, "Branch not found",
                                 "https://docs.github.com/rest/branches/branches#get-a-branch")
            url = self._repo_url(repo)
            return 200, {
                "name": tail, "commit": self._commit_json(repo, repo.commits[repo.branches[tail]]),
                "_links": {"self": f"{url}/branches/{_qpath(tail)}",
                           "html": f"{HTML_BASE}/{repo.full_name}/tree/{_qpath(tail)}"},
                "protected": False,
                "protection": {"enabled": False, "required_status_checks": {
                    "enforcement_level": "off", "contexts": [], "checks": []}},
                "protection_url": f"{url}/branches/{_qpath(tail)}/protection",
            }, {}
        if rest == ["releases"]:
            releases = sorted(repo.releases, key=lambda r: (r.published_at or r.created_at, r.id), reverse=True)
            page, links = self._paginate(full_path, query_pairs, releases)
            return 200, [self._release_json(repo, r) for r in page], links
        if rest == ["releases", "latest"]:
            published = [r for r in repo.releases if not r.draft and not r.prerelease]
            if not published:
                raise _NotFound()
            return 200, self._release_json(repo, max(published, key=lambda r: (r.created_at, r.id))), {}
        if head == "releases" and len(rest) >= 3 and rest[1] == "tags":
            tag = "/".join(rest[2:])
            release = next((r for r in repo.releases if r.tag == tag), None)
            if release is None:
                raise _NotFound()
            return 200, self._release_json(repo, release), {}
        if head == "releases" and len(rest) == 2 and rest[1].isdigit():
            release = next((r for r in repo.releases if r.id == int(rest[1])), None)
            if release is None:
                raise _NotFound()
            return 200, self._release_json(repo, release), {}
        if rest == ["tags"]:
            url = self._repo_url(repo)
            tags = sorted(repo.tags.items(), key=lambda kv: _natural_key(kv[0]), reverse=True)
            page, links = self._paginate(full_path, query_pairs, tags)
            return 200, [{"name": name, "zipball_url": f"{url}/zipball/refs/tags/{_qpath(name)}",
                          "tarball_url": f"{url}/tarball/refs/tags/{_qpath(name)}",
                          "commit": {"sha": sha, "url": f"{url}/commits/{sha}"},
                          "node_id": _node_id("Ref", f"{repo.id}:refs/tags/{name}")} for name, sha in page], links
        if head == "git" and len(rest) >= 3 and rest[1] == "trees":
            return self._git_tree(repo, "/".join(rest[2:]), query)
        if head == "git" and len(rest) == 3 and rest[1] == "blobs":
            sha = rest[2]
            if sha not in self._blobs or sha not in repo.objects:
                raise _NotFound()
            data = self._blobs[sha]
            return 200, {"sha": sha, "node_id": _node_id("Blob", f"{repo.id}:{sha}"), "size": len(data),
                         "url": f"{self._repo_url(repo)}/git/blobs/{sha}", "content": _b64_lines(data),
                         "encoding": "base64"}, {}
        if head == "git" and len(rest) == 3 and rest[1] == "commits":
            commit = repo.commits.get(rest[2])
            if commit is None:
                raise _NotFound()
            data = self._commit_json(repo, commit)
            inner = data["commit"]
            return 200, {"sha": commit.sha, "node_id": data["node_id"], "url": inner["url"],
                         "html_url": data["html_url"], "author": inner["author"], "committer": inner["committer"],
                         "tree": inner["tree"], "message": commit.message,
                         "parents": data["parents"], "verification": inner["verification"]}, {}
        if head == "contents":
            return self._contents(repo, tail, query)
        if rest == ["readme"]:
            if repo.empty:
                raise _HttpError(404, "This repository is empty.",
                                 "https://docs.github.com/rest/repos/contents#get-a-repository-readme")
            flat = repo.commits[repo.branches[repo.default_branch]].flat
            readme = next((p for p in sorted(flat) if "/" not in p and p.lower().startswith("readme")), None)
            if readme is None:
                raise _NotFound()
            return self._contents(repo, readme, query)
        if rest == ["contributors"]:
            return self._contributors(repo, full_path, query_pairs)
        if rest == ["stats", "contributors"]:
            if not repo.stats_requested:
                repo.stats_requested = True
                return 202, {}, {}
            return 200, self._stats_contributors(repo), {}
        raise _NotFound()

    def _list_commits(self, repo: _Repo, full_path: str, query_pairs: list[tuple[str, str]]) -> tuple[int, Any, dict]:
        query = dict(query_pairs)
        if repo.empty:
            raise _empty_repo_error()
        start = self._resolve(repo, query.get("sha") or repo.default_branch)
        if start is None:
            raise _NotFound()
        commits = self._log(repo, [start])

        def parse(name: str) -> dt.datetime | None:
            value = query.get(name)
            if not value:
                return None
            try:
                return _utc(value)
            except (ValueError, TypeError):
                raise _HttpError(422, f"Invalid value for parameter '{name}'", DOCS_URL)

        since, until = parse("since"), parse("until")
        if since:
            commits = [c for c in commits if c.committer[2] >= since]
        if until:
            commits = [c for c in commits if c.committer[2] <= until]
        for attr in ("author", "committer"):
            who = query.get(attr)
            if who:
                who = who.lower()
                commits = [c for c in commits
                           if (getattr(c, f"{attr}_login") or "").lower() == who
                           or getattr(c, attr)[1].lower() == who]
        path = query.get("path", "").strip("/")
        if path:
            def touched(c: _Commit) -> bool:
                mine = self._lookup_path(c.tree, path)
                if not c.parents:
                    return mine is not None
                return all(self._lookup_path(repo.commits[p].tree, path) != mine for p in c.parents)
            commits = [c for c in commits if touched(c)]
        page, links = self._paginate(full_path, query_pairs, commits)
        return 200, [self._commit_json(repo, c) for c in page], links

    def _get_commit(self, repo: _Repo, ref: str, full_path: str,
                    query_pairs: list[tuple[str, str]]) -> tuple[int, Any, dict]:
        if repo.empty:
            raise _empty_repo_error("https://docs.github.com/rest/commits/commits#get-a-commit")
        sha = self._resolve(repo, ref)
        if sha is None:
            raise _HttpError(422, f"No commit found for SHA: {ref}",
                             "https://docs.github.com/rest/commits/commits#get-a-commit")
        commit = repo.commits[sha]
        parent_flat = repo.commits[commit.parents[0]].flat if commit.parents else {}
        files = self._files_json(repo, sha, parent_flat, commit.flat)
        adds = sum(f["additions"] for f in files)
        dels = sum(f["deletions"] for f in files)
        page, links = self._paginate(full_path, query_pairs, files, default_per_page=300, max_per_page=300)
        data = self._commit_json(repo, commit)
        data["stats"] = {"total": adds + dels, "additions": adds, "deletions": dels}
        data["files"] = page
        return 200, data, links

    def _compare(self, repo: _Repo, basehead: str, full_path: str,
                 query_pairs: list[tuple[str, str]]) -> tuple[int, Any, dict]:
        sep = "..." if "..." in basehead else ".."
        if sep not in basehead:
            raise _NotFound()
        base_ref, head_ref = basehead.split(sep, 1)

        def strip_owner(ref: str) -> str:
            owner, colon, rest = ref.partition(":")
            return rest if colon and owner.lower() == repo.owner.lower() else ref

        base_ref, head_ref = strip_owner(base_ref), strip_owner(head_ref)
        base, head = self._resolve(repo, base_ref), self._resolve(repo, head_ref)
        if base is None or head is None:
            raise _NotFound()
        merge_base = self._merge_base(repo, base, head)
        if merge_base is None:
            raise _HttpError(404, f"No common ancestor between {base_ref} and {head_ref}.",
                             "https://docs.github.com/rest/commits/commits#compare-two-commits")
        head_anc, base_anc = self._ancestors(repo, head), self._ancestors(repo, base)
        ahead = head_anc - base_anc
        behind = base_anc - head_anc
        if base == head:
            status = "identical"
        elif not ahead:
            status = "behind"
        elif not behind:
            status = "ahead"
        else:
            status = "diverged"
        commits = [c for c in reversed(self._log(repo, [head])) if c.sha in ahead]
        page, links = self._paginate(full_path, query_pairs, commits, default_per_page=250, max_per_page=1000)
        url = f"{self._repo_url(repo)}/compare/{_qpath(base_ref)}...{_qpath(head_ref)}"
        html = f"{HTML_BASE}/{repo.full_name}/compare/{_qpath(base_ref)}...{_qpath(head_ref)}"
        files = self._files_json(repo, head, repo.commits[merge_base].flat, repo.commits[head].flat)[:300]
        return 200, {
            "url": url, "html_url": html, "permalink_url": f"{HTML_BASE}/{repo.full_name}/compare/{repo.owner}:"
                                                           f"{base[:7]}...{repo.owner}:{head[:7]}",
            "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
            "base_commit": self._commit_json(repo, repo.commits[base]),
            "merge_base_commit": self._commit_json(repo, repo.commits[merge_base]),
            "status": status, "ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead),
            "commits": [self._commit_json(repo, c) for c in page], "files": files,
        }, links

    def _git_tree(self, repo: _Repo, ref: str, query: dict[str, str]) -> tuple[int, Any, dict]:
        if repo.empty:
            raise _empty_repo_error("https://docs.github.com/rest/git/trees#get-a-tree")
        if ref in self._trees and ref in repo.objects:
            tree_sha = ref
        else:
            sha = self._resolve(repo, ref)
            if sha is None:
                raise _NotFound()
            tree_sha = repo.commits[sha].tree
        url = self._repo_url(repo)
        recursive = query.get("recursive", "") not in ("", "0", "false")
        entries: list[dict] = []

        def walk(sha: str, prefix: str) -> None:
            for name, kind, child in self._trees[sha]:
                path = prefix + name
                if kind == "tree":
                    entries.append({"path": path, "mode": "040000", "type": "tree", "sha": child,
                                    "url": f"{url}/git/trees/{child}"})
                    if recursive:
                        walk(child, path + "/")
                else:
                    entries.append({"path": path, "mode": "100644", "type": "blob", "sha": child,
                                    "size": len(self._blobs[child]), "url": f"{url}/git/blobs/{child}"})

        walk(tree_sha, "")
        return 200, {"sha": tree_sha, "url": f"{url}/git/trees/{tree_sha}", "tree": entries, "truncated": False}, {}

    def _content_entry(self, repo: _Repo, ref: str, path: str, kind: str, sha: str) -> dict:
        url = self._repo_url(repo)
        html_kind = "tree" if kind == "tree" else "blob"
        self_url = f"{url}/contents/{_qpath(path)}?ref={_q(ref)}"
        git_url = f"{url}/git/{'trees' if kind == 'tree' else 'blobs'}/{sha}"
        html_url = f"{HTML_BASE}/{repo.full_name}/{html_kind}/{_qpath(ref)}/{_qpath(path)}"
        return {
            "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
            "size": 0 if kind == "tree" else len(self._blobs[sha]), "url": self_url, "html_url": html_url,
            "git_url": git_url,
            "download_url": None if kind == "tree" else f"{self._links_origin}/raw/{repo.full_name}/{_qpath(ref)}/{_qpath(path)}",
            "type": "dir" if kind == "tree" else "file",
            "_links": {"self": self_url, "git": git_url, "html": html_url},
        }

    def _contents(self, repo: _Repo, path: str, query: dict[str, str]) -> tuple[int, Any, dict]:
        if repo.empty:
            raise _HttpError(404, "This repository is empty.",
                             "https://docs.github.com/rest/repos/contents#get-repository-content")
        ref = query.get("ref") or repo.default_branch
        sha = self._resolve(repo, ref)
        if sha is None:
            raise _HttpError(404, f"No commit found for the ref {ref}",
                             "https://docs.github.com/rest/repos/contents#get-repository-content")
        path = path.strip("/")
        found = self._lookup_path(repo.commits[sha].tree, path)
        if found is None:
            raise _NotFound()
        kind, obj = found
        if kind == "tree":
            return 200, [self._content_entry(repo, ref, f"{path}/{name}" if path else name, child_kind, child)
                         for name, child_kind, child in self._trees[obj]], {}
        data = self._blobs[obj]
        entry = self._content_entry(repo, ref, path, kind, obj)
        if len(data) > CONTENTS_MAX_BYTES:
            entry.update(content="", encoding="none")
        else:
            entry.update(content=_b64_lines(data), encoding="base64")
        return 200, entry, {}

    def _raw(self, path: str) -> tuple[int, Any, dict]:
        """raw.githubusercontent.com stand-in for download_url: /raw/{owner}/{repo}/{ref}/{path}."""
        parts = [urllib.parse.unquote(p) for p in path.split("/")[2:]]
        if len(parts) < 4:
            raise _NotFound()
        repo = self._repos.get(f"{parts[0]}/{parts[1]}".lower())
        if repo is None or repo.empty:
            raise _HttpError(404, None, body=b"404: Not Found")
        rest = parts[2:]
        for cut in range(len(rest) - 1, 0, -1):
            sha = self._resolve(repo, "/".join(rest[:cut]))
            if sha is not None:
                found = self._lookup_path(repo.commits[sha].tree, "/".join(rest[cut:]))
                if found and found[0] == "blob":
                    return 200, self._blobs[found[1]], {}
        raise _HttpError(404, None)

    def _contributors(self, repo: _Repo, full_path: str, query_pairs: list[tuple[str, str]]) -> tuple[int, Any, dict]:
        if repo.empty:
            return 204, None, {}
        query = dict(query_pairs)
        anon = query.get("anon", "").lower() in ("1", "true")
        counts: dict[tuple[str, str], int] = {}
        names: dict[str, str] = {}
        for commit in self._log(repo, [repo.branches[repo.default_branch]]):
            if commit.author_login:
                key = ("user", commit.author_login.lower())
            else:
                key = ("anon", commit.author[1].lower())
                names.setdefault(key[1], commit.author[0])
            counts[key] = counts.get(key, 0) + 1
        items = []
        for (kind, ident), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if kind == "user":
                items.append(self._account_json(ident) | {"contributions": n})
            elif anon:
                items.append({"email": ident, "name": names[ident], "type": "Anonymous", "contributions": n})
        page, links = self._paginate(full_path, query_pairs, items)
        return 200, page, links

    def _stats_contributors(self, repo: _Repo) -> list[dict]:
        if repo.empty:
            return []
        commits = self._log(repo, [repo.branches[repo.default_branch]])

        def week(d: dt.datetime) -> int:
            day = d.date() - dt.timedelta(days=(d.weekday() + 1) % 7)
            return int(dt.datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())

        all_weeks = [week(c.author[2]) for c in commits]
        first, last = min(all_weeks), max(all_weeks)
        span = list(range(first, last + 1, 7 * 86400))
        per_user: dict[str, dict[int, list[int]]] = {}
        for commit in commits:
            if not commit.author_login:
                continue
            parent_flat = repo.commits[commit.parents[0]].flat if commit.parents else {}
            files = self._files_json(repo, commit.sha, parent_flat, commit.flat)
            weeks = per_user.setdefault(commit.author_login, {})
            bucket = weeks.setdefault(week(commit.author[2]), [0, 0, 0])
            bucket[0] += sum(f["additions"] for f in files)
            bucket[1] += sum(f["deletions"] for f in files)
            bucket[2] += 1
        out = []
        for login, weeks in per_user.items():
            total = sum(v[2] for v in weeks.values())
            out.append({"total": total, "weeks": [{"w": w, "a": weeks.get(w, [0, 0, 0])[0],
                                                   "d": weeks.get(w, [0, 0, 0])[1],
                                                   "c": weeks.get(w, [0, 0, 0])[2]} for w in span],
                        "author": self._account_json(login)})
        out.sort(key=lambda item: (item["total"], item["author"]["login"].lower()))
        return out

    # ------------------------------------------------------------------ GraphQL

    def _graphql_refused(self) -> tuple[int, Any, dict]:
        """/api/graphql when graphql_mode is not "on" (see __init__)."""
        if self.graphql_mode == "404":
            raise _NotFound()
        if self.graphql_mode == "403":
            raise _HttpError(403, "Resource not accessible by personal access token",
                             "https://docs.github.com/graphql/guides/forming-calls-with-graphql")
        if self.graphql_mode == "errors":
            return 200, {"data": None, "errors": [{
                "message": "Something went wrong while executing your query. This may be the result of a "
                           f"timeout, or it could be a GitHub bug. Please include `FAKE:{self._request_serial:08X}` "
                           "when reporting this issue."}]}, {}
        raise ValueError(f"unknown graphql_mode {self.graphql_mode!r}")

    def _graphql(self, body: bytes) -> tuple[int, Any, dict]:
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            raise _HttpError(400, "Problems parsing JSON", "https://docs.github.com/graphql")
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            return 200, {"errors": [{"message": "A query attribute must be specified and must be a string."}]}, {}
        variables = request.get("variables") or {}
        try:
            selections = _GqlParser(request["query"]).document()
            errors: list[dict] = []
            data = self._gql_object("Query", None, selections, [], variables, errors)
        except _GqlError as err:
            return 200, {"errors": [err.error]}, {}
        out: dict[str, Any] = {"data": data}
        if errors:
            out["errors"] = errors
        return 200, out, {}

    def _gql_object(self, type_name: str, obj: Any, selections: list, path: list, variables: dict,
                    errors: list) -> dict:
        result: dict[str, Any] = {}
        for sel in selections:
            if isinstance(sel, _GqlFragment):
                if sel.type_name in (type_name, "GitObject", "Node"):
                    result.update(self._gql_object(type_name, obj, sel.selections, path, variables, errors))
                elif sel.type_name not in ("Blob", "Tree", "Commit", "Tag", "Repository", "Ref", "Query", "User"):
                    raise _GqlError(f"No such type {sel.type_name}, so it can't be a fragment condition")
                continue
            args = {k: (variables.get(v.name) if isinstance(v, _GqlVar) else v) for k, v in sel.args.items()}
            value_type, value = self._gql_field(type_name, obj, sel, args, path + [sel.alias], errors)
            if sel.selections is not None and value is not None:
                if value_type is None:
                    raise _GqlError(f"Selections can't be made on scalars (field '{sel.name}' returns a scalar)",
                                    [sel.loc])
                if isinstance(value, list):
                    value = [self._gql_object(value_type, item, sel.selections, path + [sel.alias, i], variables, errors)
                             for i, item in enumerate(value)]
                else:
                    value = self._gql_object(value_type, value, sel.selections, path + [sel.alias], variables, errors)
            elif sel.selections is None and value_type is not None:
                raise _GqlError(f"Field must have selections (field '{sel.name}' returns {value_type} but has no "
                                f"selections. Did you mean '{sel.name} {{ ... }}'?)", [sel.loc])
            result[sel.alias] = value
        return result

    def _gql_undefined(self, type_name: str, sel: _GqlField, path: list) -> _GqlError:
        return _GqlError(f"Field '{sel.name}' doesn't exist on type '{type_name}'", [sel.loc],
                         path=["query", *path],
                         extensions={"code": "undefinedField", "typeName": type_name, "fieldName": sel.name})

    def _gql_field(self, type_name: str, obj: Any, sel: _GqlField, args: dict, path: list,
                   errors: list) -> tuple[str | None, Any]:
        name = sel.name
        if name == "__typename":
            return None, type_name
        if type_name == "Query":
            if name == "repository":
                owner, repo_name = args.get("owner"), args.get("name")
                repo = self._repos.get(f"{owner}/{repo_name}".lower())
                if repo is None:
                    errors.append({"type": "NOT_FOUND", "path": path, "locations": [sel.loc],
                                   "message": f"Could not resolve to a Repository with the name "
                                              f"'{owner}/{repo_name}'."})
                    return "Repository", None
                return "Repository", repo
            if name == "viewer":
                return "User", self._accounts[TOKEN_USER]
            if name == "rateLimit":
                bucket = self._bucket("auth", "graphql")
                return "RateLimit", {
                    "limit": bucket["limit"], "cost": 1, "remaining": bucket["remaining"] - 1,
                    "used": bucket["limit"] - bucket["remaining"] + 1, "nodeCount": 0,
                    "resetAt": _iso(dt.datetime.fromtimestamp(bucket["reset"], UTC))}
        elif type_name == "RateLimit":
            if name in obj:
                return None, obj[name]
        elif type_name == "User":
            if name == "login":
                return None, obj.login
            if name == "databaseId":
                return None, obj.id
        elif type_name == "Repository":
            repo: _Repo = obj
            simple = {"name": repo.name, "nameWithOwner": repo.full_name, "id": _node_id("Repository", repo.id),
                      "databaseId": repo.id, "url": f"{HTML_BASE}/{repo.full_name}", "isArchived": repo.archived,
                      "isFork": repo.fork, "isPrivate": False, "isEmpty": repo.empty,
                      "description": repo.description, "pushedAt": _iso(repo.pushed_at),
                      "createdAt": _iso(repo.created_at), "updatedAt": _iso(repo.updated_at),
                      "stargazerCount": repo.stars, "forkCount": repo.forks}
            if name in simple:
                return None, simple[name]
            if name == "languages":  # LanguageConnection, largest first like GitHub's orderBy SIZE DESC
                ordered = sorted(repo.languages.items(), key=lambda kv: (-kv[1], kv[0]))
                first = args.get("first") or len(ordered)
                return "LanguageConnection", {
                    "totalSize": sum(n for _, n in ordered), "totalCount": len(ordered),
                    "edges": [{"size": n, "node": {"name": lang, "color": None}} for lang, n in ordered[:first]]}
            if name == "defaultBranchRef":
                if repo.empty:
                    return "Ref", None
                return "Ref", (repo, repo.default_branch)
            if name == "object":
                expression = args.get("expression")
                oid = args.get("oid")
                return self._gql_git_object(repo, expression, oid)
        elif type_name in ("LanguageConnection", "LanguageEdge", "Language"):
            nested = {"edges": "LanguageEdge", "node": "Language"}
            if name in obj:
                return nested.get(name), obj[name]
        elif type_name == "Ref":
            repo, branch = obj
            if name == "name":
                return None, branch
            if name == "prefix":
                return None, "refs/heads/"
            if name == "target":
                return "Commit", (repo, repo.commits[repo.branches[branch]])
        elif type_name in ("Blob", "Tree", "Commit"):
            repo, item = obj[0], obj[1]
            sha = item.sha if type_name == "Commit" else item
            if name == "oid":
                return None, sha
            if name == "abbreviatedOid":
                return None, sha[:7]
            if name == "id":
                return None, _node_id(type_name, f"{repo.id}:{sha}")
            if type_name == "Blob":
                data = self._blobs[sha]
                binary = not _is_text(data)
                truncated = len(data) > GRAPHQL_TEXT_LIMIT
                if name == "byteSize":
                    return None, len(data)
                if name == "isBinary":
                    return None, binary
                if name == "isTruncated":
                    return None, truncated
                if name == "text":
                    if binary:
                        return None, None
                    return None, data[:GRAPHQL_TEXT_LIMIT].decode("utf-8", errors="ignore")
            if type_name == "Commit":
                commit: _Commit = item
                fields = {"message": commit.message, "committedDate": _iso(commit.committer[2]),
                          "authoredDate": _iso(commit.author[2]),
                          "url": f"{HTML_BASE}/{repo.full_name}/commit/{commit.sha}"}
                if name in fields:
                    return None, fields[name]
            if type_name == "Tree" and name == "entries":
                return "TreeEntry", [{"name": n, "path": n, "type": k, "oid": s, "mode": 16384 if k == "tree" else 33188}
                                     for n, k, s in self._trees[sha]]
        elif type_name == "TreeEntry":
            if name in obj:
                return None, obj[name]
        raise self._gql_undefined(type_name, sel, path)

    def _gql_git_object(self, repo: _Repo, expression: Any, oid: Any) -> tuple[str, Any]:
        if repo.empty:
            return "GitObject", None
        if oid:
            if oid in repo.commits:
                return "Commit", (repo, repo.commits[oid])
            if oid in repo.objects:
                return ("Tree" if oid in self._trees else "Blob"), (repo, oid)
            return "GitObject", None
        if not isinstance(expression, str):
            return "GitObject", None
        rev, colon, path = expression.partition(":")
        sha = self._resolve(repo, rev or "HEAD")
        if sha is None:
            return "GitObject", None
        if not colon:
            return "Commit", (repo, repo.commits[sha])
        found = self._lookup_path(repo.commits[sha].tree, path)
        if found is None:
            return "GitObject", None
        kind, obj = found
        return ("Tree" if kind == "tree" else "Blob"), (repo, obj)
