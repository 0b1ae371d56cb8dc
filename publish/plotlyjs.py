"""Which plotly.js a chart needs: the partial bundle in publish/assets (1.5 MB, the trace types the
dashboard draws; see publish/assets/README.md) when it covers every trace of the figures, else the
whole plotly.js plotly.py ships (4.8 MB)."""
from __future__ import annotations

import functools
import re
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent / "assets" / "plotly-assembly.min.js"
# The trace types registered in publish/assets/plotly-entry.js (scatter is in plotly.js's core).
TRACES = frozenset({"bar", "box", "funnel", "heatmap", "sankey", "scatter", "scatterpolar"})


def trace_types(*figures) -> set[str]:
    """The trace types of Plotly figures (objects or dicts)."""
    found = set()
    for fig in figures:
        data = fig.get("data", []) if isinstance(fig, dict) else fig.data
        found |= {(t.get("type") if isinstance(t, dict) else t.type) or "scatter" for t in data}
    return found


def covers(*figures) -> bool:
    """True when the partial bundle draws every trace of `figures`."""
    return trace_types(*figures) <= TRACES


@functools.cache
def bundle() -> str:
    return BUNDLE.read_text(encoding="utf-8")


def script(*figures) -> str:
    """The plotly.js to inline for `figures`: the partial bundle when it covers them."""
    if covers(*figures):
        return bundle()
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def version(text: str) -> str | None:
    """The plotly.js version a bundle's banner names ("4.1.1")."""
    found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:2000])
    return found.group(1) if found else None
