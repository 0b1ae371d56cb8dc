"""The shared figure builders: grouped traces and folding many teams into "Other teams"."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from dashboard import figures
from publish import theme


def monthly(teams: int) -> pd.DataFrame:
    rows = [{"team": f"T{t:02d}", "month": dt.date(2025, m, 1), "commits": (t + 1) * 10 + m, "contributors": t % 3 + 1}
            for t in range(teams) for m in (1, 2, 3)]
    return pd.DataFrame(rows)


def team_list(teams: int) -> pd.DataFrame:
    """Rows as the query team_list gives them: T00 has the most commits, then T01, ..."""
    return pd.DataFrame({"team_id": [f"t{t:02d}" for t in range(teams)], "short_name": [f"T{t:02d}" for t in range(teams)],
                         "colour_slot": range(teams)})


def contrast_on_white(colour: str) -> float:
    """WCAG's contrast ratio of `colour` against white."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_teams_with_most_commits_keep_one_colour_each_and_the_rest_are_grey():
    colours = theme.team_colours(team_list(10))
    top = [colours[f"T{t:02d}"] for t in range(len(theme.CATEGORICAL))]
    assert top == theme.CATEGORICAL  # by rank, the palette's order
    assert colours["T07"] == colours["T08"] == colours["T09"] == colours["No team"] == theme.UNMAPPED
    # Every colour can be seen on white (the palette's yellow could not) and none repeats.
    assert len(set(theme.CATEGORICAL)) == len(theme.CATEGORICAL) and theme.UNMAPPED not in theme.CATEGORICAL
    assert all(contrast_on_white(c) >= 2 for c in [*theme.CATEGORICAL, theme.UNMAPPED])


def test_chosen_teams_take_free_colours_and_no_colour_stands_for_two_teams():
    # T09 (grey among all teams) is chosen with T03: T03 keeps its own colour, T09 takes the
    # first colour free of chosen teams, T00's, and T00 turns grey.
    colours = theme.team_colours(team_list(10), selected=("t03", "t09"))
    assert colours["T03"] == theme.CATEGORICAL[3] and colours["T09"] == theme.CATEGORICAL[0]
    assert colours["T00"] == theme.UNMAPPED
    coloured = [c for c in colours.values() if c != theme.UNMAPPED]
    assert len(coloured) == len(set(coloured)) == len(theme.CATEGORICAL)
    # More teams chosen than colours: the highest ranked take them, the rest stay grey.
    many = theme.team_colours(team_list(12), selected=tuple(f"t{t:02d}" for t in range(2, 12)))
    assert [many[f"T{t:02d}"] for t in range(2, 9)] == [theme.CATEGORICAL[i] for i in (2, 3, 4, 5, 6, 0, 1)]
    assert {many[f"T{t:02d}"] for t in (0, 1, 9, 10, 11)} == {theme.UNMAPPED}


def test_teams_with_a_colour_are_drawn_as_they_are_and_the_rest_summed_as_other():
    frame = monthly(12)
    colours = theme.team_colours(team_list(12))
    got, palette = figures.fold_groups(frame, group="team", x="month", y="commits", colours=colours, sums=("contributors",))
    kept = [f"T{t:02d}" for t in range(7)]  # the seven with the most commits all time, not in this period
    assert list(dict.fromkeys(got.team)) == kept + ["Other (5 teams)"]
    assert palette == {**{team: theme.CATEGORICAL[i] for i, team in enumerate(kept)}, "Other (5 teams)": theme.UNMAPPED}
    other = got[got.team == "Other (5 teams)"].set_index("month")
    rest = frame[~frame.team.isin(kept)].groupby("month")
    assert other.commits.to_dict() == rest.commits.sum().to_dict()
    assert other.contributors.to_dict() == rest.contributors.sum().to_dict()
    assert got.commits.sum() == frame.commits.sum()
    fig = figures.by_group(got, x="month", y="commits", group="team", colours=palette)
    assert len(fig.data) == 8 and fig.data[-1].marker.color == theme.UNMAPPED
    assert len({t.marker.color for t in fig.data}) == 8
    assert figures.folded(frame, colours) and not figures.folded(monthly(8), colours)
    # One grey team keeps its name: "Other (1 team)" would say less.
    got, palette = figures.fold_groups(monthly(8), group="team", x="month", y="commits", colours=colours)
    assert list(palette) == [f"T{t:02d}" for t in range(8)] and palette["T07"] == theme.UNMAPPED


