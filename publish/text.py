"""Showing text written by people (project records, repositories, files) safely: as text, never
as markup; links only to web addresses, with their host in view; spreadsheet cells never formulas.

Streamlit renders Markdown in st.markdown, headers, captions, alerts, metric values and every
label and tooltip: a title holding `![x](https://tracker.example/t.png)` there would make every
browser that opens the page fetch that image. Pages pass such values through `plain`, and build
links only with `link` (or check a link column's addresses with `safe_link`).
"""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import pandas as pd

# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and
# Streamlit's own syntax (:red[...], :material/icon:, $math$) is made of them.
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}  # HTML escaped as HTML, so it shows as typed
# Streamlit's Markdown (GitHub's) turns web and e-mail addresses in text into links after escapes
# are read, so no escape stops it: an invisible WORD JOINER (U+2060) inside "https:", "www." and
# after "@" does, and the text still reads the same.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=http:)|(?<=https:)|(?<=www)(?=\.)|(?<=@)")


def plain(text) -> str:
    """Markdown that displays `text` exactly as written: HTML is escaped (a `<script>` shows as
    those characters), every Markdown and Streamlit syntax character is escaped, so no link,
    image, heading, list, code or colour comes of it, and addresses in it are not made links. Lines are kept (as line breaks), without
    the indentation that would turn them into a code block. None is empty."""
    if _missing(text):
        return ""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_PUNCTUATION.sub(_escape_one, _AUTOLINK.sub(JOINER, line.strip())) for line in lines)


def _missing(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and bool(pd.isna(value)))


def _escape_one(match: re.Match) -> str:
    char = match.group()
    return _ENTITIES.get(char, "\\" + char)


# The characters RFC 3986 allows in a URL, a percent sign only before two hex digits.
_URL = re.compile(r"(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# The same rules for the usual address, in one pattern: http(s), a host name of letters, digits,
# hyphens (not at either end of a label) and dots, then a path, query or fragment, or nothing.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_COMMON_WEB = re.compile(rf"(?i)https?://({_LABEL}(?:\.{_LABEL})*)\.?"
                         r"(?:[/?#](?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?")


def safe_link(url) -> tuple[str, str] | None:
    """(url, host) when `url` is a web address a page may link to: http or https, a host name
    (letters, digits, hyphens and dots) or IP address, no user name or password, and nothing but
    the characters a URL may hold. None for anything else (javascript:, data:, relative paths,
    addresses with spaces, brackets, quotes or Markdown in them): show those as text."""
    return _checked(url.strip()) if isinstance(url, str) else None


@functools.lru_cache(maxsize=20_000)  # a page's link column asks again for the same addresses on every run
def _checked(url: str) -> tuple[str, str] | None:
    if common := _COMMON_WEB.fullmatch(url):  # most addresses: no port, IP address or odd host
        return url, common.group(1).lower()
    if not _URL.fullmatch(url.replace("[", "").replace("]", "")):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if "[" in url or "]" in url:  # only an IPv6 address may be bracketed, and only as the host
        if not parts.netloc.startswith("[") or url.count("[") != 1 or url.count("]") != 1 or ":" not in host:
            return None
        if not re.fullmatch(r"[0-9a-f:.]+", host):
            return None
        return url, f"[{host}]"
    if not all(_HOST_LABEL.fullmatch(label) for label in host.removesuffix(".").split(".")):
        return None
    return url, host


def link(title, url) -> str:
    """Markdown for a titled link: "[Title](url) (host)", the title escaped and the host in view,
    when `url` passes safe_link; otherwise the title and the address as plain text."""
    checked = safe_link(url)
    if checked is None:
        given = "" if _missing(url) else str(url).strip()
        return plain(title) + (f" ({plain(given)})" if given else "")
    target, host = checked
    # Parentheses are the only characters safe_link lets through that end a Markdown link target.
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{plain(title) or plain(host)}]({target}) ({plain(host)})"


# For a table's link column: the part of an address to show, its host (the first group).
LINK_HOST = r"^\w+://\[?([^/:?#\]]+)"


def web_links(urls: pd.Series) -> pd.Series:
    """The addresses of a link column that pass safe_link; the others become empty (no link)."""
    checked = (safe_link(url) for url in urls.tolist())
    return pd.Series([found[0] if found else None for found in checked], index=urls.index, dtype=object)


# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """A cell value safe to open in a spreadsheet: text that would be read as a formula gets a
    single quote in front; anything that is not text (numbers, negative ones too) is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for a CSV or Excel download: every text cell and column name that a
    spreadsheet would take for a formula starts with a quote; numbers, dates and other values
    keep their types."""
    out = frame.copy()
    out.columns = [spreadsheet_text(c) for c in out.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out.isetitem(i, column.map(spreadsheet_text, na_action="ignore"))
    return out


def day(d) -> str:
    """A date as people write it, without a leading zero: "3 Sep 2026"."""
    return f"{d.day} {d:%b %Y}"


def slug(text: str) -> str:
    """Lower-case letters and digits joined by single hyphens, for a file name or an anchor:
    "Projects by stage" -> "projects-by-stage"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
