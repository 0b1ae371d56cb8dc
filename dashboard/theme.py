"""NHS identity colours and chart styling, legible on a projector.

Single-series charts use NHS Blue. Categories (teams, stages) use the Okabe-Ito palette,
which stays distinguishable under the common forms of colour-blindness; each team keeps
the same colour on every chart.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_WARM_YELLOW = "#FFB81C"

# Okabe & Ito (2008), ordered so the first colour sits close to NHS Blue.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
UNMAPPED = "#BBBBBB"

# Pathway stages from pale to dark blue, closed stages in grey.
STAGE_COLOURS = {
    "idea": "#A6CEE3", "discovery": "#6BAED6", "proof_of_concept": "#3182BD", "pilot": "#0072CE",
    "operational": NHS_DARK_BLUE, "paused": NHS_MID_GREY, "retired": "#AEB7BD",
}

TEMPLATE_NAME = "nhs"


def team_colours(teams) -> dict[str, str]:
    """Colour per team short name, from rows with `short_name` and `colour_slot`."""
    colours = {row.short_name: CATEGORICAL[row.colour_slot % len(CATEGORICAL)] for row in teams.itertuples()}
    colours["No team"] = UNMAPPED
    return colours


def top_with_other(frame, column: str, weight: str, keep: int = len(CATEGORICAL) - 1, other: str = "Other"):
    """`frame` with all but the `keep` heaviest values of `column` folded into `other`, and a
    colour map that gives each kept value its own colour and `other` grey, so no two share one."""
    kept = list(frame.groupby(column)[weight].sum().nlargest(keep).index)
    folded = frame.assign(**{column: frame[column].where(frame[column].isin(kept), other)})
    colours = {value: CATEGORICAL[i] for i, value in enumerate(kept)}
    colours[other] = UNMAPPED
    return folded, colours


def register() -> None:
    """Make the NHS template Plotly's default (once per process; later calls do nothing).

    The template holds layout only: plotly_white's layout with NHS fonts and colours. Its
    per-trace defaults are left out because Plotly validates the whole template for every
    figure it makes, and those defaults (for some forty trace types) made up most of the
    time spent building a page's charts.
    """
    if pio.templates.default == TEMPLATE_NAME and TEMPLATE_NAME in pio.templates:
        return
    template = go.layout.Template(layout=pio.templates["plotly_white"].layout)
    template.layout.update(
        font=dict(family="Arial, Helvetica, sans-serif", size=16, color="#212B32"),
        title=dict(font=dict(size=20, color=NHS_DARK_BLUE)),
        colorway=CATEGORICAL,
        legend=dict(font=dict(size=15)),
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(gridcolor=NHS_PALE_GREY, linecolor=NHS_MID_GREY),
        yaxis=dict(gridcolor=NHS_PALE_GREY, linecolor=NHS_MID_GREY),
    )
    pio.templates[TEMPLATE_NAME] = template
    pio.templates.default = TEMPLATE_NAME
