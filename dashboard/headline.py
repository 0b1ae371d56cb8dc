"""A page's answer to its question, in one plain-English sentence at the top of the page, large
enough to read from the back of a meeting room; the figures in it are measures of
analyses/metrics.py, whose definitions go with it (shown on hover and to screen readers)."""
from __future__ import annotations

import html

import streamlit as st

STYLE = ("font-size: 1.3rem; line-height: 1.45; font-weight: 500; color: #212B32; margin: 0 0 0.25rem; "
         "max-width: 60rem")


def headline(sentence: str, *, definitions: list[str] | tuple[str, ...] = ()) -> None:
    """Show `sentence` (plain text: it is escaped) as the page's answer; `definitions` (one line
    per figure in it) are its title, so hovering the sentence says what each figure counts."""
    title = " ".join(definitions)
    st.html(f'<p class="ai-answer" style="{STYLE}"'
            + (f' title="{html.escape(title, quote=True)}"' if title else "")
            + f">{html.escape(sentence)}</p>")


def count(n: int, one: str, many: str | None = None) -> str:
    """"1 project", "12 projects", "1,204 repositories"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def during(period) -> str:
    """The period as a sentence says it: "in the last 12 months", "in FY 2025/26",
    "in FY 2026/27 to date" (a part year), "since 1 Oct 2023"."""
    label = period.label
    if label.lower() == "all time":
        return f"since {period.start.day} {period.start:%b %Y}"
    if label.endswith("(to date)"):
        return f"in {label.removesuffix('(to date)').strip()} to date"
    return f"in the {label[0].lower()}{label[1:]}" if label.lower().startswith("last") else f"in {label}"
