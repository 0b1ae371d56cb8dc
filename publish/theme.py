"""NHS identity colours and chart styling, legible on a projector.

Single-series charts use NHS Blue. Categories (teams, stages) use the Okabe-Ito palette,
which stays distinguishable under the common forms of colour-blindness, less its yellow, which
cannot be seen on white. One colour means one team on every chart and page: the teams with the
most commits keep theirs (team_colours), every other team is grey, and no colour stands for two
teams in one chart.
"""
from __future__ import annotations

import hashlib
import json
import math
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from analyses import vocabulary

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_WARM_YELLOW = "#FFB81C"

# Okabe & Ito (2008), ordered so the first colour sits close to NHS Blue, without its yellow
# (#F0E442), which all but disappears on white.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
UNMAPPED = "#A3ADB4"  # neutral grey: teams without a colour of their own, "Other" groups
LIGHT_COLOURS = {"#E69F00", "#56B4E9", "#CC79A7", UNMAPPED}  # fills that need dark text written on them

# Pathway stages from pale to dark blue, closed stages in grey: declared with the stages in
# data/vocabulary.yml.
STAGE_COLOURS = {s.id: s.colour for s in vocabulary.current().stages}

TEMPLATE_NAME = "nhs"


# How team_colours chooses, for captions: the measure is team_list's colour_slot.
TEAM_COLOUR_RULE = (f"The {len(CATEGORICAL)} teams whose people made the most commits (all time) keep one colour "
                    "each on every page, as do teams chosen in the sidebar; other teams are grey")


def team_colours(teams, selected=()) -> dict[str, str]:
    """Colour per team short name: one team, one colour, on every chart and page.

    `teams` has team_id, short_name and colour_slot (the query team_list: teams ranked by the
    commits their people made, all time). The first len(CATEGORICAL) teams keep the colour of their
    rank wherever they appear; every other team is grey (UNMAPPED). With teams chosen (`selected`,
    team ids), chosen teams outside the top take the colours of top teams not chosen, by rank, as
    far as they go (a top team whose colour is taken turns grey), so each chosen team can be told
    apart and no colour stands for two teams."""
    ranked = sorted(teams.itertuples(), key=lambda row: row.colour_slot)
    own = {row.short_name: CATEGORICAL[row.colour_slot] for row in ranked if row.colour_slot < len(CATEGORICAL)}
    if selected:
        chosen = [row.short_name for row in ranked if row.team_id in set(selected)]
        colours = {name: own[name] for name in chosen if name in own}
        free = [c for c in CATEGORICAL if c not in colours.values()]
        for name in chosen:
            if name not in colours and free:
                colours[name] = free.pop(0)
        taken = set(colours.values())
        colours.update({name: colour for name, colour in own.items() if name not in colours and colour not in taken})
    else:
        colours = own
    colours.update({row.short_name: UNMAPPED for row in ranked if row.short_name not in colours})
    colours["No team"] = UNMAPPED
    return colours


def has_colour(colours: dict, name) -> bool:
    """Whether `name` has a colour of its own in `colours` (not grey, not absent)."""
    return colours.get(name, UNMAPPED) != UNMAPPED


def top_with_other(frame, column: str, weight: str, keep: int = len(CATEGORICAL), other: str = "Other"):
    """`frame` with all but the `keep` heaviest values of `column` folded into `other`, and a
    colour map that gives each kept value its own colour and `other` grey, so no two share one."""
    kept = list(frame.groupby(column)[weight].sum().nlargest(keep).index)
    folded = frame.assign(**{column: frame[column].where(frame[column].isin(kept), other)})
    colours = {value: CATEGORICAL[i] for i, value in enumerate(kept)}
    colours[other] = UNMAPPED
    return folded, colours


FONT_SIZE = 16
LEGEND_FONT_SIZE = 15
MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}  # the least a chart has; reserve_margins adds what it needs
# A chart's width on a laptop screen with the sidebar open, for guessing whether Plotly will
# turn category labels.
PAGE_WIDTH = 1100

# Parts of plotly_white's layout no chart here uses (maps, 3-D scenes, ternary plots, continuous
# colour scales: heatmaps give their own). for_browser writes the template into every figure's
# layout, which would otherwise carry all of them to the browser.
UNUSED_LAYOUT = ("geo", "scene", "ternary", "colorscale", "coloraxis", "annotationdefaults", "shapedefaults")


