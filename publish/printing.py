"""The system's Chromium: it prints chart images (through kaleido) and PDF files. No browser is
downloaded; Debian's `chromium` (or any Chrome, or BROWSER_PATH) is used."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = ("needs a Chromium or Chrome browser on this machine, and none was found: install Debian's "
              "`chromium` (apt-get install chromium) or set BROWSER_PATH to one")


class NoBrowser(RuntimeError):
    """No Chromium or Chrome to print with."""


@functools.cache
def browser() -> str | None:
    """Path of the browser to print with, or None."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if os.path.exists(chosen) else None
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def pdf(html: str, *, what: str = "the PDF", timeout: float = 120) -> bytes:
    """`html` (a self-contained page) printed to PDF by headless Chromium, after its scripts
    (the charts) have run. Nothing is fetched from the network."""
    exe = browser()
    if exe is None:
        raise NoBrowser(f"{what} {NO_BROWSER}")
    with tempfile.TemporaryDirectory(prefix="assembly-print-") as folder:
        page, out = Path(folder) / "page.html", Path(folder) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        done = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={folder}/profile",
             "--run-all-compositor-stages-before-draw", "--virtual-time-budget=20000", "--no-pdf-header-footer",
             f"--print-to-pdf={out}", page.as_uri()],
            capture_output=True, text=True, timeout=timeout)
        if not out.exists() or out.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print {what}: {(done.stderr or done.stdout).strip()[-400:]}")
        return out.read_bytes()
