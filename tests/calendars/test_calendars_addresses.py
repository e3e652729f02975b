"""Server-side request forgery: an imported calendar's address reaches only public hosts on
the allowed ports, in every notation, through every redirect; refusals never tell an open
port from a closed one.

The loopback servers here are real and record every request, so "refused" also means "never
contacted". Redirects need a first hop the rule allows: CALENDARS_ALLOWED_NETWORKS (a real
setting, for an intranet partner server) allows 127.0.0.2 alone, so a server there is
"allowed" while 127.0.0.1 and ::1 stay private.
"""

from __future__ import annotations

import socket

import pytest
from factories import make_org
from test_calendars_import import SINGLE, ics  # noqa: I001  (a sibling test module)

from scheduler.calendars.fetch import (
    Limits,
    SourcePolicy,
    fetch,
    is_allowed_address,
)
from scheduler.calendars.models import ImportedCalendar
from scheduler.extensions import db

NOT_ALLOWED = "this address is not allowed"


@pytest.fixture
def parnu(app):
    app.config["CALENDARS_DAYS_BACK"] = 5000
    app.config["CALENDARS_TIMEOUT"] = 2.0
    org = make_org("parnu")
    db.session.commit()
    return org


def add(runner, source: str):
    return runner.invoke(args=["calendars", "add", source, "--org", "parnu"])


def allow_ports(app, *ports: int) -> None:
    app.config["CALENDARS_ALLOWED_PORTS"] = (80, 443, *ports)


def calendars() -> list[ImportedCalendar]:
    return db.session.scalars(db.select(ImportedCalendar)).all()


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",  # decimal
        "0x7f.0.0.1",  # hexadecimal
        "0177.0.0.1",  # octal
        "127.1",  # short form
        "localhost",  # a name resolving to loopback
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    ],
)
def test_loopback_in_every_notation_is_refused_and_never_contacted(app, runner, parnu, serve, host):
    server = serve("127.0.0.1")
    server.body = ics(SINGLE)
    allow_ports(app, server.port)  # only the address can be the reason
    result = add(runner, f"http://{host}:{server.port}/partner.ics")
    assert result.exit_code != 0
    assert NOT_ALLOWED in result.output
    assert server.requests == 0
    assert calendars() == []


def test_ipv6_loopback_is_refused_and_never_contacted(app, runner, parnu, serve):
    server = serve("::1")
    server.body = ics(SINGLE)
    allow_ports(app, server.port)
    result = add(runner, f"http://[::1]:{server.port}/partner.ics")
    assert NOT_ALLOWED in result.output and server.requests == 0


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # link-local: cloud metadata
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # site-local (deprecated, RFC 3879): still routed inside some networks
        "feff:ffff::1",
        "ff02::1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo of 127.0.0.1
    ],
)
def test_private_and_special_addresses_are_not_allowed(address):
    import ipaddress

    assert not is_allowed_address(ipaddress.ip_address(address), SourcePolicy())


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "64:ff9b::5db8:d70e"])
def test_public_addresses_are_allowed(address):
    import ipaddress

    assert is_allowed_address(ipaddress.ip_address(address), SourcePolicy())


def test_the_metadata_address_is_refused_without_a_connection(runner, parnu):
    result = add(runner, "http://169.254.169.254/latest/meta-data/")
    assert NOT_ALLOWED in result.output
    assert calendars() == []


def test_a_port_other_than_80_and_443_is_refused_even_on_an_allowed_host(app, runner, parnu, serve):
    app.config["CALENDARS_ALLOW_PRIVATE_HOSTS"] = True
    server = serve("127.0.0.1")
    server.body = ics(SINGLE)
    result = add(runner, server.url)
    assert NOT_ALLOWED in result.output and server.requests == 0


def test_only_http_and_https_are_fetched(runner, parnu, tmp_path):
    for source in ("ftp://ftp.example.com/cal.ics", "file:///etc/passwd", "gopher://x/"):
        assert NOT_ALLOWED in add(runner, source).output
    assert calendars() == []


