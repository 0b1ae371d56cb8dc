"""Reporting periods: all time, the last 12 months, and NHS financial years (April to March).

Periods are relative to the data's "as of" date, so the same link shows the same figures
for the same warehouse, and demo data (a fixed snapshot) stays meaningful.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date


def financial_year_start(day: dt.date) -> int:
    """The calendar year in which the NHS financial year containing `day` began."""
    return day.year if day.month >= 4 else day.year - 1


def available(first_day: dt.date, as_of: dt.date) -> list[Period]:
    """Periods to offer for data running from `first_day` to `as_of`, most useful first."""
    periods = [
        Period("last-12-months", "Last 12 months", _year_before(as_of), as_of),
        Period("all-time", "All time", first_day, as_of),
    ]
    for year in range(financial_year_start(as_of), financial_year_start(first_day) - 1, -1):
        start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
        label = f"FY {year}/{str(year + 1)[-2:]}" + (" (to date)" if end > as_of else "")
        periods.append(Period(f"fy-{year}-{str(year + 1)[-2:]}", label, start, min(end, as_of)))
    return periods


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + dt.timedelta(days=1)


def in_words(period: Period) -> str:
    """The period as it ends a sentence: "in the last 12 months", "in FY 2026/27 to date",
    "from 1 Apr 2016 to 30 Sep 2026" (all time)."""
    if period.key.startswith("fy-"):
        return "in " + period.label.replace(" (to date)", " to date")
    if period.key == "last-12-months":
        return "in the last 12 months"
    return f"from {period.start.day} {period.start:%b %Y} to {period.end.day} {period.end:%b %Y}"


def year_earlier(period: Period) -> Period:
    """The same days one year earlier, to compare with: the 12 months before the last 12, the
    financial year before, or the same part of it for a year to date."""
    return Period(f"{period.key}-year-earlier", f"{period.label}, a year earlier", _shift(period.start), _shift(period.end))


def _shift(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
