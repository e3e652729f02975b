"""A message leaves as it was written: long subjects in any script, with their spaces."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from scheduler.mail.message import OutgoingMail
from scheduler.mail.transport import to_flask_mail

SUBJECTS = [
    "Changed: Conversation club is now on Wednesday, December 9, 2026, 20:00",
    "Отменено: Разговорный клуб на английском языке в среду, 9 декабря 2026 г., 20:00 и ещё",
    "Скасовано: Розмовний клуб у Раквере в середу, 9 грудня 2026 р., 20:00, причина: хвороба",
    "Tühistatud: Suhtlusklubi inglise keeles kolmapäeval, 9. detsembril 2026 kell 20.00",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_long_subject_arrives_with_every_space_and_nothing_before_it(app, subject):
    outgoing = OutgoingMail(
        message_id="<1@elvl-scheduler.ee>",
        recipient="newcomer@example.ee",
        subject=subject,
        text="Tere",
        html="<p>Tere</p>",
        headers={"List-Unsubscribe": "<https://example.ee/unsubscribe/" + "x" * 80 + ">"},
    )
    raw = to_flask_mail(outgoing).as_bytes()
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Subject"] == subject
    assert received["List-Unsubscribe"] == "<https://example.ee/unsubscribe/" + "x" * 80 + ">"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert received.get_body(("plain",)).get_content().strip() == "Tere"
