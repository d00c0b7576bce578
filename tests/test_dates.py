"""How meeting and chair dates are written: one house style, with an en dash in ranges."""

import datetime

import pytest
from django.utils import translation

from rcp.dates import DatePrecision, format_date_range, truncate_to_precision

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2007, 12, 8), None, "8 December 2007"),
        (D(2007, 12, 8), D(2007, 12, 8), "8 December 2007"),
        (D(2014, 4, 2), D(2014, 4, 3), "2\u20133 April 2014"),
        (D(2010, 11, 29), D(2010, 11, 30), "29\u201330 November 2010"),
        (D(2007, 12, 8), D(2007, 12, 9), "8\u20139 December 2007"),
        (D(2010, 11, 30), D(2010, 12, 2), "30 November \u2013 2 December 2010"),
        (D(2010, 12, 30), D(2011, 1, 2), "30 December 2010 \u2013 2 January 2011"),
    ],
    ids=[
        "single-day",
        "same-start-and-end",
        "days-in-a-month",
        "end-of-month",
        "december",
        "across-months",
        "across-years",
    ],
)
def test_day_precision(start, end, expected):
    assert format_date_range(start, end, DatePrecision.DAY) == expected


def test_day_precision_is_the_default():
    assert format_date_range(D(2014, 4, 2), D(2014, 4, 3)) == "2\u20133 April 2014"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2000, 4, 1), None, "April 2000"),
        (D(2000, 4, 1), D(2000, 4, 1), "April 2000"),
        (D(2000, 4, 10), D(2000, 4, 20), "April 2000"),
        (D(2000, 4, 1), D(2000, 5, 1), "April\u2013May 2000"),
        (D(2000, 12, 1), D(2001, 1, 1), "December 2000 \u2013 January 2001"),
    ],
    ids=["one-month", "same-month", "days-in-one-month", "two-months", "across-years"],
)
def test_month_precision(start, end, expected):
    assert format_date_range(start, end, DatePrecision.MONTH) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2000, 1, 1), None, "2000"),
        (D(2000, 1, 1), D(2000, 6, 1), "2000"),
        (D(2019, 1, 1), D(2021, 1, 1), "2019\u20132021"),
    ],
    ids=["one-year", "same-year", "several-years"],
)
def test_year_precision(start, end, expected):
    assert format_date_range(start, end, DatePrecision.YEAR) == expected


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2014, 4, 2), D(2014, 4, 3), "day", "2\u20133 avril 2014"),
        (D(2010, 11, 30), D(2010, 12, 2), "day", "30 novembre \u2013 2 décembre 2010"),
        (D(2000, 4, 1), None, "month", "avril 2000"),
        (D(2000, 4, 1), D(2000, 5, 1), "month", "avril\u2013mai 2000"),
    ],
    ids=["days", "across-months", "one-month", "two-months"],
)
def test_month_names_follow_the_readers_language(start, end, precision, expected):
    with translation.override("fr"):
        assert format_date_range(start, end, precision) == expected


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (DatePrecision.DAY, D(2000, 4, 17)),
        (DatePrecision.MONTH, D(2000, 4, 1)),
        (DatePrecision.YEAR, D(2000, 1, 1)),
    ],
)
def test_truncate_to_precision(precision, expected):
    assert truncate_to_precision(D(2000, 4, 17), precision) == expected


@pytest.mark.parametrize("precision", list(DatePrecision))
def test_truncate_to_precision_keeps_a_missing_date_missing(precision):
    assert truncate_to_precision(None, precision) is None
