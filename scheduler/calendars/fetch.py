"""Download an upstream calendar safely: only public addresses, within a size and a time
budget. No Flask.

Server-side request forgery: a calendar address is a request the server makes on someone's
behalf, so the address is checked the way the connection will see it. The host is resolved
once (``getaddrinfo`` also reads ``2130706433``, ``0x7f.0.0.1`` and ``127.1`` as the
loopback address they are); every resolved address must be public — IPv4-mapped, 6to4,
Teredo and NAT64 forms are judged by the IPv4 address they carry — and the connection goes
to an address that was checked, never through a second lookup, while the Host header and
TLS (SNI and certificate) use the name. Redirects are followed here, at most
``MAX_REDIRECTS``, each one checked like the first address. Any failure to connect to an
allowed address gives one message, so the answer never tells an open port from a closed
one.

Time: one deadline covers resolving the name, connecting, the TLS handshake, the headers and
the body. ``getaddrinfo`` has no timeout of its own, so it runs in a thread of its own that
the fetch waits for only until the deadline (the thread ends when the system resolver gives
up; nothing waits for it). Every
read on the socket first sets its timeout to the time that is left, so a server that drips
a header line every few seconds is cut off at the deadline like one that drips the body.
A body larger than the limit is refused as soon as the limit is passed, whatever
Content-Length said.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .parse import CalendarImportError

USER_AGENT = "ELVL-scheduler calendar import (+https://elvl.ee)"
CHUNK = 64 * 1024
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}

ADDRESS_NOT_ALLOWED = "this address is not allowed"
UNREACHABLE = "the server cannot be reached"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class AddressNotAllowed(CalendarImportError):
    """The address, its port or its scheme is not one the server may fetch from."""

    def __init__(self) -> None:
        super().__init__(ADDRESS_NOT_ALLOWED)


@dataclass(frozen=True)
class SourcePolicy:
    """Which addresses an import may reach. One policy serves the page, the command line,
    the refresh job and every redirect.

    ``allow_private`` lets every unicast address through (tests, on-premise installs);
    ``allowed_networks`` lets through only the given networks besides the public internet
    (an intranet server, without opening loopback or link-local cloud metadata)."""

    allow_private: bool = False
    allowed_ports: frozenset[int] = frozenset({80, 443})
    allowed_networks: tuple[Network, ...] = ()


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 10.0  # seconds for the whole download: connect, headers and body
    policy: SourcePolicy = field(default_factory=SourcePolicy)


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the last download
    etag: str | None = None
    last_modified: str | None = None


Resolver = Callable[[str, int], list[str]]


def http_url(source: str) -> str:
    lowered = source.lower()
    for prefix in ("webcal://", "webcals://"):
        if lowered.startswith(prefix):
            return "https://" + source[len(prefix) :]
    return source


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://", "webcal://", "webcals://"))


def has_scheme(source: str) -> bool:
    """Whether the source is written as an address (``ftp://…``, ``file://…``), not a path."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", source) is not None and "://" in source


# --- the address rule ------------------------------------------------------------------------


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition form carries (mapped, 6to4, Teredo, NAT64)."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """A global unicast address (not the deprecated site-local fec0::/10, which Python
    counts as global); a transition form (IPv4-mapped, 6to4, Teredo, NAT64) is
    judged by the IPv4 address it carries."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return is_public(inner)
    site_local = address.version == 6 and address.is_site_local  # fec0::/10, deprecated
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not site_local
    )


def is_allowed_address(address: Address, policy: SourcePolicy) -> bool:
    if address.is_multicast or address.is_unspecified:
        return False
    if policy.allow_private or is_public(address):
        return True
    inner = embedded_ipv4(address)
    return any(address in net or (inner and inner in net) for net in policy.allowed_networks)


@dataclass(frozen=True)
class Target:
    """A checked address: where to connect, and the name to speak to."""

    scheme: str  # http or https
    host: str  # the name as written (IDNA), for Host, SNI and the certificate
    port: int
    addresses: tuple[str, ...]  # resolved and checked, in the resolver's order
    path: str  # path and query, as sent in the request line


def parse_source(url: str, policy: SourcePolicy) -> tuple[str, str, int, str]:
    """Scheme, host, port and request path of an http(s)/webcal address the policy allows
    to be asked for; the resolved addresses are checked by ``resolve_target``."""
    try:
        parts = urlsplit(http_url(url.strip()))
        port = parts.port
    except ValueError:
        raise AddressNotAllowed() from None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        raise AddressNotAllowed()
    port = port if port is not None else DEFAULT_PORTS[scheme]
    if port not in policy.allowed_ports:
        raise AddressNotAllowed()
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise AddressNotAllowed() from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def resolve_target(
    url: str,
    policy: SourcePolicy,
    resolver: Resolver = system_resolver,
    deadline: float | None = None,
    timeout: float | None = None,
) -> Target:
    """Check an address once, as the connection will see it: AddressNotAllowed if any
    resolved address is not allowed, CalendarImportError if the name does not resolve (or,
    given a ``time.monotonic()`` deadline, does not resolve before it)."""
    scheme, host, port, path = parse_source(url, policy)
    try:
        if deadline is None:
            found = resolver(host, port)
        else:
            found = _resolve_within(resolver, host, port, deadline, timeout)
    except (OSError, UnicodeError):
        raise CalendarImportError(UNREACHABLE) from None
    addresses = []
    for text in dict.fromkeys(found):
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise AddressNotAllowed() from None
        if not is_allowed_address(address, policy):
            raise AddressNotAllowed()
        addresses.append(text)
    if not addresses:
        raise CalendarImportError(UNREACHABLE)
    return Target(scheme, host, port, tuple(addresses), path)


