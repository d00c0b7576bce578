"""Dates as legacy pages write them, in any style, read into a start, an end and a precision.

"April 02-03, 2014", "29–30 November 2010", "8 December – 9 December 2007", "April 2000",
"September 17, 2020", "30 November 2010 – 2 December 2010", "2-3 avril 2014", "2014-04-02"...
:func:`find_dates` finds the date expression in a line and says where it is, so what remains
(title, city, country) can be read around it.
"""

import bisect
import calendar
import datetime
import itertools
import re
from dataclasses import dataclass

from rcp.dates import DatePrecision
from rcp.legacy.profile import ParsedDates

MONTHS = {
    # English
    **{name.casefold(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
    # French
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
    # Spanish
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_MONTH_NAMES = sorted(MONTHS, key=len, reverse=True)
M = r"(?:" + "|".join(re.escape(name) for name in _MONTH_NAMES) + r")\.?"
D = r"(?:[0-3]?\d)(?:st|nd|rd|th|er|º)?"
Y = r"(?:19|20)\d{2}"
DASH = r"\s*(?:-|\u2013|\u2014|to|until|till|au|à|a|al|y|and|&)\s*"
MONTH_NUMBER = r"[01]?\d"
DAY_NUMBER = r"[0-3]?\d"
LEAD = r"(?:(?:from|on|du|le|del|de|el)\s+)?"
WEEKDAY = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche)),?\s+"
)


def _g(name: str, pattern: str) -> str:
    return f"(?P<{name}>{pattern})"


# Most specific first: each pattern names the parts it has.
PATTERNS = [
    # 30 November 2010 – 2 December 2011
    rf"{_g('d1', D)}\s+{_g('m1', M)},?\s+{_g('y1', Y)}{DASH}{_g('d2', D)}\s+{_g('m2', M)},?\s+"
    rf"{_g('y2', Y)}",
    # November 30, 2010 – December 2, 2011
    rf"{_g('m1', M)}\s+{_g('d1', D)},?\s+{_g('y1', Y)}{DASH}{_g('m2', M)}\s+{_g('d2', D)},?\s+"
    rf"{_g('y2', Y)}",
    # 8 December – 9 December 2007; 30 November – 2 December 2010
    rf"{_g('d1', D)}\s+(?:de\s+)?{_g('m1', M)}{DASH}{_g('d2', D)}\s+(?:de\s+)?{_g('m2', M)},?\s+"
    rf"(?:de\s+)?{_g('y2', Y)}",
    # November 30 – December 2, 2010
    rf"{_g('m1', M)}\s+{_g('d1', D)}{DASH}{_g('m2', M)}\s+{_g('d2', D)},?\s+{_g('y2', Y)}",
    # 29–30 November 2010; du 2 au 3 avril 2014
    rf"{_g('d1', D)}{DASH}{_g('d2', D)}\s+(?:de\s+)?{_g('m2', M)},?\s+(?:de\s+)?{_g('y2', Y)}",
    # April 02-03, 2014; May 11-12 2016
    rf"{_g('m2', M)}\s+{_g('d1', D)}{DASH}{_g('d2', D)},?\s+{_g('y2', Y)}",
    # 13 June 2016; 1er décembre 2010; 5 de mayo de 2015
    rf"{_g('d1', D)}\s+(?:de\s+)?{_g('m1', M)},?\s+(?:de\s+)?{_g('y1', Y)}",
    # September 17, 2020
    rf"{_g('m1', M)}\s+{_g('d1', D)},?\s+{_g('y1', Y)}",
    # April–May 2000; January 2018 – December 2019
    rf"{_g('m1', M)}{DASH}{_g('m2', M)},?\s+{_g('y2', Y)}",
    rf"{_g('m1', M)},?\s+{_g('y1', Y)}{DASH}{_g('m2', M)},?\s+{_g('y2', Y)}",
    # 15-16/11/2017, 15–16.11.2017
    _g("ed", DAY_NUMBER)
    + r"\s*[-\u2013]\s*"
    + _g("ed2", DAY_NUMBER)
    + "[./]"
    + _g("em", MONTH_NUMBER)
    + "[./]"
    + _g("ey", Y),
    # 2014-04-02
    _g("iy", Y) + "-" + _g("im", MONTH_NUMBER) + "-" + _g("id", DAY_NUMBER),
    # 02.04.2014, 2/4/2014 (day first, as IOM writes)
    _g("ed", DAY_NUMBER) + "[./]" + _g("em", MONTH_NUMBER) + "[./]" + _g("ey", Y),
    # April 2000; abril de 2000
    rf"{_g('m1', M)},?\s+(?:de\s+)?{_g('y1', Y)}",
]
COMPILED = [
    re.compile(rf"(?<![\w\u00c0-\u024f]){LEAD}(?:{WEEKDAY})?{pattern}(?![\w\u00c0-\u024f])", re.I)
    for pattern in PATTERNS
]
YEAR_ONLY = re.compile(rf"^\s*(?:in\s+|en\s+)?{_g('y', Y)}\s*$", re.I)


