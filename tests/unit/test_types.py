"""Cleaners return the cleaned value or None, never raise."""
import pytest

from graph.types import clean_amount, clean_date, clean_integer, clean_list, clean_url


@pytest.mark.parametrize("raw, expected", [
    ("2017-12-01", "2017-12-01"), ("2017-12", "2017-12"), ("2014", "2014"), (2014, "2014"),
    ("12/31/2017", "2017-12-31"), ("2018-03-05 00:00:00", "2018-03-05"), ("2018-03-05T10:00:00", "2018-03-05"),
    ("31/12/2017", None), ("2017-13-01", None), ("soon", None), ("", None), (None, None),
])
def test_dates_keep_their_precision(raw, expected):
    assert clean_date(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("53,100,000", 53_100_000.0), ("$1,270,000.50", 1_270_000.5), ("(500.00)", -500.0), ("-12", -12.0),
    (39300000, 39_300_000.0), ("12abc", None), ("", None), (True, None), ("1.2.3", None),
    ("-$5", -5.0), ("$-5", -5.0), ("1,234", 1234.0),
    # A comma that does not group thousands is a decimal comma or a typo: "1,23" is not 123.
    ("1,23", None), ("1234,567", None), ("12,3456", None),
    ("--5", None), ("(-5)", None), ("(5", None), ("5)", None), ("-(5)", None),
    ("9" * 400, None), (float("inf"), None), (float("nan"), None),  # beyond a float: no amount, not inf
])
def test_amounts(raw, expected):
    assert clean_amount(raw) == expected


def test_integers_and_lists():
    assert clean_integer("650,000") == 650_000
    assert clean_integer("6.5") is None
    assert clean_list("a; b;;c") == ["a", "b", "c"]
    assert clean_list(["x", " ", None]) == ["x"]


def test_only_http_urls_are_links():
    assert clean_url("https://www.usaspending.gov/award/X") == "https://www.usaspending.gov/award/X"
    assert clean_url("javascript:alert(1)") is None
    assert clean_url("https://x.org/\"onmouseover=1") is None