def _resolve_within(
    resolver: Resolver, host: str, port: int, deadline: float, timeout: float | None
) -> list[str]:
    outcome: dict[str, object] = {}
    done = threading.Event()

    def resolve() -> None:
        try:
            outcome["found"] = resolver(host, port)
        except BaseException as error:  # handed to the waiting fetch
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=resolve, name="calendar-resolve", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        raise CalendarImportError(_resolving_timed_out(timeout))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["found"]


def _resolving_timed_out(timeout: float | None) -> str:
    within = f" within {timeout:g} seconds" if timeout is not None else " in time"
    return f"the server's name could not be resolved{within} (limit CALENDARS_TIMEOUT)"


# --- downloading -----------------------------------------------------------------------------


def fetch(
    source: str,
    limits: Limits,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_files: bool = False,
    resolver: Resolver = system_resolver,
) -> Fetched:
    if is_url(source):
        return _fetch_http(http_url(source), limits, etag, last_modified, resolver)
    if allow_files and not has_scheme(source):
        return Fetched(read_file(source, limits))
    raise AddressNotAllowed()


def read_file(path: str, limits: Limits) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CalendarImportError(f"no file {path}")
    if file.stat().st_size > limits.max_bytes:
        raise CalendarImportError(_too_large(limits))
    return file.read_bytes()


def _too_large(limits: Limits) -> str:
    return f"the calendar is larger than the limit of {limits.max_bytes // 1024} KiB"


def _timed_out(limits: Limits) -> str:
    return f"the server did not deliver the calendar within {limits.timeout:g} seconds"


def _fetch_http(url: str, limits: Limits, etag, last_modified, resolver: Resolver) -> Fetched:
    deadline = time.monotonic() + limits.timeout
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(MAX_REDIRECTS + 1):
        target = resolve_target(url, limits.policy, resolver, deadline, limits.timeout)
        connection = _connect(target, deadline)
        try:
            response = _request(connection, target, headers, limits)
            if response.status in REDIRECTS and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location").strip())
                continue
            return _fetched(response, limits, etag, last_modified)
        finally:
            connection.close()
    raise CalendarImportError(f"the server redirected more than {MAX_REDIRECTS} times")


def _fetched(response, limits: Limits, etag, last_modified) -> Fetched:
    if response.status == 304:
        return Fetched(None, etag, last_modified)
    if not 200 <= response.status < 300:
        raise CalendarImportError(f"the server answered {response.status} {response.reason}")
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise CalendarImportError(_too_large(limits))
    body = _read_within(response, limits)
    return Fetched(body, response.getheader("ETag"), response.getheader("Last-Modified"))


def _request(connection, target: Target, headers: dict, limits: Limits):
    try:
        connection.request("GET", target.path, headers=headers)
        return connection.getresponse()
    except TimeoutError:
        raise CalendarImportError(_timed_out(limits)) from None
    except (OSError, http.client.HTTPException):
        raise CalendarImportError(UNREACHABLE) from None


def _read_within(response, limits: Limits) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = response.read1(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limits.max_bytes:
                raise CalendarImportError(_too_large(limits))
            chunks.append(chunk)
    except TimeoutError:
        raise CalendarImportError(_timed_out(limits)) from None
    except (OSError, http.client.HTTPException) as error:
        raise CalendarImportError(f"the download failed: {type(error).__name__}") from None


# --- connections to the checked address, under one deadline -----------------------------------


class _DeadlinePassed(TimeoutError):
    pass


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed()
    return left


class _DeadlineReads:
    """Every read waits at most until the fetch's deadline."""

    deadline: float = 0.0

    def recv(self, *args):
        self.settimeout(_remaining(self.deadline))
        return super().recv(*args)

    def recv_into(self, *args):
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(*args)


class _DeadlineSocket(_DeadlineReads, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineReads, ssl.SSLSocket):
    def read(self, *args):
        self.settimeout(_remaining(self.deadline))
        return super().read(*args)


def _open_socket(target: Target, deadline: float) -> socket.socket:
    """A TCP connection to one of the checked addresses; any failure is one message."""
    for address in target.addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect((address, target.port))
            return sock
        except OSError:
            sock.close()
            if time.monotonic() >= deadline:
                break
    raise CalendarImportError(UNREACHABLE)


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, deadline: float):
        super().__init__(target.host, target.port)
        self.target, self.deadline = target, deadline

    def connect(self) -> None:
        self.sock = _open_socket(self.target, self.deadline)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, deadline: float):
        self.tls_context = _tls_context()
        super().__init__(target.host, target.port, context=self.tls_context)
        self.target, self.deadline = target, deadline

    def connect(self) -> None:
        sock = _open_socket(self.target, self.deadline)
        try:
            sock.settimeout(_remaining(self.deadline))
            tls = self.tls_context.wrap_socket(sock, server_hostname=self.target.host)
        except OSError:
            sock.close()
            raise CalendarImportError(UNREACHABLE) from None
        tls.deadline = self.deadline
        self.sock = tls


def _connect(target: Target, deadline: float):
    cls = _CheckedHTTPSConnection if target.scheme == "https" else _CheckedHTTPConnection
    connection = cls(target, deadline)
    connection.connect()
    return connection
