"""Showing text written by people (project records) safely: as text, never as HTML or markup."""
from __future__ import annotations

import html
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$:])")


def plain(text: str | None) -> str:
    """Markdown that displays `text` exactly as written: HTML is escaped (a `<script>` shows
    as those characters) and Markdown syntax is neutralised; line breaks are kept."""
    if text is None:
        return ""
    escaped = _MARKDOWN.sub(r"\\\1", html.escape(str(text), quote=False))
    return escaped.replace("\n", "  \n")


def day(d) -> str:
    """A date as people write it, without a leading zero: "3 Sep 2026"."""
    return f"{d.day} {d:%b %Y}"


def slug(text: str) -> str:
    """Lower-case letters and digits joined by single hyphens, for a file name or an anchor:
    "Projects by stage" -> "projects-by-stage"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