def register() -> None:
    """Make the NHS template Plotly's default (once per process; later calls do nothing).

    The template holds layout only: plotly_white's layout (less UNUSED_LAYOUT) with NHS fonts
    and colours. Its per-trace defaults are left out because Plotly validates the whole template
    for every figure it makes, and those defaults (for some forty trace types) made up most of
    the time spent building a page's charts.
    """
    if pio.templates.default == TEMPLATE_NAME and TEMPLATE_NAME in pio.templates:
        return
    layout = pio.templates["plotly_white"].layout.to_plotly_json()
    template = go.layout.Template(layout={k: v for k, v in layout.items() if k not in UNUSED_LAYOUT})
    template.layout.update(
        font=dict(family="Arial, Helvetica, sans-serif", size=FONT_SIZE, color="#212B32"),
        title=dict(font=dict(size=20, color=NHS_DARK_BLUE)),
        colorway=CATEGORICAL,
        legend=dict(font=dict(size=LEGEND_FONT_SIZE)),
        margin=dict(MARGIN),
        xaxis=dict(gridcolor=NHS_PALE_GREY, linecolor=NHS_MID_GREY),
        yaxis=dict(gridcolor=NHS_PALE_GREY, linecolor=NHS_MID_GREY),
    )
    pio.templates[TEMPLATE_NAME] = template
    pio.templates.default = TEMPLATE_NAME


def text_width(text: str, size: float) -> int:
    """Pixels `text` takes in Arial (or Liberation Sans, its twin on Linux) at `size`, a little
    over rather than under: widths of capitals, narrow letters and the rest, as shares of the
    font size."""
    em = sum(0.72 if c in "MW" else 0.3 if c in "fijlrt.,:;'|!() " else 0.68 if c.isupper() else 0.57
             for c in text)
    return round(1.15 * em * size)


def reserve_margins(fig: go.Figure) -> go.Figure:
    """Give `fig` margins wide enough for its legend and axis labels, so Plotly.js draws it once.

    Plotly.js widens a figure's margins to fit its legend and tick labels (automargin) by drawing
    the whole figure again, which doubles the time a chart takes to appear in the browser. Margins
    worked out here from the legend entries and tick labels leave nothing to widen. Automargin
    stays on: if an estimate falls short (labels Plotly turns, say), the browser widens the margin
    as before, so a label is never cut off. A margin the figure sets itself is kept when it is
    wider. Calling this again on the same figure changes nothing.
    """
    if getattr(fig, "_margins_reserved", False):
        return fig
    layout = fig.layout
    need = {side: getattr(layout.margin, side) if getattr(layout.margin, side) is not None else MARGIN[side]
            for side in "lrtb"}
    if _legend_on_right(fig):
        entries = [str(t.name or "") for t in fig.data if getattr(t, "showlegend", False) is not False]
        size = layout.legend.font.size or LEGEND_FONT_SIZE
        widest = max(text_width(text, size) for text in [*entries, str(layout.legend.title.text or "")])
        need["r"] = max(need["r"], 64 + widest)  # the legend stands off the plot, with a symbol before each entry
    if fig.data and all(hasattr(t, "xaxis") for t in fig.data):  # axes (not a Sankey or a polar chart)
        for letter, side in (("y", "l"), ("x", "b")):
            axis = layout[f"{letter}axis"]
            if axis.visible is False:
                continue
            side = {"top": "t", "bottom": "b", "left": "l", "right": "r"}.get(axis.side, side)
            need[side] = max(need[side], _axis_room(fig, letter, axis, across=side in "lr",
                                                    plot_width=PAGE_WIDTH - need["l"] - need["r"]))
        if layout.xaxis.visible is not False:  # the last tick label may stand out past the plot
            need["r"] = max(need["r"], 30)
    fig.update_layout(margin=need)
    fig._margins_reserved = True
    return fig


def for_browser(fig: go.Figure) -> go.Figure:
    """Ready `fig` to be drawn in the browser once: its margins reserved (reserve_margins), its
    template written out into its layout, its numbers as plain lists, and a data revision.

    Streamlit's chart element hands Plotly.js a copy of each figure just after drawing it, and
    Plotly.js compares the copy with what it drew. Without this, the copy always differs: a
    template is compared by identity, and numbers sent as typed arrays are decoded afresh, so
    Plotly.js draws every chart twice. With the template written out, plain lists, and
    `layout.datarevision` (a digest of the traces, which tells Plotly.js whether the data
    changed), the copy matches and the chart is drawn once. The figure looks exactly as with its
    template (tests/test_browser.py compares every chart's drawing): Plotly.js treats a few
    settings differently when the figure sets them itself, which is allowed for below. Calling
    this again on the same figure changes nothing.
    """
    if getattr(fig, "_for_browser", False):
        return fig
    reserve_margins(fig)
    _write_out_template(fig)
    _inert_axes(fig)
    specs = [trace.to_plotly_json() for trace in fig.data]
    for trace, spec in zip(fig.data, specs):
        for path, value in _text_values(spec):
            trace[path] = value  # data values drawn as text, not markup (see _text_values)
        for path, value in _numeric_arrays(spec):
            trace[path] = None  # Plotly ignores setting a value equal to the current one
            trace[path] = value.tolist()
            if value.ndim == 1 and len(value) and isinstance(trace[path][0], str):
                # A text attribute, which Plotly turns list items into strings for: write the
                # numbers as Plotly.js would have shown them (3, not 3.0).
                trace[path] = [_as_text(v) for v in value.tolist()]
    text = json.dumps(specs, sort_keys=True, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v))
    fig.update_layout(datarevision=hashlib.sha1(text.encode()).hexdigest()[:16])
    fig._for_browser = True
    return fig


