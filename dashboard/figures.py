"""The dashboard's figures: one function per chart, cached and shared between sessions.

Pages fetch query results and pass them here; each function builds its Plotly figure once per
distinct input (see charts.cached) so a page shown again, by anyone, does not pay for
Plotly's figure building again. Functions here live in a module rather than in the page
scripts so that Streamlit registers each cache once per process, not on every run of a page.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analyses import network, periods, vocabulary
from dashboard import charts, data
from publish import theme


def by_group(frame: pd.DataFrame, *, x: str, y: str, group: str, kind: str = "bar", colours: dict | None = None,
             order: list | None = None, labels: dict | None = None, hover: list[str] | None = None,
             orientation: str | None = None, text: str | None = None, marker: dict | None = None) -> go.Figure:
    """One trace per value of `group` (a team, a language): bars, lines with markers, stacked
    areas or points. Built with graph_objects, about ten times faster than Plotly Express for
    the same figure, which matters with forty teams. Values of `group` take their colour from
    `colours`, else the categorical palette; `order` fixes the legend order (default: first seen)."""
    labels = labels or {}
    keys = order if order is not None else list(dict.fromkeys(frame[group]))
    parts = dict(tuple(frame.groupby(group, sort=False))) if len(frame) else {}

    def named(column: str) -> str:  # an axis may go untitled (""), a hover line still needs a name
        return labels.get(column) or column.replace("_", " ").capitalize()

    (category, category_column), (value, value_column) = (("y", y), ("x", x)) if orientation == "h" else (("x", x), ("y", y))
    extra = "".join(f"<br>{named(h)}: %{{customdata[{i}]}}" for i, h in enumerate(hover or []))
    hovertemplate = (f"<b>%{{fullData.name}}</b><br>{named(category_column)}: %{{{category}}}"
                     f"<br>{named(value_column)}: %{{{value}}}{extra}<extra></extra>")
    traces = []
    for i, key in enumerate(keys):
        part = parts.get(key)
        if part is None:
            continue
        common = dict(x=part[x].to_numpy(), y=part[y].to_numpy(), name=str(key), legendgroup=str(key),
                      text=part[text].to_numpy() if text else None,
                      customdata=part[hover].to_numpy() if hover else None, hovertemplate=hovertemplate)
        colour = (colours or {}).get(key, theme.CATEGORICAL[i % len(theme.CATEGORICAL)])
        if kind == "bar":
            traces.append(go.Bar(**common, marker=dict(color=colour), orientation=orientation,
                                 textposition="auto" if text else None))
        elif kind == "line":
            traces.append(go.Scatter(**common, mode="lines+markers", line=dict(color=colour), marker=dict(color=colour)))
        elif kind == "area":
            traces.append(go.Scatter(**common, mode="lines", stackgroup="one", line=dict(color=colour, width=0.5),
                                     fillcolor=colour))
        elif kind == "points":
            traces.append(go.Scatter(**common, mode="markers", marker=dict(marker or {}, color=colour)))
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


OTHER_TEAMS = "Other teams"


def fold_groups(frame: pd.DataFrame, *, group: str, x: str, y: str, colours: dict, how: str = "sum",
                sums: tuple[str, ...] = ()) -> tuple[pd.DataFrame, dict]:
    """Keep a chart legible when it has more groups (teams) than the palette has colours.

    Up to len(theme.CATEGORICAL) groups: `frame` and `colours` as given. Beyond that, the seven
    largest groups by total `y` keep a colour each and the rest become OTHER_TEAMS, grey:
    summed per `x` (how="sum", also summing the columns in `sums`), their earliest `y` per `x`
    (how="min"), or left out (how="drop", for rates that cannot be added up). Forty stacked
    traces in eight repeating colours say nothing, and take the browser a second to draw."""
    if not folded(frame, group):
        return frame, colours
    if how not in ("sum", "min", "drop"):
        raise ValueError(f"unknown how {how!r}")
    # Dates cannot be summed: for how="min" the largest groups are those with the most rows.
    ranked = frame.assign(_rows=1) if how == "min" else frame
    folded_frame, palette = theme.top_with_other(ranked, group, "_rows" if how == "min" else y, other=OTHER_TEAMS)
    if how == "drop":
        palette.pop(OTHER_TEAMS)
        return frame[folded_frame[group] != OTHER_TEAMS], palette
    folded_frame = folded_frame.drop(columns="_rows", errors="ignore")
    if how == "sum":
        folded_frame = folded_frame.groupby([x, group], as_index=False, sort=False)[[y, *sums]].sum()
    else:
        folded_frame = folded_frame.groupby([x, group], as_index=False, sort=False)[y].min()
    order = {value: i for i, value in enumerate(palette)}  # the kept groups, largest first, then the rest
    return folded_frame.sort_values(group, key=lambda c: c.map(order), kind="stable"), palette


def folded(frame: pd.DataFrame, group: str = "team") -> bool:
    """True when fold_groups would fold this frame's groups (for a caption saying so)."""
    return not frame.empty and frame[group].nunique() > len(theme.CATEGORICAL)


