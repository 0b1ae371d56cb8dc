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
from etl.config import ROOT
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

    A page can start without the frame once: see leave_pages_folder_mode.
    """
    if "filters" not in st.session_state:
        leave_pages_folder_mode()
        st.rerun()
    from dashboard import access  # a page never runs for someone the frame would turn away

    if not access.current().allowed:
        st.rerun()
    return st.session_state["filters"]


def leave_pages_folder_mode() -> None:
    """Make the next run start from app.py, when a page script was run without it.

    A `pages/` folder beside app.py puts a freshly started Streamlit server in its legacy
    multipage mode: until some run has called st.navigation, the first visit to a deep link
    (e.g. /repositories?team=...) runs that page's script alone, without the frame. Calling
    st.navigation (public API) turns the legacy mode off for the whole server, as app.py's own
    call would have; the page then reruns, framed, with the link's parameters kept. The
    navigation made here (the same pages, so the link's page is kept) is hidden and never run. tests/test_browser.py
    (test_link_with_filters_opens_the_same_view, on a freshly started server) fails if
    Streamlit changes this.
    """
    # Every page under the name the legacy mode gave it ("overview" too, which is the default in
    # app.py and so has no name there), so that the link's page is found and none is "not found".
    st.navigation([st.Page(ROOT / "app.py", default=True), *pages(with_default=False)], position="hidden")


def pages(*, with_default: bool = True) -> list:
    """The dashboard's pages, in menu order (app.py's navigation); the Overview is the default."""
    folder = ROOT / "pages"
    return [
        st.Page(folder / "overview.py", title="Overview", icon=":material/dashboard:", default=with_default),
        st.Page(folder / "projects.py", title="Projects", icon=":material/folder_open:"),
        st.Page(folder / "pathway.py", title="Pathway", icon=":material/conversion_path:"),
        st.Page(folder / "tech_stack.py", title="Tech stack", icon=":material/stacks:"),
        st.Page(folder / "radar.py", title="Tech radar", icon=":material/radar:"),
        st.Page(folder / "collaboration.py", title="Collaboration", icon=":material/hub:"),
        st.Page(folder / "repositories.py", title="Repositories", icon=":material/code:"),
        st.Page(folder / "reports.py", title="Reports", icon=":material/summarize:"),
        st.Page(folder / "data.py", title="Data", icon=":material/database:"),
    ]
