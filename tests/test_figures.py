"""The shared figure builders: grouped traces and folding many teams into "Other teams"."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import figures, theme


def monthly(teams: int) -> pd.DataFrame:
    rows = [{"team": f"T{t:02d}", "month": dt.date(2025, m, 1), "commits": (t + 1) * 10 + m, "contributors": t % 3 + 1}
            for t in range(teams) for m in (1, 2, 3)]
    return pd.DataFrame(rows)


def test_up_to_eight_teams_are_drawn_as_they_are():
    frame = monthly(8)
    colours = {f"T{t:02d}": "#123456" for t in range(8)}
    got, palette = figures.fold_groups(frame, group="team", x="month", y="commits", colours=colours)
    assert got is frame and palette is colours
    fig = figures.by_group(frame, x="month", y="commits", group="team", colours=colours)
    assert [t.name for t in fig.data] == [f"T{t:02d}" for t in range(8)]
    assert all(t.marker.color == "#123456" for t in fig.data)


def test_more_teams_keep_the_seven_largest_and_sum_the_rest():
    frame = monthly(12)
    got, palette = figures.fold_groups(frame, group="team", x="month", y="commits", colours={}, sums=("contributors",))
    largest = [f"T{t:02d}" for t in range(11, 4, -1)]  # commits grow with the team number
    assert list(dict.fromkeys(got.team)) == largest + [figures.OTHER_TEAMS]
    assert palette == {**{team: theme.CATEGORICAL[i] for i, team in enumerate(largest)},
                       figures.OTHER_TEAMS: theme.UNMAPPED}
    other = got[got.team == figures.OTHER_TEAMS].set_index("month")
    small = frame[frame.team.isin([f"T{t:02d}" for t in range(5)])].groupby("month")
    assert other.commits.to_dict() == small.commits.sum().to_dict()
    assert other.contributors.to_dict() == small.contributors.sum().to_dict()
    assert got.commits.sum() == frame.commits.sum()
    fig = figures.by_group(got, x="month", y="commits", group="team", colours=palette)
    assert len(fig.data) == 8 and fig.data[-1].marker.color == theme.UNMAPPED


def test_rates_drop_the_smaller_teams_and_dates_keep_the_earliest():
    frame = monthly(10).assign(retention=50.0)
    got, palette = figures.fold_groups(frame, group="team", x="month", y="commits", colours={}, how="drop")
    assert sorted(got.team.unique()) == [f"T{t:02d}" for t in range(3, 10)] and figures.OTHER_TEAMS not in palette
    first = pd.DataFrame([{"team": f"T{t}", "package": p, "first_used": dt.date(2020 + t, 1, 1)}
                          for t in range(9) for p in (["pandas", "numpy"] if t else ["pandas", "numpy", "polars"])])
    got, _ = figures.fold_groups(first, group="team", x="package", y="first_used", colours={}, how="min")
    other = got[got.team == figures.OTHER_TEAMS].set_index("package").first_used.to_dict()
    assert len(got.team.unique()) == 8
    # Kept: T0 (three packages), then the first six of the tied rest (T1 to T6); T7 and T8 fold,
    # and the earliest of theirs is T7's.
    assert sorted(set(got.team) - {figures.OTHER_TEAMS}) == [f"T{t}" for t in range(7)]
    assert other == {"pandas": dt.date(2027, 1, 1), "numpy": dt.date(2027, 1, 1)}


def test_heatmap_leaves_empty_cells_blank_and_keeps_row_order():
    grid = pd.DataFrame({"A": [1.0, None], "B": [None, 3.0]}, index=["x", "y"])
    heat = figures.heatmap(grid, colours=["#FFFFFF", "#005EB8"], label="Repositories").data[0]
    assert list(heat.y) == ["x", "y"] and list(heat.x) == ["A", "B"]
    assert [list(row) for row in heat.z] == [[1.0, None], [None, 3.0]]
