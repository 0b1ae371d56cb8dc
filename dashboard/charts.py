"""Every chart with its exports, one way for all pages: PNG and SVG (kaleido, printed by the
system's Chromium), the chart's data as CSV and XLSX, and interactive HTML that works offline.

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

from dashboard import data
from publish import printing, report, theme
from publish.text import plain, slug, spreadsheet_safe

NO_BROWSER = f"PNG and SVG {printing.NO_BROWSER}."


def browser() -> str | None:
    """The browser kaleido will use, or None (then PNG and SVG are offered disabled, saying why)."""
    return printing.browser()


def image(fig: go.Figure, fmt: str, *, width: int = 1200, height: int | None = None, scale: float = 2) -> bytes:
    """The figure as PNG or SVG, sized for slides (1200 px wide, twice the pixels for PNG)."""
    height = height or int(fig.layout.height or 500)
    return fig.to_image(format=fmt, width=width, height=height, scale=scale if fmt == "png" else 1)


def html(fig: go.Figure, title: str) -> bytes:
    """A standalone page with plotly.js inside: interactive, and needs no internet."""
    policy = f'<meta http-equiv="Content-Security-Policy" content="{report.CONTENT_POLICY}">'
    return fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False},
                       default_width="100%", div_id="chart").replace(
        "<head>", f"<head>{policy}<title>{_escape(title)}</title>", 1).encode("utf-8")


def xlsx(data: pd.DataFrame, sheet: str = "data") -> bytes:
    """The table as an Excel workbook: text that Excel would take for a formula starts with a
    quote (publish.text.spreadsheet_safe), numbers and dates keep their types."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        spreadsheet_safe(_for_excel(data)).to_excel(writer, sheet_name=_sheet_name(sheet), index=False)
    return out.getvalue()


def csv(data: pd.DataFrame) -> bytes:
    """The table as CSV, text that a spreadsheet would take for a formula starting with a quote."""
    return spreadsheet_safe(data).to_csv(index=False).encode("utf-8")


def _sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31].strip("' ") or "data"


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


def show(fig: go.Figure, *, key: str, alt: str, data: pd.DataFrame | None = None, title: str | None = None) -> None:
    """Draw `fig` (NHS theme) with an Export button under it. `data` is the table behind the chart,
    offered as CSV and XLSX; `title` names the files (the key when not given)."""
    theme.for_browser(fig)  # done already for figures from `cached`
    st.plotly_chart(fig, theme=None, key=key, alt=alt)
    export_menu(fig, key=key, data=data, title=title)


def export_menu(fig: go.Figure | Callable[[], go.Figure], *, key: str,
                data: pd.DataFrame | Callable[[], pd.DataFrame] | None = None, title: str | None = None) -> None:
    """An Export button under a chart. It opens a dialog with the chart's downloads, made only
    then: a menu holding them on the page cost the browser about 8 ms for every chart on every
    visit (BENCHMARKS.md), and a page shows its charts far more often than anyone exports one.
    The dialog exists only in the run its button starts, so it never offers buttons from an
    earlier run (whose files the server no longer has).

    For a chart the page does not draw (it shows a table instead), `fig` and `data` may be
    functions that make them: they run only when the dialog opens, not on every run of the page."""
    label = title or key.replace("_", " ")
    if st.button("Export", icon=":material/download:", key=f"{key}_export"):
        st.dialog(f"Export: {plain(label)}")(_downloads)(fig, key=key, data=data, label=label)


def _downloads(fig, *, key: str, data, label: str) -> None:
    fig, data = fig() if callable(fig) else fig, data() if callable(data) else data
    name = slug(label) or "chart"
    has_browser = browser() is not None
    st.download_button("PNG image", lambda: image(fig, "png"), f"{name}.png", "image/png", key=f"{key}_png",
                       disabled=not has_browser, icon=":material/image:", on_click="ignore", width="stretch")
    st.download_button("SVG image", lambda: image(fig, "svg"), f"{name}.svg", "image/svg+xml", key=f"{key}_svg",
                       disabled=not has_browser, icon=":material/draw:", on_click="ignore", width="stretch")
    if not has_browser:
        st.caption(NO_BROWSER)
    if data is not None:
        st.download_button("Data (CSV)", lambda: csv(data), f"{name}.csv", "text/csv", key=f"{key}_csv",
                           icon=":material/table:", on_click="ignore", width="stretch")
        st.download_button("Data (Excel)", lambda: xlsx(data, label), f"{name}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore", width="stretch")
    st.download_button("Interactive HTML", lambda: html(fig, label), f"{name}.html", "text/html",
                       key=f"{key}_html", icon=":material/html:", on_click="ignore", width="stretch")


def table(name: str, data: pd.DataFrame, /, **options):
    """A table (st.dataframe with `options`) with a Download button under it: the rows shown, as
    CSV or Excel, headed as on screen (column_config labels, column_order), text that a
    spreadsheet would take for a formula starting with a quote. Streamlit's own table download
    is switched off (client.disableDataExport): it writes cells as they are. An empty cell shows
    a dash (`placeholder`), never Streamlit's "None"."""
    options.setdefault("placeholder", "—")
    shown = st.dataframe(data, **options)
    if data.empty:
        return shown
    key = f"table_{slug(name)}_{options.get('key', '')}"
    if st.button("Download", icon=":material/download:", key=f"{key}_download", type="tertiary"):
        st.dialog(f"Download: {plain(name)}")(_table_downloads)(data, options, key=key, name=name)
    return shown


def _table_downloads(data: pd.DataFrame, options: dict, *, key: str, name: str) -> None:
    shown = as_shown(data, options.get("column_config") or {}, options.get("column_order"))
    file = slug(name) or "table"
    st.download_button("CSV", lambda: csv(shown), f"{file}.csv", "text/csv", key=f"{key}_csv",
                       icon=":material/table:", on_click="ignore", width="stretch")
    st.download_button("Excel", lambda: xlsx(shown, name), f"{file}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _for_excel(data: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones and no lists: dates stay dates, lists become text."""
    out = data.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        elif out[column].dtype == object and out[column].map(lambda v: isinstance(v, (list, tuple))).any():
            out[column] = out[column].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out
