"""The demo's commits: who works on each repository, when they commit (working hours, UK
time, holidays, a project's stage), what bots commit, co-authors, and releases tagged on
commits; plain dicts shaped like the commits, commit_coauthors and releases rows."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import random

from etl.demo import repositories
from etl.demo.people import Person, Staff
from etl.demo.settings import COMMITS_FROM, COMMITS_TO, DEMO_AS_OF


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _last_sunday(year: int, month: int) -> dt.date:
    d = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def _uk_to_utc(local: dt.datetime) -> dt.datetime:
    """UK local time to UTC (British Summer Time from the last Sunday of March to that of October)."""
    y = local.year
    bst = _last_sunday(y, 3) <= local.date() < _last_sunday(y, 10)
    return local - dt.timedelta(hours=1) if bst else local


_DAY_WEIGHTS = [1.0, 1.1, 1.1, 1.05, 0.8, 0.05, 0.04]  # Monday..Sunday
_HOURS = list(range(7, 23))
_HOUR_WEIGHTS = [0.3, 1.0, 2.2, 3.0, 3.0, 1.8, 2.2, 3.0, 3.0, 2.5, 1.4, 0.6, 0.35, 0.3, 0.25, 0.12]


def _season(d: dt.date) -> float:
    """Holiday dips (August, Christmas) and modest growth over the three years."""
    if (d.month == 12 and d.day >= 21) or (d.month == 1 and d.day <= 2):
        f = 0.12
    elif d.month == 12 and d.day >= 14:
        f = 0.75
    elif d.month == 8:
        f = 0.6
    elif d.month == 4 and d.day <= 14:
        f = 0.85
    else:
        f = 1.0
    return f * (0.9 + 0.15 * max(0, (d - COMMITS_FROM).days) / 1096)


# How much more than the others a repository's maintainer commits: usually a lead among peers;
# on a repository marked `key_person`, most of the work rests on one person (bus factor 1).
MAINTAINER, KEY_PERSON = 1.6, 6.0
HANDOVER_DAYS = 60


def contributors(rng: random.Random, spec: dict, people: list[Person],
                 humans_by_team: dict) -> list[tuple[Person, float, bool]]:
    """Regular contributors of a repository: (person, weight, from the owning team). The owning
    team's people, and one or two from each team the hints name as contributing (a shared
    toolkit, a joint project); the Assembly's own repositories (no team) take anyone. Teams
    work in pockets: nobody else commits, so every link between teams has a reason."""
    start, end = max(spec["created"], COMMITS_FROM), spec["end"]
    team = spec["staff_team"]
    chosen: list[tuple[Person, float, bool]] = []

    def overlapping(t):
        return [p for p in humans_by_team.get(t, []) if p.in_team(t, start, end)]

    def take(pool, k, factor, home):
        pool = [p for p in pool if all(p is not c[0] for c in chosen)]
        for _ in range(min(k, len(pool))):
            weights = [p.weight for p in pool]
            p = rng.choices(pool, weights)[0]
            pool.remove(p)
            # How busy someone is on this repository: their pace, evened out (a team shares its work).
            chosen.append((p, p.weight ** 0.5 * rng.lognormvariate(0, 0.3) * factor, home))

    if team is None:
        everyone = [p for p in people if not p.bot and p.start <= end and p.end >= start]
        take(everyone, rng.randint(4, 8), 1.0, True)
        return chosen
    home = overlapping(team)
    take(home, rng.randint(3, 8), 1.0, True)
    if chosen:
        p, w, h = chosen[0]
        chosen[0] = (p, w * (KEY_PERSON if spec["extras"].get("key_person") else MAINTAINER), h)
    for partner in spec["partners"]:
        take(overlapping(partner), rng.randint(1, 2), 0.6, False)
    return chosen


def _commit_times(rng: random.Random, spec: dict, hints: dict, start: dt.date, end: dt.date, rate: float):
    """Yield commit instants (UTC) week by week, with the week's date for choosing an author."""
    monday = start - dt.timedelta(days=start.weekday())
    created_in_window = spec["created"] >= COMMITS_FROM
    while monday <= end:
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        weights = [(_DAY_WEIGHTS[i] * _season(d) if start <= d <= end else 0.0) for i, d in enumerate(days)]
        total = sum(weights)
        if total > 0:
            mid = monday + dt.timedelta(days=3)
            stage = repositories.stage_activity(spec, hints, mid)
            lam = rate * stage * rng.uniform(0.4, 1.6) * total / 5.05
            if created_in_window and (mid - spec["created"]).days < 42:
                lam *= 2.0
            for _ in range(_poisson(rng, lam)):
                d = rng.choices(days, weights)[0]
                local = dt.datetime(d.year, d.month, d.day, rng.choices(_HOURS, _HOUR_WEIGHTS)[0],
                                    rng.randint(0, 59), rng.randint(0, 59))
                yield d, _uk_to_utc(local)
        monday += dt.timedelta(days=7)


