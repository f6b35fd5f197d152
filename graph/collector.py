"""Python's cycle collector paused while a big load makes and holds millions of small objects."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off meanwhile (unless it already was), back on however the block ends.

    A load makes millions of small dicts, lists and strings, none in a
    cycle, and the collections they set off walk every object the process
    already holds (a loader's records, the resolver's indexes): building the
    Neo4j rows of a 100k-row USAspending load took 5.0 s of CPU, 1.5 s
    without; a 1M-row load into the embedded store spent ~3.5 s collecting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
