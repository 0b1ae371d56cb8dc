"""The dashboard's figures: one function per chart, cached and shared between sessions.

Pages fetch query results and pass them here; each function builds its Plotly figure once per
distinct input (see charts.cached) so a page shown again, by anyone, does not pay for
Plotly's figure building again. Functions here live in a module rather than in the page
scripts so that Streamlit registers each cache once per process, not on every run of a page.
The Collaboration page's figures are in dashboard.collaboration_figures.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analyses import vocabulary
from dashboard import charts
from publish import theme


def by_group(frame: pd.DataFrame, *, x: str, y: str, group: str, kind: str = "bar", colours: dict | None = None,
             order: list | None = None, labels: dict | None = None, hover: list[str] | None = None,
             orientation: str | None = None, text: str | None = None, marker: dict | None = None,
             partial=None) -> go.Figure:
    """One trace per value of `group` (a team, a language): bars, lines with markers, stacked
    areas or points. Built with graph_objects, about ten times faster than Plotly Express for
    the same figure, which matters with forty teams. Values of `group` take their colour from
    `colours` (grey when it does not name them), else the categorical palette; `order` fixes the
    legend order (default: first seen). `partial` lists the values of `x` that are part periods
    (a year or quarter to date): their bars are hatched and hollow, their points hollow and
    joined by a dotted line, so a part year does not pass for a decline."""
    labels = labels or {}
    partial = set(partial or ())
    keys = order if order is not None else list(dict.fromkeys(frame[group]))
    parts = dict(tuple(frame.groupby(group, sort=False))) if len(frame) else {}

    def named(column: str) -> str:  # an axis may go untitled (""), a hover line still needs a name
        return labels.get(column) or column.replace("_", " ").capitalize()

    (category, category_column), (value, value_column) = (("y", y), ("x", x)) if orientation == "h" else (("x", x), ("y", y))
    extra = "".join(f"<br>{named(h)}: %{{customdata[{i}]}}" for i, h in enumerate(hover or []))
    hovertemplate = (f"<b>%{{fullData.name}}</b><br>{named(category_column)}: %{{{category}}}"
                     f"<br>{named(value_column)}: %{{{value}}}{extra}<extra></extra>")
    def common(part: pd.DataFrame, key) -> dict:
        return dict(x=part[x].to_numpy(), y=part[y].to_numpy(), name=str(key), legendgroup=str(key),
                    text=part[text].to_numpy() if text else None,
                    customdata=part[hover].to_numpy() if hover else None, hovertemplate=hovertemplate)

    traces = []
    for i, key in enumerate(keys):
        part = parts.get(key)
        if part is None:
            continue
        if colours is not None:
            colour = colours.get(key, theme.UNMAPPED)
        else:
            colour = theme.CATEGORICAL[i] if i < len(theme.CATEGORICAL) else theme.UNMAPPED
        is_part = part[x].isin(partial).to_numpy() if partial else None
        if kind == "bar":
            style = dict(color=colour)
            if partial and is_part.any():
                style.update(line=dict(color=colour, width=1.5),
                             pattern=dict(shape=["/" if p else "" for p in is_part], fillmode="replace",
                                          fgcolor=colour, bgcolor="white", solidity=0.35))
            traces.append(go.Bar(**common(part, key), marker=style, orientation=orientation,
                                 textposition="auto" if text else None))
        elif kind == "line" and partial and is_part.any():
            whole = part[~is_part]
            traces.append(go.Scatter(**common(whole, key), mode="lines+markers", line=dict(color=colour),
                                     marker=dict(color=colour)))
            bridge = pd.concat([whole.tail(1), part[is_part]])
            traces.append(go.Scatter(**common(bridge, key), mode="lines+markers", showlegend=whole.empty,
                                     line=dict(color=colour, dash="dot"),
                                     marker=dict(color=colour, size=9, symbol=["circle" if j < len(whole.tail(1)) else "circle-open"
                                                                                for j in range(len(bridge))],
                                                 line=dict(width=2, color=colour))))
        elif kind == "line":
            traces.append(go.Scatter(**common(part, key), mode="lines+markers", line=dict(color=colour), marker=dict(color=colour)))
        elif kind == "area":
            traces.append(go.Scatter(**common(part, key), mode="lines", stackgroup="one", line=dict(color=colour, width=0.5),
                                     fillcolor=colour))
        elif kind == "points":
            traces.append(go.Scatter(**common(part, key), mode="markers", marker=dict(marker or {}, color=colour)))
        else:
            raise ValueError(f"unknown kind {kind!r}")
    fig = go.Figure(traces)
    fig.update_layout(xaxis_title=labels.get(x, x), yaxis_title=labels.get(y, y),
                      legend_title_text=labels.get(group, group), legend_tracegroupgap=0)
    return fig


TEXT_CELLS = 400


def heatmap(grid: pd.DataFrame, *, colours: list[str], label: str) -> go.Figure:
    """A labelled heatmap of `grid` (rows down, columns across) with each cell's value written in
    it (up to TEXT_CELLS cells; on hover beyond); empty (NaN) cells stay blank."""
    z = grid.astype(float).astype(object).where(grid.notna(), None).to_numpy().tolist()
    written = grid.size <= TEXT_CELLS  # beyond that the numbers cannot be read, and slow the browser
    fig = go.Figure(go.Heatmap(z=z, x=[str(c) for c in grid.columns], y=[str(i) for i in grid.index],
                               texttemplate="%{z}" if written else None, colorscale=[[0, colours[0]], [1, colours[1]]], showscale=False,
                               hovertemplate=f"%{{y}} · %{{x}}<br>{label}: %{{z}}<extra></extra>", hoverongaps=False))
    fig.update_layout(yaxis=dict(autorange="reversed"))
    return fig


def other_label(count: int, noun: str = "teams") -> str:
    """The name of a group of the rest: "Other (33 teams)"."""
    return f"Other ({count} {noun if count != 1 else noun.removesuffix('s')})"


def is_other(name) -> bool:
    return isinstance(name, str) and name.startswith("Other (")


def fold_groups(frame: pd.DataFrame, *, group: str, x: str, y: str, colours: dict, how: str = "sum",
                sums: tuple[str, ...] = ()) -> tuple[pd.DataFrame, dict]:
    """Keep a chart of teams legible, with one colour per team: the teams with a colour of their
    own (theme.team_colours: the teams with the most commits, all time, or those chosen) keep it;
    the others, grey, are drawn together as "Other (k teams)": summed per `x` (how="sum", also
    summing the columns in `sums`), their earliest `y` per `x` (how="min"), or left out
    (how="drop", for rates that cannot be added up). A single grey team keeps its name. Forty
    stacked traces in repeating colours say nothing, and take the browser a second to draw.
    Returns the frame, its rows in legend order (coloured teams by rank, then the rest), and the
    colours of its groups in that order."""
    if how not in ("sum", "min", "drop"):
        raise ValueError(f"unknown how {how!r}")
    groups = list(dict.fromkeys(frame[group]))
    rank = {c: i for i, c in enumerate(theme.CATEGORICAL)}
    kept = sorted((g for g in groups if theme.has_colour(colours, g)), key=lambda g: rank.get(colours[g], len(rank)))
    rest = [g for g in groups if g not in kept]
    order = {g: i for i, g in enumerate(kept + rest)}
    if len(rest) <= 1:
        palette = {g: colours.get(g, theme.UNMAPPED) for g in kept + rest}
        return frame.sort_values(group, key=lambda c: c.map(order), kind="stable"), palette
    other = other_label(len(rest))
    palette = {**{g: colours[g] for g in kept}, other: theme.UNMAPPED}
    if how == "drop":
        palette.pop(other)
        shown = frame[frame[group].isin(kept)]
        return shown.sort_values(group, key=lambda c: c.map(order), kind="stable"), palette
    folded_frame = frame.assign(**{group: frame[group].where(frame[group].isin(kept), other)})
    if how == "sum":
        folded_frame = folded_frame.groupby([x, group], as_index=False, sort=False)[[y, *sums]].sum()
    else:
        folded_frame = folded_frame.groupby([x, group], as_index=False, sort=False)[y].min()
    order[other] = len(kept)
    return folded_frame.sort_values(group, key=lambda c: c.map(order), kind="stable"), palette


def folded(frame: pd.DataFrame, colours: dict, group: str = "team") -> bool:
    """True when fold_groups groups some of this frame's teams as "Other" (for a caption saying so)."""
    return not frame.empty and sum(not theme.has_colour(colours, g) for g in frame[group].unique()) > 1


