"""Download an upstream calendar within a size and a time budget. No Flask.

A slow server that drips a byte at a time cannot hold a worker past the deadline: reads
return after each network read and the deadline is checked between them. A body larger
than the limit is refused as soon as the limit is passed, whatever Content-Length said.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .parse import CalendarImportError

USER_AGENT = "ELVL-scheduler calendar import (+https://elvl.ee)"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 20.0


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the last download
    etag: str | None = None
    last_modified: str | None = None


def http_url(source: str) -> str:
    if source.lower().startswith("webcal://"):
        return "https://" + source[len("webcal://") :]
    return source


def fetch(
    source: str,
    limits: Limits,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_files: bool = False,
) -> Fetched:
    lowered = source.lower()
    if lowered.startswith(("http://", "https://", "webcal://")):
        return _fetch_http(http_url(source), limits, etag, last_modified)
    if allow_files:
        return Fetched(read_file(source, limits))
    raise CalendarImportError(f"'{source}' is not an http(s) or webcal address")


def read_file(path: str, limits: Limits) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CalendarImportError(f"no file {path}")
    if file.stat().st_size > limits.max_bytes:
        raise CalendarImportError(_too_large(limits))
    return file.read_bytes()


def _too_large(limits: Limits) -> str:
    return f"the calendar is larger than the limit of {limits.max_bytes // 1024} KiB"


def _fetch_http(url: str, limits: Limits, etag, last_modified) -> Fetched:
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    )
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    deadline = time.monotonic() + limits.timeout
    try:
        with urllib.request.urlopen(request, timeout=limits.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise CalendarImportError(_too_large(limits))
            body = _read_within(response, limits, deadline)
            return Fetched(
                body, response.headers.get("ETag"), response.headers.get("Last-Modified")
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, etag, last_modified)
        raise CalendarImportError(f"the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise CalendarImportError(_timed_out(limits)) from None
        raise CalendarImportError(f"the server cannot be reached: {reason}") from None
    except TimeoutError:
        raise CalendarImportError(_timed_out(limits)) from None
    except OSError as error:
        raise CalendarImportError(f"the download failed: {error}") from None


def _timed_out(limits: Limits) -> str:
    return f"the server did not deliver the calendar within {limits.timeout:g} seconds"


def _read_within(response, limits: Limits, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CalendarImportError(_timed_out(limits))
        _set_read_timeout(response, remaining)
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise CalendarImportError(_too_large(limits))
        chunks.append(chunk)


def _set_read_timeout(response, seconds: float) -> None:
    sock = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(sock, "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.05))
