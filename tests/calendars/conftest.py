"""A real HTTP server on loopback serving whatever upstream calendar a test sets."""

from __future__ import annotations

import socket
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
        self.redirect: str | None = None  # answer 302 with this Location
        self.hosts: list[str] = []  # the Host header of every request


def _handler(upstream: Upstream):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            upstream.requests += 1
            upstream.hosts.append(self.headers.get("Host", ""))
            if upstream.redirect:
                self.send_response(302)
                self.send_header("Location", upstream.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, handler):
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, 0), handler)


@pytest.fixture
def serve():
    """Start real upstream servers on loopback addresses (127.0.0.1, 127.0.0.2, ::1); each
    records every request it gets."""
    servers = []

    def start(host: str = "127.0.0.1") -> Upstream:
        state = Upstream()
        server = _Server(host, _handler(state))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        state.port = server.server_address[1]
        state.authority = f"[{host}]:{state.port}" if ":" in host else f"{host}:{state.port}"
        state.url = f"http://{state.authority}/partner.ics"
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def upstream(serve):
    return serve()


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
