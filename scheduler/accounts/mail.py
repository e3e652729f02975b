"""Account mail (invitations, password resets) in the recipient's language.

An invitation is sent at once through the reminders' transport (SMTP when MAIL_SERVER is
set, otherwise an .eml file in MAIL_CAPTURE_DIR), so the inviter learns whether it left. A
password reset is a row in the reminder outbox, written in the request's transaction and
sent by the dispatcher: the request does no SMTP, and answers alike for every email. Its
link is made when the mail is built, so it is valid for its full age from then.
"""

from __future__ import annotations

import uuid
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from ..core.time import utcnow
from ..extensions import db
from ..mail.message import OutgoingMail, link_to, rendered_mail
from ..mail.models import Reminder, ReminderKind, reminder_key
from ..mail.transport import open_transport
from .labels import role_label
from .models import User

#: the outbox kind of each queued account mail, and its templates (accounts/mail/<name>.*)
_QUEUED = {ReminderKind.PASSWORD_RESET: "reset"}


def render_account_mail(user: User, kind: str, message_id: str, **context) -> OutgoingMail:
    languages = current_app.config["LANGUAGES"]
    locale = user.locale if user.locale in languages else languages[0]
    context.update(user=user, locale=locale, role_label=role_label)
    with force_locale(locale):
        subject = render_template(f"accounts/mail/{kind}_subject.txt", **context)
        return rendered_mail(
            message_id, user.email, locale, f"accounts/mail/{kind}", subject=subject, **context
        )


def send_account_mail(user: User, kind: str, **context) -> None:
    outgoing = render_account_mail(user, kind, make_msgid(domain="scheduler.elvl.ee"), **context)
    transport = open_transport()
    try:
        transport.send(outgoing)
    finally:
        transport.close()
    current_app.logger.info("%s mail sent to user %s", kind, user.id)


def queue_account_mail(user: User, kind: ReminderKind) -> Reminder:
    """An outbox row for ``user``, due now; the caller's commit makes it visible."""
    now = utcnow()
    slot = uuid.uuid4().hex  # every request is a message of its own
    row = Reminder(
        key=reminder_key(kind, user.id, slot, user.email),
        event_id=None,
        kind=kind,
        slot=slot,
        recipient=user.email,
        due=now,
        next_attempt_at=now,
        payload={"user_id": user.id},
    )
    db.session.add(row)
    return row


def build_account_mail(row: Reminder) -> OutgoingMail:
    """The message for a queued account mail (the dispatcher's build step)."""
    from .links import RESET, user_token

    user = db.session.get(User, (row.payload or {}).get("user_id"))
    if user is None or user.email != row.recipient:
        raise ValueError("the account this mail was for no longer has this address")
    kind = _QUEUED[ReminderKind(row.kind)]
    link = link_to("accounts.reset_password", token=user_token(user, RESET))
    return render_account_mail(user, kind, row.message_id, link=link)
