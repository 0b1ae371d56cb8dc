"""The annual report and the case-study one-pagers, as self-contained HTML (and PDF through
Chromium). Used by the Reports page and by `python -m etl report` / `python -m etl case-study`.

The HTML works offline: plotly.js is inlined once in the report's head (the partial bundle of
publish.plotlyjs when it draws every chart), styles are inline, and there is no script, stylesheet,
font or image from anywhere else, and the page's content security policy (CONTENT_POLICY) forbids
loading any, so text from a record cannot add one. Links in the text (a case study's outputs, a
repository) stay links when their address is a web address (publish.text.safe_link), with its host
shown; any other address is left out.

The PDF is a publication: the charts are drawn as images (SVG, no toolbar, no script), headings
stay with what follows them, a contents list opens the report (and the PDF's outline lists the
sections), and every page has "Page N of M" in its footer. On demo data, the HTML, the PDF and
every page's footer say the data is synthetic.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import html as _html
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from analyses import metrics, network, queries
from publish import exports, plotlyjs, printing, theme
from publish.text import day, safe_link

# Each kind of move in project_moves and the measure (analyses.metrics) that counts it.
MOVES = {"started": "started", "advanced": "moved_on", "deployed": "went_operational", "stopped": "stopped"}


def last_complete_financial_year(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """April to March: the latest NHS financial year that had ended by `as_of`."""
    end_year = as_of.year if as_of >= dt.date(as_of.year, 3, 31) else as_of.year - 1
    return dt.date(end_year - 1, 4, 1), dt.date(end_year, 3, 31)


def period_label(start: dt.date, end: dt.date) -> str:
    if start.month == 4 and start.day == 1 and end == dt.date(start.year + 1, 3, 31):
        return f"financial year {start.year}/{str(start.year + 1)[-2:]}"
    return f"{_day(start)} to {_day(end)}"


@dataclass
class Report:
    """A report: `body` holds a marker for each of `figures` (fig, alt), drawn interactive in
    `html` and as images in `pdf()`."""
    title: str
    body: str
    what: str = "the report"
    figures: list = field(default_factory=list)
    demo: bool = False
    one_page: bool = False

    @functools.cached_property
    def html(self) -> str:
        body = self.body
        for number, (fig, alt) in enumerate(self.figures, 1):
            inner = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{number}",
                                default_width="100%", config={"displaylogo": False, "displayModeBar": False,
                                                              "responsive": True})
            body = body.replace(_marker(number), f"<figure role='img' aria-label='{_e(alt)}'>{inner}</figure>")
        script = plotlyjs.script(*(fig for fig, _ in self.figures)) if self.figures else None
        return _page(self.title, body, script=script, one_page=self.one_page)

    def print_html(self) -> str:
        """The page as printed: each chart an SVG image (drawn by Chromium), no script at all."""
        body = self.body
        for number, (fig, alt) in enumerate(self.figures, 1):
            height = int(fig.layout.height or exports.DEFAULT_HEIGHT)
            svg = printing.image(fig.to_dict(), "svg", width=PRINT_WIDTH, height=height)
            data = base64.b64encode(svg).decode("ascii")
            body = body.replace(_marker(number), f"<figure><img alt='{_e(alt)}' src='data:image/svg+xml;base64,"
                                                 f"{data}'></figure>")
        return _page(self.title, body, script=None, one_page=self.one_page)

    def pdf(self) -> bytes:
        footer = self.title + (f" · {exports.DEMO_MARK}" if self.demo else "")
        return printing.pdf(self.print_html(), what=f"the PDF of {self.what}", footer=footer)


MATRIX_TEAMS = 12  # more teams than this: the strongest pairs as a table, not a matrix
CHART_TEAMS = 15   # more teams than this: a chart by team shows this many, the rest added up
PRINT_WIDTH = 900  # CSS pixels a chart is drawn at for print; the page shows it at its width (about 690)


def _marker(number: int) -> str:
    return f"<!--figure-{number}-->"


def annual(con: duckdb.DuckDBPyConnection, start: dt.date | None = None, end: dt.date | None = None) -> Report:
    """The annual report for start..end (default: the last complete financial year)."""
    status = queries.run(con, "data_status")
    if status.empty:
        raise ValueError("the warehouse holds no successful ETL run: build it first (python -m etl demo or refresh)")
    as_of = status.data_as_of.iloc[0].date()
    if start is None or end is None:
        default_start, default_end = last_complete_financial_year(as_of)
        start, end = start or default_start, end or default_end
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    period = {"date_from": start, "date_to": end}
    label = period_label(start, end)
    title = f"Data Science Assembly: annual report, {label}"
    figures = _Figures()
    demo = status.contents.iloc[0] == "demo"
    sections = [_headlines(con, period), _projects(con, period, figures), _tech(con, period, figures),
                _collaboration(con, period, figures), _teams(con, period), _case_studies(con, end)]
    body = _header(title, start, end, as_of, demo) + _contents(sections) + "".join(sections)
    return Report(title, body, figures=figures.shown, demo=demo)


def case_study(con: duckdb.DuckDBPyConnection, project_id: str) -> Report:
    """A one-page case study of a project, from its record and its repositories."""
    detail = queries.run(con, "project_detail", project_id=project_id)
    if detail.empty:
        raise ValueError(f"no project {project_id!r} in the warehouse")
    p = detail.iloc[0]
    status = queries.run(con, "data_status")
    as_of = status.data_as_of.iloc[0].date() if not status.empty else dt.date.today()
    demo = not status.empty and status.contents.iloc[0] == "demo"
    timeline = queries.run(con, "project_timeline", project_id=project_id, as_of=as_of)
    outputs = queries.run(con, "project_outputs_list", project_id=project_id)
    repos = queries.run(con, "project_repository_activity", project_id=project_id, as_of=as_of)
    partners = ", ".join(_listed(p.partner_teams)) or "none"
    facts = [("Lead team", p.lead_team_name), ("Partner teams", partners), ("Stage", f"{p.stage_label} since {_day(p.stage_since)}"),
             ("Started", _day(p.started_on)), ("Data", p.data_access or "not recorded"),
             ("Operational owner", p.operational_owner or "not named yet")]
    governance = [("DPIA", p.dpia), ("AIA", p.aia), ("Clinical safety case", p.clinical_safety_case)]
    impact = []
    if pd.notna(p.hours_saved_per_year):
        impact.append(f"{p.hours_saved_per_year:,.0f} hours saved a year")
    if pd.notna(p.organisations_using):
        impact.append(f"used by {int(p.organisations_using)} organisations")
    stages = " → ".join(f"{r.label} ({r.entered_on:%b %Y})" for r in timeline.itertuples())
    parts = [
        f"<header><p class='kicker'>Data Science Assembly · case study</p><h1>{_e(p.title)}</h1>"
        f"<p class='lede'>{_e(p.summary)}</p>" + (_DEMO_CASE if demo else "") + "</header>",
        "<div class='two'><div>",
        f"<p>{_e(p.description)}</p>" if isinstance(p.description, str) and p.description else "",
        f"<h2>Impact</h2><p>{_e(p.impact)}</p>" if isinstance(p.impact, str) and p.impact else "",
        f"<p><strong>{_e('; '.join(impact))}</strong></p>" if impact else "",
        f"<h2>Journey</h2><p>{_e(stages)}</p>" if stages else "",
        "</div><aside>",
        "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>",
        "<h3>Governance</h3><dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v or 'not recorded')}</dd>"
                                            for k, v in governance) + "</dl>",
        "</aside></div>",
    ]
    if not outputs.empty:
        parts.append("<h2>Outputs</h2><ul>" + "".join(
            f"<li>{_e(r.kind.replace('_', ' '))}: {_link(r.url, r.title)}"
            + (f" ({r.published_on:%b %Y})" if pd.notna(r.published_on) else "") + "</li>"
            for r in outputs.itertuples()) + "</ul>")
    if not repos.empty:
        parts.append("<h2>Code</h2><ul>" + "".join(
            f"<li>{_link(r.url, r.full_name)}" + (f": {int(r.commits_12m)} commits by {int(r.contributors_12m)} people "
                                                  "in the last 12 months" if pd.notna(r.commits_12m) else "") + "</li>"
            for r in repos.itertuples()) + "</ul>")
    if isinstance(p.case_study_url, str) and p.case_study_url:
        parts.append(f"<p>Full case study: {_link(p.case_study_url, p.case_study_url)}</p>")
    parts.append(f"<footer>From the project record and repository data as of {_day(as_of)}.</footer>")
    title = f"Case study: {p.title}"
    return Report(title, "".join(parts), what="the case study", demo=demo, one_page=True)


# --- sections of the annual report -----------------------------------------------------------

class _Figures:
    """Charts of one report: each is a marker in the body, drawn by Report (interactive in the
    HTML, with plotly.js in the page head once; an image in the PDF)."""

    def __init__(self) -> None:
        self.shown: list[tuple[go.Figure, str]] = []

    def div(self, fig: go.Figure, alt: str) -> str:
        fig.update_layout(template=theme.TEMPLATE_NAME if theme.TEMPLATE_NAME in _templates() else "plotly_white",
                          margin=dict(l=10, r=10, t=30, b=10))
        self.shown.append((fig, alt))
        return _marker(len(self.shown))


def _templates():
    import plotly.io as pio

    theme.register()
    return pio.templates


_DEMO_CASE = (f"<p class='demo'><strong>{exports.DEMO_MARK}.</strong> This project, its team and its "
              "repositories are invented, made to show what a case study contains.</p>")


def _header(title, start, end, as_of, demo: bool) -> str:
    return (f"<header><p class='kicker'>NHS England · Data Science Assembly</p><h1>{_e(title)}</h1>"
            f"<p class='lede'>{_day(start)} to {_day(end)}. Data as of {_day(as_of)}.</p>"
            + (f"<p class='demo'><strong>{exports.DEMO_MARK}.</strong> The teams, projects and repositories in "
               "this report are invented, made to show what the report contains.</p>" if demo else "")
            + "</header>")


def _contents(sections: list[str]) -> str:
    """A list of the sections (each a <section id=...><h2>), linking to them."""
    import re

    found = [re.match(r"<section[^>]* id='([^']+)'[^>]*><h2>([^<]+)</h2>", s) for s in sections]
    items = "".join(f"<li><a href='#{m.group(1)}'>{m.group(2)}</a></li>" for m in found if m)
    return f"<nav class='contents' aria-label='Contents'><h2>Contents</h2><ol>{items}</ol></nav>"


HEADLINES = ("projects", "started", "moved_on", "went_operational", "ever_operational", "active_repositories",
             "contributors", "commits", "active_teams")


def headline_figures(con, start: dt.date, end: dt.date) -> list[tuple[metrics.Metric, float]]:
    """The report's headline measures for start..end, all teams: the dashboard's own (analyses.metrics)."""
    run = functools.partial(queries.run, con)
    return [(metrics.get(key), metrics.value(key, run, start, end)) for key in HEADLINES]


def _top_teams(frame: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, str]:
    """`frame` (rows per team) kept to the CHART_TEAMS teams of most `measure`, the first at the
    top of a horizontal chart, and a note saying what the others add up to: a chart of forty teams
    would not fit a page, and their sum as one bar would dwarf every team shown."""
    totals = frame.groupby("team")[measure].sum().sort_values(ascending=False)
    if len(totals) <= CHART_TEAMS:
        return frame, ""
    kept = list(totals.index[:CHART_TEAMS])
    rest = len(totals) - CHART_TEAMS
    order = {team: i for i, team in enumerate(kept)}
    shown = frame[frame.team.isin(kept)].sort_values("team", key=lambda t: t.map(order), ascending=False)
    return shown, (f"; the {CHART_TEAMS} teams with the most {measure} are shown, the other {rest} have "
                   f"{totals.iloc[CHART_TEAMS:].sum():,.0f} {measure} between them")


def _headlines(con, period) -> str:
    figures = headline_figures(con, period["date_from"], period["date_to"])
    return ("<section id='numbers'><h2>The year in numbers</h2><div class='cards'>"
            + "".join(f"<div class='card'><span class='n'>{m.shown(v)}</span><span>{_e(m.name)}</span></div>"
                      for m, v in figures)
            + "</div><details open><summary>How these figures are counted</summary><dl class='definitions'>"
            + "".join(f"<dt>{_e(m.name)}</dt><dd>{_e(m.definition)}</dd>" for m, _ in figures)
            + "</dl></details></section>")


def _projects(con, period, figures: _Figures) -> str:
    moves = queries.run(con, "project_moves", **period)
    stages = queries.run(con, "projects_by_stage", date_to=period["date_to"])
    progress = queries.run(con, "pathway_progress", date_to=period["date_to"])
    pathway = stages[stages.phase != "closed"].sort_values("ordinal")
    reached = [int((progress.reached_ordinal >= o).sum()) for o in pathway.ordinal]
    funnel = go.Figure(go.Funnel(y=list(pathway.label), x=reached, textinfo="value+percent initial",
                                 marker=dict(color=[theme.STAGE_COLOURS[s] for s in pathway.stage])))
    funnel.update_layout(height=330)
    ever, now = metrics.get("ever_operational"), metrics.get("operational_now")
    run = functools.partial(queries.run, con)
    out = ["<section id='projects'><h2>Projects and the pathway to operational use</h2>",
           "<p>How far the Assembly's projects have come: those reaching each stage by the end of the period "
           f"(stages can be skipped). {_e(ever.name)}: {ever.shown(ever.value(run, period['date_from'], period['date_to']))}"
           f"; {_e(now.name.lower())}: {now.shown(now.value(run, period['date_from'], period['date_to']))}.</p>",
           figures.div(funnel, "Funnel of projects reaching each pathway stage: " + ", ".join(
               f"{label} {n}" for label, n in zip(pathway.label, reached)))]
    for move, key in MOVES.items():
        rows = moves[moves.move == move]
        if rows.empty:
            continue
        out.append(f"<h3>{_e(metrics.get(key).name)} ({rows.project_id.nunique()})</h3>")
        out.append(_table(rows.assign(entered_on=rows.entered_on.map(_day)),
                          {"title": "Project", "lead_team": "Lead team", "stage_label": "Stage", "entered_on": "Date"}))
    if moves.empty:
        out.append("<p>No project started or changed stage in this period.</p>")
    return "".join(out) + "</section>"


def _tech(con, period, figures: _Figures) -> str:
    languages = queries.run(con, "languages_by_team", **period)
    firsts = queries.run(con, "library_first_use", max_packages=200)
    new = firsts[(firsts.first_used >= pd.Timestamp(period["date_from"]))
                 & (firsts.first_used <= pd.Timestamp(period["date_to"]))]
    radar_moves = queries.run(con, "radar_history")
    radar_moves = radar_moves[(radar_moves.moved_on >= pd.Timestamp(period["date_from"]))
                              & (radar_moves.moved_on <= pd.Timestamp(period["date_to"]))]
    out = ["<section id='tech'><h2>Tech stack</h2>"]
    if not languages.empty:
        shown, colours = theme.top_with_other(languages, "language", "repositories")
        shown, teams_note = _top_teams(shown.groupby(["team", "language"], as_index=False).repositories.sum(),
                                       "repositories")
        fig = px.bar(shown, x="repositories", y="team", color="language", orientation="h",
                     color_discrete_map=colours, category_orders={"language": list(colours)},
                     labels={"team": "", "repositories": "Repositories", "language": "Language"})
        fig.update_layout(barmode="stack", height=120 + 40 * shown.team.nunique(), legend_title_text="")
        out.append("<div class='keep'><p>Languages of the repositories each team worked on (a repository counts "
                   f"for each language that is at least 10% of its code){teams_note}.</p>"
                   + figures.div(fig, "Languages by team") + "</div>")
    if not new.empty:
        grouped = new.groupby("package").agg(teams=("team", lambda t: ", ".join(sorted(set(t)))),
                                             first=("first_used", "min")).reset_index().sort_values("first")
        out.append(f"<h3>Libraries taken up ({len(grouped)})</h3><p>Libraries a team used for the first time in the "
                   "period.</p>")
        out.append(_table(grouped.assign(first=grouped["first"].map(_day)),
                          {"package": "Library", "teams": "Teams", "first": "First used"}))
    if not radar_moves.empty:
        out.append("<h3>Tech radar changes</h3>")
        out.append(_table(radar_moves.assign(moved_on=radar_moves.moved_on.map(_day),
                                             ring_from=radar_moves.ring_from.fillna("new")),
                          {"name": "Technology", "ring_from": "From", "ring_to": "To", "rationale": "Why",
                           "moved_on": "Date"}))
    return "".join(out) + "</section>"


def _collaboration(con, period, figures: _Figures) -> str:
    links = queries.run(con, "collab_links", **period)
    activity = queries.run(con, "collab_team_activity", **period)
    repos = queries.run(con, "cross_team_repositories", **period)
    projects = queries.run(con, "cross_team_projects", **period)
    people = links[links.link == "people"]
    g = network.graph(activity, people)
    summary = network.summary(g)
    groups = summary["components"]
    out = ["<section id='collaboration'><h2>Collaboration</h2><div class='keep'>",
           f"<p>{len(people)} pairs of teams shared contributors; {len(repos)} repositories had contributors from "
           f"two or more teams, and {len(projects)} projects involved more than one team. "
           f"{groups} connected {'group' if groups == 1 else 'groups'} of teams"
           + (f"; not linked: {_e(', '.join(summary['isolated']))}" if summary["isolated"] else "") + ".</p>"]
    names = sorted(set(activity.team) | set(people.team_a) | set(people.team_b))
    if not people.empty and len(names) <= MATRIX_TEAMS:
        matrix = pd.DataFrame(float("nan"), index=names, columns=names)
        for r in people.itertuples():
            matrix.loc[r.team_a, r.team_b] = matrix.loc[r.team_b, r.team_a] = r.weight
        fig = px.imshow(matrix, text_auto=True, aspect="auto", color_continuous_scale=["#E8EDEE", theme.NHS_BLUE])
        fig.update_layout(height=420, coloraxis_showscale=False)
        fig.update_xaxes(side="top", title=None)
        out.append("<p>People of one team contributing to another team's repositories, per pair of teams:</p>"
                   + figures.div(fig, "Team-by-team matrix of shared contributors"))
    elif not people.empty:  # a matrix of this many teams is unreadable on a page: the strongest pairs
        strongest = people.sort_values(["weight", "team_a", "team_b"], ascending=[False, True, True]).head(15)
        out.append(f"<p>The {len(strongest)} pairs of teams sharing the most contributors, of {len(people)}:</p>"
                   + _table(strongest.assign(weight=strongest.weight.map(lambda w: f"{w:,.0f}")),
                            {"team_a": "Team", "team_b": "With", "weight": "People shared"}))
    out.append("</div>")
    if not projects.empty:
        out.append("<h3>Projects across teams</h3>")
        out.append(_table(projects.head(15), {"title": "Project", "lead_team": "Lead", "partners": "Partners",
                                              "contributing_teams": "Teams contributing code"}))
    return "".join(out) + "</section>"


def _teams(con, period) -> str:
    run = functools.partial(queries.run, con)
    teams = queries.run(con, "team_list")
    activity = queries.run(con, "collab_team_activity", **period).set_index("team_id")
    moves = queries.run(con, "project_moves", **period)
    catalogue = queries.run(con, "project_catalogue")
    links = queries.run(con, "collab_links", **period)
    adoption = queries.run(con, "library_adoption", **period, max_packages=200)
    out = ["<section id='teams'><h2>Teams</h2>"]
    for t in teams.itertuples():
        led = catalogue[catalogue.lead_team == t.short_name]
        if t.team_id not in activity.index and led.empty:
            continue
        a = activity.loc[t.team_id] if t.team_id in activity.index else None
        mine = moves[moves.lead_team == t.short_name]
        partners = links[(links.link == "people") & ((links.team_a_id == t.team_id) | (links.team_b_id == t.team_id))]
        partner_names = [r.team_b if r.team_a_id == t.team_id else r.team_a
                         for r in partners.sort_values("weight", ascending=False).itertuples()]
        libs = adoption[adoption.team == t.short_name].sort_values("repositories", ascending=False).package.head(6)
        facts = []
        if a is not None:
            facts.append(f"{int(a.people)} people made {int(a.commits):,} commits in {int(a.repositories)} repositories")
        projects, now = (metrics.value(key, run, period["date_from"], period["date_to"], (t.team_id,))
                         for key in ("projects", "operational_now"))
        facts.append(f"{projects:,} projects (as lead or partner), {now:,} {metrics.get('operational_now').name.lower()}")
        if not mine.empty:
            facts.append("this period: " + ", ".join(f"{n} {metrics.get(MOVES[m]).name.lower()}" for m, n in
                                                      mine.groupby("move").project_id.nunique().items()))
        out.append(f"<article class='team'><h3>{_e(t.name)}</h3><p>{_e('; '.join(facts))}.</p>"
                   + (f"<p>Worked most with: {_e(', '.join(partner_names[:4]))}.</p>" if partner_names else "")
                   + (f"<p>Main libraries: {_e(', '.join(libs))}.</p>" if len(libs) else "") + "</article>")
    return "".join(out) + "</section>"


def _case_studies(con, end: dt.date) -> str:
    catalogue = queries.run(con, "project_catalogue")
    chosen = catalogue[(catalogue.stage == "Operational") & (catalogue.started_on <= pd.Timestamp(end))]
    out = ["<section id='case-studies' class='break'><h2>Case studies</h2>"]
    shown = 0
    for r in chosen.itertuples():
        d = queries.run(con, "project_detail", project_id=r.project_id).iloc[0]
        if pd.Timestamp(d.stage_since) > pd.Timestamp(end):
            continue  # operational only after the period
        shown += 1
        impact = d.impact if isinstance(d.impact, str) and d.impact else ""
        out.append(f"<article class='case'><h3>{_e(r.title)}</h3><p class='meta'>{_e(r.lead_team)} · operational since "
                   f"{_day(d.stage_since)}</p><p>{_e(r.summary)}</p>"
                   + (f"<p><strong>Impact:</strong> {_e(impact)}</p>" if impact else "")
                   + (f"<p>{_link(d.case_study_url, 'Full case study')}</p>" if isinstance(d.case_study_url, str)
                      and d.case_study_url else "") + "</article>")
    if not shown:
        out.append("<p>No project was operational by the end of the period.</p>")
    return "".join(out) + "</section>"


# --- page and helpers ------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: Arial, Helvetica, sans-serif; color: #212B32; line-height: 1.45; max-width: 1000px;
       margin: 0 auto; padding: 24px; }
h1 { color: #003087; font-size: 30px; margin: 4px 0 8px; }
h2 { color: #005EB8; border-bottom: 3px solid #005EB8; padding-bottom: 4px; margin-top: 32px; }
h3 { margin: 20px 0 6px; }
.kicker { color: #425563; text-transform: uppercase; letter-spacing: .05em; font-size: 13px; margin: 0; }
.lede { font-size: 18px; color: #425563; }
.demo { background: #FFF9C4; padding: 8px 12px; border-left: 4px solid #FFB81C; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; }
details { margin: 10px 0; font-size: 13px; color: #425563; }
.definitions { columns: 2; column-gap: 24px; }
.definitions dt { break-after: avoid; }
.definitions dd { break-inside: avoid; }
.card { background: #F0F4F5; padding: 10px 12px; border-top: 4px solid #005EB8; }
.card .n { display: block; font-size: 26px; font-weight: bold; color: #003087; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #D8DDE0; vertical-align: top; }
th { background: #E8EDEE; }
figure { margin: 8px 0 16px; break-inside: avoid; }
figure img { display: block; max-width: 100%; max-height: 240mm; margin: 0 auto; }
article, .keep, .card, tr { break-inside: avoid; }
h2, h3, summary { break-after: avoid; }
thead { display: table-header-group; }
.contents { background: #F0F4F5; padding: 4px 16px 8px; margin: 16px 0 8px; }
.contents h2 { border: 0; margin: 8px 0 4px; font-size: 18px; }
.contents ol { margin: 0; padding-left: 22px; columns: 2; }
.contents a { color: #005EB8; }
.demo strong { color: #212B32; }
.case .meta { color: #425563; margin: 0; }
.two { display: grid; grid-template-columns: 2fr 1fr; gap: 20px; }
aside { background: #F0F4F5; padding: 8px 14px; font-size: 13px; }
dt { font-weight: bold; margin-top: 6px; }
dd { margin: 0; }
footer { margin-top: 24px; color: #425563; font-size: 12px; }
.break { break-before: page; }
@media print { body { padding: 0; max-width: none; } .modebar-container { display: none; } }
"""


