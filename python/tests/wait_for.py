"""Polling for a condition with a deadline (tests/testing/wait_for.h in
Python): the tests wait for what they need, not for a time."""

from __future__ import annotations

import time
from typing import Callable, Tuple, TypeVar

T = TypeVar("T")


def wait_for(done: Callable[[], bool], seconds: float = 10,
             interval: float = 0.02) -> bool:
    """Polls `done` every `interval` s for up to `seconds`; True as soon as
    it holds, False if it still does not at the deadline (checked once
    more)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(interval)
    return done()


def wait_for_value(observe: Callable[[], T], done: Callable[[T], bool],
                   seconds: float = 10,
                   interval: float = 0.02) -> Tuple[bool, T]:
    """Polls `observe()` until `done(value)` holds, up to `seconds`: whether
    it held, and the last value observed (for the failure message)."""
    last = []

    def check() -> bool:
        last[:] = [observe()]
        return done(last[0])

    held = wait_for(check, seconds, interval)
    return held, last[0]
