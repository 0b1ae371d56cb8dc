"""The product's identity on every page: its name in an NHS-blue band across the top, whose
service it is, and on demo data a mark saying the data is synthetic.

Plain HTML (st.html) with its style, drawn by app.py before anything else, so it needs nothing
else of the project: it shows even when the vocabulary or the warehouse cannot be read.
"""
from __future__ import annotations

FRAME_STYLE = """<style>  /* dashboard.identity */
[data-testid="stHeader"] { background: #005EB8; }
[data-testid="stHeader"] button, [data-testid="stSidebarHeader"] button, [data-testid="stSidebarHeader"] button span { color: #FFFFFF; }
[data-testid="stSidebarContent"] { background: linear-gradient(#005EB8, #005EB8) top / 100% 3.75rem no-repeat local, #F0F4F5; scrollbar-gutter: auto; }
[data-testid="stSidebarHeader"] { height: 3.75rem; margin-bottom: 1rem; }
[data-testid="stMainBlockContainer"] { padding: 0 3rem 4rem; }
.st-key-ai_band, :has(> .st-key-ai_band) { position: sticky; top: 0; z-index: 999991; height: 3.75rem; }
.ai-band { height: 3.75rem; display: flex; align-items: center; gap: 0 1rem; color: #FFFFFF; margin: 0; padding-right: 2.5rem; }
.ai-band-name { font-size: 1.375rem; font-weight: 700; line-height: 1.2; margin: 0; color: #FFFFFF; }
.ai-band-sub { font-size: 0.9375rem; line-height: 1.2; color: #FFFFFF; }
.ai-band-demo { margin-left: auto; background: #FFB81C; color: #212B32; border-radius: 1rem; padding: 0.15rem 0.7rem;
  font-size: 0.875rem; font-weight: 600; white-space: nowrap; }
[data-testid="stMain"] h1 { font-size: 2.25rem; padding: 0.5rem 0 0.25rem; }
[data-testid="stMain"] h2 { font-size: 1.6rem; }
</style>"""


def band(*, demo: bool) -> str:
    """The band across the top of every page: the product's name, whose service it is, and on
    demo data a mark saying the data is synthetic. Written with the frame's style (FRAME_STYLE),
    which also turns Streamlit's own header bar NHS blue and takes away the room it left above
    the page, so the answer of each page starts higher on the screen."""
    mark = ('<span class="ai-band-demo" title="These teams\' projects, repositories and commits are synthetic, '
            'made to show what the dashboard does; people are pseudonymous.">Synthetic demo data</span>') if demo else ""
    return (f'{FRAME_STYLE}<div class="ai-band" role="banner"><p class="ai-band-name">Assembly Insights</p>'
            f'<span class="ai-band-sub">NHS England · Data Science Assembly</span>{mark}</div>')
