"""A load's allocators: pyarrow on jemalloc unless the environment chooses, and giving back is safe any time."""
from __future__ import annotations

import pyarrow as pa
import pytest

from loaders.allocators import give_back, returning_memory


@pytest.fixture
def pool():
    before = pa.default_memory_pool()
    yield
    pa.set_memory_pool(before)


def test_a_load_puts_pyarrow_on_jemalloc(pool, monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    pa.set_memory_pool(pa.system_memory_pool())
    returning_memory()
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow has no jemalloc")
    assert pa.default_memory_pool().backend_name == "jemalloc"


def test_the_environment_keeps_its_choice_of_pool(pool, monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    pa.set_memory_pool(pa.system_memory_pool())
    returning_memory()
    assert pa.default_memory_pool().backend_name == "system"


def test_giving_back_keeps_live_arrays_intact(pool):
    returning_memory()
    kept = pa.array(range(100_000))
    dropped = pa.array(range(1_000_000))
    del dropped
    give_back()
    assert kept.to_numpy()[-1] == 99_999
