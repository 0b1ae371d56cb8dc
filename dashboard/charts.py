"""Every chart with its exports, one way for all pages: PNG and SVG (printed by the server's
Chromium, kept running between prints: publish.printing), the chart's data as CSV and XLSX, and
interactive HTML that works offline.

Every export stands on its own (publish.exports): the images and the HTML carry the chart's title,
its scope (the teams and period chosen in the sidebar, read here once for every page), the date of
the data, a source line and, on demo data, a "Synthetic demo data" mark; the chart on the page is
left as it was. Data downloads are headed in words, without internal ids; their file names say the
scope (`commits-by-team_all-teams_fy-2025-26.csv`), and Excel workbooks carry an About sheet.

Files are made only when their button is clicked (Streamlit runs a download's callable then),
so a page with many charts draws as fast as without exports.
"""
from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, filters
from etl import config
from publish import exports, printing, theme
from publish.text import plain, slug, spreadsheet_safe

NO_BROWSER = f"PNG and SVG {printing.NO_BROWSER}."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def browser() -> str | None:
    """The browser kaleido will use, or None (then PNG and SVG are offered disabled, saying why)."""
    return printing.browser()


def image(fig: go.Figure, fmt: str, *, width: int = exports.WIDTH, height: int | None = None, scale: float = 2) -> bytes:
    """The figure as PNG or SVG, sized for slides (1200 px wide, twice the pixels for PNG)."""
    height = height or exports.image_height(fig)
    return printing.image(fig.to_dict(), fmt, width=width, height=height, scale=scale if fmt == "png" else 1)


def html(fig: go.Figure, context: exports.Context) -> bytes:
    """A standalone page with the chart, dressed as the images are: interactive, small, and needs
    no internet (publish.exports.html)."""
    return exports.html(fig, context)


def context(title: str, scope: str | None = None) -> exports.Context:
    """What an export from this page shows (publish.exports.Context): `title`, the page's filters
    (teams and period) unless `scope` says otherwise (for a chart or table the filters do not
    narrow, e.g. "Every source, the 200 latest runs"), the date of the data, whether it is the
    demo, and DSA_PUBLIC_URL."""
    f = filters.current()
    status = data.query("data_status").iloc[0]
    as_of = status.data_as_of.date()
    names = [f.team_names.get(t, t) for t in f.teams] if scope is None else []
    if scope is None:
        text = exports.scope(names, f.period.label, f.period.start, f.period.end)
        file_scope = exports.file_scope(list(f.teams), f.period.key)
    else:
        text, file_scope = scope, f"as-of-{as_of:%Y-%m-%d}"
    return exports.Context(title, text, file_scope, as_of, demo=status.contents == "demo", url=config.public_url(),
                           teams=tuple(names))


def xlsx(data: pd.DataFrame, sheet: str = "data", about: exports.Context | None = None) -> bytes:
    """The table as an Excel workbook: text that Excel would take for a formula starts with a
    quote (publish.text.spreadsheet_safe), numbers and dates keep their types. With `about`, a
    second sheet "About" says what the table is: title, scope, data date, source, demo mark."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        name = _sheet_name(sheet)
        name = "Data" if about is not None and name.lower() == "about" else name
        spreadsheet_safe(_for_excel(data)).to_excel(writer, sheet_name=name, index=False)
        if about is not None:
            rows = pd.DataFrame(about.about(), columns=["About", "Value"])
            spreadsheet_safe(rows).to_excel(writer, sheet_name="About", index=False)
            writer.sheets["About"].column_dimensions["A"].width = 22
            writer.sheets["About"].column_dimensions["B"].width = 100
    return out.getvalue()


def csv(data: pd.DataFrame) -> bytes:
    """The table as CSV, text that a spreadsheet would take for a formula starting with a quote."""
    return spreadsheet_safe(data).to_csv(index=False).encode("utf-8")


def _sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters (a longer title cut at a word, with an
    ellipsis), none of []:*?/\\."""
    name = re.sub(r"[\[\]:*?/\\]", "-", title).strip("' ")
    if len(name) > 31:
        name = name[:30].rsplit(" ", 1)[0].rstrip(" ,;·-") + "…"
    return name or "data"


def cached(builder):
    """Decorator for a function that makes a figure from query results and other plain values.

    Plotly takes tens of milliseconds per trace to build a figure, which at NHS scale (forty
    teams, a trace each) is most of a page's time. The figure is built once per distinct input
    (hashed by value; DataFrames by data.frame_digest) and then shared by every session: treat a
    figure it returns as read-only.
    It is readied for the browser once, here (theme.for_browser: margins, template, data revision).
    """
    @functools.wraps(builder)
    def build(*args, **kwargs):
        out = builder(*args, **kwargs)
        for part in out if isinstance(out, tuple) else (out,):
            if isinstance(part, go.Figure):
                theme.for_browser(part)
        return out

    return st.cache_resource(max_entries=500, show_spinner=False, hash_funcs=data.HASH_FUNCS)(build)


def show(fig: go.Figure, *, key: str, alt: str, data: pd.DataFrame | None = None, title: str | None = None,
         scope: str | None = None) -> None:
    """Draw `fig` (NHS theme) with an Export button under it. `data` is the table behind the chart,
    offered as CSV and XLSX; `title` names the exports (the key when not given); `scope` says whom
    and when the chart covers when the sidebar's filters do not (see `context`)."""
    theme.for_browser(fig)  # done already for figures from `cached`
    st.plotly_chart(fig, theme=None, key=key, alt=alt)
    export_menu(fig, key=key, data=data, title=title, scope=scope)


