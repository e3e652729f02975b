"""A real HTTP server on loopback serving whatever upstream calendar a test sets."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Upstream:
    def __init__(self):
        self.body = b""
        self.etag: str | None = None
        self.delay = 0.0
        self.drip = False
        self.requests = 0
        self.extra_bytes = 0


def _handler(upstream: Upstream):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            upstream.requests += 1
            if upstream.etag and self.headers.get("If-None-Match") == upstream.etag:
                self.send_response(304)
                self.end_headers()
                return
            time.sleep(upstream.delay)
            size = len(upstream.body) + upstream.extra_bytes
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            if not upstream.extra_bytes:
                self.send_header("Content-Length", str(size))
            if upstream.etag:
                self.send_header("ETag", upstream.etag)
            self.end_headers()
            try:
                if upstream.drip:
                    for byte in upstream.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
                    return
                self.wfile.write(upstream.body)
                chunk = b"X" * 65536
                sent = 0
                while sent < upstream.extra_bytes:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture
def upstream():
    state = Upstream()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.port = server.server_address[1]
    state.url = f"http://127.0.0.1:{state.port}/partner.ics"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_loopback(app, upstream):
    """Let imports reach the upstream server on loopback, as an on-premise install would
    with CALENDARS_ALLOW_PRIVATE_HOSTS and its port in CALENDARS_ALLOWED_PORTS. Returns a
    function that allows more ports."""

    def allow(*ports: int) -> None:
        app.config["CALENDARS_ALLOWED_PORTS"] = (*app.config["CALENDARS_ALLOWED_PORTS"], *ports)

    app.config["CALENDARS_ALLOW_PRIVATE_HOSTS"] = True
    allow(upstream.port)
    return allow