def _bot_times(rng: random.Random, bot: str, start: dt.date, end: dt.date, schedule: str):
    d = start
    while d <= end:
        if bot == "github-actions[bot]":
            if schedule == "daily" or (schedule == "weekly" and d.weekday() == 0):
                yield dt.datetime(d.year, d.month, d.day, 6, rng.randint(2, 25), rng.randint(0, 59))
        elif d.weekday() == 0:
            if bot == "dependabot[bot]" and rng.random() < 0.4:
                for _ in range(rng.choice([1, 1, 1, 2, 3])):
                    day = d + dt.timedelta(days=rng.choice([0, 0, 1, 2, 3]))
                    if day <= end:
                        yield dt.datetime(day.year, day.month, day.day, rng.randint(3, 6), rng.randint(0, 59), rng.randint(0, 59))
            elif bot == "pre-commit-ci[bot]" and rng.random() < 0.3:
                yield dt.datetime(d.year, d.month, d.day, 17, rng.randint(0, 59), rng.randint(0, 59))
        d += dt.timedelta(days=1)


def _versions(rng: random.Random, n: int) -> list[str]:
    major, minor, patch = 0, 1, 0
    tags = []
    for i in range(n):
        tags.append(f"v{major}.{minor}.{patch}")
        r = rng.random()
        if r < (0.2 if major == 0 and i >= 3 else 0.03 if i >= 8 else 0):
            major, minor, patch = major + 1, 0, 0
        elif r < 0.6:
            minor, patch = minor + 1, 0
        else:
            patch += 1
    return tags



