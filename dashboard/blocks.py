"""Parts of a page written as plain HTML (st.html), where Streamlit elements or a Plotly chart
would cost the browser more than they give: the Overview's headline figures, its projects by
stage, its activity by team and its newest projects.

On every visit to the Overview, the seven-bar stage chart drawn by Plotly.js (with the five
phase metrics under it), the ten-row table drawn by Streamlit's data grid, the four headline
metric elements and the stacked chart of commits by team took about 55, 25-35, 20-30 and 100 ms
of the browser's time (BENCHMARKS.md), for what HTML and CSS draw in a few milliseconds. These
are real HTML tables: screen readers read them row by row, they print, and their text can be
copied. Everything written by people (titles, summaries, team names) is escaped, so it shows as
text and never as markup.

Their look is STYLE, which a page puts once before the first of them, in the same st.html, so
the rules arrive with what they style. (Streamlit passes every st.html through DOMPurify, about
2 ms for each copy of the rules, so not once per block. Sent on its own, a style-only st.html
goes to a hidden container that Streamlit now and then empties and refills on a page switch,
leaving the tables unstyled for a moment.)
"""
from __future__ import annotations

import html
import itertools
from urllib.parse import urlencode

import pandas as pd

from publish import theme
from publish.text import day, slug

STYLE = """<style>  /* dashboard.blocks */
.ai-h { font-size: 1.75rem; font-weight: 600; line-height: 1.2; letter-spacing: -0.005em; padding: 0.75rem 0 1rem; margin: 0; }
.ai-h:not(:first-child) { margin-top: 1rem; }  /* the gap Streamlit leaves between elements */
.ai-caption { font-size: 0.875rem; line-height: 1.6; color: #4B5C68; margin: 0.25rem 0 0; }
.ai-table { border-collapse: collapse; width: 100%; margin: 0 0 0.5rem; font-size: 1rem; line-height: 1.4; }
.ai-table th, .ai-table td { padding: 0.3rem 0.75rem 0.3rem 0; border-bottom: 1px solid #E8EDEE; text-align: left; vertical-align: top; }
.ai-table thead th { color: #4B5C68; font-weight: 600; font-size: 0.875rem; border-bottom: 1px solid #AEB7BD; }
.ai-table .ai-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ai-table .ai-nowrap { white-space: nowrap; }
.ai-table a { color: #005EB8; }
.ai-table .ai-note { display: block; color: #4B5C68; font-size: 0.875rem; }
dl.ai-figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.5rem 1rem; margin: 0 0 0.5rem; padding: 0; }
.ai-figures dt { font-size: 0.875rem; line-height: 1.4; }
.ai-figures dd { margin: 0; }
.ai-figures .ai-value { font-size: 2.25rem; line-height: 1.25; font-variant-numeric: tabular-nums; }
.ai-figures .ai-note { color: #4B5C68; font-size: 0.875rem; line-height: 1.4; }
.ai-figures .ai-change { font-size: 0.875rem; line-height: 1.4; font-weight: 600; color: #4B5C68; }
.ai-figures .ai-up { color: #007F3B; }
.ai-figures .ai-down { color: #D5281B; }
.ai-stages td, .ai-stages th { vertical-align: middle; }
.ai-stages tbody th { font-weight: 400; }
.ai-stages .ai-phase th { font-weight: 600; padding-top: 0.6rem; border-bottom: none; }
.ai-stages .ai-in { padding-left: 1.25rem; }
.ai-stages .ai-bar { width: 65%; padding-right: 0; }
.ai-stages .ai-bar span { display: block; height: 1.25rem; min-width: 2px; }
.ai-activity td, .ai-activity th { vertical-align: middle; }
.ai-activity tbody th { font-weight: 400; }
.ai-activity .ai-all th, .ai-activity .ai-all td { font-weight: 600; }
.ai-activity .ai-trend { width: 40%; min-width: 8rem; padding-right: 0; }
.ai-spark { display: block; height: 1.75rem; border-bottom: 1px solid #AEB7BD; }
.ai-table caption.ai-scale { caption-side: bottom; text-align: left; font-size: 0.875rem; line-height: 1.6; color: #4B5C68; padding-top: 0.25rem; }
</style>"""


