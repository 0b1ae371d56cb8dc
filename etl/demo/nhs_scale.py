"""An NHS-scale synthetic warehouse: the whole of NHS data-science work, for sizing and speed.

`generate(seed)` yields the rows of a warehouse about as large as all NHS data-science work on
GitHub would make it: 40 teams across NHS England, its regions, integrated care boards, trusts
and support units; 3,000 people; 5,000 repositories; 1,000,000 commits; 500 projects along the
pathway; 60 needs the teams raised, with the Assembly's positions. Everything is made up and
deterministic for a given seed. The rows go through the
same loader as live data (etl.load), in chunks so memory stays flat.

It is for benchmarks and capacity checks (`python -m etl demo --scale nhs`); the Assembly-sized
demo in etl/demo/build.py is the one that tells a story.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from analyses import vocabulary
from etl import pipeline, warehouse
from etl.demo import build as demo  # the Assembly-sized demo's public names
from etl.records import needs as need_rows, rows as project_rows
from etl.reference import taxonomy
from etl.shared import identity
from etl.warehouse import load

SCALE = {"teams": 40, "people": 3000, "repositories": 5000, "commits": 1_000_000, "projects": 500, "needs": 60}
SEED = 20261201
AS_OF = demo.DEMO_AS_OF
FIRST_DAY = dt.date(2016, 1, 4)
COMMIT_CHUNK = 200_000
# Share of projects whose furthest stage is each stage on the pathway (the vocabulary's open
# stages, in order); some projects are then retired.
REACH = (0.12, 0.22, 0.3, 0.18, 0.18)

_REGIONS = ["North East and Yorkshire", "North West", "Midlands", "East of England", "London", "South East", "South West"]
_ICBS = ["Greater Manchester", "West Yorkshire", "Cheshire and Merseyside", "Birmingham and Solihull", "Kent and Medway",
         "Frimley", "Bristol North Somerset", "Norfolk and Waveney", "North Central London", "South Yorkshire"]
_TRUSTS = ["Manchester University", "Leeds Teaching Hospitals", "Guy's and St Thomas'", "University Hospitals Birmingham",
           "Oxford University Hospitals", "Newcastle upon Tyne Hospitals", "Cambridge University Hospitals",
           "Royal Free London", "Sheffield Teaching Hospitals", "University Hospitals Bristol and Weston"]
_UNITS = ["Midlands and Lancashire CSU", "North of England CSU", "South Central and West CSU",
          "Arden and GEM CSU", "NHS Business Services Authority"]
_WORDS = ["ae", "waiting", "list", "forecast", "demand", "capacity", "beds", "discharge", "triage", "imaging", "xray",
          "nlp", "incident", "safety", "linkage", "synthetic", "cancer", "screening", "diabetes", "frailty", "mental",
          "health", "maternity", "workforce", "rota", "prescribing", "gp", "referrals", "pathway", "sepsis", "covid",
          "vaccine", "ambulance", "outpatient", "elective", "theatres", "risk", "model", "dashboard", "pipeline",
          "rap", "toolkit", "api", "survey", "text", "audit", "coding", "ehr", "fhir", "population"]
_LANGUAGES = [("Python", 0.46), ("Jupyter Notebook", 0.14), ("R", 0.22), ("TSQL", 0.06), ("JavaScript", 0.04),
              ("HTML", 0.03), ("Shell", 0.02), ("TypeScript", 0.02), ("SAS", 0.01)]
_COMPANIONS = {"Python": ["Jupyter Notebook", "Shell", "Dockerfile", "HTML"], "Jupyter Notebook": ["Python", "HTML"],
               "R": ["HTML", "CSS", "TeX", "Shell"], "TSQL": ["Python", "PowerShell"], "JavaScript": ["HTML", "CSS"],
               "HTML": ["CSS", "JavaScript"], "Shell": ["Python", "Makefile"], "TypeScript": ["JavaScript", "CSS"],
               "SAS": ["TSQL"]}
_BOTS = ["dependabot[bot]", "github-actions[bot]", "pre-commit-ci[bot]", "renovate[bot]"]


# How a long team name is shortened for charts and tables, as people would say it.
_SHORTER = [(" Data Science", " DS"), ("University Hospitals", "UH"), ("Teaching Hospitals", "TH"),
            (" upon Tyne Hospitals", ""), (" Region Analytics", " Region"), (" CSU Analytics", " CSU"),
            ("North East and Yorkshire", "NE and Yorkshire"), ("Business Services Authority Analytics", "BSA")]


def short_name(name: str) -> str:
    """"Cambridge University Hospitals Data Science" -> "Cambridge UH DS": whole words, never cut."""
    for long, short in _SHORTER:
        name = name.replace(long, short)
    return name


def _teams(rng: np.random.Generator) -> tuple[list[dict], list[dict], list[dict]]:
    """40 teams: the Assembly's own (with their dated histories) and teams across the NHS."""
    data = demo.generate_teams()
    teams, history = data["teams"], data["team_history"]
    extra = ([(f"{r} Region Analytics", "NHS England", r) for r in _REGIONS]
             + [(f"{i} ICB Data Science", f"NHS {i} Integrated Care Board", "Integrated care") for i in _ICBS]
             + [(f"{t} Data Science", f"{t} NHS Foundation Trust", "Trust analytics") for t in _TRUSTS]
             + [(f"{u} Analytics", u, "Commissioning support") for u in _UNITS])
    for name, organisation, directorate in extra[: SCALE["teams"] - len(teams)]:
        team_id = demo.slug(name)
        formed = FIRST_DAY + dt.timedelta(days=int(rng.integers(0, 5 * 365)))
        teams.append({"team_id": team_id, "name": name, "short_name": short_name(name),
                      "directorate": directorate, "organisation": organisation,
                      "description": f"Data science and analytics at {organisation}.", "formed_on": formed,
                      "ended_on": None, "successor_team_id": None})
        history.append({"team_id": team_id, "valid_from": formed, "valid_to": None, "name": name,
                        "directorate": directorate, "organisation": organisation, "event": "formed"})
    return teams, history, data["teams"]