def test_rates_drop_the_grey_teams_and_dates_keep_the_earliest():
    colours = theme.team_colours(team_list(10))
    frame = monthly(10).assign(retention=50.0)
    got, palette = figures.fold_groups(frame, group="team", x="month", y="retention", colours=colours, how="drop")
    assert sorted(got.team.unique()) == [f"T{t:02d}" for t in range(7)] and list(palette) == sorted(got.team.unique())
    first = pd.DataFrame([{"team": f"T{t:02d}", "package": p, "first_used": dt.date(2020 + t, 1, 1)}
                          for t in range(10) for p in (["pandas", "numpy"] if t else ["pandas", "numpy", "polars"])])
    got, _ = figures.fold_groups(first, group="team", x="package", y="first_used", colours=colours, how="min")
    other = got[got.team == "Other (3 teams)"].set_index("package").first_used.to_dict()
    assert other == {"pandas": dt.date(2027, 1, 1), "numpy": dt.date(2027, 1, 1)}  # T07's, the earliest of the three
    assert len(got.team.unique()) == 8


def test_part_periods_are_hatched_bars_and_hollow_dotted_points():
    frame = pd.DataFrame({"year": ["FY 2024/25", "FY 2025/26", "FY 2026/27"] * 2, "team": ["A"] * 3 + ["B"] * 3,
                          "strength": [3, 5, 2, 1, 2, 1]})
    bars = figures.by_group(frame, x="year", y="strength", group="team", partial=["FY 2026/27"])
    assert list(bars.data[0].marker.pattern.shape) == ["", "", "/"] and bars.data[0].marker.pattern.bgcolor == "white"
    lines = figures.by_group(frame, x="year", y="strength", group="team", kind="line", partial=["FY 2026/27"])
    whole, part = lines.data[0], lines.data[1]
    assert list(whole.x) == ["FY 2024/25", "FY 2025/26"] and whole.line.dash is None
    assert list(part.x) == ["FY 2025/26", "FY 2026/27"] and part.line.dash == "dot" and part.showlegend is False
    assert list(part.marker.symbol) == ["circle", "circle-open"] and part.legendgroup == whole.legendgroup
    assert len(figures.by_group(frame, x="year", y="strength", group="team", kind="line").data) == 2  # none: one line each


def test_hover_names_each_value_even_where_the_axis_has_no_title():
    frame = monthly(2).assign(lead_team=lambda f: f.team)
    fig = figures.by_group(frame, x="month", y="commits", group="team", hover=["contributors"],
                           labels={"month": "", "commits": "Commits"})
    assert fig.layout.xaxis.title.text == ""  # the axis stays untitled
    assert fig.data[0].hovertemplate == ("<b>%{fullData.name}</b><br>Month: %{x}<br>Commits: %{y}"
                                         "<br>Contributors: %{customdata[0]}<extra></extra>")
    across = figures.by_group(frame, x="commits", y="lead_team", group="team", orientation="h", labels={"lead_team": ""})
    assert across.data[0].hovertemplate == "<b>%{fullData.name}</b><br>Lead team: %{y}<br>Commits: %{x}<extra></extra>"
    # Plotly Express charts too: no "=Idea" or raw stage codes under an untitled axis.
    done = pd.DataFrame({"label": ["Idea", "Pilot"], "days": [5, 9], "stage": ["idea", "pilot"], "project_id": ["p1", "p2"]})
    for fig in (figures.durations_figure(done, ["Idea", "Pilot"]),):
        for trace in fig.data:
            lines = trace.hovertemplate.removesuffix("<extra></extra>").split("<br>")
            assert all(re.match(r"[A-Z][^=]*=.", line) for line in lines), lines
    assert figures.durations_figure(done, ["Idea", "Pilot"]).layout.xaxis.title.text == ""


