"""How dates of meetings and chairs are written on profile pages.

One style everywhere, with an en dash between the ends of a range:
"2\u20133 April 2014", "30 November \u2013 2 December 2010", "April 2000",
"2019\u20132021". Month names follow the reader's language.
"""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EN_DASH = "\u2013"


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def truncate_to_precision(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store "April 2000" as 1 April 2000 and "2000" as 1 January 2000."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


def format_date_range(
    start: datetime.date, end: datetime.date | None = None, precision: str = DatePrecision.DAY
) -> str:
    """Write a date or a date range in the house style, at the given precision."""
    if precision == DatePrecision.YEAR:
        if end is None or end.year == start.year:
            return str(start.year)
        return f"{start.year}{EN_DASH}{end.year}"

    # Translators: date formats in the letters of Django's "date" filter (j: day, F: month's
    # name, Y: year; \ escapes a letter), e.g. Spanish "j \d\e F \d\e Y" for "2 de abril de 2014".
    month_year, day_month, day_month_year = gettext("F Y"), gettext("j F"), gettext("j F Y")
    if precision == DatePrecision.MONTH:
        if end is None or (end.year, end.month) == (start.year, start.month):
            return date_format(start, month_year)
        if end.year == start.year:
            return f"{date_format(start, 'F')}{EN_DASH}{date_format(end, month_year)}"
        return f"{date_format(start, month_year)} {EN_DASH} {date_format(end, month_year)}"

    if end is None or end == start:
        return date_format(start, day_month_year)
    if (end.year, end.month) == (start.year, start.month):
        return f"{start.day}{EN_DASH}{date_format(end, day_month_year)}"
    if end.year == start.year:
        return f"{date_format(start, day_month)} {EN_DASH} {date_format(end, day_month_year)}"
    return f"{date_format(start, day_month_year)} {EN_DASH} {date_format(end, day_month_year)}"
