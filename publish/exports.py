"""Exports that stand on their own: a chart or table taken out of the dashboard (into slides, a
paper, an e-mail) says what it shows, for whom, over which period, from data of which date, where
it comes from, and whether the data is synthetic.

`Context` is that description, made once from the page's filters (dashboard.charts does it). From
it: `dressed` (a copy of a chart with a title, a subtitle and a source line in its margins, and
on demo data a "Synthetic demo data" mark; the chart on the page is left as it was), `html` (the
interactive page of a chart, small and offline), `about` (the rows of an Excel workbook's "About"
sheet) and `file_name` (`commits-by-team_all-teams_fy-2025-26.csv`).
"""
from __future__ import annotations

import datetime as dt
import html as _html
from dataclasses import dataclass

import re

import pandas as pd
import plotly.graph_objects as go

from publish import plotlyjs, theme
from publish.text import day, slug

ORGANISATION = "NHS England Data Science Assembly"
SOURCE = f"Source: Assembly Insights, {ORGANISATION}"
DEMO_MARK = "Synthetic demo data"
DEMO_NOTE = ("The teams, projects, repositories and commits are synthetic, made to show what Assembly "
             "Insights does; they describe no real work.")
WIDTH = 1200          # an exported image's width in CSS pixels (PNG has twice the pixels)
TEAMS_NAMED = 3       # more teams than this: the first ones named, then "and N more teams"

# What a report or an exported chart may load: its own inline scripts and styles, and images made
# in the page (Plotly's own PNG download); nothing from any host.
CONTENT_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'")


@dataclass(frozen=True)
class Context:
    """What an export shows, in words.

    title: the chart's or table's name. scope: who and when, e.g. "All teams · Last 12 months:
    1 Oct 2025 to 30 Sep 2026" (see `scope`). file_scope: the same for a file name,
    "all-teams_last-12-months". as_of: when the data was taken. demo: the warehouse holds the
    synthetic demo data. url: the dashboard's public address (DSA_PUBLIC_URL), if set. teams:
    the names of the teams chosen, every one (the scope names the first few).
    """
    title: str
    scope: str
    file_scope: str
    as_of: dt.date
    demo: bool = False
    url: str | None = None
    teams: tuple[str, ...] = ()

    @property
    def subtitle(self) -> str:
        return f"{self.scope} · data as of {day(self.as_of)}"

    @property
    def source(self) -> str:
        return SOURCE + (f" · {self.url}" if self.url else "")

    def file_name(self, extension: str) -> str:
        parts = [slug(re.sub(r"['’]", "", self.title)) or "chart", self.file_scope]  # "team's" -> "teams"
        return "_".join(p for p in parts if p) + f".{extension}"

    def about(self) -> list[tuple[str, str]]:
        """The rows of a workbook's About sheet: what the data is, for whom, when, from where."""
        rows = [("Title", self.title), ("Scope", self.scope)]
        if len(self.teams) > TEAMS_NAMED:
            rows.append(("Teams", ", ".join(self.teams)))
        rows += [("Data as of", day(self.as_of)), ("Source", SOURCE.removeprefix("Source: "))]
        if self.url:
            rows.append(("Dashboard", self.url))
        if self.demo:
            rows.append((DEMO_MARK, DEMO_NOTE))
        return rows

    def with_title(self, title: str) -> Context:
        return Context(title, self.scope, self.file_scope, self.as_of, self.demo, self.url, self.teams)


def scope(team_names: list[str], period_label: str, start: dt.date, end: dt.date) -> str:
    """"All teams · FY 2025/26: 1 Apr 2025 to 31 Mar 2026", the teams named when chosen (the first
    TEAMS_NAMED, then how many more)."""
    return f"{teams_phrase(team_names)} · {period_label}: {day(start)} to {day(end)}"


def teams_phrase(names: list[str]) -> str:
    if not names:
        return "All teams"
    if len(names) <= TEAMS_NAMED:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:TEAMS_NAMED]) + f" and {len(names) - TEAMS_NAMED} more teams"


