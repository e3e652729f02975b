"""Where messages go: an SMTP server through Flask-Mail, or a folder of .eml files.

With no ``MAIL_SERVER`` configured (the embedded default) each message is written to
``MAIL_CAPTURE_DIR`` as ``<message id>.eml``: nothing is lost, and a retry overwrites
the same file instead of adding a copy.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import tempfile
from email import policy
from pathlib import Path

from flask import current_app
from flask_mail import Connection, Message

from .message import OutgoingMail


class DeliveryError(Exception):
    """A message was not delivered. ``permanent``: retrying will not help.
    ``connection``: the server itself is unreachable, so the rest of the batch waits too."""

    def __init__(self, message: str, *, permanent: bool = False, connection: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection


class _Message(Message):
    """Flask-Mail's message, its headers folded only past RFC 5322's 998 characters.

    Python 3.11's folding of a long non-ASCII subject into encoded words drops the spaces at
    the folds ("в среду" arrives as "всреду"), and a long ASCII subject starts its line after
    the colon (" Changed: …"). One line up to 998 characters (RFC 5322's hard limit) needs no
    folding, so every subject arrives as written."""

    def _message(self):
        message = super()._message()
        message.policy = policy.SMTP.clone(max_line_length=998)
        return message


def to_flask_mail(outgoing: OutgoingMail) -> Message:
    message = _Message(
        subject=outgoing.subject,
        recipients=[outgoing.recipient],
        body=outgoing.text,
        html=outgoing.html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=outgoing.headers,
    )
    # The fixed Message-ID; putting it in extra_headers would write the header twice.
    message.msgId = outgoing.message_id
    if outgoing.ics is not None:
        message.attach("event.ics", "text/calendar; charset=utf-8; method=PUBLISH", outgoing.ics)
    for image in outgoing.images:
        headers = {"Content-ID": f"<{image.content_id}>"}
        message.attach(image.filename, image.content_type, image.data, "inline", headers)
    return message


class _TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a stuck server cannot hang a tick."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
        state = self.mail
        if state.use_ssl:
            host = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout)
        else:
            host = smtplib.SMTP(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


class SmtpTransport:
    """Opens the SMTP connection on the first message and reuses it for the tick."""

    def __init__(self) -> None:
        self._connection: _TimedConnection | None = None

    def send(self, outgoing: OutgoingMail) -> None:
        try:
            if self._connection is None:
                connection = _TimedConnection(current_app.extensions["mail"])
                connection.__enter__()
                self._connection = connection
            self._connection.send(to_flask_mail(outgoing))
        except Exception as error:
            self._drop_connection()
            raise classify(error) from error

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            with contextlib.suppress(OSError):
                connection.host.close()

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.__exit__(None, None, None)
            self._connection = None


class CaptureTransport:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, outgoing: OutgoingMail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", outgoing.message_id.strip("<>")) + ".eml"
        data = to_flask_mail(outgoing).as_bytes()
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, self.folder / name)

    def close(self) -> None:
        pass


def open_transport() -> SmtpTransport | CaptureTransport:
    if current_app.config["MAIL_SERVER"]:
        return SmtpTransport()
    return CaptureTransport(current_app.config["MAIL_CAPTURE_DIR"])


def _codes(error: smtplib.SMTPRecipientsRefused) -> list[int]:
    return [code for code, _text in error.recipients.values()]


def classify(error: Exception) -> DeliveryError:
    """SMTP outcome → retry or give up. 5xx about the recipient or the content is final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = _codes(error)
        detail = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        return DeliveryError(f"recipient refused: {detail}", permanent=all(c >= 500 for c in codes))
    if isinstance(error, smtplib.SMTPDataError | smtplib.SMTPSenderRefused):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else error.smtp_error
        )
        permanent = isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
        return DeliveryError(f"{error.smtp_code} {text}", permanent=permanent)
    if isinstance(error, smtplib.SMTPException | OSError):
        return DeliveryError(f"SMTP server unavailable: {error!r}", connection=True)
    if isinstance(error, ValueError | UnicodeError):
        return DeliveryError(f"message refused before sending: {error}", permanent=True)
    return DeliveryError(f"unexpected error: {error!r}")
