"""The suite's one way to wait for something another thread or process does.

Prefer a ``threading.Event`` set by the code being waited for; where only a condition can
be observed (a child process, a socket), poll it with ``wait_until``: it returns as soon as
the condition holds and fails the test with a message after ``timeout`` seconds.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T], timeout: float = 60, interval: float = 0.05, what: str = ""
) -> T:
    """The first truthy value of ``condition()``; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout:g} s in vain{': ' + what if what else ''}")
        time.sleep(interval)


def server_answers(url: str) -> bool:
    """True once an HTTP server answers at ``url`` (any status), False while nothing listens."""
    try:
        urllib.request.urlopen(url, timeout=5).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True