FOLDED_NOTE = (f"With more than {len(theme.CATEGORICAL)} teams, the seven largest have a colour each and the rest "
               f"are shown together as *{OTHER_TEAMS}*; choose teams in the sidebar to see any of them.")


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

@charts.cached
def languages_figure(shown, column: str, language_colours: dict):
    fig = by_group(shown, x=column, y="team", group="language", orientation="h", colours=language_colours,
                   order=[lang for lang in language_colours if lang in set(shown.language)],
                   labels={"team": "", "bytes": "Bytes of code", "repositories": "Repositories", "language": "Language"})
    fig.update_layout(barmode="stack", height=120 + 45 * shown.team.nunique(), legend_title_text="",
                      yaxis=dict(categoryorder="total ascending"))
    return fig


@charts.cached
def languages_time_figure(over_time, language_colours: dict):
    fig = by_group(over_time, x="quarter", y="repositories", group="language", kind="area", colours=language_colours,
                   order=[lang for lang in language_colours if lang in set(over_time.language)],
                   labels={"quarter": "", "repositories": "Active repositories", "language": "Main language"})
    fig.update_layout(height=340, legend_title_text="")
    return fig


@charts.cached
def adoption_figure(grid):
    fig = heatmap(grid, colours=["#FFFFFF", theme.NHS_BLUE], label="Repositories")
    fig.update_layout(height=160 + 24 * len(grid))
    fig.update_xaxes(side="top")
    return fig


@charts.cached
def first_use_figure(first_use, colours: dict):
    first_use, colours = fold_groups(first_use, group="team", x="package", y="first_used", colours=colours, how="min")
    fig = by_group(first_use, x="first_used", y="package", group="team", kind="points", colours=colours,
                   marker=dict(size=12, line=dict(width=1, color="white")),
                   labels={"first_used": "First repository using it started", "package": "", "team": "Team"})
    fig.update_layout(height=140 + 26 * first_use.package.nunique(), legend_title_text="")
    return fig