def export_menu(fig: go.Figure | Callable[[], go.Figure], *, key: str,
                data: pd.DataFrame | Callable[[], pd.DataFrame] | None = None, title: str | None = None,
                scope: str | None = None) -> None:
    """An Export button under a chart. It opens a dialog with the chart's downloads, made only
    then: a menu holding them on the page cost the browser about 8 ms for every chart on every
    visit (BENCHMARKS.md), and a page shows its charts far more often than anyone exports one.
    The dialog exists only in the run its button starts, so it never offers buttons from an
    earlier run (whose files the server no longer has).

    For a chart the page does not draw (it shows a table instead), `fig` and `data` may be
    functions that make them: they run only when the dialog opens, not on every run of the page."""
    label = title or key.replace("_", " ")
    if st.button("Export", icon=":material/download:", key=f"{key}_export"):
        st.dialog(f"Export: {plain(label)}")(_downloads)(fig, key=key, data=data, about=context(label, scope))


def _downloads(fig, *, key: str, data, about: exports.Context) -> None:
    fig, data = fig() if callable(fig) else fig, data() if callable(data) else data
    has_browser = browser() is not None
    if has_browser:
        printing.CHROMIUM.warm_up()  # an image is likely to be asked for: start Chromium now
    shown = functools.cache(lambda: exports.dressed(fig, about))
    st.caption(f"{plain(about.subtitle)}{' · ' + exports.DEMO_MARK if about.demo else ''}")
    st.download_button("PNG image", lambda: image(shown(), "png"), about.file_name("png"), "image/png",
                       key=f"{key}_png", disabled=not has_browser, icon=":material/image:", on_click="ignore",
                       width="stretch")
    st.download_button("SVG image", lambda: image(shown(), "svg"), about.file_name("svg"), "image/svg+xml",
                       key=f"{key}_svg", disabled=not has_browser, icon=":material/draw:", on_click="ignore",
                       width="stretch")
    if not has_browser:
        st.caption(NO_BROWSER)
    if data is not None:
        table = functools.cache(lambda: exports.readable(data))
        st.download_button("Data (CSV)", lambda: csv(table()), about.file_name("csv"), "text/csv", key=f"{key}_csv",
                           icon=":material/table:", on_click="ignore", width="stretch")
        st.download_button("Data (Excel)", lambda: xlsx(table(), about.title, about), about.file_name("xlsx"), XLSX,
                           key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore", width="stretch")
    st.download_button("Interactive HTML", lambda: html(fig, about), about.file_name("html"), "text/html",
                       key=f"{key}_html", icon=":material/html:", on_click="ignore", width="stretch")


def table(name: str, data: pd.DataFrame, /, scope: str | None = None, **options):
    """A table (st.dataframe with `options`) with a Download button under it: the rows shown, as
    CSV or Excel, headed as on screen (column_config labels, column_order), text that a
    spreadsheet would take for a formula starting with a quote; file names with the scope, and an
    About sheet in the workbook (see `context`; `scope` as there). Streamlit's own table download
    is switched off (client.disableDataExport): it writes cells as they are. An empty cell shows
    a dash (`placeholder`), never Streamlit's "None"."""
    options.setdefault("placeholder", "—")
    shown = st.dataframe(data, **options)
    if data.empty:
        return shown
    key = f"table_{slug(name)}_{options.get('key', '')}"
    if st.button("Download", icon=":material/download:", key=f"{key}_download", type="tertiary"):
        st.dialog(f"Download: {plain(name)}")(_table_downloads)(data, options, key=key, about=context(name, scope))
    return shown


def _table_downloads(data: pd.DataFrame, options: dict, *, key: str, about: exports.Context) -> None:
    shown = as_shown(data, options.get("column_config") or {}, options.get("column_order"))
    st.caption(f"{plain(about.subtitle)}{' · ' + exports.DEMO_MARK if about.demo else ''}")
    st.download_button("CSV", lambda: csv(shown), about.file_name("csv"), "text/csv", key=f"{key}_csv",
                       icon=":material/table:", on_click="ignore", width="stretch")
    st.download_button("Excel", lambda: xlsx(shown, about.title, about), about.file_name("xlsx"), XLSX,
                       key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore", width="stretch")


def as_shown(data: pd.DataFrame, column_config: dict, column_order=None) -> pd.DataFrame:
    """The columns a table shows, in its order, under the headers people see."""
    columns = [c for c in (column_order or data.columns) if c in data.columns]
    labels = {}
    for column in list(columns):
        config = column_config.get(column, "")
        if config is None:  # hidden
            columns.remove(column)
            continue
        label = config if isinstance(config, str) else (config.get("label") if isinstance(config, dict) else None)
        labels[column] = label or str(column)
    return data[columns].rename(columns=labels)


def _for_excel(data: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones and no lists: dates stay dates, lists become text."""
    out = data.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        elif out[column].dtype == object and out[column].map(lambda v: isinstance(v, (list, tuple))).any():
            out[column] = out[column].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out