def test_cached_figures_are_keyed_on_every_value_of_their_frames():
    import pickle

    from dashboard import data

    stages = pd.DataFrame({"label": ["Idea", "Pilot"], "projects": [2, 1], "stage": ["idea", "pilot"],
                           "teams": [["a", "b"], ["c"]]})
    key = data.frame_digest(stages)
    # An equal frame, as st.cache_data hands a query result back (unpickled), has the same key ...
    assert data.frame_digest(pickle.loads(pickle.dumps(stages))) == key
    # ... and one value, a column name, a dtype or the index changed gives another.
    changed = [stages.assign(projects=[2, 3]), stages.rename(columns={"label": "name"}),
               stages.astype({"projects": "float64"}), stages.set_axis([1, 2])]
    assert len({key, *map(data.frame_digest, changed)}) == 1 + len(changed)
    # Every row counts, also past the 50,000 rows from which Streamlit's own hashing samples.
    big = pd.DataFrame({"n": range(60_000)})
    assert data.frame_digest(big) != data.frame_digest(big.assign(n=big.n.where(big.n != 59_999, -1)))
    # A value pickle cannot take falls back to pandas' hashing, still value by value.
    odd = pd.DataFrame({"f": [lambda: 1, lambda: 2], "n": [1, 2]})
    assert data.frame_digest(odd) != data.frame_digest(odd.assign(n=[1, 3]))
    # The figure cache: the same figure for an equal frame, a new one for other data.
    first = figures.stages_figure(stages)
    assert figures.stages_figure(pickle.loads(pickle.dumps(stages))) is first
    assert figures.stages_figure(changed[0]) is not first


def test_heatmap_leaves_empty_cells_blank_and_keeps_row_order():
    grid = pd.DataFrame({"A": [1.0, None], "B": [None, 3.0]}, index=["x", "y"])
    heat = figures.heatmap(grid, colours=["#FFFFFF", "#005EB8"], label="Repositories").data[0]
    assert list(heat.y) == ["x", "y"] and list(heat.x) == ["A", "B"]
    assert [list(row) for row in heat.z] == [[1.0, None], [None, 3.0]]


def test_margins_are_reserved_for_the_legend_and_labels_once():
    short = monthly(3)
    long = short.assign(team=short.team.map(lambda t: f"{t} West Yorkshire Integrated Care Board"))
    narrow = theme.reserve_margins(figures.by_group(short, x="month", y="commits", group="team"))
    wide = theme.reserve_margins(figures.by_group(long, x="month", y="commits", group="team"))
    # A legend of long names needs a wider right margin; the y axis (numbers, titled) the same room.
    # (The short names are narrower than the legend's title, "team".)
    assert wide.layout.margin.r - narrow.layout.margin.r == theme.text_width(long.team.iloc[0], 15) - theme.text_width("team", 15)
    assert narrow.layout.margin.l == wide.layout.margin.l > theme.MARGIN["l"]
    # Dates under the x axis, a legend on the right: more than the template's bare margins.
    assert narrow.layout.margin.b > theme.MARGIN["b"] and narrow.layout.margin.r > theme.MARGIN["r"]
    # Category labels on the y axis: room for the widest.
    bars = pd.DataFrame({"label": ["Idea", "Proof of concept and much more"], "projects": [3, 4], "stage": ["a", "b"]})
    horizontal = theme.reserve_margins(figures.by_group(bars, x="projects", y="label", group="stage", orientation="h"))
    assert horizontal.layout.margin.l >= theme.text_width("Proof of concept and much more", theme.FONT_SIZE)
    # Done once: a second call changes nothing, and figures from the cached builders come with it.
    before = narrow.layout.margin.to_plotly_json()
    assert theme.reserve_margins(narrow).layout.margin.to_plotly_json() == before
    stages = pd.DataFrame({"label": ["Idea", "Pilot"], "projects": [2, 1], "stage": ["idea", "pilot"]})
    assert all(getattr(figures.stages_figure(stages).layout.margin, side) is not None for side in "lrtb")


