"""A warehouse holding hostile text: the hand-counted one of tests/small_warehouse.py plus a
project, a repository and a dependency whose values carry Markdown images and links, HTML,
spreadsheet formulas and addresses that are not web addresses.

The rows are written straight through the loader (as small_warehouse does), not through the
record checks of `etl check`: the pages must show such values safely whatever let them in.
Every image and link in them points at TRACKER or EVIL, so a browser test can watch that
nothing is asked of those hosts.
"""
from __future__ import annotations

import copy
from pathlib import Path

from etl import pipeline
from etl.records import rows as project_rows
from etl.warehouse import load
from tests import small_warehouse as small

TRACKER, EVIL = "tracker.example", "evil.example"
TITLE = f"Tracker ![pix](https://{TRACKER}/t.png)"
NASTY_URL = f"https://example.org/a)![x](https://{TRACKER}/p.png)[y](https://{EVIL}"
FORMULA = f'=HYPERLINK("http://{EVIL}","click me")'
GOOD_URL = "https://example.org/wiki/Foo_(bar)"

PROJECT = {
    "id": "hostile", "title": TITLE, "lead_team": "alpha", "partner_teams": ["beta"],
    "summary": f"Summary with [a link](https://{EVIL}/s) and <img src='https://{TRACKER}/s.png'>",
    "description": f"Line one\n![desc](https://{TRACKER}/d.png)\n`code` www.{EVIL} me@{EVIL} https://{EVIL}/bare",
    "origin": f"<iframe src='https://{EVIL}/frame'></iframe>", "work_area": f":red[Coloured] [area](https://{EVIL})",
    "operational_owner": f"![owner](https://{TRACKER}/owner.png)",
    "stages": [{"stage": "idea", "date": "2024-05-01"}, {"stage": "pilot", "date": "2024-09-01"}],
    "tags": {"domain": [FORMULA, f"![tag](https://{TRACKER}/tag.png)"]},
    "outputs": [
        {"kind": "publication", "title": f"Paper ![o](https://{TRACKER}/o.png)", "url": NASTY_URL},
        {"kind": "code", "title": "Script", "url": "javascript:alert(document.cookie)"},
        {"kind": "technical_report", "title": "Data", "url": f"data:text/html,<img src=https://{TRACKER}/x.png>"},
        {"kind": "case_study", "title": "Good [one]", "url": GOOD_URL},
    ],
    "impact": {"text": f"Saves time <script src='https://{EVIL}/x.js'></script> ![i](https://{TRACKER}/i.png)"},
    "repositories": [
        {"full_name": "org/h1", "host": "github", "url": f"javascript:fetch('https://{EVIL}')"},
        {"full_name": "org/a1", "host": "github", "url": "https://github.com/org/a1"},
    ],
}


def build(path: Path) -> Path:
    """Write the small warehouse plus the hostile rows to `path`."""
    rows = copy.deepcopy(small.ROWS)
    rows["repositories"].append({**small._repo("h1", "alpha", "Python"), "html_url": f"javascript:alert('{EVIL}')",
                                 "description": f"![repo](https://{TRACKER}/r.png)"})
    rows["commits"].append(small._commit(99, "h1", small.A, "2024-10-01T10:00"))
    rows["dependencies"].append(small._dep("h1", "package.json", "npm", FORMULA, "=1.2.3"))
    with pipeline.build(path, "test") as b:
        b.data_as_of = small.AS_OF
        for table, table_rows in rows.items():
            load.save_rows(b.con, table, table_rows)
        project_rows.save_projects(b.con, [*small.PROJECTS, PROJECT])
    return path
