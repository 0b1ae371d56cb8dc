"""The fake GitHub (tests/github_server.py) driven by the real PyGithub over real HTTP."""
from __future__ import annotations

import datetime as dt
import json

import github
import pytest
import requests
from github import Auth, GithubException, GithubRetry
from github.GithubException import (
    BadCredentialsException,
    RateLimitExceededExceedsMaxWait,
    RateLimitExceededException,
    UnknownObjectException,
)

from tests.github_server import FakeGitHub

UTC = dt.timezone.utc
T0 = dt.datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def gh():
    with FakeGitHub() as server:
        yield server
    assert not server.server_errors, server.server_errors[0]


@pytest.fixture
def connect(gh):
    """connect(**Github kwargs) -> a real PyGithub client for the fake server."""
    clients: list[github.Github] = []

    def make(token: str | None = "test-token", **kwargs) -> github.Github:
        kwargs.setdefault("retry", GithubRetry(total=3, backoff_factor=0))
        if token is not None:
            kwargs["auth"] = Auth.Token(token)
        # PyGithub spaces POSTs (GraphQL) 1 s apart unless seconds_between_writes is set
        client = github.Github(base_url=gh.base_url, seconds_between_requests=0, seconds_between_writes=0, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def raw_get(gh: FakeGitHub, path: str, **headers) -> requests.Response:
    return requests.get(gh.base_url + path, headers={"Authorization": "token test-token", **headers}, timeout=10)


def small_repo(gh: FakeGitHub, full_name: str = "nhsengland/tool") -> dict[str, str]:
    """main: a -> b; feature (from a): f1 -> f2; main: c; merge feature -> m."""
    gh.add_repo(full_name, languages={"Python": 5000, "Shell": 200}, topics=["nlp", "nhs"], license_spdx="Apache-2.0")
    shas = {}
    shas["a"] = gh.commit(full_name, message="Initial commit", date=T0, author_login="alice",
                          files={"README.md": "# Tool\n", "src/tool/__init__.py": ""})
    shas["b"] = gh.commit(full_name, message="Add app", date=T0 + DAY, author_email="carol@nhs.net",
                          author_name="Carol", files={"src/tool/app.py": "x = 1\n"})
    gh.create_branch(full_name, "feature/parse", from_ref=shas["a"])
    shas["f1"] = gh.commit(full_name, message="Parser", date=T0 + 12 * HOUR, author_login="bob",
                           files={"src/tool/parse.py": "def parse():\n    pass\n"}, branch="feature/parse")
    shas["f2"] = gh.commit(full_name, message="Parser tests", date=T0 + 36 * HOUR, author_login="bob",
                           files={"tests/test_parse.py": "def test():\n    pass\n"}, branch="feature/parse")
    shas["c"] = gh.commit(full_name, message="Tweak app", date=T0 + 2 * DAY, author_login="alice",
                          files={"src/tool/app.py": "x = 2\n"})
    shas["m"] = gh.merge(full_name, "feature/parse", date=T0 + 3 * DAY, author_login="alice")
    return shas


def test_org_with_250_repos_paginates_in_three_requests_with_complete_repos(gh, connect):
    gh.add_org("nhsengland")
    for i in range(250):
        gh.add_repo(f"nhsengland/repo-{i:03d}", topics=["nhs", f"group-{i % 3}"],
                    license_spdx=None if i % 10 == 0 else "MIT", languages={"Python": 1000 + i, "R": 1500},
                    archived=i % 7 == 0, default_branch="master" if i % 2 else "main", stars=i,
                    fork=i == 5, created_at=T0 - 400 * DAY)
    gh.commit("nhsengland/repo-001", message="x", date=T0 + DAY, author_login="alice", files={"a.txt": "a"})
    g = connect(per_page=100)
    org = g.get_organization("nhsengland")
    gh.reset_log()

    repos = list(org.get_repos())

    assert [r.full_name for r in repos] == [f"nhsengland/repo-{i:03d}" for i in range(250)]
    assert [(r["path"], r["query"].get("page")) for r in gh.requests] == [
        ("/api/v3/orgs/nhsengland/repos", None), ("/api/v3/orgs/nhsengland/repos", "2"),
        ("/api/v3/orgs/nhsengland/repos", "3")]
    r0, r1, r7 = repos[0], repos[1], repos[7]
    assert r1.topics == ["nhs", "group-1"] and r1.license.spdx_id == "MIT" and r1.license.key == "mit"
    assert r0.license is None and r7.archived and not r1.archived
    assert r1.pushed_at == T0 + DAY and r0.pushed_at == T0 - 400 * DAY == r0.created_at
    assert r1.default_branch == "master" and r0.default_branch == "main"
    assert r1.language == "R" and repos[249].stargazers_count == 249 and repos[5].fork
    assert r1.owner.login == "nhsengland" and r1.owner.type == "Organization"
    assert r1.html_url == "https://github.com/nhsengland/repo-001" and r1.size == 1
    assert gh.request_count() == 3, "list items are complete: reading their fields costs no request"
    assert [r.name for r in org.get_repos(type="forks")] == ["repo-005"]


def test_link_header_etag_and_304_are_formatted_like_github(gh):
    gh.add_org("org")
    for i in range(5):
        gh.add_repo(f"org/r{i}")
    base = gh.base_url
    resp = raw_get(gh, "/orgs/org/repos?type=all&per_page=2&page=2")
    assert resp.status_code == 200 and len(resp.json()) == 2
    assert resp.headers["Link"] == (
        f'<{base}/orgs/org/repos?type=all&per_page=2&page=1>; rel="prev", '
        f'<{base}/orgs/org/repos?type=all&per_page=2&page=3>; rel="next", '
        f'<{base}/orgs/org/repos?type=all&per_page=2&page=3>; rel="last", '
        f'<{base}/orgs/org/repos?type=all&per_page=2&page=1>; rel="first"')
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert resp.headers["X-RateLimit-Resource"] == "core" and resp.headers["X-RateLimit-Remaining"] == "4999"
    assert resp.headers["X-RateLimit-Used"] == "1"
    etag = resp.headers["ETag"]
    again = raw_get(gh, "/orgs/org/repos?type=all&per_page=2&page=2", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["X-RateLimit-Remaining"] == "4999"
    assert [r["counted"] for r in gh.requests] == [True, False] and gh.request_count(counted_only=False) == 2


def test_commits_list_230_commits_three_pages_newest_first(gh, connect):
    gh.add_repo("org/big")
    shas = [gh.commit("org/big", message=f"change {i}", date=T0 + i * HOUR,
                      author_login="alice" if i % 3 else None,
                      author_email=None if i % 3 else "carol@nhs.net", author_name=None if i % 3 else "Carol",
                      files={"data.txt": f"{i}\n"}) for i in range(230)]
    g = connect(per_page=100)
    repo = g.get_repo("org/big")
    gh.reset_log()

    commits = list(repo.get_commits())

    assert [c.sha for c in commits] == shas[::-1]
    assert gh.request_count() == 3 and {r["path"] for r in gh.requests} == {"/api/v3/repos/org/big/commits"}
    newest, oldest = commits[0], commits[-1]
    assert newest.author.login == "alice" and newest.author.type == "User"
    assert newest.commit.author.email.endswith("+alice@users.noreply.github.com")
    assert newest.commit.author.date == T0 + 229 * HOUR == newest.commit.committer.date
    assert oldest.author is None and oldest.committer is None
    assert (oldest.commit.author.name, oldest.commit.author.email) == ("Carol", "carol@nhs.net")
    assert oldest.commit.message == "change 0" and oldest.parents == [] and newest.parents[0].sha == shas[228]
    assert gh.request_count() == 3
    recent = list(repo.get_commits(since=T0 + 200 * HOUR, until=T0 + 209 * HOUR))
    assert [c.sha for c in recent] == shas[209:199:-1]
    assert [c.sha for c in repo.get_commits(author="carol@nhs.net")][:2] == [shas[228], shas[225]]

    gh.reset_log()
    comparison = repo.compare(shas[0], "main", comparison_commits_per_page=100)
    assert comparison.total_commits == 229 and [c.sha for c in comparison.commits] == shas[1:]
    assert gh.request_count() == 3, "compare pages like GitHub: ?page=1..3 with a Link header"


def test_merged_branch_appears_in_default_branch_history(gh, connect):
    shas = small_repo(gh)
    repo = connect().get_repo("nhsengland/tool")

    history = [c.sha for c in repo.get_commits()]

    assert history == [shas[k] for k in ("m", "c", "f2", "b", "f1", "a")]
    merge = repo.get_commit(shas["m"])
    assert [p.sha for p in merge.parents] == [shas["c"], shas["f2"]]
    assert merge.commit.message == "Merge branch 'feature/parse'"
    assert merge.author.login == "alice" and merge.committer.login == "web-flow"
    assert merge.commit.committer.name == "GitHub"
    assert sorted(f.filename for f in merge.files) == ["src/tool/parse.py", "tests/test_parse.py"]
    assert merge.stats.additions == 4 and merge.stats.deletions == 0
    only_feature = [c.sha for c in repo.get_commits(sha="feature/parse")]
    assert only_feature == [shas["f2"], shas["f1"], shas["a"]]
    tree = {e.path for e in repo.get_git_tree("main", recursive=True).tree}
    assert {"src/tool/app.py", "src/tool/parse.py", "tests/test_parse.py", "README.md"} <= tree
    assert repo.get_contents("src/tool/app.py").decoded_content == b"x = 2\n"


def test_compare_after_new_commits_and_after_force_push(gh, connect):
    gh.add_repo("nhsengland/tool")
    a = gh.commit("nhsengland/tool", message="a", date=T0, author_login="alice", files={"README.md": "1"})
    b = gh.commit("nhsengland/tool", message="b", date=T0 + DAY, author_login="alice", files={"x.py": "1"})
    synced = b                                     # what a previous ETL run saw as the head
    gh.create_branch("nhsengland/tool", "feature", from_ref=a)
    f1 = gh.commit("nhsengland/tool", message="f1", date=T0 + 12 * HOUR, author_login="bob",
                   files={"f.py": "1"}, branch="feature")
    f2 = gh.commit("nhsengland/tool", message="f2", date=T0 + 36 * HOUR, author_login="bob",
                   files={"f.py": "2"}, branch="feature")
    c = gh.commit("nhsengland/tool", message="c", date=T0 + 2 * DAY, author_login="alice", files={"x.py": "2"})
    m = gh.merge("nhsengland/tool", "feature", date=T0 + 3 * DAY, author_login="alice")
    repo = connect().get_repo("nhsengland/tool")

    ahead = repo.compare(synced, "main")
    assert (ahead.status, ahead.ahead_by, ahead.behind_by, ahead.total_commits) == ("ahead", 4, 0, 4)
    assert [x.sha for x in ahead.commits] == [f1, f2, c, m]
    assert ahead.merge_base_commit.sha == synced == ahead.base_commit.sha
    assert sorted(f.filename for f in ahead.files) == ["f.py", "x.py"]
    assert repo.compare(m, "main").status == "identical"
    behind = repo.compare(m, synced)
    assert (behind.status, behind.ahead_by, behind.behind_by) == ("behind", 0, 4)

    gh.force_push("nhsengland/tool", "main", b, date=T0 + 4 * DAY)
    d = gh.commit("nhsengland/tool", message="rewritten", date=T0 + 5 * DAY, author_login="alice",
                  files={"y.py": "1"})
    diverged = repo.compare(m, "main")
    assert (diverged.status, diverged.ahead_by, diverged.behind_by) == ("diverged", 1, 4)
    assert [x.sha for x in diverged.commits] == [d] and diverged.merge_base_commit.sha == b
    assert repo.update() and repo.pushed_at == T0 + 5 * DAY
    with pytest.raises(UnknownObjectException):
        repo.compare("0" * 40, "main")


def test_empty_repository(gh, connect):
    gh.add_repo("org/empty")
    repo = connect().get_repo("org/empty")
    with pytest.raises(GithubException) as err:
        list(repo.get_commits())
    assert err.value.status == 409 and err.value.data["message"] == "Git Repository is empty."
    assert list(repo.get_contributors()) == []
    assert gh.requests[-1]["status"] == 204
    with pytest.raises(GithubException) as err:
        repo.get_contents("README.md")
    assert err.value.status == 404 and err.value.data["message"] == "This repository is empty."
    assert repo.size == 0 and repo.pushed_at == repo.created_at


def test_repository_metadata_endpoints(gh, connect):
    shas = small_repo(gh)
    gh.commit("nhsengland/tool", message="data", date=T0 + 4 * DAY, author_login="dependabot[bot]",
              files={"data/big.csv": "x" * (1024 * 1024 + 1), "docs/logo.png": b"\x89PNG\r\n\x1a\n\xff"})
    gh.add_release("nhsengland/tool", "v0.1.0", published_at=T0 + DAY + HOUR, sha=shas["b"], name="First")
    gh.add_release("nhsengland/tool", "v0.2.0", published_at=T0 + 5 * DAY)
    gh.add_tag("nhsengland/tool", "v0.10.0-rc1", sha=shas["c"])
    repo = connect().get_repo("nhsengland/tool")

    languages = repo.get_languages()
    languages.pop("url", None)                   # PyGithub adds the request URL to every GET dict
    assert languages == {"Python": 5000, "Shell": 200}
    assert repo.get_topics() == ["nlp", "nhs"] and repo.license.name == "Apache License 2.0"
    releases = list(repo.get_releases())
    assert [(r.tag_name, r.name) for r in releases] == [("v0.2.0", None), ("v0.1.0", "First")]
    assert releases[1].published_at == T0 + DAY + HOUR and releases[1].created_at == T0 + DAY
    assert not releases[0].draft and not releases[0].prerelease
    tags = {t.name: t.commit.sha for t in repo.get_tags()}
    assert tags == {"v0.10.0-rc1": shas["c"], "v0.2.0": repo.get_branch("main").commit.sha, "v0.1.0": shas["b"]}

    tree = repo.get_git_tree("main", recursive=True)
    entries = {e.path: e for e in tree.tree}
    assert entries["src"].type == "tree" and entries["src/tool"].type == "tree"
    assert entries["src/tool/app.py"].type == "blob" and entries["src/tool/app.py"].size == 6
    assert entries["data/big.csv"].size == 1024 * 1024 + 1 and tree.truncated is False
    top = [e.path for e in repo.get_git_tree("main").tree]
    assert top == ["README.md", "data", "docs", "src", "tests"]
    blob = repo.get_git_blob(entries["README.md"].sha)
    assert blob.encoding == "base64" and blob.size == 7

    readme = repo.get_contents("README.md", ref=shas["a"])
    assert readme.decoded_content == b"# Tool\n" and readme.type == "file"
    big = repo.get_contents("data/big.csv")
    assert big.encoding == "none" and big.content == "" and big.size == 1024 * 1024 + 1
    assert requests.get(big.download_url, timeout=10).content == b"x" * (1024 * 1024 + 1)
    listing = repo.get_contents("src/tool")
    assert sorted((c.name, c.type) for c in listing) == [("__init__.py", "file"), ("app.py", "file"),
                                                          ("parse.py", "file")]
    with pytest.raises(UnknownObjectException):
        repo.get_contents("nope.txt")

    bot = repo.get_commits()[0].author
    assert (bot.login, bot.type) == ("dependabot[bot]", "Bot")
    assert {u.login: u.contributions for u in repo.get_contributors()} == {
        "alice": 3, "bob": 2, "dependabot[bot]": 1}
    assert repo.get_branch("feature/parse").commit.sha == shas["f2"]
    first = raw_get(gh, "/repos/nhsengland/tool/stats/contributors")
    second = raw_get(gh, "/repos/nhsengland/tool/stats/contributors")
    assert (first.status_code, first.json()) == (202, {})
    assert second.status_code == 200
    assert {s["author"]["login"]: s["total"] for s in second.json()} == {"alice": 3, "bob": 2, "dependabot[bot]": 1}


def test_deleted_repository_is_404_everywhere(gh, connect):
    small_repo(gh)
    g = connect()
    repo = g.get_repo("nhsengland/tool")
    gh.delete_repo("nhsengland/tool")
    with pytest.raises(UnknownObjectException) as err:
        g.get_repo("nhsengland/tool")
    assert err.value.data == {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    with pytest.raises(UnknownObjectException):
        list(repo.get_commits())
    assert list(g.get_organization("nhsengland").get_repos()) == []
    with pytest.raises(UnknownObjectException):
        g.get_organization("no-such-org")


def test_bad_token_is_bad_credentials(gh, connect):
    small_repo(gh)
    with pytest.raises(BadCredentialsException) as err:
        connect(token="wrong").get_repo("nhsengland/tool")
    assert err.value.status == 401 and err.value.data["message"] == "Bad credentials"
    assert gh.requests[-1]["counted"] is False
    with pytest.raises(BadCredentialsException):
        connect(token="wrong").requester.graphql_query("query { viewer { login } }", {})
    assert connect().get_user().login == "etl-bot"


def test_conditional_update_is_304_and_not_counted(gh, connect):
    small_repo(gh)
    repo = connect().get_repo("nhsengland/tool")
    before = gh.request_count()
    assert repo.update() is False
    assert gh.request_count() == before and gh.requests[-1]["status"] == 304
    gh.update_repo("nhsengland/tool", stars=5, topics=["nlp"])
    assert repo.update() is True and repo.stargazers_count == 5 and repo.topics == ["nlp"]
    assert repo.pushed_at == T0 + 3 * DAY, "metadata changes do not move pushed_at"
    assert gh.request_count() == before + 1


def _harvest(g: github.Github) -> dict:
    out = {}
    for repo in g.get_organization("org").get_repos():
        entry = {"topics": repo.topics, "license": repo.license and repo.license.spdx_id,
                 "languages": repo.get_languages(), "topics_api": repo.get_topics()}
        try:
            commits = list(repo.get_commits())
        except GithubException as err:
            entry["commits"] = err.status
        else:
            entry["commits"] = [(c.sha, c.author and c.author.login, c.commit.author.email) for c in commits]
            entry["compare"] = [c.sha for c in repo.compare(commits[-1].sha, repo.default_branch).commits]
            entry["tree"] = [e.path for e in repo.get_git_tree(repo.default_branch, recursive=True).tree]
        entry["releases"] = [r.tag_name for r in repo.get_releases()]
        out[repo.full_name] = entry
    headers, data = g.requester.graphql_query(
        'query { r0: repository(owner: "org", name: "repo-1") { f0: object(expression: "main:file-1.txt") '
        '{ ... on Blob { text } } } }', {})
    out["graphql"] = data
    return out


def test_faults_with_retries_give_identical_results(gh, connect):
    gh.add_org("org")
    for i in range(10):
        gh.add_repo(f"org/repo-{i}", topics=[f"t{i}"], languages={"Python": i + 1})
        for j in range(35 if i else 0):
            gh.commit(f"org/repo-{i}", message=f"{j}", date=T0 + j * HOUR, author_login=f"user{j % 4}",
                      files={f"file-{j % 5}.txt": f"{i}-{j}"})
        if i % 3 == 1:
            gh.add_release(f"org/repo-{i}", "v1", published_at=T0 + 40 * HOUR)
    clean = _harvest(connect())
    clean_count = gh.request_count()

    gh.reset_log()
    gh.retry_after_seconds = 0
    gh.set_faults(0.1, seed=7)
    faulty = _harvest(connect(retry=GithubRetry(total=10, backoff_factor=0)))

    assert faulty == clean
    statuses = [r["status"] for r in gh.requests]
    assert statuses.count(502) > 0 and statuses.count(403) > 0
    assert gh.request_count() == clean_count, "failed attempts do not count against the rate limit"
    secondary = next(r for r in gh.requests if r["status"] == 403)
    assert secondary["counted"] is False


def test_fail_next_and_secondary_limit_body(gh, connect):
    small_repo(gh)
    gh.retry_after_seconds = 0
    gh.fail_next(1, kind="secondary")
    resp = raw_get(gh, "/repos/nhsengland/tool")
    assert resp.status_code == 403 and resp.headers["Retry-After"] == "0"
    assert resp.json()["message"].startswith("You have exceeded a secondary rate limit")
    gh.fail_next(2)
    assert connect().get_repo("nhsengland/tool").name == "tool"
    assert [r["status"] for r in gh.requests[-3:]] == [502, 502, 200]
    gh.fail_next(1)
    with pytest.raises(GithubException) as err:
        connect(retry=None).get_repo("nhsengland/tool")
    assert err.value.status == 502 and err.value.data == {"message": "Server Error",
                                                          "documentation_url": "https://docs.github.com/rest"}


def test_primary_rate_limit(gh, connect):
    small_repo(gh)
    g = connect(retry=None)
    gh.set_rate_limit(2)
    g.get_repo("nhsengland/tool")
    g.get_user("alice")
    with pytest.raises(RateLimitExceededException) as err:
        g.get_repo("nhsengland/tool")
    assert err.value.status == 403 and err.value.data["message"] == "API rate limit exceeded for user ID 1."
    assert err.value.headers["x-ratelimit-remaining"] == "0"
    assert g.get_rate_limit().resources.core.remaining == 0, "/rate_limit itself is never limited"
    with pytest.raises(RateLimitExceededExceedsMaxWait):
        connect(retry=GithubRetry(total=3, max_rate_limit_wait=5)).get_repo("nhsengland/tool")

    gh.set_rate_limit(0, reset_in=0.5)           # GithubRetry sleeps until the reset, then succeeds
    assert connect(retry=GithubRetry(total=3, backoff_factor=0)).get_repo("nhsengland/tool").name == "tool"


def test_graphql_blob_texts(gh, connect):
    odd = 'docs/ünïcode "quoted".txt'
    gh.add_repo("org/py")
    gh.commit("org/py", message="files", date=T0, author_login="alice",
              files={"requirements.txt": "pandas==2.2\nduckdb\n", "logo.png": b"\x89PNG\r\n\x1a\n\xff\xfe",
                     "docs/big.txt": "y" * 600_000, odd: "ok"})
    gh.add_repo("org/other", default_branch="master")
    gh.commit("org/other", message="x", date=T0, author_email="a@b.c", files={"pyproject.toml": "[project]\n"})
    g = connect()
    query = f"""
    query {{
      r0: repository(owner: "org", name: "py") {{
        f0: object(expression: "main:requirements.txt") {{ ... on Blob {{ text byteSize isBinary isTruncated }} }}
        f1: object(expression: "main:missing.txt") {{ ... on Blob {{ text byteSize isBinary isTruncated }} }}
        f2: object(expression: "main:logo.png") {{ ... on Blob {{ text byteSize isBinary isTruncated }} }}
        f3: object(expression: "main:docs/big.txt") {{ ... on Blob {{ text byteSize isBinary isTruncated }} }}
        f4: object(expression: {json.dumps("main:" + odd)}) {{ ... on Blob {{ text }} }}
      }}
      r1: repository(owner: "org", name: "other") {{
        f0: object(expression: "master:pyproject.toml") {{ ... on Blob {{ text byteSize isBinary isTruncated }} }}
      }}
    }}"""
    headers, data = g.requester.graphql_query(query, {})
    r0 = data["data"]["r0"]
    assert r0["f0"] == {"text": "pandas==2.2\nduckdb\n", "byteSize": 19, "isBinary": False, "isTruncated": False}
    assert r0["f1"] is None
    assert r0["f2"] == {"text": None, "byteSize": 10, "isBinary": True, "isTruncated": False}
    assert r0["f3"]["isTruncated"] and r0["f3"]["byteSize"] == 600_000 and len(r0["f3"]["text"]) == 512_000
    assert r0["f4"] == {"text": "ok"}
    assert data["data"]["r1"]["f0"]["text"] == "[project]\n" and "errors" not in data
    assert headers["x-ratelimit-resource"] == "graphql" and headers["x-ratelimit-remaining"] == "4999"
    assert gh.requests[-1]["path"] == "/api/graphql" and gh.requests[-1]["counted"]

    missing = ('query { r0: repository(owner: "org", name: "py") { f0: object(expression: "main:requirements.txt") '
               '{ ... on Blob { text } } } r1: repository(owner: "org", name: "gone") { f0: object(expression: '
               '"main:x") { ... on Blob { text } } } }')
    with pytest.raises(UnknownObjectException):    # PyGithub turns a lone NOT_FOUND error into an exception
        g.requester.graphql_query(missing, {})
    _, raw = g.requester.requestJsonAndCheck("POST", g.requester.graphql_url, input={"query": missing})
    assert raw["data"] == {"r0": {"f0": {"text": "pandas==2.2\nduckdb\n"}}, "r1": None}
    assert raw["errors"] == [{"type": "NOT_FOUND", "path": ["r1"], "locations": [{"line": 1, "column": missing.index("r1:") + 1}],
                              "message": "Could not resolve to a Repository with the name 'org/gone'."}]


def test_unauthenticated_client_sees_limit_60(gh, connect):
    small_repo(gh)
    g = connect(token=None)
    assert g.get_rate_limit().resources.core.limit == 60
    assert g.get_repo("nhsengland/tool").name == "tool"
    assert g.rate_limiting == (59, 60)
    with pytest.raises(GithubException) as err:
        g.requester.graphql_query("query { viewer { login } }", {})
    assert err.value.status == 401