SUBPLOT = re.compile(r"(xaxis|yaxis|polar)(\d*)$")


def _write_out_template(fig: go.Figure) -> None:
    """Move what the figure's template sets into the layout itself, where the figure does not
    set it already; per-axis settings go to every axis (and polar subplot) the figure has."""
    if not fig.layout.template:
        return
    template = fig.layout.template.layout.to_plotly_json()
    own = fig.layout.to_plotly_json()
    own.pop("template", None)
    subplots = {key for key in own if SUBPLOT.match(key)}
    for trace in fig.data:
        for attr, name in (("xaxis", "xaxis"), ("yaxis", "yaxis"), ("subplot", "polar")):
            ref = getattr(trace, attr, None) if attr in trace else None
            if isinstance(ref, str) and (attr != "subplot" or ref.startswith("polar")):
                subplots.add(name + ref.lstrip("xy").removeprefix("polar"))
    if any(t.type in ("scatterpolar", "barpolar", "scatterpolargl") for t in fig.data):
        subplots.add("polar")
    if any("xaxis" in t for t in fig.data):
        subplots.update(("xaxis", "yaxis"))
    categories = _category_axes(fig)
    for key, value in template.items():
        kind = SUBPLOT.match(key)
        for target in sorted(s for s in subplots if SUBPLOT.match(s).group(1) == key) if kind else [key]:
            mine = own.get(target)
            own[target] = _under(value, mine)
            if key in ("xaxis", "yaxis"):
                _keep_shown_as_before(own[target], value, mine or {}, grid=target not in categories)
    # Every value here comes from the figure's own (validated) layout or its template, so the
    # new layout skips Plotly's validation, which takes ten times longer than the rest.
    fig.layout = go.Layout(own, _validate=False)
    fig.layout.template = None


# Plotly.js turns on an axis line, grid or zero line when the figure itself sets its colour or
# width, but not when the template does. Written out, the template's colours would switch them on.
SHOWN_BY = {"showline": ("linecolor", "linewidth"), "showgrid": ("gridcolor", "gridwidth", "griddash"),
            "zeroline": ("zerolinecolor", "zerolinewidth")}
# Traces whose category axis Plotly.js draws without grid lines by default.
ORIENTED = {"bar": "v", "box": "v", "violin": "v", "histogram": "v", "funnel": "h", "waterfall": "v"}


def _keep_shown_as_before(axis: dict, template: dict, mine: dict, *, grid: bool) -> None:
    """Set an axis's showline, showgrid and zeroline as Plotly.js would with the template, where
    writing the template's colours out would change them: lines off unless asked for; grid and
    zero lines on, except on the category axis of bars and boxes (`grid`)."""
    for flag, settings in SHOWN_BY.items():
        if flag in mine or any(s in mine for s in settings) or not any(s in template for s in settings):
            continue
        axis[flag] = False if flag == "showline" else grid


def _category_axes(fig: go.Figure) -> set[str]:
    """The axes (xaxis, yaxis2...) that are the category axis of a bar, box or similar trace."""
    out = set()
    for trace in fig.data:
        if trace.type in ORIENTED:
            letter = "y" if (trace.orientation or ORIENTED[trace.type]) == "h" else "x"
            ref = getattr(trace, f"{letter}axis", None) or letter
            out.add(f"{letter}axis{ref[1:]}")
    return out


def _under(default, own):
    """`own` with `default` filling what it leaves unset (nested settings merged key by key)."""
    if own is None:
        return default
    if isinstance(default, dict) and isinstance(own, dict):
        return {**default, **{k: _under(default.get(k), v) for k, v in own.items()}}
    return own


def _as_text(number) -> str:
    """A number as JavaScript writes it: 3 rather than 3.0; nothing for a missing value."""
    if isinstance(number, float):
        if number != number:
            return ""
        if number.is_integer() and abs(number) < 1e21:
            return str(int(number))
        return repr(number)
    return str(number)