FOLDED_NOTE = (f"{theme.TEAM_COLOUR_RULE}, shown together as *Other*. Choose teams in the sidebar to see any "
               "of them.")


def top_and_rest(frame: pd.DataFrame, *, group: str, weight: str, keep: int, by: list[str],
                 sums: list[str]) -> tuple[pd.DataFrame, list]:
    """`frame` with only its `keep` heaviest values of `group` (by total `weight`, then name) and
    the rest summed (columns `sums`, per `by`) as one "Other (k teams)" group; and the groups in
    order, heaviest first, the rest last. For charts that give each team a row: forty rows
    of bars or cells cannot be read on one screen."""
    totals = frame.groupby(group)[weight].sum()
    ranked = sorted(totals.index, key=lambda g: (-totals[g], str(g)))
    if len(ranked) <= keep + 1:
        return frame, ranked
    kept, other = ranked[:keep], other_label(len(ranked) - keep)
    rest = frame[~frame[group].isin(kept)].groupby(by, as_index=False, sort=False)[sums].sum().assign(**{group: other})
    return pd.concat([frame[frame[group].isin(kept)], rest], ignore_index=True), [*kept, other]


# ---------------------------------------------------------------------------------------
# Overview page

@charts.cached
def stages_figure(stages):
    """One bar per pathway stage, in the stage's colour: a single trace (no legend is needed), so
    the browser draws it in about half the time a trace per stage takes."""
    fig = go.Figure(go.Bar(
        x=stages.projects.to_numpy(), y=stages.label.to_numpy(), orientation="h", text=stages.projects.to_numpy(),
        textposition="auto", marker=dict(color=[theme.STAGE_COLOURS.get(s, theme.UNMAPPED) for s in stages.stage]),
        hovertemplate="<b>%{y}</b><br>Projects: %{x}<extra></extra>"))
    fig.update_layout(showlegend=False, xaxis_title="Projects", yaxis=dict(autorange="reversed"), height=340)
    return fig


