"""Pausing Python's cyclic garbage collector around phases that only build.

Loading and analysis build large graphs of long-lived objects (resources, statements, the
engines' indexes and memos). The cyclic collector walks every tracked object again and again
while they grow: 30-40% of a warm load and about a third of the analysis at 10k resources
(bench/RESULTS.md). Reference counting still frees everything acyclic meanwhile, and the
collector runs as usual once the phase is over.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside; switched back on after, if it was on."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
