"""Entry script for AppTest: runs the real app.py.

AppTest resets Streamlit's "legacy pages/ folder" flag before every run, and an entry script
that sits next to a pages/ folder then falls back to the legacy multipage mode from the
second run on (only the page script reruns, not the frame). The real server is not affected.
Entering from here, where there is no pages/ folder, keeps every AppTest run a full run.
"""
import runpy

from etl.config import ROOT

runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