@charts.cached
def activity_figure(monthly, colours):
    monthly, colours = fold_groups(monthly, group="team", x="month", y="commits", colours=colours, sums=("contributors",))
    fig = by_group(monthly, x="month", y="commits", group="team", colours=colours, hover=["contributors"],
                   labels={"month": "", "commits": "Commits", "team": "Team", "contributors": "Contributors"})
    fig.update_traces(xhoverformat="%b %Y")  # a month's bar, not its first day
    fig.update_layout(barmode="stack", legend_title_text="", height=420)
    return fig


# ---------------------------------------------------------------------------------------
# Pathway page

@charts.cached
def funnel_figure(labels: list, reached: list, stages: list):
    fig = go.Figure(go.Funnel(y=labels, x=reached, textinfo="value+percent initial",
                              marker=dict(color=[theme.STAGE_COLOURS[s] for s in stages])))
    fig.update_layout(height=380)
    return fig


@charts.cached
def reached_by_team_figure(counts, colours):
    counts, colours = fold_groups(counts, group="team", x="stage", y="size", colours=colours)
    fig = by_group(counts, x="stage", y="size", group="team", colours=colours,
                   labels={"stage": "", "size": "Projects", "team": "Lead team"})
    fig.update_layout(barmode="stack", height=380, legend_title_text="")
    return fig


@charts.cached
def reached_by_year_figure(counts):
    fig = by_group(counts, x="stage", y="size", group="start_year", order=sorted(counts.start_year.unique()),
                   labels={"stage": "", "size": "Projects", "start_year": "Started"})
    fig.update_layout(height=380, barmode="group")
    return fig


@charts.cached
def durations_figure(done, labels: list):
    fig = px.box(done, x="label", y="days", points="all", color="stage", color_discrete_map=theme.STAGE_COLOURS,
                 category_orders={"label": labels}, hover_data={"stage": False, "project_id": True},
                 labels={"label": "Stage", "days": "Days in stage", "project_id": "Project"})
    fig.update_layout(showlegend=False, height=380, xaxis_title_text="")  # the stages name themselves
    return fig