def heading(text: str) -> str:
    """A section heading, drawn as st.subheader draws one (an h3 with an id to link to), for a
    section whose parts are HTML: in the same st.html as they are, it costs the browser nothing
    more, where a Streamlit heading element costs about 10 ms on every visit."""
    return f'<h3 class="ai-h" id="{_text(slug(text))}">{_text(text)}</h3>'


def note(text: str) -> str:
    """A line under a part saying what it shows, as st.caption would."""
    return f'<p class="ai-caption">{_text(text)}</p>'


def figures(items: list[tuple], *, label: str) -> str:
    """Headline figures, each (name, value, what it counts) or (name, value, what it counts,
    change): the name small, the value large, and what it counts under it, in plain view rather
    than behind a help icon. A change is (the value before, what "before" was, its dates): it
    shows as st.metric shows a delta (an arrow, the difference, green up and red down) with the
    period it compares with named, and the value then and its dates on hover."""
    cells = []
    for name, value, note, *change in items:
        said = _change(value, *change[0]) if change and change[0] else ""
        cells.append(f'<div><dt>{_text(name)}</dt><dd class="ai-value">{value:,}</dd>{said}'
                     f'<dd class="ai-note">{_text(note)}</dd></div>')
    return f'<dl class="ai-figures" aria-label="{_text(label)}">{"".join(cells)}</dl>'


def _change(value: int, before: int, name: str, dates: str) -> str:
    difference = value - before
    arrow, kind = ("▲", "ai-up") if difference > 0 else ("▼", "ai-down") if difference < 0 else ("", "ai-same")
    said = f"{arrow} {abs(difference):,} on {name}" if difference else f"No change on {name}"
    return f'<dd class="ai-change {kind}" title="{_text(f"Compared with {before:,} in {dates}")}">{_text(said)}</dd>'


def phase_name(phase: str) -> str:
    """A pathway phase as people write it: "Idea", "R&D", "Pilot", "Operational", "Closed"."""
    return phase if phase == "R&D" else phase.capitalize()


def stage_bars(stages: pd.DataFrame, *, label: str) -> str:
    """Projects at each pathway stage (rows of `stage`, `label`, `phase`, `projects`, in pathway
    order) as a table with a bar per stage in the stage's colour. A phase of two or more stages
    (R&D, Closed) heads its stages with its total; a phase of one stage is that stage's row."""
    rows = list(zip(stages.stage.tolist(), stages.label.tolist(), stages.phase.tolist(),
                    [int(n) for n in stages.projects.tolist()]))
    widest = max([n for *_, n in rows] + [1])
    groups = []
    for phase, group in itertools.groupby(rows, key=lambda row: row[2]):  # rows come in pathway order
        group = list(group)
        several = len(group) > 1
        cells = []
        if several:
            cells.append(f'<tr class="ai-phase"><th scope="rowgroup">{_text(phase_name(phase))}</th>'
                         f'<th class="ai-num">{sum(n for *_, n in group):,}</th><td aria-hidden="true"></td></tr>')
        for stage, name, _, projects in group:
            indent = ' class="ai-in"' if several else ""
            cells.append(f'<tr><th scope="row"{indent}>{_text(name)}</th><td class="ai-num">{projects:,}</td>'
                         f'<td class="ai-bar" aria-hidden="true">{_bar(projects / widest, theme.STAGE_COLOURS.get(stage, theme.UNMAPPED))}</td></tr>')
        groups.append(f"<tbody>{''.join(cells)}</tbody>")
    return (f'<table class="ai-table ai-stages" aria-label="{_text(label)}">'
            '<thead><tr><th scope="col">Stage</th><th scope="col" class="ai-num">Projects</th>'
            '<td aria-hidden="true"></td></tr></thead>' + "".join(groups) + "</table>")


