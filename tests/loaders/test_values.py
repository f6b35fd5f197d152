"""Cell converters remembered per text answer and refuse exactly as the converter does, in bounded memory."""
import math

import pytest

from loaders import values


def counted(convert):
    calls: list[str] = []

    def call(text: str):
        calls.append(text)
        return convert(text)

    return call, calls


def test_a_remembered_converter_gives_the_same_answers_and_refusals_once_converted():
    date, calls = counted(values.date)
    remembered = values.memoized(date)
    assert [remembered("2014-06-27"), remembered("2014-06-27"), remembered("")] == ["2014-06-27", "2014-06-27", None]
    for _ in range(2):  # every row holding the bad cell is refused, with the converter's reason
        with pytest.raises(values.BadValue, match="not a date"):
            remembered("2014-02-30")
    assert calls == ["2014-06-27", "", "2014-02-30"]


def test_a_remembered_converter_forgets_everything_when_full():
    year, calls = counted(values.fiscal_year)
    remembered = values.memoized(year, limit=2)
    assert [remembered(text) for text in ("2014", "2015", "2016", "2014")] == [2014, 2015, 2016, 2014]
    assert calls == ["2014", "2015", "2016", "2014"]  # the third text emptied the cache


@pytest.mark.parametrize("text, expected", [(".5", 0.5), ("-.50", -0.5), ("-0.00", 0.0), ("-0", 0.0), ("0.00", 0.0)])
def test_amounts_without_a_leading_zero_read_and_a_negative_zero_is_zero(text, expected):
    """The brief's amount shapes: '.5' (a spreadsheet's or script's decimal), '-0.00' (a zeroed negative)."""
    value = values.amount(text)
    assert value == expected and math.copysign(1.0, value) == math.copysign(1.0, expected)


@pytest.mark.parametrize("text, expected", [
    ("10/1/18", "2018-10-01"), ("04/25/18", "2018-04-25"), ("1/26/16", "2016-01-26"), ("2017/2018", "2017"),
    ("2017-2018", "2017"), ("12/27/2012", "2012-12-27"), ("2016", "2016"), ("04/2019", "2019-04")])
def test_the_atlas_of_surveillance_date_shapes_read(text, expected):
    """Citation dates as the Atlas of Surveillance writes them (see tests/loaders/test_mapping.py)."""
    assert values.date(text) == expected


@pytest.mark.parametrize("text", ["2017/2019", "13/1/18", "sometime in 2021", "2/30/18", "13/2019"])
def test_what_only_looks_like_an_atlas_date_is_refused(text):
    with pytest.raises(values.BadValue):
        values.date(text)
