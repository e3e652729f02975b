"""A real SMTP server (aiosmtpd) on a free loopback port that records what it accepts.

``Controller(port=0)`` does not work in aiosmtpd, so a free port is found by binding first.
Behaviour can be switched while it runs: accept, answer 4xx, refuse given recipients with
5xx, or pause before accepting each message (to kill a sender mid-batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data, policy=policy.default)

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    tempfail: bool = False
    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0
    on_accept: object = None  # a callable run with the count of accepted messages
    # Hold each message until this many client sessions have sent one (proves overlap).
    wait_for_sessions: int = 0
    sessions: set = field(default_factory=set)
    enough_sessions: asyncio.Event = field(default_factory=asyncio.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.tempfail:
            return "451 4.3.0 try again later"
        if address.lower() in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        if len(self.sessions) >= self.wait_for_sessions:
            self.enough_sessions.set()
        with contextlib.suppress(TimeoutError):  # at most 20 s, then carry on alone
            await asyncio.wait_for(self.enough_sessions.wait(), timeout=20)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), envelope.content))
            count = len(self.received)
        if self.on_accept is not None:
            self.on_accept(count)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = SinkHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]