# How a trend cell adds up months when a period has too many to draw one bar each.
GAP = 0.15  # of a bar's room left empty beside it
BUCKETS = ((24, 1, "month"), (96, 3, "quarter"), (None, 12, "year"))


def team_activity(activity: pd.DataFrame, *, all_label: str, label: str) -> str:
    """Commits, contributors and active repositories per team, with a small bar chart of the
    team's commits over the period (a bar a month, or a quarter or a year for long periods),
    from the rows of the team_activity query: all teams together first, then each of the
    busiest teams, then the rest together. The rows of one team share one scale, so a bar twice
    as tall is twice the commits; the rows that add teams up (all teams, the rest) have their
    own. A caption under the table says so, with the tallest bar of each. Rows are named, so the bars
    need no team colours (forty teams would share eight): NHS Blue, dark for all teams
    together, grey for the rest."""
    months = [pd.Timestamp(m) for m in activity.months.iloc[0]] if len(activity) else []
    size, unit = next((size, unit) for most, size, unit in BUCKETS if most is None or len(months) <= most)
    spans = [_span(months[i:i + size]) for i in range(0, len(months), size)]
    title = f"Commits per {unit}" + (f", {spans[0]} to {spans[-1]}" if spans else "")
    rows, named = [], []
    for row in activity.itertuples(index=False):
        monthly = [int(n) for n in row.monthly]
        counts = [sum(monthly[i:i + size]) for i in range(0, len(monthly), size)]
        if row.place == 0:
            name, colour, kind = all_label, theme.NHS_DARK_BLUE, ' class="ai-all"'
        elif _given(row.team):
            name, colour, kind = row.team, theme.NHS_BLUE, ""
        else:
            others = f"{row.teams:,} other team{'s' if row.teams != 1 else ''}"
            name, colour, kind = (f"{others} and repositories with no team" if row.unmapped else others), theme.NHS_MID_GREY, ""
        named.append((row.place != 0 and _given(row.team), name, counts, colour, kind, row))
    teams = [(max(counts), name, spans[counts.index(max(counts))]) for one_team, name, counts, *_ in named
             if one_team and counts and max(counts)]
    shared = max(teams, key=lambda t: t[0], default=None)
    for one_team, name, counts, colour, kind, row in named:
        top = shared[0] if one_team and shared else None
        rows.append(f'<tr{kind}><th scope="row">{_text(name)}</th><td class="ai-num">{int(row.commits):,}</td>'
                    f'<td class="ai-num">{int(row.contributors):,}</td><td class="ai-num">{int(row.repositories):,}</td>'
                    f'<td class="ai-trend">{_spark(counts, spans, colour, top=top)}</td></tr>')
    return (f'<table class="ai-table ai-activity" aria-label="{_text(label)}">{_scale_caption(named, shared, unit)}<thead><tr>'
            '<th scope="col">Team</th><th scope="col" class="ai-num">Commits</th>'
            '<th scope="col" class="ai-num">Contributors</th><th scope="col" class="ai-num">Repositories</th>'
            f'<th scope="col">{_text(title)}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _scale_caption(named: list, shared: tuple | None, unit: str) -> str:
    """What the bars' heights mean: the teams' common scale and its tallest bar, and the own
    scales of the rows that add teams up (all teams, the rest)."""
    said = []
    if shared:
        several = sum(1 for one_team, *_ in named if one_team) > 1
        said.append(f"{'Team rows share one scale' if several else 'Bars'}: the tallest is {shared[0]:,} commits "
                    f"({shared[1]}, {shared[2]})")
        sums = [(name, max(counts)) for one_team, name, counts, *_ in named if not one_team and counts and max(counts)]
        if sums:
            said.append(" and ".join(f"the {name} row" for name, _ in sums) + (" has its own" if len(sums) == 1 else
                                                                                 " each have their own")
                        + ", tallest " + " and ".join(f"{top:,}" for _, top in sums))
    return f'<caption class="ai-scale">{_text("; ".join(said) + ".")}</caption>' if said else ""


def newest_projects(newest: pd.DataFrame, *, link_params: list[tuple[str, str]], label: str) -> str:
    """Projects (rows of `project_id`, `started_on`, `title`, `summary`, `lead_team`, `stage`,
    `repositories`) as a table, each title a link to the project's record on the Projects page
    (by its id); `link_params`
    (the page's own query parameters: its team and period) go with each link."""
    rows = []
    for row in newest.itertuples(index=False):
        href = "projects?" + urlencode([*((k, v) for k, v in link_params if k != "project"), ("project", row.project_id)])
        summary = f'<span class="ai-note">{_text(row.summary)}</span>' if _given(row.summary) else ""
        rows.append(
            f'<tr><td class="ai-nowrap">{day(row.started_on)}</td>'
            f'<td><a href="{_text(href)}">{_text(row.title)}</a>{summary}</td>'
            f'<td class="ai-nowrap">{_text(row.lead_team)}</td><td class="ai-nowrap">{_text(row.stage)}</td>'
            f'<td class="ai-num">{int(row.repositories):,}</td></tr>')
    return (f'<table class="ai-table" aria-label="{_text(label)}"><thead><tr>'
            '<th scope="col">Started</th><th scope="col">Project</th><th scope="col">Lead team</th>'
            '<th scope="col">Stage</th><th scope="col" class="ai-num">Repos</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _bar(share: float, colour: str) -> str:
    """A bar `share` (0 to 1) of its cell's width; none for nothing, so a zero shows no sliver."""
    return f'<span style="width: {100 * share:.1f}%; background: {colour}"></span>' if share > 0 else ""


def _spark(counts: list[int], names: list[str], colour: str, *, top: int | None = None) -> str:
    """Bars for `counts` (one per `names`), `top` (default: the largest count) full height and
    any other count at least a sliver. One element draws them all, a background layer per bar, because Streamlit passes
    every st.html through DOMPurify and an element per bar took it three times as long; the
    element names every count on hover, and screen readers hear the first, last and largest."""
    if not counts:
        return ""
    n, most = len(counts), max(counts)
    top = top or most
    width = 1 / n * (1 - GAP)  # each bar's share of the cell, leaving a gap between bars
    # A layer at position p% puts its left edge at p% of (cell - layer): bar i starts at i / n.
    layers = ", ".join(
        f"linear-gradient({colour}, {colour}) {100 * i / n / (1 - width) if n > 1 else 0:.2f}% 100% / "
        f"{100 * width:.2f}% {max(1, round(100 * count / top))}% no-repeat"
        for i, count in enumerate(counts) if count)
    every = "; ".join(f"{name}: {count:,}" for name, count in zip(names, counts))
    if not most:
        said = f"No commits from {names[0]} to {names[-1]}"
    elif n == 1:
        said = f"{counts[0]:,} commits in {names[0]}"
    else:
        said = (f"{counts[0]:,} commits in {names[0]}, {counts[-1]:,} in {names[-1]}; "
                f"the most, {most:,}, in {names[counts.index(most)]}")
    return (f'<span class="ai-spark" role="img" aria-label="{_text(said)}" title="{_text("Commits: " + every)}"'
            f' style="background: {layers or "none"}"></span>')


def _span(months: list[pd.Timestamp]) -> str:
    """Consecutive months as people write them: "Oct 2025", "Oct–Dec 2025", "Nov 2025–Oct 2026"."""
    first, last = months[0], months[-1]
    if first == last:
        return f"{first:%b %Y}"
    return f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%b %Y}–{last:%b %Y}"


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""


def _text(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)