def generate(seed: int = SEED) -> Iterator[tuple[str, list[dict]]]:
    """(table, rows) batches for the whole warehouse, in an order that keeps keys satisfied;
    project records and needs come last as ("project_records", records), ("need_records", needs)."""
    rng = np.random.default_rng(seed)
    teams, history, _ = _teams(rng)
    yield "teams", teams
    yield "team_history", history
    team_ids = [t["team_id"] for t in teams]
    live_teams = [t for t in teams if t["ended_on"] is None]
    formed = {t["team_id"]: t["formed_on"] or FIRST_DAY for t in teams}
    ended = {t["team_id"]: t["ended_on"] for t in teams}
    n_teams = len(team_ids)
    # Team sizes are skewed: a few large central teams, many small local ones.
    size_weight = rng.lognormal(0, 0.7, n_teams)
    size_weight /= size_weight.sum()

    # People: logins, keys, dated memberships (some move team, some leave, some have none).
    n_people = SCALE["people"]
    people, memberships, person_team, person_span = [], [], [], []
    as_of = AS_OF.date()
    for i in range(n_people):
        login = f"nhs-analyst-{i:04d}" if i % 9 else None
        key = (identity.key_for_login(login, demo.DEMO_SALT) if login
               else identity.key_for_email(f"analyst{i}@example.nhs.test", demo.DEMO_SALT))
        team = team_ids[int(rng.choice(n_teams, p=size_weight))]
        start = max(formed[team], FIRST_DAY) + dt.timedelta(days=int(rng.integers(0, 3000)))
        start = min(start, as_of - dt.timedelta(days=30))
        if ended[team] and start >= ended[team]:
            start = formed[team]
        end = None
        if ended[team]:
            end = ended[team] - dt.timedelta(days=1)
        elif rng.random() < 0.2:
            end = min(start + dt.timedelta(days=int(rng.integers(200, 2000))), as_of - dt.timedelta(days=1))
        spans = [(team, start, end)]
        if end is None and rng.random() < 0.12 and (as_of - start).days > 400:
            moved_on = start + dt.timedelta(days=int(rng.integers(180, (as_of - start).days - 60)))
            other = live_teams[int(rng.integers(0, len(live_teams)))]["team_id"]
            if other != team:
                spans = [(team, start, moved_on - dt.timedelta(days=1)), (other, moved_on, None)]
        people.append({"person_key": key, "github_login": login, "is_bot": False, "first_seen": start,
                       "source": "demo"})
        if rng.random() < 0.92:  # the rest have no membership: attributed by the inferred rule
            memberships += [{"person_key": key, "team_id": t, "valid_from": s, "valid_to": e} for t, s, e in spans]
        person_team.append(spans)
        person_span.append((spans[0][1], spans[-1][2] or as_of))
    bot_keys = [identity.key_for_login(b, demo.DEMO_SALT) for b in _BOTS]
    people += [{"person_key": k, "github_login": b, "is_bot": True, "first_seen": FIRST_DAY, "source": "demo"}
               for k, b in zip(bot_keys, _BOTS)]
    yield "people", people
    yield "memberships", memberships
    keys = np.array([p["person_key"] for p in people[:n_people]], dtype=object)
    members_of: dict[str, list[int]] = {}
    for i, spans in enumerate(person_team):
        for t, _, _ in spans:
            members_of.setdefault(t, []).append(i)

    # Repositories, each owned by a team, under the team's GitHub organisation.
    n_repos = SCALE["repositories"]
    org_of = {t: ("nhsengland" if t in ("data-science-hub", "analytics-unit", "patient-safety") else
                  "nhsx" if t in ("ai-skunkworks", "ai-imaging") else
                  "nhs-digital" if t == "nhsd-data-science" else t.replace("-data-science", "-ds")[:30]) for t in team_ids}
    owner_idx = rng.choice(n_teams, size=n_repos, p=size_weight)
    lang_names = [l for l, _ in _LANGUAGES]
    lang_p = np.array([p for _, p in _LANGUAGES])
    lang_p /= lang_p.sum()
    primary_idx = rng.choice(len(lang_names), size=n_repos, p=lang_p)
    repos, languages, specs = [], [], []
    used = set()
    for r in range(n_repos):
        team = team_ids[int(owner_idx[r])]
        base = "-".join(rng.choice(_WORDS, size=int(rng.integers(2, 4)), replace=False))
        name = base if base not in used else f"{base}-{r}"
        used.add(name)
        full_name = f"{org_of[team]}/{name}"
        start = max(formed[team], FIRST_DAY)
        stop = ended[team] or as_of
        created = start + dt.timedelta(days=int(rng.integers(0, max(1, (stop - start).days - 20))))
        archived = bool(rng.random() < 0.15)
        last = created + dt.timedelta(days=int(rng.integers(20, 1500)))
        last = min(last, stop, as_of) if archived or ended[team] else as_of
        primary = lang_names[int(primary_idx[r])]
        created_at = dt.datetime.combine(created, dt.time(10, 0)) + dt.timedelta(minutes=int(rng.integers(0, 480)))
        repos.append({"full_name": full_name, "org": org_of[team], "name": name,
                      "description": f"{base.replace('-', ' ').capitalize()} ({team})", "primary_language": primary,
                      "stars": int(rng.zipf(2.2)) - 1, "forks": int(rng.zipf(2.6)) - 1,
                      "open_issues": int(rng.integers(0, 12)), "license": "MIT" if rng.random() < 0.7 else None,
                      "archived": archived, "is_fork": bool(rng.random() < 0.03), "created_at": created_at,
                      "pushed_at": dt.datetime.combine(last, dt.time(16, 0)), "default_branch": "main",
                      "topics": ["nhs"] + list(rng.choice(_WORDS, size=2, replace=False)), "team_id": team,
                      "source": "demo", "html_url": f"https://github.com/{full_name}"})
        size = int(rng.lognormal(12, 1.2))
        languages.append({"full_name": full_name, "language": primary, "bytes": size})
        for extra in rng.choice(_COMPANIONS[primary], size=min(len(_COMPANIONS[primary]), int(rng.integers(0, 3))), replace=False):
            languages.append({"full_name": full_name, "language": str(extra), "bytes": int(size * rng.random() * 0.3) + 1})
        specs.append((full_name, team, created_at, last, primary))
    yield "repositories", repos
    yield "repo_languages", languages

    # Dependencies from the taxonomy, most-used first (a Zipf-like spread over packages).
    by_eco: dict[str, list[str]] = {}
    for row in taxonomy.rows()["package_categories"]:
        by_eco.setdefault(row["ecosystem"], []).append(row["package"])
    deps = []
    for full_name, _, _, _, primary in specs:
        eco, manifest = (("cran", "DESCRIPTION") if primary == "R" else ("pypi", "requirements.txt")
                         if primary in ("Python", "Jupyter Notebook", "TSQL", "Shell", "SAS") else (None, None))
        if eco is None:
            continue
        names = by_eco[eco]
        ranks = np.unique(np.minimum(rng.zipf(1.3, size=int(rng.integers(3, 16))), len(names)) - 1)
        for k in ranks:
            major = int(rng.integers(0, 3))
            deps.append({"full_name": full_name, "manifest_path": manifest, "ecosystem": eco, "package": names[int(k)],
                         "version_spec": f">={major + 1}.{int(rng.integers(0, 10))}" if rng.random() < 0.6 else None,
                         "inferred": False})
    yield "dependencies", deps

    # Commits: 1,000,000 spread over repositories (a long tail), by the owning team's people
    # active at the time, with some from other teams; bots now and then.
    n_commits = SCALE["commits"]
    weight = rng.lognormal(0, 1.3, n_repos)
    counts = np.floor(weight / weight.sum() * (n_commits - n_repos)).astype(int) + 1  # every repository has one
    counts[np.argsort(-weight)[: n_commits - counts.sum()]] += 1  # exactly n_commits in all
    span_start = np.array([(s - FIRST_DAY).days for s, _ in person_span])
    span_end = np.array([(e - FIRST_DAY).days for _, e in person_span])
    batch, coauthors = [], []
    sha_counter = 0
    for (full_name, team, created_at, last, _), n in zip(specs, counts):
        lo = (created_at.date() - FIRST_DAY).days
        hi = max(lo + 1, (last - FIRST_DAY).days)
        days = rng.integers(lo, hi + 1, size=int(n))
        seconds = rng.integers(8 * 3600, 18 * 3600, size=int(n))
        pool = members_of.get(team, [])
        active = [i for i in pool if span_start[i] <= hi and span_end[i] >= lo] or pool
        outsiders = rng.integers(0, n_people, size=int(rng.integers(0, 4)))
        crew = np.array((active[: int(rng.integers(1, 9))] if active else []) + list(outsiders), dtype=int)
        if crew.size == 0:
            crew = rng.integers(0, n_people, size=2)
        crew_w = rng.lognormal(0, 1.0, crew.size)
        authors = crew[rng.choice(crew.size, size=int(n), p=crew_w / crew_w.sum())]
        stamps = (np.datetime64(FIRST_DAY, "s") + days.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")).tolist()
        author_keys = keys[authors]
        bot = rng.random(int(n)) < 0.03
        co = rng.random(int(n)) < 0.02
        for j in range(int(n)):
            sha_counter += 1
            sha = f"{sha_counter * 2654435761 % (1 << 160):040x}"
            batch.append({"full_name": full_name, "sha": sha,
                          "person_key": bot_keys[j % len(bot_keys)] if bot[j] else author_keys[j],
                          "authored_at": stamps[j], "is_merge": False})
            if co[j] and not bot[j]:
                partner = keys[int(crew[(j + 1) % crew.size])]
                if partner != author_keys[j]:
                    coauthors.append({"full_name": full_name, "sha": sha, "person_key": partner})
        if len(batch) >= COMMIT_CHUNK:
            yield "commits", batch
            batch = []
    if batch:
        yield "commits", batch
    yield "commit_coauthors", coauthors

    releases = []
    for full_name, _, created_at, last, _ in specs:
        if rng.random() < 0.35:
            span = max(1, (last - created_at.date()).days)
            for k in range(int(rng.integers(1, 8))):
                when = created_at + dt.timedelta(days=int(span * (k + 1) / 9))
                releases.append({"full_name": full_name, "tag": f"v0.{k + 1}.0", "published_at": when})
    yield "releases", releases

    records = list(_projects(rng, specs, team_ids))
    yield "project_records", records
    yield "need_records", needs(rng, team_ids, [r["id"] for r in records])


def _projects(rng: np.random.Generator, specs: list[tuple], team_ids: list[str]) -> Iterator[dict]:
    """500 project records along the pathway, each with one to three of its team's repositories."""
    repos_of: dict[str, list[tuple]] = {}
    for spec in specs:
        repos_of.setdefault(spec[1], []).append(spec)
    pathway = vocabulary.current()
    stages = vocabulary.ids(pathway.open_stages)
    retired = pathway.stages[-1].id  # the last stage of all
    if len(stages) != len(REACH):
        raise ValueError(f"REACH gives {len(REACH)} shares but the pathway has {len(stages)} open stages "
                         f"({', '.join(stages)}) in data/vocabulary.yml; give one share per stage")
    reach_p = np.array(REACH)
    access = vocabulary.ids(pathway.data_access)
    teams_with_repos = [t for t in team_ids if repos_of.get(t)]
    for n in range(SCALE["projects"]):
        team = teams_with_repos[n % len(teams_with_repos)]
        own = repos_of[team]
        picked = [own[int(i)] for i in rng.choice(len(own), size=min(len(own), int(rng.integers(1, 4))), replace=False)]
        start = min(s[2].date() for s in picked)
        reach = int(rng.choice(len(stages), p=reach_p))
        day, history = start, []
        for stage in stages[: reach + 1]:
            history.append({"stage": stage, "date": day.isoformat()})
            day += dt.timedelta(days=int(rng.integers(40, 400)))
        if rng.random() < 0.08 and day < AS_OF.date():
            history.append({"stage": retired, "date": day.isoformat()})
        history = [h for h in history if h["date"] <= AS_OF.date().isoformat()] or history[:1]
        words = list(rng.choice(_WORDS, size=3, replace=False))
        title = " ".join(words).capitalize()
        partners = [team_ids[int(i)] for i in rng.choice(len(team_ids), size=int(rng.integers(0, 3)), replace=False)
                    if team_ids[int(i)] != team]
        record = {"id": f"{'-'.join(words)}-{n:03d}", "title": f"{title} ({n})",
                  "summary": f"Synthetic project {n} of the NHS-scale warehouse.", "lead_team": team,
                  "partner_teams": partners, "stages": history,
                  "data_access": access[int(rng.integers(0, len(access)))],
                  "repositories": [{"full_name": s[0], "host": "github", "url": f"https://github.com/{s[0]}"}
                                   for s in picked],
                  "tags": {"language": ["python" if picked[0][4] != "R" else "r"]},
                  "outputs": [{"kind": "code", "title": f"Source code: {picked[0][0]}",
                               "url": f"https://github.com/{picked[0][0]}", "date": history[0]["date"]}]}
        yield record


# What the generated needs are about: (category, title, technologies), titles completed by a work area.
_NEED_KINDS = [
    ("platform", "GPU capacity for {}", ["PyTorch", "deep-learning"]),
    ("platform", "Current Python and R on the platform for {}", ["Python", "R"]),
    ("tooling", "Approved large language models for {}", ["Hugging Face Transformers", "nlp"]),
    ("tooling", "Continuous integration for {}", ["pytest", "testthat"]),
    ("data access", "Linked national data for {}", ["SQL (T-SQL)", "Databricks"]),
    ("data access", "Synthetic data for developing {}", ["classical-ml"]),
    ("information governance", "A DPIA template for {}", []),
    ("information governance", "Guidance from R&D to a medical device for {}", ["computer-vision"]),
    ("workforce", "Training in pandas for {}", ["pandas"]),
    ("workforce", "Data science roles for {}", []),
    ("other", "A route to production for {}", ["MLflow", "mlops"]),
    ("other", "Open code publishing for {}", ["dev-tools"]),
]
_ASKED = ["National Data Platform team", "Information Governance team", "Data Access Request Service",
          "Chief Data and Analytics Officer", "NHS England Learning and Development", "Platform Engineering"]


def needs(rng: np.random.Generator, team_ids: list[str], project_ids: list[str]) -> list[dict]:
    """SCALE["needs"] needs in the need format, raised by one to three teams since 2021, each moved
    along a few statuses a meeting or more apart (none after the snapshot), some tied to projects."""
    relations = vocabulary.ids(vocabulary.current().need_relations)
    first = [s.id for s in vocabulary.current().need_statuses if s.first]
    final = [s.id for s in vocabulary.current().need_statuses if s.final]
    middle = [s.id for s in vocabulary.current().need_statuses if not (s.first or s.final)]
    as_of, out = AS_OF.date(), []
    for n in range(SCALE["needs"]):
        category, title, technologies = _NEED_KINDS[n % len(_NEED_KINDS)]
        area = str(rng.choice(_WORDS))
        raised = dt.date(2021, 4, 1) + dt.timedelta(days=int(rng.integers(0, (as_of - dt.date(2021, 4, 1)).days)))
        passed = rng.choice(len(middle), size=int(rng.integers(0, len(middle) + 1)), replace=False)
        path = first + [middle[int(i)] for i in sorted(passed)]
        if rng.random() < 0.4:
            path.append(final[int(rng.integers(0, len(final)))])
        history, day = [], raised
        for status in path:
            if day > as_of:
                break
            asked = None if status in first else _ASKED[int(rng.integers(0, len(_ASKED)))]
            position = f"The Assembly's position on {title.format(area)}: {status.replace('_', ' ')}."
            history.append({"status": status, "date": day, **({"asked": asked} if asked else {}),
                            "position": position})
            day += dt.timedelta(days=int(rng.integers(28, 200)))
        teams = [team_ids[int(i)] for i in rng.choice(len(team_ids), size=int(rng.integers(1, 4)), replace=False)]
        size = min(len(project_ids), int(rng.integers(0, 4)))
        tied = [project_ids[int(i)] for i in rng.choice(len(project_ids), size=size, replace=False)]
        out.append({"id": f"need-{n:03d}", "title": title.format(area), "category": category,
                    "summary": f"Synthetic need {n} of the NHS-scale warehouse.", "raised_by": teams,
                    "raised_on": raised, "technologies": technologies,
                    "projects": [{"project": p, "relation": relations[int(rng.integers(0, len(relations)))]}
                                 for p in tied], "history": history})
    return out


def build(path: Path, *, seed: int = SEED, wait: float = 0, progress=lambda table, rows: None) -> dict[str, int]:
    """Write the NHS-scale warehouse at `path` (replacing it atomically); returns row counts."""
    with pipeline.build(Path(path), "demo", wait=wait) as b:
        b.contents = "demo"
        b.meta["demo_scale"] = "nhs"
        b.data_as_of = AS_OF
        team_ids: set[str] = set()
        project_ids: set[str] = set()
        n_repos = n_commits = 0
        for table, rows in generate(seed):
            if table == "project_records":
                project_rows.save_projects(b.con, demo.checked_records(rows, team_ids))
                project_ids = {r["id"] for r in rows}
            elif table == "need_records":
                need_rows.save_needs(b.con, demo.checked_needs(rows, team_ids, project_ids))
            else:
                load.save_rows(b.con, table, rows)
            if table == "teams":
                team_ids = {t["team_id"] for t in rows}
            n_repos += len(rows) if table == "repositories" else 0
            n_commits += len(rows) if table == "commits" else 0
            progress(table, len(rows))
        b.stats.update(repos_seen=n_repos, repos_changed=n_repos, commits_added=n_commits,
                       message="demo data, NHS scale")
        counts = warehouse.row_counts(b.con)
    return counts


def describe(counts: dict[str, int]) -> str:
    keys = ("teams", "people", "repositories", "commits", "projects", "needs")
    return ", ".join(f"{counts[k]:,} {k}" for k in keys)