def file_scope(team_ids: list[str], period_key: str) -> str:
    """"all-teams_fy-2025-26"; one or two teams by id, more by count."""
    who = "all-teams" if not team_ids else "-and-".join(team_ids) if len(team_ids) <= 2 else f"{len(team_ids)}-teams"
    return f"{who}_{period_key}" if period_key else who


# --- charts ----------------------------------------------------------------------------------

TITLE_SIZE, SUBTITLE_SIZE, SOURCE_SIZE = 22, 15, 12
EDGE = 20            # pixels between the texts and the image's edges
DEFAULT_HEIGHT = 450  # Plotly's height for a figure that sets none


def dressed(fig: go.Figure, context: Context) -> go.Figure:
    """A copy of `fig` that stands alone: the title and subtitle above the chart, the source line
    under it, the demo mark at the top right on demo data, each in margins added for it (the
    figure grows; the chart keeps its size). `fig` itself is not changed."""
    out = go.Figure(fig)
    theme.reserve_margins(out)  # the margins the chart needs, to add to
    m = out.layout.margin
    left, right, top, bottom = (getattr(m, side) if getattr(m, side) is not None else theme.MARGIN[side]
                                for side in ("l", "r", "t", "b"))
    badge = _badge_width() if context.demo else 0
    room = WIDTH - 2 * EDGE - badge - (24 if badge else 0)
    title = _fitted(context.title, TITLE_SIZE, room, bold=True)
    sub_lines = _lines(context.subtitle, SUBTITLE_SIZE, WIDTH - 2 * EDGE)
    head = EDGE + round(1.25 * TITLE_SIZE) + 8 + round(1.35 * SUBTITLE_SIZE) * len(sub_lines) + 12
    source_lines = _lines(context.source, SOURCE_SIZE, WIDTH - 2 * EDGE)
    foot = 14 + round(1.35 * SOURCE_SIZE) * len(source_lines) + EDGE // 2
    out.update_layout(
        height=int(out.layout.height or DEFAULT_HEIGHT) + head + foot,
        margin=dict(t=top + head, b=bottom + foot),
        title=dict(text=f"<b>{_text(title)}</b>", x=0, xref="container", xanchor="left", y=1, yref="container",
                   yanchor="top", pad=dict(l=EDGE, t=EDGE), automargin=False,
                   font=dict(size=TITLE_SIZE, color=theme.NHS_DARK_BLUE),
                   subtitle=dict(text="<br>".join(_text(line) for line in sub_lines),
                                 font=dict(size=SUBTITLE_SIZE, color=theme.NHS_DARK_GREY))),
    )
    out.add_annotation(text="<br>".join(_text(line) for line in source_lines), showarrow=False, align="left",
                       xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       xshift=EDGE - left, yshift=-(bottom + 14), font=dict(size=SOURCE_SIZE, color=theme.NHS_DARK_GREY))
    if context.demo:
        out.add_annotation(text=f"<b>{DEMO_MARK.upper()}</b>", showarrow=False, xref="paper", yref="paper", x=1, y=1,
                           xanchor="right", yanchor="top", xshift=right - EDGE, yshift=top + head - EDGE + 2,
                           font=dict(size=14, color="#212B32"), bgcolor="#FFF9C4",
                           bordercolor=theme.NHS_WARM_YELLOW, borderwidth=2, borderpad=6)
    return out


def image_height(fig: go.Figure) -> int:
    return int(fig.layout.height or DEFAULT_HEIGHT)


