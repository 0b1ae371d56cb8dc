"""The Collaboration page's figures: the team network (every team, or one team and its links),
the strongest pairs, the matrix of every pair, flows of work, newcomers and retention, and the
network's strength by year. Built as dashboard.figures builds its charts (cached, shared
between sessions), with its helpers for teams and colours."""
from __future__ import annotations

import datetime as dt
import html
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analyses import network, periods
from dashboard import charts, data
from dashboard.figures import ADOPTION_SCALE, by_group, fold_groups, heatmap, is_other, other_label
from publish import theme

MAX_EDGES = 150
MANY_TEAMS = 12    # above this many teams, a network of every team is a hairball: pairs, one team's links, a matrix
PARTNERS = 12      # the links drawn around one team
TOP_PAIRS = 12     # the strongest pairs listed
EDGE_COLOUR = "rgba(0, 94, 184, 0.45)"


def _outward(x: float, y: float) -> str:
    """Where a label goes beside a node at (x, y) on a circle round (0, 0): away from the middle."""
    if abs(x) < 0.2:
        return "top center" if y > 0 else "bottom center"
    return "middle right" if x > 0 else "middle left"


def _edges(fig: go.Figure, edges: list, pos: dict, label: dict, unit: str) -> None:
    """Edges as thick as their weight: one line trace per width band (a trace per edge is slow
    with many teams), and an invisible marker at each edge's middle carrying its hover text."""
    top = max([w for _, _, w in edges] or [1])
    bands: dict[int, tuple[list, list]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for a, b, weight in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        xs, ys = bands.setdefault(min(int(5 * weight / top), 4), ([], []))
        xs += [x0, x1, None]
        ys += [y0, y1, None]
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        # Plotly reads tags and entities in text: team names are escaped as HTML (not as Markdown).
        mid_text.append(f"{html.escape(label[a])} – {html.escape(label[b])}: {weight:,g} {unit}")
    for band, (xs, ys) in sorted(bands.items()):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(width=1 + 2.5 * band, color=EDGE_COLOUR)))
    if mid_x:
        fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", showlegend=False, text=mid_text,
                                 marker=dict(size=8, color="rgba(0,0,0,0)"), hovertemplate="%{text}<extra></extra>"))


def _nodes(fig: go.Figure, g, nodes: list, pos: dict, colours: dict, text: list[str], size: int = 15,
           inside: list[str] | None = None) -> list[str]:
    """Team nodes coloured by team and labelled outward: sized by commits, or all one size with
    `inside` written in them. Returns the label places."""
    most = max([g.nodes[n]["activity"] for n in g.nodes] or [1]) or 1
    places = [_outward(*pos[n]) for n in nodes]
    sizes = [34] * len(nodes) if inside else [16 + 30 * (g.nodes[n]["activity"] / most) ** 0.5 for n in nodes]
    node_colours = [colours.get(g.nodes[n]["label"], theme.UNMAPPED) for n in nodes]
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text", showlegend=False,
        text=text, textposition=places, textfont=dict(size=size), cliponaxis=False,
        marker=dict(size=sizes, color=node_colours, line=dict(width=2, color="white")),
        customdata=[[g.nodes[n]["label"], g.nodes[n]["activity"], g.degree(n), g.degree(n, weight="weight")]
                    for n in nodes],
        hovertemplate="<b>%{customdata[0]}</b><br>Commits: %{customdata[1]:,}<br>Linked teams: %{customdata[2]}"
                      "<br>Link weight: %{customdata[3]:,g}<extra></extra>"))
    if inside:
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="text", text=inside, showlegend=False,
            hoverinfo="skip", cliponaxis=False,
            textfont=dict(size=13, color=["black" if c in theme.LIGHT_COLOURS else "white" for c in node_colours])))
    return places


def _circle_layout(fig: go.Figure, labels: list[str], places: list[str], size: int, width: int) -> None:
    """Axes for nodes on a unit circle with labels beside them, in a chart about `width` pixels
    wide: as much room either side as the widest side label needs, the circle as large as the
    rest allows, and a height that keeps it round."""
    side = max([theme.text_width(t, size) for t, p in zip(labels, places) if not p.endswith("center")] or [0]) + 40
    room = 2 * side / max(width - 2 * side, 120)  # data units either side of the circle for the labels
    unit = width / (2 * (1 + room))               # pixels per data unit
    fig.update_layout(height=int(2.7 * unit) + 20, xaxis=dict(visible=False, range=[-1 - room, 1 + room]),
                      yaxis=dict(visible=False, range=[-1.35, 1.35]), margin=dict(l=0, r=0, t=30, b=10))


