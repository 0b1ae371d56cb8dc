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


# Names a link may give a period besides its key: "all" for all time, and the labels that links
# carried before they carried keys ("All time", "FY 2025/26", "FY 2026/27 (to date)").
_SHORT_KEYS = {"all": "all-time", "12-months": "last-12-months"}


def find(periods: list[Period], name: str) -> Period | None:
    """The period a link names by its key, a short key ("all") or its label, in any case; None
    when none of `periods` has that name."""
    wanted = " ".join(name.split()).casefold()
    wanted = _SHORT_KEYS.get(wanted, wanted)
    for p in periods:
        if wanted in (p.key, p.label.casefold(), p.label.removesuffix(" (to date)").casefold()):
            return p
    return None


def previous(period: Period, first_day: dt.date) -> Period | None:
    """The period of equal length just before `period`, to compare with: the financial year
    before a financial year, the 12 months before the last 12 months, the same number of months
    (or days) before any other. Its label says which ("FY 2024/25", "the previous 12 months").
    None when it would start before the data does (`first_day`)."""
    after_end = period.end + dt.timedelta(days=1)
    months = (after_end.year - period.start.year) * 12 + after_end.month - period.start.month
    end = period.start - dt.timedelta(days=1)
    if period.start.day == after_end.day and months > 0:  # whole months: go back by months
        start = _months_before(period.start, months)
        label = f"the previous {months} months" if months > 1 else "the previous month"
    else:
        days = (after_end - period.start).days
        start, label = period.start - dt.timedelta(days=days), f"the previous {days} days"
    if start < first_day:
        return None
    if (start.month, start.day, end.month, end.day, end.year) == (4, 1, 3, 31, start.year + 1):
        label = f"FY {start.year}/{str(end.year)[-2:]}"
    return Period(f"before-{period.key}", label, start, end)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31))
