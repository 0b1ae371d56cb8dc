"""The shared filters: teams and period, in the sidebar and in the URL.

The widgets live in app.py's frame, so they keep their values across page switches, and
they are bound to query parameters (`?team=ai-skunkworks&team=dc-london&period=fy-2025-26`)
so that a copied link reproduces the view.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analyses.periods import Period
from publish.text import day


@dataclass(frozen=True)
class Filters:
    teams: tuple[str, ...]  # team_ids; empty means every team
    period: Period
    team_names: dict[str, str]

    def params(self) -> dict:
        """Parameters for queries that take a period and a team list."""
        return {"date_from": self.period.start, "date_to": self.period.end, "teams": list(self.teams)}

    def describe(self) -> str:
        who = ", ".join(self.team_names[t] for t in self.teams) if self.teams else "all teams"
        return f"{who} · {self.period.label} ({day(self.period.start)} to {day(self.period.end)})"


def sidebar(teams: pd.DataFrame, periods: list[Period]) -> Filters:
    """Draw the shared filters and remember the choice for the page about to run."""
    names = dict(zip(teams.team_id, teams.short_name))
    by_key = {p.key: p for p in periods}
    with st.sidebar:
        st.header("Filters")
        chosen = st.multiselect(
            "Teams", options=list(names), format_func=names.get, key="team", bind="query-params", persist_state="session",
            placeholder="All teams", help="Leave empty to include every team.",
        )
        period_key = st.selectbox(
            "Period", options=list(by_key), format_func=lambda k: by_key[k].label, key="period",
            bind="query-params", persist_state="session", help="Periods end on the date the data was taken.",
        )
    current = Filters(tuple(chosen), by_key[period_key], names)
    st.session_state["filters"] = current
    return current


def current() -> Filters:
    """The filters chosen in the sidebar for this run of the page.

    A page can start without the frame once: on a freshly started server, Streamlit serves
    the first visit to a deep link (e.g. /repositories?team=...) in its legacy pages/ folder
    mode, running the page script alone until some run has called st.navigation. The page
    then switches that mode off and reruns, so app.py frames it and the link is kept.
    """
    if "filters" not in st.session_state:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    from dashboard import access  # a page never runs for someone the frame would turn away

    if not access.current().allowed:
        st.rerun()
    return st.session_state["filters"]
