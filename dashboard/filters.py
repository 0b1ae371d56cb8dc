"""The shared filters: teams and period, in the sidebar and in the URL.

The widgets live in app.py's frame, so they keep their values across page switches, and
their choices live in the URL by id (`?team=ai-skunkworks&team=dc-london&period=fy-2025-26`)
so that a copied link reproduces the view, whatever the teams are called by then. read_link
and write_link do the same for a page's own choice of a project or a year.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analyses.periods import Period, find as find_period, previous
from etl.config import ROOT
from publish.text import day, plain


@dataclass(frozen=True)
class Filters:
    teams: tuple[str, ...]  # team_ids; empty means every team
    period: Period
    team_names: dict[str, str]
    first_day: dt.date | None = None  # of the data: periods before it have nothing to compare

    @property
    def before(self) -> Period | None:
        """The period of equal length just before the chosen one, to compare with (none before the data)."""
        return previous(self.period, self.first_day or self.period.start)

    def params(self) -> dict:
        """Parameters for queries that take a period and a team list."""
        return {"date_from": self.period.start, "date_to": self.period.end, "teams": list(self.teams)}

    def describe(self) -> str:
        who = ", ".join(self.team_names[t] for t in self.teams) if self.teams else "all teams"
        return f"{who} · {self.period.label} ({day(self.period.start)} to {day(self.period.end)})"


def sidebar(teams: pd.DataFrame, periods: list[Period], team_names: pd.DataFrame | None = None) -> Filters:
    """Draw the shared filters and remember the choice for the page about to run.

    The link carries team ids and a period key (`?team=ai-imaging&period=fy-2025-26`). Links
    made before, with the names shown on screen (`team=AI+Imaging`, `period=All+time`), and a
    team's earlier names (rows of `team_names`: team_id, name) still open the same view; a name
    the data does not know is said in a notice (app.py shows it above the page)."""
    names = dict(zip(teams.team_id, teams.short_name))
    by_key = {p.key: p for p in periods}
    default = periods[0].key
    aliases = {} if team_names is None else dict(zip(team_names.name, team_names.team_id))  # earlier names first,
    aliases |= dict(zip(teams.name, teams.team_id)) | dict(zip(teams.short_name, teams.team_id))  # today's win
    read_link("team", names, multiple=True, aliases=aliases, what="team", fallback="all teams")
    read_link("period", {p.key: p.label for p in periods}, find=lambda name: getattr(find_period(periods, name), "key", None),
              default=default, what="period", fallback=by_key[default].label)
    with st.sidebar:
        st.header("Filters")
        chosen = st.multiselect(
            "Teams", options=list(names), format_func=names.get, key="team", persist_state="session",
            placeholder="All teams", help="Leave empty to include every team.",
        )
        period_key = st.selectbox(
            "Period", options=list(by_key), format_func=lambda k: by_key[k].label, key="period",
            persist_state="session", help="Periods end on the date the data was taken.",
        )
    write_link("team", chosen)
    write_link("period", period_key, default=default)
    current = Filters(tuple(chosen), by_key[period_key], names, min(p.start for p in periods))
    st.session_state["filters"] = current
    return current


# ---------------------------------------------------------------------------------------
# Choices in the URL, by id
#
# A widget bound to the URL by Streamlit (bind="query-params") writes the label it shows, so a
# renamed team or project broke every saved link, and a value it did not know was dropped
# without a word. These widgets keep ids in the URL instead. The URL is read when it differs
# from what this session last wrote there: a new link, or the browser's back and forward
# buttons. A page switch drops these parameters from the URL (Streamlit keeps only those of its
# own bound widgets), and the widget keeps its value: the next write puts them back.

_WRITTEN = "_link_written"   # session state: what each key last put in the URL
_NOTICE = "_link_notice_"    # session state, per key: the notice, the value it explains, the page it is for


def _in_url(key: str) -> tuple[str, ...] | None:
    return tuple(st.query_params.get_all(key)) if key in st.query_params else None


def resolve(names: list[str], ids: dict[str, str], aliases: dict[str, str] | None = None, *,
            find=None) -> tuple[list[str], list[str]]:
    """The ids a link's values name, and the values naming nothing. A value is an id, or names
    one through `aliases` (a label or former name, any case) or `find`."""
    lookup = {str(a).casefold(): i for a, i in (aliases or {}).items() if i in ids}
    lookup |= {i.casefold(): i for i in ids}
    found, unknown = [], []
    for name in names:
        name = " ".join(name.split())
        hit = name if name in ids else lookup.get(name.casefold()) or (find(name) if find else None)
        if hit in ids:
            found += [] if hit in found else [hit]
        elif name:
            unknown.append(name)
    return found, unknown


def read_link(key: str, ids: dict[str, str], *, multiple: bool = False, aliases: dict[str, str] | None = None,
              find=None, default: str | None = None, what: str, where: str = "", fallback: str) -> None:
    """Before the widget `key` is drawn: set it from the URL, when the URL names something new.
    A name the link gives that `ids` lacks leaves a notice for show_notices ("No team 'x':
    showing all teams.")."""
    given = _in_url(key)
    if given is None or given == st.session_state.get(_WRITTEN, {}).get(key):
        return
    found, unknown = resolve(list(given), ids, aliases, find=find)
    value = found if multiple else (found[0] if found else default)
    st.session_state[key] = value
    st.session_state[_WRITTEN] = {**st.session_state.get(_WRITTEN, {}), key: given}
    st.session_state.pop(_NOTICE + key, None)
    if unknown:
        shown = ", ".join(ids[i] for i in found) if found else fallback
        notice = f"No {what}{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}{where}: showing {shown}."
        st.session_state[_NOTICE + key] = {"notice": notice, "value": value, "page": None}


def write_link(key: str, value, *, default=None) -> None:
    """After the widget `key` is drawn: put its value (an id, or a list of ids) in the URL, or
    take the parameter out when the value is the default."""
    values = tuple(value) if isinstance(value, list | tuple) else () if value is None or value == default else (value,)
    if _in_url(key) != (values or None):
        if values:
            st.query_params[key] = list(values) if len(values) > 1 else values[0]
        else:
            del st.query_params[key]
    st.session_state[_WRITTEN] = {**st.session_state.get(_WRITTEN, {}), key: values or None}


def show_notices(keys: tuple[str, ...], page: str) -> None:
    """The notices read_link left for `keys`, on the page the link opened (`page`, its URL path),
    while the widget keeps the value the notice explains. As plain text: the names come from
    the URL."""
    for key in keys:
        notice = st.session_state.get(_NOTICE + key)
        if not notice:
            continue
        notice["page"] = page if notice["page"] is None else notice["page"]
        if notice["page"] == page and st.session_state.get(key) == notice["value"]:
            st.warning(plain(notice["notice"]), icon=":material/link_off:")


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


# Whether a run in this process has called st.navigation yet (see framed).
_navigation_seen = False


def framed() -> None:
    """Call right after app.py's st.navigation: reruns once if this was the first run of the
    server process to call it.

    Until some run has called st.navigation, a freshly started server is in Streamlit's legacy
    pages-folder mode (see leave_pages_folder_mode), and in that first run the sidebar's widgets
    get other ids than in every later run: the frontend's first change to a filter would go to
    the old id and be lost (the team chosen would not be taken). Run again, the frame draws them
    under their lasting ids before anyone can touch them. tests/test_browser.py
    (test_team_filter_survives_page_switch_in_page_and_url, on a freshly started server) fails
    if this goes."""
    global _navigation_seen
    if not _navigation_seen:
        _navigation_seen = True
        st.rerun()


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