# ---------------------------------------------------------------------------------------
# Tech stack page

def language_shares(shown: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each team's languages as shares of the team's total (`column`: repositories or bytes),
    with the total and the team's label naming it ("AI Imaging (412)")."""
    total = shown.groupby("team")[column].transform("sum")
    return shown.assign(share=(100 * shown[column] / total).round(1), total=total)


@charts.cached
def languages_figure(shown, column: str, language_colours: dict, teams: list):
    """Each team's languages as shares of its repositories (or bytes), a team a row in the order
    of `teams` (heaviest first, an "Other" group last): shares compare teams of any size, and the
    group of the rest with them. Hover gives the counts."""
    shares = language_shares(shown, column)
    fig = by_group(shares, x="share", y="team", group="language", orientation="h", colours=language_colours,
                   order=[lang for lang in language_colours if lang in set(shown.language)], hover=[column],
                   labels={"team": "", "share": "Share of " + ("bytes of code" if column == "bytes" else "repositories")
                           + " (%)", "bytes": "Bytes of code", "repositories": "Repositories", "language": "Language"})
    fig.update_layout(barmode="stack", height=100 + 34 * len(teams), legend_title_text="", margin=dict(t=20),
                      xaxis=dict(range=[0, 100], ticksuffix="%"),
                      yaxis=dict(categoryorder="array", categoryarray=list(reversed(teams)), dtick=1))
    return fig


@charts.cached
def languages_time_figure(over_time, language_colours: dict):
    fig = by_group(over_time, x="quarter", y="repositories", group="language", kind="area", colours=language_colours,
                   order=[lang for lang in language_colours if lang in set(over_time.language)],
                   labels={"quarter": "", "repositories": "Active repositories", "language": "Main language"})
    fig.update_layout(height=340, legend_title_text="")
    return fig


ADOPTION_SCALE = ["#C6DBEF", theme.NHS_DARK_BLUE]  # the palest cell still stands out from an empty one


@charts.cached
def adoption_figure(grid):
    """Teams (rows) by libraries (columns): repositories using each, written in the cell. A row
    named "Other (k teams)" (figures.other_label) holds the sum of many teams: it is written on a
    grey band, not coloured, so it does not wash out the rest."""
    others = [t for t in grid.index if is_other(t)]
    fig = heatmap(grid.where(~grid.index.to_series().map(is_other), None), colours=ADOPTION_SCALE, label="Repositories")
    fig.update_traces(zmin=1, xgap=2, ygap=2, textfont=dict(size=13))
    for name in others:
        row = grid.loc[name]
        used = row.dropna()
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=grid.index.get_loc(name) - 0.5,
                      y1=grid.index.get_loc(name) + 0.5, fillcolor=theme.NHS_PALE_GREY, line_width=0, layer="below")
        fig.add_trace(go.Scatter(x=[str(c) for c in used.index], y=[name] * len(used), mode="text",
                                 text=[f"{v / 1000:.1f}k" if v >= 1000 else f"{v:,.0f}" for v in used],
                                 textfont=dict(size=12, color=theme.NHS_DARK_GREY),
                                 showlegend=False, hovertemplate="%{y} · %{x}<br>Repositories: %{text}<extra></extra>"))
    # Labels turned 50 degrees stand out to the right of their column: room for the last one.
    last = theme.text_width(str(grid.columns[-1]), theme.FONT_SIZE) if len(grid.columns) else 0
    fig.update_layout(height=150 + 28 * len(grid) + 6 * max((len(str(c)) for c in grid.columns), default=0),
                      yaxis=dict(autorange="reversed", dtick=1, showgrid=False), showlegend=False,
                      margin=dict(r=int(0.7 * last) + 20), plot_bgcolor="white",
                      xaxis=dict(side="top", tickangle=-50, dtick=1, showgrid=False))
    return fig