def test_open_and_closed_ports_on_a_private_host_get_the_same_answer(app, runner, parnu, serve):
    server = serve("127.0.0.1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    allow_ports(app, server.port, closed)
    open_answer = add(runner, f"http://127.0.0.1:{server.port}/").output
    closed_answer = add(runner, f"http://127.0.0.1:{closed}/").output
    assert open_answer.replace(str(server.port), "P") == closed_answer.replace(str(closed), "P")
    assert server.requests == 0


def test_a_redirect_to_loopback_is_refused(app, runner, parnu, serve):
    allowed, internal = serve("127.0.0.2"), serve("127.0.0.1")
    internal.body = ics(SINGLE)
    app.config["CALENDARS_ALLOWED_NETWORKS"] = ("127.0.0.2/32",)
    allow_ports(app, allowed.port, internal.port)
    allowed.redirect = internal.url
    result = add(runner, allowed.url)
    assert NOT_ALLOWED in result.output
    assert (allowed.requests, internal.requests) == (1, 0)
    assert calendars() == []


@pytest.mark.parametrize("target", ["ftp://127.0.0.2/partner.ics", "http://127.0.0.2:8081/x.ics"])
def test_a_redirect_to_another_scheme_or_port_is_refused(app, runner, parnu, serve, target):
    allowed = serve("127.0.0.2")
    app.config["CALENDARS_ALLOWED_NETWORKS"] = ("127.0.0.2/32",)
    allow_ports(app, allowed.port)
    allowed.redirect = target
    assert NOT_ALLOWED in add(runner, allowed.url).output


def test_a_redirect_within_allowed_hosts_is_followed(app, runner, parnu, serve):
    first, second = serve("127.0.0.2"), serve("127.0.0.2")
    second.body = ics(SINGLE)
    app.config["CALENDARS_ALLOWED_NETWORKS"] = ("127.0.0.2/32",)
    allow_ports(app, first.port, second.port)
    first.redirect = second.url
    result = add(runner, first.url)
    assert result.exit_code == 0, result.output
    assert (first.requests, second.requests) == (1, 1)


def test_endless_redirects_are_refused(app, runner, parnu, serve):
    loop = serve("127.0.0.2")
    app.config["CALENDARS_ALLOWED_NETWORKS"] = ("127.0.0.2/32",)
    allow_ports(app, loop.port)
    loop.redirect = loop.url
    assert "redirected more than" in add(runner, loop.url).output


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_contacted(serve):
    """A resolver that would answer loopback on a second lookup (DNS rebinding) is asked
    once; the connection goes to the address it gave, and the server sees the name."""
    server = serve("127.0.0.2")
    server.body = ics(SINGLE)
    answers = [["127.0.0.2"], ["127.0.0.1"]]
    asked = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[len(asked) - 1]

    policy = SourcePolicy(
        allowed_ports=frozenset({server.port}),
        allowed_networks=(__import__("ipaddress").ip_network("127.0.0.2/32"),),
    )
    url = f"http://calendar.partner.example:{server.port}/partner.ics"
    fetched = fetch(url, Limits(timeout=2.0, policy=policy), resolver=resolver)
    assert fetched.body == ics(SINGLE)
    assert asked == ["calendar.partner.example"]
    assert server.hosts == [f"calendar.partner.example:{server.port}"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Nothing was imported: this address is not allowed"),
        ("et", "Midagi ei imporditud: see aadress ei ole lubatud"),
        ("ru", "этот адрес не разрешён"),
    ],
)
def test_the_page_refuses_a_private_address_in_the_visitors_language(
    app, client, parnu, serve, lang, text
):
    from scheduler.accounts.models import Role, User

    server = serve("127.0.0.1")
    allow_ports(app, server.port)
    user = User(email="coord@parnu.ee", role=Role.COORDINATOR, organisation=parnu)
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()
    client.post("/account/login", data={"email": "coord@parnu.ee", "password": "secret-pass"})
    page = client.post(
        f"/calendars/?lang={lang}",
        data={"org": "parnu", "type": "club", "url": f"http://2130706433:{server.port}/"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert text in page
    assert server.requests == 0 and calendars() == []


@pytest.fixture
def tls_upstream(tmp_path, monkeypatch):
    """A real HTTPS server on 127.0.0.2 whose certificate names calendar.partner.example,
    trusted through SSL_CERT_FILE (read by ssl.create_default_context)."""
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=calendar.partner.example"]
        + ["-addext", "subjectAltName=DNS:calendar.partner.example"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.append(self.headers.get("Host", ""))
            body = ics(SINGLE)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def _tls_limits(port: int) -> Limits:
    import ipaddress

    policy = SourcePolicy(
        allowed_ports=frozenset({port}), allowed_networks=(ipaddress.ip_network("127.0.0.2/32"),)
    )
    return Limits(timeout=5.0, policy=policy)


def test_https_connects_to_the_checked_address_and_verifies_the_name(tls_upstream):
    port, seen = tls_upstream
    url = f"webcal://calendar.partner.example:{port}/partner.ics"
    fetched = fetch(url, _tls_limits(port), resolver=lambda host, _: ["127.0.0.2"])
    assert fetched.body == ics(SINGLE)
    assert seen == [f"calendar.partner.example:{port}"]


def test_a_certificate_for_another_name_is_refused_like_an_unreachable_server(tls_upstream):
    from scheduler.calendars.parse import CalendarImportError

    port, seen = tls_upstream
    url = f"https://other.partner.example:{port}/partner.ics"
    with pytest.raises(CalendarImportError, match="the server cannot be reached"):
        fetch(url, _tls_limits(port), resolver=lambda host, _: ["127.0.0.2"])
    assert seen == []
