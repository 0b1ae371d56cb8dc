"""The demo's fixed points: the snapshot, the commit window, the seed and salt, where its files
are, and the date helpers every part of the generator uses."""
from __future__ import annotations

import datetime as dt
import random

from etl import config

DEMO_AS_OF = dt.datetime(2026, 9, 30, 17, 0)
DEMO_SALT = "assembly-insights-demo"
DEMO_SEED = 20260930

#: Commits span exactly the three years up to the snapshot.
COMMITS_FROM = dt.date(2023, 10, 1)
COMMITS_TO = DEMO_AS_OF.date()

DEMO_DIR = config.DATA_DIR / "demo"
TEAMS_FILE = DEMO_DIR / "teams.yml"
PROJECTS_DIR = DEMO_DIR / "projects"
NEEDS_DIR = DEMO_DIR / "needs"
REPOSITORIES_FILE = DEMO_DIR / "repositories.yml"


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day from `start` to `end` (both included); `start` if the span is empty."""
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def workday(d: dt.date, backwards: bool = False) -> dt.date:
    """The date itself on a weekday; otherwise the Monday after (or the Friday before)."""
    while d.weekday() >= 5:
        d += dt.timedelta(days=-1 if backwards else 1)
    return d