@dataclass
class DateMatch:
    dates: ParsedDates
    start: int
    end: int


def _day(text: str | None) -> int | None:
    if text is None:
        return None
    return int(re.match(r"\d+", text).group(0))


def _month(text: str | None) -> int | None:
    if text is None:
        return None
    return MONTHS.get(text.rstrip(".").casefold())


def _build(parts: dict) -> ParsedDates | None:
    try:
        if parts.get("iy"):
            day = datetime.date(int(parts["iy"]), int(parts["im"]), int(parts["id"]))
            return ParsedDates(start=day)
        if parts.get("ey"):
            day = datetime.date(int(parts["ey"]), int(parts["em"]), int(parts["ed"]))
            if parts.get("ed2"):
                end = day.replace(day=int(parts["ed2"]))
                return ParsedDates(start=day, end=end) if end > day else None
            return ParsedDates(start=day)
        d1, d2 = _day(parts.get("d1")), _day(parts.get("d2"))
        m1, m2 = _month(parts.get("m1")), _month(parts.get("m2"))
        y1 = int(parts["y1"]) if parts.get("y1") else None
        y2 = int(parts["y2"]) if parts.get("y2") else None
        end_year = y2 or y1
        start_year = y1 or y2
        if d1 is None and d2 is None:
            # Months only: "April 2000", "April–May 2000".
            start = datetime.date(start_year, m1 or m2, 1)
            end = datetime.date(end_year, m2, 1) if m1 and m2 and m2 != m1 else None
            if end and end < start:
                start = start.replace(year=start.year - 1)
            return ParsedDates(start=start, end=end, precision=DatePrecision.MONTH)
        start_month = m1 or m2
        start = datetime.date(start_year, start_month, d1)
        end = None
        if d2 is not None:
            end = datetime.date(end_year, m2 or m1, d2)
            if end < start and y1 is None:
                start = start.replace(year=start.year - 1)
            if end < start or end == start:
                end = None if end == start else end
        if end is not None and end < start:
            return None
        return ParsedDates(start=start, end=end, precision=DatePrecision.DAY)
    except (ValueError, TypeError):
        return None


def find_dates(text: str, *, masked: str | None = None) -> DateMatch | None:
    """The longest date expression in ``text`` (the last one if several are as long).

    ``masked`` is ``text`` with quoted titles blanked out, so "covers 2011–2013" inside a
    meeting's quoted title is never read as its date."""
    haystack = masked if masked is not None else text
    found: list[DateMatch] = []
    impossible: list[tuple[int, int]] = []
    for pattern in COMPILED:
        for match in pattern.finditer(haystack):
            dates = _build(match.groupdict())
            if dates is not None:
                found.append(DateMatch(dates=dates, start=match.start(), end=match.end()))
            else:
                impossible.append(match.span())
    # "31 February 2014" is no date, not "February 2014": a date inside a longer impossible
    # one is dropped (found by sorting the impossible ones once, not by comparing each pair).
    if impossible:
        impossible.sort()
        starts = [start for start, _end in impossible]
        reach = list(itertools.accumulate((end for _start, end in impossible), max))
        found = [m for m in found if not _inside(m, starts, reach, impossible)]
    if not found:
        return None
    return max(found, key=lambda m: (m.end - m.start, m.start))


def _inside(match: DateMatch, starts: list[int], reach: list[int], spans) -> bool:
    """Whether a longer span of ``spans`` (sorted; ``reach`` the furthest end so far) holds
    ``match``: one starting before it and ending at or after its end, or one starting with
    it and ending after it."""
    before = bisect.bisect_left(starts, match.start)
    if before and reach[before - 1] >= match.end:
        return True
    same = bisect.bisect_right(starts, match.start)
    return same > before and spans[same - 1][1] > match.end


def parse_year(text: str) -> int | None:
    match = YEAR_ONLY.match(text)
    return int(match.group("y")) if match else None


def year_range(text: str) -> ParsedDates | None:
    """Chairs' dates: "2018-2020", "(2016)", "since 2006", "2019 – present", or full dates."""
    text = text.strip(" ()[],;")
    match = re.fullmatch(
        rf"(?:since|from|depuis|desde)?\s*(?P<y1>{Y})(?:{DASH}(?P<y2>{Y}|\d{{2}}|present|now|"
        rf"today|aujourd'hui|pr[ée]sent))?",
        text,
        re.I,
    )
    if match:
        start = datetime.date(int(match.group("y1")), 1, 1)
        y2 = match.group("y2")
        if y2 and len(y2) == 2:  # "2019-21"
            y2 = match.group("y1")[:2] + y2
        end = datetime.date(int(y2), 1, 1) if y2 and y2.isdigit() else None
        if end is not None and end < start:
            return None
        return ParsedDates(start=start, end=end, precision=DatePrecision.YEAR)
    found = find_dates(text)
    if found and found.end - found.start >= len(text.strip()) - 2:
        return found.dates
    return None
