"""Items made ahead in a thread arrive in order, errors where they happened, and an early stop closes the source."""
import pytest

from loaders.prefetch import prefetched


def test_items_arrive_in_order_and_errors_where_they_happened():
    def source():
        yield from range(5)
        raise ValueError("cut at row 6")

    seen = []
    with pytest.raises(ValueError, match="cut at row 6"):
        for item in prefetched(source()):
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]


def test_a_caller_that_stops_early_closes_the_source():
    closed = []

    def source():
        try:
            yield from range(1000)
        finally:
            closed.append(True)

    items = prefetched(source())
    assert next(items) == 0
    items.close()
    assert closed == [True]
