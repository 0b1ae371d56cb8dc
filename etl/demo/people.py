"""The demo's people: made-up logins (adjective-animal style), people known only by a made-up
work address, dated memberships with joiners, moves and leavers, and bots; then the rows of
the people, memberships and person_aliases tables once the commits are known.

The people are synthetic, so they are generated here rather than listed as members in
data/demo/teams.yml; the plan below names the teams of that file.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from etl.demo.settings import COMMITS_TO, DEMO_SALT, rand_date, workday
from etl.shared import identity

# People plan: (team, members, of whom joined during the commit window)
TEAM_PLAN = [
    ("ai-skunkworks", 9, 2),
    ("ai-imaging", 7, 1),
    ("analytics-unit", 8, 2),
    ("data-science-hub", 11, 3),
    ("patient-safety", 7, 2),
    ("nhsd-data-science", 10, 1),
    ("dc-london", 4, 1),
    ("covid-analytics", 4, 0),
]
# People known only by a work address (commits from machines not linked to GitHub).
NO_LOGIN = [("nhsd-data-science", 4), ("dc-london", 2), ("patient-safety", 1), ("analytics-unit", 1)]
# One-off moves between teams (besides the staff of a team that ended moving to its successor).
# People who moved still look after some of their old team's code: each move is a link between
# the two teams that the collaboration pages can explain.
MOVES = [("nhsd-data-science", "data-science-hub"), ("nhsd-data-science", "data-science-hub"),
         ("ai-skunkworks", "ai-imaging"), ("dc-london", "analytics-unit"), ("analytics-unit", "data-science-hub")]
LEAVERS = 6
BOTS = ["dependabot[bot]", "github-actions[bot]", "pre-commit-ci[bot]"]
# A team that has since ended took on its people in its first months, up to this day.
ENDED_TEAMS_HIRED_UNTIL = dt.date(2021, 9, 30)

_ADJECTIVES = ["quiet", "azure", "brisk", "calm", "clever", "coral", "dapper", "eager", "fuzzy", "gentle",
               "hazy", "jolly", "keen", "lunar", "mellow", "foggy", "nimble", "oaken", "plucky", "rapid",
               "rustic", "pebbly", "silver", "snowy", "sunlit", "teal", "tidy", "urban", "vivid", "witty",
               "woolly", "zesty", "bold", "cosy", "dusky", "frosty", "golden", "humble", "icy", "lucky"]
_ANIMALS = ["otter", "badger", "heron", "puffin", "hedgehog", "wren", "kestrel", "marten", "newt", "vole",
            "stoat", "curlew", "plover", "lynx", "hare", "dunlin", "dormouse", "osprey", "gannet", "weasel",
            "finch", "avocet", "bittern", "shrew", "pika", "tern", "ibis", "gecko", "lemur", "narwhal",
            "walrus", "quokka", "panda", "koala", "bison", "moose", "yak", "okapi", "tapir", "wombat"]
_D = dt.date.fromisoformat


class Person:
    __slots__ = ("key", "login", "weight", "spans", "bot")

    def __init__(self, key: str, login: str | None, weight: float, bot: bool = False):
        self.key, self.login, self.weight, self.bot = key, login, weight, bot
        self.spans: list[list] = []  # [team_id, valid_from, valid_to or None]

    @property
    def start(self) -> dt.date:
        return self.spans[0][1]

    @property
    def end(self) -> dt.date:
        return self.spans[-1][2] or COMMITS_TO

    def team_at(self, d: dt.date) -> str | None:
        for team, start, end in self.spans:
            if start <= d and (end is None or d <= end):
                return team
        return None

    def joined(self, d: dt.date) -> dt.date:
        """When they joined the team they are in on `d` (or their first day)."""
        return next((start for _, start, end in self.spans if start <= d and (end is None or d <= end)), self.start)

    def in_team(self, team: str, start: dt.date, end: dt.date) -> bool:
        return any(t == team and s <= end and (e is None or e >= start) for t, s, e in self.spans)


@dataclass
class Staff:
    """Everyone, and the views of them the commit generator needs."""
    people: list[Person]
    humans: list[Person]
    bots: dict[str, Person]  # by login
    humans_by_team: dict[str, list[Person]]  # everyone who was ever in the team


def staff(people: list[Person]) -> Staff:
    humans = [p for p in people if not p.bot]
    by_team: dict[str, list[Person]] = {}
    for p in humans:
        for team, _, _ in p.spans:
            if p not in by_team.setdefault(team, []):
                by_team[team].append(p)
    return Staff(people, humans, {p.login: p for p in people if p.bot}, by_team)


def _make_logins(rng: random.Random, n: int) -> list[str]:
    logins: list[str] = []
    while len(logins) < n:
        adj, animal = rng.choice(_ADJECTIVES), rng.choice(_ANIMALS)
        style = rng.random()
        if style < 0.45:
            login = f"{adj}-{animal}-{rng.randint(2, 99)}"
        elif style < 0.65:
            login = f"{adj}{animal}{rng.randint(1, 9)}"
        elif style < 0.85:
            login = f"{animal}-{adj}"
        else:
            login = f"ds-{animal}{rng.randint(10, 99)}"
        if login not in logins and not identity.is_bot(login):
            logins.append(login)
    return logins


def make_people(rng: random.Random, teams: dict[str, list[dict]]) -> list[Person]:
    """Everyone who works in the demo, with dated team spans, following the people plan;
    `teams` holds the rows of the teams and team_history tables."""
    formed: dict[str, dt.date] = {}
    for period in sorted(teams["team_history"], key=lambda h: h["valid_from"]):
        formed.setdefault(period["team_id"], period["valid_from"])
    ended = {t["team_id"]: t["ended_on"] for t in teams["teams"]}
    successor = {t["team_id"]: t["successor_team_id"] for t in teams["teams"]}
    unknown = sorted({t for t, _, _ in TEAM_PLAN} - set(ended))
    if unknown:
        raise ValueError(f"the demo's people plan (etl/demo/people.py) names team(s) {', '.join(unknown)}, "
                         "which are not in data/demo/teams.yml")
    total = sum(n for _, n, _ in TEAM_PLAN)
    logins = _make_logins(rng, total)
    people: list[Person] = []
    by_team: dict[str, list[Person]] = {}
    joiners: list[Person] = []
    for team, size, n_join in TEAM_PLAN:
        for j in range(size):
            login = logins[len(people)]
            weight = 0.3 if j == 0 else rng.lognormvariate(0, 0.55)
            p = Person(identity.key_for_login(login, DEMO_SALT), login, weight)
            if ended[team]:
                join = workday(rand_date(rng, formed[team], ENDED_TEAMS_HIRED_UNTIL))
            elif j >= size - n_join:
                join = workday(rand_date(rng, _D("2023-10-16"), _D("2026-06-30")))
                joiners.append(p)
            else:
                join = workday(rand_date(rng, max(formed[team], _D("2019-04-01")), _D("2023-09-15")))
            p.spans.append([team, join, None])
            people.append(p)
            by_team.setdefault(team, []).append(p)

    # People seen only through a work address: re-key them from a made-up address.
    n_addr = 0
    for team, k in NO_LOGIN:
        for p in rng.sample(by_team[team], k):
            n_addr += 1
            p.login = None
            p.key = identity.key_for_email(f"analyst{n_addr * 7 + 3}@example.nhs.test", DEMO_SALT)

    # A team that ended (the COVID-19 cell): all but one of its staff moved to its successor.
    for team, members in by_team.items():
        if ended[team]:
            for i, p in enumerate(members):
                p.spans[0][2] = ended[team] - dt.timedelta(days=1)
                if successor[team] and i < len(members) - 1:
                    p.spans.append([successor[team], ended[team], None])

    moved: list[Person] = []
    for src, dst in MOVES:
        candidates = [p for p in by_team[src] if p not in joiners and p not in moved]
        p = rng.choice(candidates)
        when = workday(rand_date(rng, max(p.start + dt.timedelta(days=180), _D("2022-06-01")), _D("2026-03-31")))
        p.spans[0][2] = when - dt.timedelta(days=1)
        p.spans.append([dst, when, None])
        moved.append(p)

    stayers = [p for p in people if p not in moved and p not in joiners
               and not ended[p.spans[0][0]] and p.weight != 0.3]
    for p in rng.sample(stayers, LEAVERS):
        p.spans[-1][2] = workday(rand_date(rng, max(p.start + dt.timedelta(days=365), _D("2024-01-15")), _D("2026-07-31")), True)

    for login in BOTS:
        people.append(Person(identity.key_for_login(login, DEMO_SALT), login, 1.0, bot=True))
    return people


def people_rows(people: list[Person], commits: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rows of people (first seen at their first membership or commit) and memberships; a bot
    that never committed has no row."""
    first_commit: dict[str, dt.date] = {}
    for c in commits:
        day = c["authored_at"].date()
        if c["person_key"] not in first_commit or day < first_commit[c["person_key"]]:
            first_commit[c["person_key"]] = day
    rows, memberships = [], []
    for p in people:
        seen = [first_commit[p.key]] if p.key in first_commit else []
        seen += [s for _, s, _ in p.spans]
        if not seen:
            continue
        rows.append({"person_key": p.key, "github_login": p.login, "is_bot": identity.is_bot(p.login),
                     "first_seen": min(seen), "source": "demo"})
        for team, since, until in p.spans:
            memberships.append({"person_key": p.key, "team_id": team, "valid_from": since, "valid_to": until})
    return rows, memberships


