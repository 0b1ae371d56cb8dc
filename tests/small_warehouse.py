"""A small warehouse built by hand, for tests whose expected figures are counted by hand.

Data taken on 31 March 2025, so the dashboard's default period ("Last 12 months") runs from
1 April 2024 to 31 March 2025: PERIOD below. Three teams, four people and a bot, six
repositories (one owned by no team, one without commits), thirteen commits, seven projects,
dependencies and languages. Nobody has an alias or a linked account: every person key is one
person, so the counts hold whether an analysis counts keys or canonical people.

What the period holds, by hand (bots never count):

    commit  repository  team      author  when                 in the period?
    1       org/a1      Alpha     A       2024-03-30 12:00     no, before it
    2       org/a1      Alpha     A       2024-04-01 09:00     yes, its first day
    3       org/a1      Alpha     B       2024-04-15 10:00     yes
    4       org/a1      Alpha     A       2024-06-10 10:00     yes
    5       org/a2      Alpha     A       2024-06-11 10:00     yes
    6       org/a2      Alpha     C       2025-03-31 18:00     yes, its last day (the evening)
    7       org/b1      Beta      B       2024-05-05 10:00     yes
    8       org/b1      Beta      B       2024-05-06 10:00     yes
    9       org/b1      Beta      D       2024-11-20 10:00     yes
    10      org/x1      no team   D       2024-07-01 10:00     yes
    11      org/g1      Gamma     C       2023-12-01 10:00     no, before it
    12      org/a1      Alpha     bot     2024-08-01 06:00     a bot: never
    13      org/b1      Beta      bot     2025-01-15 06:00     a bot: never

    Alpha: commits 2-6 = 5, people A, B, C = 3, repositories a1, a2 = 2
    Beta: commits 7-9 = 3, people B, D = 2, repository b1 = 1
    no team: commit 10 = 1, person D = 1, repository x1 = 1
    Gamma: none in the period (commit 11 is older); org/a3 has no commits at all
    together: 9 commits, people A, B, C, D = 4 (B and D work for two owners), repositories 4
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl import pipeline
from etl.records import rows as project_rows
from etl.warehouse import load

AS_OF = dt.datetime(2025, 3, 31, 23, 0)
PERIOD = {"date_from": dt.date(2024, 4, 1), "date_to": dt.date(2025, 3, 31)}
A, B, C, D, BOT = (f"p_{i:016x}" for i in (0xA, 0xB, 0xC, 0xD, 0xB07))


def _team(team_id: str, name: str) -> dict:
    return {"team_id": team_id, "name": f"{name} team", "short_name": name, "organisation": "NHS England"}


def _repo(name: str, team_id: str | None, language: str | None) -> dict:
    return {"full_name": f"org/{name}", "org": "org", "name": name, "team_id": team_id, "primary_language": language,
            "source": "test"}


def _commit(n: int, repo: str, who: str, when: str) -> dict:
    return {"full_name": f"org/{repo}", "sha": f"{n:040x}", "person_key": who,
            "authored_at": dt.datetime.fromisoformat(when)}


def _dep(repo: str, path: str, ecosystem: str, package: str, spec: str | None = None, inferred: bool = False) -> dict:
    return {"full_name": f"org/{repo}", "manifest_path": path, "ecosystem": ecosystem, "package": package,
            "version_spec": spec, "inferred": inferred}


ROWS = {
    "teams": [_team("alpha", "Alpha"), _team("beta", "Beta"), _team("gamma", "Gamma")],
    "people": [{"person_key": k, "github_login": login, "is_bot": k == BOT, "source": "test"}
               for k, login in ((A, "ann"), (B, "bob"), (C, "cat"), (D, None), (BOT, "ci[bot]"))],
    "repositories": [_repo("a1", "alpha", "Python"), _repo("a2", "alpha", "R"), _repo("a3", "alpha", "Python"),
                     _repo("b1", "beta", "Python"), _repo("g1", "gamma", "R"), _repo("x1", None, "Jupyter Notebook")],
    "commits": [
        _commit(1, "a1", A, "2024-03-30T12:00"),
        _commit(2, "a1", A, "2024-04-01T09:00"),
        _commit(3, "a1", B, "2024-04-15T10:00"),
        _commit(4, "a1", A, "2024-06-10T10:00"),
        _commit(5, "a2", A, "2024-06-11T10:00"),
        _commit(6, "a2", C, "2025-03-31T18:00"),
        _commit(7, "b1", B, "2024-05-05T10:00"),
        _commit(8, "b1", B, "2024-05-06T10:00"),
        _commit(9, "b1", D, "2024-11-20T10:00"),
        _commit(10, "x1", D, "2024-07-01T10:00"),
        _commit(11, "g1", C, "2023-12-01T10:00"),
        _commit(12, "a1", BOT, "2024-08-01T06:00"),
        _commit(13, "b1", BOT, "2025-01-15T06:00"),
    ],
    # Bytes of code; org/a1's Shell is under a tenth of its code, org/a2's Python a fifth.
    "repo_languages": [
        {"full_name": f"org/{r}", "language": lang, "bytes": n}
        for r, lang, n in (("a1", "Python", 9000), ("a1", "Shell", 500), ("a2", "R", 4000), ("a2", "Python", 1000),
                           ("a3", "Python", 100), ("b1", "Python", 3000), ("g1", "R", 7000),
                           ("x1", "Jupyter Notebook", 2000))
    ],
    # pandas: org/a1 (two manifests), org/a2 (found from imports), org/b1, org/x1, org/g1;
    # scikit-learn: org/a1, org/b1; dplyr (CRAN): org/a2. Categories come from data/taxonomy.yml:
    # pandas and dplyr data-wrangling, scikit-learn classical-ml.
    "dependencies": [
        _dep("a1", "requirements.txt", "pypi", "pandas", ">=2.0"),
        _dep("a1", "pyproject.toml", "pypi", "pandas", "==2.1"),
        _dep("a1", "requirements.txt", "pypi", "scikit-learn"),
        _dep("a2", "analysis.py", "pypi", "pandas", inferred=True),
        _dep("a2", "DESCRIPTION", "cran", "dplyr"),
        _dep("b1", "requirements.txt", "pypi", "pandas"),
        _dep("b1", "requirements.txt", "pypi", "scikit-learn", "~=1.4"),
        _dep("x1", "requirements.txt", "pypi", "pandas", "<3"),
        _dep("g1", "requirements.txt", "pypi", "pandas", "==1.5"),
    ],
}


def _project(pid: str, title: str, lead: str, stages: list[tuple[str, str]], *, partners=(), repos=()) -> dict:
    return {"id": pid, "title": title, "summary": f"What {title} does.", "lead_team": lead,
            "partner_teams": list(partners), "stages": [{"stage": s, "date": d} for s, d in stages],
            "repositories": [{"full_name": r, "host": "github", "url": f"https://github.com/{r}"} for r in repos]}


# Stage held on 31 March 2025 in brackets; "Future idea" starts after the data was taken.
PROJECTS = [
    _project("legacy", "Legacy dashboard", "gamma",                                        # [retired]
             [("idea", "2022-01-01"), ("discovery", "2022-03-01"), ("retired", "2023-11-01")], repos=["org/g1"]),
    _project("deployed", "Deployed tool", "alpha",                                         # [operational]
             [("idea", "2023-01-01"), ("pilot", "2023-05-01"), ("operational", "2024-12-01")], repos=["org/a2"]),
    _project("quiet", "Quiet idea", "gamma", [("idea", "2023-03-01")], partners=["alpha"]),  # [idea], no code
    _project("triage", "Triage model", "alpha",                                            # [pilot]
             [("idea", "2023-06-01"), ("discovery", "2023-09-01"), ("proof_of_concept", "2024-05-01"),
              ("pilot", "2024-10-01")], partners=["beta"], repos=["org/a1"]),
    _project("forecast", "Bed forecast", "beta",                                           # [discovery]
             [("idea", "2024-04-20"), ("discovery", "2024-07-01")], repos=["org/b1", "org/x1"]),
    _project("scanner", "Scan reader", "alpha",                                            # [paused]
             [("idea", "2024-05-20"), ("proof_of_concept", "2024-06-15"), ("paused", "2024-09-01")], repos=["org/a1"]),
    _project("future", "Future idea", "beta", [("idea", "2025-06-01")]),                   # [none yet]
]


def build(path: Path) -> Path:
    """Write the warehouse to `path` through the pipeline every source uses."""
    with pipeline.build(path, "test") as b:
        b.data_as_of = AS_OF
        for table, rows in ROWS.items():
            load.save_rows(b.con, table, rows)
        project_rows.save_projects(b.con, PROJECTS)
    return path
