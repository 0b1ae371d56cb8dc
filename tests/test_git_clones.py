"""Clones as people keep them, built with the git command line in a temporary folder: a folder of
symlinks to bare clones kept elsewhere (some of them partial), nested groups with no remote,
shallow clones, a .mailmap, two addresses under one name, a broken clone beside good ones, a
clone of a repository the GitHub source also loads."""
from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from analyses import metrics, queries
from etl import source_config, warehouse
from etl.git import fetch
from etl.github import refresh
from etl.shared import identity
from tests.test_git_source import ALICE, BOB, commit, etl, q, run_git
from tests.test_github_refresh import SALT, TOKEN, gh  # noqa: F401 (gh is a fixture)

ANN_WORK, ANN_HOME = ("Ann Analyst", "ann@work.nhs.test"), ("Ann Analyst", "ann.home@mail.test")
BOB_OLD, BOB_NEW = ("Bob B", "bob@old.nhs.test"), ("Bob Builder", "bob@new.nhs.test")
CLONES = 35


def git_out(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def source_repo(root: Path, k: int) -> Path:
    """Repository k (2 + k commits): a small requirements.txt, a Python file over 1 kB and a
    symbolic link to the small Python file; partial clones may be made from it."""
    repo = root / "sources" / f"s{k}"
    repo.mkdir(parents=True)
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "config", "uploadpack.allowFilter", "true")
    commit(repo, "Start", {"requirements.txt": f"pandas\nrequests=={k}.0\n", "small.py": "x = 1\n",
                           "big.py": f"# repository {k}\n" + "value = 12345\n" * 200}, ALICE, "2024-01-01T10:00:00+00:00")
    (repo / "link.py").symlink_to("small.py")
    run_git(repo, "add", "link.py")
    run_git(repo, "commit", "-q", "-m", "Link", who=ALICE, when="2024-01-02T10:00:00+00:00")
    for n in range(k):
        commit(repo, f"Change {n}", {"small.py": f"x = {n + 2}\n"}, BOB, f"2024-02-0{n + 1}T10:00:00+00:00")
    return repo


def missing_blobs(repo: Path) -> set[str]:
    out = git_out(repo, "rev-list", "--objects", "--no-object-names", "--no-walk", "--missing=print", "HEAD")
    return {line[1:] for line in out.splitlines() if line.startswith("?")}


@pytest.fixture
def linked_clones(tmp_path) -> Path:
    """35 bare clones of five repositories, each kept in a folder named `repo.git` under
    store/NN, reached through a folder of symlinks named after the projects; every third clone
    has no blobs (--filter=blob:none), every third one only the blobs under 1 kB
    (--filter=blob:limit=1k)."""
    links = tmp_path / "links"
    links.mkdir()
    sources = [source_repo(tmp_path, k) for k in range(5)]
    for i in range(CLONES):
        src = sources[i % 5]
        target = tmp_path / "store" / f"{i:02}" / "repo.git"
        filters = [["--filter=blob:none"], ["--filter=blob:limit=1k"], []][i % 3]
        subprocess.run(["git", "clone", "-q", "--bare", *filters, f"file://{src}", str(target)], check=True)
        (links / f"project-{i:02}").symlink_to(target)
    return links