def repository_commits(rng: random.Random, spec: dict, hints: dict,
                       staff: Staff) -> tuple[dt.datetime, list[dict], list[dict]]:
    """When the repository was created, and its commit and co-author rows, oldest first."""
    full_name, kind = spec["full_name"], spec["kind"]
    start, end = max(spec["created"], COMMITS_FROM), min(spec["end"], COMMITS_TO)
    rate = repositories.weekly_rate(rng, spec, hints)
    regulars = contributors(rng, spec, staff.people, staff.humans_by_team)

    repo_commits: list[tuple[dt.datetime, Person, bool]] = []
    # The first commit comes minutes after the repository is created.
    created_at = dt.datetime.combine(spec["created"], dt.time(rng.randint(9, 16), rng.randint(0, 59), rng.randint(0, 59)))
    if spec["created"] >= COMMITS_FROM and regulars:
        maintainer = regulars[0][0]
        if maintainer.start <= spec["created"] <= maintainer.end:
            repo_commits.append((created_at + dt.timedelta(minutes=rng.randint(1, 20)), maintainer, False, [maintainer]))
    if created_at >= DEMO_AS_OF:
        created_at = DEMO_AS_OF - dt.timedelta(days=3)

    week_cache: dict[dt.date, tuple[list, list]] = {}
    for d, when in _commit_times(rng, spec, hints, start, end, rate):
        if when >= DEMO_AS_OF or when <= created_at:
            continue
        monday = d - dt.timedelta(days=d.weekday())
        if monday not in week_cache:
            week_cache[monday] = _authors_of_week(rng, spec, regulars, staff, d)
        pool, weights = week_cache[monday]
        if not pool:
            continue
        author = rng.choices(pool, weights)[0]
        if not author.start <= d <= author.end:
            continue
        repo_commits.append((when, author, rng.random() < 0.09, pool))

    bot_schedule = []
    if spec["extras"].get("actions") and not spec["archived"]:
        bot_schedule.append(("github-actions[bot]", spec["extras"]["actions"]))
    if kind in ("ml", "nlp", "imaging", "lib", "dash_py", "dash_js", "sql", "docs") and not spec["tidy"] \
            and not spec["extras"].get("fork") and (rng.random() < 0.35 or full_name == repositories.TOOLKIT):
        bot_schedule.append(("dependabot[bot]", ""))
    if kind in ("ml", "nlp", "lib", "dash_py") and not spec["tidy"] and rng.random() < 0.18:
        bot_schedule.append(("pre-commit-ci[bot]", ""))
    bot_start = start + dt.timedelta(days=14) if spec["created"] >= COMMITS_FROM else start
    for bot, schedule in bot_schedule:
        for when in _bot_times(rng, bot, bot_start, end, schedule):
            if created_at < when < DEMO_AS_OF:
                repo_commits.append((when, staff.bots[bot], False, []))

    repo_commits.sort(key=lambda c: (c[0], c[1].key))
    commits, coauthors = [], []
    for i, (when, author, merge, around) in enumerate(repo_commits):
        sha = hashlib.sha1(f"{full_name}\n{i}\n{when.isoformat()}".encode()).hexdigest()
        commits.append({"full_name": full_name, "sha": sha, "person_key": author.key, "authored_at": when,
                        "is_merge": merge})
        day = when.date()
        if not author.bot and not merge and rng.random() < 0.035:
            # Pair programming: with someone who works on the repository that week.
            pool = [p for p in around if p is not author and p.start <= day <= p.end]
            if pool:
                coauthors.append({"full_name": full_name, "sha": sha, "person_key": rng.choice(pool).key})
    return created_at, commits, coauthors


def _authors_of_week(rng: random.Random, spec: dict, regulars: list, staff: Staff, d: dt.date) -> tuple[list, list]:
    """Who may author a commit in the week of `d`, with weights: the regulars who are around,
    else someone in the team then, who becomes a regular. Someone who moved to another team
    hands their work over within HANDOVER_DAYS, except the repository they maintained: they
    still look after it now and then."""
    owning = spec["staff_team"]
    pool, weights = [], []
    for i, (p, w, home) in enumerate(regulars):
        if p.start <= d <= p.end:
            moved_away = home and owning is not None and p.team_at(d) != owning
            if moved_away and i > 0 and (d - p.joined(d)).days > HANDOVER_DAYS:
                continue
            pool.append(p)
            weights.append(w * (0.15 if moved_away else 1.0))
    if not pool and owning is not None:
        team_now = [p for p in staff.humans_by_team.get(owning, []) if p.team_at(d) == owning]
        if team_now:
            p = rng.choice(team_now)
            regulars.append((p, p.weight, True))
            pool, weights = [p], [1.0]
    return pool, weights


def releases(rng: random.Random, spec: dict, commits: list[dict], bot_keys: set[str]) -> list[dict]:
    """Release rows of a busy repository, each tagged minutes after a human commit."""
    if spec["extras"].get("fork") or spec["kind"] in ("docs", "notebooks") or len(commits) < 40 \
            or not (rng.random() < 0.55 or spec["kind"] == "lib"):
        return []
    human = [c for c in commits if not c["is_merge"] and c["person_key"] not in bot_keys]
    n_tags = max(1, min(16, len(human) // rng.randint(50, 120)))
    picks = sorted(rng.sample(range(len(human)), min(n_tags, len(human))))
    # Repositories older than the commit window had releases before it.
    years_before = max(0, (COMMITS_FROM - spec["created"]).days) / 365
    earlier = int(years_before * rng.uniform(1.0, 4.0))
    return [{"full_name": spec["full_name"], "tag": tag,
             "published_at": human[idx]["authored_at"] + dt.timedelta(minutes=rng.randint(2, 90))}
            for tag, idx in zip(_versions(rng, earlier + len(picks))[earlier:], picks)]
