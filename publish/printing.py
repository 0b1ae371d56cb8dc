"""The system's Chromium: it prints chart images (through kaleido) and PDF files. No browser is
downloaded; Debian's `chromium` (or any Chrome, or BROWSER_PATH) is used.

One Chromium is kept running between prints (`Chromium`): starting it and loading plotly.js into
it takes 1-2 s, a chart image from a running one about 0.3 s (BENCHMARKS.md, *Chart exports*).
It starts on the first print (or when an Export dialog opens, `warm_up`), serves every session of
the process (kaleido renders one image at a time, in order), and closes after IDLE_SECONDS without
work, so an idle dashboard holds no browser.
"""
from __future__ import annotations

import asyncio
import atexit
import base64
import functools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from publish import plotlyjs

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = ("needs a Chromium or Chrome browser on this machine, and none was found: install Debian's "
              "`chromium` (apt-get install chromium) or set BROWSER_PATH to one")
IDLE_SECONDS = 300.0   # a running Chromium with nothing to print closes after this
START_SECONDS = 60.0   # the most a start may take (loading plotly.js included)

log = logging.getLogger(__name__)
for _chatty in ("kaleido", "choreographer", "browser_proc"):  # a line per tab and per image at INFO
    logging.getLogger(_chatty).setLevel(logging.WARNING)


class NoBrowser(RuntimeError):
    """No Chromium or Chrome to print with."""