def identity_cases(people_rows: list[dict], memberships: list[dict],
                   commits: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """What real estates hold and the collaboration analysis must handle: people who also commit
    from an e-mail address linked to no GitHub account (joined by aliases), and people with no
    membership in the teams file (attributed to a team by inference). A generator of its own
    keeps everything else as it was."""
    rng = random.Random("demo identity cases")
    commits_by_person: dict[str, int] = {}
    for c in commits:
        commits_by_person[c["person_key"]] = commits_by_person.get(c["person_key"], 0) + 1
    spans: dict[str, int] = {}
    for m in memberships:
        spans[m["person_key"]] = spans.get(m["person_key"], 0) + 1
    humans = sorted((p for p in people_rows if not p["is_bot"] and commits_by_person.get(p["person_key"], 0) >= 100),
                    key=lambda p: p["person_key"])
    # Five people commit some of their work from a laptop whose address GitHub cannot link.
    aliases, new_people = [], []
    for p in rng.sample(humans, 5):
        alias = identity.key_for_email(f"{p['person_key']}.laptop@example.nhs.test", DEMO_SALT)
        mine = [c for c in commits if c["person_key"] == p["person_key"]]
        moved = [c for c in mine if rng.random() < 0.2]
        for c in moved:
            c["person_key"] = alias
        if moved:
            new_people.append({"person_key": alias, "github_login": None, "is_bot": False,
                               "first_seen": min(c["authored_at"] for c in moved).date(), "source": "demo"})
            aliases.append({"alias_key": alias, "person_key": p["person_key"]})
    # Three people with one membership are not in the teams file at all (visiting fellows).
    single = [p for p in humans if spans.get(p["person_key"]) == 1 and p["person_key"] not in
              {a["person_key"] for a in aliases}]
    unlisted = {p["person_key"] for p in rng.sample(single, 3)}
    memberships = [m for m in memberships if m["person_key"] not in unlisted]
    return people_rows + new_people, memberships, aliases