@charts.cached
def versions_figure(spread, n_libraries: int):
    fig = px.bar(spread, x="repositories", y="team", color="major", facet_col="package", facet_col_wrap=3,
                 orientation="h", labels={"team": "Team", "repositories": "Repositories", "major": "Major version",
                                          "package": "Package"})
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(title_text="")  # the teams name themselves; the hover still says "Team"
    fig.update_layout(height=200 + 110 * ((n_libraries + 2) // 3), legend_title_text="")
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


# ---------------------------------------------------------------------------------------
# Collaboration page

MAX_EDGES = 150


@charts.cached
def network_figure(activity: pd.DataFrame, chosen: pd.DataFrame, colours: dict) -> go.Figure:
    """Teams on a circle, sized by commits, joined by edges as thick as their links (the
    MAX_EDGES strongest: beyond that the picture is a hairball and slow to draw)."""
    g = network.graph(activity, chosen)
    pos = network.layout(g)
    fig = go.Figure()
    edges = sorted(g.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1]))[:MAX_EDGES]
    top = max([d["weight"] for _, _, d in edges] or [1])
    # Edges drawn as one line trace per width band (a trace per edge is slow with many teams),
    # with an invisible marker at each edge's middle carrying its hover text.
    bands: dict[int, tuple[list, list]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for a, b, d in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        xs, ys = bands.setdefault(min(int(5 * d["weight"] / top), 4), ([], []))
        xs += [x0, x1, None]
        ys += [y0, y1, None]
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        # Plotly reads tags and entities in text: team names are escaped as HTML (not as Markdown).
        mid_text.append(f"{html.escape(g.nodes[a]['label'])} – {html.escape(g.nodes[b]['label'])}: {d['weight']:g}")
    for band, (xs, ys) in sorted(bands.items()):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(width=1 + 2.25 * band, color="rgba(0, 94, 184, 0.45)")))
    if mid_x:
        fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", showlegend=False, text=mid_text,
                                 marker=dict(size=8, color="rgba(0,0,0,0)"), hovertemplate="%{text}<extra></extra>"))
    nodes = sorted(g.nodes)
    most = max([g.nodes[n]["activity"] for n in nodes] or [1]) or 1
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text", showlegend=False,
        text=[html.escape(g.nodes[n]["label"]) for n in nodes], textposition="top center",
        marker=dict(size=[16 + 34 * (g.nodes[n]["activity"] / most) ** 0.5 for n in nodes],
                    color=[colours.get(g.nodes[n]["label"], theme.UNMAPPED) for n in nodes],
                    line=dict(width=2, color="white")),
        customdata=[[g.nodes[n]["activity"], g.degree(n), g.degree(n, weight="weight")] for n in nodes],
        hovertemplate="<b>%{text}</b><br>commits: %{customdata[0]:,}<br>linked teams: %{customdata[1]}"
                      "<br>link weight: %{customdata[2]:g}<extra></extra>"))
    fig.update_layout(height=520, xaxis=dict(visible=False, range=[-1.4, 1.4]),
                      yaxis=dict(visible=False, range=[-1.25, 1.35], scaleanchor="x"), margin=dict(l=0, r=0, t=10, b=0))
    return fig


@charts.cached
def matrix_figure(activity: pd.DataFrame, chosen: pd.DataFrame, link_label: str):
    """The team-by-team matrix of link weights, and the figure drawing it."""
    names = sorted(set(activity.team) | set(chosen.team_a) | set(chosen.team_b))
    both_ways = pd.concat([chosen[["team_a", "team_b", "weight"]],
                           chosen[["team_b", "team_a", "weight"]].set_axis(["team_a", "team_b", "weight"], axis=1)])
    matrix = (both_ways.pivot_table(index="team_a", columns="team_b", values="weight", aggfunc="sum")
              .reindex(index=names, columns=names).fillna(0.0).rename_axis(index=None, columns=None))
    fig = heatmap(matrix.where(matrix > 0), colours=["#E8EDEE", theme.NHS_BLUE], label=link_label)
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(side="top", title=None)
    fig.update_yaxes(title=None)
    return matrix, fig


@charts.cached
def flows_figure(shown: pd.DataFrame, colours: dict) -> go.Figure:
    """Sankey from each home team (left) to the team owning the repositories (right). With more
    teams than the palette has colours, the seven largest on each side keep their names and the
    rest are drawn as OTHER_TEAMS (people then counted once per flow, so possibly twice)."""
    if folded(shown, "home_team") or folded(shown, "repo_team"):
        for side in ("home_team", "repo_team"):
            shown, _ = theme.top_with_other(shown, side, "contributions", other=OTHER_TEAMS)
        shown = shown.groupby(["home_team", "repo_team"], as_index=False)[["contributions", "people"]].sum()
        colours = {**colours, OTHER_TEAMS: theme.UNMAPPED}
    homes = sorted(shown.home_team.unique())
    owners = sorted(shown.repo_team.unique())
    labels = [f"{t} (people)" for t in homes] + [f"{t} (repositories)" for t in owners]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=[lbl.rsplit(" (", 1)[0] for lbl in labels], pad=14,
                  color=[colours.get(lbl.rsplit(" (", 1)[0], theme.UNMAPPED) for lbl in labels],
                  customdata=labels, hovertemplate="%{customdata}<extra></extra>"),
        link=dict(source=[homes.index(t) for t in shown.home_team],
                  target=[len(homes) + owners.index(t) for t in shown.repo_team],
                  value=list(shown.contributions), customdata=list(shown.people),
                  hovertemplate="%{source.label} → %{target.label}: %{value:,} contributions by "
                                "%{customdata} people<extra></extra>",
                  color="rgba(0, 94, 184, 0.25)")))
    fig.update_layout(height=140 + 40 * max(len(homes), len(owners)))
    return fig