@functools.cache
def browser() -> str | None:
    """Path of the browser to print with, or None."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if os.path.exists(chosen) else None
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def image(figure: dict, fmt: str, *, width: int, height: int, scale: float = 1, timeout: float = 60) -> bytes:
    """A Plotly figure (its dict) drawn as PNG or SVG by the running Chromium. The running one has
    the partial plotly.js (publish.plotlyjs); a figure it cannot draw is drawn by a Chromium started
    for it with the whole plotly.js (about 5 s)."""
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    if not plotlyjs.covers(figure):
        return _whole_plotly_image(figure, opts)
    return CHROMIUM.run(lambda k: k.calc_fig(figure, opts=opts), what="the chart image", timeout=timeout)


def _whole_plotly_image(figure: dict, opts: dict) -> bytes:
    import kaleido

    exe = browser()
    if exe is None:
        raise NoBrowser(f"the chart image {NO_BROWSER}")
    try:
        return kaleido.calc_fig_sync(figure, opts=opts, kopts={"mathjax": False, "path": exe})
    except Exception as exc:
        raise RuntimeError(f"Chromium could not print the chart image: {exc or type(exc).__name__}") from exc


def pdf(html: str, *, what: str = "the PDF", footer: str = "", timeout: float = 120) -> bytes:
    """`html` (a self-contained page that needs no script to draw) printed to PDF by the running
    Chromium, A4 as the page's CSS says, with "Page N of M" on every page and `footer` (plain
    text) beside it. Nothing is fetched from the network."""
    with tempfile.TemporaryDirectory(prefix="assembly-print-") as folder:
        page = Path(folder) / "page.html"
        page.write_text(html, encoding="utf-8")
        params = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": True,
                  "headerTemplate": "<span></span>", "footerTemplate": footer_template(footer),
                  "generateDocumentOutline": True, "generateTaggedPDF": True}
        return CHROMIUM.run(lambda k: _print(k, page.as_uri(), params), what=what, timeout=timeout)


def footer_template(text: str) -> str:
    """Chromium's footer for every printed page: `text` on the left, "Page N of M" on the right.
    Chromium fills the spans of class pageNumber and totalPages; the footer has no page styles, so
    its font is set here (Chromium's default is too small to read)."""
    from html import escape

    return ("<div style=\"font-family: Arial, Helvetica, sans-serif; font-size: 9px; color: #425563; width: 100%; "
            "margin: 0 14mm; display: flex; justify-content: space-between;\">"
            f"<span>{escape(text)}</span>"
            "<span>Page <span class=\"pageNumber\"></span> of <span class=\"totalPages\"></span></span></div>")


async def _print(kaleido, url: str, params: dict) -> bytes:
    """Open `url` in a tab of its own, wait until it has loaded, print it, close the tab."""
    tab = await kaleido.create_tab("", window=True)
    try:
        loaded = tab.subscribe_once("Page.loadEventFired")
        _checked(await tab.send_command("Page.enable"))
        _checked(await tab.send_command("Page.navigate", params={"url": url}))
        await loaded
        return base64.b64decode(_checked(await tab.send_command("Page.printToPDF", params=params))["data"])
    finally:
        await kaleido.close_tab(tab)


def _checked(response: dict) -> dict:
    if "error" in response:
        raise RuntimeError(f"Chromium answered: {response['error'].get('message', response['error'])}")
    return response.get("result", {})


class Chromium:
    """One headless Chromium (a kaleido.Kaleido, which is a choreographer browser with plotly.js
    loaded in a tab) on an event loop of its own thread, for every thread of the process.

    Work is a coroutine function of the running Kaleido, run on its loop: concurrent image calls
    queue for kaleido's tab, PDFs open tabs of their own. A browser that fails (it crashed, or
    stopped answering) is closed and the work tried once more on a new one; an error in the work
    itself (a figure Plotly cannot draw) is raised as it is.
    """

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._session: _Session | None = None
        self._busy = 0
        self._timer: threading.Timer | None = None
        self.starts = 0  # how many browsers were started (for tests and benchmarks)

    def run(self, work: Callable, *, what: str, timeout: float):
        for attempt in (1, 2):
            session = self._acquire(what)
            try:
                return session.run(work, timeout)
            except Exception as exc:
                if _is_work_error(exc) or attempt == 2:
                    raise RuntimeError(f"Chromium could not print {what}: {exc or type(exc).__name__}") from exc
                log.warning("Chromium failed (%s); starting a new one", exc or type(exc).__name__)
                self._discard(session)
            finally:
                self._release()
        raise AssertionError("unreachable")

    def warm_up(self) -> None:
        """Start the browser in the background if it is not running (an Export dialog opened:
        an image is likely to be asked for in a moment)."""
        if browser() is None or self.running():
            return
        threading.Thread(target=self._warm, name="chromium-warm-up", daemon=True).start()

    def _warm(self) -> None:
        try:
            self._acquire("the chart images")
        except Exception as exc:  # noqa: BLE001 - the next print says why, to the person asking
            log.warning("Chromium did not start: %s", exc)
            return
        self._release()

    def running(self) -> bool:
        return self._session is not None

    def close(self) -> None:
        with self._lock:
            session, self._session = self._session, None
            if self._timer:
                self._timer.cancel()
        if session:
            session.stop()

    def _acquire(self, what: str) -> _Session:
        exe = browser()
        if exe is None:
            raise NoBrowser(f"{what} {NO_BROWSER}")
        with self._lock:
            self._busy += 1
            if self._session is None:
                try:
                    self._session = _Session(exe)
                except Exception:
                    self._busy -= 1
                    raise
                self.starts += 1
            return self._session

    def _release(self) -> None:
        with self._lock:
            self._busy -= 1
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(self.idle_seconds, self._close_if_idle)
            self._timer.daemon = True
            self._timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._busy or self._session is None:
                return
            session, self._session = self._session, None
        session.stop()

    def _discard(self, session: _Session) -> None:
        with self._lock:
            if self._session is session:
                self._session = None
        session.stop()


class _Session:
    """A running Kaleido on its own event loop and thread."""

    def __init__(self, exe: str) -> None:
        import kaleido

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="chromium", daemon=True)
        self.thread.start()
        started = time.perf_counter()

        async def open_browser():
            # The partial plotly.js loads in a fifth of the time of the whole (1.2 s against 5 s to
            # start); mathjax=False: the charts use no TeX, and the default fetches MathJax from a CDN.
            k = kaleido.Kaleido(n=1, timeout=60, plotlyjs=str(plotlyjs.BUNDLE), mathjax=False, path=exe)
            await k.open()
            return k

        try:
            self.kaleido = asyncio.run_coroutine_threadsafe(open_browser(), self.loop).result(START_SECONDS)
        except BaseException as exc:
            self._stop_loop()
            raise RuntimeError(f"Chromium ({exe}) did not start: {exc or type(exc).__name__}") from exc
        log.info("Chromium started for printing in %.1f s", time.perf_counter() - started)

    def run(self, work: Callable, timeout: float):
        future = asyncio.run_coroutine_threadsafe(work(self.kaleido), self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def stop(self) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self.kaleido.close(), self.loop).result(20)
        except Exception as exc:  # noqa: BLE001 - a browser that is gone needs no closing
            log.debug("closing Chromium: %s", exc)
        self._stop_loop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def _is_work_error(exc: BaseException) -> bool:
    """An error in what was asked (Plotly refusing a figure), not in the browser."""
    from kaleido.errors import KaleidoError

    return isinstance(exc, (KaleidoError, ValueError, TypeError))


CHROMIUM = Chromium()
atexit.register(CHROMIUM.close)
