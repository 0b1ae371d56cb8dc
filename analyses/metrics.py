"""The dashboard's headline measures: each named, defined in one line, and computed by one
named query, for the pages, the annual report and the case study alike.

A figure shown anywhere under one of these names comes from here, so the same words mean the
same number on every page and in every report. Measures that sound alike but count different
things have different names: "Operational now" (the stage on the last day) is not "Ever
reached operational" (at any time up to it), nor "Went operational in the period".

`value(key, run, start, end, teams)` computes one; `run(name, **params)` runs a named query
(analyses.queries.run on a cursor, or the dashboard's cached `data.query`), so each caller
keeps its own connection and cache while the definition stays here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

Run = Callable[..., pd.DataFrame]

OPERATIONAL = "operational"  # the pathway stage whose reach the operational measures count
TOP_TEAMS = 10               # teams with a row of their own in team_activity (the Overview's table)
LIBRARIES = 15               # the most widely used libraries library_adoption gives (the Tech stack's heatmap)


@dataclass(frozen=True)
class Metric:
    key: str
    name: str          # as shown beside the figure
    definition: str    # one line, shown where the figure is (help text, note or footnote)
    query: str         # the named query (analyses/queries/<query>.sql) that computes it
    ask: Callable[[dt.date, dt.date, tuple[str, ...]], dict]  # the query's parameters for a period and teams
    read: Callable[..., float]  # the figure from the query's result (and the teams, and any options)
    percent: bool = False

    def value(self, run: Run, start: dt.date, end: dt.date, teams=(), **options) -> float:
        teams = tuple(teams)
        return self.read(run(self.query, **self.ask(start, end, teams)), teams, **options)

    def shown(self, value: float) -> str:
        """The figure as the pages and reports print it."""
        return f"{value:.0%}" if self.percent else f"{int(value):,}"


def _period(start, end, teams):
    return {"date_from": start, "date_to": end, "teams": list(teams)}


def _on_day(start, end, teams):
    return {"date_to": end, "teams": list(teams)}


def _activity(start, end, teams):
    return {**_period(start, end, teams), "top": TOP_TEAMS}


def _all_teams_row(column: str):
    def read(frame: pd.DataFrame, teams) -> int:
        return int(frame.loc[frame.place == 0, column].iloc[0])
    return read


def _moved(move: str):
    def read(frame: pd.DataFrame, teams) -> int:
        return int(frame.loc[frame.move == move, "project_id"].nunique())
    return read


def _links(frame: pd.DataFrame, teams, link: str = "people") -> pd.DataFrame:
    return frame[frame.link == link]


def _teams_linked(frame: pd.DataFrame, teams, link: str = "people") -> int:
    chosen = _links(frame, teams, link)
    linked = set(chosen.team_a_id) | set(chosen.team_b_id)
    return len(linked & set(teams)) if teams else len(linked)


def _library(start, end, teams):
    return {**_period(start, end, teams), "category": "", "max_packages": LIBRARIES}


def _language_repositories(frame: pd.DataFrame, teams, language: str = "Python") -> int:
    return int(frame.loc[frame.language == language, "repositories"].sum())


def _library_teams(frame: pd.DataFrame, teams, package: str = "pandas") -> int:
    return int(frame.loc[(frame.package == package) & (frame.team != "No team"), "team"].nunique())


def _share_across(frame: pd.DataFrame, teams) -> float:
    total = frame.contributions.sum()
    across = frame.loc[frame.home_team_id != frame.repo_team_id, "contributions"].sum()
    return float(across / total) if total else 0.0


CATALOGUE = [
    # Projects and the pathway
    Metric("projects", "Projects", "Projects started by the end of the period, at any stage.",
           "projects_by_stage", _on_day, lambda f, t: int(f.projects.sum())),
    Metric("operational_now", "Operational now", "Projects at the Operational stage on the last day of the period.",
           "projects_by_stage", _on_day, lambda f, t: int(f.loc[f.stage == OPERATIONAL, "projects"].sum())),
    Metric("ever_operational", "Ever reached operational",
           "Projects that reached Operational by the end of the period, even if they have since left it.",
           "pathway_progress", _on_day, lambda f, t: int((f.reached_stage == OPERATIONAL).sum())),
    Metric("started", "Started in the period", "Projects whose first recorded stage began in the period.",
           "project_moves", _period, _moved("started")),
    Metric("moved_on", "Moved on in the period",
           "Projects that entered a later stage, other than Operational, in the period.",
           "project_moves", _period, _moved("advanced")),
    Metric("went_operational", "Went operational in the period", "Projects that entered Operational in the period.",
           "project_moves", _period, _moved("deployed")),
    Metric("stopped", "Paused or retired in the period", "Projects paused or retired in the period.",
           "project_moves", _period, _moved("stopped")),
    # Activity in the teams' repositories
    Metric("commits", "Commits", "Commits by people (not bots) to the chosen teams' repositories in the period.",
           "team_activity", _activity, _all_teams_row("commits")),
    Metric("active_repositories", "Active repositories",
           "The chosen teams' repositories with a commit by a person in the period.",
           "team_activity", _activity, _all_teams_row("repositories")),
    Metric("contributors", "Contributors",
           "People (not bots) committing to the chosen teams' repositories, each once across accounts.",
           "team_activity", _activity, _all_teams_row("contributors")),
    Metric("active_teams", "Teams with commits", "Teams owning a repository with a commit by a person in the period.",
           "team_activity", _activity, _all_teams_row("teams")),
    Metric("teams_selected", "Teams in the selection", "The teams chosen in the sidebar; all teams when none is chosen.",
           "team_list", lambda s, e, t: {}, lambda f, t: len(t) or len(f)),
    # Languages and libraries
    Metric("language_repositories", "Active repositories in the language",
           "The chosen teams' repositories with a commit by a person in the period whose code is at least a tenth "
           "the language.", "languages_by_team", _period, _language_repositories),
    Metric("library_teams", "Teams using the library",
           "Teams with a repository active in the period that depends on the library.",
           "library_adoption", _library, _library_teams),
    # Collaboration
    Metric("teams_linked", "Teams with a link",
           "Teams joined to another team by the chosen kind of link in the period.",
           "collab_links", _period, _teams_linked),
    Metric("team_pairs_linked", "Team pairs linked", "Pairs of teams sharing at least one contributor in the period.",
           "collab_links", _period, lambda f, t, link="people": len(_links(f, t, link))),
    Metric("cross_team_repositories", "Cross-team repositories",
           "Repositories with contributors from two or more teams in the period.",
           "cross_team_repositories", _period, lambda f, t: len(f)),
    Metric("cross_team_projects", "Cross-team projects",
           "Projects with partner teams, or contributors from two or more teams.",
           "cross_team_projects", _period, lambda f, t: len(f)),
    Metric("share_across_teams", "Contributions across teams",
           "Share of contributions (commits, co-authorships) made in other teams' repositories.",
           "collab_flows", _period, _share_across, percent=True),
]
METRICS = {m.key: m for m in CATALOGUE}


def get(key: str) -> Metric:
    if key not in METRICS:
        raise KeyError(f"no measure {key!r}; known: {', '.join(METRICS)}")
    return METRICS[key]


def value(key: str, run: Run, start: dt.date, end: dt.date, teams=(), **options) -> float:
    """The measure `key` for the period start..end and the teams (empty: all)."""
    return get(key).value(run, start, end, teams, **options)


def compared(key: str, run: Run, start: dt.date, end: dt.date, before: tuple[dt.date, dt.date] | None,
             teams=(), **options) -> tuple[float, float | None]:
    """The measure `key` for start..end, and for the period `before` (its first and last days;
    analyses.periods.previous gives the one of equal length just before), by the same
    definition; None for no period before."""
    now = value(key, run, start, end, teams, **options)
    return now, (value(key, run, *before, teams, **options) if before else None)