@st.cache_data(max_entries=500, show_spinner=False, hash_funcs=data.HASH_FUNCS)
def network_measures(activity: pd.DataFrame, chosen: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """network.measures and network.summary of the graph of these teams and links (betweenness
    is the slow part)."""
    g = network.graph(activity, chosen)
    return network.measures(g), network.summary(g)


def strength_by_year(end, teams: tuple, link: str) -> pd.DataFrame:
    """Each team's links (linked teams) and strength (total link weight) of one link type in each
    financial year of the ten to `end`, oldest first: a team with activity but no link has 0.
    Read from the yearly tables every build fills, while the analyses are those that filled them."""
    return _strength_by_year(data.analyses_version("collab_links", "collab_team_activity"), end, tuple(teams), link)


@st.cache_data(max_entries=200, show_spinner=False)
def _strength_by_year(data_version: str, end, teams: tuple, link: str) -> pd.DataFrame:
    """strength_by_year for the warehouse file and analyses `data_version` (the cache key)."""
    years = [p for p in periods.available(end.replace(year=end.year - 10), end) if p.key.startswith("fy-")]
    links = data.yearly("collab_links", years, teams=list(teams))
    activity = data.yearly("collab_team_activity", years)
    links = links[links.link == link]
    ends = pd.concat([links.rename(columns={"team_a_id": "team_id", "team_a": "team"}),
                      links.rename(columns={"team_b_id": "team_id", "team_b": "team"})])[["year_start", "team_id", "team", "weight"]]
    per_team = ends.groupby(["year_start", "team_id", "team"], as_index=False).agg(
        links=("weight", "size"), strength=("weight", "sum"))
    out = activity[["year_start", "team_id", "team"]].merge(per_team, how="outer", on=["year_start", "team_id", "team"])
    out = out[out.year_start.isin(activity.year_start)].fillna({"links": 0, "strength": 0})
    labels = {p.start: p.label for p in years}
    out["year"] = pd.to_datetime(out.year_start).dt.date.map(labels)
    out = out.astype({"links": int}).sort_values(["year_start", "strength", "team"], ascending=[True, False, True])
    return out[["year", "team", "links", "strength"]].reset_index(drop=True)


@charts.cached
def newcomers_figure(quarterly: pd.DataFrame, colours: dict) -> go.Figure:
    quarterly, colours = fold_groups(quarterly.dropna(subset=["newcomers"]), group="team", x="quarter", y="newcomers",
                                     colours=colours)
    fig = by_group(quarterly, x="quarter", y="newcomers", group="team", colours=colours,
                   labels={"quarter": "", "newcomers": "People new to the team", "team": "Team"})
    fig.update_layout(height=340, legend_title_text="", barmode="stack", yaxis=dict(tickformat="d", rangemode="tozero"))
    return fig


@charts.cached
def retention_figure(quarterly: pd.DataFrame, colours: dict) -> go.Figure:
    quarterly, colours = fold_groups(quarterly.dropna(subset=["retention_pct"]), group="team", x="quarter",
                                     y="active", colours=colours, how="drop")
    fig = by_group(quarterly, x="quarter", y="retention_pct", group="team", kind="line",
                   colours=colours, labels={"quarter": "", "retention_pct": "Still active from the quarter before (%)",
                                            "team": "Team"})
    fig.update_layout(height=340, legend_title_text="", yaxis=dict(range=[0, 105]))
    return fig


@charts.cached
def trend_figure(trend: pd.DataFrame, colours: dict, link_label: str) -> go.Figure:
    trend, colours = fold_groups(trend, group="team", x="year", y="strength", colours=colours, how="drop")
    fig = by_group(trend, x="year", y="strength", group="team", kind="line", colours=colours,
                   labels={"year": "", "strength": f"Strength ({link_label.lower()})", "team": "Team"})
    fig.update_layout(height=340, legend_title_text="")
    return fig