def html(fig: go.Figure, context: Context) -> bytes:
    """The chart (dressed, as for images) on a page of its own: interactive, and needing no
    internet. plotly.js is inlined: the partial bundle (1.5 MB) when it draws every trace,
    else the whole of it (publish.plotlyjs). The page may load nothing (CONTENT_POLICY)."""
    shown = dressed(fig, context)
    inner = shown.to_html(include_plotlyjs=False, full_html=False, config={"displaylogo": False, "responsive": True},
                          default_width="100%", default_height=f"{image_height(shown)}px", div_id="chart")
    title = _html.escape(context.title)
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_POLICY}\">"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<meta name='description' content='{_html.escape(context.subtitle, quote=True)}'>"
            f"<title>{title}</title><script>{plotlyjs.script(shown)}</script>"
            "<style>body { font-family: Arial, Helvetica, sans-serif; margin: 16px; color: #212B32; }</style>"
            f"</head><body><main>{inner}</main></body></html>")
    return page.encode("utf-8")


def _text(value: str) -> str:
    """Text Plotly draws as it is: it reads tags (`<a href>`, `<b>`) in text, and entities."""
    return _html.escape(value, quote=False)


def _badge_width() -> int:
    return theme.text_width(DEMO_MARK.upper(), 14) + 2 * 6 + 4


def _fitted(text: str, size: int, room: int, *, bold: bool = False) -> str:
    """`text`, cut at a word with an ellipsis if wider than `room` pixels at `size`."""
    factor = 1.08 if bold else 1.0
    if factor * theme.text_width(text, size) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1 and factor * theme.text_width(" ".join(words) + " …", size) > room:
        words.pop()
    cut = " ".join(words)
    while len(cut) > 1 and factor * theme.text_width(cut + " …", size) > room:
        cut = cut[:-1]
    return cut.rstrip(" ,;:·") + " …"


def _lines(text: str, size: int, room: int) -> list[str]:
    """`text` in lines no wider than `room`, broken at " · " between its parts (a part too wide
    for a line is cut with an ellipsis)."""
    lines: list[str] = []
    for part in text.split(" · "):
        joined = f"{lines[-1]} · {part}" if lines else part
        if lines and theme.text_width(joined, size) <= room:
            lines[-1] = joined
        else:
            lines.append(_fitted(part, size, room))
    return lines


# --- tables ----------------------------------------------------------------------------------

# Words a column name abbreviates, spelt out in a download's headers.
_WORDS = {"repo": "repository", "repos": "repositories", "pct": "%", "n": "number", "12m": "(12 months)",
          "size": "count",  # what pandas names the rows of each group
          "fy": "FY", "url": "address", "etl": "ETL", "api": "API", "dpia": "DPIA", "aia": "AIA"}
_INTERNAL = re.compile(r"(^|_)(id|key|slot|ordinal)$")  # ids, keys, colour slots, sort orders


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The data behind a chart, for people: internal ids, keys and sort orders (team_id,
    project_id, person_key, colour_slot, ordinal) left out, a code beside its label
    (`stage` "proof_of_concept" beside `label` or `stage_label` "Proof of concept") given as the
    label under the code's name, and headers in words ("commits_12m" -> "Commits (12 months)").
    Headers already in words (with a capital or a space) stay as they are."""
    out = frame[[c for c in frame.columns if not (isinstance(c, str) and _INTERNAL.search(c))]]
    for code, label in _coded(out):
        out = out.drop(columns=[code]).rename(columns={label: code})
    return out.rename(columns={c: header(c) for c in out.columns})


def _coded(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(code column, label column) pairs: `x` with `x_label`, or the one column of codes
    (lower-case words joined by underscores) that matches `label` value for value."""
    pairs = [(c, f"{c}_label") for c in frame.columns if isinstance(c, str) and f"{c}_label" in frame.columns]
    if "label" in frame.columns and not pairs:
        codes = [c for c in frame.columns if c != "label"
                 and frame[c].map(lambda v: isinstance(v, str) and bool(_CODE.fullmatch(v))).all()
                 and frame.groupby(c)["label"].nunique().le(1).all() and frame.groupby("label")[c].nunique().le(1).all()]
        pairs = [(codes[0], "label")] if len(codes) == 1 else []
    return pairs


_CODE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


def header(column) -> str:
    text = str(column)
    if text != text.lower() or " " in text:
        return text
    words = [_WORDS.get(w, w.upper() if len(w) == 1 else w) for w in text.split("_") if w]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]