CONTENT_POLICY = exports.CONTENT_POLICY  # loads nothing from any host


def _page(title: str, body: str, *, script: str | None, one_page: bool = False) -> str:
    script = f"<script>{script}</script>" if script else ""
    size = ("<style>@page { margin: 12mm 14mm 14mm; } body { font-size: 13px; } h1 { font-size: 24px; } "
            "h2 { margin-top: 18px; } .lede { font-size: 16px; } footer { margin-top: 12px; }</style>"
            if one_page else "")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CONTENT_POLICY}\"><title>{_e(title)}</title>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<style>{_CSS}</style>{size}{script}</head><body>{body}</body></html>")


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for label in columns.values())
    rows = "".join("<tr>" + "".join(f"<td>{_e(_cell(getattr(r, c)))}</td>" for c in columns) + "</tr>"
                   for r in frame.itertuples())
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _cell(value) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return str(value)


def _link(url, text) -> str:
    """`text` linked to `url` with the link's host after it, if `url` is a web address; else the text alone."""
    checked = safe_link(url)
    if checked is None:
        return _e(text)
    target, host = checked
    return f"<a href='{_e(target)}'>{_e(text)}</a> ({_e(host)})"


def _listed(value) -> list[str]:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [str(v) for v in value]
    return []


def _day(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return day(pd.Timestamp(value))


def _e(value) -> str:
    return _html.escape("" if value is None else str(value), quote=True)