@charts.cached
def first_use_figure(first_use, colours: dict):
    """A row per library, a point per team at the day its first repository using the library
    started. Teams sit a little apart within each row, in legend order, so teams that started on
    the same day are all seen."""
    first_use, colours = fold_groups(first_use, group="team", x="package", y="first_used", colours=colours, how="min")
    packages = sorted(first_use.package.unique(), key=lambda p: str(p).casefold())
    row = {p: i for i, p in enumerate(packages)}
    teams = list(colours)
    spread = min(0.6, 0.09 * (len(teams) - 1))
    offset = {t: (spread * (i / (len(teams) - 1) - 0.5) if len(teams) > 1 else 0.0) for i, t in enumerate(teams)}
    fig = go.Figure()
    for team in teams:
        part = first_use[first_use.team == team]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part.first_used.to_numpy(), y=[row[p] + offset[team] for p in part.package], mode="markers",
            name=str(team), legendgroup=str(team), customdata=part.package.to_numpy(),
            marker=dict(size=12, color=colours[team], line=dict(width=1, color="white")),
            hovertemplate="<b>%{fullData.name}</b><br>Library: %{customdata}<br>First repository using it started: "
                          "%{x|%d %b %Y}<extra></extra>"))
    fig.update_layout(height=150 + 34 * len(packages), legend_title_text="",
                      xaxis_title="First repository using it started",
                      yaxis=dict(tickmode="array", tickvals=list(range(len(packages))), ticktext=packages,
                                 range=[len(packages) - 0.5, -0.5], showgrid=False, zeroline=False))
    for i in range(1, len(packages)):
        fig.add_hline(y=i - 0.5, line=dict(color=theme.NHS_PALE_GREY, width=1))
    return fig


BEHIND_COLOUR = "#D55E00"  # Okabe-Ito vermillion: a warning that reads for colour-blind people too
CURRENT_COLOUR = theme.NHS_PALE_GREY


def version_grid(spread: pd.DataFrame) -> pd.DataFrame:
    """One row per team and library from version_spread's rows: the majors pinned ("1.x, 2.x"),
    the newest major in use anywhere, whether the team is behind on it (an older major pinned by
    any of its repositories), and the repositories per major, for hover."""
    rows = []
    for (team, package), part in spread.groupby(["team", "package"], sort=True):
        part = part.sort_values("major_version")
        rows.append({"team": team, "package": package,
                     "majors": ", ".join(f"{int(m)}.x" for m in part.major_version),
                     "newest": f"{int(part.newest_major.iloc[0])}.x", "behind": bool(part.behind.any()),
                     "repositories": "; ".join(f"{int(m)}.x in {int(n):,}" for m, n in
                                               zip(part.major_version, part.repositories))})
    return pd.DataFrame(rows, columns=["team", "package", "majors", "newest", "behind", "repositories"])


@charts.cached
def versions_figure(grid: pd.DataFrame, packages: list):
    """A team by library table (version_grid): each cell the major versions the team pins,
    highlighted where the team is behind the newest major in use. Teams behind on the most
    libraries first."""
    behind_count = grid.groupby("team").behind.sum()
    teams = sorted(behind_count.index, key=lambda t: (-behind_count[t], t))
    cells = grid.set_index(["team", "package"])
    z, text, hover = [], [], []
    for team in teams:
        z.append([]), text.append([]), hover.append([])
        for package in packages:
            if (team, package) not in cells.index:
                z[-1].append(None), text[-1].append(""), hover[-1].append("")
                continue
            cell = cells.loc[(team, package)]
            z[-1].append(2 if cell.behind else 1)
            text[-1].append(cell.majors)
            hover[-1].append(f"{html.escape(str(cell.repositories))} repositories; newest in use {cell.newest}")
    fig = go.Figure(go.Heatmap(
        z=z, x=packages, y=teams, text=text, texttemplate="%{text}", customdata=hover, zmin=1, zmax=2,
        colorscale=[[0, CURRENT_COLOUR], [0.5, CURRENT_COLOUR], [0.5, BEHIND_COLOUR], [1, BEHIND_COLOUR]],
        showscale=False, xgap=3, ygap=3, hoverongaps=False, textfont=dict(size=14),
        hovertemplate="<b>%{y}</b> · %{x}<br>Pinned: %{text}<br>%{customdata}<extra></extra>"))
    for name, colour in (("On the newest major in use", CURRENT_COLOUR), ("Behind: an older major pinned", BEHIND_COLOUR)):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, showlegend=True,
                                 marker=dict(symbol="square", size=16, color=colour, line=dict(width=1, color=theme.NHS_MID_GREY))))
    fig.update_layout(height=150 + 30 * len(teams), plot_bgcolor="white",
                      legend=dict(orientation="h", x=0, y=0, yanchor="bottom", yref="container", font=dict(size=14)),
                      xaxis=dict(side="top", dtick=1, showgrid=False), margin=dict(b=50),
                      yaxis=dict(autorange="reversed", dtick=1, showgrid=False))
    return fig