@charts.cached
def network_figure(activity: pd.DataFrame, chosen: pd.DataFrame, colours: dict, unit: str = "") -> go.Figure:
    """Every team on a circle (for up to MANY_TEAMS teams), sized by commits, joined by edges as
    thick as their links (the MAX_EDGES strongest), labels outside the circle."""
    g = network.graph(activity, chosen)
    pos = network.layout(g)
    label = {n: g.nodes[n]["label"] for n in g.nodes}
    fig = go.Figure()
    edges = sorted(((a, b, d["weight"]) for a, b, d in g.edges(data=True)), key=lambda e: (-e[2], e[0], e[1]))
    _edges(fig, edges[:MAX_EDGES], pos, label, unit)
    nodes = sorted(g.nodes)
    text = [html.escape(label[n]) for n in nodes]
    places = _nodes(fig, g, nodes, pos, colours, text)
    _circle_layout(fig, text, places, 15, 500)
    return fig


@charts.cached
def ego_figure(activity: pd.DataFrame, chosen: pd.DataFrame, colours: dict, centre: str, unit: str = "") -> go.Figure:
    """One team in the middle and its PARTNERS strongest links around it, strongest at the top
    and then clockwise, each partner labelled with its name and the link's weight written in it."""
    g = network.graph(activity, chosen)
    if centre not in g:
        raise ValueError(f"no team {centre!r} in the network")
    partners = network.partners(g, centre, PARTNERS)
    n = max(len(partners), 1)
    step = 2 * math.pi / n
    pos = {centre: (0.0, 0.0)}
    pos.update({p: (math.sin(step * (i + 0.5)), math.cos(step * (i + 0.5))) for i, (p, _) in enumerate(partners)})
    label = {k: g.nodes[k]["label"] for k in pos}
    fig = go.Figure()
    _edges(fig, [(centre, p, w) for p, w in partners], pos, label, unit)
    nodes = [p for p, _ in partners]
    text = [html.escape(label[p]) for p in nodes]
    places = _nodes(fig, g, nodes, pos, colours, text, size=14, inside=[f"{w:,g}" for _, w in partners])
    fig.add_trace(go.Scatter(
        x=[0], y=[0], mode="markers", showlegend=False,
        marker=dict(size=44, color=colours.get(label[centre], theme.UNMAPPED), line=dict(width=3, color="white")),
        hovertemplate=f"<b>{html.escape(label[centre])}</b><br>Linked teams: {g.degree(centre)}<extra></extra>"))
    _circle_layout(fig, text, places, 14, 800)
    fig.add_annotation(text=f"In the middle: <b>{html.escape(label[centre])}</b>", xref="paper", yref="paper", x=0, y=1,
                       xanchor="left", yanchor="top", showarrow=False, font=dict(size=15))
    return fig


def strongest_pairs(chosen: pd.DataFrame, keep: int = TOP_PAIRS) -> pd.DataFrame:
    """The `keep` strongest links (then by names): team_a, team_b, weight and a pair label."""
    top = chosen.sort_values(["weight", "team_a", "team_b"], ascending=[False, True, True]).head(keep)
    return top.assign(pair=[f"{a} and {b}" for a, b in zip(top.team_a, top.team_b)])[["pair", "team_a", "team_b", "weight"]]


@charts.cached
def pairs_figure(pairs: pd.DataFrame, unit: str) -> go.Figure:
    """The strongest pairs of teams as bars, strongest at the top, each with its weight."""
    fig = go.Figure(go.Bar(
        x=pairs.weight.to_numpy(), y=[html.escape(p) for p in pairs.pair], orientation="h",
        marker=dict(color=theme.NHS_BLUE), text=[f"{w:,g}" for w in pairs.weight], textposition="outside",
        cliponaxis=False, hovertemplate=f"<b>%{{y}}</b><br>{unit.capitalize()}: %{{x:,g}}<extra></extra>"))
    fig.update_layout(height=70 + 32 * len(pairs), xaxis_title=unit.capitalize(), showlegend=False,
                      yaxis=dict(autorange="reversed", dtick=1), bargap=0.3, margin=dict(t=10))
    return fig


