"""Columns made side by side are put in the makers' order, with a bounded number of them in hand."""
import time

import numpy as np
import pytest

from graph.columns import put_made


class Recorder(dict):
    def __init__(self):
        super().__init__()
        self.order: list[str] = []

    def update(self, columns):  # type: ignore[override]
        self.order.extend(columns)
        super().update(columns)


def test_columns_go_in_the_makers_order_whatever_finishes_first():
    def maker(name: str, delay: float):
        def make():
            time.sleep(delay)
            return {name: np.arange(3)}
        return make

    out = Recorder()
    put_made(out, [maker("slow", 0.2), maker("fast", 0.0), maker("mid", 0.05), maker("last", 0.0)])
    assert out.order == ["slow", "fast", "mid", "last"]


def test_a_maker_starts_only_when_the_one_at_once_places_before_it_is_put():
    sink: dict[int, dict] = {}
    late = []

    def maker(i: int):
        def make():
            if i - len(sink) > 1:  # with at_once=2, maker i starts once makers 0..i-2 are put
                late.append(i)
            time.sleep(0.01)
            return {i: np.zeros(1)}
        return make

    put_made(sink, (maker(i) for i in range(8)), at_once=2)
    assert sorted(sink) == list(range(8)) and late == []


def test_a_makers_error_is_raised_after_the_columns_before_it_are_put():
    def broken():
        raise ValueError("bad table")

    out = Recorder()
    with pytest.raises(ValueError, match="bad table"):
        put_made(out, [lambda: {"a": np.zeros(1)}, broken, lambda: {"c": np.zeros(1)}])
    assert out.order == ["a"]