# ---------------------------------------------------------------------------------------
# Radar page

# Rings (from the centre) and quadrants, with their labels and the rings' colours, are the
# vocabulary's (data/vocabulary.yml).
RINGS = vocabulary.current().rings
QUADRANTS = vocabulary.ids(vocabulary.current().quadrants)
QUADRANT_LABELS = vocabulary.labels(vocabulary.current().quadrants)
# The width of each ring's band, from the centre out: the inner rings are wider because they
# hold the most entries, the outer ones wide enough for their names. One width per ring of the vocabulary (a test checks it).
RING_WIDTHS = (1.6, 1.1, 0.75, 0.65)


def ring_edges() -> dict[str, tuple[float, float]]:
    """Each ring's band (inner, outer radius), from the centre."""
    edges, inner = {}, 0.0
    for ring, width in zip(RINGS, RING_WIDTHS, strict=True):
        edges[ring.id] = (inner, inner + width)
        inner += width
    return edges


RING_EDGES = ring_edges()
RADIUS = max(outer for _, outer in RING_EDGES.values())
SPAN = 360 / len(QUADRANTS)  # degrees of each quadrant


def positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Place each entry in its quadrant's sector and its ring's band, spread so blips do not
    sit on each other: evenly over the angle, alternating between two radii when crowded, and
    clear of the sector's edges, where the ring names are written."""
    out = []
    for (quadrant, ring), group in frame.groupby(["quadrant", "ring"]):
        start = SPAN * (QUADRANTS.index(quadrant) if quadrant in QUADRANTS else 0)
        low, high = RING_EDGES[ring]
        # Two radii when crowded, three when very crowded; near the centre, where arcs are short,
        # blips keep out where there is room.
        shares = ((0.55,) if len(group) <= 3 else (0.3, 0.75) if len(group) <= 6 else (0.22, 0.8, 0.5))
        if ring == RINGS[0].id:
            shares = ((0.65,) if len(group) <= 3 else (0.5, 0.85) if len(group) <= 6 else (0.45, 0.93, 0.7))
        for i, row in enumerate(group.sort_values("number").itertuples()):
            angle = start + SPAN * (14 + 66 * (i + 0.5) / len(group)) / 90  # clear of the sector's edges
            radius = low + (high - low) * shares[i % len(shares)]
            out.append({**row._asdict(), "theta": angle, "r": radius})
    return pd.DataFrame(out)


# Where each quadrant's legend goes beside the radar (paper coordinates): the quadrants on the
# left of the circle (90 to 270 degrees) have theirs on the left, the others on the right; the
# upper ones from the top down, the lower ones from the bottom up.
RADAR_DOMAIN = (0.21, 0.79)
RADAR_TEXT = "#212B32"  # the dashboard's text colour (.streamlit/config.toml)


def _legend_place(quadrant_index: int) -> dict:
    middle = SPAN * (quadrant_index + 0.5)
    left, upper = 90 < middle < 270, middle < 180
    return dict(x=0 if left else 1, xanchor="left" if left else "right", y=1 if upper else 0,
                yanchor="top" if upper else "bottom")