# Trace attributes that carry data values (names, labels, hover values), not the page's own markup.
_DATA_TEXT = {"x", "y", "z", "text", "hovertext", "labels", "parents", "ids", "customdata", "label", "names",
              "theta", "dimensions"}


def _inert_axes(fig: go.Figure) -> None:
    """Category orders and tick texts escaped as _text_values escapes the data they name, so they
    still match."""
    for name in fig.layout:
        axis = fig.layout[name]
        if name.startswith(("xaxis", "yaxis")) and axis is not None:
            for attr in ("categoryarray", "ticktext"):
                values = getattr(axis, attr, None)
                if values is not None and any(isinstance(v, str) and ("<" in v or ">" in v) for v in values):
                    setattr(axis, attr, [_escape_tags(v) for v in values])


def _escape_tags(value):
    return value.replace("<", "&lt;").replace(">", "&gt;") if isinstance(value, str) else value


def _text_values(spec: dict, path: tuple = ()):
    """(path, escaped values) for each data attribute of a trace holding text with `<` or `>`.
    Plotly reads `<a href=...>`, `<b>` and the like in labels, hover text and tick labels, so a
    package or team named with a tag would become a link; `&lt;` and `&gt;` show the characters."""
    for key, value in spec.items():
        if isinstance(value, dict):
            yield from _text_values(value, (*path, key))
        elif key in _DATA_TEXT:
            escaped = _escaped(value)
            if escaped is not None:
                yield (*path, key), escaped


def _escaped(value):
    """`value` (a string, list or array, nested) with tags escaped, or None when it holds none."""
    if isinstance(value, str):
        return _escape_tags(value) if "<" in value or ">" in value else None
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "OUS":
            return None
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        found = False
        out = []
        for item in value:
            escaped = _escaped(item)
            found = found or escaped is not None
            out.append(item if escaped is None else escaped)
        return out if found else None
    return None


def _numeric_arrays(spec: dict, path: tuple = ()):
    """(path, array) for every numeric NumPy array in a trace's specification: Plotly would send
    these as typed arrays."""
    for key, value in spec.items():
        if isinstance(value, np.ndarray) and value.dtype.kind in "iufb":
            yield (*path, key), value
        elif isinstance(value, dict):
            yield from _numeric_arrays(value, (*path, key))


def _legend_on_right(fig: go.Figure) -> bool:
    """Plotly.js's rule: a legend is drawn when asked for, when two or more traces would be in it,
    or when one is and traces are grouped; by default it stands to the right of the plot."""
    legend = fig.layout.legend
    if fig.layout.showlegend is False or legend.orientation == "h" or (legend.x is not None and legend.x <= 1):
        return False
    listed = [t for t in fig.data if getattr(t, "showlegend", False) is not False]
    grouped = any(getattr(t, "legendgroup", None) for t in listed)
    return len(listed) >= 2 or (len(listed) == 1 and (fig.layout.showlegend is True or grouped))


def _axis_room(fig: go.Figure, letter: str, axis, *, across: bool, plot_width: int = 800) -> int:
    """Pixels the tick labels and title of one axis need: their width for a y axis (`across`),
    their height for an x axis (in a plot about `plot_width` wide). Facets share the estimate of
    the first axis."""
    size = axis.tickfont.size or FONT_SIZE
    line = round(1.3 * size)
    labels, times = set(), False
    for trace in fig.data:
        values = getattr(trace, letter, None)
        if values is None:
            continue
        dtype = getattr(values, "dtype", None)
        if dtype is not None and dtype.kind in "mM":
            times = times or bool((values.astype("datetime64[D]") != values).any())
        elif dtype is None or dtype.kind in "OSU":
            labels.update(str(v) for v in values[:1000] if isinstance(v, str))
    if axis.ticktext is not None:  # labels the figure writes itself, at numeric positions
        labels = {str(t) for t in axis.ticktext}
    if across:  # a y axis: the widest label, or a number such as 1.5k; a title stands beside them
        width = max(text_width(label, size) for label in labels) + 16 if labels else text_width("1.5k", size)
        return 12 + width + (line + 10 if axis.title.text else 0)
    # An x axis: Plotly keeps room for a title under the labels whether there is one or not.
    # It turns category labels that do not fit side by side by 30 degrees (they then stand
    # about half their width tall), or upright when even that leaves them crowded. Times of
    # day take a second line.
    tall = 2 * line if times else line
    if labels:
        width = max(text_width(label, size) for label in labels)
        slot = plot_width / len(labels)
        tall = line if slot > width + 16 else width // 2 + line if slot > 2 * line else width
        if isinstance(axis.tickangle, (int, float)):  # turned as the figure asks
            turn = math.radians(axis.tickangle)
            tall = round(abs(math.sin(turn)) * width + abs(math.cos(turn)) * line)
    return 40 + tall