def test_margins_a_figure_sets_itself_are_kept_when_wider():
    import plotly.graph_objects as go

    sankey = go.Figure(go.Sankey(node=dict(label=["a", "b"]), link=dict(source=[0], target=[1], value=[1])))
    assert theme.reserve_margins(sankey).layout.margin.to_plotly_json() == theme.MARGIN  # no axes, no legend
    own = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]), layout=dict(margin=dict(l=300, r=0, t=5, b=0), xaxis_visible=False,
                                                              yaxis_visible=False))
    assert theme.reserve_margins(own).layout.margin.to_plotly_json() == {"l": 300, "r": 0, "t": 5, "b": 0}
    labelled = go.Figure(go.Bar(x=[1, 2], y=["a rather long category name", "b"], orientation="h"),
                         layout=dict(margin=dict(l=20)))
    assert theme.reserve_margins(labelled).layout.margin.l > 20


def test_figures_reach_the_browser_with_their_template_written_out_and_plain_numbers():
    """What Streamlit sends Plotly.js: no template (Plotly.js compares it by identity, so a copy
    would be drawn again), no typed arrays (decoded afresh on every comparison), and a data
    revision that follows the data."""
    import json

    import numpy as np
    import plotly.graph_objects as go
    import plotly.io as pio

    theme.register()

    def build(frame):
        return theme.for_browser(figures.by_group(frame, x="month", y="commits", group="team", hover=["contributors"]))

    fig = build(monthly(3))
    spec = json.loads(pio.to_json(fig, validate=False))
    assert "template" not in spec["layout"] and "bdata" not in json.dumps(spec)
    layout = spec["layout"]
    # The template's look is kept: fonts, colours, axis styling (for every axis), hover.
    assert layout["font"]["family"].startswith("Arial") and layout["colorway"] == theme.CATEGORICAL
    assert layout["xaxis"]["gridcolor"] == layout["yaxis"]["gridcolor"] == theme.NHS_PALE_GREY
    assert layout["plot_bgcolor"] == "white" and layout["hovermode"]
    # Lines, grids and zero lines shown as with the template: Plotly.js would switch on an axis
    # line whose colour the figure sets itself, and a grid on the category axis of bars.
    assert layout["xaxis"]["showline"] is False and layout["xaxis"]["showgrid"] is False
    assert layout["yaxis"]["showgrid"] is True and layout["yaxis"]["zeroline"] is True
    assert spec["data"][0]["y"] == [11, 12, 13]  # plain numbers
    # Numbers shown as text stay as Plotly.js would write them.
    labelled = theme.for_browser(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 5.5, 1],
                                                  text=np.array([3.0, 5.5, np.nan]))))
    assert list(labelled.data[0].text) == ["3", "5.5", ""]
    # The data revision is the same for the same data, and another for other data.
    again, other = build(monthly(3).copy()), build(monthly(3).assign(commits=1))
    assert again.layout.datarevision == fig.layout.datarevision != other.layout.datarevision
    # The figure's own settings win over the template's, and a second call changes nothing.
    assert fig.layout.margin.l is not None
    before = fig.to_json()
    assert theme.for_browser(fig).to_json() == before
    # Figures from the cached builders come ready.
    stages = pd.DataFrame({"label": ["Idea", "Pilot"], "projects": [2, 1], "stage": ["idea", "pilot"]})
    assert figures.stages_figure(stages)._for_browser


def test_axis_styling_reaches_every_subplot_and_polar_chart():
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    theme.register()
    grid = make_subplots(rows=1, cols=2)
    grid.add_trace(go.Bar(x=["a"], y=[1]), row=1, col=1)
    grid.add_trace(go.Bar(x=["b"], y=[2]), row=1, col=2)
    grid.update_layout(font_size=30)
    layout = theme.for_browser(grid).layout
    assert layout.font.size == 30 and layout.font.family.startswith("Arial")  # its own setting wins
    assert layout.xaxis2.gridcolor == layout.yaxis2.gridcolor == theme.NHS_PALE_GREY
    assert layout.xaxis2.domain == grid.layout.xaxis2.domain  # its own placement kept
    polar = theme.for_browser(go.Figure(go.Scatterpolar(r=[1, 2, 3], theta=["a", "b", "c"])))
    assert polar.layout.polar.radialaxis.gridcolor and polar.layout.polar.bgcolor == "white"
    assert polar.layout.template.layout.to_plotly_json() == {}
