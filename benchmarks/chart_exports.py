"""Chart exports: how long a PNG or SVG takes and how big an interactive HTML is, the way the
dashboard made them before (plotly's `fig.to_image`, which starts a Chromium for every image, and
`write_html(include_plotlyjs=True)` with the whole plotly.js) and the way it makes them now
(publish.printing's Chromium kept running, with the partial plotly.js of publish/assets; the
figure dressed with its title, scope, source and demo mark by publish.exports).

    .venv/bin/python benchmarks/chart_exports.py [--db PATH] [--before 4] [--rounds 3]

The charts are those of the demo warehouse's pages (drawn headless by AppTest). `--before` images
are made the old way (about 5 s each); every chart is made the new way `--rounds` times. Prints
a table of the figures and the annual report's PDF time; exits 1 if an export fails.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def page_charts(db: Path) -> list[tuple[str, dict]]:
    """(page and number, figure spec) of every chart the demo pages draw."""
    from streamlit.testing.v1 import AppTest

    os.environ["DSA_DB"] = str(db)
    found = []
    for page in ("pathway.py", "tech_stack.py", "radar.py", "collaboration.py", "data.py"):
        at = AppTest.from_file(str(ROOT / "tests" / "app_entry.py"), default_timeout=120).run()
        at.switch_page(str(ROOT / "pages" / page)).run()
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].message}")
        found += [(f"{page[:-3]} {i}", json.loads(c.proto.spec)) for i, c in enumerate(at.get("plotly_chart"))]
    return found


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    out = work()
    return time.perf_counter() - started, out


def old_pdf(html: str, folder: Path) -> bytes:
    """The report printed as before: the interactive page, by a Chromium started for it, given 20 s
    of virtual time for the charts' scripts."""
    import subprocess

    from publish import printing

    page, out = folder / "old.html", folder / "old.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run([printing.browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={folder}/profile", "--run-all-compositor-stages-before-draw",
                    "--virtual-time-budget=20000", "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return out.read_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a demo warehouse (default: one built in a temporary folder)")
    parser.add_argument("--before", type=int, default=4, help="charts exported the old way (about 5 s each)")
    parser.add_argument("--rounds", type=int, default=3, help="times each chart is exported the new way")
    args = parser.parse_args()

    import plotly.graph_objects as go

    from etl.demo import build
    from etl import warehouse
    from publish import exports, printing, report

    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else Path(folder) / "demo.duckdb"
        if not args.db:
            build.build_demo(db)
        charts = page_charts(db)
        about = exports.Context("A chart of the dashboard", exports.scope([], "Last 12 months", dt.date(2025, 10, 1),
                                                                         dt.date(2026, 9, 30)),
                                "all-teams_last-12-months", dt.date(2026, 9, 30), demo=True)
        print(f"{len(charts)} charts from the demo pages")

        before_png, before_html = [], []
        for name, spec in charts[:args.before]:
            fig = go.Figure(spec)
            seconds, png = timed(lambda: fig.to_image(format="png", width=1200, height=int(fig.layout.height or 500),
                                                      scale=2))
            before_png.append(seconds)
            before_html.append(len(fig.to_html(include_plotlyjs=True, full_html=True)))
            print(f"  before  {name:16} PNG {seconds:5.2f} s")

        first_png = None
        png_times, svg_times, sizes = [], [], []
        for round_ in range(args.rounds):
            for name, spec in charts:
                fig = exports.dressed(go.Figure(spec), about)
                height = exports.image_height(fig)
                png_s, png = timed(lambda: printing.image(fig.to_dict(), "png", width=1200, height=height, scale=2))
                svg_s, svg = timed(lambda: printing.image(fig.to_dict(), "svg", width=1200, height=height))
                if not png.startswith(b"\x89PNG") or b"<svg" not in svg[:200]:
                    print(f"{name}: the export is not an image")
                    return 1
                if first_png is None:
                    first_png = png_s
                else:
                    png_times.append(png_s)
                    svg_times.append(svg_s)
                if round_ == 0:
                    sizes.append(len(exports.html(go.Figure(spec), about)))
        printing.CHROMIUM.close()

        con = warehouse.open_read_only(db)
        made = report.annual(con)
        pdf_before, _ = timed(lambda: old_pdf(made.html, Path(folder)))
        pdf_cold, pdf = timed(made.pdf)
        pdf_warm, _ = timed(made.pdf)
        printing.CHROMIUM.close()
        con.close()

    ms = lambda values: f"{1000 * statistics.median(values):.0f} ms (range {1000 * min(values):.0f}-{1000 * max(values):.0f})"  # noqa: E731
    print()
    print("| measure | before | after |")
    print("|---|---|---|")
    print(f"| PNG, first of the process | {statistics.median(before_png):.1f} s | {first_png:.1f} s (Chromium starts) |")
    print(f"| PNG, later ones (median of {len(png_times)}) | {statistics.median(before_png):.1f} s "
          f"(each starts Chromium; range {min(before_png):.1f}-{max(before_png):.1f} s) | {ms(png_times)} |")
    print(f"| SVG, later ones (median of {len(svg_times)}) | as PNG | {ms(svg_times)} |")
    print(f"| interactive HTML of one chart | {statistics.median(before_html) / 1e6:.2f} MB "
          f"| {statistics.median(sizes) / 1e6:.2f} MB (largest {max(sizes) / 1e6:.2f} MB) |")
    print(f"| annual report PDF (demo, {len(made.figures)} charts as SVG) | {pdf_before:.1f} s | {pdf_cold:.1f} s cold, "
          f"{pdf_warm:.1f} s with Chromium running ({len(pdf) / 1e3:.0f} kB) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
