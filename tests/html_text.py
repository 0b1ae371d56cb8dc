"""Reading what dashboard.blocks and dashboard.headline write (st.html bodies) back as text, with
the standard library."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _Cells(HTMLParser):
    """Rows of cell texts of the table or definition list whose aria-label is `label`, and the
    links (href) found in it."""

    def __init__(self, label: str):
        super().__init__(convert_charrefs=True)
        self.label, self.depth, self.rows, self.links, self.cell = label, 0, [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0 and attrs.get("aria-label") == self.label:
            self.depth = 1
            return
        if self.depth == 0:
            return
        self.depth += tag not in ("br",)
        if self.cell is not None:
            self.cell.append(" ")  # an element inside a cell (a line under a title) reads apart from the text before
        if tag in ("tr", "div"):
            self.rows.append([])
        elif tag in ("td", "th", "dt", "dd"):
            self.cell = []
        elif tag == "a":
            self.links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if self.depth == 0:
            return
        self.depth -= 1
        if tag in ("td", "th", "dt", "dd") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.depth and self.cell is not None:
            self.cell.append(data)


def rows(body: str, label: str) -> tuple[list[list[str]], list[str]]:
    """(rows of cell texts, hrefs) of the element labelled `label` in `body`."""
    parser = _Cells(label)
    parser.feed(body)
    if not parser.rows:
        raise AssertionError(f"no element labelled {label!r} in the HTML")
    return parser.rows, parser.links


def page_answer(at) -> tuple[str, str]:
    """The page's sentence and the definitions behind it (dashboard.headline), as people read them."""
    found = [h.value for h in at.html if 'class="ai-answer"' in h.value]
    assert len(found) == 1, found
    title = re.search(r'title="([^"]*)"', found[0])
    return html.unescape(re.sub(r"<[^>]+>", "", found[0])), html.unescape(title.group(1) if title else "")