@charts.cached
def matrix_figure(activity: pd.DataFrame, chosen: pd.DataFrame, link_label: str, rows: tuple = ()):
    """The team-by-team matrix of link weights, teams sorted into groups that link most among
    themselves (network.clustered_order; each group boxed), and the figure drawing it with every
    team named. With `rows` (team names: the teams chosen), only their rows, against the teams
    they link to, most linked first. Returns the matrix (in that order) and the figure."""
    g = network.graph(activity, chosen)
    groups = [[g.nodes[n]["label"] for n in group] for group in network.clustered_order(g)]
    names = [name for group in groups for name in group]
    both_ways = pd.concat([chosen[["team_a", "team_b", "weight"]],
                           chosen[["team_b", "team_a", "weight"]].set_axis(["team_a", "team_b", "weight"], axis=1)])
    matrix = (both_ways.pivot_table(index="team_a", columns="team_b", values="weight", aggfunc="sum")
              .reindex(index=names, columns=names).fillna(0.0).rename_axis(index=None, columns=None))
    rows = [r for r in rows if r in matrix.index]
    if rows:
        weight = matrix.loc[rows].sum()
        columns = sorted((c for c in names if weight[c] > 0 or c in rows), key=lambda c: (-weight[c], c))
        matrix, groups = matrix.loc[rows, columns], []
    fig = heatmap(matrix.where(matrix > 0), colours=ADOPTION_SCALE, label=link_label)
    fig.update_traces(zmin=1, xgap=1, ygap=1)
    many = len(matrix.columns) > MANY_TEAMS
    tick = 12 if many else 14
    row = 22 if many else 32
    widest = max((theme.text_width(str(n), tick) for n in matrix.columns), default=0)
    start = 0
    for group in groups:
        if len(group) > 1:
            fig.add_shape(type="rect", x0=start - 0.5, x1=start + len(group) - 0.5, y0=start - 0.5,
                          y1=start + len(group) - 0.5, line=dict(color=theme.NHS_DARK_GREY, width=2))
        start += len(group)
    fig.update_layout(height=max(row, 28) * len(matrix) + widest + 60, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=20, b=10))
    fig.update_xaxes(side="top", title=None, dtick=1, tickangle=-90, tickfont=dict(size=tick), showgrid=False)
    fig.update_yaxes(title=None, dtick=1, tickfont=dict(size=tick), showgrid=False)
    return matrix, fig


@charts.cached
def flows_figure(shown: pd.DataFrame, colours: dict) -> go.Figure:
    """Sankey from each home team (left) to the team owning the repositories (right). Teams
    with a colour of their own keep their names; the others are drawn together as "Other (k
    teams)" on each side (people then counted once per flow, so possibly twice). Each flow takes
    the colour of the team its people came from."""
    for side in ("home_team", "repo_team"):
        rest = [t for t in shown[side].unique() if not theme.has_colour(colours, t)]
        if len(rest) > 1:
            shown = shown.assign(**{side: shown[side].where(~shown[side].isin(rest), other_label(len(rest)))})
    shown = shown.groupby(["home_team", "repo_team"], as_index=False, sort=False)[["contributions", "people"]].sum()

    def ordered(side):  # coloured teams by their colour's rank, the rest after
        rank = {c: i for i, c in enumerate(theme.CATEGORICAL)}
        return sorted(shown[side].unique(), key=lambda t: (is_other(t), rank.get(colours.get(t), len(rank)), t))

    homes, owners = ordered("home_team"), ordered("repo_team")

    def colour(team, alpha=1.0):
        hex_colour = colours.get(team, theme.UNMAPPED).lstrip("#")
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
        return f"rgba({r}, {g}, {b}, {alpha})"

    labels = [html.escape(t) for t in homes] + [html.escape(t) for t in owners]
    fig = go.Figure(go.Sankey(
        arrangement="snap", textfont=dict(size=14),
        node=dict(label=labels, pad=16, thickness=18, color=[colour(t) for t in homes + owners],
                  customdata=[f"{t} (people)" for t in labels[:len(homes)]] + [f"{t} (repositories)" for t in labels[len(homes):]],
                  hovertemplate="%{customdata}<extra></extra>"),
        link=dict(source=[homes.index(t) for t in shown.home_team],
                  target=[len(homes) + owners.index(t) for t in shown.repo_team],
                  value=list(shown.contributions), customdata=list(shown.people),
                  color=[colour(t, 0.35) for t in shown.home_team],
                  hovertemplate="%{source.label} → %{target.label}: %{value:,} contributions by "
                                "%{customdata:,} people<extra></extra>")))
    fig.update_layout(height=160 + 44 * max(len(homes), len(owners)), margin=dict(l=10, r=10, t=40, b=10))
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
    part = {p.start: p.end < p.start.replace(year=p.start.year + 1) - dt.timedelta(days=1) for p in years}
    out["year"] = pd.to_datetime(out.year_start).dt.date.map(labels)
    out["part_year"] = pd.to_datetime(out.year_start).dt.date.map(part).astype(bool)
    out = out.astype({"links": int}).sort_values(["year_start", "strength", "team"], ascending=[True, False, True])
    return out[["year", "part_year", "team", "links", "strength"]].reset_index(drop=True)