def _ink(colour: str) -> str:
    """White or dark text, whichever reads on `colour` (#RRGGBB)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    light = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2]
    return "#FFFFFF" if (1.05 / (light + 0.05)) >= 4.5 else RADAR_TEXT


@charts.cached
def radar_figure(radar: pd.DataFrame) -> go.Figure:
    """The radar: blips by quadrant and ring, each ring in its own colour (the vocabulary's),
    numbered, with a legend per quadrant beside the circle naming every number under its ring.
    Diamonds with a dark edge (and a diamond after the name) mark entries whose use disagrees.
    The rings are named along the line between the right-hand quadrants, where no blip sits."""
    placed = positions(radar)
    fig = go.Figure()
    for ring in RINGS:
        part = placed[placed.ring == ring.id] if len(placed) else placed
        disagree = part.disagreement.notna() if len(part) else pd.Series(dtype=bool)
        fig.add_trace(go.Scatterpolar(
            r=part.get("r", []), theta=part.get("theta", []), mode="markers+text", name=ring.label,
            text=part.number.astype(str) if len(part) else [], textfont=dict(size=10, color=_ink(ring.colour)),
            marker=dict(size=20, color=ring.colour, symbol=["diamond" if d else "circle" for d in disagree],
                        line=dict(width=[2.5 if d else 1 for d in disagree],
                                  color=[RADAR_TEXT if d else "white" for d in disagree])),
            customdata=part[["name", "quadrant", "teams_recent", "evidence_ring"]].fillna("not measured").values
            if len(part) else [],
            hovertemplate="<b>%{text}. %{customdata[0]}</b><br>%{customdata[1]}<br>teams using: %{customdata[2]}"
                          "<br>evidence: %{customdata[3]}<extra></extra>"))
    middles = [(low + high) / 2 for low, high in RING_EDGES.values()]
    fig.update_layout(
        height=640, showlegend=False, margin=dict(l=10, r=10, t=10, b=10),
        polar=dict(domain=dict(x=list(RADAR_DOMAIN), y=[0, 1]),
                   radialaxis=dict(range=[0, RADIUS], tickvals=middles, ticktext=[r.label for r in RINGS],
                                   showline=False, showgrid=False, angle=0, tickangle=0, side="counterclockwise",
                                   ticks="", tickfont=dict(size=12, color=theme.NHS_DARK_GREY, weight="bold")),
                   angularaxis=dict(tickvals=[SPAN * (i + 0.5) for i in range(len(QUADRANTS))],
                                    ticktext=[QUADRANT_LABELS[q] for q in QUADRANTS], showticklabels=False,
                                    direction="counterclockwise", rotation=0, showgrid=False, showline=False)))
    # Ring edges and quadrant lines, drawn as lines so they sit where the bands are.
    for _, edge in RING_EDGES.values():
        fig.add_trace(go.Scatterpolar(r=[edge] * 361, theta=list(range(361)), mode="lines", hoverinfo="skip",
                                      line=dict(color=theme.NHS_PALE_GREY, width=2), showlegend=False))
    for angle in (SPAN * i for i in range(len(QUADRANTS))):
        fig.add_trace(go.Scatterpolar(r=[0, RADIUS], theta=[angle, angle], mode="lines", hoverinfo="skip",
                                      line=dict(color=theme.NHS_MID_GREY, width=1), showlegend=False))
    fig.data = fig.data[len(RINGS):] + fig.data[:len(RINGS)]  # blips on top of the lines
    for i, quadrant in enumerate(QUADRANTS):
        fig.add_annotation(**_legend_place(i), xref="paper", yref="paper", align="left", showarrow=False,
                           text=_quadrant_legend(placed, quadrant), font=dict(size=12, color=RADAR_TEXT))
    return fig


def _quadrant_legend(placed: pd.DataFrame, quadrant: str) -> str:
    """One quadrant's entries, by ring, as lines of Plotly's text markup: the ring's name in its
    colour, then "number  name" (a diamond after a name whose use disagrees). Names are escaped."""
    lines = [f"<b>{html.escape(QUADRANT_LABELS[quadrant]).upper()}</b>"]
    mine = placed[placed.quadrant == quadrant] if len(placed) else placed
    for ring in RINGS:
        entries = mine[mine.ring == ring.id].sort_values("number") if len(mine) else mine
        if len(entries):
            lines.append(f"<span style='color:{ring.colour}'><b>● {html.escape(ring.label)}</b></span>")
            lines += [f"{r.number}  {html.escape(str(r.name))}" + (" ◆" if pd.notna(r.disagreement) else "")
                      for r in entries.itertuples()]
    return "<br>".join(lines)