def test_a_folder_of_links_to_bare_and_partial_clones(linked_clones, tmp_path):
    links, db = linked_clones, tmp_path / "w.duckdb"
    absent_before = {p.name: missing_blobs(p) for p in links.iterdir()}
    assert sum(1 for blobs in absent_before.values() if blobs) == 24  # the partial clones lack blobs
    done = etl("refresh", "--git", str(links), "--db", str(db))
    assert done.returncode == 0, done.stderr
    expected = {f"local/{p.name}": int(git_out(p, "rev-list", "--count", "HEAD")) for p in links.iterdir()}
    assert dict(q(db, "SELECT full_name, count(*) FROM commits GROUP BY 1")) == expected
    assert len(expected) == CLONES and q(db, "SELECT count(*) FROM repositories") == [(CLONES,)]
    assert q(db, "SELECT DISTINCT org FROM repositories") == [("local",)]
    # Nothing was fetched: every partial clone lacks exactly the blobs it lacked before.
    assert {p.name: missing_blobs(p) for p in links.iterdir()} == absent_before
    # A complete clone: Python counts both files, not the symbolic link's text; both dependencies read.
    big = len("# repository 2\n" + "value = 12345\n" * 200)
    assert q(db, "SELECT language, bytes FROM repo_languages WHERE full_name = 'local/project-02'") == [
        ("Python", big + len("x = 3\n"))]
    # blob:limit=1k: the big file's size is unknown (not counted); the manifest is present and read.
    assert q(db, "SELECT language, bytes FROM repo_languages WHERE full_name = 'local/project-01'") == [
        ("Python", len("x = 2\n"))]
    assert q(db, "SELECT package FROM dependencies WHERE full_name = 'local/project-01' ORDER BY 1") == [
        ("pandas",), ("requests",)]
    # blob:none: nothing to read; the manifest that could not be read is named.
    assert q(db, "SELECT count(*) FROM repo_languages WHERE full_name = 'local/project-00'") == [(0,)]
    assert q(db, "SELECT count(*) FROM dependencies WHERE full_name = 'local/project-00'") == [(0,)]
    problems = q(db, "SELECT subject, kind, detail, message FROM data_problems WHERE source = 'git' "
                     "AND kind NOT IN ('unmapped_repository') ORDER BY 1, 2")
    assert {(s, k) for s, k, _, _ in problems if k == "blobs_absent"} == {
        (f"local/project-{i:02}", "blobs_absent") for i in range(CLONES) if i % 3 in (0, 1)}
    assert ("local/project-00", "file_unreadable", "requirements.txt") in {(s, k, d) for s, k, d, _ in problems}
    none = next(m for s, k, _, m in problems if s == "local/project-00" and k == "blobs_absent")
    assert none.startswith("3 of 3 files of the default branch are not in the clone")
    assert {k for _, k, _, _ in problems} == {"blobs_absent", "file_unreadable"}
    assert "git: 35 clones found, 35 loaded (35 read, 0 unchanged), 0 skipped" in done.stderr

    again = etl("refresh", "--git", str(links), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert q(db, "SELECT commits_added FROM etl_runs ORDER BY started_at DESC LIMIT 1") == [(0,)]
    assert dict(q(db, "SELECT full_name, count(*) FROM commits GROUP BY 1")) == expected
    # The partial clones' files are read again (their blobs may have been fetched since); the problems stay.
    assert q(db, "SELECT count(*) FROM data_problems WHERE kind = 'blobs_absent'") == [(24,)]


def bare_without_remote(path: Path, files: dict[str, str], who=ALICE, commits: int = 1) -> Path:
    work = path.parent / (path.name + "-work")
    work.mkdir(parents=True)
    run_git(work, "init", "-q", "-b", "main")
    for n in range(commits):
        commit(work, f"Commit {n}", {**files, "n.txt": str(n)}, who, f"2024-03-0{n + 1}T10:00:00+00:00")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    run_git(work, "push", "-q", str(path), "main")
    shutil.rmtree(work)
    return path


def test_nested_groups_are_found_and_named_by_their_paths(tmp_path, monkeypatch):
    root = tmp_path / "gitlab"
    a = root / "team-a" / "analysis"
    a.mkdir(parents=True)
    run_git(a, "init", "-q", "-b", "main")
    commit(a, "A", {"a.py": "import numpy\n"})
    inner = a / "vendor" / "inner"  # a clone inside a clone's work tree is not searched
    inner.mkdir(parents=True)
    run_git(inner, "init", "-q", "-b", "main")
    commit(inner, "Inner", {"i.py": "x = 1\n"})
    bare_without_remote(root / "team-b" / "analysis", {"b.R": "library(dplyr)\n"}, BOB, commits=2)
    bare_without_remote(root / "team-b" / "sub" / "deeper" / "repo.git", {"c.py": "y = 2\n"}, commits=3)
    (root / "team-a" / "loop").symlink_to(root)  # a link back up the tree is not followed round
    (root / "team-a" / "notes").mkdir()
    other = tmp_path / "elsewhere"  # a second folder given: a different repository, also team-a/analysis
    bare_without_remote(other / "team-a" / "analysis", {"d.py": "z = 3\n"}, commits=4)
    copy = tmp_path / "copies"  # a third: a clone of team-b/analysis, same name, same history
    subprocess.run(["git", "clone", "-q", "--bare", str(root / "team-b" / "analysis"), str(copy / "team-b" / "analysis")],
                   check=True)
    run_git(copy / "team-b" / "analysis", "remote", "remove", "origin")

    monkeypatch.setenv("DSA_SALT", SALT)
    db = tmp_path / "w.duckdb"
    cfg = source_config.with_command_line(source_config.load(None), [], [], [str(root), str(other), str(copy)])
    outcome = refresh.refresh(db, cfg)
    assert q(db, "SELECT full_name, org, name, count(*) FROM repositories JOIN commits USING (full_name) "
                 "GROUP BY ALL ORDER BY 1") == [
        ("local/elsewhere/team-a/analysis", "local/elsewhere/team-a", "analysis", 4),
        ("local/team-a/analysis", "local/team-a", "analysis", 1),
        ("local/team-b/analysis", "local/team-b", "analysis", 2),
        ("local/team-b/sub/deeper/repo", "local/team-b/sub/deeper", "repo", 3)]
    problems = q(db, "SELECT kind, subject, message FROM data_problems WHERE source = 'git' "
                     "AND kind <> 'unmapped_repository' ORDER BY 1, 2")
    assert [(k, Path(s).relative_to(tmp_path).as_posix()) for k, s, _ in problems] == [
        ("duplicate_clone", "copies/team-b/analysis"), ("not_a_repository", "gitlab/team-a/notes")]
    assert "a second clone of local/team-b/analysis" in problems[0][2]
    summary = outcome.git
    assert (summary.found, summary.loaded, summary.read, dict(summary.skipped)) == (
        5, 4, 4, {"duplicate_clone": 1, "not_a_repository": 1})
    assert summary.commits_added == 10 and summary.problems == len(problems) + 4  # + 4 unmapped_repository


def test_a_mailmap_joins_addresses_and_shared_names_are_listed_to_join(tmp_path):
    repo = tmp_path / "clones" / "analysis"
    repo.mkdir(parents=True)
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "remote", "add", "origin", "https://gitlab.example.nhs.uk/dc-london/analysis.git")
    commit(repo, "Start", {"a.py": "import pandas\n"}, ANN_WORK, "2026-01-05T10:00:00+00:00")
    commit(repo, "From home", {"b.py": "x = 1\n"}, ANN_HOME, "2026-02-05T10:00:00+00:00")
    commit(repo, "Old address", {"c.py": "y = 1\n"}, BOB_OLD, "2026-02-06T10:00:00+00:00")
    write = {".mailmap": f"{BOB_NEW[0]} <{BOB_NEW[1]}> <{BOB_OLD[1]}>\n", "d.py": "z = 1\n"}
    commit(repo, "Mailmap", write, BOB_NEW, "2026-03-01T10:00:00+00:00")
    run_git(repo, "commit", "-q", "--allow-empty", "-m", f"Pair\n\nCo-authored-by: {BOB_OLD[0]} <{BOB_OLD[1]}>",
            who=ANN_WORK, when="2026-03-02T10:00:00+00:00")
    teams = tmp_path / "teams.yml"
    teams.write_text(textwrap.dedent("""\
        teams:
          - id: dc-london
            name: Direct Commissioning London
            short_name: DC London
            organisation: NHS England
            formed_on: 2021-04-01
        """))
    (tmp_path / "projects").mkdir()
    config = tmp_path / "sources.yml"
    config.write_text(f"teams_file: {teams}\nrecords_dir: {tmp_path / 'projects'}\n"
                      f"git:\n  - path: {tmp_path / 'clones'}\n    team: dc-london\n")
    db = tmp_path / "w.duckdb"
    done = etl("refresh", "--config", str(config), "--db", str(db))
    assert done.returncode == 0, done.stderr
    work, home, bob = (identity.key_for_email(who[1], SALT) for who in (ANN_WORK, ANN_HOME, BOB_NEW))
    # The .mailmap: Bob's old address (as author and as co-author) is keyed as his new one.
    assert q(db, "SELECT person_key, count(*) FROM commits GROUP BY 1 ORDER BY 1") == sorted(
        [(work, 2), (home, 1), (bob, 2)])
    assert q(db, "SELECT person_key FROM commit_coauthors") == [(bob,)]
    # Ann's two addresses share a name: one row, keys only, with the alias line to copy.
    (subject, message), = q(db, "SELECT subject, message FROM data_problems WHERE kind = 'possible_same_person'")
    assert subject == ", ".join(sorted([work, home]))
    line = re.search(r"- \{person: p_[0-9a-f]{16}, also: \[p_[0-9a-f]{16}\]\}", message).group(0)
    assert line == f"- {{person: {work}, also: [{home}]}}"  # the key with more commits is the person
    everything = " ".join(str(v) for row in q(db, "SELECT * FROM data_problems") for v in row)
    assert "Ann" not in everything and "@" not in everything
    assert contributors(db) == 2 + 1  # Ann counted twice, Bob once
    quality = queries.run(warehouse.cursor(warehouse.open_read_only(db)), "data_quality", as_of=dt.date(2026, 3, 31),
                          months=6)
    assert quality[quality.check == "Identities that look like one person"].subject.tolist() == [subject]

    # The line pasted into teams.yml: the next refresh counts Ann once, and the row is gone.
    teams.write_text(teams.read_text() + f"aliases:\n  {line}\n")
    done = etl("refresh", "--config", str(config), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT count(DISTINCT canonical_key) FROM person_identity WHERE list_contains(?, person_key)",
             [work, home]) == [(1,)]
    assert contributors(db) == 2
    assert q(db, "SELECT count(*) FROM data_problems WHERE kind = 'possible_same_person'") == [(0,)]