def part_quarters(quarters, start, end) -> list:
    """The quarters (their first days) of `quarters` that the period from `start` to `end` covers
    only in part: a quarter to date, or one the period starts in the middle of."""
    out = []
    for q in pd.to_datetime(pd.Series(quarters)).dt.date.unique():
        last = (pd.Timestamp(q) + pd.DateOffset(months=3) - pd.Timedelta(days=1)).date()
        if q < start or last > end:
            out.append(q)
    return out


@charts.cached
def newcomers_figure(quarterly: pd.DataFrame, colours: dict, start, end) -> go.Figure:
    quarterly = quarterly.dropna(subset=["newcomers"]).assign(quarter=lambda q: pd.to_datetime(q.quarter).dt.date)
    quarterly, colours = fold_groups(quarterly, group="team", x="quarter", y="newcomers", colours=colours)
    fig = by_group(quarterly, x="quarter", y="newcomers", group="team", colours=colours, order=list(colours),
                   partial=part_quarters(quarterly.quarter, start, end),
                   labels={"quarter": "", "newcomers": "People new to the team", "team": "Team"})
    fig.update_traces(xhoverformat="Q%q %Y")
    fig.update_layout(height=380, legend_title_text="", barmode="stack", yaxis=dict(tickformat=",d", rangemode="tozero"),
                      xaxis=dict(tickformat="%b %Y", dtick="M3"))
    return fig


@charts.cached
def retention_figure(quarterly: pd.DataFrame, colours: dict, start, end) -> go.Figure:
    quarterly = quarterly.dropna(subset=["retention_pct"]).assign(quarter=lambda q: pd.to_datetime(q.quarter).dt.date)
    quarterly, colours = fold_groups(quarterly, group="team", x="quarter", y="active", colours=colours, how="drop")
    fig = by_group(quarterly, x="quarter", y="retention_pct", group="team", kind="line", colours=colours,
                   order=list(colours), partial=part_quarters(quarterly.quarter, start, end),
                   labels={"quarter": "", "retention_pct": "Still active (%)", "team": "Team"})
    fig.update_traces(xhoverformat="Q%q %Y")
    first, last = (pd.Timestamp(min(quarterly.quarter)), pd.Timestamp(max(quarterly.quarter))) if len(quarterly) else (None, None)
    fig.update_layout(height=380, legend_title_text="", yaxis=dict(range=[0, 105]),
                      xaxis=dict(tickformat="%b %Y", dtick="M3", range=[first - pd.Timedelta(days=30), last + pd.Timedelta(days=30)]
                                 if first is not None else None))
    return fig


@charts.cached
def trend_figure(trend: pd.DataFrame, colours: dict, link_label: str) -> go.Figure:
    """Each team's link strength by financial year; a part year (to date) hollow and dotted."""
    trend, colours = fold_groups(trend, group="team", x="year", y="strength", colours=colours, how="drop")
    fig = by_group(trend, x="year", y="strength", group="team", kind="line", colours=colours, order=list(colours),
                   partial=set(trend.year[trend.part_year]),
                   labels={"year": "", "strength": f"Strength ({link_label.lower()})", "team": "Team"})
    fig.update_layout(height=380, legend_title_text="")
    return fig