def test_a_mailmap_added_later_rekeys_the_commits_already_loaded(tmp_path):
    repo = tmp_path / "analysis"
    repo.mkdir()
    run_git(repo, "init", "-q", "-b", "main")
    commit(repo, "Old", {"a.py": "x = 1\n"}, BOB_OLD, "2026-01-05T10:00:00+00:00")
    db = tmp_path / "w.duckdb"
    assert etl("refresh", "--git", str(repo), "--db", str(db)).returncode == 0
    old, new = (identity.key_for_email(who[1], SALT) for who in (BOB_OLD, BOB_NEW))
    assert q(db, "SELECT person_key FROM commits") == [(old,)]
    commit(repo, "Mailmap", {".mailmap": f"{BOB_NEW[0]} <{BOB_NEW[1]}> <{BOB_OLD[1]}>\n"}, BOB_NEW,
           "2026-02-05T10:00:00+00:00")
    assert etl("refresh", "--git", str(repo), "--db", str(db)).returncode == 0
    assert q(db, "SELECT person_key, count(*) FROM commits GROUP BY 1") == [(new, 2)]


def contributors(db: Path) -> int:
    run = functools.partial(queries.run, warehouse.cursor(warehouse.open_read_only(db)))
    return int(metrics.value("contributors", run, dt.date(2026, 1, 1), dt.date(2026, 3, 31)))


def test_a_broken_clone_beside_good_ones_is_reported_and_the_others_load(tmp_path):
    root = tmp_path / "clones"
    good = []
    for name in ("one", "two"):
        repo = root / name
        repo.mkdir(parents=True)
        run_git(repo, "init", "-q", "-b", "main")
        commit(repo, "Start", {f"{name}.py": "x = 1\n"})
        good.append(repo)
    broken = root / "broken"
    broken.mkdir()
    run_git(broken, "init", "-q", "-b", "main")
    commit(broken, "Start", {"a.py": "x = 1\n"})
    for obj in (broken / ".git" / "objects").glob("??/*"):
        obj.unlink()
    db = tmp_path / "w.duckdb"
    done = etl("refresh", "--git", str(root), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT full_name FROM repositories ORDER BY 1") == [("local/one",), ("local/two",)]
    assert q(db, "SELECT kind FROM data_problems WHERE subject = ?", str(broken)) == [("unreadable_repository",)]
    assert re.search(r"WARNING git: \S+/broken: could not be read \(.*\); skipped", done.stderr)
    assert "3 clones found, 2 loaded (2 read, 0 unchanged), 1 skipped (1 unreadable repository)" in done.stderr

    # git fails part-way through a clone (a tag whose object is gone, read after the commits):
    # nothing of it is saved, and once mended the next run reads the new commits once.
    repo = good[0]
    commit(repo, "More", {"more.py": "y = 2\n"}, BOB, "2024-02-01T10:00:00+00:00")
    run_git(repo, "tag", "-a", "v1", "-m", "First")
    tag = git_out(repo, "rev-parse", "v1")
    (repo / ".git" / "objects" / tag[:2] / tag[2:]).unlink()
    done = etl("refresh", "--git", str(root), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT kind FROM data_problems WHERE subject = ?", str(repo)) == [("unreadable_repository",)]
    assert q(db, "SELECT count(*) FROM commits WHERE full_name = 'local/one'") == [(1,)]  # previous data kept
    assert q(db, "SELECT full_name FROM repositories ORDER BY 1") == [("local/one",), ("local/two",)]
    run_git(repo, "update-ref", "-d", "refs/tags/v1")
    done = etl("refresh", "--git", str(root), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT count(*) FROM commits WHERE full_name = 'local/one'") == [(2,)]
    assert q(db, "SELECT commits_added FROM etl_runs ORDER BY started_at DESC LIMIT 1") == [(1,)]


def test_a_shallow_clone_says_what_is_missing_and_keeps_what_it_had(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    run_git(src, "init", "-q", "-b", "main")
    for n in range(5):
        commit(src, f"C{n}", {"a.py": f"x = {n}\n"}, ALICE, f"2024-01-0{n + 1}T10:00:00+00:00")
    shallow = tmp_path / "clones" / "shallow.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--depth", "2", f"file://{src}", str(shallow)], check=True)
    db = tmp_path / "w.duckdb"
    assert etl("refresh", "--git", str(shallow), "--db", str(db)).returncode == 0
    assert q(db, "SELECT count(*) FROM commits") == [(2,)]
    assert q(db, "SELECT created_at, pushed_at FROM repositories") == [(None, dt.datetime(2024, 1, 5, 10))]
    (kind, message), = q(db, "SELECT kind, message FROM data_problems WHERE kind <> 'unmapped_repository'")
    assert kind == "shallow_clone" and "commits before them are not counted" in message
    quality = queries.run(warehouse.cursor(warehouse.open_read_only(db)), "data_quality", as_of=dt.date(2024, 3, 1),
                          months=6)
    assert quality[quality.check == "Clones with part of their history"].subject.tolist() == ["local/shallow"]

    # Fetched again with --depth 1: the old head is cut off; its commits stay, the new one is added.
    commit(src, "C5", {"a.py": "x = 5\n"}, BOB, "2024-01-06T10:00:00+00:00")
    run_git(shallow, "fetch", "-q", "--depth", "1", "origin", "+main:main")
    done = etl("refresh", "--git", str(shallow), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT count(*) FROM commits") == [(3,)]
    assert q(db, "SELECT commits_added FROM etl_runs ORDER BY started_at DESC LIMIT 1") == [(1,)]

    # Made whole: the history is read again in full, and nothing is missing any more.
    run_git(shallow, "fetch", "-q", "--unshallow", "origin", "+main:main")
    assert etl("refresh", "--git", str(shallow), "--db", str(db)).returncode == 0
    assert q(db, "SELECT count(*) FROM commits") == [(6,)]
    assert q(db, "SELECT created_at FROM repositories") == [(dt.datetime(2024, 1, 1, 10),)]
    assert q(db, "SELECT count(*) FROM data_problems WHERE kind = 'shallow_clone'") == [(0,)]


def test_a_clone_of_a_repository_github_loads_is_loaded_once(gh, tmp_path):
    gh.add_org("nhsx")
    gh.add_repo("nhsx/dashboard", languages={"Python": 100})
    gh.commit("nhsx/dashboard", message="Start", date=dt.datetime(2024, 1, 20), author_login="alice-nhs",
              author_email=ALICE[1], author_name=ALICE[0], files={"app.py": "x"})
    clone = tmp_path / "clones" / "dashboard"
    clone.mkdir(parents=True)
    run_git(clone, "init", "-q", "-b", "main")
    run_git(clone, "remote", "add", "origin", "git@github.com:NHSX/Dashboard.git")
    commit(clone, "Local only", {"b.py": "y = 1\n"}, BOB)
    db = tmp_path / "w.duckdb"
    done = etl("refresh", "--org", "nhsx", "--git", str(tmp_path / "clones"), "--db", str(db),
               GITHUB_API_URL=gh.base_url, GITHUB_TOKEN=TOKEN)
    assert done.returncode == 0, done.stderr
    assert q(db, "SELECT full_name, source FROM repositories") == [("nhsx/dashboard", "github")]
    assert q(db, "SELECT count(*) FROM commits") == [(1,)]
    assert q(db, "SELECT kind, subject FROM data_problems WHERE source = 'git'") == [("duplicate_clone", str(clone))]
    assert q(db, "SELECT count(*) FROM git_repo_state") == [(0,)]


def test_the_search_for_clones_is_bounded_and_says_where_it_stopped(tmp_path, monkeypatch):
    root = tmp_path / "clones"
    deep = root / "a" / "b" / "c"
    for parent in (root / "a", root / "a" / "b", deep):
        bare_without_remote(parent / "repo.git", {"x.py": "x = 1\n"})
    monkeypatch.setattr(fetch, "MAX_DEPTH", 3)
    found, problems = fetch.discover([root])
    assert [f.relative for f in found] == ["a/b/repo.git", "a/repo.git"]  # c/repo.git is 4 folders down
    assert [(Path(p.subject).relative_to(root).as_posix(), p.kind) for p in problems] == [("a/b/c", "search_limit")]
    monkeypatch.setattr(fetch, "MAX_FOLDERS", 4)  # a, b, c, b/repo.git; a/repo.git would be the fifth
    found, problems = fetch.discover([root])
    assert [f.relative for f in found] == ["a/b/repo.git"]
    assert [(p.subject, p.kind) for p in problems] == [(str(deep), "search_limit"), (str(root), "search_limit")]
    assert "more than 4 folders; the search stopped at" in problems[1].message
